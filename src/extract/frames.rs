//! Verb groups and mentions of a sentence → statements, by the verb frames of
//! `ontology/lexicon/relations.toml` (`[[frame]]`).
//!
//! A frame is a verb (by lemma) and a predicate, with the argument of the verb that fills the
//! predicate's subject and the one that fills its object: `agent` (who does it: the subject
//! of an active verb, the `by` phrase of a passive one), `patient` (what it is done to: the
//! direct object of an active verb, the subject of a passive one) or a preposition (`to`,
//! `from`, …: the noun phrase after it). So one entry covers "X signed Y", "Y was signed by
//! X", "X, which signed Y", "after signing Y, X …", "Y, signed by X" and "X agreed to sign Y".
//! Arguments are mentions; coordination ("A, B and C") gives one statement per conjunct.

use std::ops::Range;

use super::analysis::{Analysis, Item, Predicate};
use super::relate::{self, Filler, Found};
pub use super::rules::{Frame, Role, Rules};
use super::rules::Setting;
use super::Value;
use crate::language::{Closed, Language, Pos, Tense, VerbGroup, Voice};


/// The grammatical arguments of one verb group, as item indices.
#[derive(Clone, Debug, Default)]
struct Args {
    /// The grammatical subject (left of the verb, or the antecedent of a relative clause).
    subject: Option<(usize, isize)>,
    /// The direct object.
    object: Option<usize>,
    /// Prepositional objects after the verb: (preposition, item, item of the preposition).
    preps: Vec<(String, usize, usize)>,
    /// The antecedent of an object relative ("the deal that X signed").
    object_relative: Option<usize>,
}

/// Item index of each token.
fn item_of(a: &Analysis) -> Vec<usize> {
    let mut out = vec![usize::MAX; a.tokens.len()];
    for (k, item) in a.items.iter().enumerate() {
        match *item {
            Item::Token(t) => out[t] = k,
            Item::Mention(m) => {
                for t in a.mentions[m].tokens.clone() {
                    out[t] = k;
                }
            }
        }
    }
    out
}

fn pos_of(a: &Analysis, k: usize) -> Option<Pos> {
    match a.items.get(k)? {
        Item::Token(t) => a.tags.get(*t).map(|t| t.pos),
        Item::Mention(_) => None,
    }
}

/// Whether item `k` is a mention that can be an argument: one with a reading, a value or an
/// unknown name (a common noun the lexicon knows, "the truce", is one too).
fn is_mention(a: &Analysis, k: usize) -> bool {
    matches!(a.items.get(k), Some(Item::Mention(m)) if { let m = &a.mentions[*m]; !m.alts.is_empty() || m.value.is_some() || m.unknown_name })
}

/// A word that may stand inside a noun phrase before its head: determiners, adjectives,
/// numbers, a possessor's "'s", adverbs like "some", the hyphen of a compound ("anti-tank",
/// "long-range").
fn np_filler(a: &Analysis, k: usize) -> bool {
    matches!(pos_of(a, k), Some(Pos::Closed(Closed::Det | Closed::Possessive) | Pos::Adj | Pos::Num | Pos::Adv)) || a.word(k) == "'s" || relate::compound_hyphen_at(a, k)
}

/// Whether item `i` names a place, or is a name nobody listed (which "the town of" makes one).
fn place_or_name(a: &Analysis, i: usize) -> bool {
    matches!(a.items.get(i), Some(Item::Mention(m)) if a.mentions[*m].alts.first().is_some_and(|r| r.class == super::Class::Place) || a.mentions[*m].unknown_name)
}

/// The preposition (not "of" or "by") that opens a noun phrase of common nouns ending at item
/// `k` right after a mention: in "armed groups in the region", "in" for "region".
fn plain_phrase_after_mention(a: &Analysis, mut k: usize) -> Option<usize> {
    while k > 0 && (np_filler(a, k - 1) || matches!(pos_of(a, k - 1), Some(Pos::Noun))) {
        k -= 1;
    }
    (k >= 2 && matches!(pos_of(a, k - 1), Some(Pos::Closed(Closed::Preposition))) && !matches!(a.word(k - 1), "of" | "by") && is_mention(a, k - 2)).then(|| k - 1)
}

/// Going left from item `k` (inclusive) to the subject of a verb: past adverbs, time
/// phrases ("on Saturday"), inserted clauses between commas, a relative pronoun (to its
/// antecedent).
fn subject_left(a: &Analysis, lang: &Language, mut k: isize) -> Option<usize> {
    let mut steps = 0;
    while k >= 0 && steps < 12 {
        steps += 1;
        let ku = k as usize;
        if is_mention(a, ku) {
            // A date or number is no subject: "X on Saturday signed".
            if let Item::Mention(m) = a.items[ku] {
                if a.mentions[m].value.is_some() {
                    k -= 1;
                    if k >= 0 && (matches!(pos_of(a, k as usize), Some(Pos::Closed(Closed::Preposition))) || lang.is_floating(a.word(k as usize))) {
                        k -= 1;
                    }
                    continue;
                }
            }
            // A name inside a prepositional phrase is not the subject: "settlers in the West
            // Bank city of Hebron set fire" — the phrase's head is further left.
            let mut q = ku;
            // A person's title complement is not the subject: in "King X of Y signed"
            // or "President X of Y met" the person acts, not Y.
            if relate::completes_title(a, q) && class_of(a, ku).is_some_and(|c| matches!(c, super::Class::Country | super::Class::Organization | super::Class::Place)) {
                k = q as isize - 2;
                continue;
            }
            let mut hops = 0;
            while q > 0 && hops < 5 && (np_filler(a, q - 1) || matches!(pos_of(a, q - 1), Some(Pos::Noun)) || is_mention(a, q - 1) || a.word(q - 1) == "of" && hops > 0) {
                if matches!(pos_of(a, q - 1), Some(Pos::Closed(Closed::Preposition))) && a.word(q - 1) != "of" {
                    break;
                }
                // "The trial of the officers was moved": a common noun before "of" heads the
                // phrase, unless it is one of number or part ("hundreds of protesters").
                if a.word(q - 1) == "of" && q >= 2 && matches!(pos_of(a, q - 2), Some(Pos::Noun)) && !lang.is_quantity(a.word(q - 2)) {
                    return None;
                }
                // So does a common noun for a place, event or agreement before "of" a name of
                // another class ("the headquarters of the UN mission was moved"; but "the town
                // of Kunduz" names the town).
                if a.word(q - 1) == "of" && q >= 2 && common_head(a, q - 2).is_some_and(|c| Some(c) != class_of(a, ku)) {
                    return Some(q - 2);
                }
                q -= 1;
                hops += 1;
            }
            if q > 0 && matches!(pos_of(a, q - 1), Some(Pos::Closed(Closed::Preposition))) && !matches!(a.word(q - 1), "of" | "by") {
                k = q as isize - 2;
                continue;
            }
            // So is a name that a place noun's "of" gives inside a prepositional phrase: "an
            // attack on the village of X killed 100" (the attack killed them).
            if q >= 3 && a.word(q - 1) == "of" && (matches!(common_head(a, q - 2), Some(super::Class::Place)) || matches!(pos_of(a, q - 2), Some(Pos::Noun))) {
                let mut r = q - 2;
                while r > 0 && np_filler(a, r - 1) {
                    r -= 1;
                }
                if r > 0 && matches!(pos_of(a, r - 1), Some(Pos::Closed(Closed::Preposition))) && !matches!(a.word(r - 1), "of" | "by") {
                    k = r as isize - 2;
                    continue;
                }
            }
            // The agent of a participle that qualifies the subject: "a ceasefire … brokered by
            // the United States and France took effect" (the ceasefire took effect).
            let mut first = q;
            while first >= 2 && matches!(a.word(first - 1), "and" | "," | "or") && is_mention(a, first - 2) {
                first -= 2;
                while first > 0 && np_filler(a, first - 1) {
                    first -= 1;
                }
            }
            // A list inside a prepositional phrase is not the subject either: "Fighting between
            // Sudan's army and the RSF has killed 400 people" (the fighting has).
            let mut f = q;
            let mut listed = false;
            // (Over "and" only: in "In Doha, Congo and the M23 signed" the comma closes a
            // phrase of place.)
            while f >= 2 && matches!(a.word(f - 1), "and" | "or") && matches!(a.items[f - 2], Item::Mention(m) if a.mentions[m].value.is_none() && !a.mentions[m].alts.is_empty()) {
                listed = true;
                f -= 2;
                while f > 0 && np_filler(a, f - 1) {
                    f -= 1;
                }
            }
            if listed && f > 0 && matches!(pos_of(a, f - 1), Some(Pos::Closed(Closed::Preposition))) && !matches!(a.word(f - 1), "of" | "by") {
                k = f as isize - 2;
                continue;
            }
            let bare_participle = |i: usize| matches!(a.items.get(i), Some(Item::Token(t)) if a.tags[*t].pos == Pos::Verb && a.tags[*t].form == Some(crate::language::Form::Past))
                && !(i >= 1 && matches!(pos_of(a, i - 1), Some(Pos::Closed(Closed::Be | Closed::Have))));
            if first >= 3 && a.word(first - 1) == "by" && bare_participle(first - 2) && is_mention(a, first - 3) {
                return Some(relative_antecedent(a, first - 3));
            }
            return Some(ku);
        }
        match pos_of(a, ku) {
            Some(Pos::Adv) => {}
            Some(Pos::Closed(Closed::Relative)) => {
                // ", which signed", "who signed": the antecedent, past the comma; in "the
                // Taliban religious faction that controls", the name that qualifies the head.
                k -= 1;
                if k >= 0 && a.word(k as usize) == "," {
                    k -= 1;
                }
                let mut back = 0;
                while k >= 0 && back < 3 && !is_mention(a, k as usize) && matches!(pos_of(a, k as usize), Some(Pos::Noun | Pos::Adj)) {
                    k -= 1;
                    back += 1;
                }
                // A time phrase is no antecedent: "air strikes on X on Friday, which
                // killed" (the strikes killed).
                // (So is a range of years: "a war in 1992-97 that killed".)
                let year_at = |i: isize| i >= 0 && matches!(a.items[i as usize], Item::Mention(m) if matches!(a.mentions[m].value, Some(super::Value::Date(_) | super::Value::Year(_))));
                if k >= 3 && matches!(a.items[k as usize], Item::Mention(m) if matches!(a.mentions[m].value, Some(super::Value::Integer(_)))) && a.word(k as usize - 1) == "-" && year_at(k - 2) {
                    k -= 2;
                }
                if k >= 1 && year_at(k) && matches!(pos_of(a, k as usize - 1), Some(Pos::Closed(Closed::Preposition))) {
                    k -= 2;
                }
                return (k >= 0 && is_mention(a, k as usize)).then(|| relative_antecedent(a, k as usize));
            }
            Some(Pos::Punct) if a.word(ku) == "," => {
                // A person named in apposition to the subject is who acts: "The head of the AU
                // Commission, Moussa Faki, welcomed" (the head is no mention).
                let person = |i: usize| matches!(a.items[i], Item::Mention(m) if a.mentions[m].alts.first().is_some_and(|r| r.class == super::Class::Person));
                if ku >= 2 && person(ku - 1) && a.word(ku - 2) == "," {
                    return Some(ku - 1);
                }
                // An inserted clause or apposition: "Egypt, which backs the army, welcomed".
                match relate::inserted_clause_start(a, ku) {
                    // A relative clause whose antecedent is the agreement or event a phrase
                    // qualifies: "the truce between the army and the rebels, which …, was
                    // broken" (the truce, not the rebels).
                    Some(q) if q >= 1 && matches!(pos_of(a, q + 1), Some(Pos::Closed(Closed::Relative))) && is_mention(a, q - 1) => {
                        let antecedent = relative_antecedent(a, q - 1);
                        if antecedent != q - 1 {
                            return Some(antecedent);
                        }
                        k = q as isize;
                    }
                    Some(q) => k = q as isize,
                    // "Iran's foreign minister, Abbas Araghchi, said": the title and the
                    // name are one mention, and the comma closes it.
                    None if ku >= 1 && person(ku - 1) && matches!(a.items[ku - 1], Item::Mention(m) if a.mentions[m].surface.contains(", ")) => return Some(ku - 1),
                    None => return None,
                }
            }
            // A prepositional phrase of common nouns after the subject: "armed groups in the
            // region have received".
            Some(Pos::Noun) if let Some(preposition) = plain_phrase_after_mention(a, ku) => k = preposition as isize,
            _ if lang.is_floating(a.word(ku)) => {}
            // A bare participle qualifying the noun before it, whose phrase was passed: the
            // noun is the subject ("fighters affiliated with al-Qaeda attacked").
            Some(Pos::Verb) if ku >= 1 && is_mention(a, ku - 1) && matches!(a.items[ku], Item::Token(t) if a.tags[t].form == Some(crate::language::Form::Past)) => {}
            _ => return None,
        }
        k -= 1;
    }
    None
}

/// The class of a common-noun mention at item `k` that names a place, an event or an
/// agreement ("the headquarters", "the trial", "the deal").
fn common_head(a: &Analysis, k: usize) -> Option<super::Class> {
    use super::Class::{Agreement, Event, Place};
    match a.items.get(k) {
        Some(Item::Mention(m)) if relate::transparent(&a.mentions[*m]) => a.mentions[*m].alts.first().map(|r| r.class).filter(|c| matches!(c, Place | Event | Agreement)),
        _ => None,
    }
}

/// The class of the first reading of the mention at item `k`.
fn class_of(a: &Analysis, k: usize) -> Option<super::Class> {
    match a.items.get(k) {
        Some(Item::Mention(m)) => a.mentions[*m].alts.first().map(|r| r.class),
        _ => None,
    }
}

/// The first conjunct of a coordinated list of mentions ending at item `k` ("Chad, Niger
/// and Mali"), or `k` itself.
fn first_conjunct(a: &Analysis, mut k: usize) -> usize {
    while k >= 2 && matches!(a.word(k - 1), "and" | "," | "or") && is_mention(a, k - 2) {
        k -= 2;
    }
    k
}

/// A relative clause with a reporting clause inserted before its verb, which starts at item
/// `start`: "the fighters, who diplomats say are backed by X" (the fighters are): the
/// relative pronoun's antecedent.
fn reported_relative(a: &Analysis, lang: &Language, start: usize) -> Option<usize> {
    let say = start.checked_sub(1)?;
    if !matches!(a.items[say], Item::Token(t) if a.tags[t].pos == Pos::Verb && lang.verb_ref(&a.tokens[t].lower).is_some_and(|(lemma, _)| lang.is_report_verb(lemma))) {
        return None;
    }
    // The reporter: a short noun phrase, no verb in it.
    let relative = (say.saturating_sub(4)..say).rev().find(|&k| matches!(pos_of(a, k), Some(Pos::Closed(Closed::Relative))))?;
    if relative + 1 == say || (relative + 1..say).any(|k| matches!(pos_of(a, k), Some(Pos::Verb | Pos::Punct))) {
        return None;
    }
    let mut k = relative.checked_sub(1)?;
    if a.word(k) == "," {
        k = k.checked_sub(1)?;
    }
    is_mention(a, k).then(|| relative_antecedent(a, k))
}

/// The antecedent of a relative pronoun whose nearest noun is the mention at `k`: that
/// mention, or the agreement or event a prepositional phrase ending in it qualifies ("the
/// ceasefire between Thailand and Cambodia, which took effect", "the truce in Yemen, which
/// the UN brokered").
fn relative_antecedent(a: &Analysis, k: usize) -> usize {
    // The first item of the noun phrase whose head is the mention at `i`: its determiner or
    // possessive ("the rebels", "their allies").
    let start = |i: usize| if i >= 1 && matches!(pos_of(a, i - 1), Some(Pos::Closed(Closed::Det | Closed::Possessive))) { i - 1 } else { i };
    // Back over the conjuncts: "between the army and the rebels".
    let mut j = start(k);
    while j >= 2 && matches!(a.word(j - 1), "and" | "," | "or") && is_mention(a, j - 2) {
        j = start(j - 2);
    }
    let head = |i: usize| matches!(a.items.get(i), Some(Item::Mention(m)) if a.mentions[*m].alts.first().is_some_and(|r| matches!(r.class, super::Class::Agreement | super::Class::Event)));
    if head(k) {
        return k;
    }
    // Past one "of" phrase inside the prepositional one: "a bombing at the market of X, which
    // killed 30" (the bombing killed them).
    if j >= 3 && a.word(j - 1) == "of" && (is_mention(a, j - 2) || matches!(pos_of(a, j - 2), Some(Pos::Noun))) && !head(j - 2) {
        let mut r = start(j - 2);
        while r > 0 && np_filler(a, r - 1) {
            r -= 1;
        }
        if r >= 2 && matches!(pos_of(a, r - 1), Some(Pos::Closed(Closed::Preposition))) && a.word(r - 1) != "of" && head(r - 2) {
            return r - 2;
        }
    }
    if j >= 2 && matches!(pos_of(a, j - 1), Some(Pos::Closed(Closed::Preposition))) && head(j - 2) {
        j - 2
    } else {
        k
    }
}

/// Going right from item `k` to the head mention of a noun phrase: past determiners,
/// adjectives, numbers and a possessor ("the region's second town Shusha").
fn np_right(a: &Analysis, lang: &Language, mut k: usize, limit: usize) -> Option<usize> {
    // (A compound modifier's hyphen and second word do not count: "a six-month ceasefire".)
    let mut end = (k + limit).min(a.items.len());
    while k < end {
        if relate::compound_hyphen_at(a, k) {
            end = (end + 2).min(a.items.len());
        }
        let number = matches!(a.items[k], Item::Mention(m) if matches!(a.mentions[m].value, Some(crate::extract::Value::Integer(_))));
        // A number that ends the phrase is its head: "an attack on a hotel kills 20".
        if number && (k + 1 >= a.items.len() || a.word(k + 1) != "-" && matches!(pos_of(a, k + 1), Some(Pos::Punct | Pos::Closed(Closed::Preposition | Closed::Conjunction)))) {
            return Some(k);
        }
        // A number counts the head: "killed 60 soldiers", "more than 100 Palestinians", "a
        // 4,000-strong contingent".
        if number && k + 1 < end {
            // "killed at least 45 people": a count of a plain noun that names no one is the
            // number itself (a frame may want it as a toll).
            if matches!(pos_of(a, k + 1), Some(Pos::Noun)) && !is_mention(a, k + 1) && !is_mention(a, k + 2) && !matches!(pos_of(a, k + 2), Some(Pos::Noun)) {
                return Some(k);
            }
            k += 1;
            if a.word(k) == "-" && lang.is_size_suffix(a.word(k + 1)) {
                k += 2;
            }
            continue;
        }
        // "much of X", "dozens of X", "large parts of X": a quantity's "of" leads to the head.
        if a.word(k + 1) == "of" && matches!(a.items[k], Item::Token(_)) && lang.is_quantity(a.word(k)) {
            k += 2;
            continue;
        }
        // A compound modifier that names another actor: "Kurdish-led forces", "Iran-backed
        // militias" (the head is what follows).
        if relate::compound_hyphen_at(a, k + 1) && matches!(pos_of(a, k + 2), Some(Pos::Verb | Pos::Adj)) && k + 3 < end && is_mention(a, k + 3) {
            k += 3;
            continue;
        }
        // The same compound read as one name no list knows ("Kurdish-led").
        if relate::compound_modifier(a, k) && k + 1 < end && is_mention(a, k + 1) {
            k += 1;
            continue;
        }
        // A possessor that names no one by itself ("the government's deal", no government
        // named before): the head is what follows.
        if matches!(a.items[k], Item::Mention(_)) && !is_mention(a, k) && a.word(k + 1) == "'s" && is_mention(a, k + 2) {
            return Some(k + 2);
        }
        // A name nobody listed before a noun modifies it: "Shia militia bases" (X militia bases).
        if matches!(a.items[k], Item::Mention(m) if a.mentions[m].unknown_name && a.mentions[m].alts.is_empty()) && k + 1 < end && (is_mention(a, k + 1) || matches!(pos_of(a, k + 1), Some(Pos::Noun))) {
            k += 1;
            continue;
        }
        if is_mention(a, k) {
            // A compound of common nouns: "the army headquarters" is the headquarters.
            let common = |i: usize| matches!(a.items.get(i), Some(Item::Mention(m)) if relate::transparent(&a.mentions[*m]) && !a.mentions[*m].alts.is_empty());
            if common(k) && common(k + 1) {
                k += 1;
                continue;
            }
            // A common noun that modifies a plain noun heads nothing: "a military alliance";
            // "a military cooperation agreement" is the agreement.
            if common(k) && matches!(pos_of(a, k + 1), Some(Pos::Noun)) {
                // "struck rebel positions": what a group holds stands for the group.
                // ("military targets" are no military's: a body named by an adjective is none.)
                let group = matches!(a.items[k], Item::Mention(m) if a.mentions[m].alts.first().is_some_and(|r| r.class == super::Class::Group || r.class == super::Class::Organization && !(a.mentions[m].tokens.len() == 1 && lang.is_adjective(&a.tokens[a.mentions[m].tokens.start].lower))));
                if group && lang.is_holding(a.word(k + 1)) {
                    return Some(k);
                }
                let mut q = k + 1;
                while q < k + 4 && matches!(pos_of(a, q), Some(Pos::Noun)) {
                    q += 1;
                }
                if common(q) {
                    k = q;
                    continue;
                }
                // "the port town of X": the place the "of" names.
                if a.word(q) == "of" && place_or_name(a, q + 1) {
                    return Some(q + 1);
                }
                return None;
            }
            // "military and civilian personnel": coordinated noun modifiers.
            if common(k) && matches!(a.word(k + 1), "and" | "or") && common(k + 2) && common(k + 3) {
                k += 2;
                continue;
            }
            // A possessor: "Russia's troops" — the head is what follows when it is a mention.
            if a.word(k + 1) == "'s" {
                let head = (k + 2..(k + 5).min(a.items.len())).find(|&q| is_mention(a, q));
                if let Some(q) = head.filter(|&q| (k + 2..q).all(|x| np_filler(a, x) || pos_of(a, x) == Some(Pos::Noun))) {
                    return Some(q);
                }
            }
            // A nationality before a common noun modifies it: "shell Iraqi towns" names no
            // entity, "the Iraqi city of Basra" names Basra.
            if matches!(a.items[k], Item::Mention(m) if a.mentions[m].tokens.len() == 1 && a.mentions[m].alts.first().is_some_and(|r| r.class == super::Class::Country))
                && matches!(pos_of(a, k + 1), Some(Pos::Noun | Pos::Adj))
            {
                let mut q = k + 1;
                while q < a.items.len() && matches!(pos_of(a, q), Some(Pos::Noun | Pos::Adj)) {
                    q += 1;
                }
                // "the Ukrainian capital, Kyiv,": the place the apposition names.
                let place_at = |i: usize| matches!(a.items.get(i), Some(Item::Mention(m)) if a.mentions[*m].alts.first().is_some_and(|r| r.class == super::Class::Place));
                if a.word(q) == "," && place_at(q + 1) {
                    return Some(q + 1);
                }
                // "the Somali capital Mogadishu": named right after the noun.
                if q > k + 1 && place_at(q) && matches!(a.items.get(q), Some(Item::Mention(m)) if !relate::transparent(&a.mentions[*m])) {
                    return Some(q);
                }
                // Otherwise the nationality stands for its state ("bombed Cambodian military
                // positions", "withdraw from Lebanese territory").
                return Some(if a.word(q) == "of" && is_mention(a, q + 1) { q + 1 } else { k });
            }
            return Some(k);
        }
        // "the village of Tawila", "the port city of Hodeidah": a common noun whose "of"
        // names the place.
        if matches!(pos_of(a, k), Some(Pos::Noun)) {
            let mut q = k;
            while q < end && (matches!(pos_of(a, q), Some(Pos::Noun)) || relate::compound_hyphen_at(a, q)) {
                q += 1;
            }
            // A compound modifier is no head: "a six-month bilateral ceasefire", "a 90-day
            // truce".
            let hyphens = (k + 1..q).filter(|&i| relate::compound_hyphen_at(a, i)).count();
            if q < end && hyphens > 0 && matches!(pos_of(a, q), Some(Pos::Adj)) {
                end = (end + 2 * hyphens).min(a.items.len());
                k = q;
                continue;
            }
            if a.word(q) == "of" && place_or_name(a, q + 1) {
                return Some(q + 1);
            }
            // Nouns as modifiers of a name: "the ruling Georgian Dream party".
            return (q < end && is_mention(a, q) && a.word(q + 1) != "'s").then_some(q);
        }
        // "21 military and civilian personnel": coordinated modifiers.
        let coordinated = matches!(a.word(k), "and" | "or") && k > 0 && matches!(pos_of(a, k - 1), Some(Pos::Adj)) && matches!(pos_of(a, k + 1), Some(Pos::Adj | Pos::Noun));
        if !(np_filler(a, k) || coordinated || matches!(a.word(k), "\"" | "“" | "”" | "'" | "‘" | "’")) {
            return None;
        }
        k += 1;
    }
    None
}

/// The grammatical arguments of verb group `g`.
fn arguments(a: &Analysis, lang: &Language, g: &VerbGroup, items: &[usize]) -> Args {
    let mut args = Args::default();
    let start = items[g.tokens.start];
    let head = items[g.head];
    if start == usize::MAX || head == usize::MAX {
        return args;
    }
    // Subject: to the left; for "after signing Y, X …" the first mention after the comma.
    // "After signing the deal, X …": a subordinator or preposition that opens the sentence or
    // a clause after a comma (not "capable of launching").
    let opener = start == 0
        || matches!(pos_of(a, start - 1), Some(Pos::Closed(Closed::Subordinator | Closed::Preposition))) && (start == 1 || matches!(a.word(start - 2), "," | ";" | "—" | "–"));
    if g.gerund && opener {
        let comma = (head + 1..a.items.len()).find(|&k| a.word(k) == "," || a.word(k) == ";");
        if let Some(c) = comma.filter(|_| a.word(comma.unwrap_or(0)) == ",") {
            if let Some(s) = np_right(a, lang, c + 1, 4) {
                args.subject = Some((s, 1));
            }
        }
    } else if start > 0 && g.voice == Voice::Passive && g.tokens.start == g.head && a.word(start - 1) == "," && start >= 2 && is_mention(a, start - 2) {
        // A participle in apposition: "The truce, mediated by Qatar and Egypt, …", "a truce
        // between Israel and Hamas, brokered by Qatar, …" (the truce, not Hamas).
        args.subject = Some((relative_antecedent(a, start - 2), -1));
    } else if start > 0 && g.voice == Voice::Passive && g.tokens.start == g.head && is_mention(a, start - 1) {
        // A participle right after its noun phrase: "a ceasefire between Israel and Hezbollah
        // brokered by the United States" (the ceasefire, not Hezbollah).
        args.subject = Some((relative_antecedent(a, start - 1), -1));
    } else if let Some(antecedent) = reported_relative(a, lang, start) {
        args.subject = Some((antecedent, -1));
    } else if start > 0 {
        args.subject = subject_left(a, lang, start as isize - 1).map(|s| (s, -1));
    }
    // An object relative: "the ceasefire that Thailand and Cambodia signed", "the town which
    // the rebels seized": the antecedent before "that"/"which" is the object.
    if let Some((s, _)) = args.subject {
        // Past the coordinated subject to its first conjunct.
        let mut q = first_conjunct(a, s);
        // "which the United Nations brokered": past the subject's article.
        if q >= 2 && matches!(pos_of(a, q - 1), Some(Pos::Closed(Closed::Det))) {
            q -= 1;
        }
        if q >= 2 && matches!(a.word(q - 1), "that" | "which" | "whom") && a.word(q - 1) != "" {
            let mut r = q - 2;
            // ", which the UN brokered": past the comma.
            if r > 0 && a.word(r) == "," {
                r -= 1;
            }
            while r > 0 && !is_mention(a, r) && matches!(pos_of(a, r), Some(Pos::Noun | Pos::Adj)) {
                r -= 1;
            }
            if is_mention(a, r) {
                args.object_relative = Some(relative_antecedent(a, r));
            }
        }
    }
    // Objects: to the right, within the clause, up to the next verb.
    let mut k = head + 1;
    // Particles: "took over", "shot down", "pulled back"; "out of" stays a preposition.
    while matches!(a.word(k), "over" | "down" | "up" | "out" | "back" | "off") && !matches!(a.word(k + 1), "the" | "a" | "an" | "of" | "from" | "to") {
        k += 1;
    }
    let mut first = true;
    let end = (head + 16).min(a.items.len());
    while k < end {
        if relate::is_boundary(a, k) && !(a.word(k) == "," && first) {
            break;
        }
        match pos_of(a, k) {
            Some(Pos::Verb) if !matches!(a.tags.get(match a.items[k] { Item::Token(t) => t, _ => 0 }).and_then(|t| t.form), Some(crate::language::Form::Past | crate::language::Form::Gerund)) || !first => break,
            Some(Pos::Closed(Closed::Preposition | Closed::To)) => {
                let mut p = a.word(k).to_owned();
                // "out of", "away from", "back to": the last preposition names the role.
                let mut j = k + 1;
                while matches!(pos_of(a, j), Some(Pos::Closed(Closed::Preposition | Closed::To))) && j < k + 3 {
                    p = format!("{p} {}", a.word(j));
                    j += 1;
                }
                if let Some(m) = np_right(a, lang, j, 5) {
                    let last = p.rsplit(' ').next().unwrap_or("").to_owned();
                    args.preps.push((p.clone(), m, k));
                    if last != p {
                        args.preps.push((last, m, k));
                    }
                    k = m + 1;
                    first = false;
                    continue;
                }
                k = j;
                first = false;
                continue;
            }
            // "by Congo and the M23 in Doha": a conjunct of the phrase before, then on.
            Some(Pos::Closed(Closed::Conjunction)) if k > 0 && is_mention(a, k - 1) => {
                if let Some(m) = np_right(a, lang, k + 1, 3) {
                    k = m + 1;
                    continue;
                }
                break;
            }
            Some(Pos::Closed(Closed::Relative | Closed::Subordinator | Closed::Conjunction)) => break,
            _ => {}
        }
        if first {
            if let Some(m) = np_right(a, lang, k, 5) {
                args.object = Some(m);
                k = m + 1;
                first = false;
                continue;
            }
            // "took control of X", "regained control over X": the noun and its preposition
            // name the role, past adjectives ("took full control of X").
            // ("demanding the resignation of X": past its determiner too.)
            let mut n = if matches!(pos_of(a, k), Some(Pos::Closed(Closed::Det))) { k + 1 } else { k };
            while n < k + 3 && (matches!(pos_of(a, n), Some(Pos::Adj)) || matches!(pos_of(a, n), Some(Pos::Noun)) && lang.is_adjective(a.word(n)) && matches!(pos_of(a, n + 1), Some(Pos::Noun))) {
                n += 1;
            }
            if matches!(pos_of(a, n), Some(Pos::Noun)) && matches!(pos_of(a, n + 1), Some(Pos::Closed(Closed::Preposition))) {
                if let Some(m) = np_right(a, lang, n + 2, 5) {
                    args.preps.push((format!("{} {}", a.word(n), a.word(n + 1)), m, n + 1));
                    // "opened fire on X": the preposition alone names the role too.
                    args.preps.push((a.word(n + 1).to_owned(), m, n + 1));
                    k = m + 1;
                    first = false;
                    continue;
                }
            }
        }
        first = false;
        k += 1;
    }
    // A relative clause without "that": "the enclave the rebels have held", "the deal
    // Qatar brokered" — an active verb with no object whose subject follows a definite noun
    // phrase directly has that phrase as its object.
    if args.object.is_none() && args.object_relative.is_none() && g.voice == Voice::Active && !g.infinitive && !g.gerund {
        if let Some((s, _)) = args.subject.filter(|&(s, d)| d < 0 && s < start) {
            let mut q = first_conjunct(a, s);
            // The subject's own determiner, past up to two modifiers ("the Kurdish militia").
            let mut m = q;
            while m >= 1 && q - m < 2 && (matches!(pos_of(a, m - 1), Some(Pos::Adj)) || matches!(a.items[m - 1], Item::Mention(x) if a.mentions[x].tokens.len() == 1 && a.mentions[x].value.is_none())) {
                m -= 1;
            }
            if m >= 1 && matches!(pos_of(a, m - 1), Some(Pos::Closed(Closed::Det))) {
                q = m - 1;
            } else if q >= 1 && matches!(pos_of(a, q - 1), Some(Pos::Closed(Closed::Det))) {
                q -= 1;
            }
            let np = q.checked_sub(1).filter(|&n| matches!(a.items[n], Item::Mention(m) if a.mentions[m].value.is_none()));
            if let Some(n) = np {
                let mut d = n;
                while d > 0 && matches!(pos_of(a, d - 1), Some(Pos::Adj | Pos::Noun)) {
                    d -= 1;
                }
                if d > 0 && matches!(a.word(d - 1), "the" | "a" | "an" | "this" | "that") {
                    args.object_relative = Some(n);
                }
            }
        }
    }
    args
}

/// The arguments of every verb group of the sentence, in order.
fn all_arguments(a: &Analysis, lang: &Language, items: &[usize]) -> Vec<Args> {
    let mut args: Vec<Args> = a.groups.iter().map(|g| arguments(a, lang, g, items)).collect();
    // "The faction that controls Afghanistan refused": a subject found left of a verb that is
    // the object of a relative clause just before is not that verb's subject; the relative
    // clause's antecedent is.
    for g in 1..args.len() {
        let Some((s, _)) = args[g].subject else { continue };
        // A bare participle modifies the noun before it, whoever governs that noun: "welcomed
        // the deal brokered by the UAE".
        let participle = a.groups[g].voice == Voice::Passive && a.groups[g].tokens.start == a.groups[g].head;
        // A subject found through a relative pronoun ("the faction that controls") stays.
        let own_start = items[a.groups[g].tokens.start];
        let through_relative = own_start != usize::MAX && own_start > 0 && matches!(pos_of(a, own_start - 1), Some(Pos::Closed(Closed::Relative)));
        if participle || through_relative {
            continue;
        }
        let claimed = (0..g).rev().find(|&h| args[h].object == Some(s) || args[h].preps.iter().any(|(_, m, _)| *m == s));
        if let Some(h) = claimed {
            let start = items[a.groups[h].tokens.start];
            let relative = start != usize::MAX && start > 0 && matches!(pos_of(a, start - 1), Some(Pos::Closed(Closed::Relative)));
            // "said the security forces had fired", "claimed the army shelled": a finite verb
            // right after the object opens a clause whose subject that noun is (the object
            // stays the first verb's too: "Taliban ruled Afghanistan has been sharing").
            let clause = !relative && args[h].object == Some(s) && own_start == s + 1 && !a.groups[g].infinitive && !a.groups[g].gerund;
            // A bare participle qualifying the subject ("insurgents linked to the Islamic
            // State attacked X") leaves the subject to the noun it qualifies.
            // (A bare past form whose phrase another verb's subject ends is such a participle,
            // whatever voice it was read with.)
            let qualifying = a.groups[h].tokens.start == a.groups[h].head && (a.groups[h].voice == Voice::Passive || a.tags[a.groups[h].head].form == Some(crate::language::Form::Past));
            if !clause {
                args[g].subject = if relative || qualifying { args[h].subject } else { None };
            }
        }
    }
    // Coordinated verbs share their subject: "formed the AES and quit ECOWAS", "captured
    // and held the town"; so does a participle clause after a comma with the clause before
    // it ("protesters rallied in the capital, demanding the resignation of X", "Kenya sent
    // troops, accusing the rebels of …"), unless it tells what the act did ("stormed a
    // hotel, killing 20 people": `result` verbs of function_words.tsv).
    for g in 1..args.len() {
        let start = items[a.groups[g].tokens.start];
        let after_clause = a.groups[g].gerund && start != usize::MAX && start > 0 && a.word(start - 1) == "," && !a.groups[g - 1].gerund && !a.groups[g - 1].infinitive;
        let participle_clause = after_clause && !lang.is_result_verb(&a.groups[g].lemma);
        // What an event did, though, the event did: "An air strike hit a school, killing 30
        // people" (the strike killed them).
        let event = |k: usize| matches!(a.items.get(k), Some(Item::Mention(m)) if a.mentions[*m].alts.first().is_some_and(|r| r.class == super::Class::Event));
        let event_result = after_clause && args[g - 1].subject.is_some_and(|(k, _)| event(k));
        if args[g].subject.is_none() && start != usize::MAX && start > 0 && (matches!(a.word(start - 1), "and" | "or" | "but") || participle_clause || event_result) {
            args[g].subject = args[g - 1].subject;
        }
    }
    args
}

impl Frame {
    /// The item filling `role` for verb group `g`, and the direction to extend coordination.
    fn argument(&self, role: &Role, g: &VerbGroup, args: &Args) -> Option<(usize, isize)> {
        let prep = |p: &str| args.preps.iter().find(|(q, _, _)| q == p).map(|(_, m, _)| (*m, 1));
        match (role, g.voice) {
            (Role::Agent, Voice::Active) => args.subject,
            (Role::Agent, Voice::Passive) => prep("by"),
            // A relative clause's antecedent is read leftwards, with its conjuncts: "Kyaukme and
            // Hsipaw, which they seized".
            (Role::Patient, Voice::Active) => args.object.map(|o| (o, 1)).or(args.object_relative.map(|o| (o, -1))),
            (Role::Patient, Voice::Passive) => args.subject,
            (Role::Prep(p), _) => prep(p),
        }
    }
}

impl Frame {
    /// The argument filling the first of `roles` the verb has; of several prepositional
    /// phrases, the one nearest the verb ("deployed along the frontline in X" is the
    /// frontline, whatever order the frame lists "in" and "along").
    fn first_argument(&self, roles: &[Role], g: &VerbGroup, args: &Args) -> Option<(usize, isize)> {
        let (k, found) = roles.iter().enumerate().find_map(|(k, r)| self.argument(r, g, args).map(|x| (k, x)))?;
        if !matches!(roles[k], Role::Prep(_)) {
            return Some(found);
        }
        roles[k..].iter().filter(|r| matches!(r, Role::Prep(_))).filter_map(|r| self.argument(r, g, args)).min_by_key(|&(item, _)| item)
    }
}

/// The time adjunct of verb group `g`, with its span: a date after a time preposition after
/// the verb ("on Saturday", "in 2015"), a date right after its object ("signed the truce
/// yesterday"; not "until Friday": `time_bounds`), or a date opening its clause ("On Friday,
/// X and Y agreed", "and on Sunday the rebels signed"), which also dates a verb coordinated
/// with that clause's ("On July 22, A signed X and B signed Y").
fn time_adjunct(a: &Analysis, rules: &Rules, g: &VerbGroup, items: &[usize], args: &Args, o_item: usize) -> Option<(Value, Range<usize>)> {
    let prepositions = rules.setting(Setting::TimePrepositions);
    let bounds = rules.setting(Setting::TimeBounds);
    let date_of = |m: usize| match a.items.get(m) {
        Some(Item::Mention(d)) => a.mentions[*d].value.clone().filter(|v| matches!(v, Value::Date(_) | Value::Year(_))).map(|v| (v, a.mentions[*d].span.clone())),
        _ => None,
    };
    if let Some(d) = args.preps.iter().filter(|(p, _, _)| prepositions.iter().any(|q| q == p)).find_map(|(_, m, _)| date_of(*m)) {
        return Some(d);
    }
    let bare = (o_item + 1..(o_item + 3).min(a.items.len())).find(|&k| date_of(k).is_some() && !bounds.iter().any(|b| b == a.word(k - 1)));
    if let Some(d) = bare.and_then(date_of) {
        return Some(d);
    }
    // Past the places and appositions after the object, up to another verb or clause: "signed
    // a peace accord in Lusaka, the Zambian capital, on Sunday".
    let mut k = o_item + 1;
    while k < (o_item + 14).min(a.items.len()) {
        if date_of(k).is_some() && prepositions.iter().any(|p| p == a.word(k - 1)) {
            return date_of(k);
        }
        if matches!(pos_of(a, k), Some(Pos::Verb | Pos::Closed(Closed::Relative | Closed::Subordinator | Closed::Conjunction))) || matches!(a.word(k), ";" | ":" | "(" | "\"" | "“") {
            break;
        }
        k += 1;
    }
    // Leftwards to the clause's start, over its subject.
    let start = items[g.tokens.start];
    if start == usize::MAX {
        return None;
    }
    let mut k = start;
    let mut coordinated = false;
    while k > 0 {
        k -= 1;
        if let Some(d) = date_of(k) {
            let opens = k == 0 || a.word(k - 1) == "," || prepositions.iter().any(|p| p == a.word(k - 1)) && (k == 1 || relate::is_boundary(a, k - 2) || matches!(a.word(k - 2), "and" | "but"));
            return opens.then_some(d);
        }
        match pos_of(a, k) {
            Some(Pos::Closed(Closed::Conjunction)) => coordinated = true,
            // Another verb: this clause is coordinated with its clause, or is no main clause.
            Some(Pos::Verb) if coordinated => coordinated = false,
            Some(Pos::Verb | Pos::Closed(Closed::Relative | Closed::Subordinator)) => return None,
            _ if relate::is_boundary(a, k) && a.word(k) != "," => return None,
            _ => {}
        }
    }
    None
}

/// Verb groups whose subject is another group's: "X agreed to sign", "X is willing to withdraw".
fn controller(groups: &[VerbGroup], gi: usize, a: &Analysis) -> Option<usize> {
    let g = &groups[gi];
    if !g.infinitive {
        return None;
    }
    // The "to" before the group, then the governing verb (or "willing"/"ready" after "is").
    let to = g.tokens.start.checked_sub(1)?;
    groups[..gi].iter().rposition(|h| h.head < to && to - h.head <= 3 && (h.head + 1..to).all(|t| !matches!(a.tags[t].pos, Pos::Verb | Pos::Punct)))
}

/// Applies every frame to the verb groups of a sentence.
pub fn apply(a: &Analysis, rules: &Rules, lang: &Language) -> Vec<Found> {
    let mut out = Vec::new();
    // An event the contract dates (no meeting: talks are held on many days).
    let event_at = |k: usize| match a.items.get(k) {
        Some(Item::Mention(m)) if !a.mentions[*m].group.as_ref().is_some_and(|g| g.role == super::analysis::NounRole::Meeting) => {
            a.mentions[*m].alts.first().filter(|r| r.class == super::Class::Event).map(|r| (r, a.mentions[*m].span.clone()))
        }
        _ => None,
    };
    let has_event = a.mentions.iter().any(|m| m.alts.first().is_some_and(|r| r.class == super::Class::Event));
    if rules.frames.is_empty() || !has_event && !a.groups.iter().any(|g| rules.frames_for(&g.lemma).next().is_some()) {
        return out;
    }
    let items = item_of(a);
    let args = all_arguments(a, lang, &items);
    let accusation_content = relate::accusation_content(a, rules);
    let negators = rules.setting(Setting::Negators);
    for (gi, g) in a.groups.iter().enumerate() {
        if g.negated {
            continue;
        }
        let frames: Vec<&Frame> = rules.frames_for(&g.lemma).collect();
        // The subject of a finite verb ("air strikes killed 225 on Saturday"), or what an
        // attacking verb's agent carries out ("launched air strikes on Saturday"); not what
        // another verb is about ("condemned the attack on Friday").
        let attacking = frames.iter().any(|f| f.predicate == Predicate::Attacked);
        let subject = args[gi].subject.filter(|&(_, d)| d < 0 && !g.infinitive && !g.gerund).map(|(s, _)| s);
        let event = subject.and_then(event_at).or_else(|| args[gi].object.filter(|_| attacking).and_then(event_at));
        if frames.is_empty() && event.is_none() {
            continue;
        }
        let mut here = args[gi].clone();
        // "may have supplied", "could seize", "must withdraw": a possibility or a duty is no fact.
        let irrealis_modal = |g: &VerbGroup| a.tokens[g.tokens.clone()].iter().any(|t| rules.setting(Setting::IrrealisModals).contains(&t.lower));
        if irrealis_modal(g) {
            continue;
        }
        // "X has not confirmed that its forces carried out the strike", "X denied that …": a
        // clause a negated or denying verb governs states nothing.
        if let Some(gov) = a.groups[..gi].last() {
            let denied = gov.negated || negators.contains(&a.tokens[gov.head].lower);
            let between = &a.tokens[gov.head + 1..g.tokens.start];
            if denied && between.iter().any(|t| t.lower == "that") && !between.iter().any(|t| matches!(t.lower.as_str(), "," | ";" | ":" | "but" | "and")) {
                continue;
            }
        }
        let mut hedged = g.modal || g.tense == Tense::Future;
        // "X will withdraw unless Y …", "X would send troops if …": a future under a condition
        // is no fact.
        let condition_after = |g: &VerbGroup| a.tokens[g.head + 1..].iter().any(|t| t.lower == "unless" || t.lower == "if");
        if hedged && condition_after(g) {
            continue;
        }
        // "X agreed to sign Y": the controlling verb's subject; "refused to sign" is no fact.
        if let Some(c) = controller(&a.groups, gi, a) {
            let gov = &a.groups[c];
            if gov.negated || rules.setting(Setting::Irrealis).iter().any(|w| **w == *gov.lemma) || irrealis_modal(gov) {
                continue;
            }
            hedged |= gov.modal || gov.tense == Tense::Future || rules.setting(Setting::Commitments).iter().any(|w| **w == *gov.lemma);
            if here.subject.is_none() {
                here.subject = args[c].subject;
            }
        } else if g.infinitive {
            // "is willing to", "ready to", "able to": the subject of "be" before the adjective.
            let to = g.tokens.start.saturating_sub(1);
            if to >= 2 && matches!(a.tags[to - 1].pos, Pos::Adj | Pos::Noun | Pos::Verb) {
                let be = (to.saturating_sub(3)..to - 1).rev().find(|&t| a.tags[t].pos == Pos::Closed(Closed::Be));
                if let Some(be) = be {
                    if items[be] != usize::MAX && items[be] > 0 {
                        here.subject = subject_left(a, lang, items[be] as isize - 1).map(|s| (s, -1));
                        hedged = true;
                    }
                }
            }
        }
        // "began firing rockets at X", "continued shelling Y": an -ing form right after a verb
        // of aspect has that verb's subject (and its negation or modality).
        if g.gerund && gi > 0 {
            // "considering sending troops", "denied shelling": an -ing complement of a plan, a
            // wish or a refusal is no fact.
            let h = &a.groups[gi - 1];
            if h.head + 1 == g.tokens.start && rules.setting(Setting::Irrealis).iter().any(|w| **w == *h.lemma) {
                continue;
            }
        }
        if g.gerund && here.subject.is_none() && gi > 0 {
            let h = &a.groups[gi - 1];
            if h.head + 1 == g.tokens.start && rules.setting(Setting::AspectVerbs).iter().any(|w| **w == *h.lemma) {
                if h.negated || irrealis_modal(h) {
                    continue;
                }
                hedged |= h.modal || h.tense == Tense::Future;
                here.subject = args[gi - 1].subject;
            }
        }
        // An infinitive of purpose: "Turkey sent troops to Tripoli to back the GNA" — the
        // main clause's subject, when nothing stands between but its own phrases.
        if g.infinitive && here.subject.is_none() {
            let to = g.tokens.start.saturating_sub(1);
            if let Some(h) = a.groups[..gi].iter().rposition(|h| h.head < to) {
                let (from, until) = (items[a.groups[h].head], items[to]);
                let clean = from != usize::MAX && until != usize::MAX && (from + 1..until).all(|k| !relate::is_boundary(a, k) && !matches!(pos_of(a, k), Some(Pos::Verb)));
                if clean && !a.groups[h].negated && !rules.setting(Setting::Irrealis).iter().any(|w| **w == *a.groups[h].lemma) {
                    here.subject = args[h].subject;
                }
            }
        }
        let head_item = items[g.head];
        let negated_near = head_item > 0 && (head_item.saturating_sub(3)..head_item).any(|k| matches!(pos_of(a, k), Some(Pos::Closed(Closed::Negation))));
        if negated_near {
            continue;
        }
        // An event the clause is about takes the clause's date: "air strikes on X on
        // Friday killed 40", "militants carried out an attack on Sunday" (a calendar date
        // only; not when the act is only planned).
        if let Some((event, span)) = event.filter(|_| !hedged) {
            let o_item = here.object.unwrap_or(head_item);
            if let Some((v @ Value::Date(_), date_span)) = time_adjunct(a, rules, g, &items, &here, o_item) {
                out.push(Found {
                    subject: event.clone(),
                    subject_span: span,
                    predicate: Predicate::Date,
                    object: Filler::Value(v),
                    object_span: date_span,
                    rule: "frame/event-time".to_string(),
                    confidence: 0.65,
                });
            }
        }
        // "X killed Y in a strike on Z": the agent of an act done by means of an attack
        // attacked the attack's target.
        if g.voice == Voice::Active {
            out.extend(attack_by_means(a, rules, &here, hedged));
        }
        for f in frames {
            let items = &items;
            if accusation_content.is_some_and(|c| head_item > c + 1) && rules.alleged(f.predicate) {
                continue;
            }
            let Some((s_item, s_dir)) = f.first_argument(&f.subject, g, &here) else { continue };
            let Some((o_item, o_dir)) = f.first_argument(&f.object, g, &here) else { continue };
            if s_item == o_item {
                continue;
            }
            // A destination the frame needs: a place after one of its prepositions.
            if !f.destination.is_empty() && !here.preps.iter().any(|(p, m, _)| f.destination.contains(p) && matches!(class_of(a, *m), Some(super::Class::Place | super::Class::Country))) {
                continue;
            }
            if let Some(via) = &f.via {
                // Between the verb and the argument after it: "supplied *weapons* to X",
                // "bought *jets* from X".
                let after = s_item.max(o_item);
                let (lo, hi) = if after > head_item { (head_item, after) } else { (head_item.min(o_item), head_item.max(o_item)) };
                if !(lo..=hi).any(|k| rules.cue_at(via, a, k).is_some()) {
                    continue;
                }
            }
            // A negator between the arguments or just before them ("no agreement on deploying
            // X", "denied shelling Y") blocks the statement, as for the rules.
            let lo = s_item.min(o_item).min(head_item).saturating_sub(3);
            let hi = s_item.max(o_item).max(head_item).min(a.items.len() - 1);
            if (lo..=hi).any(|k| relate::negator_at(a, negators, k)) {
                continue;
            }
            let Some((subjects, _)) = relate::slot_at(a, rules, s_item, s_dir, &f.subject_class, super::Class::Place) else { continue };
            let Some((objects, _)) = relate::slot_at(a, rules, o_item, o_dir, &f.object_class, super::Class::Place) else { continue };
            let voice = match g.voice {
                Voice::Active => "active",
                Voice::Passive => "passive",
            };
            let confidence = if hedged { f.confidence * 0.8 } else { f.confidence };
            // The verb's time adjunct dates its object: "signed the truce on Saturday",
            // "brokered a pact in 2015", "On Friday, X and Y agreed to a ceasefire" (not when
            // the act is only planned).
            if f.dates_object && !hedged {
                if let (Some((v, span)), Item::Mention(om)) = (time_adjunct(a, rules, g, items, &here, o_item), a.items[o_item]) {
                    if let Some(agreement) = a.mentions[om].alts.iter().find(|r| r.class == super::Class::Agreement) {
                        out.push(Found {
                            subject: agreement.clone(),
                            subject_span: a.mentions[om].span.clone(),
                            predicate: Predicate::Date,
                            object: Filler::Value(v),
                            object_span: span,
                            rule: format!("frame/{}/date", f.id),
                            confidence: f.confidence * 0.9,
                        });
                    }
                }
            }
            // "X signed a deal with Y": Y is a subject too.
            let mut subjects = subjects;
            for p in &f.partner {
                for (_, m, _) in here.preps.iter().filter(|(q, _, _)| q == p) {
                    if let Some((more, _)) = relate::slot_at(a, rules, *m, 1, &f.subject_class, super::Class::Place) {
                        subjects.extend(more);
                    }
                }
            }
            for (s, s_span) in &subjects {
                let Filler::Entity(subject) = s else { continue };
                for (o, o_span) in &objects {
                    if let Filler::Entity(obj) = o {
                        if obj.class == subject.class && obj.key == subject.key {
                            continue;
                        }
                    }
                    out.push(Found {
                        subject: subject.clone(),
                        subject_span: s_span.clone(),
                        predicate: f.predicate.clone(),
                        object: o.clone(),
                        object_span: o_span.clone(),
                        rule: format!("frame/{}/{voice}", f.id),
                        confidence,
                    });
                }
            }
        }
    }
    out
}

/// The statement that an act's agent attacked the target of the attack it was done in or
/// with ("X killed Y in a strike on Z": X attacked Z).
fn attack_by_means(a: &Analysis, rules: &Rules, args: &Args, hedged: bool) -> Option<Found> {
    use super::rules::Slot;
    let (s_item, s_dir) = args.subject?;
    let (_, event, _) = args.preps.iter().find(|(p, m, _)| {
        // "during an attack" says when, and the attacker may be the other side.
        matches!(p.as_str(), "in" | "with") && matches!(a.items.get(*m), Some(Item::Mention(e)) if a.mentions[*e].alts.first().is_some_and(|r| r.class == super::Class::Event))
    })?;
    if !matches!(a.word(event + 1), "on" | "against") {
        return None;
    }
    let target = if a.word(event + 2) == "the" { event + 3 } else { event + 2 };
    let (subjects, _) = relate::slot_at(a, rules, s_item, s_dir, &[Slot::Actor], super::Class::Place)?;
    let (objects, _) = relate::slot_at(a, rules, target, 1, &[Slot::Actor, Slot::Class(super::Class::Place), Slot::Class(super::Class::Group)], super::Class::Place)?;
    let (Filler::Entity(subject), s_span) = subjects.into_iter().next()? else { return None };
    let (object, o_span) = objects.into_iter().next()?;
    if matches!(&object, Filler::Entity(o) if o.key == subject.key && o.class == subject.class) {
        return None;
    }
    Some(Found {
        subject,
        subject_span: s_span,
        predicate: Predicate::Attacked,
        object,
        object_span: o_span,
        rule: "frame/attack-by-means/active".into(),
        confidence: if hedged { 0.65 * 0.8 } else { 0.65 },
    })
}

/// One line per verb group for `--explain`: tokens, lemma, tense, voice, negation,
/// modality, and its arguments.
pub fn explain(a: &Analysis, text: &str, lang: &Language) -> Vec<String> {
    let items = item_of(a);
    let span = |k: usize| -> String {
        let r: Range<usize> = a.item_span(k);
        text[r].to_owned()
    };
    let all = all_arguments(a, lang, &items);
    a.groups
        .iter()
        .zip(&all)
        .map(|(g, args)| {
            let words = text[a.tokens[g.tokens.start].span.start..a.tokens[g.tokens.end - 1].span.end].to_owned();
            let mut line = format!("verb {words:?} → {} {:?} {:?}", g.lemma, g.tense, g.voice);
            if g.negated {
                line.push_str(" negated");
            }
            if g.modal {
                line.push_str(" modal");
            }
            if g.infinitive {
                line.push_str(" infinitive");
            }
            if let Some((s, _)) = args.subject {
                line.push_str(&format!(" subject {:?}", span(s)));
            }
            if let Some(o) = args.object {
                line.push_str(&format!(" object {:?}", span(o)));
            }
            if let Some(o) = args.object_relative {
                line.push_str(&format!(" relative {:?}", span(o)));
            }
            for (p, m, _) in &args.preps {
                line.push_str(&format!(" {p} {:?}", span(*m)));
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::extract::{recognise, resolve, Lexicon};

    /// The verb groups of a one-sentence text with their arguments, as `--explain` prints them.
    fn groups(text: &str) -> Vec<String> {
        let lex = Lexicon::builtin();
        let doc = Document { id: "t".into(), text: text.into(), ..Document::default() };
        let scan = recognise::scan(text, 0..text.len(), lex);
        let titled = vec![recognise::titled_names(text, &scan, lex)];
        let ctx = resolve::DocContext::build(&doc, std::slice::from_ref(&scan), &titled, lex);
        let a = recognise::recognise(text, scan, lex, &ctx);
        explain(&a, text, &lex.language)
    }

    #[test]
    fn arguments_by_voice_clause_and_coordination() {
        let cases: &[(&str, &[&str])] = &[
            ("Russia and Turkey signed the deal.", &[r#"verb "signed" → sign Past Active subject "Turkey" object "deal""#]),
            ("The deal was signed by Russia.", &[r#"verb "was signed" → sign Past Passive subject "deal" by "Russia""#]),
            // A participle in apposition, then the main verb past it.
            (
                "The truce, brokered by Qatar, was signed by Israel.",
                &[r#"verb "brokered" → broker Past Passive subject "truce" by "Qatar""#, r#"verb "was signed" → sign Past Passive subject "truce" by "Israel""#],
            ),
            // A relative clause with "that": the name qualifying the head is the subject.
            ("The Taliban faction that controls Kabul refused.", &[r#"verb "controls" → control Present Active subject "Taliban" object "Kabul""#, r#"verb "refused" → refuse Past Active subject "Taliban""#]),
            // A name inside a prepositional phrase is not the subject.
            ("Settlers in Hebron attacked the offices.", &[r#"verb "attacked" → attack Past Active subject "Settlers""#]),
            // Negation is read off the group.
            ("Egypt did not sign the accord.", &[r#"verb "did not sign" → sign Past Active negated subject "Egypt" object "accord""#]),
            // A relative clause without "that": the definite phrase right before its subject.
            (
                "Government forces shelled the Eastern Ghouta enclave the rebels have held.",
                &[
                    r#"verb "shelled" → shell Past Active subject "Government forces" object "Eastern Ghouta enclave""#,
                    r#"verb "have held" → hold Past Active subject "rebels" relative "Eastern Ghouta enclave""#,
                ],
            ),
            // An object relative's antecedent: the agreement a place qualifies, past the comma.
            (
                "Iran welcomed the truce in Yemen, which the United Nations brokered.",
                &[r#"verb "welcomed" → welcome Past Active subject "Iran" object "truce" in "Yemen""#, r#"verb "brokered" → broker Past Active subject "United Nations" relative "truce""#],
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(groups(text), *expected, "{text}");
        }
    }
}
