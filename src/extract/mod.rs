//! Sentences → entities and statements, driven by the [`Lexicon`] built from `ontology/`.
//!
//! The stages import only downward, in this order (each module's first line says what it takes
//! and gives):
//!
//! | module | |
//! |---|---|
//! | [`crate::language`] | tokens, lemmas, parts of speech, verb groups; dates and numbers |
//! | [`analysis`] | the shared types: classes, values, mentions, one sentence's analysis |
//! | [`rules`] | relation rules, verb frames, cue lists, typed when they load |
//! | [`lexicon`] | every data file of `ontology/`, compiled |
//! | [`scan`] | a sentence's tokens, tags and lexicon matches, once |
//! | [`resolve`] | the document context: people, salience, acronyms, stable keys |
//! | [`recognise`] | mentions with their readings (metonymy), counted and relational groups |
//! | [`coref`] | group anaphora, pronouns, aliases |
//! | [`attributes`] | what a mention states by itself: titles, offices, counts, capitals |
//! | [`relate`] | the pattern rules |
//! | [`frames`] | the verb frames over the verb groups |
//! | [`agreements`] | the document's agreements told apart |
//! | [`explain`] | the `--explain` trace |
//!
//! [`extract`] runs them over a document and keeps one piece of evidence per fact and sentence.

/// Declares an enum whose variants data files name (`Variant = "name"`, in order): every
/// variant (`ALL`), each one's name, and the variant a name spells exactly. The variants
/// order as they are declared.
macro_rules! named_enum {
    ($(#[$meta:meta])* $vis:vis enum $ty:ident { $($variant:ident = $name:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $ty {
            $(#[doc = concat!("`", $name, "`")] $variant,)*
        }

        impl $ty {
            /// Every variant, in declaration order.
            pub const ALL: &[$ty] = &[$($ty::$variant,)*];

            /// The name data files give it.
            pub fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)*
                }
            }

            /// The variant spelled exactly `name`.
            pub fn from_name(name: &str) -> Option<$ty> {
                match name {
                    $($name => Some($ty::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

pub mod agreements;
pub mod analysis;
pub mod attributes;
pub mod coref;
pub mod explain;
pub mod frames;
pub mod lexicon;
pub mod recognise;
pub mod relate;
pub mod resolve;
pub mod rules;
pub mod scan;
pub use crate::language::{dates, numbers, text};

use std::collections::BTreeSet;
use std::ops::Range;

use indexmap::IndexMap;

pub use analysis::{Class, Value};
pub use lexicon::{Lexicon, LexiconBuilder};
pub use rules::Setting;


/// A real-world entity as found in one document.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// The class.
    pub class: Class,
    /// Corpus-stable key: a Wikidata id, or a normalised slug of the canonical name.
    pub key: String,
    /// The canonical name.
    pub label: String,
    /// Every other surface form seen.
    pub aliases: BTreeSet<String>,
    /// Wikidata id (`Q…`), when the lexicon knows it.
    pub wikidata: Option<String>,
}

/// Where a statement comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    /// Byte range of the sentence in the document text.
    pub sentence: Range<usize>,
    /// Byte range of the subject's mention.
    pub subject: Range<usize>,
    /// Byte range of the object's mention (or of the literal's text).
    pub object: Range<usize>,
    /// The rule that produced the statement.
    pub rule: String,
    /// Confidence in [0, 1].
    pub confidence: f32,
    /// Index of the entity whose reported speech holds the statement, if any.
    pub speaker: Option<usize>,
}


/// One extracted fact with its evidence.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// Index of the subject in [`Extraction::entities`].
    pub subject: usize,
    /// Contract predicate (`brokered`, `count`, …).
    pub predicate: analysis::Predicate,
    /// The object.
    pub object: Value,
    /// Where it comes from.
    pub evidence: Evidence,
}

/// Everything extracted from one document.
#[derive(Clone, Debug, Default)]
pub struct Extraction {
    /// Entities, keyed by (class, key), in order of first mention.
    pub entities: IndexMap<(Class, String), Entity, foldhash::fast::RandomState>,
    /// Statements, in text order.
    pub statements: Vec<Statement>,
}

impl Extraction {
    /// Adds (or merges into) an entity and returns its index.
    pub fn entity(&mut self, class: Class, key: &str, label: &str, surface: &str, wikidata: Option<&str>) -> usize {
        let entry = self.entities.entry((class, key.to_owned()));
        let index = entry.index();
        let e = entry.or_insert_with(|| Entity {
            class,
            key: key.to_owned(),
            label: label.to_owned(),
            aliases: BTreeSet::new(),
            wikidata: wikidata.map(str::to_owned),
        });
        let surface = surface.trim();
        if !surface.is_empty() && surface != e.label {
            e.aliases.insert(surface.to_owned());
        }
        index
    }
}

/// Extracts entities and statements from a document's sentences. With `explain`, writes a
/// per-sentence trace (mentions, verb groups, rules and frames, statements) for debugging rules.
///
/// The stages, each over the whole document: every sentence scanned and recognised once
/// ([`analyse`]); mentions resolved and statements found, sentence by sentence
/// ([`state`]); the document's agreements told apart ([`agreements::distinguish`]); entities
/// numbered ([`number`]); then one office per person, one piece of evidence per fact and
/// sentence, and no statement a stronger one of the same sentence implies.
pub fn extract(
    document: &crate::document::Document,
    sentences: &[crate::document::Sentence],
    lexicon: &Lexicon,
    explain: Option<&mut dyn std::io::Write>,
) -> Extraction {
    let (analyses, ctx) = analyse(document, sentences, lexicon);
    let mut facts = state(&document.text, analyses, lexicon, ctx.date, ctx.salient_country.as_ref());
    agreements::distinguish(&mut facts, lexicon, &ctx);
    if let Some(w) = explain {
        explain::write(w, &document.text, &facts, lexicon);
    }
    let mut out = number(facts);
    keep_one_office(&mut out);
    keep_one_title(&mut out);
    keep_one_date(&mut out);
    keep_best_evidence(&mut out);
    keep_one_direction(&mut out);
    drop_implied(&mut out);
    out
}

/// One date per agreement or event and document: the day the document states most often
/// (the first stated on ties). "Signed on Saturday … takes effect on Monday" names one truce,
/// which the gold dates once (either day).
fn keep_one_date(out: &mut Extraction) {
    // (subject, day, sentences stating it, first sentence)
    let mut days: Vec<(usize, Value, BTreeSet<usize>, usize)> = Vec::new();
    for s in out.statements.iter().filter(|s| s.predicate == analysis::Predicate::Date) {
        match days.iter_mut().find(|(subject, v, _, _)| *subject == s.subject && *v == s.object) {
            Some(d) => {
                d.2.insert(s.evidence.sentence.start);
            }
            None => days.push((s.subject, s.object.clone(), BTreeSet::from([s.evidence.sentence.start]), s.evidence.sentence.start)),
        }
    }
    if days.len() < 2 {
        return;
    }
    let best = |subject: usize| days.iter().filter(|d| d.0 == subject).max_by_key(|d| (d.2.len(), std::cmp::Reverse(d.3))).map(|d| d.1.clone());
    let keep: Vec<(usize, Option<Value>)> = days.iter().map(|d| (d.0, best(d.0))).collect();
    out.statements.retain(|s| s.predicate != analysis::Predicate::Date || keep.iter().any(|(subject, v)| *subject == s.subject && v.as_ref() == Some(&s.object)));
}

/// A rank is a person's title only where the document gives them no office: "army chief
/// General X" and "Colonel X, the defence minister" hold the office, said once; a person
/// with ranks alone keeps the first ("Gen. X" … "General X" is one rank said two ways).
fn keep_one_title(out: &mut Extraction) {
    let rank = |s: &Statement| s.predicate == analysis::Predicate::Title && s.evidence.rule == attributes::RANK_RULE;
    let office: BTreeSet<usize> = out.statements.iter().filter(|s| s.predicate == analysis::Predicate::Title && !rank(s)).map(|s| s.subject).collect();
    // Statements are in document order: the first rank kept is the first said.
    let mut first_rank: foldhash::HashMap<usize, Value> = foldhash::HashMap::default();
    for s in out.statements.iter().filter(|s| rank(s) && !office.contains(&s.subject)) {
        first_rank.entry(s.subject).or_insert_with(|| s.object.clone());
    }
    out.statements.retain(|s| !rank(s) || first_rank.get(&s.subject) == Some(&s.object));
}

/// A symmetric predicate (allyOf) is stated once per pair and sentence: "A and B are allies"
/// gives A allyOf B, not also B allyOf A (the ontology declares it symmetric).
fn keep_one_direction(out: &mut Extraction) {
    let mut seen: BTreeSet<(usize, usize, usize)> = BTreeSet::new();
    out.statements.retain(|s| {
        let Value::Entity(o) = s.object else { return true };
        if !SYMMETRIC.contains(&s.predicate) {
            return true;
        }
        let pair = (s.subject.min(o), s.subject.max(o), s.evidence.sentence.start);
        seen.insert(pair)
    });
}

/// The contract's symmetric predicates.
const SYMMETRIC: &[analysis::Predicate] = &[analysis::Predicate::AllyOf];

/// Sentences → their analyses: each scanned once, the document context built from all the
/// scans (titled names, acronyms, the salient region), then each recognised.
fn analyse(document: &crate::document::Document, sentences: &[crate::document::Sentence], lexicon: &Lexicon) -> (Vec<analysis::Analysis>, resolve::DocContext) {
    let scans: Vec<scan::Scan<'_>> = sentences.iter().map(|s| scan::scan(&document.text, s.span.clone(), lexicon)).collect();
    let titled: Vec<Vec<String>> = scans.iter().map(|s| recognise::titled_names(&document.text, s, lexicon)).collect();
    let ctx = resolve::DocContext::build(document, &scans, &titled, lexicon);
    let analyses = scans.into_iter().map(|s| recognise::recognise(&document.text, s, lexicon, &ctx)).collect();
    (analyses, ctx)
}

/// Analyses → what each sentence states: its mentions resolved against the sentences before
/// (group nouns, pronouns, aliases), then the statements of its mentions, its pattern rules and
/// its verb frames, and its reported speaker.
fn state(text: &str, analyses: Vec<analysis::Analysis>, lexicon: &Lexicon, date: Option<chrono::NaiveDate>, salient_country: Option<&analysis::EntRef>) -> Vec<analysis::SentenceFacts> {
    let rules = &lexicon.rules;
    let qualified = coref::qualified_groups(&analyses);
    let main_war = attributes::main_war(&analyses);
    let mut last_country: Option<analysis::EntRef> = None;
    let mut spoken_country: Option<analysis::EntRef> = None;
    let mut groups = Vec::new();
    let mut last = coref::Antecedents::default();
    let mut known_as = foldhash::HashMap::default();
    let mut titles_said = foldhash::HashMap::default();
    let mut recent_states = Vec::new();
    let mut last_site = None;
    let mut last_places = Vec::new();
    analyses
        .into_iter()
        .enumerate()
        .map(|(index, mut a)| {
            coref::resolve_premodifiers(&mut a);
            coref::resolve_groups(&mut a, &mut groups, &qualified, lexicon, last_country.as_ref(), salient_country);
            coref::resolve_appositions(&mut a);
            coref::resolve_plurals(&mut a, text, index, &mut recent_states, rules);
            coref::resolve_sites(&mut a, index, &mut last_site, lexicon);
            coref::resolve_settlements(&mut a, text, index, &mut last_places, lexicon, last_country.as_ref());
            coref::resolve_pronouns(&mut a, text, index, &mut last, lexicon);
            coref::resolve_aliases(&mut a, &mut known_as);
            let mut found = attributes::attributes(&a, text, lexicon, date, &spoken_country, salient_country, &main_war, &mut titles_said);
            found.extend(relate::relate(&a, rules));
            found.extend(frames::apply(&a, rules, &lexicon.language));
            // "X was arming Y, a charge X denies": an allegation, no fact.
            if let Some(at) = relate::denied_claim(&a, rules) {
                found.retain(|f| !(f.subject_span.end <= at && f.object_span.end <= at && rules.alleged(f.predicate)));
            }
            keep_participants(&mut found, rules);
            // One who leads leads one body: "forces loyal to X and the RSF, led by Y" is Y
            // leading the RSF, the conjunct nearest the participle, not the forces too.
            nearest_led(&mut found);
            // A site stormed is not also captured ("rebels seized a hospital").
            let stormed: Vec<(analysis::Name, analysis::Name)> = found.iter().filter(|f| f.predicate == analysis::Predicate::Stormed).filter_map(|f| match &f.object {
                analysis::Filler::Entity(o) => Some((f.subject.key.clone(), o.key.clone())),
                analysis::Filler::Value(_) => None,
            }).collect();
            if !stormed.is_empty() {
                found.retain(|f| !(f.predicate == analysis::Predicate::Captured && matches!(&f.object, analysis::Filler::Entity(o) if stormed.iter().any(|(s, k)| *s == f.subject.key && *k == o.key) || stormed.iter().any(|(_, k)| *k == o.key))));
            }
            // A base one keeps in a country is a base there, not a place one controls ("X keeps
            // an air base in Y").
            let based: Vec<analysis::Name> = found.iter().filter(|f| f.predicate == analysis::Predicate::HasMilitaryBaseIn).map(|f| f.subject.key.clone()).collect();
            if !based.is_empty() {
                let site = |span: &std::ops::Range<usize>| a.mentions.iter().any(|m| m.span == *span && rules::transparent(m));
                found.retain(|f| !(f.predicate == analysis::Predicate::Controls && based.contains(&f.subject.key) && site(&f.object_span)));
            }
            // Weapons one sends to another actor are supplied, not deployed: "Iran sent drones
            // to the Houthis" (but "Kenya sent armoured vehicles to the border" deploys them).
            let suppliers: Vec<analysis::Name> = found.iter().filter(|f| f.predicate == analysis::Predicate::SuppliesWeaponsTo).map(|f| f.subject.key.clone()).collect();
            if !suppliers.is_empty() {
                let equipment = |span: &std::ops::Range<usize>| a.mentions.iter().any(|m| m.span == *span && m.group.as_ref().is_some_and(|g| g.role == analysis::NounRole::Equipment));
                found.retain(|f| !(f.predicate == analysis::Predicate::Deployed && suppliers.contains(&f.subject.key) && equipment(&f.object_span)));
            }
            // A region lies in no city ("the conflict over the Donbas region in Kyiv"), and a
            // sea in no one state ("Georgia's Black Sea ports": the ports are Georgia's).
            let water = rules.setting(rules::Setting::WaterBodies);
            let sea = |name: &str| name.rsplit(' ').next().is_some_and(|w| water.iter().any(|x| x.eq_ignore_ascii_case(w)));
            found.retain(|f| {
                let analysis::Filler::Entity(o) = &f.object else { return true };
                !(f.predicate == analysis::Predicate::LocatedIn && (o.class == Class::Place && lexicon.place_size(&f.subject.key) == Some(1) && lexicon.place_size(&o.key) == Some(0) || o.class == Class::Country && sea(&f.subject.label)))
            });
            allies_by_membership(&mut found, lexicon);
            let speaker = coref::reported_speaker(&a, rules);
            if let Some(c) = a.mentions.iter().rev().find_map(|m| m.alts.iter().find(|r| r.class == Class::Country)) {
                last_country = Some(c.clone());
            }
            // The country the document last spoke of, for an official's office: one that acts
            // or is spoken of, not one in a prepositional phrase ("near the border with
            // Venezuela"), unless none was yet.
            let country = |m: &analysis::Mention| m.alts.iter().find(|r| r.class == Class::Country).cloned();
            let free = a.mentions.iter().rev().filter(|m| !attributes::governed(&a, m.tokens.start, false)).find_map(country);
            if let Some(c) = free.or_else(|| if spoken_country.is_none() { last_country.clone() } else { None }) {
                spoken_country = Some(c);
            }
            analysis::SentenceFacts { analysis: a, found, speaker }
        })
        .collect()
}

/// Of the bodies a sentence says one person leads ("X and Y, led by Z"), the one nearest
/// the person's mention.
fn nearest_led(found: &mut Vec<analysis::Found>) {
    let led = |f: &analysis::Found| f.predicate == analysis::Predicate::OfficialOf && (f.rule.starts_with("officialOf/led-by") || f.rule.starts_with("frame/lead/"));
    if found.iter().filter(|f| led(f)).count() < 2 {
        return;
    }
    let distance = |f: &analysis::Found| f.subject_span.start.abs_diff(f.object_span.end).min(f.subject_span.end.abs_diff(f.object_span.start));
    let mut best: Vec<(analysis::Name, usize)> = Vec::new();
    for f in found.iter().filter(|f| led(f)) {
        let d = distance(f);
        match best.iter_mut().find(|(k, _)| *k == f.subject.key) {
            Some(b) => b.1 = b.1.min(d),
            None => best.push((f.subject.key.clone(), d)),
        }
    }
    found.retain(|f| !led(f) || best.iter().any(|(k, d)| *k == f.subject.key && *d == distance(f)));
}

/// Sentences' facts → entities and statements: entities numbered in order of first mention
/// (each mention's reading, the speaker, then the statements' arguments).
fn number(facts: Vec<analysis::SentenceFacts>) -> Extraction {
    let mut out = Extraction::default();
    let add = |out: &mut Extraction, r: &analysis::EntRef| out.entity(r.class, &r.key, &r.label, &r.surface, r.wikidata.as_deref());
    for s in facts {
        for r in s.analysis.mentions.iter().filter_map(|m| m.alts.first()) {
            add(&mut out, r);
        }
        let speaker = s.speaker.as_ref().map(|r| add(&mut out, r));
        for f in s.found {
            let subject = add(&mut out, &f.subject);
            let object = match &f.object {
                analysis::Filler::Entity(r) => Value::Entity(add(&mut out, r)),
                analysis::Filler::Value(v) => v.clone(),
            };
            out.statements.push(Statement {
                subject,
                predicate: f.predicate,
                object,
                evidence: Evidence {
                    sentence: s.analysis.sentence.clone(),
                    subject: f.subject_span,
                    object: f.object_span,
                    rule: f.rule,
                    confidence: f.confidence,
                    speaker: speaker.filter(|&k| k != subject),
                },
            });
        }
    }
    out
}

/// States a sentence makes members of one military alliance are allies: "X and Y are members
/// of the CSTO", "X, like Y a NATO member" (each ordered pair, from the memberships' evidence).
fn allies_by_membership(found: &mut Vec<analysis::Found>, lexicon: &Lexicon) {
    let mut members: Vec<&analysis::Found> = found
        .iter()
        .filter(|f| f.predicate == analysis::Predicate::MemberOf && f.rule.starts_with("memberOf/apposition") && f.subject.class == Class::Country && matches!(&f.object, analysis::Filler::Entity(o) if lexicon.is_alliance(&o.key)))
        .collect();
    // One membership per state and alliance (several patterns may state it).
    let mut seen = BTreeSet::new();
    members.retain(|f| seen.insert((f.subject.key.clone(), match &f.object {
        analysis::Filler::Entity(o) => o.key.clone(),
        analysis::Filler::Value(_) => analysis::Name::from(""),
    })));
    if members.len() < 2 {
        return;
    }
    let mut allies = Vec::new();
    for x in &members {
        for y in &members {
            let same = matches!((&x.object, &y.object), (analysis::Filler::Entity(a), analysis::Filler::Entity(b)) if a.key == b.key);
            if same && x.subject.key != y.subject.key {
                allies.push(analysis::Found {
                    subject: x.subject.clone(),
                    subject_span: x.subject_span.clone(),
                    predicate: analysis::Predicate::AllyOf,
                    object: analysis::Filler::Entity(y.subject.clone()),
                    object_span: y.subject_span.clone(),
                    rule: "allyOf/members-of-one-alliance".into(),
                    confidence: x.confidence.min(y.confidence) * 0.9,
                });
            }
        }
    }
    found.extend(allies);
}

/// Statements of rules that want a participant ([`rules::Rule::participant`]) stand only when
/// their subject is an argument of another statement of the same sentence.
fn keep_participants(found: &mut Vec<analysis::Found>, rules: &rules::Rules) {
    if !found.iter().any(|f| rules.wants_participant(&f.rule)) {
        return;
    }
    let takes_part = |k: usize, r: &analysis::EntRef| {
        found.iter().enumerate().any(|(j, f)| {
            j != k && !rules.wants_participant(&f.rule) && (f.subject.key == r.key && f.subject.class == r.class || matches!(&f.object, analysis::Filler::Entity(o) if o.key == r.key && o.class == r.class))
        })
    };
    let keep: Vec<bool> = found.iter().enumerate().map(|(k, f)| !rules.wants_participant(&f.rule) || takes_part(k, &f.subject)).collect();
    let mut k = 0;
    found.retain(|_| {
        k += 1;
        keep[k - 1]
    });
}

/// "Juba, the capital of South Sudan": the sentence states capitalOf, which implies locatedIn;
/// the weaker reading of the same pair from the same sentence is dropped.
fn drop_implied(out: &mut Extraction) {
    let capitals: BTreeSet<(usize, Value, usize)> = out
        .statements
        .iter()
        .filter(|s| s.predicate == analysis::Predicate::CapitalOf)
        .map(|s| (s.subject, s.object.clone(), s.evidence.sentence.start))
        .collect();
    out.statements.retain(|s| s.predicate != analysis::Predicate::LocatedIn || !capitals.contains(&(s.subject, s.object.clone(), s.evidence.sentence.start)));
}

/// Several patterns of one rule (or several rules) may state the same fact from the same
/// sentence: keep one piece of evidence per fact and sentence, the most confident (the
/// first such in rule order on ties, so the choice is stable).
fn keep_best_evidence(out: &mut Extraction) {
    let mut best: foldhash::HashMap<(usize, analysis::Predicate, Value, usize), usize> = foldhash::HashMap::default();
    for (k, s) in out.statements.iter().enumerate() {
        let key = (s.subject, s.predicate, s.object.clone(), s.evidence.sentence.start);
        match best.get(&key) {
            Some(&b) if out.statements[b].evidence.confidence >= s.evidence.confidence => {}
            _ => {
                best.insert(key, k);
            }
        }
    }
    let keep: BTreeSet<usize> = best.into_values().collect();
    let mut k = 0;
    out.statements.retain(|_| {
        k += 1;
        keep.contains(&(k - 1))
    });
}

/// An office guessed from context ("President Putin" after a sentence about Turkey) gives way
/// to one the document states ("Russian President Vladimir Putin"); of several guesses for the
/// same person only the first stays.
fn keep_one_office(out: &mut Extraction) {
    let guessed = |s: &Statement| s.predicate == analysis::Predicate::OfficialOf && s.evidence.rule.starts_with("officialOf/title-context");
    let stated: BTreeSet<usize> = out.statements.iter().filter(|s| s.predicate == analysis::Predicate::OfficialOf && !guessed(s)).map(|s| s.subject).collect();
    let mut first_guess: BTreeSet<usize> = BTreeSet::new();
    let mut keep_guess: Vec<Option<Value>> = vec![None; out.entities.len()];
    for s in out.statements.iter().filter(|s| guessed(s) && !stated.contains(&s.subject)) {
        if first_guess.insert(s.subject) {
            keep_guess[s.subject] = Some(s.object.clone());
        }
    }
    out.statements.retain(|s| !guessed(s) || keep_guess[s.subject].as_ref() == Some(&s.object));
}
