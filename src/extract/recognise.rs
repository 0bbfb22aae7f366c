//! Sentence text → mentions: lexicon names (countries, demonyms, places, organisations),
//! titled people, organisations by suffix, national bodies ("Russian Defence Ministry"),
//! groups ("Russian peacekeepers"), agreements, events, numbers and dates; each mention with
//! its alternative readings for metonymy.

use std::ops::Range;

use crate::language::dates::{find_dates, DateValue};
pub use super::analysis::{AgreementInfo, Analysis, EntRef, GroupInfo, Item, Mention, PROVISIONAL};
use super::lexicon::{Hit, Lexicon, TitleKind};
use super::rules::Setting;
pub use super::scan::{scan, Scan};
use crate::language::numbers::number_at;
use super::resolve::DocContext;
use crate::language::text::{fold, is_capitalised, slug, Token, TokenKind};
use super::{Class, Value};
use super::analysis::{Name, NounRole, Predicate};


impl Analysis {
    /// The byte span of an item.
    pub fn item_span(&self, i: usize) -> Range<usize> {
        match self.items[i] {
            Item::Token(t) => self.tokens[t].span.clone(),
            Item::Mention(m) => self.mentions[m].span.clone(),
        }
    }
}



/// Recognises the mentions of a scanned sentence.
pub fn recognise(text: &str, scan: Scan<'_>, lex: &Lexicon, ctx: &DocContext) -> Analysis {
    let Scan { sentence, tokens, tags, readings, hits_at, .. } = scan;
    let s = &text[sentence.clone()];
    let n = tokens.len();
    let start_of = |b: usize| tokens.binary_search_by_key(&b, |t| t.span.start).ok();
    let end_of = |b: usize| tokens.binary_search_by_key(&b, |t| t.span.end).ok();
    // A sentence that looks forward ("will take effect", "starting Saturday", "is to meet")
    // puts a weekday ahead of the document's date, else before it. A phrase of the list is
    // matched word by word.
    let future = lex.rules.setting(Setting::Future).iter().any(|p| {
        let first = p.split_whitespace().next().unwrap_or("");
        (0..tokens.len()).any(|i| tokens[i].lower == first && p.split_whitespace().enumerate().all(|(k, x)| tokens.get(i + k).is_some_and(|t| t.lower == x)))
    });
    let mut dates_at: Vec<Option<(usize, DateValue)>> = vec![None; n];
    for (r, d) in find_dates(s, ctx.date, future) {
        if let (Some(a), Some(b)) = (start_of(r.start + sentence.start), end_of(r.end + sentence.start)) {
            dates_at[a] = Some((b + 1, d));
        }
    }

    let mut a = Analysis { sentence: sentence.clone(), tokens, tags, readings, ..Analysis::default() };
    let mut i = 0;
    while i < n {
        if let Some((end, d)) = dates_at[i] {
            let value = match d {
                DateValue::Day(d) => Value::Date(d),
                DateValue::Year(y) => Value::Year(y),
            };
            push(&mut a, text, i..end, vec![], Some(value), false, None);
            i = end;
            continue;
        }
        if let Some(num) = number_at(&a.tokens, i, &lex.language) {
            push(&mut a, text, i..num.end, vec![], Some(Value::Integer(num.value)), false, None);
            i = num.end;
            continue;
        }
        if let Some((end, m)) = composite(&a.tokens, &hits_at, i, lex, ctx, text) {
            let mention = m;
            // "anti-ship missiles", "anti-tank weapons": what the compound is against is no group
            // of the sentence.
            let joined = |x: usize, y: usize| a.tokens[x].span.end == a.tokens[y].span.start;
            if i >= 2
                && a.tokens[i - 1].lower == "-"
                && joined(i - 2, i - 1)
                && joined(i - 1, i)
                && lex.rules.setting(Setting::AgainstPrefixes).contains(&a.tokens[i - 2].lower)
                && mention.alts.first().is_some_and(|r| r.class == Class::Group)
            {
                a.items.push(Item::Token(i));
                i += 1;
                continue;
            }
            // "ethnic Armenian forces": the modifier the group was named with is part of it.
            let mut start = i;
            if start > 0
                && a.items.last() == Some(&Item::Token(start - 1))
                && mention.alts.first().is_some_and(|r| r.class == Class::Group && r.label.starts_with(&format!("{} ", a.tokens[start - 1].lower)))
            {
                a.items.pop();
                start -= 1;
            }
            // "Rapid Support Forces (RSF)": the defined acronym is part of the mention.
            let mut end = end;
            if a.tokens.get(end).is_some_and(|t| t.lower == "(")
                && a.tokens.get(end + 2).is_some_and(|t| t.lower == ")")
                && a.tokens.get(end + 1).is_some_and(|t| {
                    let w = &text[t.span.clone()];
                    (2..=8).contains(&w.len()) && w.chars().all(|c| c.is_ascii_uppercase() || c == '-')
                })
            {
                end += 3;
            }
            let id = a.mentions.len();
            let span = a.tokens[start].span.start..a.tokens[end - 1].span.end;
            let mut mention = mention;
            if mention.agreement.is_some() {
                for r in mention.alts.iter_mut().filter(|r| r.class == Class::Agreement && r.key.is_empty()) {
                    r.key = format!("{PROVISIONAL}{}", span.start).into();
                }
            }
            a.mentions.push(Mention { tokens: start..end, surface: text[span.clone()].to_owned(), span, ..mention });
            a.items.push(Item::Mention(id));
            i = end;
            continue;
        }
        a.items.push(Item::Token(i));
        i += 1;
    }
    compound_sites(&mut a, text);
    relational_groups(&mut a, text, lex);
    counted_people(&mut a, text, lex);
    // Verb groups outside names and entity nouns: "Support" in "Rapid Support Forces" and
    // "troops" in "Government troops" are no verbs (event nouns may be: "shelling").
    // Inside an event noun only a verb with an auxiliary is one ("is shelling", not "the war").
    let mut in_name = vec![false; a.tokens.len()];
    let mut in_event = vec![false; a.tokens.len()];
    for m in &a.mentions {
        let event = m.alts.first().is_some_and(|r| r.class == Class::Event);
        if !super::rules::transparent(m) || m.alts.first().is_some_and(|r| r.class != Class::Event) {
            in_name[m.tokens.clone()].iter_mut().for_each(|x| *x = true);
        }
        if event {
            in_event[m.tokens.clone()].iter_mut().for_each(|x| *x = true);
        }
    }
    a.groups = crate::language::verb_groups(&a.tokens, &a.tags)
        .into_iter()
        .filter(|g| !in_name[g.head] && !(in_event[g.head] && g.tokens.start == g.head))
        .collect();
    a
}

/// Sites named with the body or group they serve: "the army headquarters", "a police
/// station", "the party headquarters". A common-noun organisation or group right before a
/// building noun is part of the place's name (the place, not the army, is what was stormed).
fn compound_sites(a: &mut Analysis, text: &str) {
    let site = |m: &Mention| m.group.as_ref().is_some_and(|g| g.role == NounRole::Building) && super::rules::transparent(m) && m.alts.first().is_some_and(|r| r.class == Class::Place);
    let body = |m: &Mention| super::rules::transparent(m) && m.alts.first().is_some_and(|r| matches!(r.class, Class::Organization | Class::Group)) && m.agreement.is_none();
    let mut k = 0;
    let mut changed = false;
    while k + 1 < a.items.len() {
        if let (Item::Mention(b), Item::Mention(s)) = (a.items[k], a.items[k + 1]) {
            if body(&a.mentions[b]) && site(&a.mentions[s]) && a.mentions[b].span.end < a.mentions[s].span.start {
                let span = a.mentions[b].span.start..a.mentions[s].span.end;
                let surface = text[span.clone()].to_owned();
                let label = surface.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
                let r = EntRef { class: Class::Place, key: slug(&label).into(), label: label.into(), wikidata: None, surface: surface.clone() };
                let id = a.mentions.len();
                let group = a.mentions[s].group.clone();
                a.mentions.push(Mention { group, ..Mention::new(a.mentions[b].tokens.start..a.mentions[s].tokens.end, span, surface, vec![r]) });
                a.items.splice(k..=k + 1, [Item::Mention(id)]);
                changed = true;
            }
        }
        k += 1;
    }
    if changed {
        a.sort_mentions();
    }
}

/// Groups named by their relation to someone: "supporters of Imran Khan", "fighters loyal to
/// Khalifa Haftar", "gunmen allied with Viv Ansanm". The noun for people (a plural person
/// noun, or a group noun) and the phrase become one Group mention, labelled by the noun and
/// carrying the relation (`relation_nouns`, `relation_phrases` in relations.toml), so that
/// the group, not the one it relates to, is what acts.
fn relational_groups(a: &mut Analysis, text: &str, lex: &Lexicon) {
    let nouns = lex.rules.setting(Setting::RelationNouns);
    let phrases = lex.rules.setting(Setting::RelationPhrases);
    // Only where a relation word follows the noun ("of", "loyal", "allied", …).
    let firsts: Vec<&str> = phrases.iter().filter_map(|p| p.split_whitespace().next()).chain(std::iter::once("of")).collect();
    let mut k = 0;
    while k + 2 < a.items.len() {
        if !firsts.contains(&a.word(k + 1)) {
            k += 1;
            continue;
        }
        // The head: a plain plural noun for people, or a group noun no one owns.
        // A plain noun for people, or a group noun for people who are no force ("residents").
        let plain = matches!(a.items[k], Item::Token(_))
            || matches!(a.items[k], Item::Mention(m) if a.mentions[m].unknown_name || a.mentions[m].group.as_ref().is_some_and(|g| !g.owned && matches!(g.role, NounRole::Civilian | NounRole::Protest)));
        let (head_tokens, head_noun) = match a.items[k] {
            Item::Token(t) => match lex.language.person_noun(&a.tokens[t].lower) {
                Some((noun, true)) => (t..t + 1, noun),
                _ => {
                    k += 1;
                    continue;
                }
            },
            Item::Mention(m) => match &a.mentions[m].group {
                Some(g) if !g.owned && a.mentions[m].alts.first().is_some_and(|r| r.class == Class::Group) => (a.mentions[m].tokens.clone(), lex.nominals[g.nominal].name.clone()),
                // "Supporters of X …" opening a sentence reads as a capitalised name.
                _ if a.mentions[m].unknown_name && a.mentions[m].tokens.len() == 1 => match lex.language.person_noun(&a.tokens[a.mentions[m].tokens.start].lower) {
                    Some((noun, true)) => (a.mentions[m].tokens.clone(), noun),
                    _ => {
                        k += 1;
                        continue;
                    }
                },
                _ => {
                    k += 1;
                    continue;
                }
            },
        };
        // "of X" after a relation noun; "loyal to X", "allied with X" after any.
        let mut relation = None;
        let mut target = k + 1;
        if a.word(k + 1) == "of" {
            // The predicates of these settings were checked against the contract when loaded.
            relation = nouns.iter().find_map(|p| p.split_once('>').filter(|(n, _)| *n == head_noun).and_then(|(_, pred)| Predicate::named(pred)));
            target = k + 2;
        } else {
            for p in phrases {
                let Some((phrase, pred)) = p.split_once('>') else { continue };
                let words: Vec<&str> = phrase.split_whitespace().collect();
                if words.iter().enumerate().all(|(i, w)| a.word(k + 1 + i) == *w) {
                    relation = Predicate::named(pred);
                    target = k + 1 + words.len();
                    break;
                }
            }
        }
        // "Relatives of the hostages", "residents of Gaza": a plain noun for people heads its
        // phrase and is who acts, with no relation to state; "leaders of X", "members of X"
        // act for X (`acts_for_nouns`).
        let bare = relation.is_none() && a.word(k + 1) == "of" && plain && !lex.rules.setting(Setting::ActsForNouns).contains(&head_noun);
        if relation.is_none() && !bare {
            k += 1;
            continue;
        }
        // Past "the", "former", "detained": the one related to.
        while a.word(target) == "the"
            || matches!(a.items.get(target), Some(Item::Token(t)) if a.tags[*t].pos == crate::language::Pos::Adj || a.tags[*t].pos == crate::language::Pos::Verb && a.tags[*t].form == Some(crate::language::Form::Past))
        {
            target += 1;
        }
        let Some(Item::Mention(tm)) = a.items.get(target).copied() else {
            k += 1;
            continue;
        };
        // A name no list knows after "supporters of" is a person's or a party's: a person.
        let named = &a.mentions[tm];
        let to = if named.unknown_name { Some(EntRef::unknown(Class::Person, &named.surface)) } else { named.alts.first().cloned() };
        let Some(to) = to.filter(|r| (bare || r.class != Class::Place) && named.value.is_none()) else {
            k += 1;
            continue;
        };
        let head_span = a.tokens[head_tokens.start].span.start..a.tokens[head_tokens.end - 1].span.end;
        let span = head_span.start..a.mentions[tm].span.end;
        let full = text[span.clone()].split_whitespace().collect::<Vec<_>>().join(" ");
        let group = EntRef { class: Class::Group, key: slug(&full).into(), label: text[head_span].to_lowercase().into(), wikidata: None, surface: full };
        let id = a.mentions.len();
        let relation = relation.map(|predicate| (predicate, to, a.mentions[tm].span.clone()));
        let tokens = head_tokens.start..a.mentions[tm].tokens.end;
        a.mentions.push(Mention { relation, ..Mention::new(tokens, span.clone(), text[span].to_owned(), vec![group]) });
        a.items.splice(k..=target, [Item::Mention(id)]);
        k += 1;
    }
    a.sort_mentions();
}

/// People counted by a noun no list names: "two Iraqi youths", "500 computer hackers", "12
/// unarmed military observers". After a number, up to four modifiers (adjectives, nouns, a
/// nationality) and a noun for people (the linguistic layer's WordNet person nouns) become one
/// Group mention, so that counts and tolls have something to count.
fn counted_people(a: &mut Analysis, text: &str, lex: &Lexicon) {
    use crate::language::Pos;
    let uncounted = lex.rules.setting(Setting::UncountedGroups);
    let mut k = 0;
    while k + 1 < a.items.len() {
        let Item::Mention(n) = a.items[k] else {
            k += 1;
            continue;
        };
        let Some(Value::Integer(count)) = a.mentions[n].value else {
            k += 1;
            continue;
        };
        // "the two leaders", "its 30 members": a definite numeral refers back; it counts nothing new.
        if k > 0 && matches!(a.items[k - 1], Item::Token(t) if lex.language.closed(&a.tokens[t].lower).iter().any(|c| matches!(c, crate::language::Closed::Det | crate::language::Closed::Possessive)) && !matches!(a.tokens[t].lower.as_str(), "some" | "about" | "all")) {
            k += 1;
            continue;
        }
        // The noun phrase after the number: modifiers, then the head.
        let mut j = k + 1;
        let mut head = None;
        while j < a.items.len() && j <= k + 5 {
            match a.items[j] {
                Item::Token(t) => {
                    let tok = &a.tokens[t];
                    if tok.kind != TokenKind::Word {
                        break;
                    }
                    if let Some((noun, plural)) = lex.language.person_noun(&tok.lower) {
                        // A capitalised person noun is a people's name ("Kurds"), only plural.
                        if plural == (count != 1) && !uncounted.contains(&noun) && (plural || !is_capitalised(&text[tok.span.clone()])) {
                            head = Some(j);
                            break;
                        }
                    }
                    let modifier = matches!(a.tags[t].pos, Pos::Adj | Pos::Noun) || tok.lower == "and" && j > k + 1;
                    if !modifier {
                        break;
                    }
                }
                // A nationality ("two Iraqi youths"); another mention ends the phrase.
                Item::Mention(m) => {
                    let mention = &a.mentions[m];
                    // "5,000 Yazidis", "300 Tutsis": a people no list names, by its plural.
                    let people = mention.unknown_name && mention.tokens.len() == 1 && count != 1 && {
                        let lower = &a.tokens[mention.tokens.start].lower;
                        lex.language.person_noun(lower).is_some_and(|(_, plural)| plural) || lower.len() > 4 && lower.ends_with('s') && !lower.ends_with("ss")
                    };
                    if people {
                        head = Some(j);
                        break;
                    }
                    let is_nationality = mention.alts.first().is_some_and(|r| r.class == Class::Country) && mention.tokens.len() == 1;
                    if !is_nationality {
                        break;
                    }
                    // "100 Palestinians", "ethnic Albanians": a people named by its plural is the head.
                    let lower = &a.tokens[mention.tokens.start].lower;
                    if count != 1 && lex.language.person_noun(lower).is_some_and(|(_, plural)| plural) {
                        head = Some(j);
                        break;
                    }
                }
            }
            j += 1;
        }
        let Some(h) = head else {
            k += 1;
            continue;
        };
        let last = match a.items.get(h).copied() {
            Some(Item::Token(t)) => t,
            Some(Item::Mention(m)) => a.mentions[m].tokens.end - 1,
            None => {
                k += 1;
                continue;
            }
        };
        let Some(first) = a.items.get(k + 1).copied() else {
            k += 1;
            continue;
        };
        let first_token = match first {
            Item::Token(t) => t,
            Item::Mention(m) => a.mentions[m].tokens.start,
        };
        let span = a.tokens[first_token].span.start..a.tokens[last].span.end;
        let label = text[span.clone()].split_whitespace().collect::<Vec<_>>().join(" ");
        let group = EntRef { class: Class::Group, key: slug(&label).into(), label: label.clone().into(), wikidata: None, surface: label };
        let id = a.mentions.len();
        a.mentions.push(Mention::new(first_token..last + 1, span.clone(), text[span].to_owned(), vec![group]));
        // Replace the phrase's items by the new mention (mentions stay in text order for the
        // matcher: the pushed mention is the last one, so order them again).
        a.items.splice(k + 1..=h, [Item::Mention(id)]);
        k += 2;
    }
    a.sort_mentions();
}

fn push(a: &mut Analysis, text: &str, toks: Range<usize>, alts: Vec<EntRef>, value: Option<Value>, unknown: bool, title: Option<(usize, Option<EntRef>, Range<usize>)>) {
    let span = a.tokens[toks.start].span.start..a.tokens[toks.end - 1].span.end;
    let id = a.mentions.len();
    a.mentions.push(Mention { value, unknown_name: unknown, title, ..Mention::new(toks, span.clone(), text[span].to_owned(), alts) });
    a.items.push(Item::Mention(id));
}

fn country_ref(lex: &Lexicon, c: usize, surface: &str) -> EntRef {
    lex.country_names(c).entity(Class::Country, surface)
}

/// A place of the gazetteer as an entity, seen as `surface`.
pub(crate) fn place_ref(lex: &Lexicon, p: usize, surface: &str) -> EntRef {
    lex.place_names(p).entity(Class::Place, surface)
}

fn org_ref(lex: &Lexicon, o: usize, surface: &str) -> EntRef {
    lex.org_names(o).entity(Class::Organization, surface)
}

fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) if !["of", "the", "and", "for"].contains(&w) => f.to_uppercase().chain(c).collect(),
                Some(f) => std::iter::once(f).chain(c).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The end of an equipment model's designation starting at token `k`: a short capitalised
/// word, a hyphen and a number written together ("F-16", "Su-25", "MQ-9", "S-400", "T-72").
fn designation_end(tokens: &[Token], text: &str, k: usize) -> Option<usize> {
    let (w, h, n) = (tokens.get(k)?, tokens.get(k + 1)?, tokens.get(k + 2)?);
    let glued = w.span.end == h.span.start && h.span.end == n.span.start;
    let short = w.kind == TokenKind::Word && (1..=3).contains(&w.lower.len()) && is_capitalised(&text[w.span.clone()]);
    (glued && short && h.lower == "-" && n.kind == TokenKind::Number).then_some(k + 3)
}

/// The entity a modifier (demonym, country, place, organisation) stands for.
fn owner_of(lex: &Lexicon, hit: Hit, surface: &str) -> Option<(EntRef, String)> {
    match hit {
        Hit::Country(c) | Hit::Demonym(c) => {
            let adj = lex.countries[c].demonym.clone().unwrap_or_else(|| lex.countries[c].name.clone());
            Some((country_ref(lex, c, surface), adj))
        }
        Hit::Place(p) => Some((place_ref(lex, p, surface), lex.places[p].name.clone())),
        Hit::Org(o) => {
            let r = org_ref(lex, o, surface);
            let l = r.label.clone();
            Some((r, l.to_string()))
        }
        _ => None,
    }
}

/// A mention starting at token `i`, if any; returns its end and the mention (spans filled by the caller).
fn composite(tokens: &[Token], hits_at: &[Option<(usize, &[Hit])>], i: usize, lex: &Lexicon, ctx: &DocContext, text: &str) -> Option<(usize, Mention)> {
    let surface = |r: Range<usize>| text[tokens[r.start].span.start..tokens[r.end - 1].span.end].to_owned();
    // Tokens, span and surface are filled by the caller.
    let mention = |alts: Vec<EntRef>| Mention::new(0..0, 0..0, String::new(), alts);
    let rules = &lex.rules;
    // Read when needed: this runs at every token, and most tokens start nothing.
    let military = || rules.setting(Setting::NationalForces);
    let non_state = || rules.setting(Setting::NonStateModifiers);
    let nominal_at = |j: usize| -> Option<(usize, usize)> {
        hits_at.get(j).copied().flatten().and_then(|(end, hits)| {
            hits.iter().find_map(|h| if let Hit::Nominal(n) = h { Some((end, *n)) } else { None })
        })
    };
    let title_at = |j: usize| -> Option<(usize, usize)> {
        hits_at.get(j).copied().flatten().and_then(|(end, hits)| {
            hits.iter().find_map(|h| if let Hit::Title(t) = h { Some((end, *t)) } else { None })
        })
    };

    // 0. A direction before a known place or country names another place: "West Kordofan",
    // "South Lebanon", "East Jerusalem" (with an administrative noun: "West Kordofan state").
    if hits_at[i].is_none()
        && hits_at.get(i + 1).copied().flatten().is_some_and(|(_, hits)| hits.iter().any(|h| matches!(h, Hit::Place(_) | Hit::Country(_))))
        && is_capitalised(&text[tokens[i].span.clone()])
        && rules.setting(Setting::PlaceDirections).contains(&tokens[i].lower)
    {
        let (pend, _) = hits_at[i + 1].unwrap_or((i + 2, &[]));
        let name = surface(i..pend);
        let end = admin_noun_after(tokens, hits_at, pend, lex, text).unwrap_or(pend);
        let mut r = EntRef::unknown(Class::Place, &name);
        r.surface = surface(i..end);
        return Some((end, mention(vec![r])));
    }

    // 0b. A body of water named "of" a place is neither that place nor a state: "the Gulf of
    // Aden", "the Gulf of Guinea", "the Sea of Azov", "the Strait of Hormuz".
    // A name the lists know that starts so wins ("Bay of Bengal Initiative").
    if is_capitalised(&text[tokens[i].span.clone()])
        && !hits_at[i].is_some_and(|(_, hits)| hits.iter().any(|h| h.is_proper()))
        && tokens.get(i + 1).is_some_and(|t| t.lower == "of")
        && tokens.get(i + 2).is_some_and(|t| is_capitalised(&text[t.span.clone()]))
        && rules.setting(Setting::WaterBodies).contains(&tokens[i].lower)
    {
        let mut end = hits_at[i + 2].map_or(i + 3, |(end, _)| end);
        while end < tokens.len() && hits_at[end - 1].is_none() && is_capitalised(&text[tokens[end].span.clone()]) && tokens[end].kind == crate::language::text::TokenKind::Word {
            end += 1;
        }
        return Some((end, mention(vec![EntRef::unknown(Class::Place, &surface(i..end))])));
    }

    // 1. A modifier (demonym, country's, place's, organisation) and what follows it.
    let first_hit = hits_at[i].and_then(|(end, hits)| hits.iter().find(|h| h.is_proper()).map(|h| (end, *h)));
    if let Some((end, hit)) = first_hit {
        let ethnic = i > 0 && non_state().contains(&tokens[i - 1].lower);
        let possessive = tokens.get(end).is_some_and(|t| t.lower == "'s");
        let after = if possessive { end + 1 } else { end };
        let is_demonym = matches!(hit, Hit::Demonym(_));
        // "ethnic Armenians": the people's armed community, as "ethnic Armenian forces" is.
        if ethnic && is_demonym && lex.language.person_noun(&tokens[i].lower).is_some_and(|(_, plural)| plural) {
            let adj = match hit {
                Hit::Demonym(c) => lex.countries[c].demonym.clone().unwrap_or_else(|| lex.countries[c].name.clone()),
                _ => String::new(),
            };
            let label = format!("ethnic {adj} forces");
            let r = EntRef { class: Class::Group, key: slug(&label).into(), label: label.into(), wikidata: None, surface: format!("{} {}", tokens[i - 1].lower, surface(i..end)) };
            let mut m = mention(vec![r]);
            if let Some(nidx) = lex.nominals.iter().position(|n| n.class == Class::Group && n.role == NounRole::Irregular) {
                m.group = Some(GroupInfo { nominal: nidx, role: NounRole::Ethnic, owned: true, anaphoric: false });
            }
            return Some((end, m));
        }
        // A country's or city's name as a given name, when a surname follows and an
        // apposition gives the person's title or a reporting verb follows: "Israel Katz,
        // Israel's defence minister, said".
        if end == i + 1 && !possessive && matches!(hit, Hit::Country(_) | Hit::Place(_)) {
            if let Some((nend, name)) = capitalised_run(tokens, hits_at, i, text, lex, true).filter(|(nend, _)| *nend > end && *nend - i <= 4) {
                let said = tokens.get(nend).is_some_and(|t| rules.setting(Setting::Reporting).contains(&t.lower));
                let title = apposition_title(tokens, hits_at, nend, lex, text);
                if title.is_some() || said {
                    let mut m = mention(vec![ctx.person_ref(&name)]);
                    m.title = title;
                    return Some((nend, m));
                }
            }
        }
        // "Kyiv's forces", "Moscow's troops": a capital's possessive owns for its country.
        let hit = match hit {
            Hit::Place(p) if possessive && lex.places[p].capital_of.is_some() && nominal_at(after).is_some() => Hit::Country(lex.places[p].capital_of.unwrap_or_default()),
            h => h,
        };
        // "Sudanese army chief X": a national body's name whose last word opens a title ("army
        // chief") is the state's title, not the body's "chief".
        let title_next = hits_at.get(end).copied().flatten().is_some_and(|(_, hits)| hits.iter().any(|h| matches!(h, Hit::Title(_))));
        if let (Hit::Org(o), true) = (hit, title_next) {
            if let (Some(c), false) = (lex.orgs[o].country, possessive) {
                let from = tokens[end - 1].span.start;
                let title = (end + 1..(end + 3).min(tokens.len()) + 1).rev().find_map(|k| {
                    let phrase = &text[from..tokens[k - 1].span.end];
                    lex.find(phrase).into_iter().find(|(r, _)| *r == (0..phrase.len())).and_then(|(_, hits)| {
                        hits.iter().find_map(|h| if let Hit::Title(t) = h { Some((k, *t)) } else { None }).filter(|&(_, t)| lex.titles[t].holder != "Organization")
                    })
                });
                if let Some((tend, t)) = title {
                    if let Some((nend, person)) = person_after(tokens, hits_at, tend, lex, ctx, text) {
                        let mut m = mention(vec![person]);
                        m.title = Some((t, Some(country_ref(lex, c, &surface(i..end - 1))), from..tokens[tend - 1].span.end));
                        return Some((nend, m));
                    }
                }
            }
        }
        if let Some((owner, adj)) = owner_of(lex, hit, &surface(i..end)) {
            // Title + name: "Russian President Vladimir Putin", "Kremlin spokesman Dmitry Peskov".
            if is_demonym || possessive || matches!(hit, Hit::Org(_) | Hit::Place(_) | Hit::Country(_)) {
                // One lower-case word may qualify the title: "Syria's interim President X",
                // "Thailand's acting Prime Minister Y".
                let qualified = tokens.get(after).is_some_and(|t| t.kind == TokenKind::Word && !is_capitalised(&text[t.span.clone()]) && lex.language.closed(&t.lower).is_empty())
                    && hits_at[after].is_none_or(|(end, hits)| end == after + 1 && hits.iter().all(|h| matches!(h, Hit::Nominal(_))));
                let title = title_at(after).map(|x| (after, x)).or_else(|| if qualified { title_at(after + 1).map(|x| (after + 1, x)) } else { None });
                // The state holds no office of a non-state leader: "Angolan rebel leader X",
                // "Congolese opposition leader Y", "Somali warlord Z" (`non_state_modifiers`),
                // nor of an ethnic community's: "Kosovo Albanian leader",
                // "Bosnian Serb leader" (a people named after a place).
                let non_state_title = title.is_some_and(|(tstart, (tend, _))| {
                    let held_elsewhere = (after..tend).any(|k| non_state().contains(&tokens[k].lower));
                    let qualifier = tstart > after && non_state().contains(&tokens[after].lower);
                    let community = is_demonym && (i.saturating_sub(3)..i).any(|j| hits_at[j].is_some_and(|(e, hits)| e == i && hits.iter().any(|h| matches!(h, Hit::Country(_) | Hit::Place(_) | Hit::Demonym(_)))));
                    held_elsewhere || qualifier || community
                });
                let office = if non_state_title { None } else { Some(owner.clone()) };
                if let Some((tstart, (tend, t))) = title {
                    let after = tstart;
                    // A religious title between the office and the name is a second title:
                    // "Iran's Supreme Leader Ayatollah Ali Khamenei".
                    let religious = title_at(tend).filter(|&(_, t2)| lex.titles[t2].kind == TitleKind::Religious && !rules.setting(Setting::NameTitles).contains(&tokens[tend].lower));
                    if let Some((t2end, t2)) = religious {
                        if let Some((nend, person)) = person_after(tokens, hits_at, t2end, lex, ctx, text).filter(|(nend, _)| nend - t2end >= 2) {
                            let mut m = mention(vec![person]);
                            m.title = Some((t, office.clone(), tokens[after].span.start..tokens[tend - 1].span.end));
                            m.also_title = vec![(t2, None, tokens[tend].span.start..tokens[t2end - 1].span.end)];
                            return Some((nend, m));
                        }
                    }
                    if let Some((nend, person)) = person_after(tokens, hits_at, tend, lex, ctx, text) {
                        let mut m = mention(vec![person]);
                        m.title = Some((t, office.clone(), tokens[after].span.start..tokens[tend - 1].span.end));
                        return Some((nend, m));
                    }
                    // The title's remit between it and the name: "U.N. special envoy for Syria
                    // X", "U.S. envoy to Sudan Y" (the remit is no office of the person).
                    let remit = tokens.get(tend).is_some_and(|t| matches!(t.lower.as_str(), "for" | "to"))
                        .then(|| hits_at.get(tend + 1).copied().flatten())
                        .flatten()
                        .filter(|(_, hits)| hits.iter().any(|h| matches!(h, Hit::Country(_) | Hit::Place(_))))
                        .map(|(e, _)| e);
                    if let Some((nend, person)) = remit.and_then(|e| person_after(tokens, hits_at, e, lex, ctx, text)) {
                        let mut m = mention(vec![person]);
                        m.title = Some((t, office.clone(), tokens[after].span.start..tokens[tend - 1].span.end));
                        return Some((nend, m));
                    }
                    // A rank between the title and the name: "Pakistani army chief General
                    // X", "Indonesian military spokesman Major General Y" hold both.
                    if let Some((t2end, t2)) = title_at(tend) {
                        if let Some((nend, person)) = person_after(tokens, hits_at, t2end, lex, ctx, text) {
                            let mut m = mention(vec![person]);
                            m.title = Some((t, office.clone(), tokens[after].span.start..tokens[tend - 1].span.end));
                            m.also_title = vec![(t2, None, tokens[tend].span.start..tokens[t2end - 1].span.end)];
                            return Some((nend, m));
                        }
                    }
                    // Two titles joined by "and": "Jordanian Deputy Prime Minister and Foreign
                    // Minister Ayman Safadi" holds both, of the same owner.
                    if tokens.get(tend).is_some_and(|t| t.lower == "and") {
                        if let Some((tend2, t2)) = title_at(tend + 1) {
                            if let Some((nend, person)) = person_after(tokens, hits_at, tend2, lex, ctx, text) {
                                let mut m = mention(vec![person]);
                                m.title = Some((t2, office.clone(), tokens[tend + 1].span.start..tokens[tend2 - 1].span.end));
                                m.also_title = vec![(t, office.clone(), tokens[after].span.start..tokens[tend - 1].span.end)];
                                return Some((nend, m));
                            }
                        }
                    }
                    // The name in apposition after the title: "The French defence minister,
                    // Sebastien Lecornu, said", "Rwanda's ambassador to the United States,
                    // Mathilde Mukantabana, said" (a complement "to X" may stand between).
                    let mut comma = tend;
                    if tokens.get(comma).is_some_and(|t| t.lower == "to") {
                        comma = (tend + 1..(tend + 7).min(tokens.len())).find(|&k| tokens[k].lower == ",").unwrap_or(tend);
                    }
                    if tokens.get(comma).is_some_and(|t| t.lower == ",") {
                        let closes = |nend: usize| tokens.get(nend).is_none_or(|t| matches!(t.lower.as_str(), "," | "." | ";"));
                        if let Some((nend, person)) = person_after(tokens, hits_at, comma + 1, lex, ctx, text).filter(|(nend, _)| closes(*nend)) {
                            let mut m = mention(vec![person]);
                            m.title = Some((t, office.clone(), tokens[after].span.start..tokens[tend - 1].span.end));
                            return Some((nend, m));
                        }
                        // A rank before the name in apposition: "Pakistan's army chief, Field
                        // Marshal Asim Munir," holds both, of the same owner.
                        if let Some((t2end, t2)) = title_at(comma + 1) {
                            if let Some((nend, person)) = person_after(tokens, hits_at, t2end, lex, ctx, text).filter(|(nend, _)| closes(*nend)) {
                                let mut m = mention(vec![person]);
                                m.title = Some((t2, office.clone(), tokens[comma + 1].span.start..tokens[t2end - 1].span.end));
                                m.also_title = vec![(t, office.clone(), tokens[after].span.start..tokens[tend - 1].span.end)];
                                return Some((nend, m));
                            }
                        }
                    }
                }
            }
            // A named agreement or place: "the Jeddah Declaration", "the Crimean Bridge".
            if let Some((nend, nidx)) = nominal_at(end) {
                let nom = &lex.nominals[nidx];
                let named = is_capitalised(&text[tokens[end].span.clone()]);
                let place = nom.class == Class::Place && matches!(nom.role, NounRole::Feature | NounRole::Building | NounRole::Base | NounRole::Landmark);
                // A city names the agreement made there, in lower case too: "the Pretoria
                // agreement", "the Doha accord" (a region or country does not: "the Ukraine deal").
                let city = matches!(hit, Hit::Place(p) if matches!(lex.places[p].kind.as_str(), "city" | "capital")) && !possessive;
                // So does a site named after its city: "the Zaporizhzhia nuclear power plant".
                let site = nom.class == Class::Place && nom.role == NounRole::Building;
                if (nom.class == Class::Agreement || site) && (named || city && !is_plural(lex, nidx, &surface(end..nend))) || named && place {
                    let mut m = mention(vec![EntRef::unknown(nom.class, &surface(i..nend))]);
                    if nom.class == Class::Agreement {
                        m.agreement = Some(AgreementInfo { nominal: nidx, indefinite: false, distinct: false, earlier: false });
                    } else {
                        m.group = Some(GroupInfo { nominal: nidx, role: nom.role, owned: false, anaphoric: false });
                    }
                    return Some((nend, m));
                }
            }
            // A region's or people's own forces: "the Nagorno-Karabakh military", "Karabakh forces".
            if let Hit::Place(p) = hit {
                // A capital's military is its country's ("the Moscow military" is Russia's).
                let capital = lex.places[p].capital_of.is_some();
                if let Some((nend, nidx)) = nominal_at(after).filter(|_| !capital) {
                    let nom = &lex.nominals[nidx];
                    let noun = fold(&text[tokens[after].span.start..tokens[nend - 1].span.end]);
                    if military().iter().any(|w| *w == noun || *w == nom.folded) {
                        let r = EntRef {
                            class: Class::Group,
                            key: slug(&format!("{} forces", owner.label)).into(),
                            label: format!("{} forces", owner.label).into(),
                            wikidata: None,
                            surface: surface(i..nend),
                        };
                        let mut m = mention(vec![r]);
                        m.group = Some(GroupInfo { nominal: nidx, role: NounRole::Ethnic, owned: true, anaphoric: false });
                        return Some((nend, m));
                    }
                }
            }
            // An organisation's fighters: "RSF fighters", "Hamas militants", "NATO troops" act
            // for the organisation, and so do its weapons: "NATO warplanes struck X".
            if let Hit::Org(_) = hit {
                // "Hamas-led fighters": the organisation's too.
                let glued = |k: usize| tokens.get(k).zip(tokens.get(k + 1)).is_some_and(|(x, y)| x.span.end == y.span.start);
                let led = !possessive && tokens.get(after).is_some_and(|t| t.lower == "-") && glued(after - 1) && glued(after) && tokens.get(after + 1).is_some_and(|t| matches!(t.lower.as_str(), "led" | "commanded" | "dominated"));
                let after = if led { after + 2 } else { after };
                if let Some((nend, nidx)) = nominal_at(after) {
                    let nom = &lex.nominals[nidx];
                    if nom.class == Class::Group && matches!(nom.role, NounRole::Armed | NounRole::Irregular | NounRole::Peacekeeping | NounRole::Equipment) {
                        let all = surface(i..nend);
                        let body = EntRef {
                            class: Class::Group,
                            key: slug(&format!("{} {}", owner.key, nom.name)).into(),
                            label: format!("{} {}", owner.label, nom.plural).into(),
                            wikidata: None,
                            surface: all.clone(),
                        };
                        let mut org = owner.clone();
                        org.surface = org.label.to_string();
                        let mut m = mention(vec![org, body]);
                        m.group = Some(GroupInfo { nominal: nidx, role: nom.role, owned: true, anaphoric: false });
                        return Some((nend, m));
                    }
                }
            }
            // A country's name used as a modifier right before a group or body noun: "US
            // servicemen", "UK forces", "Ukraine war".
            // A model designation between modifier and noun is part of the phrase: "Israeli
            // F-35 jets", "Ethiopian Su-27 aircraft", "a U.S. MQ-9 Reaper drone".
            let head_at = designation_end(tokens, text, after).map_or(after, |d| if nominal_at(d).is_none() && tokens.get(d).is_some_and(|t| is_capitalised(&text[t.span.clone()])) && nominal_at(d + 1).is_some() { d + 1 } else { d });
            let attributive = matches!(hit, Hit::Country(_)) && !possessive && nominal_at(head_at).is_some_and(|(_, n)| matches!(lex.nominals[n].class, Class::Group | Class::Organization | Class::Event));
            if is_demonym || possessive || attributive {
                // Demonym/possessive + nominal: a national body, a group, or the state itself.
                let mut j = head_at;
                // Allow one adjective between ("Russian peacekeeping contingent" is one nominal;
                // "Azeri national flag" is not an entity).
                // The longer reading wins: "Russian military helicopter" is a helicopter.
                let direct = nominal_at(j);
                let skipped = (tokens.get(j).is_some_and(|t| t.kind == TokenKind::Word && !is_capitalised(&text[t.span.clone()])))
                    .then(|| nominal_at(j + 1))
                    .flatten();
                let chosen = match (direct, skipped) {
                    (Some(d), Some(s)) if s.0 > d.0 => {
                        j += 1;
                        Some(s)
                    }
                    (Some(d), _) => Some(d),
                    (None, Some(s)) => {
                        j += 1;
                        Some(s)
                    }
                    (None, None) => None,
                };
                // Equipment nouns that modify an agent noun are no group: "Ukraine's biggest
                // arms supplier", "Russian drone maker", "weapons exporters".
                let agent_noun = |w: &str| ["er", "ers", "or", "ors"].iter().any(|suffix| w.len() > 4 && w.ends_with(suffix));
                let chosen = chosen.filter(|(nend, nidx)| {
                    lex.nominals[*nidx].role != NounRole::Equipment
                        || !tokens.get(*nend).is_some_and(|t| t.kind == TokenKind::Word && !crate::document::is_stopword(&t.lower) && agent_noun(&t.lower))
                });
                if let Some((nend, nidx)) = chosen {
                    let nom = &lex.nominals[nidx];
                    let noun = fold(&text[tokens[j].span.start..tokens[nend - 1].span.end]);
                    let owner_country = owner.class == Class::Country;
                    // Forces, state bodies and weapons act for their state: "Azeri forces took
                    // Shusha", "the Ethiopian government signed", "Indian jets struck Bahawalpur".
                    let is_military = military().iter().any(|w| *w == noun || *w == nom.folded)
                        || rules.setting(Setting::StateBodies).iter().any(|w| *w == noun || *w == nom.folded)
                        || nom.role == NounRole::Equipment;
                    let all = surface(i..nend);
                    match nom.class {
                        Class::Group | Class::Organization if is_military && owner_country && !ethnic => {
                            // The body keeps its own class: "Sudan's army" is a group, "the
                            // Ethiopian government" an organisation; both act for the state.
                            let body = EntRef {
                                class: nom.class,
                                key: if nom.class == Class::Group { slug(&format!("{adj} {}", nom.name)).into() } else { slug(&format!("{} {}", owner.key, nom.name)).into() },
                                label: if nom.class == Class::Group { format!("{adj} {}", nom.plural) } else { format!("{adj} {}", title_case(&nom.name)) }.into(),
                                wikidata: None,
                                surface: all.clone(),
                            };
                            let mut state = owner.clone();
                            state.surface = all;
                            let mut m = mention(vec![state, body]);
                            m.group = Some(GroupInfo { nominal: nidx, role: nom.role, owned: true, anaphoric: false });
                            return Some((nend, m));
                        }
                        Class::Organization => {
                            let label = format!("{adj} {}", title_case(&nom.name));
                            let r = EntRef { class: Class::Organization, key: slug(&format!("{} {}", owner.key, nom.name)).into(), label: label.into(), wikidata: None, surface: all };
                            // A state's body is read as the body; its state is the second
                            // reading ("its forces" after "Russia's Defence Ministry said").
                            let mut alts = vec![r];
                            if owner_country {
                                alts.push(EntRef { surface: owner.label.to_string(), ..owner.clone() });
                            }
                            let mut m = mention(alts);
                            m.group = Some(GroupInfo { nominal: nidx, role: nom.role, owned: true, anaphoric: false });
                            return Some((nend, m));
                        }
                        Class::Group => {
                            let prefix = if ethnic { "ethnic " } else { "" };
                            // "ethnic Armenian forces", "… separatists", "… fighters": one armed
                            // group of that people, whatever the noun.
                            let one_force = ethnic && matches!(nom.role, NounRole::Armed | NounRole::Irregular);
                            let head = if one_force { "forces" } else { nom.plural.as_str() };
                            let label = format!("{prefix}{adj} {head}");
                            // Keys use the singular noun, as everywhere ("russian-peacekeeper").
                            let key = slug(&format!("{prefix}{adj} {}", if one_force { "forces" } else { nom.name.as_str() }));
                            let r = EntRef { class: Class::Group, key: key.into(), label: label.into(), wikidata: None, surface: all };
                            let mut m = mention(vec![r]);
                            let role = if ethnic { NounRole::Ethnic } else { nom.role };
                            m.group = Some(GroupInfo { nominal: nidx, role, owned: true, anaphoric: false });
                            return Some((nend, m));
                        }
                        Class::Event => {
                            let year = ctx.year();
                            let r = EntRef {
                                class: Class::Event,
                                key: slug(&format!("{adj} {} {year}", nom.role.name())).into(),
                                label: format!("{adj} {} ({year})", nom.name).into(),
                                wikidata: None,
                                surface: all,
                            };
                            // "a Russian missile strike on X": the attack is also the state's act.
                            let mut alts = vec![r];
                            if nom.role == NounRole::Attack && owner.class == Class::Country {
                                alts.push(owner.clone());
                            }
                            let mut m = mention(alts);
                            m.group = Some(GroupInfo { nominal: nidx, role: nom.role, owned: true, anaphoric: false });
                            return Some((nend, m));
                        }
                        _ => {}
                    }
                }
            }
            // A plain modifier: the country, place or organisation itself. A capital may act
            // for its country.
            let mut alts = vec![owner];
            let mut end = end;
            if let Hit::Place(p) = hit {
                if let Some(c) = lex.places[p].capital_of {
                    // The capital's name is no alias of the country.
                    let country = country_ref(lex, c, "");
                    alts.push(EntRef { surface: country.label.to_string(), ..country });
                } else if !possessive && !matches!(lex.places[p].kind.as_str(), "city" | "capital") {
                    // "South Kordofan state", "Borno province": the administrative noun is part
                    // of the region's name (and no verb).
                    if let Some(aend) = admin_noun_after(tokens, hits_at, end, lex, text) {
                        alts[0].surface = surface(i..aend);
                        end = aend;
                    }
                }
            }
            return Some((end, mention(alts)));
        }
    }

    // 2. A title followed by a name: "President Ilham Aliyev (of Azerbaijan)".
    if let Some((tend, t)) = title_at(i) {
        // "leader in Nagorno-Karabakh, Arayik Harutyunyan"
        let mut office = None;
        let mut nstart = tend;
        if tokens.get(tend).is_some_and(|t| t.lower == "in" || t.lower == "of") {
            if let Some((oend, h)) = hits_at.get(tend + 1).copied().flatten().and_then(|(e, hs)| hs.iter().find(|h| h.is_proper()).map(|h| (e, *h))) {
                if tokens.get(oend).is_some_and(|t| t.lower == ",") {
                    office = owner_of(lex, h, &surface(tend + 1..oend)).map(|o| o.0);
                    nstart = oend + 1;
                }
            }
        }
        // A rank between the title and the name: "military spokesman Major General X".
        if let Some((t2end, t2)) = title_at(nstart).filter(|&(_, t2)| t2 != t) {
            if let Some((nend, person)) = person_after(tokens, hits_at, t2end, lex, ctx, text) {
                let mut m = mention(vec![person]);
                m.title = Some((t, office, tokens[i].span.start..tokens[tend - 1].span.end));
                m.also_title = vec![(t2, None, tokens[nstart].span.start..tokens[t2end - 1].span.end)];
                return Some((nend, m));
            }
        }
        if let Some((nend, person)) = person_after(tokens, hits_at, nstart, lex, ctx, text) {
            let mut end = nend;
            // "President Ilham Aliyev of Azerbaijan"
            if office.is_none() && tokens.get(nend).is_some_and(|t| t.lower == "of") {
                if let Some((oend, h)) = hits_at.get(nend + 1).copied().flatten().and_then(|(e, hs)| hs.iter().find(|h| h.is_proper()).map(|h| (e, *h))) {
                    office = owner_of(lex, h, &surface(nend + 1..oend)).map(|o| o.0);
                    end = oend;
                }
            }
            let _ = end;
            let mut m = mention(vec![person]);
            m.title = Some((t, office, tokens[i].span.start..tokens[tend - 1].span.end));
            // "General Assimi Goita, Mali's president, …": a second title in apposition.
            if let Some(second) = apposition_title(tokens, hits_at, nend, lex, text).filter(|(t2, _, _)| *t2 != t) {
                // "…, Qatar's prime minister and foreign minister,": a third.
                m.also_title.extend(joined_title(tokens, hits_at, &second, lex));
                m.also_title.insert(0, second);
            }
            return Some((nend, m));
        }
    }

    // 3. Nominals: groups, agreements, events, places, bodies. A lower-case noun right before
    // a capitalised name modifies it ("the paramilitary Rapid Support Forces").
    let modifies_name = tokens.get(i).is_some_and(|t| !is_capitalised(&text[t.span.clone()]));
    if let Some((nend, nidx)) = nominal_at(i).filter(|(nend, _)| {
        !(modifies_name && tokens.get(*nend).is_some_and(|t| t.kind == TokenKind::Word && is_capitalised(&text[t.span.clone()]) && !lex.rules.setting(Setting::NotNames).contains(&t.lower)))
    }) {
        let nom = &lex.nominals[nidx];
        let surf = surface(i..nend);
        let lower = fold(&surf);
        // "declarations" is plural, "declaration of principles" is not: the head before "of".
        let head = lower.split(" of ").next().unwrap_or(&lower);
        let plural = head != nom.folded && head.ends_with('s') && !nom.folded.ends_with('s');
        let det = i > 0 && matches!(tokens[i - 1].lower.as_str(), "the" | "this" | "that" | "its");
        let r = match nom.class {
            Class::Group => {
                let ethnic = i > 0 && non_state().contains(&tokens[i - 1].lower);
                let prefix = if ethnic { format!("{} ", tokens[i - 1].lower) } else { String::new() };
                let r = EntRef { class: Class::Group, key: slug(&format!("{prefix}{}", nom.name)).into(), label: format!("{prefix}{}", nom.plural).into(), wikidata: None, surface: surf };
                let mut m = mention(vec![r]);
                m.group = Some(GroupInfo { nominal: nidx, role: nom.role, owned: false, anaphoric: false });
                return Some((nend, m));
            }
            // "a statement", "the document" name an agreement only when signed: "signed a
            // statement on ending the war", not "said in a statement" (`signed_only_nouns`).
            Class::Agreement if rules.setting(Setting::SignedOnlyNouns).contains(&nom.folded) && !signed_before(tokens, i, lex) => None,
            Class::Agreement if !plural => {
                // A provisional key, the mention's own, until the document's agreements are
                // told apart (see `agreements`).
                let mut m = mention(vec![EntRef { key: Name::from(""), ..ctx.agreement(&surf) }]);
                let before = |list: Setting| -> Option<&str> {
                    // The modifiers between the determiner and the noun: "a separate bilateral deal".
                    (i.saturating_sub(3)..i).rev().map(|k| tokens[k].lower.as_str()).take_while(|w| !matches!(*w, "," | "." | ";")).find(|w| rules.setting(list).iter().any(|x| x == w))
                };
                let indefinite = (i.saturating_sub(4)..i).rev().map(|k| tokens[k].lower.as_str()).find(|w| matches!(*w, "a" | "an" | "the" | "this" | "that" | "its" | "their" | "another")).is_some_and(|w| matches!(w, "a" | "an" | "another"));
                m.agreement = Some(AgreementInfo { nominal: nidx, indefinite, distinct: indefinite && before(Setting::DistinctReferent).is_some(), earlier: before(Setting::EarlierReferent).is_some() });
                return Some((nend, m));
            }
            Class::Event => {
                let year = event_year(tokens, i, nend);
                let dated = year.is_some();
                let mut m = mention(vec![ctx.event_in(nom.role.name(), &nom.name, &surf, year)]);
                // An event of the document's own time may be one a modifier named elsewhere
                // ("the protests" after "Armenian protests").
                if !dated {
                    m.group = Some(GroupInfo { nominal: nidx, role: nom.role, owned: false, anaphoric: false });
                }
                return Some((nend, m));
            }
            // "the region", "the breakaway territory": the document's main region.
            Class::Place
                if matches!(nom.role, NounRole::Admin | NounRole::Feature)
                    && (det || i > 1 && matches!(tokens[i - 2].lower.as_str(), "the" | "this" | "that" | "its") && tokens[i - 1].kind == TokenKind::Word && !is_capitalised(&text[tokens[i - 1].span.clone()]) && lex.language.closed(&tokens[i - 1].lower).is_empty())
                    && ctx.salient_region.is_some()
                    && rules.setting(Setting::RegionAnaphors).contains(&nom.folded) =>
            {
                ctx.salient_region.clone().map(|mut r| {
                    r.surface = surf.clone();
                    r
                })
            }
            Class::Place if matches!(nom.role, NounRole::Landmark | NounRole::Building | NounRole::Base) && !rules.setting(Setting::RegionAnaphors).contains(&nom.folded) => {
                // The noun's role says what kind of place it is (a site: "building").
                let mut m = mention(vec![EntRef { class: Class::Place, key: slug(&nom.name).into(), label: lower.clone().into(), wikidata: None, surface: surf }]);
                m.group = Some(GroupInfo { nominal: nidx, role: nom.role, owned: false, anaphoric: false });
                return Some((nend, m));
            }
            // "its defence forces", "their army": the armed men of an actor named before.
            Class::Organization if det && military().iter().any(|w| lower == *w || lower.ends_with(&format!(" {w}"))) => {
                let r = EntRef { class: Class::Group, key: slug(&nom.name).into(), label: lower.clone().into(), wikidata: None, surface: surf };
                let mut m = mention(vec![r]);
                m.group = Some(GroupInfo { nominal: nidx, role: NounRole::Armed, owned: false, anaphoric: false });
                return Some((nend, m));
            }
            // "the National Assembly", "the Defence Ministry": a body named with capitals is
            // a name, "the ministry" is too vague to be one.
            Class::Organization if !plural && det && is_capitalised(&surf) && !rules.setting(Setting::VagueBodies).contains(&nom.folded) => {
                let mut m = mention(vec![EntRef { class: Class::Organization, key: slug(&nom.name).into(), label: surf.clone().into(), wikidata: None, surface: surf }]);
                m.group = Some(GroupInfo { nominal: nidx, role: nom.role, owned: false, anaphoric: false });
                return Some((nend, m));
            }
            Class::Organization if !plural && !det && !rules.setting(Setting::VagueBodies).contains(&nom.folded) => {
                let mut m = mention(vec![EntRef { class: Class::Organization, key: slug(&nom.name).into(), label: Name::from(nom.folded.as_str()), wikidata: None, surface: surf }]);
                m.group = Some(GroupInfo { nominal: nidx, role: nom.role, owned: false, anaphoric: false });
                return Some((nend, m));
            }
            // "the ministry", "the government", "Ministry spokeswoman X": a body named before
            // ("Armenia's Defence Ministry"), or nothing (see coref::resolve_groups).
            Class::Organization if !plural => {
                let mut m = mention(vec![EntRef { class: Class::Organization, key: slug(&nom.name).into(), label: Name::from(nom.folded.as_str()), wikidata: None, surface: surf }]);
                m.group = Some(GroupInfo { nominal: nidx, role: nom.role, owned: false, anaphoric: true });
                return Some((nend, m));
            }
            _ => None,
        };
        if let Some(r) = r {
            return Some((nend, mention(vec![r])));
        }
    }

    // 4. Capitalised names no list knows.
    let (end, name) = capitalised_run(tokens, hits_at, i, text, lex, false)?;
    let next = tokens.get(end).map(|t| t.lower.as_str()).unwrap_or("");
    let last = fold(&text[tokens[end - 1].span.clone()]);
    // Organisation by suffix ("Rapid Support Forces", "Prosperous Armenia Party").
    if let Some(&strong) = lex.org_suffixes.get(&last) {
        if strong || end - i >= 2 {
            let r = ctx.acronym_expansion(&name).unwrap_or_else(|| EntRef::unknown(Class::Organization, &name));
            return Some((end, mention(vec![r])));
        }
    }
    if let Some(r) = ctx.acronym(&name) {
        return Some((end, mention(vec![r])));
    }
    // A people's or creed's name no list knows before a group noun names the group: "Rohingya
    // refugees", "Islamist militants", "Tuareg rebels" (not a sentence's first word that is an
    // English adjective: "Local residents").
    let people_word = end == i + 1 && !name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) && !(i == 0 && lex.language.is_adjective(&tokens[i].lower));
    if let Some((nend, nidx)) = nominal_at(end).filter(|_| people_word) {
        let nom = &lex.nominals[nidx];
        let noun = fold(&text[tokens[end].span.start..tokens[nend - 1].span.end]);
        // In the singular only a collective noun after a name names a group ("the Amal
        // militia", "the Fano militia"); "a Tuareg rebel" is one person, and "a Western
        // delegation" no named group.
        let singular = noun == nom.folded;
        let collective = singular && lex.language.person_noun(&noun).is_none() && !lex.language.is_adjective(&tokens[i].lower);
        if nom.class == Class::Group && nom.role != NounRole::Equipment && (!singular || collective) {
            let label = if collective { format!("{name} {}", nom.name) } else { format!("{name} {}", nom.plural) };
            let r = EntRef { class: Class::Group, key: slug(&format!("{name} {}", nom.name)).into(), label: label.into(), wikidata: None, surface: surface(i..nend) };
            let mut m = mention(vec![r]);
            m.group = Some(GroupInfo { nominal: nidx, role: nom.role, owned: true, anaphoric: false });
            return Some((nend, m));
        }
    }
    // An acronym no list knows before a noun for fighters is their organisation: "UNITA
    // rebels", "RENAMO guerrillas" (read as the group, acting for the organisation).
    let acronym = end == i + 1 && (2..=8).contains(&name.len()) && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) && name.chars().filter(char::is_ascii_uppercase).count() >= 2;
    if let Some((nend, nidx)) = nominal_at(end).filter(|_| acronym) {
        let nom = &lex.nominals[nidx];
        if nom.class == Class::Group && matches!(nom.role, NounRole::Irregular | NounRole::Armed) {
            let org = EntRef::unknown(Class::Organization, &name);
            let label = format!("{name} {}", nom.plural);
            let group = EntRef { class: Class::Group, key: slug(&format!("{name} {}", nom.name)).into(), label: label.into(), wikidata: None, surface: surface(i..nend) };
            let mut m = mention(vec![org, group]);
            m.group = Some(GroupInfo { nominal: nidx, role: nom.role, owned: true, anaphoric: false });
            return Some((nend, m));
        }
    }
    // A person already introduced in this document, by full name or surname; an apposition
    // may give the title: "Abiy Ahmed, Ethiopia's prime minister, …".
    if let Some(p) = ctx.person(&name) {
        let mut m = mention(vec![p]);
        m.title = apposition_title(tokens, hits_at, end, lex, text);
        m.also_title = m.title.as_ref().and_then(|t| joined_title(tokens, hits_at, t, lex)).into_iter().collect();
        return Some((end, m));
    }
    // "X district/province/region", "X corridor": a place; "the Pretoria Agreement": an
    // agreement of that name.
    if let Some((nend, nidx)) = nominal_at(end) {
        let nom = &lex.nominals[nidx];
        if nom.class == Class::Agreement && is_capitalised(&text[tokens[end].span.clone()]) {
            let mut m = mention(vec![EntRef::unknown(Class::Agreement, &surface(i..nend))]);
            m.agreement = Some(AgreementInfo { nominal: nidx, indefinite: false, distinct: false, earlier: false });
            return Some((nend, m));
        }
        // Not a plural noun, which belongs to a list: "the Terter and Agdam regions of X".
        let plural = is_plural(lex, nidx, &text[tokens[end].span.start..tokens[nend - 1].span.end]);
        // A feature or building noun after a name names it: "Snake Island", "the Hayat Hotel",
        // "the Al-Shifa hospital".
        let named = matches!(nom.role, NounRole::Feature | NounRole::Building | NounRole::Base);
        // A capitalised plural feature is one place: "the Nuba Mountains", "the Golan Heights".
        let plural = plural && !(nom.role == NounRole::Feature && is_capitalised(&text[tokens[end].span.clone()]));
        // A settlement noun in lower case after a name is what the place is: "Tumbang village",
        // "Gao town" (a capitalised one is part of the name: "Cape Town").
        let settlement = nom.role == NounRole::Settlement && !is_capitalised(&text[tokens[end].span.clone()]);
        if nom.class == Class::Place && (nom.role == NounRole::Admin || nom.role == NounRole::Landmark || named || settlement) && !plural {
            // "Donetsk region" is Donetsk, "Tumbang village" Tumbang; "Snake Island", "the Red
            // Sea" keep their noun.
            let full = surface(i..nend);
            let mut r = EntRef::unknown(Class::Place, if matches!(nom.role, NounRole::Admin | NounRole::Settlement) { &name } else { &full });
            r.surface = full;
            let mut m = mention(vec![r]);
            if nom.role == NounRole::Building {
                m.group = Some(GroupInfo { nominal: nidx, role: nom.role, owned: false, anaphoric: false });
            }
            return Some((nend, m));
        }
    }
    // "the town of X", "the village of X".
    if i >= 2 && tokens[i - 1].lower == "of" {
        if let Some((_, nidx)) = nominal_at(i - 2) {
            let nom = &lex.nominals[nidx];
            if nom.class == Class::Place && nom.role == NounRole::Settlement {
                return Some((end, mention(vec![EntRef::unknown(Class::Place, &name)])));
            }
        }
    }
    // Two or more capitalised words before a reporting verb are a person ("Olga Oliker said"),
    // and so is a name of the field's actor lists ("Salva Kiir", "Recep Tayyip Erdogan").
    let words = name.split_whitespace().count();
    // A name of two to four words with a title in apposition is a person's: "Abdel Fattah
    // al-Burhan, chairman of Sudan's Sovereignty Council, …".
    if (2..=4).contains(&words) {
        if let Some(title) = apposition_title(tokens, hits_at, end, lex, text) {
            let mut m = mention(vec![ctx.person_ref(&name)]);
            m.also_title = joined_title(tokens, hits_at, &title, lex).into_iter().collect();
            m.title = Some(title);
            return Some((end, m));
        }
    }
    if (2..=4).contains(&words) && (rules.setting(Setting::Reporting).iter().any(|w| w == next) || lex.is_known_person(&fold(&name))) {
        return Some((end, mention(vec![ctx.person_ref(&name)])));
    }
    let mut m = mention(vec![]);
    m.unknown_name = true;
    Some((end, m))
}

/// The end of a singular administrative noun ("state", "province", "region") at token `k`,
/// from nominals.tsv (role `admin`), if one stands there.
fn admin_noun_after(tokens: &[Token], hits_at: &[Option<(usize, &[Hit])>], k: usize, lex: &Lexicon, text: &str) -> Option<usize> {
    let (end, hits) = hits_at.get(k).copied().flatten()?;
    let nidx = hits.iter().find_map(|h| if let Hit::Nominal(n) = h { Some(*n) } else { None })?;
    let nom = &lex.nominals[nidx];
    let surf = fold(&text[tokens[k].span.start..tokens[end - 1].span.end]);
    (nom.class == Class::Place && nom.role == NounRole::Admin && surf == nom.folded).then_some(end)
}

/// Whether a form of a verb of a signing frame stands before token `i`, past an article and
/// up to two modifiers ("signed a joint statement", "inked the document").
fn signed_before(tokens: &[Token], i: usize, lex: &Lexicon) -> bool {
    (i.saturating_sub(4)..i).rev().any(|k| {
        lex.language.verb_ref(&tokens[k].lower).is_some_and(|(lemma, _)| lex.rules.frames_for(lemma).any(|f| f.predicate == Predicate::Signed && f.object_class.contains(&super::rules::Slot::Class(Class::Agreement)) && f.object.contains(&super::rules::Role::Patient)))
    })
}

/// Whether a nominal's surface is its plural ("accords"), which names a set, not one.
fn is_plural(lex: &Lexicon, nominal: usize, surface: &str) -> bool {
    let nom = &lex.nominals[nominal];
    let s = fold(surface);
    s != nom.folded && s == fold(&nom.plural)
}

/// The year an event noun names next to it: "the 1991-94 war", "a war in the early 1990s",
/// "the 1994 ceasefire". None when it names none (the document's year applies).
fn event_year(tokens: &[Token], start: usize, end: usize) -> Option<String> {
    let year = |t: &Token| -> Option<String> {
        let digits = t.lower.trim_end_matches('s');
        (t.kind == TokenKind::Number && digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()))
            .then(|| if t.lower.ends_with('s') { format!("{digits}s") } else { digits.to_owned() })
            .filter(|y| ("1800".."2200").contains(&&y[..4]))
    };
    // Before: "the 1991-94 war", "the 1994 ceasefire" (a year within three tokens, no verb between).
    for k in (start.saturating_sub(3)..start).rev() {
        if let Some(y) = year(&tokens[k]) {
            return Some(y);
        }
        if !matches!(tokens[k].kind, TokenKind::Number) && !["-", "–", "to"].contains(&tokens[k].lower.as_str()) {
            break;
        }
    }
    // After: "war in the early 1990s", "the war of 1994".
    if tokens.get(end).is_some_and(|t| t.lower == "in" || t.lower == "of") {
        for t in tokens.iter().skip(end + 1).take(3) {
            if let Some(y) = year(t) {
                return Some(y);
            }
            if !["the", "early", "late", "mid", "mid-"].contains(&t.lower.as_str()) {
                break;
            }
        }
    }
    None
}

/// A run of capitalised words not known to the lexicon (names, possibly with particles).
///
/// After a title (`after_title`), a one-word place name is a given name too: "President
/// Vladimir Putin" is a person although Vladimir is a Russian city.
fn capitalised_run(tokens: &[Token], hits_at: &[Option<(usize, &[Hit])>], i: usize, text: &str, lex: &Lexicon, after_title: bool) -> Option<(usize, String)> {
    let stop = lex.rules.setting(Setting::NotNames);
    let particles = lex.rules.setting(Setting::NameParticles);
    // Inside a name that follows a title, religious and honorific titles are part of it:
    // "President Hassan Sheikh Mohamud", "Prime Minister Sheikh Hasina".
    let free = |j: usize| match hits_at[j] {
        None => true,
        Some((end, hits)) => {
            after_title
                && end == j + 1
                && hits.iter().all(|h| match h {
                    Hit::Place(_) => true,
                    // "Defence Minister Israel Katz": a country's name as a given name, when a
                    // name word follows.
                    Hit::Country(_) => tokens.get(j + 1).is_some_and(|t| t.kind == TokenKind::Word && is_capitalised(&text[t.span.clone()])) && hits_at.get(j + 1).copied().flatten().is_none(),
                    Hit::Title(t) => matches!(lex.titles[*t].kind, TitleKind::Religious | TitleKind::Honorific),
                    // "Foreign Minister Therese Kayikwamba Wagner": a one-word organisation's
                    // name that ends a name is its surname.
                    Hit::Org(_) => j > i && !tokens.get(j + 1).is_some_and(|t| t.kind == TokenKind::Word && is_capitalised(&text[t.span.clone()])),
                    _ => false,
                })
        }
    };
    let is_name_word = |j: usize| -> bool {
        tokens.get(j).is_some_and(|t| {
            t.kind == TokenKind::Word
                && is_capitalised(&text[t.span.clone()])
                && free(j)
                && !stop.contains(&t.lower)
                && t.lower != "'s"
        })
    };
    // "el-Fula", "al-Hasakah": a particle glued to a capitalised name starts it.
    let glued = |a: usize, b: usize| tokens.get(a).zip(tokens.get(b)).is_some_and(|(x, y)| x.span.end == y.span.start);
    let name_start = is_name_word(i);
    let particle_start = !name_start
        && tokens.get(i + 1).is_some_and(|t| t.lower == "-")
        && glued(i, i + 1)
        && glued(i + 1, i + 2)
        && tokens.get(i).is_some_and(|t| particles.contains(&t.lower) && !is_capitalised(&text[t.span.clone()]))
        && is_name_word(i + 2);
    if !name_start && !particle_start {
        return None;
    }
    let mut end = if particle_start { i + 3 } else { i + 1 };
    loop {
        if is_name_word(end) {
            end += 1;
        } else if tokens.get(end).is_some_and(|t| t.lower == "-") && is_name_word(end + 1) {
            end += 2;
        } else if tokens.get(end).is_some_and(|t| t.lower == "-" && t.span.start == tokens[end - 1].span.end)
            && tokens.get(end + 1).is_some_and(|t| t.kind == TokenKind::Word && t.span.start == tokens[end].span.end && t.lower.len() <= 8 && t.lower.chars().all(char::is_alphabetic))
        {
            // "Lai Ching-te", "Lee Jae-myung": a hyphenated given name.
            end += 2;
        } else if tokens.get(end).is_some_and(|t| particles.contains(&t.lower) && !is_capitalised(&text[t.span.clone()])) && is_name_word(end + 1) {
            end += 2;
        } else if tokens.get(end).is_some_and(|t| particles.contains(&t.lower) && !is_capitalised(&text[t.span.clone()]))
            && tokens.get(end + 1).is_some_and(|t| particles.contains(&t.lower) && !is_capitalised(&text[t.span.clone()]))
            && is_name_word(end + 2)
        {
            // "Hans van den Broek", "Pierre de la Cruz": two particles.
            end += 3;
        } else if after_title
            && hits_at.get(end).copied().flatten().is_some_and(|(e, hits)| e == end + 1 && hits.iter().any(|h| matches!(h, Hit::Title(_))))
            && tokens.get(end).is_some_and(|t| is_capitalised(&text[t.span.clone()]))
            && !tokens.get(end + 1).is_some_and(|t| t.kind == TokenKind::Word && is_capitalised(&text[t.span.clone()]))
        {
            // "Defence Secretary Tom King": a title word that ends the name is its surname.
            end += 1;
            break;
        } else if tokens.get(end).is_some_and(|t| particles.contains(&t.lower))
            && tokens.get(end + 1).is_some_and(|t| t.lower == "-" && t.span.start == tokens[end].span.end)
            && (is_name_word(end + 2)
                // "Abdul-Malik al-Houthi": a name glued to its particle is a surname, even one
                // an organisation is named after.
                || tokens.get(end + 2).is_some_and(|t| t.span.start == tokens[end + 1].span.end && is_capitalised(&text[t.span.clone()]))
                    && hits_at.get(end + 2).copied().flatten().is_some_and(|(e, hits)| e == end + 3 && hits.iter().all(|h| matches!(h, Hit::Org(_)))))
        {
            // "al-Sisi", "bin-Salman", "El-Kebir"
            end += 3;
        } else {
            break;
        }
    }
    let name = text[tokens[i].span.start..tokens[end - 1].span.end].to_owned();
    Some((end, name))
}

/// A person's name right after a title (known surname, or one to four capitalised words).
fn person_after(tokens: &[Token], hits_at: &[Option<(usize, &[Hit])>], i: usize, lex: &Lexicon, ctx: &DocContext, text: &str) -> Option<(usize, EntRef)> {
    let (end, name) = capitalised_run(tokens, hits_at, i, text, lex, true)?;
    // Four name words, plus particles ("Mohammed bin Abdulrahman Al Thani").
    let particles = lex.rules.setting(Setting::NameParticles);
    let words = name.split_whitespace().filter(|w| !particles.contains(&w.to_lowercase())).count();
    if words > 4 {
        return None;
    }
    let bare = bare_name(tokens, hits_at, i, end, lex, text);
    let mut r = ctx.person_ref(&bare);
    r.surface = name;
    Some((end, r))
}

/// The name from token `i` to `end` without a religious title opening it, when two name
/// words remain: "Ayatollah Ali Khamenei" is Ali Khamenei (the surface keeps the title);
/// "Sheikh Hasina" and the Gulf's "Sheikh" names (`name_titles`) keep theirs.
fn bare_name(tokens: &[Token], hits_at: &[Option<(usize, &[Hit])>], i: usize, end: usize, lex: &Lexicon, text: &str) -> String {
    let particles = lex.rules.setting(Setting::NameParticles);
    let mut j = i;
    while let Some((tend, hits)) = hits_at.get(j).copied().flatten() {
        let religious = hits.iter().any(|h| matches!(h, Hit::Title(t) if lex.titles[*t].kind == TitleKind::Religious));
        if !religious || tend >= end || lex.rules.setting(Setting::NameTitles).contains(&tokens[j].lower) {
            break;
        }
        j = tend;
    }
    let from = if j > i && text[tokens[j].span.start..tokens[end - 1].span.end].split_whitespace().filter(|w| !particles.contains(&w.to_lowercase())).count() >= 2 { j } else { i };
    text[tokens[from].span.start..tokens[end - 1].span.end].to_owned()
}

/// The title an apposition after a name gives: ", Ethiopia's prime minister", ", the
/// Russian foreign minister", ", a senior RSF commander" (title index, office, title span).
fn apposition_title(tokens: &[Token], hits_at: &[Option<(usize, &[Hit])>], end: usize, lex: &Lexicon, text: &str) -> Option<(usize, Option<EntRef>, Range<usize>)> {
    if tokens.get(end)?.lower != "," {
        return None;
    }
    let mut k = end + 1;
    if tokens.get(k).is_some_and(|t| ["a", "an", "the"].contains(&t.lower.as_str())) {
        k += 1;
    }
    // ", a senior TPLF official,", ", the top Hamas negotiator,": a modifier before the office.
    if tokens.get(k).is_some_and(|t| lex.rules.setting(Setting::RankModifiers).contains(&t.lower)) && hits_at.get(k).copied().flatten().is_none() {
        k += 1;
    }
    let mut office = None;
    if let Some((oend, hits)) = hits_at.get(k).copied().flatten() {
        if let Some(h) = hits.iter().find(|h| matches!(h, Hit::Country(_) | Hit::Demonym(_) | Hit::Org(_))) {
            office = owner_of(lex, *h, &text[tokens[k].span.start..tokens[oend - 1].span.end]).map(|o| o.0);
            k = oend;
            if tokens.get(k).is_some_and(|t| t.lower == "'s") {
                k += 1;
            }
        }
    }
    // ", X's interim president,", ", Y's de facto leader,": up to two adjectives
    // before the office.
    let mut adjectives = 0;
    while adjectives < 2 && office.is_some() && hits_at.get(k).copied().flatten().is_none() && tokens.get(k).is_some_and(|t| lex.language.is_adjective(&t.lower)) {
        k += 1;
        adjectives += 1;
    }
    let (mut tend, hits) = hits_at.get(k).copied().flatten()?;
    let t = hits.iter().find_map(|h| match h {
        Hit::Title(t) if lex.titles[*t].kind != TitleKind::Honorific => Some(*t),
        _ => None,
    })?;
    // A title written with its "of" ("head of"): the "of" opens the complement.
    if tend > k + 1 && tokens[tend - 1].lower == "of" {
        tend -= 1;
    }
    // A plural is no one person's title: "for Orthodox Christmas, Ukrainian officials said".
    let said = fold(&text[tokens[k].span.start..tokens[tend - 1].span.end]);
    let canonical = fold(&lex.titles[t].name);
    if said != canonical && said.ends_with('s') && !canonical.ends_with('s') && said.trim_end_matches('s') == canonical.trim_end_matches('s') || said == format!("{canonical}s") {
        return None;
    }
    // The apposition ends with the title (or "of X"): ", Cambodia's prime minister, said".
    let after = tokens.get(tend).map(|t| t.lower.as_str()).unwrap_or(",");
    // ", Ukraine's envoy to the United Nations,": a complement after the title.
    if ![",", ".", "said", "says", "told", "of", "for", "and", ";", "to", "in"].contains(&after) {
        return None;
    }
    if office.is_none() && (after == "of" || after == "for") {
        let k = if tokens.get(tend + 1).is_some_and(|t| t.lower == "the") { tend + 2 } else { tend + 1 };
        // An organisation no list knows, by its suffix: "head of the Congo River Alliance".
        if hits_at.get(k).copied().flatten().is_none() {
            if let Some((nend, name)) = capitalised_run(tokens, hits_at, k, text, lex, false) {
                if lex.org_suffixes.contains_key(&fold(&text[tokens[nend - 1].span.clone()])) {
                    office = Some(EntRef::unknown(Class::Organization, &name));
                }
            }
        }
        if let Some((oend, hits)) = hits_at.get(k).copied().flatten() {
            let tend = k - 1;
            if let Some(h) = hits.iter().find(|h| h.is_proper()) {
                office = owner_of(lex, *h, &text[tokens[tend + 1].span.start..tokens[oend - 1].span.end]).map(|o| o.0);
            }
            // "chairman of Sudan's Sovereignty Council": the body the possessor owns.
            if tokens.get(oend).is_some_and(|t| t.lower == "'s") {
                let body = hits_at.get(oend + 1).copied().flatten().and_then(|(bend, hs)| {
                    hs.iter().find(|h| matches!(h, Hit::Org(_))).and_then(|h| owner_of(lex, *h, &text[tokens[oend + 1].span.start..tokens[bend - 1].span.end])).map(|o| o.0)
                });
                let named = || capitalised_run(tokens, hits_at, oend + 1, text, lex, false).map(|(_, name)| EntRef::unknown(Class::Organization, &name));
                if let Some(b) = body.or_else(named) {
                    office = Some(b);
                }
            }
        }
    }
    Some((t, office, tokens[k].span.start..tokens[tend - 1].span.end))
}

/// A second title joined to an apposition's title by "and", of the same office: ", Qatar's
/// prime minister and foreign minister,".
fn joined_title(tokens: &[Token], hits_at: &[Option<(usize, &[Hit])>], first: &(usize, Option<EntRef>, Range<usize>), lex: &Lexicon) -> Option<(usize, Option<EntRef>, Range<usize>)> {
    let last = tokens.iter().position(|t| t.span.end == first.2.end)?;
    if tokens.get(last + 1)?.lower != "and" {
        return None;
    }
    let (tend, hits) = hits_at.get(last + 2).copied().flatten()?;
    let t = hits.iter().find_map(|h| match h {
        Hit::Title(t) if lex.titles[*t].kind != TitleKind::Honorific && *t != first.0 => Some(*t),
        _ => None,
    })?;
    Some((t, first.1.clone(), tokens[last + 2].span.start..tokens[tend - 1].span.end))
}

/// Whether the words from `k` describe a person's role: "a member of", "the Russian
/// ambassador", "Cambodia's prime minister", "an MP for".
fn appositive_role(tokens: &[Token], hits_at: &[Option<(usize, &[Hit])>], mut k: usize, lex: &Lexicon) -> bool {
    if tokens.get(k).is_some_and(|t| ["a", "an", "the"].contains(&t.lower.as_str())) {
        k += 1;
    }
    // A country, demonym or organisation first, with or without 's.
    if let Some((end, hits)) = hits_at.get(k).copied().flatten() {
        if hits.iter().any(|h| matches!(h, Hit::Country(_) | Hit::Demonym(_) | Hit::Org(_))) {
            k = end;
            if tokens.get(k).is_some_and(|t| t.lower == "'s") {
                k += 1;
            }
        }
    }
    let title = hits_at.get(k).copied().flatten().is_some_and(|(_, hs)| hs.iter().any(|h| matches!(h, Hit::Title(t) if lex.titles[*t].kind != TitleKind::Honorific)));
    title || tokens.get(k).is_some_and(|t| lex.rules.setting(Setting::PersonRoles).contains(&t.lower))
}

/// Persons introduced with a title in a sentence: (full name) for the document's name table.
pub fn titled_names(text: &str, scan: &Scan<'_>, lex: &Lexicon) -> Vec<String> {
    let (tokens, hits_at) = (&scan.tokens, &scan.hits_at);
    let n = tokens.len();
    let mut out = Vec::new();
    let reporting = lex.rules.setting(Setting::Reporting);
    let mut i = 0;
    while i < n {
        if let Some((tend, hits)) = hits_at[i] {
            if hits.iter().any(|h| matches!(h, Hit::Title(t) if lex.titles[*t].before_name)) {
                if let Some((end, name)) = capitalised_run(&tokens, &hits_at, tend, text, lex, true) {
                    if name.split_whitespace().count() <= 4 {
                        out.push(bare_name(tokens, hits_at, tend, end, lex, text));
                    }
                    i = end;
                    continue;
                }
                // The title's holder in apposition: "Kenya's president, William Ruto, said".
                if tokens.get(tend).is_some_and(|t| t.lower == ",") {
                    if let Some((end, name)) = capitalised_run(&tokens, &hits_at, tend + 1, text, lex, true) {
                        if (2..=4).contains(&name.split_whitespace().count()) && tokens.get(end).is_none_or(|t| matches!(t.lower.as_str(), "," | ".")) {
                            out.push(bare_name(tokens, hits_at, tend + 1, end, lex, text));
                            i = end;
                            continue;
                        }
                    }
                }
            }
            i = tend;
            continue;
        }
        if let Some((end, name)) = capitalised_run(&tokens, &hits_at, i, text, lex, false) {
            let words = end - i;
            // "Name Surname said", "Name Surname, a member of …", "Name Surname, Cambodia's
            // prime minister", "Name Surname of the Crisis Group said".
            let next = tokens.get(end).map(|t| t.lower.as_str()).unwrap_or("");
            let org_like = lex.org_suffixes.contains_key(&fold(&text[tokens[end - 1].span.clone()]));
            let said = reporting.iter().any(|w| w == next);
            let apposition = next == "," && appositive_role(&tokens, &hits_at, end + 1, lex);
            let of_org_said = next == "of" && {
                let k = if tokens.get(end + 1).is_some_and(|t| t.lower == "the") { end + 2 } else { end + 1 };
                hits_at.get(k).copied().flatten().is_some_and(|(_, hs)| hs.iter().any(|h| matches!(h, Hit::Org(_))))
                    && tokens[k..].iter().any(|t| reporting.iter().any(|w| *w == t.lower))
            };
            // "led by Khalifa Haftar", "headed by X": whoever a frame of officialOf names.
            let led_by = i >= 2
                && tokens[i - 1].lower == "by"
                && scan.readings.get(i - 2).and_then(Option::as_deref).is_some_and(|lemma| lex.rules.frames_for(lemma).any(|f| f.predicate == Predicate::OfficialOf));
            // "Mohamed Hamdan Dagalo, widely known as Hemedti,": a one-word alias, no acronym.
            let known_as = next == "," && {
                let mut k = end + 1;
                if tokens.get(k).is_some_and(|t| ["also", "widely", "better", "popularly"].contains(&t.lower.as_str())) {
                    k += 1;
                }
                tokens.get(k).is_some_and(|t| t.lower == "known")
                    && tokens.get(k + 1).is_some_and(|t| t.lower == "as")
                    && tokens.get(k + 2).is_some_and(|t| {
                        let w = &text[t.span.clone()];
                        is_capitalised(w) && w.chars().any(char::is_lowercase)
                    })
                    && tokens.get(k + 3).is_none_or(|t| !is_capitalised(&text[t.span.clone()]))
            };
            if (2..=4).contains(&words) && !org_like && (said || apposition || of_org_said || led_by || known_as) {
                out.push(name);
            }
            i = end;
            continue;
        }
        i += 1;
    }
    out
}
