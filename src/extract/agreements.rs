//! A document's agreement mentions and statements → its agreements told apart.
//!
//! Recognition gives each agreement noun ("the ceasefire", "a separate deal") a provisional
//! key of its own; pronouns that stand for it copy that key. Here, in text order, each noun
//! joins an agreement named before only when nothing says it is another one, and is a new
//! agreement otherwise. What says so:
//!
//! - **its kind**: the noun's role in `nominals.tsv` ("a defence pact" is no "joint
//!   declaration"); "deal", "accord", "agreement" name any kind, and `agreement_kinds` pairs
//!   kinds that name one agreement (a joint statement announces a ceasefire);
//! - **its date**: a date or year stated for it ("the 2015 peace accord", "the ceasefire that
//!   Egypt brokered in 2014") that is not that agreement's, nor, for an undated one, near the
//!   document's own date;
//! - **its parties**: signers of both, neither set within the other ("Egypt and Somalia" and
//!   "Ethiopia and Somalia");
//! - **its words**: "a separate deal", "another truce" (`distinct_referent`) is a new one;
//!   "the previous ceasefire" (`earlier_referent`) is not the story's; "a ceasefire" is none
//!   dated to another time than the document's;
//! - **its name**: a named agreement ("the Pretoria agreement") is that one.
//!
//! Of several agreements a noun may join, one of its own kind, else the most mentioned, else
//! the latest. The story's agreement (the first of the document's time) keeps the key of the
//! document's date; the others are keyed by their date or the document's, and their noun.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};

use super::analysis::{Class, EntRef, Filler, Predicate, SentenceFacts, Value, PROVISIONAL};
use super::rules::Setting;
use super::lexicon::Lexicon;
use super::resolve::DocContext;
use crate::language::text::slug;

/// The kind that names any kind of agreement.
const GENERIC: &str = "agreement";

/// One agreement as the document's nouns build it up.
#[derive(Debug, Default)]
struct Agreement {
    /// A named agreement's own key.
    named: Option<String>,
    /// Kinds of the nouns that name it, generic ones left out.
    kinds: BTreeSet<String>,
    /// The date stated for it.
    date: Option<Value>,
    /// Its signers (states, organisations, groups: people sign for them).
    parties: BTreeSet<String>,
    /// Nouns that named it.
    mentions: usize,
    /// When it was last named (order of the nouns).
    last: usize,
    /// Named as an earlier agreement than the story's.
    earlier: bool,
    /// The noun that first named it (for its key and label).
    noun: String,
}

/// One agreement noun (its first mention: pronouns carry the same key).
struct Noun {
    key: String,
    named: bool,
    kind: String,
    noun: String,
    indefinite: bool,
    distinct: bool,
    earlier: bool,
}

/// Whether two dates can be one agreement's: the same year, or days at most two weeks apart
/// (signed on one day, in force the next).
fn same_time(a: &Value, b: &Value) -> bool {
    let year = |v: &Value| match v {
        Value::Date(d) => Some(d.year()),
        Value::Year(y) => Some(*y),
        _ => None,
    };
    match (a, b) {
        (Value::Date(x), Value::Date(y)) => (*x - *y).num_days().abs() <= 14,
        _ => year(a).is_some() && year(a) == year(b),
    }
}

/// Whether a date stated for an agreement fits the document's time: within about six weeks
/// before it (or after: a date to come), or its year when only the year is said.
fn of_the_document(v: &Value, date: NaiveDate) -> bool {
    match v {
        Value::Date(d) => (*d - date).num_days().abs() <= 45,
        Value::Year(y) => *y == date.year(),
        _ => true,
    }
}

/// Tells the document's agreements apart and gives every agreement reference its key and
/// label (see the module's comment).
pub(crate) fn distinguish(sentences: &mut [SentenceFacts], lex: &Lexicon, ctx: &DocContext) {
    let rules = &lex.rules;
    // The nouns, in text order, first mention of each key.
    let mut nouns: Vec<Noun> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for s in sentences.iter() {
        for m in &s.analysis.mentions {
            let Some(info) = &m.agreement else { continue };
            let Some(r) = m.alts.iter().find(|r| r.class == Class::Agreement) else { continue };
            if !seen.insert(r.key.to_string()) {
                continue;
            }
            let nominal = &lex.nominals[info.nominal];
            nouns.push(Noun {
                key: r.key.to_string(),
                named: !r.key.starts_with(PROVISIONAL),
                kind: nominal.kind.clone(),
                noun: nominal.name.clone(),
                indefinite: info.indefinite,
                distinct: info.distinct,
                earlier: info.earlier,
            });
        }
    }
    if nouns.is_empty() {
        return;
    }
    // What the document states of each noun's agreement: its dates and its signers.
    let facts = |key: &str| -> (Option<Value>, BTreeSet<String>) {
        let mut date = None;
        let mut parties = BTreeSet::new();
        for f in sentences.iter().flat_map(|s| s.found.iter()) {
            match (f.predicate, &f.object) {
                (Predicate::Date, Filler::Value(v)) if f.subject.class == Class::Agreement && &*f.subject.key == key => {
                    // The most precise date stated: a day over a year.
                    if date.is_none() || matches!((&date, v), (Some(Value::Year(_)), Value::Date(_))) {
                        date = Some(v.clone());
                    }
                }
                (Predicate::Signed, Filler::Entity(o)) if o.class == Class::Agreement && &*o.key == key && f.subject.class != Class::Person => {
                    parties.insert(f.subject.key.to_string());
                }
                _ => {}
            }
        }
        (date, parties)
    };
    let pairs: Vec<(&str, &str)> = rules.setting(Setting::AgreementKinds).iter().filter_map(|p| p.split_once('=')).collect();
    let kinds_agree = |a: &str, b: &str| a == b || a == GENERIC || b == GENERIC || pairs.iter().any(|&(x, y)| (x, y) == (a, b) || (y, x) == (a, b));
    let mut agreements: Vec<Agreement> = Vec::new();
    // Noun key → index of its agreement.
    let mut of_noun: Vec<usize> = Vec::with_capacity(nouns.len());
    for (order, noun) in nouns.iter().enumerate() {
        let (date, parties) = facts(&noun.key);
        // The story's agreement: the first undated (or dated in the document's time) one.
        let story = agreements.iter().position(|g| g.named.is_none() && !g.earlier && g.date.as_ref().is_none_or(|d| ctx.date.is_none_or(|doc| of_the_document(d, doc))));
        let fits = |k: usize, g: &Agreement| -> bool {
            let kinds = noun.kind == GENERIC || g.kinds.iter().all(|x| kinds_agree(x, &noun.kind));
            let dates = match (&date, &g.date) {
                (Some(a), Some(b)) => same_time(a, b),
                // An undated agreement of the document's time is not one of another year.
                (Some(a), None) if g.named.is_none() && !g.earlier => ctx.date.is_none_or(|doc| of_the_document(a, doc)),
                // "a new ceasefire" is no agreement of another time named before.
                (None, Some(b)) if noun.indefinite => ctx.date.is_none_or(|doc| of_the_document(b, doc)),
                _ => true,
            };
            let signers = parties.is_empty() || g.parties.is_empty() || parties.is_subset(&g.parties) || g.parties.is_subset(&parties);
            let named = if noun.named { g.named.as_deref() == Some(noun.key.as_str()) } else { true };
            kinds && dates && signers && named && !(noun.earlier && Some(k) == story)
        };
        let chosen = if noun.distinct && !agreements.is_empty() {
            None
        } else {
            let candidates: Vec<usize> = (0..agreements.len()).filter(|&k| fits(k, &agreements[k])).collect();
            let own_kind = candidates.iter().copied().filter(|&k| noun.kind != GENERIC && agreements[k].kinds.contains(&noun.kind)).max_by_key(|&k| agreements[k].last);
            own_kind.or_else(|| candidates.iter().copied().max_by_key(|&k| (agreements[k].mentions, agreements[k].last)))
        };
        let k = match chosen {
            Some(k) => k,
            None => {
                agreements.push(Agreement { named: noun.named.then(|| noun.key.clone()), earlier: noun.earlier, noun: noun.noun.clone(), ..Agreement::default() });
                agreements.len() - 1
            }
        };
        let g = &mut agreements[k];
        if noun.kind != GENERIC {
            g.kinds.insert(noun.kind.clone());
        }
        if let Some(d) = date {
            if g.date.is_none() || matches!((&g.date, &d), (Some(Value::Year(_)), Value::Date(_))) {
                g.date = Some(d);
            }
        }
        g.parties.extend(parties);
        g.mentions += 1;
        g.last = order;
        of_noun.push(k);
    }
    // Keys and labels: the story's agreement keeps the document's; a named one its name;
    // the others their date (or the document's) and their noun.
    let story = agreements.iter().position(|g| g.named.is_none() && !g.earlier && g.date.as_ref().is_none_or(|d| ctx.date.is_none_or(|doc| of_the_document(d, doc))));
    let document = ctx.agreement("");
    let mut used: BTreeSet<String> = BTreeSet::new();
    let names: Vec<(String, Option<String>)> = agreements
        .iter()
        .enumerate()
        .map(|(k, g)| {
            if let Some(key) = &g.named {
                return (key.clone(), None);
            }
            if Some(k) == story {
                return (document.key.to_string(), Some(document.label.to_string()));
            }
            let (when_key, when_label) = match (&g.date, ctx.date) {
                (Some(Value::Date(d)), _) => (d.to_string(), format!("of {}", d.format("%-d %B %Y"))),
                (Some(Value::Year(y)), _) => (y.to_string(), format!("of {y}")),
                (_, Some(d)) => (d.to_string(), format!("of {}", d.format("%-d %B %Y"))),
                _ => (format!("doc-{}", slug(&ctx.doc_id)), format!("reported in {}", ctx.doc_id)),
            };
            // Two agreements of one noun and time are told apart by their order.
            let mut key = format!("{when_key}-{}", slug(&g.noun));
            let mut label = format!("{} {when_label}", g.noun);
            let mut n = 2;
            while used.contains(&key) || *label == *document.label {
                key = format!("{when_key}-{}-{n}", slug(&g.noun));
                label = format!("{} {when_label} ({n})", g.noun);
                n += 1;
            }
            used.insert(key.clone());
            (key, Some(label))
        })
        .collect();
    let rename: foldhash::HashMap<&str, &(String, Option<String>)> = nouns.iter().zip(&of_noun).map(|(n, &k)| (n.key.as_str(), &names[k])).collect();
    let apply = |r: &mut EntRef| {
        if r.class != Class::Agreement {
            return;
        }
        if let Some((key, label)) = rename.get(&*r.key) {
            // A pronoun's surface is the label it stood for: it follows the label.
            let pronoun = *r.surface == *r.label;
            r.key = key.clone().into();
            if let Some(label) = label {
                r.label = label.clone().into();
            }
            if pronoun {
                r.surface = r.label.to_string();
            }
        }
    };
    for s in sentences.iter_mut() {
        for m in &mut s.analysis.mentions {
            m.alts.iter_mut().for_each(&apply);
        }
        for f in &mut s.found {
            apply(&mut f.subject);
            if let Filler::Entity(o) = &mut f.object {
                apply(o);
            }
        }
        if let Some(r) = &mut s.speaker {
            apply(r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_one_agreement() {
        let day = |s: &str| Value::Date(s.parse().unwrap());
        assert!(same_time(&day("2024-03-10"), &day("2024-03-11")));
        assert!(same_time(&Value::Year(2024), &day("2024-12-11")));
        assert!(!same_time(&Value::Year(2015), &day("2024-03-10")));
        assert!(!same_time(&day("2024-01-10"), &day("2024-03-10")));
        let doc: NaiveDate = "2025-07-20".parse().unwrap();
        assert!(of_the_document(&day("2025-06-27"), doc));
        assert!(!of_the_document(&Value::Year(2022), doc));
    }
}
