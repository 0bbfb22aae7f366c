//! Document-level resolution: the names a document introduces (people by title, acronyms
//! defined in brackets), its salient region for anaphora ("the region", "the enclave"), and
//! the corpus-stable keys of people, agreements and events.

use foldhash::{HashMap, HashMapExt};
use std::ops::Range;

use chrono::{Datelike, NaiveDate};

use super::lexicon::{Hit, Lexicon};
use super::analysis::{EntRef, Name};
use super::rules::Setting;
use super::scan::Scan;
use crate::language::text::{fold, slug};
use super::analysis::Class;
use crate::document::Document;

/// What a document establishes before its sentences are read one by one.
#[derive(Clone, Debug, Default)]
pub struct DocContext {
    /// The document's date.
    pub date: Option<NaiveDate>,
    /// The document's id (keys of undated agreements).
    pub doc_id: String,
    /// The most mentioned region-like place, the antecedent of "the region".
    pub salient_region: Option<EntRef>,
    /// The country the document is about: named (by name, demonym, capital or a national body
    /// of its own: "the Sudanese army") at least twice
    /// and more often than any other, the state of "the government", "the junta".
    pub salient_country: Option<EntRef>,
    /// Person key → full name.
    persons: HashMap<String, String>,
    /// Acronym → expansion, from "Rapid Support Forces (RSF)".
    acronyms: HashMap<String, String>,
    surname_endings: Vec<(String, String)>,
    /// The key and label of the agreement of the document's date (see
    /// [`DocContext::agreement`]), made once.
    agreement: (Name, Name),
    /// The year of the document ("undated" for none).
    year: String,
}

impl DocContext {
    /// Reads the whole document once for names and salience.
    /// `titled` holds, per sentence, the names recognition found after a title.
    pub fn build(doc: &Document, scans: &[Scan<'_>], titled: &[Vec<String>], lex: &Lexicon) -> DocContext {
        let mut ctx = DocContext {
            date: doc.date,
            doc_id: doc.id.clone(),
            surname_endings: lex
                .rules
                .setting(Setting::SurnameEndings)
                .iter()
                .filter_map(|r| r.split_once('>').map(|(a, b)| (a.to_owned(), b.to_owned())))
                .collect(),
            ..DocContext::default()
        };
        let (key, label) = match doc.date {
            Some(d) => (format!("{d}"), format!("agreement of {}", d.format("%-d %B %Y"))),
            None => (format!("doc-{}", slug(&doc.id)), format!("agreement reported in {}", doc.id)),
        };
        ctx.agreement = (key.into(), label.into());
        ctx.year = doc.date.map_or_else(|| "undated".to_owned(), |d| d.year().to_string());
        let mut region_counts: HashMap<usize, (usize, usize)> = HashMap::new();
        let mut country_counts: HashMap<usize, (usize, usize)> = HashMap::new();
        for (k, s) in scans.iter().enumerate() {
            for name in titled.get(k).into_iter().flatten().cloned() {
                let key = ctx.person_key(&name);
                let entry = ctx.persons.entry(key).or_insert_with(|| name.clone());
                // The longest form is the canonical name ("Nikol Pashinyan" over "Pashinyan").
                if name.split_whitespace().count() > entry.split_whitespace().count() {
                    *entry = name;
                }
            }
            let text = &doc.text[s.sentence.clone()];
            for (_, hits) in &s.finds {
                for h in hits.iter() {
                    if let Hit::Place(p) = h {
                        if ["disputed", "region", "exclave", "province"].contains(&lex.places[*p].kind.as_str()) {
                            let e = region_counts.entry(*p).or_insert((0, k));
                            e.0 += 1;
                        }
                    }
                }
                // One count per name, whatever readings it has.
                let country = hits.iter().find_map(|h| match h {
                    Hit::Country(c) | Hit::Demonym(c) => Some(*c),
                    Hit::Place(p) => lex.places[*p].capital_of,
                    Hit::Org(o) => lex.orgs[*o].country,
                    _ => None,
                });
                if let Some(c) = country {
                    country_counts.entry(c).or_insert((0, k)).0 += 1;
                }
            }
            find_acronyms(text, &mut ctx.acronyms);
        }
        if let Some((&p, _)) = region_counts.iter().max_by_key(|(p, (count, first))| (*count, std::cmp::Reverse(*first), std::cmp::Reverse(**p))) {
            ctx.salient_region = Some(lex.place_names(p).entity(Class::Place, &lex.places[p].name));
        }
        let mut ranked: Vec<(usize, (usize, usize))> = country_counts.into_iter().collect();
        ranked.sort_by_key(|&(c, (count, first))| (std::cmp::Reverse(count), first, c));
        if let Some(&(c, (count, _))) = ranked.first() {
            if count >= 2 && ranked.get(1).is_none_or(|(_, (second, _))| *second < count) {
                ctx.salient_country = Some(lex.country_names(c).entity(Class::Country, &lex.countries[c].name));
            }
        }
        ctx
    }

    /// The year events default to: the document's, else "undated".
    pub fn year(&self) -> String {
        self.year.clone()
    }

    /// The key of a person: the transliteration-folded surname, so that "Pashinyan",
    /// "Nikol Pashinyan" and "Pashinian" are one person across the corpus.
    pub fn person_key(&self, name: &str) -> String {
        let folded = fold(name);
        let words: Vec<&str> = folded.split_whitespace().collect();
        // A regnal number is no surname: "Abdullah II" is abdullah-ii (and no "-ii" ending
        // is transliterated).
        if let [.., given, numeral] = words.as_slice() {
            if numeral.len() <= 4 && numeral.chars().all(|c| matches!(c, 'i' | 'v' | 'x')) {
                return slug(&format!("{given} {numeral}"));
            }
        }
        let surname = words.last().copied().unwrap_or("").to_owned();
        let mut s = surname;
        for (from, to) in &self.surname_endings {
            if let Some(stem) = s.strip_suffix(from.as_str()) {
                s = format!("{stem}{to}");
                break;
            }
        }
        slug(&s)
    }

    /// A person this document introduced, by full name or surname.
    pub fn person(&self, name: &str) -> Option<EntRef> {
        let key = self.person_key(name);
        let f = fold(name);
        if let Some(full) = self.persons.get(&key) {
            // The name must be the surname or the full name, not just share a last word by accident.
            let ff = fold(full);
            if ff == f || ff.ends_with(&format!(" {f}")) || self.person_key(full) == key && f.split_whitespace().count() == 1 || ff.split_whitespace().count() == 1 {
                return Some(EntRef { class: Class::Person, key: key.into(), label: full.clone().into(), wikidata: None, surface: name.to_owned() });
            }
            return None;
        }
        // One word that opens the full name of exactly one person the document introduced:
        // names whose first word is the one used ("Meles" for Meles Zenawi, "Xi" for Xi Jinping).
        if f.split_whitespace().count() != 1 {
            return None;
        }
        let mut opening = self.persons.values().filter(|full| {
            let ff = fold(full);
            let mut words = ff.split_whitespace();
            words.next() == Some(f.as_str()) && words.next().is_some()
        });
        let full = opening.next()?;
        if opening.next().is_some() {
            return None;
        }
        Some(EntRef { class: Class::Person, key: self.person_key(full).into(), label: full.clone().into(), wikidata: None, surface: name.to_owned() })
    }

    /// A person by name, known or not.
    pub fn person_ref(&self, name: &str) -> EntRef {
        let key = self.person_key(name);
        let label = self.persons.get(&key).cloned().unwrap_or_else(|| name.to_owned());
        EntRef { class: Class::Person, key: key.into(), label: label.into(), wikidata: None, surface: name.to_owned() }
    }

    /// The agreement a singular agreement noun refers to: the one of the document's date.
    pub fn agreement(&self, surface: &str) -> EntRef {
        let (key, label) = self.agreement.clone();
        EntRef { class: Class::Agreement, key, label, wikidata: None, surface: surface.to_owned() }
    }

    /// The event an event noun refers to, keyed by its role and the year.
    pub fn event(&self, role: &str, name: &str, surface: &str) -> EntRef {
        self.event_in(role, name, surface, None)
    }

    /// Like [`DocContext::event`], in the year the text gives (else the document's).
    pub fn event_in(&self, role: &str, name: &str, surface: &str, year: Option<String>) -> EntRef {
        let year = year.as_deref().unwrap_or(&self.year);
        let role = if role.is_empty() { name } else { role };
        EntRef {
            class: Class::Event,
            key: slug(&format!("{role} {year}")).into(),
            label: format!("{role} of {year}").into(),
            wikidata: None,
            surface: surface.to_owned(),
        }
    }

    /// An organisation known by an acronym defined in this document.
    pub fn acronym(&self, name: &str) -> Option<EntRef> {
        let full = self.acronyms.get(name)?;
        Some(EntRef { class: Class::Organization, key: slug(full).into(), label: full.clone().into(), wikidata: None, surface: name.to_owned() })
    }

    /// An organisation whose full name was defined with an acronym.
    pub fn acronym_expansion(&self, name: &str) -> Option<EntRef> {
        self.acronyms.values().any(|f| f == name).then(|| EntRef {
            class: Class::Organization,
            key: slug(name).into(),
            label: name.into(),
            wikidata: None,
            surface: name.to_owned(),
        })
    }
}

/// "Rapid Support Forces (RSF)": the acronym must be the initials of the capitalised words.
fn find_acronyms(text: &str, out: &mut HashMap<String, String>) {
    let mut rest = text;
    let mut offset = 0;
    while let Some(open) = rest.find('(') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(')') else { break };
        let acro = after[..close].trim();
        if (2..=6).contains(&acro.len()) && acro.chars().all(|c| c.is_ascii_uppercase()) {
            let before: Vec<&str> = text[..offset + open].split_whitespace().collect();
            let n = acro.len();
            let candidates: Vec<&str> = before.iter().rev().take(n + 2).rev().copied().collect();
            let initials: String = candidates.iter().filter(|w| w.chars().next().is_some_and(char::is_uppercase)).map(|w| w.chars().next().unwrap()).collect();
            if initials.ends_with(acro) {
                let words: Vec<&str> = candidates.iter().copied().skip_while(|w| !w.starts_with(acro.chars().next().unwrap())).collect();
                out.insert(acro.to_owned(), words.join(" "));
            }
        }
        offset += open + 1 + close + 1;
        rest = &text[offset..];
    }
}

/// Byte range helper for explain output.
pub fn show(text: &str, r: &Range<usize>) -> String {
    text.get(r.clone()).unwrap_or("").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_are_initials_of_the_name() {
        let mut m = HashMap::new();
        find_acronyms("fighting between the army and the Rapid Support Forces (RSF) in Khartoum", &mut m);
        assert_eq!(m.get("RSF").map(String::as_str), Some("Rapid Support Forces"));
        find_acronyms("the vote (PDF) was held", &mut m);
        assert!(!m.contains_key("PDF"));
    }

    #[test]
    fn people_are_keyed_by_surname_or_regnal_name_and_found_by_first_name_when_unique() {
        let mut ctx = DocContext::default();
        assert_eq!(ctx.person_key("Abdullah II"), "abdullah-ii");
        assert_eq!(ctx.person_key("Ilir Peci"), "peci");
        for name in ["Meles Zenawi", "Mohamed Bazoum", "Mohamed Toumba"] {
            ctx.persons.insert(ctx.person_key(name), name.to_owned());
        }
        // The surname, the full name, and a first word that opens one name only.
        assert_eq!(ctx.person("Zenawi").map(|r| r.label.to_string()).as_deref(), Some("Meles Zenawi"));
        assert_eq!(ctx.person("Meles").map(|r| r.key.to_string()).as_deref(), Some("zenawi"));
        assert!(ctx.person("Mohamed").is_none());
        assert!(ctx.person("Ruto").is_none());
    }
}
