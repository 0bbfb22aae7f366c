//! Mentions of a sentence → statements, by the rules of `ontology/lexicon/relations.toml`.
//!
//! A rule is a predicate, a pattern and the classes its slots accept. Patterns are
//! sequences of elements around an anchor (the first cue, else the first literal):
//!
//! | element | matches |
//! |---|---|
//! | `S`, `O` | a mention (or a coordinated list: "Armenia, Azerbaijan and Russia") fitting the slot's classes |
//! | `@name` | any phrase of the cue list `name` (all inflections are listed in the data) |
//! | `word`, `,`, `'s` | that token (case-insensitive); `a|an` either of them |
//! | `word?`, `a|an?` | that token (or either), optionally |
//! | `~`, `~N` | a gap of up to 6 (or N) tokens that does not cross a clause boundary |
//! | `$` | the phrase ends: punctuation, a preposition, "'s", a date or nothing follows |
//!
//! Slot classes are the contract classes plus `actor` (Country, Organization, Person or
//! Group, but no civilians), `Force` (a Group that is neither civilians nor protesters),
//! `attacker` (the state of an attack noun: "a Russian missile strike"),
//! `Number`, `Date`, and `Name` (a capitalised name no list knows, typed as the
//! rule's `unknown` class). Metonymy is resolved by the mention's alternatives: a capital
//! that acts is its country, "Azeri forces" that capture are Azerbaijan.

pub use super::analysis::{Filler, Found};
use super::analysis::{Analysis, EntRef, Item, Mention, NounRole};
pub use super::rules::{transparent, Elem, Rule, Rules, Slot};
use super::rules::Setting;
use super::{Class, Value};



/// Whether the item at `i` ends a clause for gaps.
pub(crate) fn is_boundary(a: &Analysis, i: usize) -> bool {
    match a.items.get(i) {
        Some(Item::Token(t)) => matches!(a.tokens[*t].lower.as_str(), "," | ";" | ":" | "(" | ")" | "\"" | "“" | "”" | "—" | "–" | "["),
        Some(Item::Mention(_)) => false,
        None => true,
    }
}

/// Whether a negator (`negators`: a word, or two such as "yet to") starts at item `i`: "did
/// not sign", "have yet to agree".
pub(crate) fn negator_at(a: &Analysis, negators: &[String], i: usize) -> bool {
    let Some(Item::Token(t)) = a.items.get(i) else { return false };
    let w = a.tokens[*t].lower.as_str();
    // Lengths first: this runs for every item near every match.
    negators.iter().any(|n| {
        n == w
            || n.len() > w.len() + 1
                && n.as_bytes()[w.len()] == b' '
                && n.starts_with(w)
                && matches!(a.items.get(i + 1), Some(Item::Token(u)) if a.tokens[*u].lower == n[w.len() + 1..])
    })
}

/// Where a claim the sentence then reports as denied ends: ", a charge Tehran rejects", ",
/// claims Kigali denies" — the text offset of that comma. What is stated before it is only an
/// allegation.
pub(crate) fn denied_claim(a: &Analysis, rules: &Rules) -> Option<usize> {
    let (nouns, verbs) = (rules.setting(Setting::DenialNouns), rules.setting(Setting::DenialVerbs));
    (1..a.items.len()).find_map(|i| {
        if a.word(i - 1) != "," {
            return None;
        }
        let noun = if matches!(a.word(i), "a" | "an" | "the") { i + 1 } else { i };
        if !nouns.iter().any(|n| n == a.word(noun)) {
            return None;
        }
        let denied = (noun + 1..(noun + 6).min(a.items.len())).any(|j| verbs.iter().any(|v| v == a.word(j)));
        match (denied, a.items[i - 1]) {
            (true, Item::Token(t)) => Some(a.tokens[t].span.start),
            _ => None,
        }
    })
}

/// Going left from the comma at `close`: the comma that opens a relative clause or an
/// apposition ending there (", which …,", ", who …,", ", a member of …,", ", the …,"), if the
/// clause is short and holds no other boundary.
pub(crate) fn inserted_clause_start(a: &Analysis, close: usize) -> Option<usize> {
    const OPENERS: &[&str] = &["which", "who", "whose", "where", "a", "an", "the", "in", "near", "on", "at", "for"];
    let mut q = close.checked_sub(1)?;
    while close - q <= 14 {
        if token_is(a, q, ",") {
            // ", Ethiopia's prime minister," opens with a possessor.
            let possessor = matches!(a.items.get(q + 1), Some(Item::Mention(_))) && token_is(a, q + 2, "'s");
            // ", home of the Black Sea Fleet,", ", seat of the government,": a noun and "of".
            let possessor = possessor || (is_lower_word(a, q + 1) && token_is(a, q + 2, "of"));
            // ", mediated by Qatar,", ", backed by the United States,": a participle; ", all
            // run by military juntas,": one after a quantifier.
            let participle = |i: usize| matches!(a.items.get(i), Some(Item::Token(t)) if a.tags.get(*t).is_some_and(|g| g.pos == crate::language::Pos::Verb && g.form == Some(crate::language::Form::Past)));
            let quantifier = ["all", "both", "each", "most", "many"].iter().any(|w| token_is(a, q + 1, w));
            // ", widely known as Hemedti,", ", also known as X,": another name.
            let known = token_is(a, q + 1, "known") || token_is(a, q + 2, "known") && matches!(a.items.get(q + 1), Some(Item::Token(t)) if a.tags[*t].pos == crate::language::Pos::Adv);
            // ", speaking in X,", ", citing security concerns,": a clause of an -ing verb.
            let gerund = matches!(a.items.get(q + 1), Some(Item::Token(t)) if a.tags.get(*t).is_some_and(|g| g.pos == crate::language::Pos::Verb && g.form == Some(crate::language::Form::Gerund)));
            let possessor = possessor || participle(q + 1) && token_is(a, q + 2, "by") || quantifier && (participle(q + 2) || token_is(a, q + 3, "by")) || known || gerund;
            if q + 1 < close && (possessor || OPENERS.iter().any(|w| token_is(a, q + 1, w))) {
                return Some(q);
            }
            // A list's comma inside the clause (", brokered by Qatar, Egypt and the United
            // States,"): its opening comma is further left.
            let listed = q >= 1 && matches!(a.items.get(q + 1), Some(Item::Mention(_))) && matches!(a.items[q - 1], Item::Mention(_)) && (q + 2..close).any(|k| token_is(a, k, "and") || token_is(a, k, "or"));
            if !listed {
                return None;
            }
            q = q.checked_sub(1)?;
            continue;
        }
        if is_boundary(a, q) {
            return None;
        }
        q = q.checked_sub(1)?;
    }
    None
}

/// The closing comma of a parenthetical report opening at the comma at `open`: ", it said,",
/// ", officials say,", ", according to the army," (up to five items, one a reporting word).
fn parenthetical_report(a: &Analysis, rules: &Rules, open: usize) -> Option<usize> {
    let reporting = rules.setting(Setting::Reporting);
    let close = (open + 2..(open + 7).min(a.items.len())).find(|&q| token_is(a, q, ","))?;
    let reports = (open + 1..close).any(|q| matches!(a.items[q], Item::Token(t) if reporting.iter().any(|w| a.token_is_word(t, w))));
    let plain = (open + 1..close).all(|q| !is_boundary(a, q));
    (reports && plain).then_some(close)
}

/// The opening comma of a parenthetical report closing at the comma at `close`.
fn parenthetical_report_left(a: &Analysis, rules: &Rules, close: usize) -> Option<usize> {
    let open = (close.saturating_sub(6)..close.saturating_sub(1)).rev().find(|&q| token_is(a, q, ","))?;
    (parenthetical_report(a, rules, open) == Some(close)).then_some(open)
}

/// A hyphenated modifier read as a name no list knows ("Kurdish-led", "Iran-backed" when
/// the first part is unknown): capitalised, ending in a lower-case part after a hyphen.
pub(crate) fn compound_modifier(a: &Analysis, i: usize) -> bool {
    matches!(a.items.get(i), Some(Item::Mention(m)) if {
        let m = &a.mentions[*m];
        m.unknown_name && m.surface.rsplit_once('-').is_some_and(|(_, last)| last.chars().next().is_some_and(char::is_lowercase))
    })
}

/// Whether item `i` is a hyphen written without spaces between the items either side of it
/// ("pro-Russian").
pub(crate) fn compound_hyphen_at(a: &Analysis, i: usize) -> bool {
    let span = |i: usize| match a.items.get(i) {
        Some(Item::Token(t)) => Some(a.tokens[*t].span.clone()),
        Some(Item::Mention(m)) => Some(a.mentions[*m].span.clone()),
        None => None,
    };
    i >= 1 && token_is(a, i, "-") && matches!((span(i - 1), span(i), span(i + 1)), (Some(l), Some(h), Some(r)) if l.end == h.start && h.end == r.start)
}

/// Whether the mention at item `k` completes a person's title, "X of k": in "King X of Y
/// signed" the king acts, not Y.
pub(crate) fn completes_title(a: &Analysis, k: usize) -> bool {
    k >= 2 && token_is(a, k - 1, "of") && matches!(a.items[k - 2], Item::Mention(p) if a.mentions[p].alts.first().is_some_and(|r| r.class == Class::Person))
}

/// A plain lower-case word (no mention, no punctuation).
fn is_lower_word(a: &Analysis, i: usize) -> bool {
    matches!(a.items.get(i), Some(Item::Token(t)) if a.tokens[*t].kind == crate::language::text::TokenKind::Word && a.tokens[*t].lower.chars().all(char::is_alphabetic))
}

fn is_quote(a: &Analysis, i: usize) -> bool {
    matches!(a.items.get(i), Some(Item::Token(t)) if matches!(a.tokens[*t].lower.as_str(), "\"" | "“" | "”" | "'" | "‘" | "’"))
}

fn token_is(a: &Analysis, i: usize, w: &str) -> bool {
    matches!(a.items.get(i), Some(Item::Token(t)) if a.tokens[*t].lower == w)
}

/// A literal of a pattern: one word, or alternatives `a|an`; a one-word common-noun mention
/// ("talks") is that word too.
fn word_is(a: &Analysis, i: usize, w: &[String]) -> bool {
    let lower = match a.items.get(i) {
        Some(Item::Token(t)) => &a.tokens[*t].lower,
        Some(Item::Mention(m)) if a.mentions[*m].tokens.len() == 1 && transparent(&a.mentions[*m]) => &a.tokens[a.mentions[*m].tokens.start].lower,
        _ => return false,
    };
    w.iter().any(|alt| alt == lower)
}

/// Picks the first alternative of a mention that fits the slot's classes.
pub fn fit(m: &Mention, types: &[Slot], unknown: Class) -> Option<Filler> {
    for t in types {
        match t {
            Slot::Number => {
                if let Some(v @ Value::Integer(_)) = &m.value {
                    return Some(Filler::Value(v.clone()));
                }
            }
            Slot::Date => {
                if let Some(v @ (Value::Date(_) | Value::Year(_))) = &m.value {
                    return Some(Filler::Value(v.clone()));
                }
            }
            Slot::Name => {
                if m.unknown_name {
                    return Some(Filler::Entity(EntRef::unknown(unknown, &m.surface)));
                }
            }
            _ => {}
        }
    }
    // Victims and bystanders ("civilians", "displaced people") are no actors, nor are weapons
    // and vehicles ("an improvised explosive device", "helicopters"): the state or group
    // behind them is.
    let bystanders = m.group.as_ref().is_some_and(|g| g.role == NounRole::Civilian);
    let equipment = m.group.as_ref().is_some_and(|g| g.role == NounRole::Equipment);
    // A slot for where something is or happens (places and states only): a group stands for
    // its state as an actor, never as a place ("Ukraine's army withdrew its troops" left no
    // state named by "its troops").
    let location = types.iter().all(|t| matches!(t, Slot::Class(Class::Place | Class::Country) | Slot::NamedPlace | Slot::Site | Slot::Name));
    for alt in &m.alts {
        if location && alt.class == Class::Country && m.group.is_some() {
            continue;
        }
        let ok = types.iter().any(|t| match t {
            Slot::Actor => matches!(alt.class, Class::Country | Class::Organization | Class::Person) || alt.class == Class::Group && !bystanders && !equipment,
            Slot::Force => alt.class == Class::Group && !bystanders && m.group.as_ref().is_none_or(|g| g.role != NounRole::Protest),
            // The state behind an attack noun: "a Russian missile strike on Kyiv".
            Slot::Attacker => alt.class == Class::Country && m.group.as_ref().is_some_and(|g| g.role == NounRole::Attack),
            Slot::StateActor => matches!(alt.class, Class::Country | Class::Organization | Class::Person),
            Slot::Class(c) => *c == alt.class,
            Slot::NamedPlace => alt.class == Class::Place && !transparent(m),
            Slot::Site => alt.class == Class::Place && m.group.as_ref().is_some_and(|g| g.role == NounRole::Building),
            Slot::Number | Slot::Date | Slot::Name => false,
        });
        if ok {
            return Some(Filler::Entity(alt.clone()));
        }
    }
    None
}

/// Slot fillers matched at item `pos`, extended over coordination in direction `dir`.
/// Returns the fillers with their spans and the position after the list.
pub(crate) fn slot_at(a: &Analysis, rules: &Rules, pos: usize, dir: isize, types: &[Slot], unknown: Class) -> Option<(Vec<(Filler, std::ops::Range<usize>)>, usize)> {
    let Item::Mention(m) = *a.items.get(pos)? else { return None };
    // Going right, the first part of a compound modifier that names another actor than the
    // head is no argument: "support for the Saudi-led coalition" is not support for Saudi
    // Arabia (but "shelling rebel-held territory" does hit the rebels).
    if dir > 0 && token_is(a, pos + 1, "-") {
        let glued = a.tokens.get(a.mentions[m].tokens.end).is_some_and(|t| t.span.start == a.mentions[m].span.end);
        let participle = match a.items.get(pos + 2) {
            Some(Item::Token(t)) => rules.setting(Setting::CompoundsNamingAnother).contains(&a.tokens[*t].lower),
            _ => false,
        };
        if glued && participle {
            return None;
        }
    }
    // Going left, the complement of a person's title is not the phrase's head.
    if dir < 0 && completes_title(a, pos) {
        return None;
    }
    let first = fit(&a.mentions[m], types, unknown)?;
    let mut out = vec![(first, a.mentions[m].span.clone())];
    // "the two countries": its other referents are conjuncts.
    for r in &a.mentions[m].also {
        let one = Mention { alts: vec![r.clone()], ..a.mentions[m].clone() };
        if let Some(f) = fit(&one, types, unknown) {
            out.push((f, a.mentions[m].span.clone()));
        }
    }
    let mut end = pos;
    // The first part of a compound modifier ("Russian-backed") is one name, no list's end.
    if dir < 0 && token_is(a, pos + 1, "-") {
        return Some((out, pos));
    }
    // Extend over ", X", "and X", ", and X", "or X"; commas count only in lists that also have "and"/"or".
    let mut pending = Vec::new();
    let mut has_conj = false;
    let mut cur = pos as isize;
    loop {
        let mut k = cur + dir;
        let mut saw_conj = false;
        let mut saw_comma = false;
        while k >= 0 && (k as usize) < a.items.len() {
            let ku = k as usize;
            if token_is(a, ku, ",") {
                // Going left after "and", an apposition of the conjunct before is skipped whole:
                // "A, the adviser to Prime Minister B, and C signed" is A and C.
                if dir < 0 && saw_conj {
                    if let Some(q) = inserted_clause_start(a, ku).filter(|&q| q > 0 && matches!(a.items[q - 1], Item::Mention(_))) {
                        k = q as isize - 1;
                        saw_comma = true;
                        break;
                    }
                }
                saw_comma = true;
            } else if token_is(a, ku, "and") || token_is(a, ku, "or") || token_is(a, ku, "&") {
                saw_conj = true;
            } else if (token_is(a, ku, "together") || token_is(a, ku, "along")) && token_is(a, ku + 1, "with")
                || token_is(a, ku, "with") && ku >= 1 && (token_is(a, ku - 1, "together") || token_is(a, ku - 1, "along"))
            {
                // "Russia, together with the United States and France": one list.
                saw_conj = true;
            } else if token_is(a, ku, "the") || token_is(a, ku, "both") || ["his", "her", "its", "their"].iter().any(|w| token_is(a, ku, w)) && (saw_conj || saw_comma || dir < 0) || (saw_conj || saw_comma) && matches!(a.items[ku], Item::Mention(n) if matches!(a.mentions[n].value, Some(Value::Integer(_)))) {
                // "500 Kenyan police and 300 Jamaican soldiers": a conjunct's number.
            } else if (token_is(a, ku, "a") || token_is(a, ku, "an")) && dir < 0 && !saw_conj && !saw_comma {
                // Going left, the last conjunct's indefinite article: "Chad and a U.N. panel of
                // experts accuse" (going right, "with Somalia and a Turkish firm" names a firm).
            } else if saw_conj && dir > 0 && k > 0 && token_is(a, ku - 1, "the") && is_lower_word(a, ku) {
                // "X and the paramilitary Y": one adjective after "the".
            } else if dir < 0 && ku >= 1 && token_is(a, ku - 1, "the") && is_lower_word(a, ku) {
            } else if dir < 0 && !saw_conj && !saw_comma && ku >= 2 && is_lower_word(a, ku) && token_is(a, ku - 1, "-") && matches!(a.items[ku - 2], Item::Mention(_)) {
                // "X and Russian-backed separatists": the conjunct's compound modifier.
                k -= 2 * dir.abs();
            } else if dir < 0 && !saw_conj && !saw_comma && ku >= 1 && token_is(a, ku, "-") && is_lower_word(a, ku - 1) && compound_hyphen_at(a, ku) {
                // "X and pro-Russian separatists": a prefix glued to the conjunct.
                k -= dir.abs();
            } else if (saw_conj || saw_comma) && dir > 0 && compound_modifier(a, ku) && matches!(a.items.get(ku + 1), Some(Item::Mention(_))) {
                // "X and the Kurdish-led Syrian Democratic Forces": a compound modifier.
            } else {
                break;
            }
            k += dir;
        }
        if !(saw_conj || saw_comma) || k < 0 || k as usize >= a.items.len() {
            break;
        }
        // A list's conjunction comes before its last conjunct ("A, B and C"): going right, no
        // conjunct follows it; going left, none but the first step has one. So "Russia and
        // Iran, Syria's backers" is no list of three.
        if has_conj && dir > 0 || saw_conj && dir < 0 && !pending.is_empty() {
            break;
        }
        // Going left, a conjunct that completes a person's title is the person's: "Prime
        // Minister X of Y and King Z of W".
        if dir < 0 && k >= 0 && completes_title(a, k as usize) {
            k -= 2;
        }
        let Item::Mention(m2) = a.items[k as usize] else { break };
        // Going left, a preposition opening the clause makes a place of time or place, no
        // conjunct: "In Doha, Congo and the M23 signed" (but "mediated by France, Russia and").
        let ku = k as usize;
        if dir < 0
            && ku >= 1
            && matches!(a.items[ku - 1], Item::Token(t) if a.tags[t].pos == crate::language::Pos::Closed(crate::language::Closed::Preposition))
            && (ku == 1 || is_boundary(a, ku - 2))
        {
            break;
        }
        // Going left over ", and", a noun phrase that is another verb's or a preposition's
        // object is no conjunct: "sent troops to help Mozambique's army, and the SADC deployed
        // a force", "delivered air defences to Kyiv, and the United States has sent launchers".
        if dir < 0 && saw_comma && saw_conj {
            let mut q = ku;
            while q > 0 && token_is(a, q - 1, "the") {
                q -= 1;
            }
            let governed = |t: usize| {
                use crate::language::{Closed, Pos};
                matches!(a.tags[t].pos, Pos::Verb | Pos::Closed(Closed::Preposition | Closed::To))
            };
            if q > 0 && matches!(a.items[q - 1], Item::Token(t) if governed(t)) {
                break;
            }
        }
        // Going right over ", and", a noun phrase a verb follows is the next clause's subject:
        // "delivered air defences to Kyiv, and the United States has sent rocket launchers".
        if dir > 0 && saw_comma && saw_conj {
            let after = a.mentions[m2].tokens.end;
            if a.groups.iter().any(|g| g.tokens.start == after && !g.gerund && !g.infinitive) {
                break;
            }
        }
        let Some(f) = fit(&a.mentions[m2], types, unknown) else { break };
        has_conj |= saw_conj;
        pending.push((f, a.mentions[m2].span.clone(), k as usize, saw_conj));
        cur = k;
    }
    if !pending.is_empty() {
        // Without a conjunction the commas were appositions, not a list.
        if has_conj {
            for (f, span, k, _) in pending {
                out.push((f, span));
                end = k;
            }
        } else {
            let _ = pending;
        }
    }
    let after = if dir > 0 { end + 1 } else { end };
    Some((out, after))
}

struct Matched {
    subjects: Vec<(Filler, std::ops::Range<usize>)>,
    objects: Vec<(Filler, std::ops::Range<usize>)>,
    lo: usize,
    hi: usize,
}

/// Matches elements `elems` starting at `pos` in direction `dir` (+1 right, -1 left).
fn match_side(a: &Analysis, rules: &Rules, rule: &Rule, elems: &[Elem], mut pos: isize, dir: isize, m: &mut Matched) -> bool {
    let speech = rules.setting(Setting::SpeechVerbs);
    let mut i = 0;
    while i < elems.len() {
        let inb = |p: isize| p >= 0 && (p as usize) < a.items.len();
        match &elems[i] {
            Elem::Gap(n) => {
                let next = elems.get(i + 1);
                let mut found = false;
                // Going right, a mention followed by "'s" is a possessor, not the slot's head
                // ("took over the region's second largest town Shusha"), unless the pattern
                // itself continues with "'s".
                let slot_next = matches!(next, Some(Elem::Subject | Elem::Object));
                let possessive_in_pattern = matches!(elems.get(i + 2), Some(Elem::Lit(w)) if w == &["'s"]);
                let mut skipped = 0isize;
                for k in 0..=*n as isize {
                    let mut p = pos + (k + skipped) * dir;
                    if !inb(p) {
                        break;
                    }
                    // Going left, a relative clause or an apposition between commas is skipped
                    // whole: "Egypt, which backs the army, welcomed …", "Chad, a member of the
                    // AU, received …".
                    if dir < 0 && token_is(a, p as usize, ",") {
                        if let Some(q) = inserted_clause_start(a, p as usize).or_else(|| parenthetical_report_left(a, rules, p as usize)) {
                            skipped += p - q as isize + 1;
                            p = q as isize - 1;
                            if !inb(p) {
                                break;
                            }
                        }
                    }
                    // Going right, a parenthetical report is skipped whole: "where, it said, 100
                    // people were killed", "which, officials say, took effect".
                    if dir > 0 && token_is(a, p as usize, ",") {
                        if let Some(q) = parenthetical_report(a, rules, p as usize) {
                            skipped += (q - p as usize + 1) as isize;
                            p = q as isize + 1;
                            if !inb(p) {
                                break;
                            }
                        }
                    }
                    let possessor = dir > 0 && slot_next && !possessive_in_pattern && token_is(a, p as usize + 1, "'s");
                    // Going left, a subject reached over a gap is no prepositional object
                    // ("mercenaries from Syria to bolster X" is not Syria's support), unless
                    // the pattern itself puts a word before it ("leaders of S").
                    // (Past its determiner: "insurgents linked to the Islamic State attacked".)
                    let before = if p >= 2 && (token_is(a, p as usize - 1, "the") || token_is(a, p as usize - 1, "a")) { p - 1 } else { p };
                    let governed = dir < 0
                        && matches!(next, Some(Elem::Subject))
                        && elems.get(i + 2).is_none()
                        && before >= 1
                        && matches!(a.items[before as usize - 1], Item::Token(t) if rules.setting(Setting::Prepositions).contains(&a.tokens[t].lower));
                    // Going right, a nationality before a common noun that "of" a name follows
                    // modifies that noun: "shelled the Ukrainian town of Avdiivka" is Avdiivka.
                    let modifier = dir > 0
                        && matches!(next, Some(Elem::Object))
                        && matches!(a.items[p as usize], Item::Mention(m) if a.mentions[m].tokens.len() == 1 && a.mentions[m].alts.first().is_some_and(|r| r.class == Class::Country))
                        && {
                            let mut q = p as usize + 1;
                            while q < a.items.len() && q < p as usize + 4 && matches!(a.items[q], Item::Token(t) if a.tags[t].pos == crate::language::Pos::Noun) {
                                q += 1;
                            }
                            q > p as usize + 1 && token_is(a, q, "of") && matches!(a.items.get(q + 1), Some(Item::Mention(_)))
                        };
                    // Going right over a gap, a place after "in"/"at" is where it happened, not
                    // the object: "attacked shipping in the Red Sea".
                    let locative = dir > 0
                        && k > 0
                        && (i == 0 || matches!(elems[i - 1], Elem::Cue(_)))
                        && matches!(next, Some(Elem::Object))
                        && {
                            // The word before the candidate, past a determiner.
                            let mut q = p as usize;
                            while q > 0 && (token_is(a, q - 1, "the") || token_is(a, q - 1, "a")) {
                                q -= 1;
                            }
                            q > 0 && matches!(a.items[q - 1], Item::Token(t) if rules.setting(Setting::Locatives).contains(&a.tokens[t].lower))
                        };
                    let possessor = possessor || governed || locative || modifier;
                    if !possessor && next.is_none_or(|e| elem_matches_at(a, rules, rule, e, p as usize, dir)) {
                        pos = p;
                        found = true;
                        break;
                    }
                    if is_boundary(a, p as usize) {
                        break;
                    }
                    // Nor into or out of reported speech: in "X said the parties had agreed to
                    // a truce" the agreeing is not X's.
                    if matches!(a.items[p as usize], Item::Token(t) if a.tags[t].pos == crate::language::Pos::Verb && speech.contains(&a.tokens[t].lower)) {
                        break;
                    }
                }
                if !found {
                    return false;
                }
            }
            Elem::Adjectives | Elem::Counted => {
                if matches!(elems[i], Elem::Counted) && inb(pos) && matches!(a.items[pos as usize], Item::Mention(m) if matches!(a.mentions[m].value, Some(Value::Integer(_)))) {
                    pos += dir;
                }
                let adjective = |p: isize| inb(p) && matches!(a.items[p as usize], Item::Token(t) if a.tags[t].pos == crate::language::Pos::Adj);
                let mut n = 0;
                while n < 3 && adjective(pos) {
                    pos += dir;
                    n += 1;
                }
                i += 1;
                continue;
            }
            Elem::End => {
                if !phrase_ends(a, pos) {
                    return false;
                }
                // Matches no item: the position stays.
                i += 1;
                continue;
            }
            Elem::Opt(w) => {
                if inb(pos) && word_is(a, pos as usize, w) {
                    pos += dir;
                }
            }
            Elem::Lit(w) => {
                if !(inb(pos) && word_is(a, pos as usize, w)) {
                    return false;
                }
                pos += dir;
            }
            Elem::Cue(c) => {
                // Cues are matched forwards; going left, find a phrase that ends at pos.
                if dir > 0 {
                    let Some(len) = inb(pos).then(|| rules.cue_at(c, a, pos as usize)).flatten() else {
                        return false;
                    };
                    pos += len as isize;
                } else {
                    let mut ok = false;
                    for len in 1..=4isize {
                        let start = pos - len + 1;
                        if start >= 0 && rules.cue_at(c, a, start as usize) == Some(len as usize) {
                            pos = start - 1;
                            ok = true;
                            break;
                        }
                    }
                    if !ok {
                        return false;
                    }
                }
            }
            Elem::Subject | Elem::Object => {
                // A quoted name fills a slot too: lead the "Minsk Group".
                if inb(pos) && is_quote(a, pos as usize) {
                    pos += dir;
                }
                // Going right, a rank before a person's title opens the slot's phrase: "mediated
                // by former Ghanaian President X". (An article does only where the pattern says
                // "the?": "killed in the attack" is no toll of the attack.)
                if dir > 0 {
                    let person_at = |p: isize| inb(p) && matches!(a.items[p as usize], Item::Mention(m) if a.mentions[m].alts.first().is_some_and(|r| r.class == Class::Person));
                    while inb(pos + 1) && word_is(a, pos as usize, rules.setting(Setting::RankModifiers)) && person_at(pos + 1) {
                        pos += 1;
                    }
                }
                // Going right, a possessor is not the head: "in Ukraine's Donetsk region" is
                // the region (unless the pattern continues with 's).
                if dir > 0 && inb(pos) && !matches!(elems.get(i + 1), Some(Elem::Lit(w)) if w == &["'s"]) {
                    let p = pos as usize;
                    if matches!(a.items[p], Item::Mention(_)) && token_is(a, p + 1, "'s") {
                        let head = (p + 2..(p + 5).min(a.items.len())).find(|&q| matches!(a.items[q], Item::Mention(_)));
                        if let Some(q) = head.filter(|&q| (p + 2..q).all(|x| is_lower_word(a, x))) {
                            pos = q as isize;
                        }
                    }
                    // A compound modifier before the head: "the Moscow-led Collective Security
                    // Treaty Organization", "the Saudi-led coalition".
                    if matches!(a.items[p], Item::Mention(_)) && token_is(a, p + 1, "-") && is_lower_word(a, p + 2) && matches!(a.items.get(p + 3), Some(Item::Mention(_))) {
                        pos = p as isize + 3;
                    }
                    let p = pos as usize;
                    // A nationality before a common noun that the phrase then names: "the
                    // Ukrainian capital, Kyiv", "the Iraqi city of Basra".
                    let nationality = matches!(a.items[p], Item::Mention(m) if a.mentions[m].tokens.len() == 1 && a.mentions[m].alts.first().is_some_and(|r| r.class == Class::Country));
                    // A nationality before a group named for another people: "Turkish Kurdish
                    // fighters" are the Kurdish fighters, not Turkey.
                    if nationality && matches!(a.items.get(p + 1), Some(Item::Mention(g)) if a.mentions[*g].alts.first().is_some_and(|r| r.class == Class::Group)) {
                        pos = p as isize + 1;
                    } else if nationality && is_lower_word(a, p + 1) {
                        let mut q = p + 1;
                        while is_lower_word(a, q) && q < p + 4 {
                            q += 1;
                        }
                        let place = |i: usize| matches!(a.items.get(i), Some(Item::Mention(m)) if a.mentions[*m].alts.first().is_some_and(|r| r.class == Class::Place));
                        let named_place = |i: usize| place(i) && matches!(a.items.get(i), Some(Item::Mention(m)) if !transparent(&a.mentions[*m]));
                        if (token_is(a, q, ",") || token_is(a, q, "of")) && place(q + 1) {
                            pos = q as isize + 1;
                        } else if q > p + 1 && named_place(q) && (p + 1..q).all(|x| matches!(a.items[x], Item::Token(t) if matches!(a.tags[t].pos, crate::language::Pos::Noun | crate::language::Pos::Adj))) {
                            // "the Somali capital Mogadishu".
                            pos = q as isize;
                        }
                    }
                }
                if !inb(pos) {
                    return false;
                }
                // Going right, a common noun that modifies a plain noun is no head: "attacked
                // paramilitary posts", "a military alliance".
                if dir > 0 && matches!(a.items[pos as usize], Item::Mention(m) if transparent(&a.mentions[m])) && matches!(a.items.get(pos as usize + 1), Some(Item::Token(t)) if a.tags[*t].pos == crate::language::Pos::Noun) {
                    return false;
                }
                let subject = elems[i] == Elem::Subject;
                let types = if subject { &rule.subject } else { &rule.object };
                let Some((fillers, after)) = slot_at(a, rules, pos as usize, dir, types, rule.unknown) else {
                    return false;
                };
                if subject {
                    m.subjects = fillers;
                } else {
                    m.objects = fillers;
                }
                pos = after as isize;
                if dir < 0 {
                    pos -= 1;
                    // Going left, the slot's determiner is its own: "X, the rebels' backer"
                    // (unless the pattern spells it: "of the O").
                    let spelt = matches!(elems.get(i + 1), Some(Elem::Lit(w) | Elem::Opt(w)) if w.iter().any(|x| x == "the"));
                    if !spelt && inb(pos) && token_is(a, pos as usize, "the") {
                        pos -= 1;
                    }
                }
            }
        }
        let last = pos - dir;
        if last >= 0 {
            m.lo = m.lo.min(last as usize);
            m.hi = m.hi.max(last as usize);
        }
        i += 1;
    }
    true
}

fn elem_matches_at(a: &Analysis, rules: &Rules, rule: &Rule, e: &Elem, p: usize, dir: isize) -> bool {
    match e {
        Elem::Lit(w) | Elem::Opt(w) => word_is(a, p, w),
        Elem::Cue(c) => {
            if dir > 0 {
                rules.cue_at(c, a, p).is_some()
            } else {
                (1..=4).any(|len| p + 1 >= len && rules.cue_at(c, a, p + 1 - len) == Some(len))
            }
        }
        Elem::Subject => matches!(a.items[p], Item::Mention(m) if fit(&a.mentions[m], &rule.subject, rule.unknown).is_some()),
        Elem::Object => matches!(a.items[p], Item::Mention(m) if fit(&a.mentions[m], &rule.object, rule.unknown).is_some()),
        Elem::Gap(_) | Elem::Adjectives | Elem::Counted => true,
        Elem::End => phrase_ends(a, p as isize),
    }
}

/// Whether a noun phrase ends before item `pos` (see [`Elem::End`]).
fn phrase_ends(a: &Analysis, pos: isize) -> bool {
    if pos < 0 {
        return true;
    }
    match a.items.get(pos as usize) {
        None => true,
        Some(Item::Mention(m)) => a.mentions[*m].value.is_some(),
        Some(Item::Token(t)) => {
            use crate::language::{Closed, Pos};
            // "and" before a verb opens another clause: "the palace in Colombo and stormed it".
            let clause = a.tags[*t].pos == Pos::Closed(Closed::Conjunction) && matches!(a.items.get(pos as usize + 1), Some(Item::Token(v)) if a.tags[*v].pos == Pos::Verb);
            // A relative pronoun ends the phrase it qualifies: "the northern Malian town that
            // served as …".
            clause || matches!(a.tags[*t].pos, Pos::Punct | Pos::Closed(Closed::Preposition | Closed::To | Closed::Possessive | Closed::Relative)) || a.tokens[*t].lower == "'s"
        }
    }
}

/// "X accused Y of supplying weapons to Z", "X charged that Y had armed Z": what follows
/// "of" or "that" is the accusation's content, not a fact; only the accusation itself is
/// stated. The item of the accusing cue, if any.
pub(crate) fn accusation_content(a: &Analysis, rules: &Rules) -> Option<usize> {
    let (accuse, accuse_that) = (rules.may_start("accuse"), rules.may_start("accuse_that"));
    let nouns = rules.setting(Setting::DenialNouns);
    (0..a.items.len()).find(|&i| {
        accuse(a, i) && rules.cue_at("accuse", a, i).is_some() && (i + 1..(i + 8).min(a.items.len())).any(|j| token_is(a, j, "of"))
            || accuse_that(a, i) && rules.cue_at("accuse_that", a, i).is_some() && token_is(a, i + 1, "that")
            // "accusations by A and B that Y …", "claims that Y …": the noun's "that", before
            // any verb.
            || nouns.iter().any(|n| n == a.word(i)) && noun_content(a, i)
    })
}

/// Whether an accusation noun at item `i` takes a "that" clause: "that" follows within ten
/// items, with no verb before it ("accusations by A, B and C that …").
fn noun_content(a: &Analysis, i: usize) -> bool {
    for j in i + 1..(i + 11).min(a.items.len()) {
        if token_is(a, j, "that") {
            return true;
        }
        if matches!(a.items[j], Item::Token(t) if a.tags[t].pos == crate::language::Pos::Verb) {
            return false;
        }
    }
    false
}

/// Whether the word at item `p` is a noun by its context: a common-noun mention ("the
/// strikes", an event), or a word after a determiner, a possessive or an adjective.
fn noun_at(a: &Analysis, p: usize) -> bool {
    use crate::language::{Closed, Pos};
    if matches!(a.items[p], Item::Mention(m) if transparent(&a.mentions[m])) {
        return true;
    }
    p > 0 && matches!(a.items[p - 1], Item::Token(t) if matches!(a.tags[t].pos, Pos::Closed(Closed::Det | Closed::Possessive) | Pos::Adj) || a.tokens[t].lower == "'s")
}

/// Applies every rule anchored in the sentence.
pub fn relate(a: &Analysis, rules: &Rules) -> Vec<Found> {
    let mut out = Vec::new();
    let negators = rules.setting(Setting::Negators);
    let modals = rules.setting(Setting::Modals);
    let [irrealis_modals, aspect_verbs, irrealis] = [Setting::IrrealisModals, Setting::AspectVerbs, Setting::Irrealis].map(|s| rules.setting(s));
    let accusation_content = accusation_content(a, rules);
    // The literals the rules require that the sentence has (checked per rule and anchor).
    let literals = rules.literals_in(&a.tokens);
    for p in 0..a.items.len() {
        let t = match a.items[p] {
            Item::Token(t) => t,
            Item::Mention(m) if transparent(&a.mentions[m]) => a.mentions[m].tokens.start,
            Item::Mention(_) => continue,
        };
        let by_lemma = a.readings.get(t).and_then(Option::as_deref).map(|r| rules.anchored_at(r)).unwrap_or(&[]);
        let surface = rules.anchored_at(&a.tokens[t].lower);
        for &ri in surface.iter().chain(by_lemma.iter().filter(|r| !surface.contains(r))) {
            let rule = &rules.rules[ri];
            // A literal the pattern needs that the sentence lacks: no match, wherever it starts.
            if !rules.may_match(ri, &literals) {
                continue;
            }
            // The anchor itself must match here.
            let anchor_len = match &rule.pattern[rule.anchor] {
                Elem::Cue(c) => match rules.cue_at(c, a, p) {
                    Some(l) => l,
                    None => continue,
                },
                Elem::Lit(_) => 1,
                _ => continue,
            };
            // A one-word cue of a verb list ("strikes", "attacks", "holds") that is a noun here
            // (one the lexicon names an event by, or after a determiner: "said the strikes on
            // X were defensive") states nothing.
            if anchor_len == 1 && rule.verb_cue && noun_at(a, p) {
                continue;
            }
            // A cue inside a compound modifier ("Russian-backed separatists") is read only by
            // the patterns of compounds ("S - @back O").
            if !rule.compound && p >= 2 && token_is(a, p - 1, "-") && a.item_span(p - 2).end == a.item_span(p - 1).start && a.item_span(p - 1).end == a.item_span(p).start {
                continue;
            }
            // A verb cue followed by an -ing verb is that verb's aspect: "kept shelling X" is no
            // holding of X.
            if anchor_len == 1 && rule.verb_cue && matches!(a.items.get(p + 1), Some(Item::Token(t)) if a.tags[*t].pos == crate::language::Pos::Verb && a.tags[*t].form == Some(crate::language::Form::Gerund)) {
                continue;
            }
            // A pattern of the active voice (subject before the cue, object after it) does
            // not read a passive verb: "drones were shot down over X" is no attack by them.
            if rule.active_shape && rule.verb_cue && a.groups.iter().any(|g| g.head == t && g.voice == crate::language::Voice::Passive) {
                continue;
            }
            if accusation_content.is_some_and(|c| p > c + 1) && rules.alleged(rule.predicate) {
                continue;
            }
            // "may have supplied", "could seize", "must withdraw": a possibility or a duty is
            // no fact (the modal right before the cue, past "have", "be" and adverbs).
            let irrealis_modal = (p.saturating_sub(3)..p).rev().map_while(|k| match a.items[k] {
                Item::Token(t) => Some(t),
                Item::Mention(_) => None,
            }).any(|t| irrealis_modals.contains(&a.tokens[t].lower));
            if irrealis_modal {
                continue;
            }
            // "threatened to shell X", "plans to seize Y": what follows is no fact.
            // Past a verb of aspect too: "threatened to resume attacking ships".
            let aspect = p >= 3 && token_is(a, p - 2, "to") && matches!(a.items[p - 1], Item::Token(g) if aspect_verbs.iter().any(|w| a.token_is_word(g, w)));
            let q = if aspect { p - 1 } else { p };
            if q >= 2 && token_is(a, q - 1, "to") && (2..=3).any(|d| q >= d && matches!(a.items[q - d], Item::Token(g) if irrealis.iter().any(|w| a.token_is_word(g, w)))) {
                continue;
            }
            // "considering sending troops", "denied shelling": an -ing form right after a plan,
            // a wish or a refusal.
            if p >= 1 && matches!(a.items[p], Item::Token(g) if a.tags[g].form == Some(crate::language::Form::Gerund)) && matches!(a.items[p - 1], Item::Token(g) if irrealis.iter().any(|w| a.token_is_word(g, w))) {
                continue;
            }
            let mut m = Matched { subjects: vec![], objects: vec![], lo: p, hi: p + anchor_len - 1 };
            let right = &rule.pattern[rule.anchor + 1..];
            if !match_side(a, rules, rule, right, (p + anchor_len) as isize, 1, &mut m) {
                continue;
            }
            if !match_side(a, rules, rule, &rule.left, p as isize - 1, -1, &mut m) {
                continue;
            }
            // Negation between the arguments or just before the cue ("did not sign",
            // "no agreement on deploying") blocks the statement.
            // An accusation denied is still made: "Kosovo denied accusations by A that …" is
            // A's accusation, so only a negator of the noun itself ("no accusations") counts.
            let made = m.lo == p && rules.cue_at("accusation_noun", a, p).is_some();
            let from = if made { p } else { m.lo.saturating_sub(3).min(p.saturating_sub(3)) };
            let negated = (from..=m.hi.min(a.items.len() - 1)).any(|i| negator_at(a, negators, i)) || made && p > 0 && matches!(a.word(p - 1), "no" | "not");
            if negated {
                continue;
            }
            let hedged = (m.lo.saturating_sub(4)..=m.hi.min(a.items.len() - 1))
                .any(|i| matches!(a.items[i], Item::Token(t) if modals.iter().any(|n| *n == a.tokens[t].lower)));
            // A future under a condition is no fact: "X will withdraw unless …".
            let future = (m.lo.saturating_sub(4)..=m.hi.min(a.items.len() - 1)).any(|i| matches!(a.items[i], Item::Token(t) if matches!(a.tokens[t].lower.as_str(), "will" | "would" | "shall")));
            if (hedged || future) && a.tokens[a.tokens.len().min(t + 1)..].iter().any(|x| x.lower == "unless" || x.lower == "if") {
                continue;
            }
            let confidence = if hedged { rule.confidence * 0.8 } else { rule.confidence };
            let mut emit = |s: &(Filler, std::ops::Range<usize>), o: (Filler, std::ops::Range<usize>)| {
                let Filler::Entity(subject) = &s.0 else { return };
                if let Filler::Entity(obj) = &o.0 {
                    if obj.class == subject.class && obj.key == subject.key {
                        return;
                    }
                }
                out.push(Found {
                    subject: subject.clone(),
                    subject_span: s.1.clone(),
                    predicate: rule.predicate.clone(),
                    object: o.0,
                    object_span: o.1,
                    rule: rule.id.clone(),
                    confidence,
                });
            };
            if let Some(v) = &rule.literal_object {
                let anchor_span = a.item_span(p);
                for s in &m.subjects {
                    emit(s, (Filler::Value(Value::Text(v.clone())), anchor_span.clone()));
                }
            } else if rule.pairwise {
                for s in &m.subjects {
                    for o in &m.subjects {
                        emit(s, o.clone());
                    }
                }
            } else {
                for s in &m.subjects {
                    for o in &m.objects {
                        emit(s, o.clone());
                    }
                }
            }
        }
    }
    out
}
