//! Documents' quads → the store's fact layer: each document's named graph, the facts once in the
//! default graph, and the summary graphs, kept consistent as documents are added, replaced and
//! removed.
//!
//! # Layout
//!
//! - A document graph holds what the document states (see [`crate::graph::mint`]), among it one
//!   evidence record per statement and sentence: `V kg:fact F ; kg:by M`, M the method (rule
//!   and confidence, [`Vocab::method`]).
//! - The default graph holds each fact once (`S kg:p O`; its fact node F, named after the triple
//!   by [`Vocab::fact`], needs no triples there), each entity's type, labels and Wikidata link,
//!   and each method's rule and confidence: the union of what the documents contribute.
//! - The summary graphs are derived from the documents: `BASE summary/PREDICATE`
//!   ([`Vocab::fact_summary_graph`]) holds, per fact node of that relation, its `rdf:subject` and
//!   `rdf:object`, `kg:documents` (how many document graphs have evidence for it) and
//!   `kg:bestConfidence`; `BASE summary`
//!   ([`Vocab::summary_graph`]) holds per entity `kg:documents` (how many document graphs give
//!   it a label) and `skos:prefLabel`, the label most of them give (documents can spell a name
//!   differently: the default graph keeps every label, the summary the one to show).
//!
//! # Keeping it consistent
//!
//! Documents are written in batches ([`KgStore::write_batch`]): those the store does not hold
//! are bulk-loaded with their facts in one atomic step; one it holds is replaced in one
//! transaction, which drops from the default graph the facts and entities no other document
//! supports any more (asked of the evidence, not of the counts). The counts of a run of batches
//! (a build, a removal) are added up in a [`SummaryLedger`] in memory and written when the run
//! ends: a hub fact stated in every batch is then rewritten once, not once per batch. A fact
//! whose best confidence a replaced or removed document held, or an entity whose preferred label
//! may change, is counted again from the evidence then.
//!
//! A run marks the summary as pending (`BASE summary kg:pending true`) until its counts are
//! written: a run killed before that leaves the mark, and the next run (or `kgraph summarise`)
//! recomputes the whole summary from the documents. So the facts and the summary are a function
//! of the documents in the store, whatever the order of builds, rebuilds and removals.

use std::collections::{BTreeSet, HashMap, HashSet};

use oxigraph::model::vocab::xsd;
use oxigraph::model::{
    GraphName, GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, QuadRef, Term, TermRef,
};
use oxigraph::store::{Store, Transaction};
use xxhash_rust::xxh3::Xxh3;

use super::KgStore;
use crate::graph::vocab::{iri, ns};
use crate::graph::Vocab;
use crate::{Error, Result};

/// One document to write: its graph, the graph's quads and the facts it adds to the default
/// graph.
#[derive(Clone, Copy, Debug)]
pub struct DocumentQuads<'a> {
    /// The document's named graph.
    pub graph: NamedNodeRef<'a>,
    /// The quads of that graph.
    pub quads: &'a [Quad],
    /// Default-graph quads (facts, entity descriptions).
    pub facts: &'a [Quad],
}

/// The terms the fact layer reads and writes, made once.
struct Terms {
    vocab: Vocab,
    fact: NamedNode,
    by: NamedNode,
    documents: NamedNode,
    best_confidence: NamedNode,
    pending: NamedNode,
    label: NamedNode,
    rdf_type: NamedNode,
    same_as: NamedNode,
    pref_label: NamedNode,
    rdf_subject: NamedNode,
    rdf_object: NamedNode,
    summary: NamedNode,
    ontology: NamedNode,
    entity_prefix: String,
}

impl Terms {
    fn new(vocab: &Vocab) -> Self {
        Self {
            vocab: vocab.clone(),
            fact: vocab.term("fact"),
            by: vocab.term("by"),
            documents: vocab.term("documents"),
            best_confidence: vocab.term("bestConfidence"),
            pending: vocab.term("pending"),
            label: iri(ns::RDFS, "label"),
            rdf_type: iri(ns::RDF, "type"),
            same_as: iri(ns::OWL, "sameAs"),
            pref_label: iri(ns::SKOS, "prefLabel"),
            rdf_subject: iri(ns::RDF, "subject"),
            rdf_object: iri(ns::RDF, "object"),
            summary: vocab.summary_graph(),
            ontology: vocab.ontology_graph(),
            entity_prefix: vocab.entity_prefix(),
        }
    }

    fn is_entity(&self, subject: &NamedOrBlankNode) -> bool {
        matches!(subject, NamedOrBlankNode::NamedNode(n) if n.as_str().starts_with(&self.entity_prefix))
    }

    /// Whether a named graph can be a document's (not a summary, the ontology or another
    /// kgraph graph: those never hold evidence or entity labels of documents).
    fn is_document_graph(&self, g: &GraphName) -> bool {
        match g {
            GraphName::NamedNode(n) => *n != self.ontology && !self.vocab.is_summary_graph(n.as_str()),
            GraphName::BlankNode(_) => true,
            GraphName::DefaultGraph => false,
        }
    }

    /// The quad that marks the summary as pending.
    fn pending_quad(&self) -> Quad {
        Quad::new(self.summary.clone(), self.pending.clone(), Literal::from(true), self.summary.clone())
    }
}

/// What one document graph contributes to the summary: read from its quads.
#[derive(Debug, Default)]
struct Contribution {
    /// Fact node → the best confidence of the document's evidence for it.
    facts: HashMap<NamedNode, f64>,
    /// Entities the document gives a label, with the labels it gives (one, as kgraph mints).
    entities: HashMap<NamedNode, BTreeSet<String>>,
    /// The methods its evidence names.
    methods: HashSet<NamedNode>,
}

impl Contribution {
    fn of<'q>(quads: impl IntoIterator<Item = QuadRef<'q>>, t: &Terms) -> Self {
        let mut fact_of: HashMap<NamedOrBlankNode, NamedNode> = HashMap::new();
        let mut confidence_of: HashMap<NamedOrBlankNode, f64> = HashMap::new();
        let mut entities: HashMap<NamedNode, BTreeSet<String>> = HashMap::new();
        let mut methods = HashSet::new();
        for q in quads {
            if q.predicate == t.fact {
                if let TermRef::NamedNode(f) = q.object {
                    fact_of.insert(q.subject.into_owned(), f.into_owned());
                }
            } else if q.predicate == t.by {
                if let TermRef::NamedNode(m) = q.object {
                    let confidence = t.vocab.method_parts(m).map_or(0.0, |(_, c)| c);
                    confidence_of.insert(q.subject.into_owned(), confidence);
                    methods.insert(m.into_owned());
                }
            } else if q.predicate == t.label {
                let subject = q.subject.into_owned();
                if let (true, NamedOrBlankNode::NamedNode(e), TermRef::Literal(l)) = (t.is_entity(&subject), subject, q.object)
                {
                    entities.entry(e).or_default().insert(l.value().to_owned());
                }
            }
        }
        let mut facts: HashMap<NamedNode, f64> = HashMap::new();
        for (v, f) in fact_of {
            let c = confidence_of.get(&v).copied().unwrap_or(0.0);
            let best = facts.entry(f).or_insert(c);
            *best = best.max(c);
        }
        Self { facts, entities, methods }
    }

    /// The quads of the graph `g` a contribution is read from (evidence and labels), as the
    /// transaction sees them.
    fn quads(tx: &Transaction<'_>, g: NamedNodeRef<'_>, t: &Terms) -> Result<Vec<Quad>> {
        let mut quads = Vec::new();
        for p in [&t.fact, &t.by, &t.label] {
            for q in tx.quads_for_pattern(None, Some(p.as_ref()), None, Some(g.into())) {
                quads.push(q?);
            }
        }
        Ok(quads)
    }

    /// The contribution of the graph `g` as the transaction sees it.
    fn read(tx: &Transaction<'_>, g: NamedNodeRef<'_>, t: &Terms) -> Result<Self> {
        Ok(Self::of(Self::quads(tx, g, t)?.iter().map(Quad::as_ref), t))
    }
}

/// A 128-bit hash of a quad, to know it again within a run (hashed from its terms, not from
/// its text: this runs for every fact of every document a build writes).
fn quad_hash(q: &Quad) -> u128 {
    let mut hasher = Xxh3::new();
    std::hash::Hash::hash(q, &mut hasher);
    hasher.digest128()
}

/// A count as an `xsd:integer` literal.
fn integer(n: u64) -> Term {
    Literal::new_typed_literal(n.to_string(), xsd::INTEGER).into()
}

/// A confidence as a canonical `xsd:decimal` literal (as minted).
fn decimal(c: f64) -> Term {
    Literal::new_typed_literal(crate::graph::mint::decimal(c as f32), xsd::DECIMAL).into()
}

/// The label to show among labels with their document counts: the one most documents give,
/// then the longest (the fullest name), then the first in code point order.
fn preferred<'a>(counts: impl IntoIterator<Item = (&'a String, &'a u64)>) -> Option<String> {
    counts
        .into_iter()
        .max_by(|(a, m), (b, n)| m.cmp(n).then(a.chars().count().cmp(&b.chars().count())).then(b.cmp(a)))
        .map(|(l, _)| l.clone())
}

/// A fact's summary values.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct FactTally {
    documents: u64,
    best: f64,
}

/// An entity's summary values.
#[derive(Clone, Debug, Default, PartialEq)]
struct EntityTally {
    documents: u64,
    label: Option<String>,
}

/// The summary quads of a fact: its subject and object (so that a query reads a relation's
/// facts with their counts from its summary graph alone, by scans, without naming the fact
/// node from the triple), its documents and its best confidence.
fn fact_quads(f: &NamedNode, tally: FactTally, t: &Terms) -> Vec<Quad> {
    if tally.documents == 0 {
        return Vec::new();
    }
    let g = t.vocab.fact_summary_graph(f.as_ref());
    let mut out = Vec::with_capacity(4);
    if let Some((s, _, o)) = t.vocab.fact_triple(f.as_ref()) {
        out.push(Quad::new(f.clone(), t.rdf_subject.clone(), s, g.clone()));
        out.push(Quad::new(f.clone(), t.rdf_object.clone(), o, g.clone()));
    }
    out.push(Quad::new(f.clone(), t.documents.clone(), integer(tally.documents), g.clone()));
    out.push(Quad::new(f.clone(), t.best_confidence.clone(), decimal(tally.best), g));
    out
}

/// The summary quads of an entity.
fn entity_quads(e: &NamedNode, tally: &EntityTally, t: &Terms) -> Vec<Quad> {
    if tally.documents == 0 {
        return Vec::new();
    }
    let mut out = vec![Quad::new(e.clone(), t.documents.clone(), integer(tally.documents), t.summary.clone())];
    if let Some(label) = &tally.label {
        out.push(Quad::new(e.clone(), t.pref_label.clone(), Literal::new_simple_literal(label), t.summary.clone()));
    }
    out
}

/// A fact's summary values as the store holds them (a confidence that is no number counts as 0).
fn stored_fact(store: &Store, f: NamedNodeRef<'_>, t: &Terms) -> Result<FactTally> {
    let stored = read_fact_summary(store, &t.vocab, f, t.documents.as_ref(), t.best_confidence.as_ref())?;
    Ok(FactTally { documents: stored.documents, best: stored.best_confidence.filter(|c| c.is_finite()).unwrap_or(0.0) })
}

/// What the summary says of a fact: how many documents state it, and the best confidence of
/// their evidence (none when the summary does not hold it).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FactSummary {
    /// Documents stating the fact (`kg:documents`).
    pub documents: u64,
    /// The best confidence of their evidence (`kg:bestConfidence`).
    pub best_confidence: Option<f64>,
}

/// A fact's values in its relation's summary graph: the fact node ([`Vocab::fact`]) in that
/// graph ([`Vocab::fact_summary_graph`]) is an index lookup, not a query.
pub fn fact_summary(store: &Store, vocab: &Vocab, fact: NamedNodeRef<'_>) -> Result<FactSummary> {
    read_fact_summary(store, vocab, fact, vocab.term("documents").as_ref(), vocab.term("bestConfidence").as_ref())
}

/// [`fact_summary`] with its two predicates made by the caller.
fn read_fact_summary(
    store: &Store,
    vocab: &Vocab,
    fact: NamedNodeRef<'_>,
    documents: NamedNodeRef<'_>,
    best_confidence: NamedNodeRef<'_>,
) -> Result<FactSummary> {
    let g = vocab.fact_summary_graph(fact);
    let mut out = FactSummary::default();
    for q in store.quads_for_pattern(Some(fact.into()), None, None, Some(g.as_ref().into())) {
        let q = q?;
        if let Term::Literal(l) = &q.object {
            if q.predicate == documents {
                out.documents = l.value().parse().unwrap_or(0);
            } else if q.predicate == best_confidence {
                out.best_confidence = l.value().trim().parse().ok();
            }
        }
    }
    Ok(out)
}

/// An entity's summary values as the store holds them.
fn stored_entity(store: &Store, e: NamedNodeRef<'_>, t: &Terms) -> Result<EntityTally> {
    let mut tally = EntityTally::default();
    for q in store.quads_for_pattern(Some(e.into()), None, None, Some(t.summary.as_ref().into())) {
        let q = q?;
        if let Term::Literal(l) = &q.object {
            if q.predicate == t.documents {
                tally.documents = l.value().parse().unwrap_or(0);
            } else if q.predicate == t.pref_label {
                tally.label = Some(l.value().to_owned());
            }
        }
    }
    Ok(tally)
}

/// A fact counted from the evidence the store holds.
fn count_fact(store: &Store, f: NamedNodeRef<'_>, t: &Terms) -> Result<FactTally> {
    let mut graphs: HashSet<GraphName> = HashSet::new();
    let mut best = 0.0f64;
    for v in store.quads_for_pattern(None, Some(t.fact.as_ref()), Some(f.into()), None) {
        let v = v?;
        if !t.is_document_graph(&v.graph_name) {
            continue;
        }
        for m in store.quads_for_pattern(Some(v.subject.as_ref()), Some(t.by.as_ref()), None, Some(v.graph_name.as_ref())) {
            if let Term::NamedNode(m) = m?.object {
                best = best.max(t.vocab.method_parts(m.as_ref()).map_or(0.0, |(_, c)| c));
            }
        }
        graphs.insert(v.graph_name);
    }
    Ok(FactTally { documents: graphs.len() as u64, best })
}

/// An entity counted from the labels the document graphs give it.
fn count_entity(store: &Store, e: NamedNodeRef<'_>, t: &Terms) -> Result<EntityTally> {
    let mut graphs: HashSet<GraphName> = HashSet::new();
    let mut labels: HashMap<String, u64> = HashMap::new();
    for q in store.quads_for_pattern(Some(e.into()), Some(t.label.as_ref()), None, None) {
        let q = q?;
        if t.is_document_graph(&q.graph_name) {
            if let Term::Literal(l) = &q.object {
                *labels.entry(l.value().to_owned()).or_default() += 1;
            }
            graphs.insert(q.graph_name);
        }
    }
    Ok(EntityTally { documents: graphs.len() as u64, label: preferred(&labels) })
}

/// A fact the ledger follows: what the summary holds, and what it will hold.
#[derive(Debug)]
struct FactEntry {
    stored: FactTally,
    tally: FactTally,
    /// Its best confidence may have left with a replaced or removed document: count it again.
    recount: bool,
}

/// An entity the ledger follows.
#[derive(Debug)]
struct EntityEntry {
    stored: EntityTally,
    documents: u64,
    /// The labels the run's new documents give it, with how many give each.
    labels: HashMap<String, u64>,
    /// Its preferred label may change: count its labels again.
    recount: bool,
}

/// Entries a ledger holds before it writes them out (about 150 bytes each).
const LEDGER_FLUSH: usize = 1_000_000;

/// The summary changes of one run of writes (a build, a removal): counts added up in memory
/// over the run's batches and written by [`SummaryLedger::finish`] (or when it grows past a
/// million entries), so that a fact every batch states is rewritten once. See the module
/// documentation.
pub struct SummaryLedger {
    t: Terms,
    facts: HashMap<NamedNode, FactEntry>,
    entities: HashMap<NamedNode, EntityEntry>,
    /// The summary was pending when the run began (a run was killed): recompute it all.
    recompute_all: bool,
    /// The pending mark is written.
    marked: bool,
    /// The store had no summary when the run began (a first build): nothing to read back.
    empty: bool,
    /// Hashes of the default-graph quads this run has written: most facts and entity
    /// descriptions of a corpus come with many of its documents, and are written once.
    written: HashSet<u128>,
}

impl SummaryLedger {
    /// A ledger for a run on `kg`; notes whether an earlier run left the summary pending.
    pub fn begin(kg: &KgStore, vocab: &Vocab) -> Result<Self> {
        let t = Terms::new(vocab);
        let recompute_all = kg.store.contains(&t.pending_quad())?;
        let empty = !kg.store.contains_named_graph(t.summary.as_ref())?;
        Ok(Self {
            t,
            facts: HashMap::new(),
            entities: HashMap::new(),
            recompute_all,
            marked: recompute_all,
            empty,
            written: HashSet::new(),
        })
    }

    /// Marks the summary pending before the run's first write.
    fn mark(&mut self, store: &Store) -> Result<()> {
        if !self.marked {
            store.insert(&self.t.pending_quad())?;
            self.marked = true;
        }
        Ok(())
    }

    fn fact(&mut self, store: &Store, f: &NamedNode) -> Result<&mut FactEntry> {
        if !self.facts.contains_key(f) {
            let stored = if self.empty { FactTally::default() } else { stored_fact(store, f.as_ref(), &self.t)? };
            self.facts.insert(f.clone(), FactEntry { stored, tally: stored, recount: false });
        }
        Ok(self.facts.get_mut(f).expect("just inserted"))
    }

    fn entity(&mut self, store: &Store, e: &NamedNode) -> Result<&mut EntityEntry> {
        if !self.entities.contains_key(e) {
            let stored = if self.empty { EntityTally::default() } else { stored_entity(store, e.as_ref(), &self.t)? };
            let documents = stored.documents;
            self.entities.insert(e.clone(), EntityEntry { stored, documents, labels: HashMap::new(), recount: false });
        }
        Ok(self.entities.get_mut(e).expect("just inserted"))
    }

    /// Counts a document's version `new` in place of `old` (an empty contribution for a new
    /// document, or for a removed one's new version).
    fn count(&mut self, store: &Store, old: &Contribution, new: &Contribution) -> Result<()> {
        if self.recompute_all {
            return Ok(());
        }
        let facts: BTreeSet<&NamedNode> = old.facts.keys().chain(new.facts.keys()).collect();
        for f in facts {
            let (was, is) = (old.facts.get(f).copied(), new.facts.get(f).copied());
            if was == is {
                continue;
            }
            let entry = self.fact(store, f)?;
            match (was, is) {
                (None, Some(c)) => {
                    entry.tally.documents += 1;
                    entry.tally.best = entry.tally.best.max(c);
                }
                (Some(_), None) => entry.tally.documents = entry.tally.documents.saturating_sub(1),
                _ => {}
            }
            if let Some(c) = is {
                entry.tally.best = entry.tally.best.max(c);
            }
            // The old version may have held the best confidence, which the new one lowers.
            if was.is_some_and(|w| w >= entry.tally.best && is.is_none_or(|c| c < w)) {
                entry.recount = true;
            }
        }
        let entities: BTreeSet<&NamedNode> = old.entities.keys().chain(new.entities.keys()).collect();
        for e in entities {
            let (was, is) = (old.entities.get(e), new.entities.get(e));
            if was == is {
                continue;
            }
            let entry = self.entity(store, e)?;
            match (was, is) {
                (None, Some(labels)) => {
                    entry.documents += 1;
                    for l in labels {
                        *entry.labels.entry(l.clone()).or_default() += 1;
                    }
                }
                (Some(_), None) => {
                    entry.documents = entry.documents.saturating_sub(1);
                    entry.recount = true;
                }
                // The same document with other labels: only a recount tells the preferred one.
                _ => entry.recount = true,
            }
        }
        Ok(())
    }

    /// Whether the ledger should write what it holds (it grew large).
    fn full(&self) -> bool {
        self.facts.len() + self.entities.len() >= LEDGER_FLUSH
    }

    /// Writes the summary values the run changed: what changed is removed and rewritten; a
    /// fact or entity marked for it is counted again from the documents first. Keeps the
    /// pending mark (the run goes on).
    fn flush(&mut self, kg: &KgStore) -> Result<()> {
        let store = &kg.store;
        let t = &self.t;
        let mut remove: Vec<Quad> = Vec::new();
        let mut insert: Vec<Quad> = Vec::new();
        let mut facts: Vec<(NamedNode, FactEntry)> = self.facts.drain().collect();
        facts.sort_by(|a, b| a.0.cmp(&b.0));
        for (f, entry) in facts {
            let tally = if entry.recount { count_fact(store, f.as_ref(), t)? } else { entry.tally };
            if tally != entry.stored {
                remove.extend(fact_quads(&f, entry.stored, t));
                insert.extend(fact_quads(&f, tally, t));
            }
        }
        let mut entities: Vec<(NamedNode, EntityEntry)> = self.entities.drain().collect();
        entities.sort_by(|a, b| a.0.cmp(&b.0));
        for (e, entry) in entities {
            let tally = match &entry.stored.label {
                _ if entry.recount => count_entity(store, e.as_ref(), t)?,
                // A new entity: the run's documents' labels are all there is.
                None if entry.stored.documents == 0 => {
                    EntityTally { documents: entry.documents, label: preferred(&entry.labels) }
                }
                // Every new document gives the preferred label: it stays preferred.
                Some(label) if entry.labels.keys().all(|l| l == label) => {
                    EntityTally { documents: entry.documents, label: Some(label.clone()) }
                }
                // Another label: count them all again (a new spelling can win).
                _ => count_entity(store, e.as_ref(), t)?,
            };
            if tally != entry.stored {
                remove.extend(entity_quads(&e, &entry.stored, t));
                insert.extend(entity_quads(&e, &tally, t));
            }
        }
        if !remove.is_empty() {
            let mut tx = store.start_transaction()?;
            for q in &remove {
                tx.remove(q);
            }
            tx.commit()?;
        }
        kg.bulk_load(insert)?;
        // What is written is what the store holds now: read it back from there.
        self.empty = false;
        Ok(())
    }

    /// Ends the run: writes the summary values it changed (or recomputes the whole summary, if
    /// an earlier run was killed before writing its own), then clears the pending mark.
    pub fn finish(mut self, kg: &KgStore) -> Result<()> {
        if self.recompute_all {
            kg.summarise(&self.t.vocab)?;
            return Ok(());
        }
        if !self.marked {
            return Ok(());
        }
        self.flush(kg)?;
        kg.store.remove(&self.t.pending_quad())?;
        Ok(())
    }
}

/// Summary values added up over documents: per fact its documents and best confidence, per
/// entity its documents and how many give each label.
#[derive(Debug, Default)]
struct Totals {
    facts: HashMap<NamedNode, FactTally>,
    entities: HashMap<NamedNode, (u64, HashMap<String, u64>)>,
}

impl Totals {
    /// Counts one more document.
    fn add(&mut self, c: Contribution) {
        for (f, best) in c.facts {
            let tally = self.facts.entry(f).or_default();
            tally.documents += 1;
            tally.best = tally.best.max(best);
        }
        for (e, labels) in c.entities {
            let entry = self.entities.entry(e).or_default();
            entry.0 += 1;
            for l in labels {
                *entry.1.entry(l).or_default() += 1;
            }
        }
    }
}

/// What [`KgStore::summarise`] wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SummaryCounts {
    /// Document graphs read.
    pub documents: usize,
    /// Facts counted.
    pub facts: usize,
    /// Entities counted.
    pub entities: usize,
    /// Quads of the summary graphs.
    pub quads: usize,
}

impl KgStore {
    /// Writes documents with their facts as one run: [`Self::write_batch`], then the summary
    /// (see [`SummaryLedger`]).
    pub fn write_documents(&self, vocab: &Vocab, documents: &[DocumentQuads<'_>]) -> Result<()> {
        let mut ledger = SummaryLedger::begin(self, vocab)?;
        self.write_batch(vocab, documents, Some(&mut ledger))?;
        ledger.finish(self)
    }

    /// Writes a batch of documents with their facts: a document the store holds is replaced in
    /// one transaction (the facts and entities only its old version supported leave the default
    /// graph); the others are bulk-loaded together in one atomic step. Their counts go to
    /// `ledger` (without one, the summary is left to [`Self::summarise`]). Every document's
    /// quads must be in its graph and its facts in the default graph.
    pub fn write_batch(
        &self,
        vocab: &Vocab,
        documents: &[DocumentQuads<'_>],
        mut ledger: Option<&mut SummaryLedger>,
    ) -> Result<()> {
        let t = Terms::new(vocab);
        if let Some(ledger) = ledger.as_deref_mut() {
            ledger.mark(&self.store)?;
        }
        let mut new = Vec::new();
        for d in documents {
            let graph = GraphNameRef::NamedNode(d.graph);
            if let Some(q) = d.quads.iter().find(|q| q.graph_name.as_ref() != graph) {
                return Err(Error::Invalid(format!("a quad for graph {} is in graph {}", d.graph, q.graph_name)));
            }
            if let Some(q) = d.facts.iter().find(|q| !q.graph_name.is_default_graph()) {
                return Err(Error::Invalid(format!("a fact of graph {} is in graph {}", d.graph, q.graph_name)));
            }
            if self.store.contains_named_graph(d.graph)? {
                let (old, new) = self.replace_document(&t, d.graph, Some(d))?;
                if let Some(ledger) = ledger.as_deref_mut() {
                    ledger.count(&self.store, &old, &new)?;
                }
            } else {
                new.push(d);
            }
        }
        if !new.is_empty() {
            let mut quads: Vec<Quad> = new.iter().flat_map(|d| d.quads.iter()).cloned().collect();
            // Each fact once: documents repeat the facts and entities they share.
            let mut seen = HashSet::new();
            for q in new.iter().flat_map(|d| d.facts) {
                let hash = quad_hash(q);
                let first = match ledger.as_deref_mut() {
                    Some(ledger) => ledger.written.insert(hash),
                    None => seen.insert(hash),
                };
                if first {
                    quads.push(q.clone());
                }
            }
            self.bulk_load(quads)?;
            if let Some(ledger) = ledger.as_deref_mut() {
                let none = Contribution::default();
                for d in &new {
                    ledger.count(&self.store, &none, &Contribution::of(d.quads.iter().map(Quad::as_ref), &t))?;
                }
            }
        }
        if let Some(ledger) = ledger {
            if ledger.full() {
                ledger.flush(self)?;
            }
        }
        Ok(())
    }

    /// Loads quads the store may not hold with the bulk loader, in one atomic step.
    fn bulk_load(&self, quads: Vec<Quad>) -> Result<()> {
        if quads.is_empty() {
            return Ok(());
        }
        // The loader cuts its input into batches of (megabytes × 1000) quads, each sorted on its
        // own thread: sized so that the whole set is one batch, sorted and ingested in one go.
        let megabytes = quads.len() / 1000 + 1;
        let mut loader = self.store.bulk_loader().with_num_threads(1).with_max_memory_size_in_megabytes(megabytes);
        loader.load_quads(quads)?;
        loader.commit()?;
        Ok(())
    }

    /// Replaces (with `new`) or removes (without) a document the store holds, in one
    /// transaction: its graph, and the facts and entities of the default graph that no other
    /// document supports any more. Returns what the old and the new version contribute.
    fn replace_document(
        &self,
        t: &Terms,
        graph: NamedNodeRef<'_>,
        new: Option<&DocumentQuads<'_>>,
    ) -> Result<(Contribution, Contribution)> {
        let mut tx = self.store.start_transaction()?;
        let old_quads = Contribution::quads(&tx, graph, t)?;
        let old = Contribution::of(old_quads.iter().map(Quad::as_ref), t);
        tx.remove_named_graph(graph)?;
        let contribution = match new {
            Some(d) => {
                tx.extend(d.quads);
                tx.extend(d.facts);
                Contribution::of(d.quads.iter().map(Quad::as_ref), t)
            }
            None => Contribution::default(),
        };
        // What only the old version stated: kept if another document (or the new version)
        // still gives evidence for it.
        for f in old.facts.keys() {
            if !contribution.facts.contains_key(f) && !supported(&tx, None, t.fact.as_ref(), Some(f.as_ref().into()), t)? {
                if let Some((s, p, o)) = t.vocab.fact_triple(f.as_ref()) {
                    tx.remove(QuadRef::new(&s, &p, &o, GraphNameRef::DefaultGraph));
                }
            }
        }
        for m in &old.methods {
            if !contribution.methods.contains(m) && !supported(&tx, None, t.by.as_ref(), Some(m.as_ref().into()), t)? {
                let quads: Vec<Quad> = tx
                    .quads_for_pattern(Some(m.as_ref().into()), None, None, Some(GraphNameRef::DefaultGraph))
                    .collect::<std::result::Result<_, _>>()?;
                for q in &quads {
                    tx.remove(q);
                }
            }
        }
        for q in old_quads.iter().filter(|q| q.predicate == t.label) {
            let NamedOrBlankNode::NamedNode(e) = &q.subject else { continue };
            if !t.is_entity(&q.subject) {
                continue;
            }
            if !supported(&tx, Some(e.as_ref()), t.label.as_ref(), Some(q.object.as_ref()), t)? {
                tx.remove(QuadRef::new(e, &t.label, &q.object, GraphNameRef::DefaultGraph));
            }
            // Mentioned by no document any more: a label of any kind.
            if !contribution.entities.contains_key(e) && !supported(&tx, Some(e.as_ref()), t.label.as_ref(), None, t)? {
                for p in [&t.rdf_type, &t.label, &t.same_as] {
                    let quads: Vec<Quad> = tx
                        .quads_for_pattern(Some(e.as_ref().into()), Some(p.as_ref()), None, Some(GraphNameRef::DefaultGraph))
                        .collect::<std::result::Result<_, _>>()?;
                    for q in &quads {
                        tx.remove(q);
                    }
                }
            }
        }
        tx.commit()?;
        Ok((old, contribution))
    }

    /// Removes a document's graph, and with it, in the same transaction, the facts and entities
    /// no other document supports; the summary follows, as one run. Returns whether the store
    /// held it.
    pub fn remove_document(&self, vocab: &Vocab, graph: NamedNodeRef<'_>) -> Result<bool> {
        let mut ledger = SummaryLedger::begin(self, vocab)?;
        let removed = self.remove_in(vocab, graph, &mut ledger)?;
        ledger.finish(self)?;
        Ok(removed)
    }

    /// [`Self::remove_document`] within a run whose counts go to `ledger`.
    pub fn remove_in(&self, vocab: &Vocab, graph: NamedNodeRef<'_>, ledger: &mut SummaryLedger) -> Result<bool> {
        if !self.store.contains_named_graph(graph)? {
            return Ok(false);
        }
        ledger.mark(&self.store)?;
        let t = Terms::new(vocab);
        let (old, new) = self.replace_document(&t, graph, None)?;
        ledger.count(&self.store, &old, &new)?;
        Ok(true)
    }

    /// Recomputes the whole summary from the document graphs: every summary graph emptied, then
    /// filled again; what `kgraph load` runs once shards are loaded (their facts merge by
    /// union, their counts do not), and a run does after one that was killed.
    pub fn summarise(&self, vocab: &Vocab) -> Result<SummaryCounts> {
        let t = Terms::new(vocab);
        let mut totals = Totals::default();
        let mut counts = SummaryCounts::default();
        let mut summaries = Vec::new();
        {
            let tx = self.store.start_transaction()?;
            let graphs: Vec<NamedOrBlankNode> = tx.named_graphs().collect::<std::result::Result<_, _>>()?;
            for g in graphs {
                let NamedOrBlankNode::NamedNode(g) = g else { continue };
                if t.vocab.is_summary_graph(g.as_str()) {
                    summaries.push(g);
                    continue;
                }
                if !t.is_document_graph(&GraphName::NamedNode(g.clone())) {
                    continue;
                }
                let c = Contribution::read(&tx, g.as_ref(), &t)?;
                if c.facts.is_empty() && c.entities.is_empty() {
                    continue;
                }
                counts.documents += 1;
                totals.add(c);
            }
        }
        // Emptied one graph (one transaction) at a time, the pending mark with the first, then
        // filled in one atomic load: a crash in between leaves a summary missing, which
        // `kgraph summarise` makes again.
        summaries.sort_by(|a, b| (*a != t.summary, a).cmp(&(*b != t.summary, b)));
        for g in &summaries {
            self.store.remove_named_graph(g)?;
        }
        let mut quads = Vec::new();
        for (f, tally) in &totals.facts {
            quads.extend(fact_quads(f, *tally, &t));
        }
        for (e, (n, labels)) in &totals.entities {
            quads.extend(entity_quads(e, &EntityTally { documents: *n, label: preferred(labels) }, &t));
        }
        counts.facts = totals.facts.len();
        counts.entities = totals.entities.len();
        counts.quads = quads.len();
        self.bulk_load(quads)?;
        Ok(counts)
    }
}

/// Whether a document graph (any but the default graph's) holds `(subject) predicate (object)`:
/// evidence for a fact node (`kg:fact F`) or naming a method (`kg:by M`), a label of an entity,
/// or any label of it (it is mentioned).
fn supported(
    tx: &Transaction<'_>,
    subject: Option<NamedNodeRef<'_>>,
    predicate: NamedNodeRef<'_>,
    object: Option<TermRef<'_>>,
    t: &Terms,
) -> Result<bool> {
    for q in tx.quads_for_pattern(subject.map(Into::into), Some(predicate), object, None) {
        if t.is_document_graph(&q?.graph_name) {
            return Ok(true);
        }
    }
    Ok(false)
}
