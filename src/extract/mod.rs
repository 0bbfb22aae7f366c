//! Sentences → entities and statements, driven by the [`Lexicon`] built from `ontology/`.
//!
//! Each sentence is tokenised and tagged once by the linguistic layer ([`crate::language`]:
//! lemmas, parts of speech, verb groups with tense, voice, negation and modality);
//! [`recognise`] finds mentions (gazetteer names, titled people, organisations by suffix,
//! nominals, numbers, dates), [`resolve`] groups them into document entities with
//! corpus-stable keys, [`frames`] applies the verb frames over the verb groups and
//! [`relate`] the pattern rules of the cue lexicon.

pub mod dates;
pub mod frames;
pub mod lexicon;
pub mod numbers;
pub mod recognise;
pub mod relate;
pub mod resolve;
pub use crate::language::text;

use std::collections::BTreeSet;
use std::ops::Range;

use chrono::NaiveDate;
use indexmap::IndexMap;

pub use lexicon::{Lexicon, LexiconBuilder};

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

/// One extracted fact with its evidence.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// Index of the subject in [`Extraction::entities`].
    pub subject: usize,
    /// Contract predicate local name (`brokered`, `count`, …).
    pub predicate: String,
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

/// Group anaphora across a document: an unqualified group noun takes the readings of the
/// last qualified group of the same noun, else of a role `group_anaphora` allows ("servicemen"
/// after "Russian peacekeepers"); qualified groups become antecedents. The readings include
/// the state a national force stands for ("his forces" after "Azeri forces" is Azerbaijan).
/// Without an antecedent, the first qualified group of the same noun later in the document.
fn resolve_groups(
    a: &mut recognise::Analysis,
    antecedents: &mut Vec<(recognise::GroupInfo, Vec<recognise::EntRef>)>,
    qualified: &[(recognise::GroupInfo, Vec<recognise::EntRef>)],
    lexicon: &Lexicon,
    last_country: Option<&recognise::EntRef>,
) {
    let anaphora = lexicon.rules.setting("group_anaphora");
    let generic = lexicon.rules.setting("generic_group_nouns");
    let this_sentence = antecedents.len();
    // The countries named in the sentence, in order, for "Russia has deployed troops".
    let countries: Vec<(usize, recognise::EntRef)> = a
        .mentions
        .iter()
        .filter(|m| m.group.is_none())
        // "Saudi-backed", "Russian-led": a compound modifier names no owner.
        .filter(|m| !a.tokens.get(m.tokens.end).is_some_and(|t| t.lower == "-" && t.span.start == m.span.end))
        .filter_map(|m| m.alts.iter().find(|r| r.class == Class::Country).map(|r| (m.span.start, r.clone())))
        .collect();
    for m in &mut a.mentions {
        let Some(info) = &m.group else { continue };
        // "its servicemen", "their troops": the owner is named in the same sentence.
        let possessed = m.tokens.start > 0 && ["its", "their"].contains(&a.tokens[m.tokens.start - 1].lower.as_str());
        if info.owned {
            antecedents.push((info.clone(), m.alts.clone()));
            continue;
        }
        // Other nouns than the same one only for generic ones ("servicemen" may be the
        // peacekeepers named before; "reservists" are not the troops named before).
        let is_generic = generic.iter().any(|g| *g == lexicon.nominals[info.nominal].name);
        let compatible = |g: &recognise::GroupInfo| is_generic && anaphora.iter().any(|p| p.split_once('>') == Some((info.role.as_str(), g.role.as_str())));
        // "Russia has deployed troops": with exactly one country named before it in the
        // sentence, an armed group noun is that country's.
        let before: BTreeSet<String> = countries.iter().filter(|(at, _)| *at < m.span.start).map(|(_, r)| r.key.clone()).collect();
        if ["armed", "peacekeeping"].contains(&info.role.as_str()) && before.len() == 1 && !possessed {
            let (_, state) = countries.iter().find(|(at, _)| *at < m.span.start).expect("one country before");
            if let Some(c) = (0..lexicon.countries.len()).find(|&c| lexicon.country_key(c) == state.key) {
                let nom = &lexicon.nominals[info.nominal];
                let adj = lexicon.countries[c].demonym.clone().unwrap_or_else(|| lexicon.countries[c].name.clone());
                let surface = m.alts.first().map(|r| r.surface.clone()).unwrap_or_default();
                let group = recognise::EntRef {
                    class: Class::Group,
                    key: text::slug(&format!("{adj} {}", nom.name)),
                    label: format!("{adj} {}", nom.plural),
                    wikidata: None,
                    surface,
                };
                let mut st = state.clone();
                st.surface = st.label.clone();
                m.alts = vec![st, group];
                continue;
            }
        }
        let here = if possessed { &antecedents[this_sentence..] } else { &antecedents[..0] };
        // "Its forces" with no owner in the sentence: the forces of the country named last.
        let armed = ["armed", "peacekeeping"].contains(&info.role.as_str());
        if possessed && armed && !here.iter().any(|(g, _)| g.nominal == info.nominal || compatible(g)) {
            if let Some(c) = last_country {
                let mut state = c.clone();
                state.surface = state.label.clone();
                m.alts.insert(0, state);
                continue;
            }
        }
        let found = here
            .iter()
            .rev()
            .find(|(g, _)| g.nominal == info.nominal || compatible(g))
            .or_else(|| antecedents.iter().rev().find(|(g, _)| g.nominal == info.nominal))
            .or_else(|| antecedents.iter().rev().find(|(g, _)| compatible(g)))
            .or_else(|| qualified.iter().find(|(g, _)| g.nominal == info.nominal));
        if let Some((_, alts)) = found {
            let Some(own) = m.alts.first().cloned() else { continue };
            // The group (body, event) gains this surface form as an alias; the state a force
            // stands for does not ("servicemen" is no name of Russia).
            m.alts = alts
                .iter()
                .map(|r| if r.class == own.class { recognise::EntRef { surface: own.surface.clone(), ..r.clone() } } else { r.clone() })
                .collect();
        }
    }
}

/// Aliases a document introduces: "Shusha, known as Shushi in Armenian", "Mohamed Hamdan
/// Dagalo, widely known as Hemedti": the unknown name takes the named entity's readings, here
/// and wherever the document uses it again.
fn resolve_aliases(a: &mut recognise::Analysis, known_as: &mut foldhash::HashMap<String, Vec<recognise::EntRef>>) {
    use recognise::Item;
    let word = |a: &recognise::Analysis, i: usize, w: &str| matches!(a.items.get(i), Some(Item::Token(t)) if a.tokens[*t].lower == w);
    for k in 0..a.items.len() {
        let Item::Mention(m) = a.items[k] else { continue };
        // "A, (also|widely|locally)? known as B"
        let mut j = k + 1;
        if word(a, j, ",") {
            j += 1;
        }
        if word(a, j, "also") || word(a, j, "widely") || word(a, j, "locally") || word(a, j, "better") {
            j += 1;
        }
        if !(word(a, j, "known") && word(a, j + 1, "as")) {
            continue;
        }
        let Some(Item::Mention(b)) = a.items.get(j + 2).copied() else { continue };
        let (named, alias) = (&a.mentions[m], &a.mentions[b]);
        if named.alts.is_empty() || !alias.unknown_name {
            continue;
        }
        let surface = alias.surface.clone();
        let alts: Vec<recognise::EntRef> = named.alts.iter().map(|r| recognise::EntRef { surface: surface.clone(), ..r.clone() }).collect();
        known_as.insert(surface.to_lowercase(), alts.clone());
        a.mentions[b].alts = alts;
        a.mentions[b].unknown_name = false;
    }
    for m in &mut a.mentions {
        if m.unknown_name {
            if let Some(alts) = known_as.get(&m.surface.to_lowercase()) {
                m.alts = alts.iter().map(|r| recognise::EntRef { surface: m.surface.clone(), ..r.clone() }).collect();
                m.unknown_name = false;
            }
        }
    }
}

/// What pronouns may stand for: the last person, agreement and group named, with the index
/// of the sentence that named the last two (they are only taken from this or the previous one).
#[derive(Default)]
struct Antecedents {
    person: Option<recognise::EntRef>,
    agreement: Option<(usize, recognise::EntRef)>,
    group: Option<(usize, recognise::EntRef)>,
}

/// Pronouns stand for what was named last: "He hailed the truce" (the last person), "hailed
/// it" (an agreement of this or the previous sentence), "they would be deployed" (a group of
/// this or the previous sentence). Lists: `person_pronouns`, `thing_pronouns`, `group_pronouns`.
fn resolve_pronouns(a: &mut recognise::Analysis, text: &str, sentence: usize, last: &mut Antecedents, rules: &relate::Rules) {
    let recent = |x: &Option<(usize, recognise::EntRef)>| x.as_ref().filter(|(k, _)| sentence <= k + 1).map(|(_, r)| r.clone());
    let mut k = 0;
    while k < a.items.len() {
        match a.items[k] {
            recognise::Item::Mention(m) => {
                let mention = &a.mentions[m];
                match mention.alts.first() {
                    Some(r) if r.class == Class::Person => last.person = Some(r.clone()),
                    Some(r) if r.class == Class::Agreement => last.agreement = Some((sentence, r.clone())),
                    _ => {}
                }
                if let Some(g) = mention.alts.iter().find(|r| r.class == Class::Group) {
                    if mention.group.as_ref().is_some_and(|g| !["civilian"].contains(&g.role.as_str())) {
                        last.group = Some((sentence, g.clone()));
                    }
                }
            }
            recognise::Item::Token(t) => {
                let word = &a.tokens[t].lower;
                // "X said it …", "X said on Monday that it …": a reporting verb just before,
                // past a date and "that".
                let reported = {
                    let mut j = k;
                    let mut found = false;
                    while j > 0 && k - j < 5 {
                        j -= 1;
                        match a.items[j] {
                            recognise::Item::Token(r) if rules.setting("reporting").contains(&a.tokens[r].lower) => {
                                found = true;
                                break;
                            }
                            recognise::Item::Token(r)
                                if ["on", "that", ",", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday", "later", "earlier"]
                                    .contains(&a.tokens[r].lower.as_str()) => {}
                            recognise::Item::Mention(m) if a.mentions[m].value.is_some() => {}
                            _ => break,
                        }
                    }
                    found
                };
                let target = if rules.setting("person_pronouns").contains(word) {
                    last.person.clone()
                } else if rules.setting("thing_pronouns").contains(word) && reported {
                    // "The Sudanese army said it had retaken X": the speaker, i.e. the last
                    // actor named before the reporting verb.
                    a.items[..k].iter().rev().find_map(|it| match it {
                        recognise::Item::Mention(m) => a.mentions[*m]
                            .alts
                            .iter()
                            .find(|r| matches!(r.class, Class::Country | Class::Organization))
                            .cloned(),
                        _ => None,
                    })
                } else if rules.setting("thing_pronouns").contains(word) {
                    recent(&last.agreement)
                } else if rules.setting("group_pronouns").contains(word) {
                    recent(&last.group)
                } else {
                    None
                };
                if let Some(p) = target {
                    let span = a.tokens[t].span.clone();
                    let surface = text[span.clone()].to_owned();
                    a.mentions.push(recognise::Mention {
                        tokens: t..t + 1,
                        span,
                        surface,
                        // A pronoun is no name: the surface stays the entity's label.
                        alts: vec![recognise::EntRef { surface: p.label.clone(), ..p }],
                        value: None,
                        unknown_name: false,
                        title: None,
                        group: None,
                        relation: None,
                    });
                    a.items[k] = recognise::Item::Mention(a.mentions.len() - 1);
                }
            }
        }
        k += 1;
    }
    // Keep mentions in text order, as the rest of the stage expects.
    let mut order: Vec<usize> = (0..a.mentions.len()).collect();
    order.sort_by_key(|&m| a.mentions[m].span.start);
    let mut new_index = vec![0; order.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut mentions: Vec<Option<recognise::Mention>> = std::mem::take(&mut a.mentions).into_iter().map(Some).collect();
    a.mentions = order.iter().map(|&old| mentions[old].take().expect("each mention moved once")).collect();
    for item in &mut a.items {
        if let recognise::Item::Mention(m) = item {
            *m = new_index[*m];
        }
    }
}

/// Extracts entities and statements from a document's sentences. With `explain`, writes a
/// per-sentence trace (mentions, entities, rules, statements) for debugging rules.
pub fn extract(
    document: &crate::document::Document,
    sentences: &[crate::document::Sentence],
    lexicon: &Lexicon,
    mut explain: Option<&mut dyn std::io::Write>,
) -> Extraction {
    use recognise::{EntRef, Item};
    use relate::{Filler, Found};

    let scans: Vec<recognise::Scan<'_>> = sentences.iter().map(|s| recognise::scan(&document.text, s.span.clone(), lexicon)).collect();
    let ctx = resolve::DocContext::build(document, &scans, lexicon);
    let mut out = Extraction::default();
    let text = &document.text;
    let rules = &lexicon.rules;
    let mut last_country: Option<EntRef> = None;
    let mut groups: Vec<(recognise::GroupInfo, Vec<EntRef>)> = Vec::new();
    let mut last = Antecedents::default();
    let mut known_as: foldhash::HashMap<String, Vec<EntRef>> = foldhash::HashMap::default();
    let mut titles_said: foldhash::HashMap<(String, usize), String> = foldhash::HashMap::default();
    let add = |out: &mut Extraction, r: &EntRef| out.entity(r.class, &r.key, &r.label, &r.surface, r.wikidata.as_deref());
    let analyses: Vec<recognise::Analysis> = scans.into_iter().map(|s| recognise::recognise(text, s, lexicon, &ctx)).collect();
    // Qualified groups anywhere in the document, for a headline's "peacekeepers" that the
    // body later calls "Russian peacekeepers".
    let qualified: Vec<(recognise::GroupInfo, Vec<EntRef>)> = analyses
        .iter()
        .flat_map(|a| a.mentions.iter())
        .filter_map(|m| m.group.as_ref().filter(|g| g.owned).map(|g| (g.clone(), m.alts.clone())))
        .collect();
    // The document's war: its most mentioned undated war event (ties: the first mentioned).
    let main_war: Option<EntRef> = {
        let mut counts: IndexMap<String, (usize, EntRef)> = IndexMap::new();
        for m in analyses.iter().flat_map(|a| a.mentions.iter()) {
            if let (Some(g), Some(r)) = (&m.group, m.alts.first()) {
                if g.role == "war" && r.class == Class::Event {
                    counts.entry(r.key.clone()).or_insert((0, r.clone())).0 += 1;
                }
            }
        }
        counts.into_values().fold(None, |best: Option<(usize, EntRef)>, (n, r)| match best {
            Some((b, _)) if b >= n => best,
            _ => Some((n, r)),
        })
        .map(|(_, r)| EntRef { surface: r.label.clone(), ..r })
    };
    for (index, (sentence, mut a)) in sentences.iter().zip(analyses).enumerate() {
        resolve_groups(&mut a, &mut groups, &qualified, lexicon, last_country.as_ref());
        resolve_pronouns(&mut a, text, index, &mut last, rules);
        resolve_aliases(&mut a, &mut known_as);
        for m in &a.mentions {
            if let Some(r) = m.alts.first() {
                add(&mut out, r);
            }
        }
        let mut found: Vec<Found> = Vec::new();
        // Titled people: "Russian President Vladimir Putin" → title, officialOf.
        for (mi, m) in a.mentions.iter().enumerate() {
            let (Some((t, office, tspan)), Some(person)) = (&m.title, m.alts.first()) else { continue };
            let title = &lexicon.titles[*t];
            if title.kind == lexicon::TitleKind::Honorific {
                continue;
            }
            // The title as the text says it ("chairman", "Defense Secretary"), not the
            // lexicon's canonical name; one run of spaces.
            // A person's title said two ways in one document ("Prime Minister", later "PM") is
            // one title: the first way it was said.
            let said = text.get(tspan.clone()).map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|t| !t.is_empty());
            let said = said.map(|s| titles_said.entry((person.key.clone(), *t)).or_insert(s).clone());
            // "his Turkish counterpart, X": an office (Turkey's), but no title of X's own.
            if title.kind != lexicon::TitleKind::Counterpart {
            found.push(Found {
                subject: person.clone(),
                subject_span: m.span.clone(),
                predicate: "title".into(),
                object: Filler::Value(Value::Text(said.unwrap_or_else(|| title.name.clone()))),
                object_span: tspan.clone(),
                rule: "title/before-name".into(),
                confidence: 0.9,
            });
            }
            let national = rules.setting("national_offices").iter().any(|k| k == title.kind.name());
            // "Parliament Speaker Ararat Mirzoyan": a body named right before the title.
            let body_before = mi.checked_sub(1).and_then(|b| {
                let prev = &a.mentions[b];
                let between = text.get(prev.span.end..tspan.start).unwrap_or("x");
                (between.trim().is_empty()).then(|| prev.alts.iter().find(|r| r.class == Class::Organization).cloned()).flatten()
            });
            let (office, rule, confidence) = match office.clone().or(body_before) {
                Some(o) => (Some(o), "officialOf/title-modifier", 0.9),
                None if national => {
                    // The office of a national title is the country in context: earlier in the
                    // sentence, else the last country the document named.
                    // A possessor ("Azerbaijan's main supporter") is not the country spoken of.
                    let here = a.mentions[..mi]
                        .iter()
                        .rev()
                        .filter(|x| !a.tokens.get(x.tokens.end).is_some_and(|t| t.lower == "'s"))
                        .find_map(|x| x.alts.iter().find(|r| r.class == Class::Country).cloned());
                    match here {
                        Some(c) => (Some(c), "officialOf/title-context-sentence", 0.6),
                        None => (last_country.clone(), "officialOf/title-context-document", 0.5),
                    }
                }
                None => (None, "", 0.0),
            };
            if let Some(o) = office {
                if matches!(o.class, Class::Country | Class::Organization | Class::Place) {
                    found.push(Found {
                        subject: person.clone(),
                        subject_span: m.span.clone(),
                        predicate: "officialOf".into(),
                        object: Filler::Entity(o),
                        object_span: tspan.clone(),
                        rule: rule.into(),
                        confidence,
                    });
                }
            }
        }
        // Groups named by a relation: "supporters of X" support X.
        for m in &a.mentions {
            let (Some((predicate, to, to_span)), Some(group)) = (&m.relation, m.alts.first()) else { continue };
            found.push(Found {
                subject: group.clone(),
                subject_span: m.span.clone(),
                predicate: predicate.clone(),
                object: Filler::Entity(to.clone()),
                object_span: to_span.clone(),
                rule: "group/defined-by-relation".into(),
                confidence: 0.8,
            });
        }
        // Counted groups: "1,960 military personnel", "90 armored personnel carriers".
        let death: &[Vec<String>] = rules.cues.get("die").map(Vec::as_slice).unwrap_or(&[]);
        let kills: &[Vec<String>] = rules.cues.get("kill_verb").map(Vec::as_slice).unwrap_or(&[]);
        for (k, item) in a.items.iter().enumerate() {
            let Item::Mention(mi) = *item else { continue };
            let Some(Value::Integer(n)) = a.mentions[mi].value else { continue };
            let mut j = k + 1;
            // "an 800-strong contingent": the number's "-strong" is part of the count.
            if matches!(a.items.get(j), Some(Item::Token(t)) if a.tokens[*t].lower == "-") && matches!(a.items.get(j + 1), Some(Item::Token(t)) if a.tokens[*t].lower == "strong") {
                j += 2;
            }
            // Modifiers between the number and the group: listed ones, adjectives, and "and"
            // between them ("21 military and civilian personnel", "12 unarmed observers").
            let modifier = |t: usize| {
                a.tokens[t].kind == text::TokenKind::Word
                    && (rules.setting("count_modifiers").contains(&a.tokens[t].lower) || a.tags[t].pos == crate::language::Pos::Adj || a.tokens[t].lower == "and")
            };
            while j < a.items.len() && j <= k + 4 && matches!(a.items[j], Item::Token(t) if modifier(t)) {
                j += 1;
            }
            // "800-strong Bangladeshi contingent": a nationality before the group is the group's.
            if matches!(a.items.get(j), Some(Item::Mention(m)) if a.mentions[*m].tokens.len() == 1 && a.mentions[*m].alts.first().is_some_and(|r| r.class == Class::Country))
                && matches!(a.items.get(j + 1), Some(Item::Mention(m)) if a.mentions[*m].alts.iter().any(|r| r.class == Class::Group))
            {
                j += 1;
            }
            let Some(Item::Mention(gi)) = a.items.get(j) else { continue };
            let Some(group) = a.mentions[*gi].alts.iter().find(|r| r.class == Class::Group) else { continue };
            // Counts are for units and equipment, not for victims or bystanders.
            if a.mentions[*gi].group.as_ref().is_some_and(|g| rules.setting("uncounted_groups").contains(&lexicon.nominals[g.nominal].name)) {
                continue;
            }
            let dies = (j + 1..(j + 8).min(a.items.len())).any(|x| one_word_cue(&a, x, death));
            // "killing two crew members": the number counts the dead, not a unit.
            let killed = k >= 1 && one_word_cue(&a, k - 1, kills);
            if dies || killed || n <= 0 {
                continue;
            }
            found.push(Found {
                subject: group.clone(),
                subject_span: a.mentions[*gi].span.clone(),
                predicate: "count".into(),
                object: Filler::Value(Value::Integer(n)),
                object_span: a.mentions[mi].span.clone(),
                rule: "count/number-before-group".into(),
                confidence: 0.85,
            });
        }
        // "More than 1,400 people have been killed" with no event named: the toll of the
        // document's war (its most mentioned war event), at a lower confidence.
        if let Some(war) = &main_war {
            let people = rules.setting("people_nouns");
            let event_named = a.mentions.iter().any(|m| m.alts.first().is_some_and(|r| r.class == Class::Event));
            for (k, item) in a.items.iter().enumerate() {
                let Item::Mention(mi) = *item else { continue };
                let Some(Value::Integer(n)) = a.mentions[mi].value else { continue };
                let is_people = matches!(a.items.get(k + 1), Some(Item::Token(t)) if people.contains(&a.tokens[*t].lower));
                let dies = (k + 2..(k + 8).min(a.items.len())).any(|x| one_word_cue(&a, x, death));
                if is_people && dies && !event_named && n > 0 {
                    found.push(Found {
                        subject: war.clone(),
                        subject_span: a.mentions[mi].span.clone(),
                        predicate: "deathToll".into(),
                        object: Filler::Value(Value::Integer(n)),
                        object_span: a.mentions[mi].span.clone(),
                        rule: "deathToll/people-killed-in-the-war".into(),
                        confidence: 0.55,
                    });
                }
            }
        }
        // Capitals named as such: "the Armenian capital Yerevan", "the capital, Baku".
        for (k, item) in a.items.iter().enumerate() {
            let Item::Mention(mi) = *item else { continue };
            let m = &a.mentions[mi];
            let (Some(city), Some(country)) = (m.alts.first().filter(|r| r.class == Class::Place), m.alts.get(1).filter(|r| r.class == Class::Country)) else { continue };
            let near = (k.saturating_sub(3)..(k + 5).min(a.items.len())).any(|x| matches!(a.items[x], Item::Token(t) if a.tokens[t].lower == "capital"));
            if near {
                found.push(Found {
                    subject: city.clone(),
                    subject_span: m.span.clone(),
                    predicate: "capitalOf".into(),
                    object: Filler::Entity(country.clone()),
                    object_span: m.span.clone(),
                    rule: "capitalOf/gazetteer-capital".into(),
                    confidence: 0.9,
                });
            }
        }
        found.extend(relate::relate(&a, rules));
        found.extend(frames::apply(&a, rules));

        // Reported speech: who said it.
        let reporting = rules.setting("reporting");
        let mut speaker: Option<EntRef> = None;
        for (k, item) in a.items.iter().enumerate() {
            let Item::Token(t) = *item else { continue };
            if !reporting.contains(&a.tokens[t].lower) {
                continue;
            }
            let near = [k.checked_sub(1), Some(k + 1), Some(k + 2)];
            for x in near.into_iter().flatten() {
                if let Some(Item::Mention(mi)) = a.items.get(x) {
                    if let Some(r) = a.mentions[*mi].alts.iter().find(|r| matches!(r.class, Class::Person | Class::Organization | Class::Country)) {
                        speaker = Some(r.clone());
                        break;
                    }
                }
            }
            if speaker.is_some() {
                break;
            }
        }
        let speaker_index = speaker.as_ref().map(|r| add(&mut out, r));

        if let Some(w) = explain.as_deref_mut() {
            let _ = writeln!(w, "\n[{}..{}] {}", sentence.span.start, sentence.span.end, &text[sentence.span.clone()]);
            for m in &a.mentions {
                let what = match (&m.value, m.alts.first(), m.unknown_name) {
                    (Some(v), _, _) => format!("value {v:?}"),
                    (_, Some(_), _) => m.alts.iter().map(|r| format!("{} {:?} <{}>", r.class.name(), r.label, r.key)).collect::<Vec<_>>().join(" | "),
                    (_, None, true) => "unknown name".into(),
                    _ => "?".into(),
                };
                let _ = writeln!(w, "  mention {:?} → {what}", &text[m.span.clone()]);
            }
            for line in frames::explain(&a, text) {
                let _ = writeln!(w, "  {line}");
            }
            if let Some(s) = &speaker {
                let _ = writeln!(w, "  speaker → {}", s.label);
            }
            for f in &found {
                let o = match &f.object {
                    Filler::Entity(r) => r.label.clone(),
                    Filler::Value(v) => format!("{v:?}"),
                };
                let _ = writeln!(w, "  {} {} {}   [{} {:.2}]", f.subject.label, f.predicate, o, f.rule, f.confidence);
            }
        }

        for f in found {
            let subject = add(&mut out, &f.subject);
            let object = match &f.object {
                Filler::Entity(r) => Value::Entity(add(&mut out, r)),
                Filler::Value(v) => v.clone(),
            };
            out.statements.push(Statement {
                subject,
                predicate: f.predicate,
                object,
                evidence: Evidence {
                    sentence: sentence.span.clone(),
                    subject: f.subject_span,
                    object: f.object_span,
                    rule: f.rule,
                    confidence: f.confidence,
                    speaker: speaker_index.filter(|&s| s != subject),
                },
            });
        }
        if let Some(c) = a.mentions.iter().rev().find_map(|m| m.alts.iter().find(|r| r.class == Class::Country)) {
            last_country = Some(c.clone());
        }
    }
    keep_one_office(&mut out);
    keep_best_evidence(&mut out);
    drop_implied(&mut out);
    out
}

/// Whether item `x` is a plain token that is a one-word phrase of a cue list ("killed").
fn one_word_cue(a: &recognise::Analysis, x: usize, phrases: &[Vec<String>]) -> bool {
    matches!(a.items.get(x), Some(recognise::Item::Token(t)) if phrases.iter().any(|ph| ph.len() == 1 && a.token_is_word(*t, &ph[0])))
}

/// "Juba, the capital of South Sudan": the sentence states capitalOf, which implies locatedIn;
/// the weaker reading of the same pair from the same sentence is dropped.
fn drop_implied(out: &mut Extraction) {
    let capitals: BTreeSet<(usize, Value, usize)> = out
        .statements
        .iter()
        .filter(|s| s.predicate == "capitalOf")
        .map(|s| (s.subject, s.object.clone(), s.evidence.sentence.start))
        .collect();
    out.statements.retain(|s| s.predicate != "locatedIn" || !capitals.contains(&(s.subject, s.object.clone(), s.evidence.sentence.start)));
}

/// Several patterns of one rule (or several rules) may state the same fact from the same
/// sentence: keep one piece of evidence per fact and sentence, the most confident (the
/// first such in rule order on ties, so the choice is stable).
fn keep_best_evidence(out: &mut Extraction) {
    let mut best: foldhash::HashMap<(usize, String, Value, usize), usize> = foldhash::HashMap::default();
    for (k, s) in out.statements.iter().enumerate() {
        let key = (s.subject, s.predicate.clone(), s.object.clone(), s.evidence.sentence.start);
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
    let guessed = |s: &Statement| s.predicate == "officialOf" && s.evidence.rule.starts_with("officialOf/title-context");
    let stated: BTreeSet<usize> = out.statements.iter().filter(|s| s.predicate == "officialOf" && !guessed(s)).map(|s| s.subject).collect();
    let mut first_guess: BTreeSet<usize> = BTreeSet::new();
    let mut keep_guess: Vec<Option<Value>> = vec![None; out.entities.len()];
    for s in out.statements.iter().filter(|s| guessed(s) && !stated.contains(&s.subject)) {
        if first_guess.insert(s.subject) {
            keep_guess[s.subject] = Some(s.object.clone());
        }
    }
    out.statements.retain(|s| !guessed(s) || keep_guess[s.subject].as_ref() == Some(&s.object));
}
