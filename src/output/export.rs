//! Store → RDF: the whole dataset or one graph, streamed through Oxigraph's serializers.
//!
//! Dataset formats (N-Quads, TriG, JSON-LD) keep every quad in its graph, the facts in the
//! default graph; JSON-LD is compact ([`super::jsonld`]). Graph formats (N-Triples, Turtle,
//! RDF/XML) have no graphs: without `--graph` they get the union of all graphs, each distinct
//! triple once (which document states what is then lost); `--graph default` gives the facts.

use std::collections::HashSet;
use std::io::Write;

use oxigraph::model::{GraphName, GraphNameRef, NamedNode, NamedOrBlankNodeRef, TripleRef};
use oxigraph::store::Store;
use xxhash_rust::xxh3::xxh3_128;

use super::RdfOutput;
use crate::graph::Vocab;
use crate::{Error, Result};

/// What `kgraph export --format` writes: RDF, or the CSV files of a Neo4j import ([`super::neo4j`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// An RDF serialization.
    Rdf(RdfOutput),
    /// `nodes.csv`, `relationships.csv` and `load.cypher` in a folder, for Neo4j.
    Neo4j,
    /// The same CSV files with a `load.cypher` for Kùzu.
    Kuzu,
}

impl ExportFormat {
    /// The names users give on the command line: the RDF formats, then the property graphs.
    pub const NAMES: [&'static str; 8] =
        ["nquads", "trig", "ntriples", "turtle", "rdfxml", "jsonld", "neo4j", "kuzu"];
}

impl std::str::FromStr for ExportFormat {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        if s.eq_ignore_ascii_case("neo4j") {
            Ok(ExportFormat::Neo4j)
        } else if s.eq_ignore_ascii_case("kuzu") || s == "kùzu" {
            Ok(ExportFormat::Kuzu)
        } else {
            s.parse().map(ExportFormat::Rdf)
        }
    }
}

impl std::fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportFormat::Rdf(r) => r.fmt(f),
            ExportFormat::Neo4j => f.write_str("neo4j"),
            ExportFormat::Kuzu => f.write_str("kuzu"),
        }
    }
}

/// The graph a user names: `default` for the default graph (the facts), an absolute IRI as is,
/// anything else as a document identifier (the file stem), e.g. `000_50ffc8f5c8e6c513`.
pub fn graph_named(vocab: &Vocab, name: &str) -> GraphName {
    if name == "default" {
        return GraphName::DefaultGraph;
    }
    match NamedNode::new(name) {
        Ok(iri) if name.contains(':') => iri.into(),
        _ => vocab.document(name).into(),
    }
}

/// Fails when `graph` is a named graph the store does not hold (the default graph is always
/// there).
pub fn check_graph(store: &Store, graph: GraphNameRef<'_>) -> Result<()> {
    let named: NamedOrBlankNodeRef<'_> = match graph {
        GraphNameRef::NamedNode(g) => g.into(),
        GraphNameRef::BlankNode(b) => b.into(),
        GraphNameRef::DefaultGraph => return Ok(()),
    };
    if store.contains_named_graph(named)? {
        Ok(())
    } else {
        Err(Error::Invalid(format!("no graph {graph} in the store (see `kgraph stats` for the documents)")))
    }
}

/// Writes the store (or one named graph of it) to `out` in `format`; returns how many quads or
/// triples were written. Fails if `graph` is not in the store.
pub fn export(
    store: &Store,
    format: RdfOutput,
    graph: Option<GraphNameRef<'_>>,
    vocab: &Vocab,
    out: &mut dyn Write,
) -> Result<usize> {
    if let Some(g) = graph {
        check_graph(store, g)?;
    }
    let write_error = |e: std::io::Error| Error::io("<output>", e);
    if format == RdfOutput::JsonLd {
        // Compact JSON-LD, which Oxigraph's serializer does not write (see [`super::jsonld`]).
        let quads = store.quads_for_pattern(None, None, None, graph);
        return super::jsonld::write(quads, &super::prefixes(vocab), out)?.map_err(write_error);
    }
    let mut serializer = format.serializer(vocab).for_writer(out);
    let quads = store.quads_for_pattern(None, None, None, graph);
    let mut written = 0;
    if format.is_dataset() {
        for quad in quads {
            serializer.serialize_quad(&quad?).map_err(write_error)?;
            written += 1;
        }
    } else {
        // The same triple in several graphs is written once. A 128-bit hash per distinct
        // triple keeps memory small; a graph (one document) never repeats a triple.
        let mut seen = HashSet::new();
        for quad in quads {
            let quad = quad?;
            let triple: TripleRef<'_> = quad.as_ref().into();
            if graph.is_some() || seen.insert(xxh3_128(triple.to_string().as_bytes())) {
                serializer.serialize_triple(triple).map_err(write_error)?;
                written += 1;
            }
        }
    }
    serializer.finish().map_err(write_error)?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::{RdfFormat, RdfParser};

    const DATA: &str = "<http://ex.org/a> <http://ex.org/p> \"x\" <http://ex.org/g1> .\n\
                        <http://ex.org/a> <http://ex.org/p> \"x\" <http://ex.org/g2> .\n\
                        <http://ex.org/b> <http://ex.org/p> _:n <http://ex.org/g2> .\n\
                        <http://ex.org/c> <http://ex.org/p> \"facts\" .\n";

    fn store() -> Store {
        let store = Store::new().unwrap();
        store.load_from_slice(RdfFormat::NQuads, DATA).unwrap();
        store
    }

    #[test]
    fn graph_formats_write_each_triple_once_and_dataset_formats_every_quad() {
        let store = store();
        for format in RdfOutput::ALL {
            let mut out = Vec::new();
            let n = export(&store, format, None, &Vocab::default(), &mut out).unwrap();
            let parsed = RdfParser::from_format(format.format()).for_slice(&out).count();
            let expected = if format.is_dataset() { 4 } else { 3 };
            assert_eq!((n, parsed), (expected, expected), "{format}: {}", String::from_utf8_lossy(&out));
        }
    }

    #[test]
    fn one_graph_is_exported_or_refused() {
        let store = store();
        let g2 = NamedNode::new("http://ex.org/g2").unwrap();
        let mut out = Vec::new();
        assert_eq!(
            export(&store, RdfOutput::NQuads, Some(g2.as_ref().into()), &Vocab::default(), &mut out).unwrap(),
            2
        );
        let g3 = NamedNode::new("http://ex.org/g3").unwrap();
        assert!(export(&store, RdfOutput::Turtle, Some(g3.as_ref().into()), &Vocab::default(), &mut out).is_err());
        let mut out = Vec::new();
        assert_eq!(export(&store, RdfOutput::NTriples, Some(GraphNameRef::DefaultGraph), &Vocab::default(), &mut out).unwrap(), 1);
        assert_eq!(String::from_utf8(out).unwrap(), "<http://ex.org/c> <http://ex.org/p> \"facts\" .\n");
    }

    #[test]
    fn export_format_names_parse() {
        assert_eq!(&ExportFormat::NAMES[..6], &RdfOutput::NAMES[..]);
        for name in ExportFormat::NAMES {
            assert_eq!(name.parse::<ExportFormat>().unwrap().to_string(), name);
        }
        assert!("csv".parse::<ExportFormat>().is_err());
    }

    #[test]
    fn graph_names_are_iris_or_document_ids() {
        let v = Vocab::default();
        assert_eq!(graph_named(&v, "http://ex.org/g").to_string(), "<http://ex.org/g>");
        assert_eq!(graph_named(&v, "000_abc").to_string(), "<https://w3id.org/kgraph/doc/000_abc>");
        assert_eq!(graph_named(&v, "default"), GraphName::DefaultGraph);
    }
}
