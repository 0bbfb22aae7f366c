//! Documents' quads → the store's fact layer: each document's named graph, the facts once in the
//! default graph, and the summary graph, kept consistent as documents are added, replaced and
//! removed.
//!
//! # Layout
//!
//! - A document graph holds what the document states (see [`crate::graph::mint`]), among it one
//!   evidence record per statement and sentence: `V kg:fact F ; kg:confidence C` in the graph.
//! - The default graph holds each fact once (`S kg:p O`; its fact node F, named after the triple
//!   by [`Vocab::fact`], needs no triples there) and each entity's type, labels and Wikidata
//!   link: the union of what the documents contribute.
//! - The summary graph ([`Vocab::summary_graph`]) holds, per fact node, `kg:documents` (how many
//!   document graphs have evidence for it) and `kg:bestConfidence`; per entity `kg:documents`
//!   (how many document graphs give it a label) and `skos:prefLabel`, the label most of them
//!   give (documents can spell a name differently: the default graph keeps every label, the
//!   summary the one to show).
//!
//! # Keeping it consistent
//!
//! New documents (the common case of a build) are bulk-loaded with their facts in one atomic
//! step, then their counts are added to the summary ([`KgStore::write_documents`]). A document
//! the store already holds is replaced in one transaction: its old graph removed, the new one and
//! its facts inserted, and for every fact and entity either version touches, its summary
//! recomputed from the evidence the store holds and, where no document supports it any more, its
//! default-graph triples removed. [`KgStore::remove_document`] does the same without a new
//! version. So the facts and the summary are a function of the documents in the store, whatever
//! the order of builds, rebuilds and removals; [`KgStore::summarise`] recomputes the whole
//! summary (after `kgraph load`, which adds shards' facts by plain union).
//!
//! A crash between a batch's bulk load and its summary transaction leaves its documents stored
//! but not counted; building them again replaces them, which recomputes their counts.

use std::collections::{BTreeSet, HashMap, HashSet};

use oxigraph::model::vocab::xsd;
use oxigraph::model::{
    GraphName, GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, QuadRef, Term, TermRef,
};
use oxigraph::store::Transaction;

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
    /// Default-graph quads (facts, fact nodes, entity descriptions).
    pub facts: &'a [Quad],
}

/// The terms the fact layer reads and writes, made once.
struct Terms {
    vocab: Vocab,
    fact: NamedNode,
    confidence: NamedNode,
    documents: NamedNode,
    best_confidence: NamedNode,
    label: NamedNode,
    rdf_type: NamedNode,
    same_as: NamedNode,
    pref_label: NamedNode,
    summary: NamedNode,
    ontology: NamedNode,
    entity_prefix: String,
}

impl Terms {
    fn new(vocab: &Vocab) -> Self {
        Self {
            vocab: vocab.clone(),
            fact: vocab.term("fact"),
            confidence: vocab.term("confidence"),
            documents: vocab.term("documents"),
            best_confidence: vocab.term("bestConfidence"),
            label: iri(ns::RDFS, "label"),
            rdf_type: iri(ns::RDF, "type"),
            same_as: iri(ns::OWL, "sameAs"),
            pref_label: iri(ns::SKOS, "prefLabel"),
            summary: vocab.summary_graph(),
            ontology: vocab.ontology_graph(),
            entity_prefix: vocab.entity_prefix(),
        }
    }

    fn is_entity(&self, subject: &NamedOrBlankNode) -> bool {
        matches!(subject, NamedOrBlankNode::NamedNode(n) if n.as_str().starts_with(&self.entity_prefix))
    }

    /// Whether a named graph can be a document's (not the summary, ontology or another
    /// kgraph graph: those never hold evidence or entity labels of documents).
    fn is_document_graph(&self, g: &GraphName) -> bool {
        match g {
            GraphName::NamedNode(n) => *n != self.summary && *n != self.ontology,
            GraphName::BlankNode(_) => true,
            GraphName::DefaultGraph => false,
        }
    }
}

/// What one document graph contributes to the summary: read from its quads.
#[derive(Debug, Default)]
struct Contribution {
    /// Fact node → the best confidence of the document's evidence for it.
    facts: HashMap<NamedNode, f64>,
    /// Entities the document gives a label, with the labels it gives (one, as kgraph mints).
    entities: HashMap<NamedNode, BTreeSet<String>>,
}

impl Contribution {
    fn of<'q>(quads: impl IntoIterator<Item = QuadRef<'q>>, t: &Terms) -> Self {
        let mut fact_of: HashMap<NamedOrBlankNode, NamedNode> = HashMap::new();
        let mut confidence_of: HashMap<NamedOrBlankNode, f64> = HashMap::new();
        let mut entities: HashMap<NamedNode, BTreeSet<String>> = HashMap::new();
        for q in quads {
            if q.predicate == t.fact {
                if let TermRef::NamedNode(f) = q.object {
                    fact_of.insert(q.subject.into_owned(), f.into_owned());
                }
            } else if q.predicate == t.confidence {
                if let TermRef::Literal(l) = q.object {
                    confidence_of.insert(q.subject.into_owned(), parse_confidence(l.value()));
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
        Self { facts, entities }
    }

    /// The contribution of the graph `g` as the transaction sees it.
    fn read(tx: &Transaction<'_>, g: NamedNodeRef<'_>, t: &Terms) -> Result<Self> {
        let mut quads = Vec::new();
        for p in [&t.fact, &t.confidence, &t.label] {
            for q in tx.quads_for_pattern(None, Some(p.as_ref()), None, Some(g.into())) {
                quads.push(q?);
            }
        }
        Ok(Self::of(quads.iter().map(Quad::as_ref), t))
    }
}

/// A confidence literal's value; a malformed one (from another tool) counts as 0.
fn parse_confidence(value: &str) -> f64 {
    value.trim().parse::<f64>().ok().filter(|c| c.is_finite()).unwrap_or(0.0)
}

/// A count as an `xsd:integer` literal.
fn integer(n: u64) -> Term {
    Literal::new_typed_literal(n.to_string(), xsd::INTEGER).into()
}

/// A confidence as a canonical `xsd:decimal` literal (as minted).
fn decimal(c: f64) -> Term {
    Literal::new_typed_literal(crate::graph::mint::decimal(c as f32), xsd::DECIMAL).into()
}

/// Counts and best confidence of one fact, or documents and preferred label of one entity.
#[derive(Clone, Debug, Default, PartialEq)]
struct Tally {
    documents: u64,
    best: f64,
    label: Option<String>,
}

/// The label to show among labels with their document counts: the one most documents give,
/// then the longest (the fullest name), then the first in code point order.
fn preferred<'a>(counts: impl IntoIterator<Item = (&'a String, &'a u64)>) -> Option<String> {
    counts
        .into_iter()
        .max_by(|(a, m), (b, n)| m.cmp(n).then(a.chars().count().cmp(&b.chars().count())).then(b.cmp(a)))
        .map(|(l, _)| l.clone())
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.documents += other.documents;
        self.best = self.best.max(other.best);
    }
}

/// The summary values of `node` as the transaction sees them.
fn read_tally(tx: &Transaction<'_>, node: NamedNodeRef<'_>, t: &Terms) -> Result<Tally> {
    let mut tally = Tally::default();
    for q in tx.quads_for_pattern(Some(node.into()), None, None, Some(t.summary.as_ref().into())) {
        let q = q?;
        if let Term::Literal(l) = &q.object {
            if q.predicate == t.documents {
                tally.documents = l.value().parse().unwrap_or(0);
            } else if q.predicate == t.best_confidence {
                tally.best = parse_confidence(l.value());
            } else if q.predicate == t.pref_label {
                tally.label = Some(l.value().to_owned());
            }
        }
    }
    Ok(tally)
}

/// Replaces the summary values of `node` by `tally` (none when it counts no document).
fn write_tally(tx: &mut Transaction<'_>, node: NamedNodeRef<'_>, tally: &Tally, with_confidence: bool, t: &Terms) -> Result<()> {
    let summary = GraphNameRef::NamedNode(t.summary.as_ref());
    let old: Vec<Quad> = tx.quads_for_pattern(Some(node.into()), None, None, Some(summary)).collect::<std::result::Result<_, _>>()?;
    for q in &old {
        tx.remove(q);
    }
    if tally.documents > 0 {
        tx.insert(QuadRef::new(node, &t.documents, integer(tally.documents).as_ref(), summary));
        if with_confidence {
            tx.insert(QuadRef::new(node, &t.best_confidence, decimal(tally.best).as_ref(), summary));
        }
        if let Some(label) = &tally.label {
            tx.insert(QuadRef::new(node, &t.pref_label, &Literal::new_simple_literal(label), summary));
        }
    }
    Ok(())
}

/// Recomputes one fact from the evidence the transaction sees: its summary values, and, when no
/// document has evidence for it any more, removes its triple from the default graph.
fn recompute_fact(tx: &mut Transaction<'_>, f: NamedNodeRef<'_>, t: &Terms) -> Result<()> {
    let mut graphs: HashSet<GraphName> = HashSet::new();
    let mut best = 0.0f64;
    let evidence: Vec<Quad> =
        tx.quads_for_pattern(None, Some(t.fact.as_ref()), Some(f.into()), None).collect::<std::result::Result<_, _>>()?;
    for v in &evidence {
        if !t.is_document_graph(&v.graph_name) {
            continue;
        }
        graphs.insert(v.graph_name.clone());
        for c in tx.quads_for_pattern(Some(v.subject.as_ref()), Some(t.confidence.as_ref()), None, Some(v.graph_name.as_ref())) {
            if let Term::Literal(l) = c?.object {
                best = best.max(parse_confidence(l.value()));
            }
        }
    }
    let tally = Tally { documents: graphs.len() as u64, best, label: None };
    write_tally(tx, f, &tally, true, t)?;
    if tally.documents == 0 {
        if let Some((s, p, o)) = t.vocab.fact_triple(f) {
            tx.remove(QuadRef::new(&s, &p, &o, GraphNameRef::DefaultGraph));
        }
    }
    Ok(())
}

/// Recomputes one entity from the document graphs the transaction sees: its summary count and
/// preferred label, the labels the default graph keeps (those some document still gives), and,
/// when no document mentions it any more, its type, labels and Wikidata link.
fn recompute_entity(tx: &mut Transaction<'_>, e: NamedNodeRef<'_>, t: &Terms) -> Result<()> {
    let mut graphs: HashSet<GraphName> = HashSet::new();
    let mut labels: HashMap<String, u64> = HashMap::new();
    let mut default_labels = Vec::new();
    for q in tx.quads_for_pattern(Some(e.into()), Some(t.label.as_ref()), None, None) {
        let q = q?;
        if q.graph_name.is_default_graph() {
            default_labels.push(q);
        } else if t.is_document_graph(&q.graph_name) {
            if let Term::Literal(l) = &q.object {
                *labels.entry(l.value().to_owned()).or_default() += 1;
            }
            graphs.insert(q.graph_name);
        }
    }
    let tally = Tally { documents: graphs.len() as u64, best: 0.0, label: preferred(&labels) };
    write_tally(tx, e, &tally, false, t)?;
    for q in &default_labels {
        if !matches!(&q.object, Term::Literal(l) if labels.contains_key(l.value())) {
            tx.remove(q);
        }
    }
    if graphs.is_empty() {
        for p in [&t.rdf_type, &t.same_as] {
            let quads: Vec<Quad> = tx
                .quads_for_pattern(Some(e.into()), Some(p.as_ref()), None, Some(GraphNameRef::DefaultGraph))
                .collect::<std::result::Result<_, _>>()?;
            for q in &quads {
                tx.remove(q);
            }
        }
    }
    Ok(())
}

/// Recomputes every fact and entity of `touched` (see [`recompute_fact`], [`recompute_entity`]).
fn recompute(tx: &mut Transaction<'_>, touched: &Contribution, t: &Terms) -> Result<()> {
    // Sorted, so that a transaction does the same work in the same order every time.
    let facts: BTreeSet<&NamedNode> = touched.facts.keys().collect();
    for f in facts {
        recompute_fact(tx, f.as_ref(), t)?;
    }
    let entities: BTreeSet<&NamedNode> = touched.entities.keys().collect();
    for e in entities {
        recompute_entity(tx, e.as_ref(), t)?;
    }
    Ok(())
}

impl Contribution {
    fn merge(&mut self, other: Contribution) {
        for (f, c) in other.facts {
            let best = self.facts.entry(f).or_insert(c);
            *best = best.max(c);
        }
        for (e, labels) in other.entities {
            self.entities.entry(e).or_default().extend(labels);
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
    /// Quads of the summary graph.
    pub quads: usize,
}

impl KgStore {
    /// Writes documents with their facts and keeps the summary up to date (see the module
    /// documentation): a document the store holds is replaced in one transaction; the others
    /// are bulk-loaded together in one atomic step, then counted in one transaction. Every
    /// document's quads must be in its graph and its facts in the default graph.
    pub fn write_documents(&self, vocab: &Vocab, documents: &[DocumentQuads<'_>]) -> Result<()> {
        let t = Terms::new(vocab);
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
                self.replace_document(&t, d)?;
            } else {
                new.push(d);
            }
        }
        if new.is_empty() {
            return Ok(());
        }
        let total: usize = new.iter().map(|d| d.quads.len() + d.facts.len()).sum();
        // The loader cuts its input into batches of (megabytes × 1000) quads, each sorted on its
        // own thread: sized so that the whole set is one batch, sorted and ingested in one go.
        let megabytes = total / 1000 + 1;
        let mut loader = self.store.bulk_loader().with_num_threads(1).with_max_memory_size_in_megabytes(megabytes);
        loader.load_quads(new.iter().flat_map(|d| d.quads.iter().chain(d.facts)).cloned())?;
        loader.commit()?;

        // Counted after the load (see the module documentation for a crash in between).
        let mut facts: HashMap<NamedNode, Tally> = HashMap::new();
        let mut entities: HashMap<NamedNode, (u64, HashMap<String, u64>)> = HashMap::new();
        for d in &new {
            let c = Contribution::of(d.quads.iter().map(Quad::as_ref), &t);
            for (f, best) in c.facts {
                facts.entry(f).or_default().add(&Tally { documents: 1, best, label: None });
            }
            for (e, labels) in c.entities {
                let entry = entities.entry(e).or_default();
                entry.0 += 1;
                for l in labels {
                    *entry.1.entry(l).or_default() += 1;
                }
            }
        }
        let mut tx = self.store.start_transaction()?;
        let mut facts: Vec<(NamedNode, Tally)> = facts.into_iter().collect();
        facts.sort_by(|a, b| a.0.cmp(&b.0));
        for (f, added) in facts {
            let mut tally = read_tally(&tx, f.as_ref(), &t)?;
            tally.add(&added);
            write_tally(&mut tx, f.as_ref(), &tally, true, &t)?;
        }
        let mut entities: Vec<(NamedNode, (u64, HashMap<String, u64>))> = entities.into_iter().collect();
        entities.sort_by(|a, b| a.0.cmp(&b.0));
        for (e, (added, labels)) in entities {
            let mut tally = read_tally(&tx, e.as_ref(), &t)?;
            match &tally.label {
                // A new entity: the new documents' labels are all there is.
                None if tally.documents == 0 => {
                    tally.documents = added;
                    tally.label = preferred(&labels);
                }
                // Every new document gives the preferred label: it stays preferred.
                Some(label) if labels.keys().all(|l| l == label) => tally.documents += added,
                // Another label: count them all again (a new spelling can win).
                _ => {
                    recompute_entity(&mut tx, e.as_ref(), &t)?;
                    continue;
                }
            }
            write_tally(&mut tx, e.as_ref(), &tally, false, &t)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Replaces a document the store holds, in one transaction.
    fn replace_document(&self, t: &Terms, d: &DocumentQuads<'_>) -> Result<()> {
        let mut tx = self.store.start_transaction()?;
        let mut touched = Contribution::read(&tx, d.graph, t)?;
        tx.remove_named_graph(d.graph)?;
        tx.extend(d.quads);
        tx.extend(d.facts);
        touched.merge(Contribution::of(d.quads.iter().map(Quad::as_ref), t));
        recompute(&mut tx, &touched, t)?;
        tx.commit()?;
        Ok(())
    }

    /// Removes a document's graph, and with it, in the same transaction, the facts and entities
    /// no other document supports; the summary follows. Returns whether the store held it.
    pub fn remove_document(&self, vocab: &Vocab, graph: NamedNodeRef<'_>) -> Result<bool> {
        if !self.store.contains_named_graph(graph)? {
            return Ok(false);
        }
        let t = Terms::new(vocab);
        let mut tx = self.store.start_transaction()?;
        let touched = Contribution::read(&tx, graph, &t)?;
        tx.remove_named_graph(graph)?;
        recompute(&mut tx, &touched, &t)?;
        tx.commit()?;
        Ok(true)
    }

    /// Recomputes the whole summary graph from the document graphs, replacing it in one
    /// transaction: what `kgraph load` runs once shards are loaded (their facts merge by union,
    /// their counts do not).
    pub fn summarise(&self, vocab: &Vocab) -> Result<SummaryCounts> {
        let t = Terms::new(vocab);
        let mut facts: HashMap<NamedNode, Tally> = HashMap::new();
        let mut entities: HashMap<NamedNode, (u64, HashMap<String, u64>)> = HashMap::new();
        let mut counts = SummaryCounts::default();
        let mut tx = self.store.start_transaction()?;
        let graphs: Vec<NamedOrBlankNode> = tx.named_graphs().collect::<std::result::Result<_, _>>()?;
        for g in graphs {
            let NamedOrBlankNode::NamedNode(g) = g else { continue };
            if !t.is_document_graph(&GraphName::NamedNode(g.clone())) {
                continue;
            }
            let c = Contribution::read(&tx, g.as_ref(), &t)?;
            if c.facts.is_empty() && c.entities.is_empty() {
                continue;
            }
            counts.documents += 1;
            for (f, best) in c.facts {
                facts.entry(f).or_default().add(&Tally { documents: 1, best, label: None });
            }
            for (e, labels) in c.entities {
                let entry = entities.entry(e).or_default();
                entry.0 += 1;
                for l in labels {
                    *entry.1.entry(l).or_default() += 1;
                }
            }
        }
        tx.remove_named_graph(t.summary.as_ref())?;
        let summary = GraphNameRef::NamedNode(t.summary.as_ref());
        for (f, tally) in &facts {
            tx.insert(QuadRef::new(f, &t.documents, integer(tally.documents).as_ref(), summary));
            tx.insert(QuadRef::new(f, &t.best_confidence, decimal(tally.best).as_ref(), summary));
        }
        for (e, (n, labels)) in &entities {
            tx.insert(QuadRef::new(e, &t.documents, integer(*n).as_ref(), summary));
            if let Some(label) = preferred(labels) {
                tx.insert(QuadRef::new(e, &t.pref_label, &Literal::new_simple_literal(label), summary));
            }
        }
        tx.commit()?;
        counts.facts = facts.len();
        counts.entities = entities.len();
        counts.quads = 2 * (facts.len() + entities.len());
        Ok(counts)
    }
}
