//! The knowledge in `ontology/` is complete and well-formed: every UN member state with its
//! demonym, capital and Wikidata id; the international organisations, news agencies and titles
//! news names; a rule for every contract predicate; and names resolve to what they stand for.

use std::collections::HashSet;
use std::path::Path;

use kgraph::extract::lexicon::Hit;
use kgraph::extract::{Lexicon, LexiconBuilder};

/// The 24 predicates of ../shared/CONTRACT.md.
const PREDICATES: &[&str] = &[
    "brokered", "signed", "supports", "suppliesWeaponsTo", "allyOf", "memberOf", "deployed", "deployedTo", "deathToll",
    "count", "controls", "captured", "withdrawsFrom", "locatedIn", "capitalOf", "hasMilitaryBaseIn", "officialOf",
    "title", "accused", "attacked", "protestedAgainst", "stormed", "welcomed", "date",
];

fn lexicon() -> Lexicon {
    LexiconBuilder::new().dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("ontology")).build().expect("the lexicon loads")
}

/// Rows of a TSV file of `ontology/`, without comments.
fn rows(rel: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ontology").join(rel)).unwrap();
    text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(|l| l.split('\t').map(str::to_owned).collect()).collect()
}

/// What a name in running text stands for.
fn hits<'a>(lex: &'a Lexicon, text: &str) -> Vec<Hit> {
    lex.find(text).into_iter().filter(|(r, _)| r.start == 0 && r.end == text.len()).flat_map(|(_, h)| h.to_vec()).collect()
}

#[test]
fn every_state_has_names_demonyms_capital_and_wikidata_id() {
    let countries = rows("gazetteer/countries.tsv");
    // wikidata iso2 iso3 name aliases demonyms capital capital_wikidata capital_aliases status
    let members: Vec<_> = countries.iter().filter(|r| r.get(9).is_some_and(|s| s == "un_member")).collect();
    assert_eq!(members.len(), 193, "all UN member states");
    let mut iso2 = HashSet::new();
    for r in &countries {
        let name = &r[3];
        assert_eq!(r.len(), 10, "{name}: 10 columns");
        assert!(r[0].starts_with('Q') && r[0][1..].chars().all(|c| c.is_ascii_digit()), "{name}: Wikidata id {:?}", r[0]);
        // States without an ISO code (Abkhazia, Somaliland, …) are partially recognised.
        assert!(r[1].is_empty() && r[9] == "partially_recognised" || r[1].len() == 2 && iso2.insert(r[1].clone()), "{name}: unique ISO code {:?}", r[1]);
        assert!(!r[5].is_empty(), "{name}: a demonym");
        // Former states (Yugoslavia, the Soviet Union) have none: their capitals are today's
        // states'.
        assert!(!r[6].is_empty() || r[9] == "former", "{name}: a capital");
    }
    for status in countries.iter().map(|r| r[9].as_str()) {
        assert!(["un_member", "observer", "partially_recognised", "former"].contains(&status), "status {status}");
    }
}

#[test]
fn names_demonyms_and_capitals_stand_for_their_state() {
    let lex = lexicon();
    let country = |name: &str| lex.countries.iter().position(|c| c.name == name).unwrap_or_else(|| panic!("{name} is a country"));
    for (text, state) in [
        ("Azeri", "Azerbaijan"),
        ("Azerbaijani", "Azerbaijan"),
        ("Ukrainian", "Ukraine"),
        ("Sudanese", "Sudan"),
        ("Cambodian", "Cambodia"),
        ("Burkinabe", "Burkina Faso"),
        ("Côte d'Ivoire", "Ivory Coast"),
        ("Türkiye", "Turkey"),
        ("U.S.", "United States"),
        ("Britain", "United Kingdom"),
    ] {
        let c = country(state);
        let found = hits(&lex, text);
        assert!(found.iter().any(|h| matches!(h, Hit::Country(i) | Hit::Demonym(i) if *i == c)), "{text} → {state}: {found:?}");
    }
    for (capital, state) in [("Yerevan", "Armenia"), ("Khartoum", "Sudan"), ("Phnom Penh", "Cambodia"), ("Kyiv", "Ukraine")] {
        let c = country(state);
        let found = hits(&lex, capital);
        assert!(
            found.iter().any(|h| matches!(h, Hit::Place(p) if lex.places[*p].capital_of == Some(c))),
            "{capital} is the capital of {state}: {found:?}"
        );
    }
}

#[test]
fn organisations_agencies_and_titles_of_the_news_are_known() {
    let lex = lexicon();
    for name in [
        "UN", "NATO", "EU", "AU", "ASEAN", "OSCE", "CSTO", "Arab League", "WHO", "ICRC", "IAEA", "Reuters", "AFP", "TASS",
        "European Union", "African Union", "Red Cross", "ECOWAS", "IGAD", "Associated Press",
    ] {
        assert!(hits(&lex, name).iter().any(|h| matches!(h, Hit::Org(_))), "organisation {name}");
    }
    for title in [
        "President", "Prime Minister", "Foreign Minister", "Defence Minister", "Defense Minister", "spokesman",
        "spokeswoman", "Speaker", "Secretary-General", "envoy", "ambassador", "leader", "commander",
    ] {
        assert!(hits(&lex, title).iter().any(|h| matches!(h, Hit::Title(_))), "title {title}");
    }
}

#[test]
fn every_contract_predicate_has_a_rule() {
    let lex = lexicon();
    // Built into the extractor rather than relations.toml: titles before names, counts
    // before group nouns and capitals the gazetteer knows.
    let built_in = ["title", "officialOf", "count", "capitalOf"];
    for p in PREDICATES {
        let rules = lex.rules.rules.iter().filter(|r| r.predicate == *p).count();
        assert!(rules > 0 || built_in.contains(p), "no rule for {p}");
    }
    // A not-cue that is also a cue of its list would switch the cue off.
    for (list, nots) in &lex.rules.not_cues {
        let cues = lex.rules.cues.get(list).unwrap_or_else(|| panic!("not_cues.{list} names no cue list"));
        for phrase in nots {
            assert!(!cues.contains(phrase), "not_cues.{list} switches off its own cue {phrase:?}");
        }
    }
    for r in &lex.rules.rules {
        assert!(PREDICATES.contains(&r.predicate.name()), "rule {} has a predicate outside the contract: {}", r.id, r.predicate);
        assert!((0.0..=1.0).contains(&r.confidence), "rule {}: confidence {}", r.id, r.confidence);
    }
}

#[test]
fn every_data_file_says_where_its_facts_come_from() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("ontology");
    for rel in [
        "gazetteer/countries.tsv", "gazetteer/regions.tsv", "gazetteer/cities.tsv", "lexicon/organizations.tsv",
        "lexicon/titles.tsv", "lexicon/nominals.tsv", "lexicon/org_suffixes.tsv", "lexicon/relations.toml",
        "lexicon/cameo_frames.toml", "lexicon/cameo_verbs.tsv", "lexicon/cameo_predicates.tsv", "language/verbs.tsv",
        "language/verb_forms.tsv", "language/adjectives.txt", "language/adverbs.txt", "language/person_nouns.tsv",
        "language/function_words.tsv", "actors/people.tsv", "actors/codes.tsv", "actors/agents.tsv",
    ] {
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        assert!(text.lines().take(20).any(|l| l.to_lowercase().contains("source")), "{rel} names its source");
    }
}

#[test]
fn cue_lists_hold_no_inflections_of_a_listed_verb() {
    // Cue words match every form of a verb by its lemma (the linguistic layer), so a list that
    // has "sign" needs no "signed", "signs" or "signing".
    let lex = lexicon();
    let lemma = |w: &str| lex.language.verb(w).map_or_else(|| w.to_owned(), |(l, _)| l);
    let mut problems = Vec::new();
    for (name, phrases) in lex.rules.cues.iter().chain(lex.rules.not_cues.iter()) {
        for phrase in phrases {
            let base: Vec<String> = phrase.iter().map(|w| lemma(w)).collect();
            if &base != phrase && phrases.contains(&base) {
                problems.push(format!("{name}: {:?} is a form of {:?}, which is listed", phrase.join(" "), base.join(" ")));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // And a form matches through its lemma: "retook" is a form of "retake".
    assert_eq!(lemma("retook"), "retake");
}

#[test]
fn a_typo_in_a_frame_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let frame = |object: &str, class: &str| {
        format!("[[frame]]\nid = \"x\"\npredicate = \"signed\"\nverbs = [\"sign\"]\nsubject = [\"agent\"]\nsubject_class = [\"actor\"]\nobject = [\"{object}\"]\nobject_class = [\"{class}\"]\n")
    };
    let load = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        LexiconBuilder::new().dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("ontology")).extra(path).build().map(|_| ()).unwrap_err().to_string()
    };
    // A role that is neither agent, patient nor a preposition would never fire.
    let error = load("roles.toml", frame("pateint", "Agreement"));
    assert!(error.contains("frame x") && error.contains("\"pateint\""), "{error}");
    // So is a destination that is no preposition: the frame would never fire.
    let error = load("destination.toml", frame("patient", "Agreement") + "destination = [\"inot\"]\n");
    assert!(error.contains("frame x") && error.contains("\"inot\""), "{error}");
    // A slot class is checked where it is written: the file and its line.
    let error = load("slots.toml", frame("patient", "Agreemnt"));
    assert!(error.contains("slots.toml:8") && error.contains("\"Agreemnt\""), "{error}");
    // A predicate outside the contract would be minted as a property nobody queries.
    let error = load("predicate.toml", frame("patient", "Agreement").replace("\"signed\"", "\"sigend\""));
    assert!(error.contains("predicate.toml:3") && error.contains("\"sigend\""), "{error}");
    // A group's relation is spelled as the contract spells it, and checked.
    let error = load("relation.toml", "[settings]\nrelation_phrases = [\"sided with>alyOf\"]\n".into());
    assert!(error.contains("relation.toml:2") && error.contains("alyof"), "{error}");
    // A setting no stage reads (a misspelt name) would be a list nobody consults.
    let error = load("settings.toml", "[settings]\n# the verbs of denial\ndenail_verbs = [\"deny\"]\n".into());
    assert!(error.contains("settings.toml:3") && error.contains("denail_verbs") && error.contains("denial_verbs"), "{error}");
}

#[test]
fn a_typo_in_a_nouns_role_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let load = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        LexiconBuilder::new().dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("ontology")).extra(path).build().map(|_| ())
    };
    // A role the class does not have: the file, its line and the roles it may have.
    let error = load("my-nominals.tsv", "# noun\tvariants\tclass\trole\ngunman\tgunmen\tGroup\tarmd\n").unwrap_err().to_string();
    assert!(error.contains("my-nominals.tsv:2") && error.contains("\"armd\"") && error.contains("irregular"), "{error}");
    // A place's role is no group's.
    let error = load("my-nominals.tsv", "hamlet\thamlets\tPlace\tarmed\n").unwrap_err().to_string();
    assert!(error.contains("my-nominals.tsv:1") && error.contains("settlement"), "{error}");
    // An agreement's role is its kind, any word: a kind of its own loads.
    load("my-nominals.tsv", "water deal\twater deals\tAgreement\twater\n").expect("a kind of its own");
    // The roles of group_anaphora are checked where they are written.
    let error = load("anaphora.toml", "[settings]\ngroup_anaphora = [\"armed>peacekeping\"]\n").unwrap_err().to_string();
    assert!(error.contains("anaphora.toml:2") && error.contains("peacekeping"), "{error}");
}
