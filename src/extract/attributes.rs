//! A sentence's mentions → the statements a mention makes by itself: a titled person's title
//! and office, a group's defining relation ("supporters of X"), counted groups, the toll of the
//! document's war, capitals named as such.

use super::analysis::{Analysis, Class, EntRef, Filler, Found, Item, NounRole, Predicate, Value};
use super::lexicon::{self, Lexicon};
use super::rules::Setting;
use crate::language::text;

/// The rule of a title that is a military rank, which gives way to an office
/// ([`super::keep_one_title`]).
pub(crate) const RANK_RULE: &str = "title/rank";

/// The document's war: its most mentioned undated war event (ties: the first mentioned), the
/// event a toll without one is counted for.
pub(crate) fn main_war(analyses: &[Analysis]) -> Option<EntRef> {
    let mut counts: indexmap::IndexMap<String, (usize, EntRef)> = indexmap::IndexMap::new();
    for m in analyses.iter().flat_map(|a| a.mentions.iter()) {
        if let (Some(g), Some(r)) = (&m.group, m.alts.first()) {
            if g.role == NounRole::War && r.class == Class::Event {
                counts.entry(r.key.to_string()).or_insert((0, r.clone())).0 += 1;
            }
        }
    }
    counts
        .into_values()
        .fold(None, |best: Option<(usize, EntRef)>, (n, r)| match best {
            Some((b, _)) if b >= n => best,
            _ => Some((n, r)),
        })
        .map(|(_, r)| EntRef { surface: r.label.to_string(), ..r })
}

/// The statements the mentions of sentence `a` make by themselves. `last_country` is the last
/// country the document named before this sentence, `main_war` the document's war, and
/// `titles_said` how each person's titles were first said in the document.
pub(crate) fn attributes(
    a: &Analysis,
    text: &str,
    lexicon: &Lexicon,
    date: Option<chrono::NaiveDate>,
    last_country: &Option<EntRef>,
    salient_country: Option<&EntRef>,
    main_war: &Option<EntRef>,
    titles_said: &mut foldhash::HashMap<(String, usize), String>,
) -> Vec<Found> {
    let rules = &lexicon.rules;
    let mut found: Vec<Found> = Vec::new();
    // Titled people: "Russian President Vladimir Putin" → title, officialOf.
    for (mi, m, (t, office, tspan)) in a.mentions.iter().enumerate().flat_map(|(mi, m)| m.title.iter().chain(m.also_title.iter()).map(move |x| (mi, m, x))) {
        let Some(person) = m.alts.first() else { continue };
        let title = &lexicon.titles[*t];
        if title.kind == lexicon::TitleKind::Honorific {
            continue;
        }
        // A religious title beside an office is no title of its own: "Iran's religious leader
        // Ayatollah X" holds one title, said two ways.
        let offices = m.title.iter().chain(m.also_title.iter()).filter(|(o, _, _)| lexicon.titles[*o].kind != lexicon::TitleKind::Religious).count();
        if title.kind == lexicon::TitleKind::Religious && offices > 0 {
            continue;
        }
        // The title as the text says it ("chairman", "Defense Secretary"), not the
        // lexicon's canonical name; one run of spaces.
        // A person's title said two ways in one document ("Prime Minister", later "PM") is
        // one title: the first way it was said.
        let said = text.get(tspan.clone()).map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|t| !t.is_empty());
        let said = said.map(|s| titles_said.entry((person.key.to_string(), *t)).or_insert(s).clone());
        // "his Turkish counterpart, X": an office (Turkey's), but no title of X's own.
        if title.kind != lexicon::TitleKind::Counterpart {
            // A rank is the person's title only where the document gives no office
            // ([`super::keep_one_title`]): its own rule says which it is.
            let rule = if title.kind == lexicon::TitleKind::Rank { RANK_RULE } else { "title/before-name" };
            found.push(Found {
                subject: person.clone(),
                subject_span: m.span.clone(),
                predicate: Predicate::Title,
                object: Filler::Value(Value::Text(said.unwrap_or_else(|| title.name.clone()))),
                object_span: tspan.clone(),
                rule: rule.into(),
                confidence: 0.9,
            });
        }
        let national = rules.setting(Setting::NationalOffices).iter().any(|k| k == title.kind.name());
        // "Parliament Speaker Ararat Mirzoyan": a body named right before the title.
        let body_before = mi.checked_sub(1).and_then(|b| {
            let prev = &a.mentions[b];
            let between = text.get(prev.span.end..tspan.start).unwrap_or("x");
            // A named body ("Parliament Speaker"), not a common noun ("military spokesman").
            (between.trim().is_empty() && !super::rules::transparent(prev)).then(|| prev.alts.iter().find(|r| r.class == Class::Organization).cloned()).flatten()
        });
        // "The rebel Kurdistan Workers' Party … its leader Abdullah Ocalan": a possessive
        // pronoun before the title is the sentence's subject, the first organisation (or state)
        // it names — not the nearest ("… demanding that the Turkish government …").
        let possessed = (m.tokens.start > 0 && matches!(a.tokens[m.tokens.start - 1].lower.as_str(), "its" | "their"))
            .then(|| a.mentions[..mi].iter().find_map(|x| x.alts.iter().find(|r| matches!(r.class, Class::Organization | Class::Country)).cloned()))
            .flatten();
        // A person of the actor lists holds the office their dated role gives at the
        // document's date ("President Joe Biden" in 2024: the United States), or none then.
        use lexicon::TitleKind as K;
        let civil = !matches!(title.kind, K::Military | K::Rank | K::Honorific | K::Religious | K::Expert | K::Media | K::Counterpart | K::Local | K::Party | K::Legislative);
        let known = date.filter(|_| civil).and_then(|d| lexicon.office_at(&person.label, d).or_else(|| lexicon.office_at(&person.surface, d)));
        let (office, rule, confidence) = match office.clone().or(body_before).or(possessed) {
            Some(o) => (Some(o), "officialOf/title-modifier", 0.9),
            None if known.is_some() => match known {
                Some(lexicon::Office::Country(c)) => {
                    let r = lexicon.country_names(c).entity(Class::Country, &lexicon.countries[c].name);
                    (Some(r), "officialOf/known-role", 0.7)
                }
                Some(lexicon::Office::Org(o)) => {
                    let names = lexicon.org_names(o);
                    let r = names.entity(Class::Organization, &names.label);
                    (Some(r), "officialOf/known-role", 0.7)
                }
                _ => (None, "", 0.0),
            },
            // An official named as an object or a possessor ("met with President X", "welcomed
            // President X's statement") is another country's, as often as not: no guess.
            // Nor one whose government it is ("between the government of President X and the
            // rebels"): the government's state is not said there, whoever else is.
            None if national && !governed(a, m.tokens.start, false) && !heads_body(a, m.tokens.start, lexicon) && !a.tokens.get(m.tokens.end).is_some_and(|t| t.lower == "'s") => {
                // The office of a national title is the country in context: earlier in the
                // sentence, else the last country the document named.
                // A possessor ("Azerbaijan's main supporter") is not the country spoken of, nor
                // is a country inside a prepositional phrase ("troops to a force in Liberia,
                // Defence Minister X said"): what is done there is done by someone else.
                // A reported speaker ("…, Defence Minister X said") speaks for the country that
                // acts, never for one named in a prepositional phrase.
                let speaker = m.tokens.end < a.tokens.len() && rules.setting(Setting::Reporting).iter().any(|w| a.token_is_word(m.tokens.end, w));
                let candidates = || a.mentions[..mi].iter().rev().filter(|x| !a.tokens.get(x.tokens.end).is_some_and(|t| t.lower == "'s"));
                let country = |x: &crate::extract::analysis::Mention| x.alts.iter().find(|r| r.class == Class::Country).cloned();
                let here = candidates()
                    .filter(|x| !governed(a, x.tokens.start, true))
                    .find_map(country)
                    .or_else(|| if speaker { None } else { candidates().find_map(country) });
                match here {
                    Some(c) => (Some(c), "officialOf/title-context-sentence", 0.6),
                    // From the document only when the country it last spoke of is the one it is
                    // about (named most): "President-elect Donald Trump" after a sentence about
                    // Qatar in a story about Israel is no guess.
                    None => (last_country.clone().filter(|c| salient_country.is_none_or(|s| s.key == c.key)), "officialOf/title-context-document", 0.5),
                }
            }
            None => (None, "", 0.0),
        };
        // A cleric holds no office of the state ("Iraq's top Shiite cleric, Grand Ayatollah X").
        let office = office.filter(|o| !(title.kind == lexicon::TitleKind::Religious && o.class == Class::Country));
        if let Some(o) = office {
            if matches!(o.class, Class::Country | Class::Organization | Class::Place) {
                found.push(Found {
                    subject: person.clone(),
                    subject_span: m.span.clone(),
                    predicate: Predicate::OfficialOf,
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
    for (k, item) in a.items.iter().enumerate() {
        let Item::Mention(mi) = *item else { continue };
        let Some(Value::Integer(n)) = a.mentions[mi].value else { continue };
        let mut j = k + 1;
        // "an 800-strong contingent": the number's "-strong" is part of the count.
        if matches!(a.items.get(j), Some(Item::Token(t)) if a.tokens[*t].lower == "-")
            && matches!(a.items.get(j + 1), Some(Item::Token(t)) if lexicon.language.is_size_suffix(&a.tokens[*t].lower))
        {
            j += 2;
        }
        // Modifiers between the number and the group: listed ones, adjectives, and "and"
        // between them ("21 military and civilian personnel", "12 unarmed observers").
        let modifier = |t: usize| {
            a.tokens[t].kind == text::TokenKind::Word
                && (rules.setting(Setting::CountModifiers).contains(&a.tokens[t].lower) || a.tags[t].pos == crate::language::Pos::Adj || a.tokens[t].lower == "and")
        };
        while j < a.items.len() && j <= k + 4 && matches!(a.items[j], Item::Token(t) if modifier(t)) {
            j += 1;
        }
        // "800-strong Bangladeshi contingent", "25,000 Rohingya refugees": a nationality or a
        // people's name no list knows before the group is the group's.
        if matches!(a.items.get(j), Some(Item::Mention(m)) if a.mentions[*m].tokens.len() == 1 && (a.mentions[*m].alts.first().is_some_and(|r| r.class == Class::Country) || a.mentions[*m].unknown_name))
            && matches!(a.items.get(j + 1), Some(Item::Mention(m)) if a.mentions[*m].alts.iter().any(|r| r.class == Class::Group))
        {
            j += 1;
        }
        let Some(Item::Mention(gi)) = a.items.get(j) else { continue };
        let Some(group) = a.mentions[*gi].alts.iter().find(|r| r.class == Class::Group) else { continue };
        // "one activist group", "two militia commanders": the group noun modifies the head
        // that follows, which the number counts.
        if matches!(a.items.get(j + 1), Some(Item::Token(t)) if a.tags[*t].pos == crate::language::Pos::Noun) {
            continue;
        }
        // Counts are for units and equipment, not for victims or bystanders.
        let uncounted = rules.setting(Setting::UncountedGroups);
        if a.mentions[*gi].group.as_ref().is_some_and(|g| uncounted.contains(&lexicon.nominals[g.nominal].name)) {
            continue;
        }
        let dies = (j + 1..(j + 8).min(a.items.len())).any(|x| one_word_cue(&a, x, death));
        // "killing two crew members": the number counts the dead, not a unit.
        let killed = (1..=3).any(|len| k >= len && rules.cue_at("kill_verb", a, k - len) == Some(len));
        // A group of one is no group: "one opposition party", "one activist"; and "the two
        // men", "their three leaders" refer back to people named before, no new group.
        let definite = a.mentions[mi].tokens.start.checked_sub(1).is_some_and(|t| {
            use crate::language::{Closed, Pos};
            matches!(a.tags[t].pos, Pos::Closed(Closed::Det | Closed::Possessive)) && !matches!(a.tokens[t].lower.as_str(), "a" | "an") || a.tokens[t].lower == "both"
        });
        if dies || killed || n <= 1 || definite && n <= 10 {
            continue;
        }
        // "The mission, which numbered 14,000 troops", "a force meant to number 6,000 troops":
        // the force the verb gives the size of is counted.
        let (group, group_span) = match sized_force(&a, lexicon, k) {
            Some((r, span)) => (r, span),
            None => (group, a.mentions[*gi].span.clone()),
        };
        found.push(Found {
            subject: group.clone(),
            subject_span: group_span,
            predicate: Predicate::Count,
            object: Filler::Value(Value::Integer(n)),
            object_span: a.mentions[mi].span.clone(),
            rule: "count/number-before-group".into(),
            confidence: 0.85,
        });
    }
    // "More than 1,400 people have been killed" with no event named: the toll of the
    // document's war (its most mentioned war event), at a lower confidence.
    if let Some(war) = &main_war {
        let people = rules.setting(Setting::PeopleNouns);
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
                    predicate: Predicate::DeathToll,
                    object: Filler::Value(Value::Integer(n)),
                    object_span: a.mentions[mi].span.clone(),
                    rule: "deathToll/people-killed-in-the-war".into(),
                    confidence: 0.55,
                });
            }
        }
    }
    // A date or a year right before an event or agreement noun dates it: "the 1967 war", "the
    // October 7 attack", "the 2015 peace accord".
    for (k, item) in a.items.iter().enumerate().skip(1) {
        let (Item::Mention(ei), Item::Mention(di)) = (*item, a.items[k - 1]) else { continue };
        let Some(event) = a.mentions[ei].alts.first().filter(|r| matches!(r.class, Class::Event | Class::Agreement)) else { continue };
        let value = match &a.mentions[di].value {
            Some(v @ (Value::Date(_) | Value::Year(_))) => v.clone(),
            Some(Value::Integer(y)) if (1800..=2100).contains(y) && a.mentions[di].tokens.len() == 1 => Value::Year(*y as i32),
            _ => continue,
        };
        found.push(Found {
            subject: event.clone(),
            subject_span: a.mentions[ei].span.clone(),
            predicate: Predicate::Date,
            object: Filler::Value(value),
            object_span: a.mentions[di].span.clone(),
            rule: "date/before-noun".into(),
            confidence: 0.8,
        });
    }
    // A day after an event noun, past the place it happened in, dates it when the phrase is
    // the subject of the clause's verb: "Clashes in Tripoli on Sunday killed 12 people", "An
    // attack on Friday wounded three". (As an object the day may be the main verb's: "X
    // condemned the strike on Friday".)
    for (k, item) in a.items.iter().enumerate() {
        let Item::Mention(ei) = *item else { continue };
        let Some(event) = a.mentions[ei].alts.first().filter(|r| r.class == Class::Event) else { continue };
        let mut j = k + 1;
        if matches!(a.word(j), "in" | "near" | "at" | "around") && matches!(a.items.get(j + 1), Some(Item::Mention(p)) if a.mentions[*p].alts.first().is_some_and(|r| matches!(r.class, Class::Place | Class::Country))) {
            j += 2;
        }
        let Some(Item::Mention(di)) = a.items.get(j + 1) else { continue };
        let Some(value @ Value::Date(_)) = &a.mentions[*di].value else { continue };
        let verb_next = matches!(a.items.get(j + 2), Some(Item::Token(t)) if a.tags[*t].pos == crate::language::Pos::Verb);
        if a.word(j) != "on" || !verb_next {
            continue;
        }
        found.push(Found {
            subject: event.clone(),
            subject_span: a.mentions[ei].span.clone(),
            predicate: Predicate::Date,
            object: Filler::Value(value.clone()),
            object_span: a.mentions[*di].span.clone(),
            rule: "date/after-noun".into(),
            confidence: 0.7,
        });
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
                predicate: Predicate::CapitalOf,
                object: Filler::Entity(country.clone()),
                object_span: m.span.clone(),
                rule: "capitalOf/gazetteer-capital".into(),
                confidence: 0.9,
            });
        }
    }
    found
}

/// Whether the mention starting at token `t` is the "of" complement of a state body's noun:
/// "the government of President X", "the regime of Y" (`state_bodies`).
fn heads_body(a: &Analysis, t: usize, lexicon: &Lexicon) -> bool {
    t >= 2 && a.tokens[t - 1].lower == "of" && lexicon.rules.setting(Setting::StateBodies).iter().any(|b| *b == a.tokens[t - 2].lower)
}

/// Whether the noun phrase starting at token `t` is a preposition's object: a preposition
/// before it, past a determiner or an adjective ("in Liberia", "with the Ethiopian army");
/// "of" counts only with `genitive` ("the resignation of Prime Minister X" is still about X).
pub(crate) fn governed(a: &Analysis, t: usize, genitive: bool) -> bool {
    use crate::language::{Closed, Pos};
    let mut k = t;
    // Past determiners and modifiers, a participle too ("into neighbouring Chad").
    while k > 0 && (matches!(a.tags[k - 1].pos, Pos::Closed(Closed::Det) | Pos::Adj) || a.tags[k - 1].pos == Pos::Verb && a.tags[k - 1].form == Some(crate::language::Form::Gerund) && k >= 2 && matches!(a.tags[k - 2].pos, Pos::Closed(Closed::Preposition | Closed::Det))) {
        k -= 1;
    }
    k > 0 && matches!(a.tags[k - 1].pos, Pos::Closed(Closed::Preposition | Closed::To)) && (genitive || a.tokens[k - 1].lower != "of")
}

/// The force whose size a verb before the number at item `k` gives ("the force, which had
/// grown to 5,000", "a mission that numbered 14,000", "a force meant to number 6,000"): the
/// mention of an armed group or organisation that is the verb's subject, if there is one.
fn sized_force<'a>(a: &'a Analysis, lexicon: &Lexicon, k: usize) -> Option<(&'a EntRef, std::ops::Range<usize>)> {
    use crate::language::{Closed, Pos};
    let rules = &lexicon.rules;
    let len = (1..=2).find(|&len| k >= len && rules.cue_at("size_verb", a, k - len) == Some(len))?;
    let mut q = k - len;
    // Left over the verb's auxiliaries and adverbs, a purpose ("meant to", "expected to"), a
    // relative pronoun and its comma.
    while q > 0 {
        match a.items[q - 1] {
            Item::Token(t) if matches!(a.tags[t].pos, Pos::Adv | Pos::Closed(Closed::Be | Closed::Have | Closed::Modal | Closed::To | Closed::Relative)) => q -= 1,
            Item::Token(t) if a.tags[t].pos == Pos::Verb && a.tags[t].form == Some(crate::language::Form::Past) && matches!(a.items.get(q), Some(Item::Token(n)) if a.tokens[*n].lower == "to") => q -= 1,
            Item::Token(t) if a.tokens[t].lower == "," => q -= 1,
            _ => break,
        }
    }
    let f = q.checked_sub(1)?;
    let Item::Mention(m) = a.items[f] else { return None };
    let m = &a.mentions[m];
    // An armed group ("the African Union force" is the AU's troops, not the AU), else an
    // organisation named by its name ("MONUSCO, which numbers 14,000 troops").
    let armed = m.group.as_ref().is_some_and(|g| matches!(g.role, NounRole::Armed | NounRole::Peacekeeping));
    let force = m.alts.iter().find(|r| r.class == Class::Group && armed).or_else(|| m.alts.first().filter(|r| r.class == Class::Organization && m.group.is_none()));
    force.map(|r| (r, m.span.clone()))
}

/// Whether item `x` is a plain token that is a one-word phrase of a cue list ("killed").
pub(crate) fn one_word_cue(a: &Analysis, x: usize, phrases: &[Vec<String>]) -> bool {
    matches!(a.items.get(x), Some(Item::Token(t)) if phrases.iter().any(|ph| ph.len() == 1 && a.token_is_word(*t, &ph[0])))
}
