//! RDF files → the store: the union of `kgraph extract` shards (or any N-Quads/TriG), each named
//! graph replaced as a document, default-graph quads (the facts) added, then the summary
//! recomputed (`kgraph load`).

use std::collections::HashSet;

use indexmap::IndexMap;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, NamedNode, Quad};

use crate::graph::Vocab;
use crate::store::{DocumentQuads, KgStore, SummaryCounts};
use crate::{Error, Result};

/// Quads per batch of `kgraph load`: it holds one batch at a time, with no extraction running
/// beside it, so it takes bigger batches than a build.
const LOAD_BATCH_QUADS: usize = 200_000;

/// What a [`load`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LoadSummary {
    /// Graphs met for the first time (replaced, or added to for the default graph).
    pub graphs: usize,
    /// Quads read.
    pub quads: usize,
}

/// Loads RDF quads (e.g. the union of `kgraph extract` shards) into `kg`, reading as it goes,
/// then recomputes the summary: a new [`Loader`] loading `input` alone, then finished.
pub fn load(kg: &KgStore, vocab: &Vocab, input: impl std::io::Read, format: RdfFormat, name: &str) -> Result<LoadSummary> {
    let mut loader = Loader::new(kg, vocab);
    let summary = loader.load(input, format, name)?;
    loader.finish()?;
    Ok(summary)
}

/// Loads inputs one after the other into a store as if they were one: each named graph met is
/// replaced by what the inputs hold for it, as a document (so loading the same shards again
/// changes nothing, and facts only a replaced version stated go); default-graph quads (the
/// facts) are added. Quads of one graph that come in several runs (in one input or several)
/// are all kept: the first run replaces the graph, later ones add to it. [`Loader::finish`]
/// then recomputes the summary, since counts do not merge by union.
///
/// Graphs are written in batches of about 200,000 quads (`LOAD_BATCH_QUADS`) with
/// [`KgStore::write_batch`] (new graphs through the bulk loader), the last one at the end of
/// each input; memory holds one batch and the input's distinct default-graph quads, which are
/// added once the input's graphs are in, so that a fact a replaced graph no longer states but
/// another graph of the input does stays.
pub struct Loader<'a> {
    kg: &'a KgStore,
    vocab: &'a Vocab,
    met: HashSet<GraphName>,
    /// Graphs met in this batch, in order, with their quads.
    batch: IndexMap<NamedNode, Vec<Quad>>,
    batch_quads: usize,
}

impl<'a> Loader<'a> {
    /// A loader into `kg` that has met no graph yet.
    pub fn new(kg: &'a KgStore, vocab: &'a Vocab) -> Self {
        Self { kg, vocab, met: HashSet::new(), batch: IndexMap::new(), batch_quads: 0 }
    }

    /// Loads one input in `format`; `name` is used in errors. Fails on the first syntax error,
    /// with its line; the batches before it are written (and the default-graph quads read).
    pub fn load(&mut self, input: impl std::io::Read, format: RdfFormat, name: &str) -> Result<LoadSummary> {
        let mut summary = LoadSummary::default();
        let mut default_graph: HashSet<Quad> = HashSet::new();
        for quad in RdfParser::from_format(format).for_reader(input) {
            let quad = match quad {
                Ok(q) => q,
                Err(e) => {
                    self.write()?;
                    self.kg.store().extend(default_graph)?;
                    return Err(match e {
                        oxigraph::io::RdfParseError::Io(e) => Error::io(name, e),
                        oxigraph::io::RdfParseError::Syntax(e) => Error::Syntax {
                            path: name.into(),
                            line: e.location().map_or(0, |l| l.start.line as usize + 1),
                            message: e.to_string(),
                        },
                    });
                }
            };
            summary.quads += 1;
            let first = self.met.insert(quad.graph_name.clone());
            if first {
                summary.graphs += 1;
            }
            match &quad.graph_name {
                GraphName::NamedNode(g) if first || self.batch.contains_key(g) => {
                    self.batch.entry(g.clone()).or_default().push(quad);
                    self.batch_quads += 1;
                }
                GraphName::NamedNode(_) => {
                    // A graph met in an earlier batch: later runs add to it.
                    self.kg.store().insert(&quad)?;
                }
                _ => {
                    default_graph.insert(quad);
                }
            }
            if self.batch_quads >= LOAD_BATCH_QUADS {
                self.write()?;
            }
        }
        self.write()?;
        self.kg.store().extend(default_graph)?;
        Ok(summary)
    }

    /// Recomputes the summary from the documents now in the store.
    pub fn finish(self) -> Result<SummaryCounts> {
        self.kg.summarise(self.vocab)
    }

    fn write(&mut self) -> Result<()> {
        let documents: Vec<DocumentQuads<'_>> =
            self.batch.iter().map(|(g, q)| DocumentQuads { graph: g.as_ref(), quads: q, facts: &[] }).collect();
        // No counts here: the summary is recomputed by `finish`.
        self.kg.write_batch(self.vocab, &documents, None)?;
        self.batch.clear();
        self.batch_quads = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loading_replaces_each_graph_once_and_adds_later_runs() {
        let kg = KgStore::memory().unwrap();
        let vocab = Vocab::default();
        let old = "<http://s> <http://p> \"old\" <http://g1> .\n";
        load(&kg, &Vocab::default(), old.as_bytes(), RdfFormat::NQuads, "old.nq").unwrap();
        let input = "<http://s> <http://p> \"a\" <http://g1> .\n\
                     <http://s> <http://p> \"b\" <http://g2> .\n\
                     <http://s> <http://p> \"c\" <http://g1> .\n\
                     <http://s> <http://p> \"d\" .\n";
        for _ in 0..2 {
            let summary = load(&kg, &Vocab::default(), input.as_bytes(), RdfFormat::NQuads, "in.nq").unwrap();
            assert_eq!(summary, LoadSummary { graphs: 3, quads: 4 });
            assert_eq!(kg.len().unwrap(), 4, "\"old\" replaced, \"a\" and \"c\" both kept, nothing doubled");
        }
        // Two inputs are loaded as one: g1 in the second adds to g1 of the first.
        let mut loader = Loader::new(&kg, &vocab);
        loader.load("<http://s> <http://p> \"x\" <http://g1> .\n".as_bytes(), RdfFormat::NQuads, "x.nq").unwrap();
        let second = loader.load("<http://s> <http://p> \"y\" <http://g1> .\n".as_bytes(), RdfFormat::NQuads, "y.nq");
        assert_eq!(second.unwrap().graphs, 0, "g1 was met before");
        assert_eq!(kg.len().unwrap(), 4, "g1 is now x and y (its a and c replaced); g2 is b; d");
        let err = load(&kg, &Vocab::default(), "<http://s> <http://p> .\n".as_bytes(), RdfFormat::NQuads, "bad.nq").unwrap_err();
        assert!(err.to_string().starts_with("bad.nq:1:"), "{err}");
    }

}
