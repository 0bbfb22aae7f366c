//! Shared types of the extraction stages: classes and values, entity references, mentions and
//! the analysis of one sentence (tokens, tags, verb groups, mentions, items) that every stage
//! above reads. Imports nothing of the stages.

use std::ops::Range;

use chrono::NaiveDate;

use crate::language::text::{slug, Token};

/// The contract's entity classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Class {
    /// A sovereign (or partially recognised) state.
    Country,
    /// A named person.
    Person,
    /// Governments and their bodies, armies, parties, alliances, international organisations, media, NGOs.
    Organization,
    /// Cities, towns, regions, districts, enclaves, corridors, buildings.
    Place,
    /// Deals, ceasefires, truces, treaties, joint statements.
    Agreement,
    /// Collective actors that are not organisations, and counted equipment.
    Group,
    /// Wars, battles, protests, attacks, elections.
    Event,
}

impl Class {
    /// All classes, in a fixed order.
    pub const ALL: [Class; 7] = [
        Class::Country,
        Class::Person,
        Class::Organization,
        Class::Place,
        Class::Agreement,
        Class::Group,
        Class::Event,
    ];

    /// The ontology local name.
    pub fn name(self) -> &'static str {
        match self {
            Class::Country => "Country",
            Class::Person => "Person",
            Class::Organization => "Organization",
            Class::Place => "Place",
            Class::Agreement => "Agreement",
            Class::Group => "Group",
            Class::Event => "Event",
        }
    }

    /// Parses a class name (case-insensitive; "Organisation" accepted).
    pub fn parse(s: &str) -> Option<Class> {
        let s = s.trim().to_ascii_lowercase();
        Class::ALL.into_iter().find(|c| c.name().eq_ignore_ascii_case(&s)).or(match s.as_str() {
            "organisation" | "org" => Some(Class::Organization),
            _ => None,
        })
    }
}

/// What a common noun of `nominals.tsv` is within its class (the file's `role` column), read
/// once when the lexicon loads; the class decides which roles exist, so a typo is an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NounRole {
    /// Group: soldiers, troops, forces.
    Armed,
    /// Group: rebels, separatists, militias.
    Irregular,
    /// Group: peacekeepers, monitors.
    Peacekeeping,
    /// Group: civilians, residents, refugees (victims and bystanders, no actors).
    Civilian,
    /// Group or Event: protesters, a protest.
    Protest,
    /// Group: weapons and vehicles, counted but no actors.
    Equipment,
    /// Group: rights groups.
    Advocacy,
    /// Group: "ethnic Tigrayan forces"; made by recognition, never written in the file.
    Ethnic,
    /// Event: a war.
    War,
    /// Event: an attack, a strike.
    Attack,
    /// Event: an election, a referendum.
    Election,
    /// Event: talks, a summit.
    Meeting,
    /// Agreement, of the kind [`Nominal::kind`](super::lexicon::Nominal::kind) says.
    Agreement,
    /// Organization: a national body ("the Defence Ministry").
    NationalBody,
    /// Place: a town, a village.
    Settlement,
    /// Place: an administrative unit ("X province").
    Admin,
    /// Place: front lines, corridors, borders.
    Landmark,
    /// Place: rivers, roads, areas.
    Feature,
    /// Place: a building or site.
    Building,
    /// Place: a military base.
    Base,
}

impl NounRole {
    /// The roles each class allows, with their names in `nominals.tsv`; an agreement's role is
    /// its kind, which any word names.
    const NAMES: [(Class, NounRole, &'static str); 19] = [
        (Class::Group, NounRole::Armed, "armed"),
        (Class::Group, NounRole::Irregular, "irregular"),
        (Class::Group, NounRole::Peacekeeping, "peacekeeping"),
        (Class::Group, NounRole::Civilian, "civilian"),
        (Class::Group, NounRole::Protest, "protest"),
        (Class::Group, NounRole::Equipment, "equipment"),
        (Class::Group, NounRole::Advocacy, "advocacy"),
        (Class::Event, NounRole::War, "war"),
        (Class::Event, NounRole::Attack, "attack"),
        (Class::Event, NounRole::Protest, "protest"),
        (Class::Event, NounRole::Election, "election"),
        (Class::Event, NounRole::Meeting, "meeting"),
        (Class::Organization, NounRole::NationalBody, "national_body"),
        (Class::Place, NounRole::Settlement, "settlement"),
        (Class::Place, NounRole::Admin, "admin"),
        (Class::Place, NounRole::Landmark, "landmark"),
        (Class::Place, NounRole::Feature, "feature"),
        (Class::Place, NounRole::Building, "building"),
        (Class::Place, NounRole::Base, "base"),
    ];

    /// The role of a noun of `class` that the file names `name`; `None` if the class has no
    /// such role.
    pub fn parse(class: Class, name: &str) -> Option<NounRole> {
        if class == Class::Agreement {
            return (!name.trim().is_empty()).then_some(NounRole::Agreement);
        }
        Self::NAMES.iter().find(|(c, _, n)| *c == class && *n == name.trim()).map(|&(_, r, _)| r)
    }

    /// A role of any class by name (`ethnic` too): for the lists of `relations.toml`.
    pub fn named(name: &str) -> Option<NounRole> {
        if name == "ethnic" {
            return Some(NounRole::Ethnic);
        }
        Self::NAMES.iter().find(|(_, _, n)| *n == name).map(|&(_, r, _)| r)
    }

    /// Its name, as the file writes it (`agreement` for every agreement).
    pub fn name(self) -> &'static str {
        match self {
            NounRole::Ethnic => "ethnic",
            NounRole::Agreement => "agreement",
            r => Self::NAMES.iter().find(|(_, x, _)| *x == r).map_or("", |(_, _, n)| n),
        }
    }

    /// The roles `class` allows, for error messages.
    pub fn names_of(class: Class) -> Vec<&'static str> {
        Self::NAMES.iter().filter(|(c, _, _)| *c == class).map(|(_, _, n)| *n).collect()
    }
}

named_enum! {
    /// A contract predicate, typed when the rules load (a name outside the contract is an
    /// error there). The variants are in the order of their names, so that statements sort
    /// as they did when predicates were strings.
    pub enum Predicate {
        Accused = "accused", AllyOf = "allyOf", Attacked = "attacked", Brokered = "brokered",
        CapitalOf = "capitalOf", Captured = "captured", Controls = "controls", Count = "count",
        Date = "date", DeathToll = "deathToll", Deployed = "deployed", DeployedTo = "deployedTo",
        HasMilitaryBaseIn = "hasMilitaryBaseIn", LocatedIn = "locatedIn", MemberOf = "memberOf", OfficialOf = "officialOf",
        ProtestedAgainst = "protestedAgainst", Signed = "signed", Stormed = "stormed", SuppliesWeaponsTo = "suppliesWeaponsTo",
        Supports = "supports", Title = "title", Welcomed = "welcomed", WithdrawsFrom = "withdrawsFrom",
    }
}

impl Predicate {
    /// The predicate spelled `name` in any case ("allyof" → `AllyOf`).
    pub fn named(name: &str) -> Option<Predicate> {
        let name = name.trim();
        Predicate::ALL.iter().copied().find(|p| p.name().eq_ignore_ascii_case(name))
    }
}

impl std::fmt::Display for Predicate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl PartialEq<&str> for Predicate {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

/// The object of a statement.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// Another entity of the document (index into [`Extraction::entities`]).
    Entity(usize),
    /// An integer (counts, death tolls).
    Integer(i64),
    /// A calendar date.
    Date(NaiveDate),
    /// A year only (a date known to the year).
    Year(i32),
    /// A plain string (titles).
    Text(String),
}

/// A shared, immutable name: an entity's key, label or Wikidata id, copied into every mention
/// that reads it (a reference count, no new string).
pub type Name = std::sync::Arc<str>;

/// A reference to an entity, before it is numbered in the document.
#[derive(Clone, Debug, PartialEq)]
pub struct EntRef {
    /// Class.
    pub class: Class,
    /// Corpus-stable key.
    pub key: Name,
    /// Canonical name.
    pub label: Name,
    /// Wikidata id.
    pub wikidata: Option<Name>,
    /// The surface form in this mention.
    pub surface: String,
}

impl EntRef {
    /// An entity known only by its name, typed by context.
    /// A defined acronym after the name ("the Joint Verification Mechanism (JVM)") is
    /// no part of its canonical name.
    pub fn unknown(class: Class, surface: &str) -> EntRef {
        let name = surface
            .strip_suffix(')')
            .and_then(|s| s.rsplit_once(" ("))
            .filter(|(_, acronym)| (2..=8).contains(&acronym.len()) && acronym.chars().all(|c| c.is_ascii_uppercase() || c == '-'))
            .map_or(surface, |(name, _)| name);
        EntRef { class, key: slug(name).into(), label: name.into(), wikidata: None, surface: surface.to_owned() }
    }
}

/// A mention: tokens of a sentence that name an entity or a value.
#[derive(Clone, Debug)]
pub struct Mention {
    /// Token range in [`Analysis::tokens`].
    pub tokens: Range<usize>,
    /// Byte range in the document text.
    pub span: Range<usize>,
    /// The text.
    pub surface: String,
    /// Readings, preferred first (a capital: the city, then its country).
    pub alts: Vec<EntRef>,
    /// A number or date value.
    pub value: Option<Value>,
    /// A capitalised name no list knows.
    pub unknown_name: bool,
    /// For a person introduced with a title: (title index, office-holder entity, title span).
    pub title: Option<(usize, Option<EntRef>, Range<usize>)>,
    /// More titles: in apposition after the name ("General X, Mali's president,"), joined by
    /// "and" ("prime minister and foreign minister").
    pub also_title: Vec<(usize, Option<EntRef>, Range<usize>)>,
    /// For a group named by a common noun: what the document-level anaphora needs.
    pub group: Option<GroupInfo>,
    /// For a group named by its relation to someone ("supporters of X", "fighters loyal to
    /// X"): the predicate and the one it relates to, with that mention's span.
    pub relation: Option<(Predicate, EntRef, Range<usize>)>,
    /// For an agreement named by a common noun ("the ceasefire", "a separate deal"): what
    /// tells it apart from the document's other agreements.
    pub agreement: Option<AgreementInfo>,
    /// The other referents of a plural mention ("the two countries": the second of the two
    /// states named last); slots take them as conjuncts.
    pub also: Vec<EntRef>,
}

/// How an agreement was named, for telling the agreements of a document apart: its noun
/// (whose role in nominals.tsv is its kind) and a modifier that marks it as another one
/// than those named before ("a separate deal", "the previous truce").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgreementInfo {
    /// Index of the nominal in the lexicon.
    pub nominal: usize,
    /// Introduced with "a", "an" or "another": no agreement of another time named before.
    pub indefinite: bool,
    /// "a separate deal", "another truce": an agreement not named before.
    pub distinct: bool,
    /// "the previous ceasefire", "an earlier truce": not the one the story is about.
    pub earlier: bool,
}

/// The key an agreement mention carries until the document's agreements are told apart: its
/// byte offset, after this prefix (no real key starts with it).
pub const PROVISIONAL: &str = "@";

/// How a group (or national body, or event) was named: "Russian peacekeepers" is owned, "the
/// peacekeepers" is not and refers back to an owned one of the same noun or of a compatible
/// role (see `group_anaphora`); so do "parliament" after "Armenia's parliament" and "the
/// protests" after "Armenian protests".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupInfo {
    /// Index of the nominal in the lexicon.
    pub nominal: usize,
    /// The role used for anaphora ([`NounRole::Ethnic`] for "ethnic Tigrayan forces").
    pub role: NounRole,
    /// Whether a nationality, country or organisation qualifies it.
    pub owned: bool,
    /// A noun that names nothing unless it refers back ("the ministry" to "Armenia's Defence
    /// Ministry"): without an antecedent it is dropped.
    pub anaphoric: bool,
}

/// An element of a sentence for matching: a plain token or a mention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    /// Index into [`Analysis::tokens`].
    Token(usize),
    /// Index into [`Analysis::mentions`].
    Mention(usize),
}

/// A sentence, tokenised, with its mentions.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// Byte range of the sentence.
    pub sentence: Range<usize>,
    /// Tokens.
    pub tokens: Vec<Token>,
    /// Mentions, in text order.
    pub mentions: Vec<Mention>,
    /// Tokens and mentions in order, each token in at most one mention.
    pub items: Vec<Item>,
    /// Part of speech and lemma of each token (the linguistic layer).
    pub tags: Vec<crate::language::Tag>,
    /// Verb groups of the sentence, outside names.
    pub groups: Vec<crate::language::VerbGroup>,
    /// For each token that can be a verb form, the verb's lemma ("signed" → sign, "took" →
    /// take), whatever its part of speech here: cue words match by it.
    pub readings: Vec<Option<crate::language::Lemma>>,
}

impl Mention {
    /// A mention over `tokens` (at `span`, reading `surface`) with these readings and nothing
    /// else known yet (no value, title, group or relation).
    pub fn new(tokens: Range<usize>, span: Range<usize>, surface: String, alts: Vec<EntRef>) -> Mention {
        Mention { tokens, span, surface, alts, value: None, unknown_name: false, title: None, group: None, relation: None, also_title: Vec::new(), agreement: None, also: Vec::new() }
    }
}

impl Analysis {
    /// The lower-case word at item `k`; "" for a mention or past the end.
    pub fn word(&self, k: usize) -> &str {
        match self.items.get(k) {
            Some(Item::Token(t)) => &self.tokens[*t].lower,
            _ => "",
        }
    }

    /// Renumbers the mentions in text order (after mentions were added out of order, or a
    /// longer one replaced some in [`Analysis::items`]), dropping those no item refers to any
    /// more; a titled person inside a longer mention ("supporters of President X") stays for
    /// its title.
    pub fn sort_mentions(&mut self) {
        let mut used = vec![false; self.mentions.len()];
        for item in &self.items {
            if let Item::Mention(m) = item {
                used[*m] = true;
            }
        }
        let mut order: Vec<usize> = (0..self.mentions.len()).filter(|&m| used[m] || self.mentions[m].title.is_some()).collect();
        order.sort_by_key(|&m| (self.mentions[m].span.start, std::cmp::Reverse(self.mentions[m].span.end)));
        if order.len() == self.mentions.len() && order.windows(2).all(|w| w[0] < w[1]) {
            return;
        }
        let mut new_index = vec![0; self.mentions.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let mut mentions: Vec<Option<Mention>> = std::mem::take(&mut self.mentions).into_iter().map(Some).collect();
        self.mentions = order.iter().map(|&old| mentions[old].take().expect("each mention moved once")).collect();
        for item in &mut self.items {
            if let Item::Mention(m) = item {
                *m = new_index[*m];
            }
        }
    }

    /// Whether token `t` is word `w`: the same word, or a form of the verb `w`.
    pub fn token_is_word(&self, t: usize, w: &str) -> bool {
        self.tokens[t].lower == w || self.readings.get(t).and_then(Option::as_deref) == Some(w)
    }
}

/// What a slot was filled with.
#[derive(Clone, Debug, PartialEq)]
pub enum Filler {
    /// An entity.
    Entity(EntRef),
    /// A literal value.
    Value(Value),
}

/// A statement found in a sentence, before entities are numbered.
#[derive(Clone, Debug)]
pub struct Found {
    /// Subject entity.
    pub subject: EntRef,
    /// Subject mention span (bytes).
    pub subject_span: std::ops::Range<usize>,
    /// Predicate.
    pub predicate: Predicate,
    /// Object.
    pub object: Filler,
    /// Object mention span (bytes).
    pub object_span: std::ops::Range<usize>,
    /// Rule id.
    pub rule: String,
    /// Confidence.
    pub confidence: f32,
}

/// One sentence as the stages above recognition leave it: its analysis (mentions resolved),
/// the statements found in it, and who says them when it is reported speech.
#[derive(Clone, Debug)]
pub struct SentenceFacts {
    /// The sentence's analysis.
    pub analysis: Analysis,
    /// Its statements, before entities are numbered.
    pub found: Vec<Found>,
    /// The speaker of reported speech ("…, Aliyev said").
    pub speaker: Option<EntRef>,
}
