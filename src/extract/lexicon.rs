//! `ontology/` data files → [`Lexicon`]: gazetteer (countries, regions, cities), organisations,
//! titles, nominals and the relation rules, compiled once into an Aho-Corasick automaton
//! (leftmost-longest, ASCII case-insensitive, accents folded) and shared read-only.
//!
//! Nothing here knows a fact: every name, cue and rule comes from the data files, either
//! from an `ontology/` folder on disk (editable without recompiling) or from the copy built
//! into the binary.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt, HashSet};
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::rules::{Rules, Setting};
use crate::language::text::{fold, slug};
use super::analysis::{Class, EntRef, Name, NounRole};
use crate::{Error, Result};

/// The data files, by path relative to `ontology/`, as built into the binary.
pub const BUILTIN: &[(&str, &str)] = &[
    ("gazetteer/countries.tsv", include_str!("../../ontology/gazetteer/countries.tsv")),
    ("gazetteer/regions.tsv", include_str!("../../ontology/gazetteer/regions.tsv")),
    ("gazetteer/cities.tsv", include_str!("../../ontology/gazetteer/cities.tsv")),
    ("lexicon/organizations.tsv", include_str!("../../ontology/lexicon/organizations.tsv")),
    ("lexicon/titles.tsv", include_str!("../../ontology/lexicon/titles.tsv")),
    ("lexicon/nominals.tsv", include_str!("../../ontology/lexicon/nominals.tsv")),
    ("lexicon/org_suffixes.tsv", include_str!("../../ontology/lexicon/org_suffixes.tsv")),
    ("lexicon/relations.toml", include_str!("../../ontology/lexicon/relations.toml")),
    ("lexicon/cameo_frames.toml", include_str!("../../ontology/lexicon/cameo_frames.toml")),
    ("actors/people.tsv", include_str!("../../ontology/actors/people.tsv")),
    ("actors/codes.tsv", include_str!("../../ontology/actors/codes.tsv")),
];

/// Where a lexicon's data comes from.
#[derive(Clone, Debug, Default)]
pub struct LexiconBuilder {
    dir: Option<PathBuf>,
    extra: Vec<PathBuf>,
}

impl LexiconBuilder {
    /// A builder using the data compiled into the binary unless [`Self::dir`] is set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the data files from this `ontology/` folder instead of the built-in copy.
    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = Some(dir.into());
        self
    }

    /// Adds a user lexicon file: TOML in the format of `ontology/lexicon/relations.toml`
    /// (cue lists and rules are added), or a TSV in the format of one of the lexicon files,
    /// named after it (`*organizations*.tsv`, `*titles*.tsv`, `*nominals*.tsv`,
    /// `*countries*.tsv`, `*regions*.tsv`, `*cities*.tsv`).
    pub fn extra(mut self, file: impl Into<PathBuf>) -> Self {
        self.extra.push(file.into());
        self
    }

    /// Loads and compiles the lexicon.
    pub fn build(self) -> Result<Lexicon> {
        let mut files = crate::language::data_files(self.dir.as_deref(), BUILTIN)?;
        for path in &self.extra {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            files.push((path.clone(), text));
        }
        let mut lexicon = Lexicon::empty(self.dir.clone());
        let mut rule_files = Vec::new();
        for (path, text) in &files {
            let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
            if name.ends_with(".toml") {
                rule_files.push((path.clone(), text.clone()));
            } else if name.contains("countries") {
                lexicon.load_countries(path, text)?;
            } else if name.contains("regions") {
                lexicon.load_regions(path, text)?;
            } else if name.contains("cities") {
                lexicon.load_cities(path, text)?;
            } else if name.contains("organizations") || name.contains("organisations") {
                lexicon.load_organizations(path, text)?;
            } else if name.contains("titles") {
                lexicon.load_titles(path, text)?;
            } else if name.contains("nominals") {
                lexicon.load_nominals(path, text)?;
            } else if name.contains("suffixes") {
                lexicon.load_suffixes(path, text)?;
            } else if name.contains("people") {
                lexicon.load_people(path, text)?;
            } else if name.contains("codes") {
                lexicon.load_codes(path, text)?;
            } else {
                return Err(Error::Invalid(format!(
                    "{}: unknown lexicon file (name it after the file it extends, e.g. my-organizations.tsv, or use .toml for rules)",
                    path.display()
                )));
            }
        }
        lexicon.language = match &self.dir {
            None => crate::language::Language::builtin().clone(),
            Some(dir) => crate::language::Language::load(&crate::language::data_files(Some(dir), crate::language::BUILTIN)?)?,
        };
        lexicon.rules = Rules::load(&rule_files)?;
        // A frame's verb must be one the linguistic layer knows, and a prepositional role end
        // in a preposition ("from", "out of", "control of"), or the frame would never fire.
        use crate::language::Closed;
        for f in &lexicon.rules.frames {
            if let Some(v) = f.verbs.iter().find(|v| !lexicon.language.is_verb(v)) {
                return Err(Error::Invalid(format!("frame {}: {v:?} is not a verb of ontology/language/verbs.tsv", f.id)));
            }
            let partners = f.partner.iter().chain(&f.destination).map(|p| super::rules::Role::Prep(p.clone())).collect::<Vec<_>>();
            for role in f.subject.iter().chain(&f.object).chain(&partners) {
                let super::rules::Role::Prep(p) = role else { continue };
                let last = p.rsplit(' ').next().unwrap_or("");
                if !(lexicon.language.is(last, Closed::Preposition) || lexicon.language.is(last, Closed::To)) {
                    return Err(Error::Invalid(format!(
                        "frame {}: role {p:?} is neither agent, patient nor a preposition of ontology/language/function_words.tsv",
                        f.id
                    )));
                }
            }
        }
        lexicon.compile()?;
        Ok(lexicon)
    }
}

/// A country of the gazetteer.
#[derive(Clone, Debug)]
pub struct Country {
    /// Canonical short name.
    pub name: String,
    /// Wikidata id.
    pub wikidata: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    pub iso2: String,
    /// The capital, an index into [`Lexicon::places`].
    pub capital: Option<usize>,
    /// The first (canonical) demonym or adjective ("Russian").
    pub demonym: Option<String>,
}

/// A place of the gazetteer (capital, city, region).
#[derive(Clone, Debug)]
pub struct PlaceInfo {
    /// Canonical name.
    pub name: String,
    /// Wikidata id.
    pub wikidata: Option<String>,
    /// The country it lies in, an index into [`Lexicon::countries`].
    pub country: Option<usize>,
    /// The country whose capital it is.
    pub capital_of: Option<usize>,
    /// `city`, `capital`, or the region kind (`disputed`, `region`, `province`, `exclave`, `supranational`).
    pub kind: String,
}

/// An organisation of the lexicon.
#[derive(Clone, Debug)]
pub struct Org {
    /// Canonical name.
    pub name: String,
    /// Wikidata id.
    pub wikidata: Option<String>,
    /// Kind (`news_agency`, `alliance`, …).
    pub kind: String,
    /// The country of a national body.
    pub country: Option<usize>,
}

/// What kind of office a title names (`titles.tsv`'s third column), parsed when loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TitleKind {
    /// President, King of a state.
    HeadOfState,
    /// Prime Minister, Premier.
    HeadOfGovernment,
    /// Ministers and secretaries of state.
    Minister,
    /// Ambassadors, envoys, negotiators.
    Diplomat,
    /// Commands: army chief, commander.
    Military,
    /// Military ranks (General, Col.): a title only where no office is given.
    Rank,
    /// Speakers, lawmakers.
    Legislative,
    /// Governors, mayors.
    Local,
    /// Spokespeople.
    Spokesperson,
    /// Party offices.
    Party,
    /// Kings, emirs, princes.
    Royal,
    /// Religious offices (part of a name after a title).
    Religious,
    /// Mr, Dr: no office at all.
    Honorific,
    /// Analysts, researchers.
    Expert,
    /// Journalists, editors.
    Media,
    /// "counterpart", "military ruler": say whose office it is (the modifier's), but are no
    /// title of their own.
    Counterpart,
    /// Anything else.
    Other,
}

impl TitleKind {
    /// The kinds, with their names in the data.
    const NAMES: [(&'static str, TitleKind); 17] = [
        ("head_of_state", TitleKind::HeadOfState),
        ("head_of_government", TitleKind::HeadOfGovernment),
        ("minister", TitleKind::Minister),
        ("diplomat", TitleKind::Diplomat),
        ("military", TitleKind::Military),
        ("rank", TitleKind::Rank),
        ("legislative", TitleKind::Legislative),
        ("local", TitleKind::Local),
        ("spokesperson", TitleKind::Spokesperson),
        ("party", TitleKind::Party),
        ("royal", TitleKind::Royal),
        ("religious", TitleKind::Religious),
        ("honorific", TitleKind::Honorific),
        ("expert", TitleKind::Expert),
        ("media", TitleKind::Media),
        ("counterpart", TitleKind::Counterpart),
        ("other", TitleKind::Other),
    ];

    /// Parses a kind as written in `titles.tsv`.
    pub fn parse(s: &str) -> Option<TitleKind> {
        Self::NAMES.iter().find(|(n, _)| *n == s.trim()).map(|(_, k)| *k)
    }

    /// The kind's name in the data.
    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(_, k)| *k == self).map_or("other", |(n, _)| n)
    }
}

/// A title or office.
#[derive(Clone, Debug)]
pub struct Title {
    /// Canonical form ("Prime Minister").
    pub name: String,
    /// Kind of office.
    pub kind: TitleKind,
    /// Whether it is used right before a name.
    pub before_name: bool,
    /// What the office is "of": `Country`, `Organization`, `Place` or `any`.
    pub holder: String,
}

/// A common noun naming an entity of a class without a proper name.
#[derive(Clone, Debug)]
pub struct Nominal {
    /// Canonical (singular) form.
    pub name: String,
    /// The name folded ([`fold`]), as it is compared with text.
    pub folded: String,
    /// Its class.
    pub class: Class,
    /// Its role within the class.
    pub role: NounRole,
    /// The `role` column as written: an agreement's kind (`ceasefire`, `treaty`, `grain`, …;
    /// `agreement` for any kind), else the role's name.
    pub kind: String,
    /// The plural used in labels ("peacekeepers", "mercenaries"): the first variant that is
    /// the name with -s, -es or -y → -ies, else the name.
    pub plural: String,
}

/// What a gazetteer pattern stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    /// A country name.
    Country(usize),
    /// A country's demonym or adjective.
    Demonym(usize),
    /// A place.
    Place(usize),
    /// An organisation.
    Org(usize),
    /// A title.
    Title(usize),
    /// A nominal.
    Nominal(usize),
}

impl Hit {
    /// Whether the hit is a proper name (must be capitalised in text).
    pub fn is_proper(self) -> bool {
        !matches!(self, Hit::Title(_) | Hit::Nominal(_))
    }
}

/// The compiled lexicon.
pub struct Lexicon {
    dir: Option<PathBuf>,
    /// Countries.
    pub countries: Vec<Country>,
    /// Places (capitals, cities, regions).
    pub places: Vec<PlaceInfo>,
    /// Organisations.
    pub orgs: Vec<Org>,
    /// Titles.
    pub titles: Vec<Title>,
    /// Nominals.
    pub nominals: Vec<Nominal>,
    /// Words that end (suffix) or start (prefix) an organisation name, with strength.
    pub org_suffixes: HashMap<String, bool>,
    /// Words that start an organisation name ("Ministry of …").
    pub org_prefixes: HashMap<String, bool>,
    /// People of the field's actor lists (`actors/people.tsv`, from Phoenix), by folded full
    /// name or alias of two words or more (a bare name the text gives is a person's), with the
    /// index of their roles in `roles` (`NO_ROLES` for none).
    people: HashMap<String, u32>,
    /// The dated roles of those people (CAMEO codes), each person's as the file writes them.
    roles: Vec<String>,
    /// International organisations by CAMEO code (`actors/codes.tsv`): "UNO" → United Nations.
    igo_codes: HashMap<String, String>,
    /// The relation rules, frames and cue lists.
    pub rules: Rules,
    /// The linguistic layer's word knowledge (`ontology/language/`).
    pub language: crate::language::Language,
    /// The kind of each listed organisation, by key, gathered when first asked for.
    org_kinds: std::sync::OnceLock<HashMap<String, String>>,
    /// Keys of the gazetteer's places that are no city (regions, provinces, territories), and
    /// of its cities, gathered when first asked for.
    regions: HashSet<String>,
    cities: std::sync::OnceLock<HashSet<String>>,
    patterns: Vec<String>,
    pattern_index: HashMap<String, usize>,
    hits: Vec<Vec<Hit>>,
    /// Patterns that must match with their exact case (acronyms like "US", "AFP").
    exact_case: Vec<bool>,
    automaton: Option<AhoCorasick>,
    /// The key, label and Wikidata id of each country, place and organisation, made once:
    /// every mention of one shares them.
    country_names: Vec<Names>,
    place_names: Vec<Names>,
    org_names: Vec<Names>,
    iso2: HashMap<String, usize>,
    iso3: HashMap<String, usize>,
}

/// What the mentions of a listed entity share: its key, label and Wikidata id.
#[derive(Clone, Debug)]
pub struct Names {
    /// Corpus-stable key (the Wikidata id, else a slug of the name).
    pub key: Name,
    /// Canonical name.
    pub label: Name,
    /// Wikidata id.
    pub wikidata: Option<Name>,
}

impl Names {
    /// The entity of class `class` seen as `surface`.
    pub fn entity(&self, class: Class, surface: &str) -> EntRef {
        EntRef { class, key: self.key.clone(), label: self.label.clone(), wikidata: self.wikidata.clone(), surface: surface.to_owned() }
    }
}

/// The index of a person of the actor lists who has no roles.
const NO_ROLES: u32 = u32::MAX;

/// When the actor lists (PETRARCH2's Phoenix dictionaries, commit 676801cd) were last changed:
/// (year, month).
const ACTOR_LISTS_MADE: (i32, u32) = (2019, 3);

/// A dated role of a person of the actor lists: a CAMEO code ("RUSGOV", "IGOUNO") held from
/// one date to another (either end open); undated, the role that holds when no dated one does.
#[derive(Clone, Debug)]
struct ActorRole {
    code: String,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    dated: bool,
}

/// The office a person of the actor lists holds at a date, by their role then.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Office {
    /// In the government (or armed forces) of a country, an index into [`Lexicon::countries`].
    Country(usize),
    /// In an international organisation, an index into [`Lexicon::orgs`].
    Org(usize),
    /// Known, but in no office then (elite, opposition, rebels).
    None,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("dir", &self.dir)
            .field("countries", &self.countries.len())
            .field("places", &self.places.len())
            .field("orgs", &self.orgs.len())
            .field("titles", &self.titles.len())
            .field("nominals", &self.nominals.len())
            .field("patterns", &self.patterns.len())
            .finish()
    }
}

/// One row of a TSV file: fields by position, with the line number for errors.
struct Row {
    line: usize,
    fields: Vec<String>,
}

impl Row {
    fn get(&self, i: usize) -> &str {
        self.fields.get(i).map(|s| s.trim()).unwrap_or("")
    }
    fn list(&self, i: usize) -> impl Iterator<Item = &str> {
        self.get(i).split('|').map(str::trim).filter(|s| !s.is_empty())
    }
}

fn rows(path: &Path, text: &str, min_fields: usize) -> Result<Vec<Row>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        // Comment lines are skipped below, not by the reader: its line numbers leave them out.
        .flexible(true)
        .quoting(false)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::Syntax {
            path: path.to_owned(),
            line: e.position().map_or(0, |p| p.line() as usize),
            message: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|f| f.trim().is_empty()) || record.get(0).is_some_and(|f| f.starts_with('#')) {
            continue;
        }
        if record.len() < min_fields {
            return Err(Error::Syntax {
                path: path.to_owned(),
                line,
                message: format!("expected at least {min_fields} tab-separated fields, found {}", record.len()),
            });
        }
        out.push(Row { line, fields: record.iter().map(str::to_owned).collect() });
    }
    Ok(out)
}

fn qid(s: &str) -> Option<String> {
    let s = s.trim();
    (s.len() > 1 && s.starts_with('Q') && s[1..].bytes().all(|b| b.is_ascii_digit())).then(|| s.to_owned())
}

impl Lexicon {
    fn empty(dir: Option<PathBuf>) -> Self {
        Lexicon {
            dir,
            countries: Vec::new(),
            places: Vec::new(),
            orgs: Vec::new(),
            titles: Vec::new(),
            nominals: Vec::new(),
            org_suffixes: HashMap::new(),
            org_prefixes: HashMap::new(),
            people: HashMap::default(),
            roles: Vec::new(),
            igo_codes: HashMap::default(),
            org_kinds: std::sync::OnceLock::new(),
            regions: HashSet::default(),
            cities: std::sync::OnceLock::new(),
            rules: Rules::default(),
            language: crate::language::Language::default(),
            patterns: Vec::new(),
            pattern_index: HashMap::new(),
            hits: Vec::new(),
            exact_case: Vec::new(),
            automaton: None,
            country_names: Vec::new(),
            place_names: Vec::new(),
            org_names: Vec::new(),
            iso2: HashMap::new(),
            iso3: HashMap::new(),
        }
    }

    /// The folder the data came from, if not built in.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The built-in lexicon (the data compiled into the binary).
    pub fn builtin() -> &'static Lexicon {
        static BUILT: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
        BUILT.get_or_init(|| LexiconBuilder::new().build().expect("the built-in lexicon is valid"))
    }

    fn add(&mut self, surface: &str, hit: Hit) {
        let surface = surface.trim();
        if surface.is_empty() {
            return;
        }
        // Acronyms and short all-capital names must match their case ("US" is not "us"), and
        // so must titles' ("P.M." is not "9:45 p.m.").
        let letters: Vec<char> = surface.chars().filter(|c| c.is_alphabetic()).collect();
        let exact = (hit.is_proper() || matches!(hit, Hit::Title(_))) && letters.len() <= 5 && letters.iter().all(|c| c.is_uppercase());
        let mut variants = vec![surface.to_owned()];
        let folded_accents: String = {
            use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
            surface.nfkd().filter(|c| !is_combining_mark(*c)).collect::<String>().replace('’', "'")
        };
        if folded_accents != surface {
            variants.push(folded_accents);
        }
        for v in variants {
            let key = if exact { v.clone() } else { v.to_lowercase() };
            let idx = *self.pattern_index.entry(key).or_insert_with(|| {
                self.patterns.push(v.clone());
                self.hits.push(Vec::new());
                self.exact_case.push(exact);
                self.patterns.len() - 1
            });
            if !self.hits[idx].contains(&hit) {
                self.hits[idx].push(hit);
            }
        }
    }

    fn load_countries(&mut self, path: &Path, text: &str) -> Result<()> {
        // wikidata iso2 iso3 name aliases demonyms capital capital_wikidata capital_aliases status
        for row in rows(path, text, 7)? {
            let name = row.get(3).to_owned();
            if name.is_empty() {
                return Err(Error::Syntax { path: path.into(), line: row.line, message: "country without a name".into() });
            }
            let c = self.countries.len();
            self.iso2.insert(row.get(1).to_ascii_uppercase(), c);
            if !row.get(2).is_empty() {
                self.iso3.insert(row.get(2).to_ascii_uppercase(), c);
            }
            self.countries.push(Country {
                name: name.clone(),
                wikidata: qid(row.get(0)),
                iso2: row.get(1).into(),
                capital: None,
                demonym: row.list(5).next().map(str::to_owned),
            });
            self.add(&name, Hit::Country(c));
            for a in row.list(4) {
                self.add(a, Hit::Country(c));
            }
            for d in row.list(5) {
                self.add(d, Hit::Demonym(c));
            }
            let capital = row.get(6);
            if !capital.is_empty() {
                let p = self.places.len();
                self.places.push(PlaceInfo {
                    name: capital.into(),
                    wikidata: qid(row.get(7)),
                    country: Some(c),
                    capital_of: Some(c),
                    kind: "capital".into(),
                });
                self.countries[c].capital = Some(p);
                self.add(capital, Hit::Place(p));
                for a in row.list(8) {
                    self.add(a, Hit::Place(p));
                }
            }
        }
        Ok(())
    }

    fn load_regions(&mut self, path: &Path, text: &str) -> Result<()> {
        // wikidata name aliases demonyms located_in_iso2 kind
        for row in rows(path, text, 2)? {
            let p = self.places.len();
            let country = self.iso2.get(&row.get(4).to_ascii_uppercase()).copied();
            self.places.push(PlaceInfo {
                name: row.get(1).into(),
                wikidata: qid(row.get(0)),
                country,
                capital_of: None,
                kind: if row.get(5).is_empty() { "region".into() } else { row.get(5).into() },
            });
            self.add(row.get(1), Hit::Place(p));
            for a in row.list(2) {
                self.add(a, Hit::Place(p));
            }
        }
        Ok(())
    }

    fn load_cities(&mut self, path: &Path, text: &str) -> Result<()> {
        // geonames wikidata name aliases country_iso2 population
        let capitals: HashSet<(String, Option<usize>)> =
            self.places.iter().filter(|p| p.capital_of.is_some()).map(|p| (fold(&p.name), p.country)).collect();
        for row in rows(path, text, 5)? {
            let country = self.iso2.get(&row.get(4).to_ascii_uppercase()).copied();
            // Capitals are already known from the country rows.
            if capitals.contains(&(fold(row.get(2)), country)) {
                continue;
            }
            let p = self.places.len();
            self.places.push(PlaceInfo {
                name: row.get(2).into(),
                wikidata: qid(row.get(1)),
                country,
                capital_of: None,
                kind: "city".into(),
            });
            self.add(row.get(2), Hit::Place(p));
            for a in row.list(3) {
                self.add(a, Hit::Place(p));
            }
        }
        Ok(())
    }

    fn load_organizations(&mut self, path: &Path, text: &str) -> Result<()> {
        // wikidata name aliases kind country_iso2
        for row in rows(path, text, 2)? {
            let o = self.orgs.len();
            self.orgs.push(Org {
                name: row.get(1).into(),
                wikidata: qid(row.get(0)),
                kind: row.get(3).into(),
                country: self.iso2.get(&row.get(4).to_ascii_uppercase()).copied(),
            });
            // "Republican Party (United States)": the qualifier disambiguates the row, not the text.
            let surface = row.get(1).split(" (").next().unwrap_or("").to_owned();
            self.add(&surface, Hit::Org(o));
            for a in row.list(2) {
                self.add(a, Hit::Org(o));
            }
        }
        Ok(())
    }

    fn load_titles(&mut self, path: &Path, text: &str) -> Result<()> {
        // title aliases kind person_before class_of_holder
        for row in rows(path, text, 3)? {
            let t = self.titles.len();
            let kind = TitleKind::parse(row.get(2)).ok_or_else(|| Error::Syntax {
                path: path.to_owned(),
                line: row.line,
                message: format!("unknown title kind {:?} (one of {})", row.get(2), TitleKind::NAMES.map(|(n, _)| n).join(", ")),
            })?;
            self.titles.push(Title {
                name: row.get(0).into(),
                kind,
                before_name: !row.get(3).eq_ignore_ascii_case("no"),
                holder: if row.get(4).is_empty() { "any".into() } else { row.get(4).into() },
            });
            self.add(row.get(0), Hit::Title(t));
            for a in row.list(1) {
                self.add(a, Hit::Title(t));
            }
        }
        Ok(())
    }

    fn load_nominals(&mut self, path: &Path, text: &str) -> Result<()> {
        // noun variants class role
        for row in rows(path, text, 3)? {
            let class = Class::parse(row.get(2)).ok_or_else(|| Error::Syntax {
                path: path.into(),
                line: row.line,
                message: format!("unknown class {:?}", row.get(2)),
            })?;
            let n = self.nominals.len();
            let name = row.get(0);
            let plural = row
                .list(1)
                .into_iter()
                .find(|v| crate::language::is_plural_of(v, name))
                .unwrap_or(name)
                .to_owned();
            let role = NounRole::parse(class, row.get(3)).ok_or_else(|| Error::Syntax {
                path: path.into(),
                line: row.line,
                message: match class {
                    Class::Agreement => "an agreement needs its kind as its role (agreement, ceasefire, treaty, …)".to_owned(),
                    _ => format!("role {:?}: a {} noun's role is one of {}", row.get(3), class.name(), NounRole::names_of(class).join(", ")),
                },
            })?;
            self.nominals.push(Nominal { name: name.into(), folded: fold(name), class, role, kind: row.get(3).trim().into(), plural });
            self.add(row.get(0), Hit::Nominal(n));
            for a in row.list(1) {
                self.add(a, Hit::Nominal(n));
            }
        }
        Ok(())
    }

    fn load_people(&mut self, path: &Path, text: &str) -> Result<()> {
        // name aliases roles: only names of two words or more (a surname alone is too often
        // another word or another person: "Rice", "Ford").
        for row in rows(path, text, 1)? {
            // Roles are read when asked for (few people of a corpus are), checked here only for
            // their shape: CODE, or CODE@FROM..TO with ISO dates.
            let roles = row.get(2);
            for r in roles.split(';').map(str::trim).filter(|r| !r.is_empty()) {
                let (code, dates) = r.split_once('@').unwrap_or((r, ""));
                let date_like = |d: &str| d.is_empty() || d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-';
                let (from, to) = dates.split_once("..").unwrap_or((dates, ""));
                if code.is_empty() || !date_like(from) || !date_like(to) {
                    return Err(Error::Syntax { path: path.into(), line: row.line, message: format!("role {r:?}: expected CODE@YYYY-MM-DD..YYYY-MM-DD") });
                }
            }
            let index = self.roles.len() as u32;
            let has_roles = !roles.is_empty();
            if has_roles {
                self.roles.push(roles.to_owned());
            }
            for name in std::iter::once(row.get(0)).chain(row.list(1)) {
                let mut words = name.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic));
                // Names of two words or more: first word, last word, how many.
                let (first, last, count) = match (words.next(), words.next()) {
                    (Some(a), Some(b)) => {
                        let (last, more) = words.fold((b, 0), |(_, n), w| (w, n + 1));
                        (a, last, 2 + more)
                    }
                    _ => continue,
                };
                self.people.entry(fold(name)).or_insert(if has_roles { index } else { NO_ROLES });
                // "Ali Khamenei" for "Ali Hoseini Khamenei": given name and surname.
                if has_roles && count >= 3 {
                    self.people.entry(fold(&format!("{first} {last}"))).or_insert(index);
                }
            }
        }
        Ok(())
    }

    fn load_codes(&mut self, path: &Path, text: &str) -> Result<()> {
        // code type meaning iso2 organization title_kind official
        for row in rows(path, text, 2)? {
            if row.get(1) == "organization" && !row.get(4).is_empty() {
                self.igo_codes.insert(row.get(0).to_ascii_uppercase(), row.get(4).to_owned());
            }
        }
        Ok(())
    }

    /// The office the person named `name` (full name or alias of the actor lists) holds on
    /// `date` by their dated roles: a country's government or armed forces ("RUSGOV"), an
    /// international organisation ("IGOUNO"), none (elite, opposition, rebels); `None` for a
    /// person the lists do not know.
    pub fn office_at(&self, name: &str, date: chrono::NaiveDate) -> Option<Office> {
        let text = self.roles.get(*self.people.get(&fold(name))? as usize)?;
        let roles: Vec<ActorRole> = text
            .split(';')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| {
                let (code, dates) = r.split_once('@').unwrap_or((r, ""));
                let (from, to) = dates.split_once("..").unwrap_or((dates, ""));
                ActorRole { code: code.to_ascii_uppercase(), from: from.parse().ok(), to: to.parse().ok(), dated: r.contains('@') }
            })
            .collect();
        let covers = |r: &&ActorRole| r.dated && r.from.is_none_or(|f| f <= date) && r.to.is_none_or(|t| date <= t);
        // The latest-starting dated role that covers the date, else the undated default.
        // After the lists were made, only a dated role still open says anything: a default
        // ("elite") may be stale (Phoenix, March 2019: someone in office since then is not).
        let dated = roles.iter().filter(covers).max_by_key(|r| r.from);
        if dated.is_none() && (chrono::Datelike::year(&date), chrono::Datelike::month(&date)) > ACTOR_LISTS_MADE {
            return None;
        }
        let role = dated.or_else(|| roles.iter().find(|r| !r.dated));
        let Some(role) = role else { return Some(Office::None) };
        let code = role.code.as_str();
        if let Some(org) = code.strip_prefix("IGO").and_then(|rest| rest.get(..3)).and_then(|c| self.igo_codes.get(c)) {
            return Some(self.orgs.iter().position(|o| o.name == *org).map_or(Office::None, Office::Org));
        }
        match (code.get(..3).and_then(|c| self.iso3.get(c)), code.get(3..6)) {
            (Some(&c), Some("GOV" | "MIL")) => Some(Office::Country(c)),
            _ => Some(Office::None),
        }
    }

    fn load_suffixes(&mut self, path: &Path, text: &str) -> Result<()> {
        // word position strength
        for row in rows(path, text, 2)? {
            let strong = row.get(2).eq_ignore_ascii_case("strong");
            let map = if row.get(1).eq_ignore_ascii_case("prefix") { &mut self.org_prefixes } else { &mut self.org_suffixes };
            map.insert(fold(row.get(0)), strong);
        }
        Ok(())
    }

    fn compile(&mut self) -> Result<()> {
        // The automaton matches ASCII-lowercased patterns in ASCII-lowercased text: the same
        // matches at the same offsets as a case-insensitive automaton, which has twice the
        // transitions to build (a fifth of the start-up).
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(self.patterns.iter().map(|p| p.to_ascii_lowercase()))
            .map_err(|e| Error::Invalid(format!("cannot compile the lexicon: {e}")))?;
        self.automaton = Some(ac);
        // A listed entity's IRI key is its Wikidata id, else a slug of its full name.
        let names = |name: &str, label: &str, wikidata: &Option<String>| Names {
            key: wikidata.clone().unwrap_or_else(|| slug(name)).into(),
            label: label.into(),
            wikidata: wikidata.as_deref().map(Name::from),
        };
        self.country_names = self.countries.iter().map(|c| names(&c.name, &c.name, &c.wikidata)).collect();
        self.place_names = self.places.iter().map(|p| names(&p.name, &p.name, &p.wikidata)).collect();
        // An organisation's label leaves out what tells apart names that many share
        // ("Republican Party (United States)").
        self.org_names = self.orgs.iter().map(|o| names(&o.name, o.name.split(" (").next().unwrap_or(&o.name), &o.wikidata)).collect();
        self.regions = (0..self.places.len()).filter(|&p| !matches!(self.places[p].kind.as_str(), "city" | "capital")).map(|p| self.place_names[p].key.to_string()).collect();
        Ok(())
    }

    /// Whether the organisation keyed `key` is a military alliance (NATO, CSTO: its kind in
    /// `organizations.tsv` is `alliance`), whose members are allies.
    pub fn is_alliance(&self, key: &str) -> bool {
        self.org_kind(key) == Some("alliance")
    }

    /// The kind of the listed organisation keyed `key` (`armed_group`, `media`, …); none for an
    /// organisation no list has.
    pub fn org_kind(&self, key: &str) -> Option<&str> {
        let kinds = self.org_kinds.get_or_init(|| (0..self.orgs.len()).map(|o| (self.org_names[o].key.to_string(), self.orgs[o].kind.clone())).collect());
        kinds.get(key).map(String::as_str)
    }

    /// Whether a (folded) name of two words or more is one of the actor lists' people.
    pub fn is_known_person(&self, folded: &str) -> bool {
        self.people.contains_key(folded)
    }

    /// The size of the gazetteer's place keyed `key`: 0 a city, 1 a region; None for a place
    /// no list knows. The cities' keys are gathered the first time one is asked for.
    pub fn place_size(&self, key: &str) -> Option<u8> {
        if self.regions.contains(key) {
            return Some(1);
        }
        let cities = self.cities.get_or_init(|| (0..self.places.len()).filter(|&p| matches!(self.places[p].kind.as_str(), "city" | "capital")).map(|p| self.place_names[p].key.to_string()).collect());
        cities.contains(key).then_some(0)
    }

    /// Whether `surface` is a name that opens with a lower-case particle glued to a capitalised
    /// word ("al-Shabaab", "al Qaeda", "el-Fasher"), as running text writes such names.
    fn particle_name(&self, surface: &str) -> bool {
        let Some(cut) = surface.find(['-', ' ']) else { return false };
        let rest = &surface[cut + 1..];
        rest.chars().next().is_some_and(char::is_uppercase) && self.rules.setting(Setting::NameParticles).iter().any(|p| *p == surface[..cut])
    }

    /// Every lexicon match in `text` at word boundaries, with the byte range and what it is.
    /// Proper names must be capitalised in the text (or open with a particle: "al-Shabaab");
    /// acronyms must match their case.
    pub fn find(&self, text: &str) -> Vec<(std::ops::Range<usize>, &[Hit])> {
        let Some(ac) = &self.automaton else { return Vec::new() };
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        for m in ac.find_iter(&text.to_ascii_lowercase()) {
            let (s, e) = (m.start(), m.end());
            let before_ok = s == 0 || !is_word_byte(text, s, true);
            let after_ok = e == bytes.len() || !is_word_byte(text, e, false);
            if !before_ok || !after_ok {
                continue;
            }
            let idx = m.pattern().as_usize();
            let surface = &text[s..e];
            if self.exact_case[idx] && surface != self.patterns[idx] {
                continue;
            }
            let hits: &[Hit] = &self.hits[idx];
            let capital = surface.chars().next().is_some_and(|c| c.is_uppercase() || !c.is_alphabetic());
            if hits.iter().all(|h| h.is_proper()) && !capital && !self.particle_name(surface) {
                continue;
            }
            out.push((s..e, hits));
        }
        out
    }

    /// The names every mention of country `c` shares.
    pub fn country_names(&self, c: usize) -> &Names {
        &self.country_names[c]
    }

    /// The names every mention of place `p` shares.
    pub fn place_names(&self, p: usize) -> &Names {
        &self.place_names[p]
    }

    /// The names every mention of organisation `o` shares.
    pub fn org_names(&self, o: usize) -> &Names {
        &self.org_names[o]
    }

    /// Counts of what was loaded, for `--verbose` and tests.
    pub fn summary(&self) -> BTreeMap<&'static str, usize> {
        BTreeMap::from([
            ("countries", self.countries.len()),
            ("places", self.places.len()),
            ("organizations", self.orgs.len()),
            ("titles", self.titles.len()),
            ("nominals", self.nominals.len()),
            ("rules", self.rules.len()),
        ])
    }
}

/// Whether the character touching byte `i` (before it when `before`) is part of a word.
fn is_word_byte(text: &str, i: usize, before: bool) -> bool {
    let c = if before { text[..i].chars().next_back() } else { text[i..].chars().next() };
    c.is_some_and(|c| c.is_alphanumeric())
}
