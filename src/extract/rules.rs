//! `ontology/lexicon/*.toml` → [`Rules`]: the relation rules (patterns over mentions), the verb
//! frames, the cue lists and the settings, each typed when it loads (slot classes, roles), with
//! an index of the words that can start a cue or anchor a rule.
//!
//! The pattern language and the frame format are documented at the top of
//! `ontology/lexicon/relations.toml`; matching them against a sentence is [`super::relate`]'s
//! and [`super::frames`]'s business.

use foldhash::{HashMap, HashMapExt};
use std::path::PathBuf;

use super::analysis::{Analysis, Class, Item, Mention};
use crate::{Error, Result};

/// An argument of a verb.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// Who does it.
    Agent,
    /// What it is done to.
    Patient,
    /// The object of this preposition after the verb.
    Prep(String),
}

impl Role {
    /// Parses `agent`, `patient` or a preposition.
    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim().to_lowercase();
        match s.as_str() {
            "agent" => Some(Role::Agent),
            "patient" => Some(Role::Patient),
            _ if !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == ' ') => Some(Role::Prep(s)),
            _ => None,
        }
    }
}

/// A compiled verb frame.
#[derive(Clone, Debug)]
pub struct Frame {
    /// Identifier; the evidence's rule is `frame/ID/voice`.
    pub id: String,
    /// Contract predicate.
    pub predicate: super::analysis::Predicate,
    /// Verb lemmas.
    pub verbs: Vec<String>,
    /// Arguments that may fill the subject, first found first.
    pub subject: Vec<Role>,
    /// Classes the subject accepts.
    pub subject_class: Vec<Slot>,
    /// Arguments that may fill the object.
    pub object: Vec<Role>,
    /// Classes the object accepts.
    pub object_class: Vec<Slot>,
    /// A cue list one of whose phrases must stand between the verb and the object ("supplied
    /// *weapons* to X").
    pub via: Option<String>,
    /// Prepositions whose noun phrase is another subject beside the verb's: "X signed a deal
    /// *with* Y" (Y signed it too).
    pub partner: Vec<String>,
    /// Prepositions one of which must bring a place after the verb, when any are listed: "X
    /// ordered troops *into* Y" deploys them, "X ordered troops to withdraw" does not.
    pub destination: Vec<String>,
    /// The verb's time adjunct dates its object: the day of the signing is the agreement's.
    pub dates_object: bool,
    /// Base confidence.
    pub confidence: f32,
}

/// One element of a pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum Elem {
    /// The subject slot.
    Subject,
    /// The object slot.
    Object,
    /// A phrase from a cue list.
    Cue(String),
    /// A literal token: one of these words (`a|an` in a pattern).
    Lit(Vec<String>),
    /// An optional literal token.
    Opt(Vec<String>),
    /// A gap of up to this many tokens.
    Gap(usize),
    /// Any adjectives, none to three: the modifiers between a number and what it counts ("300
    /// unarmed civilians"), which a gap would let cross a noun.
    Adjectives,
    /// A number, if any, and the adjectives after it: what may stand between a verb and the
    /// group it counts ("has about 900 troops", "keeps some 3,000 elite soldiers").
    Counted,
    /// The phrase ends here: what follows (if anything) is punctuation, a preposition, "'s" or
    /// a date or number, not a conjunct or a verb ("in Kyiv, Ukraine, on Monday", not "In
    /// Doha, Congo and the M23 signed").
    End,
}

/// What a slot of a rule or frame accepts: a contract class or one of the derived slot
/// classes of the file's header, parsed once when the rules load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// A contract class.
    Class(Class),
    /// Country, Organization, Person or a Group that is no bystander.
    Actor,
    /// Country, Organization or Person.
    StateActor,
    /// A Group that is neither civilians nor protesters.
    Force,
    /// The state of an attack noun ("a Russian missile strike").
    Attacker,
    /// An integer.
    Number,
    /// A date or a year.
    Date,
    /// A capitalised name no list knows.
    Name,
    /// A place named by a proper name ("the Republican Palace"), not by a common noun ("the
    /// military base").
    NamedPlace,
    /// A building or site, named or not ("the presidential palace", "a police station").
    Site,
}

impl Slot {
    /// Parses a slot class name as written in `relations.toml`.
    pub fn parse(s: &str) -> Option<Slot> {
        Some(match s.trim() {
            "actor" => Slot::Actor,
            "state_actor" => Slot::StateActor,
            "Force" => Slot::Force,
            "attacker" => Slot::Attacker,
            "Number" => Slot::Number,
            "Date" => Slot::Date,
            "Name" => Slot::Name,
            "NamedPlace" => Slot::NamedPlace,
            "Site" => Slot::Site,
            other => Slot::Class(Class::ALL.into_iter().find(|c| c.name() == other)?),
        })
    }
}

/// A compiled relation rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Identifier, recorded as the evidence's rule.
    pub id: String,
    /// Contract predicate.
    pub predicate: super::analysis::Predicate,
    /// The pattern.
    pub pattern: Vec<Elem>,
    /// Index of the anchor element.
    pub anchor: usize,
    /// The elements before the anchor, nearest first: the order a match reads them leftward
    /// (kept here so no match builds it per sentence).
    pub left: Vec<Elem>,
    /// Classes the subject accepts.
    pub subject: Vec<Slot>,
    /// Classes the object accepts.
    pub object: Vec<Slot>,
    /// Class given to unknown names in a slot accepting `Name`.
    pub unknown: Class,
    /// Base confidence.
    pub confidence: f32,
    /// "accused each other": every ordered pair of the coordinated subject.
    pub pairwise: bool,
    /// A fixed object literal (e.g. a title) instead of an object slot.
    pub literal_object: Option<String>,
    /// The statement stands only when its subject takes part in another statement of the
    /// sentence: a site is named for what happens there ("stormed the palace in Brasilia"),
    /// not for where something else is ("prisoners rioted at this jail in Israel").
    pub participant: bool,
    /// The anchor is a cue list of verbs (`verb_cues`): a one-word cue there must be no noun,
    /// and a pattern of the active voice reads no passive verb.
    pub verb_cue: bool,
    /// The subject stands before the anchor and the object after it: the active voice.
    pub active_shape: bool,
    /// A literal "-" stands right before the anchor ("S - @back O"): a compound's pattern.
    pub compound: bool,
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    cues: HashMap<String, Vec<String>>,
    #[serde(default)]
    settings: HashMap<String, Vec<String>>,
    #[serde(default)]
    not_cues: HashMap<String, Vec<String>>,
    #[serde(default)]
    rule: Vec<RuleDef>,
    #[serde(default)]
    frame: Vec<FrameDef>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameDef {
    id: String,
    predicate: toml::Spanned<String>,
    verbs: Vec<String>,
    subject: Vec<toml::Spanned<String>>,
    subject_class: Vec<toml::Spanned<String>>,
    object: Vec<toml::Spanned<String>>,
    object_class: Vec<toml::Spanned<String>>,
    #[serde(default)]
    via: Option<toml::Spanned<String>>,
    #[serde(default)]
    partner: Vec<toml::Spanned<String>>,
    #[serde(default)]
    destination: Vec<toml::Spanned<String>>,
    #[serde(default)]
    dates_object: bool,
    #[serde(default = "default_confidence")]
    confidence: f32,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDef {
    id: String,
    predicate: toml::Spanned<String>,
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    subject: Vec<toml::Spanned<String>>,
    #[serde(default)]
    object: Vec<toml::Spanned<String>>,
    #[serde(default)]
    unknown: Option<String>,
    #[serde(default = "default_confidence")]
    confidence: f32,
    #[serde(default)]
    pairwise: bool,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    participant: bool,
}

fn default_confidence() -> f32 {
    0.8
}

/// All rules and cue lists, indexed by anchor word.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    /// Rules in file order.
    pub rules: Vec<Rule>,
    /// Cue lists: name → phrases (each a token sequence).
    pub cues: HashMap<String, Vec<Vec<String>>>,
    /// Phrases that look like a cue list's but are not ("took off" for `capture`).
    pub not_cues: HashMap<String, Vec<Vec<String>>>,
    /// The word lists of `[settings]`, by [`Setting`].
    settings: Vec<Vec<String>>,
    /// Verb frames in file order.
    pub frames: Vec<Frame>,
    /// `group_anaphora`, typed: (a generic noun's role, the role of a group it may refer back to).
    pub group_anaphora: Vec<(super::analysis::NounRole, super::analysis::NounRole)>,
    /// Verb lemma → frames of that verb.
    frames_by_verb: HashMap<String, Vec<usize>>,
    /// Ids of the rules that want a participant (few: looked up for every statement).
    participant_rules: Vec<String>,
    /// For each rule, the literals its pattern needs besides the anchor (each a list of
    /// alternatives, by number in `literals`): a sentence without one of them cannot match,
    /// whatever the anchor.
    required: Vec<Vec<Vec<u32>>>,
    /// The words some rule requires, numbered.
    literals: HashMap<String, u32>,
    /// First token of an anchor phrase → rules anchored on it.
    by_anchor: HashMap<String, Vec<usize>>,
    /// Cue list → its phrases and those that are not its phrases, by first token, so that
    /// [`Rules::cue_at`] looks a list up once and only tries the phrases that can match where
    /// it looks.
    cue_index: HashMap<String, CueIndex>,
}

/// The words a cue phrase can start with in text: its first word ("" for an empty phrase,
/// which matches anywhere), and for a one-word phrase its plural too ("backers" is a
/// "backer").
fn first_words(ph: &[String]) -> impl Iterator<Item = String> + '_ {
    std::iter::once(ph.first().cloned().unwrap_or_default()).chain(match ph {
        [w] => Some(crate::language::plural(w)),
        _ => None,
    })
}

/// The phrases of a cue list by first token ("" for none: they match anywhere).
#[derive(Clone, Debug, Default)]
struct Phrases(HashMap<String, Vec<Vec<String>>>);

impl Phrases {
    fn new(phrases: &[Vec<String>]) -> Phrases {
        let mut by_first: HashMap<String, Vec<Vec<String>>> = HashMap::new();
        for ph in phrases {
            for w in first_words(ph) {
                by_first.entry(w).or_default().push(ph.clone());
            }
        }
        Phrases(by_first)
    }

    /// The items the longest phrase starting with `first` (or its verb's lemma `reading`),
    /// or with nothing, covers from item `pos`.
    fn longest_at(&self, first: &str, reading: Option<&str>, a: &Analysis, pos: usize) -> Option<usize> {
        if self.0.is_empty() {
            return None;
        }
        let of = |w: &str| self.0.get(w).map(Vec::as_slice).unwrap_or(&[]);
        let lemma = reading.map(of).unwrap_or(&[]);
        of(first).iter().chain(lemma).chain(of("")).filter_map(|ph| phrase_items(ph, a, pos)).max()
    }
}

/// A cue list's phrases, and the phrases that look like them but are not (`not_cues`).
#[derive(Clone, Debug, Default)]
struct CueIndex {
    phrases: Phrases,
    not: Phrases,
}

named_enum! {
    /// A named word list of the rule files' `[settings]` (`negators`, `reporting`, …), typed
    /// when the files load: a name no stage reads is an error naming the file and line, and
    /// a stage asks for a list by variant, not by a string that could be misspelt.
    pub enum Setting {
        Negators = "negators",
        Modals = "modals",
        Reporting = "reporting",
        CompoundsNamingAnother = "compounds_naming_another",
        SpeechVerbs = "speech_verbs",
        Future = "future",
        NationalForces = "national_forces",
        ForceOwnerKinds = "force_owner_kinds",
        ForceOwnerVerbs = "force_owner_verbs",
        StateBodies = "state_bodies",
        StateForceModifiers = "state_force_modifiers",
        NonStateModifiers = "non_state_modifiers",
        MediatorNouns = "mediator_nouns",
        OnlookerVerbs = "onlooker_verbs",
        SettlementAnaphors = "settlement_anaphors",
        CapitalAnaphors = "capital_anaphors",
        RegionAnaphors = "region_anaphors",
        VagueBodies = "vague_bodies",
        NationalOffices = "national_offices",
        VerbCues = "verb_cues",
        PlaceDirections = "place_directions",
        WaterBodies = "water_bodies",
        AgainstPrefixes = "against_prefixes",
        CountModifiers = "count_modifiers",
        NotNames = "not_names",
        RelationNouns = "relation_nouns",
        ActsForNouns = "acts_for_nouns",
        RelationPhrases = "relation_phrases",
        Irrealis = "irrealis",
        IrrealisModals = "irrealis_modals",
        AspectVerbs = "aspect_verbs",
        Commitments = "commitments",
        NameParticles = "name_particles",
        NameTitles = "name_titles",
        RankModifiers = "rank_modifiers",
        PersonRoles = "person_roles",
        Prepositions = "prepositions",
        DenialNouns = "denial_nouns",
        DenialVerbs = "denial_verbs",
        AllegedPredicates = "alleged_predicates",
        Locatives = "locatives",
        PeopleNouns = "people_nouns",
        PluralAnaphors = "plural_anaphors",
        GenericSites = "generic_sites",
        PersonPronouns = "person_pronouns",
        ThingPronouns = "thing_pronouns",
        GroupPronouns = "group_pronouns",
        GroupAnaphors = "group_anaphors",
        GroupAnaphorKinds = "group_anaphor_kinds",
        PartitivePronouns = "partitive_pronouns",
        GenericGroupNouns = "generic_group_nouns",
        UncountedGroups = "uncounted_groups",
        GroupAnaphora = "group_anaphora",
        TimePrepositions = "time_prepositions",
        TimeBounds = "time_bounds",
        SignedOnlyNouns = "signed_only_nouns",
        DistinctReferent = "distinct_referent",
        EarlierReferent = "earlier_referent",
        AgreementKinds = "agreement_kinds",
        SurnameEndings = "surname_endings",
    }
}

/// An error in setting `name` of a rule file, at the line that names the setting.
fn setting_error(path: &std::path::Path, text: &str, name: &str, message: String) -> Error {
    let line = text.lines().position(|l| l.trim_start().starts_with(&format!("{name} ")) || l.trim_start().starts_with(&format!("{name}="))).map_or(0, |i| i + 1);
    Error::Syntax { path: path.to_owned(), line, message: format!("setting {name}: {message}") }
}

/// A literal of a pattern, lower-cased, with ’ as ', split at `|` into its alternatives.
fn literal(w: &str) -> Vec<String> {
    w.to_lowercase().replace('’', "'").split('|').map(str::to_owned).collect()
}

fn phrase_tokens(p: &str) -> Vec<String> {
    crate::language::text::tokenize(p, 0).into_iter().map(|t| t.lower).collect()
}

impl Rules {
    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// A word list of `[settings]` (empty when no file gives it).
    pub fn setting(&self, setting: Setting) -> &[String] {
        self.settings.get(setting as usize).map_or(&[], Vec::as_slice)
    }

    /// Whether what predicate `p` states is only alleged inside an accusation's content or a
    /// denied claim (`alleged_predicates`, named case-insensitively).
    pub fn alleged(&self, p: super::analysis::Predicate) -> bool {
        self.setting(Setting::AllegedPredicates).iter().any(|n| n.eq_ignore_ascii_case(p.name()))
    }

    /// Whether a cue list has a phrase starting at item `pos`; returns how many items it
    /// covers (the longest phrase wins). A phrase may run through a common-noun mention
    /// ("selling weapons to", "arms supplier"): nouns that name groups are cue words too.
    pub fn cue_at(&self, list: &str, a: &Analysis, pos: usize) -> Option<usize> {
        let first_token = match *a.items.get(pos)? {
            Item::Token(t) => t,
            Item::Mention(m) => a.mentions[m].tokens.start,
        };
        let first = &a.tokens.get(first_token)?.lower;
        let reading = a.readings.get(first_token).and_then(Option::as_deref);
        // Phrases starting with this word or its verb's lemma, and empty ones (which match
        // anywhere).
        let index = self.cue_index.get(list)?;
        if index.not.longest_at(first, reading, a, pos).is_some() {
            return None;
        }
        index.phrases.longest_at(first, reading, a, pos)
    }

    /// A test of whether a phrase of cue list `list` may start at an item (its first word, or
    /// its verb's lemma, opens one): a quick filter before [`Rules::cue_at`]. The list is looked
    /// up once, the test then run at every item.
    pub fn may_start(&self, list: &str) -> impl Fn(&Analysis, usize) -> bool + '_ {
        let by_first = self.cue_index.get(list).map(|index| &index.phrases.0);
        let anywhere = by_first.is_some_and(|m| m.contains_key(""));
        move |a: &Analysis, pos: usize| {
            let Some(by_first) = by_first else { return false };
            let t = match a.items.get(pos) {
                Some(Item::Token(t)) => *t,
                Some(Item::Mention(m)) => a.mentions[*m].tokens.start,
                None => return false,
            };
            anywhere || by_first.contains_key(a.tokens[t].lower.as_str()) || a.readings.get(t).and_then(Option::as_deref).is_some_and(|r| by_first.contains_key(r))
        }
    }

    /// Loads rule files (TOML), later files adding to earlier ones.
    pub fn load(files: &[(PathBuf, String)]) -> Result<Rules> {
        let mut rules = Rules { settings: vec![Vec::new(); Setting::ALL.len()], ..Rules::default() };
        let mut defs = Vec::new();
        let mut frame_defs = Vec::new();
        for (path, text) in files {
            let file: RuleFile = toml::from_str(text).map_err(|e| {
                let line = e.span().map_or(0, |s| text[..s.start].lines().count().max(1));
                Error::Syntax { path: path.clone(), line, message: e.message().to_owned() }
            })?;
            for (name, phrases) in file.cues {
                rules.cues.entry(name).or_default().extend(phrases.iter().map(|p| phrase_tokens(p)));
            }
            for (name, phrases) in file.not_cues {
                rules.not_cues.entry(name).or_default().extend(phrases.iter().map(|p| phrase_tokens(p)));
            }
            for (name, words) in file.settings {
                let Some(setting) = Setting::from_name(&name) else {
                    let known: Vec<&str> = Setting::ALL.iter().map(|s| s.name()).collect();
                    return Err(setting_error(path, text, &name, format!("no such setting (the settings are {})", known.join(", "))));
                };
                let mut list = Vec::with_capacity(words.len());
                for w in words {
                    let mut w = w.to_lowercase();
                    // "supporter>supports": the predicate after '>' is spelled as the contract
                    // spells it (settings are matched lower-case, predicates are minted as is).
                    // "irregular>ethnic": two roles of nominals.tsv, checked here for the line.
                    if setting == Setting::GroupAnaphora {
                        let roles = w.split_once('>').map(|(m, a)| (super::analysis::NounRole::named(m), super::analysis::NounRole::named(a)));
                        let Some((Some(m), Some(a))) = roles else {
                            return Err(setting_error(path, text, &name, format!("{w:?} is not \"role>role\" with roles of nominals.tsv (or ethnic)")));
                        };
                        rules.group_anaphora.push((m, a));
                    }
                    // Settings whose entries are "phrase>predicate".
                    if matches!(setting, Setting::RelationNouns | Setting::RelationPhrases) {
                        let Some((phrase, p)) = w.split_once('>') else {
                            return Err(setting_error(path, text, &name, format!("{w:?} is not \"phrase>predicate\"")));
                        };
                        let Some(predicate) = super::analysis::Predicate::named(p) else {
                            return Err(setting_error(path, text, &name, format!("{w:?}: {p:?} is no contract predicate")));
                        };
                        w = format!("{phrase}>{predicate}");
                    }
                    list.push(w);
                }
                rules.settings[setting as usize].extend(list);
            }
            defs.extend(file.rule.into_iter().map(|d| (path.clone(), text.as_str(), d)));
            frame_defs.extend(file.frame.into_iter().map(|d| (path.clone(), text.as_str(), d)));
        }
        for (name, phrases) in &rules.cues {
            rules.cue_index.entry(name.clone()).or_default().phrases = Phrases::new(phrases);
        }
        for (name, phrases) in &rules.not_cues {
            rules.cue_index.entry(name.clone()).or_default().not = Phrases::new(phrases);
        }
        // A slot class or role is checked where it is written: a typo is an error with its line.
        let at = |path: &PathBuf, text: &str, span: std::ops::Range<usize>, message: String| Error::Syntax {
            path: path.clone(),
            line: text[..span.start.min(text.len())].lines().count().max(1),
            message,
        };
        let slots = |path: &PathBuf, text: &str, what: &str, id: &str, list: &[toml::Spanned<String>]| -> Result<Vec<Slot>> {
            list.iter()
                .map(|s| {
                    Slot::parse(s.get_ref()).ok_or_else(|| {
                        at(path, text, s.span(), format!("{what} {id}: unknown slot class {:?} (a contract class, actor, state_actor, Force, attacker, Number, Date, Name, NamedPlace or Site)", s.get_ref()))
                    })
                })
                .collect()
        };
        // A predicate is the contract's, spelled as minted.
        let contract = |path: &PathBuf, text: &str, what: &str, id: &str, p: &toml::Spanned<String>| -> Result<super::analysis::Predicate> {
            super::analysis::Predicate::named(p.get_ref()).ok_or_else(|| at(path, text, p.span(), format!("{what} {id}: {:?} is no contract predicate", p.get_ref())))
        };
        for (path, text, def) in frame_defs {
            let roles = |list: &[toml::Spanned<String>]| -> Result<Vec<Role>> {
                list.iter()
                    .map(|r| Role::parse(r.get_ref()).ok_or_else(|| at(&path, text, r.span(), format!("frame {}: unknown role {:?} (agent, patient or a preposition)", def.id, r.get_ref()))))
                    .collect()
            };
            // Lists of prepositions only ("with"; "to", "into").
            let prepositions = |what: &str, list: &[toml::Spanned<String>]| -> Result<Vec<String>> {
                list.iter()
                    .map(|p| match Role::parse(p.get_ref()) {
                        Some(Role::Prep(p)) => Ok(p),
                        _ => Err(at(&path, text, p.span(), format!("frame {}: a {what} is a preposition, not {:?}", def.id, p.get_ref()))),
                    })
                    .collect()
            };
            let frame = Frame {
                id: def.id.clone(),
                predicate: contract(&path, text, "frame", &def.id, &def.predicate)?,
                verbs: def.verbs.iter().map(|v| v.trim().to_lowercase()).collect(),
                subject: roles(&def.subject)?,
                subject_class: slots(&path, text, "frame", &def.id, &def.subject_class)?,
                object: roles(&def.object)?,
                object_class: slots(&path, text, "frame", &def.id, &def.object_class)?,
                via: match &def.via {
                    Some(v) if !rules.cues.contains_key(v.get_ref()) => {
                        return Err(at(&path, text, v.span(), format!("frame {}: unknown cue list {:?}", def.id, v.get_ref())));
                    }
                    v => v.as_ref().map(|v| v.get_ref().clone()),
                },
                partner: prepositions("partner", &def.partner)?,
                destination: prepositions("destination", &def.destination)?,
                dates_object: def.dates_object,
                confidence: def.confidence.clamp(0.0, 1.0),
            };
            if frame.subject.is_empty() || frame.object.is_empty() || frame.verbs.is_empty() {
                return Err(Error::Invalid(format!("{}: frame {}: needs verbs, a subject and an object", path.display(), def.id)));
            }
            let index = rules.frames.len();
            for v in &frame.verbs {
                rules.frames_by_verb.entry(v.clone()).or_default().push(index);
            }
            rules.frames.push(frame);
        }
        for (path, text, def) in defs {
            let predicate = contract(&path, text, "rule", &def.id, &def.predicate)?;
            let subject_slots = slots(&path, text, "rule", &def.id, &def.subject)?;
            let object_slots = slots(&path, text, "rule", &def.id, &def.object)?;
            let bad = |message: String| Error::Invalid(format!("{}: rule {}: {message}", path.display(), def.id));
            let mut pats = def.patterns.clone();
            pats.extend(def.pattern.clone());
            if pats.is_empty() {
                return Err(bad("no pattern".into()));
            }
            for (k, p) in pats.iter().enumerate() {
                let pattern = parse_pattern(p).map_err(&bad)?;
                for e in &pattern {
                    if let Elem::Cue(c) = e {
                        if !rules.cues.contains_key(c) {
                            return Err(bad(format!("unknown cue list @{c}")));
                        }
                    }
                }
                let anchor = pattern
                    .iter()
                    .position(|e| matches!(e, Elem::Cue(_)))
                    .or_else(|| pattern.iter().position(|e| matches!(e, Elem::Lit(_))))
                    .ok_or_else(|| bad(format!("pattern {p:?} has neither a cue nor a literal to anchor on")))?;
                if !pattern.contains(&Elem::Subject) {
                    return Err(bad(format!("pattern {p:?} has no S slot")));
                }
                if def.value.is_none() && !def.pairwise && !pattern.contains(&Elem::Object) {
                    return Err(bad(format!("pattern {p:?} has no O slot and the rule no value")));
                }
                let unknown = match &def.unknown {
                    Some(u) => Class::parse(u).ok_or_else(|| bad(format!("unknown class {u}")))?,
                    None => Class::Place,
                };
                let id = if pats.len() > 1 { format!("{}#{}", def.id, k + 1) } else { def.id.clone() };
                let index = rules.rules.len();
                let anchor_words: Vec<String> = match &pattern[anchor] {
                    // (The words a cue phrase starts with, as `Phrases` indexes them.)
                    Elem::Cue(c) => rules.cues[c].iter().flat_map(|ph| first_words(ph)).filter(|w| !w.is_empty()).collect(),
                    Elem::Lit(w) => w.clone(),
                    _ => unreachable!(),
                };
                for w in anchor_words {
                    let list = rules.by_anchor.entry(w).or_default();
                    if !list.contains(&index) {
                        list.push(index);
                    }
                }
                rules.rules.push(Rule {
                    id,
                    predicate: predicate.clone(),
                    left: pattern[..anchor].iter().rev().cloned().collect(),
                    pattern,
                    anchor,
                    subject: subject_slots.clone(),
                    object: object_slots.clone(),
                    unknown,
                    confidence: def.confidence.clamp(0.0, 1.0),
                    pairwise: def.pairwise,
                    literal_object: def.value.clone(),
                    participant: def.participant,
                    verb_cue: false,
                    active_shape: false,
                    compound: false,
                });
                if def.participant {
                    rules.participant_rules.push(rules.rules[index].id.clone());
                }
                let mut required = Vec::new();
                for (k, e) in rules.rules[index].pattern.iter().enumerate() {
                    let Elem::Lit(w) = e else { continue };
                    if k == anchor {
                        continue;
                    }
                    let ids = w
                        .iter()
                        .map(|alt| {
                            let next = rules.literals.len() as u32;
                            *rules.literals.entry(alt.clone()).or_insert(next)
                        })
                        .collect();
                    required.push(ids);
                }
                rules.required.push(required);
            }
        }
        let verb_cues = rules.setting(Setting::VerbCues).to_vec();
        for rule in &mut rules.rules {
            rule.verb_cue = matches!(rule.pattern.get(rule.anchor), Some(Elem::Cue(c)) if verb_cues.contains(c));
            rule.active_shape = rule.pattern[..rule.anchor].contains(&Elem::Subject) && rule.pattern[rule.anchor + 1..].contains(&Elem::Object);
            rule.compound = rule.anchor >= 1 && matches!(&rule.pattern[rule.anchor - 1], Elem::Lit(w) if w == &["-"]);
        }
        Ok(rules)
    }

    /// Whether the rule `id` (as recorded in evidence) wants its subject to take part in
    /// another statement of the sentence (see [`Rule::participant`]).
    pub fn wants_participant(&self, id: &str) -> bool {
        !self.participant_rules.is_empty() && self.participant_rules.iter().any(|r| r == id)
    }

    /// The frames of a verb lemma.
    pub fn frames_for(&self, lemma: &str) -> impl Iterator<Item = &Frame> {
        self.frames_by_verb.get(lemma).into_iter().flatten().map(|&i| &self.frames[i])
    }

    /// The literals of the rules that a sentence's tokens have: what [`Rules::may_match`] reads.
    pub fn literals_in(&self, tokens: &[crate::language::text::Token]) -> Vec<u64> {
        let mut present = vec![0u64; self.literals.len().div_ceil(64)];
        for t in tokens {
            if let Some(&id) = self.literals.get(t.lower.as_str()) {
                present[id as usize / 64] |= 1 << (id % 64);
            }
        }
        present
    }

    /// Whether rule `rule` may match in a sentence with the literals `present` (see
    /// [`Rules::literals_in`]): it has one of each literal's alternatives the rule requires.
    pub fn may_match(&self, rule: usize, present: &[u64]) -> bool {
        self.required[rule].iter().all(|alts| alts.iter().any(|&id| present[id as usize / 64] & (1 << (id % 64)) != 0))
    }

    /// Rules whose anchor may start at this token.
    pub fn anchored_at(&self, word: &str) -> &[usize] {
        self.by_anchor.get(word).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Items covered by phrase `ph` from item `pos`, if it matches whole items.
fn phrase_items(ph: &[String], a: &Analysis, pos: usize) -> Option<usize> {
    let mut k = 0;
    let mut item = pos;
    while k < ph.len() {
        match *a.items.get(item)? {
            Item::Token(t) => {
                // A phrase's last word, a noun, matches its plural too: "main backers".
                let plural = || k + 1 == ph.len() && a.tags.get(t).is_some_and(|g| g.pos == crate::language::Pos::Noun) && crate::language::is_plural_of(&a.tokens[t].lower, &ph[k]);
                if !a.token_is_word(t, &ph[k]) && !plural() {
                    return None;
                }
                k += 1;
            }
            Item::Mention(m) => {
                let mention = &a.mentions[m];
                if !transparent(mention) || mention.tokens.len() > ph.len() - k {
                    return None;
                }
                for t in mention.tokens.clone() {
                    if !a.token_is_word(t, &ph[k]) {
                        return None;
                    }
                    k += 1;
                }
            }
        }
        item += 1;
    }
    Some(item - pos)
}

/// A mention made of common nouns only ("weapons", "shooting"), which cue phrases may cover.
pub fn transparent(m: &Mention) -> bool {
    m.value.is_none() && m.title.is_none() && !m.unknown_name && m.surface.chars().next().is_some_and(char::is_lowercase)
}

fn parse_pattern(p: &str) -> std::result::Result<Vec<Elem>, String> {
    let mut out = Vec::new();
    for w in p.split_whitespace() {
        let e = match w {
            "S" => Elem::Subject,
            "O" => Elem::Object,
            "~" => Elem::Gap(6),
            "~adj" => Elem::Adjectives,
            "~num" => Elem::Counted,
            "$" => Elem::End,
            _ if w.starts_with('~') => Elem::Gap(w[1..].parse().map_err(|_| format!("bad gap {w}"))?),
            _ if w.starts_with('@') && w.len() > 1 => Elem::Cue(w[1..].to_owned()),
            _ if w.ends_with('?') && w.len() > 1 => Elem::Opt(literal(&w[..w.len() - 1])),
            _ => Elem::Lit(literal(w)),
        };
        out.push(e);
    }
    Ok(out)
}
