//! Three fixed queries' solutions → an index in memory of the entities (class, label, every
//! name the documents give them, documents) and of the facts linking them (with each fact's
//! documents and best confidence, from the relations' summary graphs): what search by name,
//! neighbourhoods and shortest paths read, in microseconds, where SPARQL has neither a text
//! index nor a path search. Loaded at start and after each update; the queries are in `api.rs`
//! with the others, and run inside Oxigraph (DISTINCT, joins on encoded terms), which is far
//! quicker than decoding every label and fact quad of the store here.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use oxigraph::model::Term;
use oxigraph::sparql::QuerySolution;
use oxigraph::store::Store;
use serde::Serialize;

use super::Failure;
use crate::graph::Vocab;
use crate::output::dot::model::Ontology;
use crate::output::query::{self, Parsed};
use crate::Result;

/// How many relations a path may have.
pub const MAX_PATH: usize = 8;

/// The fixed queries that load a catalog (see `api.rs`): typed entities with labels and
/// document counts, every name documents give, every fact between two entities with its counts.
pub(super) struct CatalogQueries<'a> {
    pub(super) entities: &'a Parsed,
    pub(super) names: &'a Parsed,
    pub(super) links: &'a Parsed,
}

/// One fact of an entity with another, as its entity sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Link {
    /// The other entity.
    pub(super) other: usize,
    /// The predicate, in [`Catalog::predicates`].
    pub(super) predicate: usize,
    /// Whether the entity is the fact's subject.
    pub(super) out: bool,
    /// How many documents state the fact (the summary's `kg:documents`).
    pub(super) documents: u32,
    /// The best confidence of its statements (the summary's `kg:bestConfidence`).
    pub(super) confidence: Option<f32>,
}

/// An entity in an answer.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct EntityRef {
    /// Its IRI.
    pub iri: String,
    /// Its IRI after `BASE entity/` (`country/Q399`), for `/api/entity/{key}`.
    pub key: String,
    /// Its label.
    pub label: String,
    /// Its class's local name (`Country`).
    pub class: Option<String>,
    /// How many documents mention it.
    pub documents: u64,
}

/// A search result.
#[derive(Clone, Debug, Serialize)]
pub struct SearchHit {
    /// The entity.
    #[serde(flatten)]
    pub entity: EntityRef,
    /// The name that matched.
    pub matched: String,
}

/// An entity as the catalog knows it.
#[derive(Clone, Debug, Default)]
pub(super) struct Entry {
    pub(super) iri: String,
    pub(super) label: String,
    /// While loading: the summary's `skos:prefLabel`, which becomes the label.
    shown: Option<String>,
    pub(super) class: Option<String>,
    pub(super) documents: u64,
    /// Every name documents give it (the label among them), sorted.
    pub(super) names: Vec<String>,
}

/// The entities of the store, their names and the links between them, in memory.
#[derive(Debug, Default)]
pub(super) struct Catalog {
    base: String,
    pub(super) entities: Vec<Entry>,
    pub(super) by_iri: HashMap<String, usize>,
    /// Every name (normalised) with its entity and the name's place in the entity's names.
    pub(super) index: Vec<(String, usize, usize)>,
    /// Per entity: its facts with other entities.
    pub(super) links: Vec<Vec<Link>>,
    /// The predicates of the links, by index.
    pub(super) predicates: Vec<String>,
}

impl Catalog {
    /// Runs the three queries on `store` and indexes what they give.
    pub(super) fn load(store: &Store, vocab: &Vocab, queries: &CatalogQueries<'_>, ontology: &Ontology) -> Result<Self> {
        let mut catalog = Catalog { base: vocab.base().to_owned(), ..Catalog::default() };
        let (rows, _) = query::solutions(store, queries.entities.prepare(), None, None)?;
        let mut found: BTreeMap<String, Entry> = BTreeMap::new();
        for row in rows {
            let Some(iri) = iri_of(&row, "e") else { continue };
            let class = iri_of(&row, "class").filter(|c| ontology.classes.contains_key(c));
            let Some(class) = class else { continue };
            let entry = found.entry(iri.clone()).or_insert_with(|| Entry { iri, ..Entry::default() });
            // Deterministic whatever the store's order: the smallest class, the shortest label.
            if entry.class.as_ref().is_none_or(|c| class < *c) {
                entry.class = Some(class);
            }
            if let Some(shown) = text_of(&row, "shown") {
                entry.shown = Some(shown);
            }
            if let Some(label) = text_of(&row, "label") {
                if entry.label.is_empty() || (label.len(), &label) < (entry.label.len(), &entry.label) {
                    entry.label = label;
                }
            }
            entry.documents = entry.documents.max(number_of(&row, "documents").unwrap_or(0.0) as u64);
        }
        for (i, (iri, mut entry)) in found.into_iter().enumerate() {
            if let Some(shown) = entry.shown.take() {
                entry.names.push(std::mem::replace(&mut entry.label, shown));
            }
            if entry.label.is_empty() {
                entry.label = local_name(&iri).to_owned();
            }
            entry.class = entry.class.map(|c| local_name(&c).to_owned());
            entry.names.retain(|n| !n.is_empty());
            entry.names.push(entry.label.clone());
            catalog.by_iri.insert(iri, i);
            catalog.entities.push(entry);
        }
        let (rows, _) = query::solutions(store, queries.names.prepare(), None, None)?;
        for row in rows {
            let (Some(iri), Some(name)) = (iri_of(&row, "e"), text_of(&row, "name")) else { continue };
            if let Some(&i) = catalog.by_iri.get(&iri) {
                let names = &mut catalog.entities[i].names;
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        for (i, e) in catalog.entities.iter_mut().enumerate() {
            e.names.sort();
            for (n, name) in e.names.iter().enumerate() {
                catalog.index.push((normalise(name), i, n));
            }
        }
        let mut predicates: BTreeMap<String, usize> = BTreeMap::new();
        catalog.links = vec![Vec::new(); catalog.entities.len()];
        let (rows, _) = query::solutions(store, queries.links.prepare(), None, None)?;
        // `BASE summary/P` → `kg:P`, once per graph.
        let mut predicate_of: HashMap<String, Option<String>> = HashMap::new();
        for row in rows {
            let (Some(g), Some(s), Some(o)) = (iri_of(&row, "g"), iri_of(&row, "s"), iri_of(&row, "o")) else { continue };
            let p = predicate_of
                .entry(g)
                .or_insert_with_key(|g| {
                    let p = vocab.summarised_predicate(g)?.into_string();
                    ontology.predicates.contains_key(&p).then_some(p)
                })
                .clone();
            let Some(p) = p else { continue };
            let (Some(&s), Some(&o)) = (catalog.by_iri.get(&s), catalog.by_iri.get(&o)) else { continue };
            let documents = number_of(&row, "documents").unwrap_or(0.0) as u32;
            let confidence = number_of(&row, "confidence").map(|c| c as f32);
            let n = predicates.len();
            let p = *predicates.entry(p).or_insert(n);
            catalog.links[s].push(Link { other: o, predicate: p, out: true, documents, confidence });
            if s != o {
                catalog.links[o].push(Link { other: s, predicate: p, out: false, documents, confidence });
            }
        }
        let mut names = vec![String::new(); predicates.len()];
        for (iri, i) in predicates {
            names[i] = iri;
        }
        catalog.predicates = names;
        for l in &mut catalog.links {
            l.sort_unstable_by_key(|l| (l.predicate, l.out, l.other));
            l.dedup_by(|a, b| (a.predicate, a.out, a.other) == (b.predicate, b.out, b.other));
        }
        Ok(catalog)
    }

    pub(super) fn reference(&self, i: usize) -> EntityRef {
        let e = &self.entities[i];
        EntityRef {
            iri: e.iri.clone(),
            key: self.key(&e.iri),
            label: e.label.clone(),
            class: e.class.clone(),
            documents: e.documents,
        }
    }

    /// A resource as the page shows it: from the catalog, else its IRI's local name.
    pub(super) fn describe(&self, iri: &str) -> EntityRef {
        match self.by_iri.get(iri) {
            Some(&i) => self.reference(i),
            None => EntityRef { iri: iri.to_owned(), key: self.key(iri), label: local_name(iri).to_owned(), class: None, documents: 0 },
        }
    }

    /// `country/Q399` for `BASE entity/country/Q399`; other IRIs are their own key.
    pub(super) fn key(&self, iri: &str) -> String {
        iri.strip_prefix(&self.base).and_then(|r| r.strip_prefix("entity/")).unwrap_or(iri).to_owned()
    }

    /// Entities with a name containing `text`, best first: a whole name, then a name that
    /// starts with it, a word that does, any match; then the most documented.
    pub(super) fn search(&self, text: &str, limit: usize) -> Vec<SearchHit> {
        let wanted = normalise(text);
        if wanted.is_empty() {
            return Vec::new();
        }
        let mut best: HashMap<usize, (u8, usize)> = HashMap::new();
        for (name, entity, n) in &self.index {
            let rank = if *name == wanted {
                0
            } else if name.starts_with(&wanted) {
                1
            } else if name.split(' ').any(|w| w.starts_with(&wanted)) {
                2
            } else if name.contains(&wanted) {
                3
            } else {
                continue;
            };
            let slot = best.entry(*entity).or_insert((rank, *n));
            if rank < slot.0 {
                *slot = (rank, *n);
            }
        }
        let mut hits: Vec<(usize, u8, usize)> = best.into_iter().map(|(e, (rank, n))| (e, rank, n)).collect();
        hits.sort_by(|a, b| {
            let (ea, eb) = (&self.entities[a.0], &self.entities[b.0]);
            (a.1, std::cmp::Reverse(ea.documents), &ea.label, &ea.iri).cmp(&(b.1, std::cmp::Reverse(eb.documents), &eb.label, &eb.iri))
        });
        hits.into_iter()
            .take(limit)
            .map(|(e, _, n)| SearchHit { entity: self.reference(e), matched: self.entities[e].names[n].clone() })
            .collect()
    }

    /// The entity an API parameter names: its IRI, its key (`country/Q399`), or a name that
    /// exactly one entity has.
    pub(super) fn resolve(&self, name: &str) -> std::result::Result<usize, Failure> {
        let name = name.trim();
        if let Some(&i) = self.by_iri.get(name).or_else(|| self.by_iri.get(&format!("{}entity/{name}", self.base))) {
            return Ok(i);
        }
        let wanted = normalise(name);
        let found: BTreeSet<usize> = self.index.iter().filter(|(n, _, _)| *n == wanted).map(|(_, e, _)| *e).collect();
        match found.len() {
            1 => Ok(*found.iter().next().unwrap_or(&0)),
            0 => Err(Failure::not_found(format!("no entity named {name:?}"))),
            n => {
                let list: Vec<String> = found.iter().take(8).map(|&e| format!("{} <{}>", self.entities[e].label, self.entities[e].iri)).collect();
                Err(Failure::bad_request(format!("{name:?} names {n} entities: {}; give the IRI", list.join("; "))))
            }
        }
    }

    /// A shortest chain of facts, either way, from `from` to `to` (breadth-first).
    pub(super) fn path(&self, from: usize, to: usize) -> Option<Vec<(usize, usize, usize)>> {
        let mut previous: HashMap<usize, (usize, usize, bool)> = HashMap::new();
        let mut queue = VecDeque::from([(from, 0)]);
        previous.insert(from, (from, usize::MAX, true));
        while let Some((node, depth)) = queue.pop_front() {
            if node == to {
                break;
            }
            if depth >= MAX_PATH {
                continue;
            }
            for link in &self.links[node] {
                if let std::collections::hash_map::Entry::Vacant(v) = previous.entry(link.other) {
                    v.insert((node, link.predicate, link.out));
                    queue.push_back((link.other, depth + 1));
                }
            }
        }
        previous.get(&to)?;
        let mut edges = Vec::new();
        let mut node = to;
        while node != from {
            let (before, p, out) = previous[&node];
            // `out`: `before` is the subject of the fact.
            edges.push(if out { (before, p, node) } else { (node, p, before) });
            node = before;
        }
        edges.reverse();
        Some(edges)
    }
}

/// Lower case, accents and punctuation dropped, spaces collapsed: how names are compared.
pub(super) fn normalise(text: &str) -> String {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    let folded: String = text
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The part of an IRI after its last `#` or `/`.
pub(super) fn local_name(iri: &str) -> &str {
    iri.rsplit(['#', '/']).next().filter(|l| !l.is_empty()).unwrap_or(iri)
}

/// A solution's IRI.
pub(super) fn iri_of(row: &QuerySolution, var: &str) -> Option<String> {
    match row.get(var) {
        Some(Term::NamedNode(n)) => Some(n.as_str().to_owned()),
        _ => None,
    }
}

/// A solution's literal, as text.
pub(super) fn text_of(row: &QuerySolution, var: &str) -> Option<String> {
    match row.get(var) {
        Some(Term::Literal(l)) => Some(l.value().to_owned()),
        _ => None,
    }
}

/// A solution's literal, as a number.
pub(super) fn number_of(row: &QuerySolution, var: &str) -> Option<f64> {
    text_of(row, var).and_then(|t| t.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_accents_or_punctuation() {
        assert_eq!(normalise("  Nikol  PASHINYAN "), "nikol pashinyan");
        assert_eq!(normalise("Élysée-Palace"), "elysee palace");
    }

    fn catalog() -> Catalog {
        // a — b — c, and d alone; names as documents give them.
        let mut c = Catalog { base: "http://x/".into(), ..Catalog::default() };
        for (i, (iri, label, documents, names)) in [
            ("http://x/entity/a", "Alpha Centauri", 3, vec!["Alpha"]),
            ("http://x/entity/b", "Beta", 9, vec!["Alphabet"]),
            ("http://x/entity/c", "Gamma", 1, vec![]),
            ("http://x/entity/d", "Delta", 0, vec!["Gamma"]),
        ]
        .into_iter()
        .enumerate()
        {
            let mut all: Vec<String> = names.into_iter().map(String::from).collect();
            all.push(label.into());
            all.sort();
            for (n, name) in all.iter().enumerate() {
                c.index.push((normalise(name), i, n));
            }
            c.entities.push(Entry { iri: iri.into(), label: label.into(), documents, names: all, ..Entry::default() });
            c.by_iri.insert(iri.into(), i);
        }
        c.predicates = vec!["http://x/p".into()];
        let link = |other, out| Link { other, predicate: 0, out, documents: 1, confidence: None };
        c.links = vec![vec![link(1, true)], vec![link(0, false), link(2, true)], vec![link(1, false)], vec![]];
        c
    }

    #[test]
    fn search_ranks_whole_names_then_starts_then_documents() {
        let c = catalog();
        let labels = |q: &str| c.search(q, 10).into_iter().map(|h| h.entity.label).collect::<Vec<_>>();
        assert_eq!(labels("alpha"), ["Alpha Centauri", "Beta"], "a whole name first, then the most documented");
        assert_eq!(labels("centauri"), ["Alpha Centauri"], "a word of a name");
        assert_eq!(labels("amm"), ["Gamma", "Delta"], "any part, by documents");
        assert!(labels("  ").is_empty());
        assert_eq!(c.search("alpha", 1).len(), 1);
    }

    #[test]
    fn names_resolve_to_one_entity_or_say_why_not() {
        let c = catalog();
        assert_eq!(c.resolve("http://x/entity/b").ok(), Some(1));
        assert_eq!(c.resolve("c").ok(), Some(2), "a key");
        assert_eq!(c.resolve("BETA").ok(), Some(1));
        assert_eq!(c.resolve("gamma").unwrap_err().status, axum::http::StatusCode::BAD_REQUEST, "two entities");
        assert_eq!(c.resolve("omega").unwrap_err().status, axum::http::StatusCode::NOT_FOUND);
    }

    #[test]
    fn paths_follow_facts_either_way() {
        let c = catalog();
        assert_eq!(c.path(0, 2), Some(vec![(0, 0, 1), (1, 0, 2)]));
        assert_eq!(c.path(2, 0), Some(vec![(1, 0, 2), (0, 0, 1)]), "facts keep their direction");
        assert_eq!(c.path(0, 3), None);
        assert_eq!(c.path(1, 1), Some(vec![]));
    }
}
