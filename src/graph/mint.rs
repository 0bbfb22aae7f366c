//! Document + extraction → quads: one named graph per document holding the document's
//! description (dcterms), its entities (type, labels, sameAs), its statements, and one
//! reified `rdf:Statement` per statement and sentence carrying the evidence.
//!
//! Every IRI derives from content (entity keys, hashes of the statement and its span), so the
//! same document gives the same quads on any machine, in any order.

use std::collections::BTreeMap;

use oxigraph::model::vocab::xsd;
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term};
use xxhash_rust::xxh3::xxh3_128;

use super::vocab::{iri, ns, Vocab};
use crate::document::Document;
use crate::extract::{Extraction, Value};

/// Mints the quads of one document's named graph.
pub fn mint(doc: &Document, extraction: &Extraction, vocab: &Vocab) -> Vec<Quad> {
    let graph = vocab.document(&doc.id);
    let g = GraphName::NamedNode(graph.clone());
    let mut quads = Vec::new();
    let mut add = |s: &NamedNode, p: NamedNode, o: Term| quads.push(Quad::new(s.clone(), p, o, g.clone()));
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
    for (e, node) in extraction.entities.values().zip(&entity_iris) {
        add(node, rdf_type.clone(), vocab.term(e.class.name()).into());
        add(node, label.clone(), Literal::new_simple_literal(&e.label).into());
        for alias in &e.aliases {
            add(node, alt_label.clone(), Literal::new_simple_literal(alias).into());
        }
        if let Some(q) = &e.wikidata {
            add(node, same_as.clone(), iri(ns::WD, q).into());
        }
    }

    let offsets = CharOffsets::new(
        &doc.text,
        extraction.statements.iter().flat_map(|s| {
            let ev = &s.evidence;
            [ev.sentence.start, ev.sentence.end, ev.subject.start, ev.subject.end, ev.object.start, ev.object.end]
        }),
    );
    let int = |n: usize| -> Term { Literal::new_typed_literal(n.to_string(), xsd::INTEGER).into() };
    // The evidence predicates, made once per document rather than formatted for every quad.
    let rdf_statement: Term = iri(ns::RDF, "Statement").into();
    let [rdf_subject, rdf_predicate, rdf_object, derived_from] =
        [iri(ns::RDF, "subject"), iri(ns::RDF, "predicate"), iri(ns::RDF, "object"), iri(ns::PROV, "wasDerivedFrom")];
    let [sentence, sentence_start, sentence_end, subject_start, subject_end, object_start, object_end, rule, confidence, speaker] =
        ["sentence", "sentenceStart", "sentenceEnd", "subjectStart", "subjectEnd", "objectStart", "objectEnd", "rule", "confidence", "speaker"]
            .map(|t| vocab.term(t));
    let graph_term: Term = graph.clone().into();
    for st in &extraction.statements {
        let subject = &entity_iris[st.subject];
        let subject_key = &extraction.entities[st.subject].key;
        let predicate = vocab.term(&st.predicate);
        let (object, object_key): (Term, String) = match &st.object {
            Value::Entity(i) => (entity_iris[*i].clone().into(), extraction.entities[*i].key.clone()),
            Value::Integer(n) => (Literal::new_typed_literal(n.to_string(), xsd::INTEGER).into(), n.to_string()),
            Value::Date(d) => (Literal::new_typed_literal(d.to_string(), xsd::DATE).into(), d.to_string()),
            Value::Year(y) => (Literal::new_typed_literal(format!("{y:04}"), xsd::G_YEAR).into(), y.to_string()),
            Value::Text(t) => (Literal::new_simple_literal(t).into(), t.clone()),
        };
        add(subject, predicate.clone(), object.clone());

        let ev = &st.evidence;
        let hash = xxh3_128(
            format!(
                "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
                doc.id, st.predicate, subject_key, object_key, ev.sentence.start, ev.sentence.end, ev.rule
            )
            .as_bytes(),
        );
        let r = vocab.statement(&format!("{hash:032x}"));
        add(&r, rdf_type.clone(), rdf_statement.clone());
        add(&r, rdf_subject.clone(), subject.clone().into());
        add(&r, rdf_predicate.clone(), predicate.into());
        add(&r, rdf_object.clone(), object);
        add(&r, derived_from.clone(), graph_term.clone());
        add(&r, sentence.clone(), Literal::new_simple_literal(&doc.text[ev.sentence.clone()]).into());
        add(&r, sentence_start.clone(), int(offsets.get(ev.sentence.start)));
        add(&r, sentence_end.clone(), int(offsets.get(ev.sentence.end)));
        add(&r, subject_start.clone(), int(offsets.get(ev.subject.start)));
        add(&r, subject_end.clone(), int(offsets.get(ev.subject.end)));
        add(&r, object_start.clone(), int(offsets.get(ev.object.start)));
        add(&r, object_end.clone(), int(offsets.get(ev.object.end)));
        add(&r, rule.clone(), Literal::new_simple_literal(&ev.rule).into());
        add(&r, confidence.clone(), Literal::new_typed_literal(decimal(ev.confidence), xsd::DECIMAL).into());
        if let Some(sp) = ev.speaker {
            add(&r, speaker.clone(), entity_iris[sp].clone().into());
        }
    }
    // The same triple stated in several sentences is one triple (with several evidence nodes).
    // The set borrows the quads rather than cloning them: on a large document the clones doubled
    // the peak memory of minting.
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
fn decimal(x: f32) -> String {
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
