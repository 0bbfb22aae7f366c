//! Document + extraction → quads: the document's named graph and what it adds to the facts.
//!
//! The document graph (`BASE doc/ID`) holds the document's description (dcterms, and
//! `kg:statements`, its number of evidence records), the label and
//! surface forms of each entity it mentions (by a name, or in a statement: a common noun it says
//! nothing about is left out), each fact it states (`S kg:p O`), and one compact
//! evidence record per statement and sentence: `kg:fact` (the fact node), `kg:sentence` (its
//! text), `kg:spans` (character offsets of the sentence, the subject and the object in one
//! literal), `kg:by` (the method: the rule applied and the confidence it gave) and, in reported
//! speech, `kg:speaker`.
//! The default graph gets each fact once, each entity's type, label and Wikidata link, and each
//! method's `kg:rule` and `kg:confidence`: a pure function of the document, so the facts of a corpus are the union of its documents' and
//! shards merge by plain union. A fact's node ([`Vocab::fact`], which evidence points to and the
//! summary describes) is named after its triple, so it needs no triples of its own.
//!
//! Every IRI derives from content (entity keys, hashes of the fact and of the evidence), so the
//! same document gives the same quads on any machine, in any order.

use std::collections::hash_map::Entry;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use oxigraph::model::vocab::xsd;
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term};
use xxhash_rust::xxh3::xxh3_128;

use super::vocab::{iri, ns, Vocab};
use crate::document::Document;
use crate::extract::{Extraction, Value};

/// One document's quads.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Minted {
    /// The quads of the document's named graph.
    pub document: Vec<Quad>,
    /// The quads it adds to the default graph (its facts, its entities' descriptions), each once.
    pub facts: Vec<Quad>,
}

/// Mints the quads of one document: its named graph and its facts.
pub fn mint(doc: &Document, extraction: &Extraction, vocab: &Vocab) -> Minted {
    let graph = vocab.document(&doc.id);
    let g = GraphName::NamedNode(graph.clone());
    // Sized for what a document usually has (five quads a statement, two or three an entity),
    // so that the vectors of large quads are not copied as they grow.
    let (statements, entities) = (extraction.statements.len(), extraction.entities.len());
    let mut quads = Vec::with_capacity(8 + 6 * statements + 2 * entities);
    let mut facts = Vec::with_capacity(2 * statements + 3 * entities);
    let mut add = |s: &NamedNode, p: NamedNode, o: Term| quads.push(Quad::new(s.clone(), p, o, g.clone()));
    let mut fact = |s: &NamedNode, p: NamedNode, o: Term| facts.push(Quad::new(s.clone(), p, o, GraphName::DefaultGraph));
    let rdf_type = iri(ns::RDF, "type");

    add(&graph, rdf_type.clone(), iri(ns::SCHEMA, "NewsArticle").into());
    add(&graph, iri(ns::DCTERMS, "identifier"), Literal::new_simple_literal(&doc.id).into());
    if let Some(title) = &doc.title {
        add(&graph, iri(ns::DCTERMS, "title"), Literal::new_simple_literal(title).into());
    }
    if let Some(date) = doc.date {
        add(&graph, iri(ns::DCTERMS, "date"), Literal::new_typed_literal(date.to_string(), xsd::DATE).into());
    }
    if !doc.source.is_empty() {
        add(&graph, iri(ns::DCTERMS, "source"), Literal::new_simple_literal(&doc.source).into());
    }

    let entity_iris: Vec<NamedNode> =
        extraction.entities.values().map(|e| vocab.entity(e.class.name(), &e.key)).collect();
    let [label, alt_label, same_as] = [iri(ns::RDFS, "label"), iri(ns::SKOS, "altLabel"), iri(ns::OWL, "sameAs")];
    // The entities the statements name (subject, object, speaker).
    let mut stated = vec![false; entity_iris.len()];
    for st in &extraction.statements {
        stated[st.subject] = true;
        if let Value::Entity(o) = st.object {
            stated[o] = true;
        }
        if let Some(sp) = st.evidence.speaker {
            stated[sp] = true;
        }
    }
    for ((e, node), stated) in extraction.entities.values().zip(&entity_iris).zip(stated) {
        if !stated && !is_named(e) {
            // A common noun ("residents", "the port") the document says nothing about is no
            // entity worth recording: it would only crowd searches and counts.
            continue;
        }
        let name: Term = Literal::new_simple_literal(&e.label).into();
        // The label in the document graph is what says the document mentions the entity (and
        // which label it gives): the store keeps the default graph's copy while one does.
        add(node, label.clone(), name.clone());
        for alias in &e.aliases {
            add(node, alt_label.clone(), Literal::new_simple_literal(alias).into());
        }
        fact(node, rdf_type.clone(), vocab.term(e.class.name()).into());
        fact(node, label.clone(), name);
        if let Some(q) = &e.wikidata {
            fact(node, same_as.clone(), iri(ns::WD, q).into());
        }
    }

    let offsets = CharOffsets::new(
        &doc.text,
        extraction.statements.iter().flat_map(|s| {
            let ev = &s.evidence;
            [ev.sentence.start, ev.sentence.end, ev.subject.start, ev.subject.end, ev.object.start, ev.object.end]
        }),
    );
    // The predicates, made once per document rather than formatted for every quad.
    let [fact_of, sentence_of, spans, by, rule, confidence, speaker] =
        ["fact", "sentence", "spans", "by", "rule", "confidence", "speaker"].map(|t| vocab.term(t));
    // The text each evidence record's hash is taken of, in one buffer for all.
    let mut key = String::with_capacity(256);
    let mut records = foldhash::HashSet::with_capacity_and_hasher(extraction.statements.len(), Default::default());
    // Each fact and each method is written once, though several statements name it: kept by
    // a hash of its node's IRI, which is cheaper than hashing every quad afterwards.
    let mut facts_written: foldhash::HashSet<u128> = foldhash::HashSet::default();
    // Each method (rule and confidence) and each predicate is made once per document: a
    // document has a few of them and many statements.
    let mut methods: foldhash::HashMap<(&str, u32), NamedNode> = foldhash::HashMap::default();
    let mut predicates: foldhash::HashMap<crate::extract::analysis::Predicate, NamedNode> = foldhash::HashMap::default();
    // Two confidences may round to one method.
    let mut methods_written: foldhash::HashSet<u128> = foldhash::HashSet::default();
    // Two statements with one evidence record (the same fact, sentence and rule) are rare: only
    // then is the document graph searched for repeated quads.
    let mut repeated_record = false;
    for st in &extraction.statements {
        let subject = &entity_iris[st.subject];
        let subject_key = &extraction.entities[st.subject].key;
        let predicate = predicates.entry(st.predicate).or_insert_with(|| vocab.term(st.predicate.name())).clone();
        let (object, object_key): (Term, String) = match &st.object {
            Value::Entity(i) => (entity_iris[*i].clone().into(), extraction.entities[*i].key.clone()),
            Value::Integer(n) => (Literal::new_typed_literal(n.to_string(), xsd::INTEGER).into(), n.to_string()),
            Value::Date(d) => (Literal::new_typed_literal(d.to_string(), xsd::DATE).into(), d.to_string()),
            Value::Year(y) => (Literal::new_typed_literal(format!("{y:04}"), xsd::G_YEAR).into(), y.to_string()),
            Value::Text(t) => (Literal::new_simple_literal(t).into(), t.clone()),
        };
        let f = vocab.fact(subject.as_ref(), predicate.as_ref(), object.as_ref());
        if facts_written.insert(xxh3_128(f.as_str().as_bytes())) {
            add(subject, predicate.clone(), object.clone());
            fact(subject, predicate.clone(), object);
        }

        let ev = &st.evidence;
        key.clear();
        // Writing to a String cannot fail.
        let _ = write!(
            key,
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            doc.id, st.predicate, subject_key, object_key, ev.sentence.start, ev.sentence.end, ev.rule
        );
        let hash = xxh3_128(key.as_bytes());
        repeated_record |= !records.insert(hash);
        let r = vocab.evidence(hash);
        add(&r, fact_of.clone(), f.into());
        add(&r, sentence_of.clone(), Literal::new_simple_literal(&doc.text[ev.sentence.clone()]).into());
        let span = format!(
            "{}-{} {}-{} {}-{}",
            offsets.get(ev.sentence.start),
            offsets.get(ev.sentence.end),
            offsets.get(ev.subject.start),
            offsets.get(ev.subject.end),
            offsets.get(ev.object.start),
            offsets.get(ev.object.end)
        );
        add(&r, spans.clone(), Literal::new_simple_literal(span).into());
        let method = match methods.entry((ev.rule.as_str(), ev.confidence.to_bits())) {
            Entry::Occupied(m) => m.get().clone(),
            Entry::Vacant(v) => {
                let c = decimal(ev.confidence);
                let method = vocab.method(&ev.rule, &c);
                if methods_written.insert(xxh3_128(method.as_str().as_bytes())) {
                    fact(&method, rule.clone(), Literal::new_simple_literal(&ev.rule).into());
                    fact(&method, confidence.clone(), Literal::new_typed_literal(c, xsd::DECIMAL).into());
                }
                v.insert(method).clone()
            }
        };
        add(&r, by.clone(), method.into());
        if let Some(sp) = ev.speaker {
            add(&r, speaker.clone(), entity_iris[sp].clone().into());
        }
    }
    // Counted here so that a list of the documents reads one value each, not their evidence.
    add(&graph, vocab.term("statements"), Literal::new_typed_literal(records.len().to_string(), xsd::INTEGER).into());
    let document = if repeated_record { dedup(quads) } else { quads };
    debug_assert!(no_repeats(&document) && no_repeats(&facts), "minting repeated a quad");
    Minted { document, facts }
}

/// Whether no quad is in `quads` twice (what minting guarantees; checked in debug builds).
fn no_repeats(quads: &[Quad]) -> bool {
    let mut seen = foldhash::HashSet::with_capacity_and_hasher(quads.len(), Default::default());
    quads.iter().all(|q| seen.insert(q))
}

/// Whether an entity has a name of its own: a Wikidata identity, or a label or surface form
/// written with a capital (a proper name), not only common nouns.
fn is_named(e: &crate::extract::Entity) -> bool {
    let proper = |s: &str| s.chars().next().is_some_and(char::is_uppercase);
    e.wikidata.is_some() || proper(&e.label) || e.aliases.iter().any(|a| proper(a))
}

/// Drops repeated quads, keeping the first of each: the same triple stated in several
/// sentences is one triple (with several evidence records). The set
/// borrows the quads rather than cloning them: on a large document the clones doubled the peak
/// memory of minting.
fn dedup(mut quads: Vec<Quad>) -> Vec<Quad> {
    let keep: Vec<bool> = {
        let mut seen = foldhash::HashSet::with_capacity_and_hasher(quads.len(), Default::default());
        quads.iter().map(|q| seen.insert(q)).collect()
    };
    let mut keep = keep.into_iter();
    quads.retain(|_| keep.next().unwrap_or(true));
    quads
}

/// A confidence as an `xsd:decimal` in canonical form, with two decimals at most: "0.6", not
/// "0.60", which Oxigraph would store (and export) as "0.6", so that what is minted is what the
/// store gives back.
pub(crate) fn decimal(x: f32) -> String {
    // `+ 0.0` turns -0 into 0.
    let x = if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) + 0.0 };
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Byte offsets → character offsets, computed in one pass over the text.
struct CharOffsets {
    map: Option<BTreeMap<usize, usize>>,
}

impl CharOffsets {
    fn new(text: &str, wanted: impl Iterator<Item = usize>) -> Self {
        if text.is_ascii() {
            return Self { map: None };
        }
        let mut wanted: Vec<usize> = wanted.collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut map = BTreeMap::new();
        let mut chars = 0;
        let mut it = wanted.into_iter().peekable();
        for (b, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            while it.peek().is_some_and(|&w| w <= b) {
                map.insert(it.next().unwrap(), chars);
            }
            chars += 1;
        }
        Self { map: Some(map) }
    }

    fn get(&self, byte: usize) -> usize {
        match &self.map {
            None => byte,
            Some(m) => m.get(&byte).copied().unwrap_or(byte),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidences_are_canonical_decimals() {
        let cases = [(0.6, "0.6"), (0.85, "0.85"), (1.0, "1"), (0.0, "0"), (0.999, "1"), (2.0, "1"), (f32::NAN, "0"), (-0.0, "0"), (0.05, "0.05")];
        for (x, want) in cases {
            assert_eq!(decimal(x), want, "{x}");
        }
    }
}
