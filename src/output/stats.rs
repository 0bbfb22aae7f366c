//! Store → counts: entities per class and facts per predicate (from the default graph, where
//! each is once), and per document its statements, facts, entities and quads, computed with
//! SPARQL over the store and printed as aligned text or JSON. Classes and fact predicates are
//! those the ontology graph declares (fact predicates are its `kg:FactProperty`s), so zero
//! counts show too.

use std::collections::BTreeMap;
use std::io::Write;

use oxigraph::model::Term;
use oxigraph::sparql::{QueryResults, QuerySolution};
use oxigraph::store::Store;

use super::query::evaluate;
use super::write_aligned;
use crate::graph::Vocab;
use crate::{Error, Result};

/// How many of something the store holds.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Count {
    /// Local name (`Country`, `brokered`).
    pub name: String,
    /// Full IRI.
    pub iri: String,
    /// How many.
    pub count: u64,
}

/// The counts of one document graph.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct DocumentStats {
    /// Its `dcterms:identifier` (the file stem).
    pub identifier: String,
    /// The graph IRI.
    pub graph: String,
    /// Its `dcterms:title`, if any.
    pub title: Option<String>,
    /// Evidence records (one per fact and sentence stating it).
    pub statements: u64,
    /// Distinct fact triples (with a fact predicate).
    pub facts: u64,
    /// Entities it mentions (gives a label).
    pub entities: u64,
    /// All quads of the graph.
    pub quads: u64,
}

/// What the store holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// All quads.
    pub quads: u64,
    /// Named graphs.
    pub graphs: u64,
    /// Distinct entities (IRIs typed with an ontology class) across the corpus.
    pub entities: u64,
    /// Evidence records across documents (one per statement of a fact by a sentence).
    pub statements: u64,
    /// Distinct facts (triples with a fact predicate in the default graph).
    pub facts: u64,
    /// Whether the ontology graph of this base is in the store; without it classes and
    /// predicates cannot be listed.
    pub ontology: bool,
    /// Entities per class.
    pub classes: Vec<Count>,
    /// Facts per predicate.
    pub predicates: Vec<Count>,
    /// Per document, sorted by identifier.
    pub documents: Vec<DocumentStats>,
}

/// Counts what `store` holds, with the ontology graph and namespace of `vocab`.
pub fn collect(store: &Store, vocab: &Vocab) -> Result<Stats> {
    let ont = vocab.ontology_graph();
    let prologue = format!(
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n\
         PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n\
         PREFIX owl: <http://www.w3.org/2002/07/owl#>\n\
         PREFIX dcterms: <http://purl.org/dc/terms/>\n\
         PREFIX kg: <{}>\n",
        vocab.ontology_ns()
    );
    let classes = format!("GRAPH {ont} {{ ?c rdfs:subClassOf kg:Entity }}");
    let predicates = format!("GRAPH {ont} {{ ?p a kg:FactProperty }}");
    let select = |body: String| select(store, &format!("{prologue}{body}"));

    let mut stats = Stats {
        quads: store.len()? as u64,
        graphs: store.named_graphs().count() as u64,
        ontology: store.contains_named_graph(ont.as_ref())?,
        ..Stats::default()
    };
    // Each entity and fact is once in the default graph.
    stats.classes = counts(select(format!(
        "SELECT ?x (COUNT(?e) AS ?n) WHERE {{ {classes} OPTIONAL {{ ?e a ?c }} BIND(?c AS ?x) }} GROUP BY ?x"
    ))?);
    stats.predicates = counts(select(format!(
        "SELECT ?x (COUNT(?o) AS ?n) WHERE {{ {predicates} OPTIONAL {{ ?s ?p ?o }} BIND(?p AS ?x) }} GROUP BY ?x"
    ))?);
    stats.entities = stats.classes.iter().map(|c| c.count).sum();
    stats.facts = stats.predicates.iter().map(|c| c.count).sum();

    let mut documents: BTreeMap<String, DocumentStats> = BTreeMap::new();
    for s in select(
        "SELECT ?g ?id (SAMPLE(?t) AS ?title) WHERE { GRAPH ?g { ?g dcterms:identifier ?id OPTIONAL { ?g dcterms:title ?t } } } GROUP BY ?g ?id".into(),
    )? {
        let (Some(Term::NamedNode(g)), Some(id)) = (s.get("g"), s.get("id")) else { continue };
        documents.insert(
            g.as_str().to_owned(),
            DocumentStats {
                identifier: text(Some(id)),
                graph: g.as_str().to_owned(),
                title: s.get("title").map(|t| text(Some(t))),
                ..DocumentStats::default()
            },
        );
    }
    let per_graph: [(String, fn(&mut DocumentStats) -> &mut u64); 4] = [
        ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g".into(), |d| &mut d.quads),
        ("SELECT ?g (COUNT(?v) AS ?n) WHERE { GRAPH ?g { ?v kg:fact ?f } } GROUP BY ?g".into(), |d| &mut d.statements),
        ("SELECT ?g (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { ?e rdfs:label ?l } } GROUP BY ?g".into(), |d| {
            &mut d.entities
        }),
        (format!("SELECT ?g (COUNT(*) AS ?n) WHERE {{ {predicates} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"), |d| {
            &mut d.facts
        }),
    ];
    for (query, field) in per_graph {
        for s in select(query)? {
            if let Some(d) = s.get("g").and_then(|g| match g {
                Term::NamedNode(g) => documents.get_mut(g.as_str()),
                _ => None,
            }) {
                *field(d) = number(s.get("n"));
            }
        }
    }
    stats.documents = documents.into_values().collect();
    stats.documents.sort_by(|a, b| (&a.identifier, &a.graph).cmp(&(&b.identifier, &b.graph)));
    stats.statements = stats.documents.iter().map(|d| d.statements).sum();
    Ok(stats)
}

impl Stats {
    /// Writes the counts as aligned text tables.
    pub fn write_text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(
            out,
            "{} quads in {} graphs: {} documents, {} entities, {} facts, {} statements",
            self.quads,
            self.graphs,
            self.documents.len(),
            self.entities,
            self.facts,
            self.statements
        )?;
        if !self.ontology {
            writeln!(out, "(no ontology graph for this --base in the store: classes and predicates unknown)")?;
        }
        let counts = |out: &mut dyn Write, header: [&str; 2], counts: &[Count]| -> std::io::Result<()> {
            if counts.is_empty() {
                return Ok(());
            }
            writeln!(out)?;
            let rows: Vec<Vec<String>> = counts.iter().map(|c| vec![c.name.clone(), c.count.to_string()]).collect();
            write_aligned(out, &header, &rows, &[false, true])
        };
        counts(out, ["class", "entities"], &self.classes)?;
        counts(out, ["predicate", "facts"], &self.predicates)?;
        if !self.documents.is_empty() {
            writeln!(out)?;
            let rows: Vec<Vec<String>> = self
                .documents
                .iter()
                .map(|d| {
                    vec![
                        d.identifier.clone(),
                        d.statements.to_string(),
                        d.facts.to_string(),
                        d.entities.to_string(),
                        d.quads.to_string(),
                        d.title.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            write_aligned(
                out,
                &["document", "statements", "facts", "entities", "quads", "title"],
                &rows,
                &[false, true, true, true, true, false],
            )?;
        }
        Ok(())
    }
}

fn select(store: &Store, query: &str) -> Result<Vec<QuerySolution>> {
    match evaluate(store, query)? {
        QueryResults::Solutions(solutions) => {
            solutions.collect::<Result<Vec<_>, _>>().map_err(|e| Error::Query(format!("stats query failed: {e}")))
        }
        _ => Err(Error::Query("stats query gave no solutions".into())),
    }
}

/// `?x ?n` solutions → counts by local name, most first, then by name.
fn counts(solutions: Vec<QuerySolution>) -> Vec<Count> {
    let mut out: Vec<Count> = solutions
        .iter()
        .filter_map(|s| match s.get("x") {
            Some(Term::NamedNode(n)) => Some(Count {
                name: n.as_str().rsplit(['#', '/']).next().unwrap_or_default().to_owned(),
                iri: n.as_str().to_owned(),
                count: number(s.get("n")),
            }),
            _ => None,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    out
}

fn number(term: Option<&Term>) -> u64 {
    match term {
        Some(Term::Literal(l)) => l.value().parse().unwrap_or(0),
        _ => 0,
    }
}

fn text(term: Option<&Term>) -> String {
    match term {
        Some(Term::Literal(l)) => l.value().to_owned(),
        Some(t) => t.to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::KgStore;
    use oxigraph::io::RdfFormat;

    #[test]
    fn counts_documents_classes_and_predicates() {
        let vocab = Vocab::default();
        let kg = KgStore::memory().unwrap();
        kg.load_ontology(&vocab, None).unwrap();
        let data = r#"
            @prefix kg: <https://w3id.org/kgraph/ontology#> .
            @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
            @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
            @prefix dcterms: <http://purl.org/dc/terms/> .
            <http://e/ru> a kg:Country ; rdfs:label "Russia" . <http://e/deal> a kg:Agreement .
            <http://e/ru> kg:brokered <http://e/deal> .
            <https://w3id.org/kgraph/doc/d1> {
              <https://w3id.org/kgraph/doc/d1> dcterms:identifier "d1" ; dcterms:title "One" .
              <http://e/ru> rdfs:label "Russia" . <http://e/deal> rdfs:label "deal" .
              <http://e/ru> kg:brokered <http://e/deal> .
              <http://v/1> kg:fact <http://f/1> ; kg:rule "r" .
            }
            <https://w3id.org/kgraph/doc/d2> {
              <https://w3id.org/kgraph/doc/d2> dcterms:identifier "d2" .
              <http://e/ru> rdfs:label "Russia" .
            }"#;
        kg.store().load_from_slice(RdfFormat::TriG, data).unwrap();
        let stats = collect(kg.store(), &vocab).unwrap();
        assert!(stats.ontology);
        assert_eq!(stats.entities, 2);
        let count = |list: &[Count], name: &str| list.iter().find(|c| c.name == name).map(|c| c.count);
        assert_eq!(count(&stats.classes, "Country"), Some(1));
        assert_eq!(count(&stats.classes, "Person"), Some(0));
        assert_eq!(count(&stats.predicates, "brokered"), Some(1));
        assert_eq!(count(&stats.predicates, "date"), Some(0));
        assert_eq!(count(&stats.predicates, "rule"), None, "provenance is not a fact predicate");
        assert_eq!(stats.predicates.len(), 24);
        assert_eq!(stats.classes.len(), 7);
        let d1 = &stats.documents[0];
        assert_eq!(
            (d1.identifier.as_str(), d1.title.as_deref(), d1.statements, d1.facts, d1.entities, d1.quads),
            ("d1", Some("One"), 1, 1, 2, 7)
        );
        assert_eq!(stats.documents[1].entities, 1);
        let mut text = Vec::new();
        stats.write_text(&mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains("d1                 1      1         2      7  One"), "{text}");
        assert_eq!((stats.facts, stats.statements), (1, 1));
    }
}
