//! Paths → quads on a writer, without a store: the pipeline as a map task (`kgraph extract`);
//! and quads → a store again ([`load`], `kgraph load`), for the union of such shards.
//!
//! Documents are read, processed on all cores and written in source order (see
//! [`crate::parallel`]), so memory is bounded by the documents in flight (plus the identifiers
//! seen, to refuse a second document with the same one) and the output does not depend on the
//! number of threads.
//! Because every IRI derives from content, the outputs of shards processed on different machines
//! merge by plain union into what one `kgraph build` of all the documents holds.

use std::collections::HashSet;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::str::FromStr;

use oxigraph::io::{RdfFormat, RdfParser, RdfSerializer};
use indexmap::IndexMap;
use oxigraph::model::{GraphName, NamedNode, NamedNodeRef, Quad};

use crate::parallel::Step;
use crate::pipeline::{Pipeline, Processed};
use crate::store::{BuildOptions, Counts, Event, KgStore};
use crate::{Error, Result};

/// Quads per batch of `kgraph load`: it holds one batch at a time, with no extraction running
/// beside it, so it takes bigger batches than a build.
const LOAD_BATCH_QUADS: usize = 200_000;

/// What `kgraph extract` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardFormat {
    /// N-Quads: one quad a line, each document in its named graph.
    NQuads,
    /// JSON Lines: one object a document, `{"id", "graph", "source", "quads": [N-Quads lines]}`.
    JsonLines,
}

impl ShardFormat {
    /// The names users give on the command line.
    pub const NAMES: [&'static str; 2] = ["nquads", "jsonl"];
}

impl FromStr for ShardFormat {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "nquads" | "n-quads" | "nq" => Ok(ShardFormat::NQuads),
            "jsonl" | "json-lines" | "ndjson" => Ok(ShardFormat::JsonLines),
            _ => Err(Error::Invalid(format!("unknown extract format {s:?} (one of nquads, jsonl)"))),
        }
    }
}

/// What an [`extract`] did.
pub type ShardSummary = Counts;

/// Reads every document under `paths`, runs `pipeline` on each and writes its graph's quads to
/// `out` in `format`, in source order. `ontology` quads (if any) are written first (as a
/// pseudo-document `ontology` in JSON Lines). A bad input is reported through `on_event` and
/// skipped; only a write failure stops the run (and is returned).
pub fn extract(
    pipeline: &Pipeline,
    paths: &[PathBuf],
    options: &BuildOptions,
    format: ShardFormat,
    ontology: &[Quad],
    out: &mut dyn Write,
    mut on_event: impl FnMut(Event<'_>),
) -> Result<ShardSummary> {
    let mut summary = ShardSummary::default();
    if !ontology.is_empty() {
        write(out, format, "ontology", "", "", ontology)?;
        summary.quads += ontology.len();
    }
    let mut seen: HashSet<String> = HashSet::new();
    let mut fatal = None;
    // Each document is serialised by the worker that processed it; this thread only writes.
    let serialise = |p: Processed| -> Result<(Processed, Vec<u8>)> {
        let mut bytes = Vec::with_capacity(p.quads.len() * 160);
        write(&mut bytes, format, &p.document.id, p.graph.as_str(), &p.document.source, &p.quads)?;
        Ok((p, bytes))
    };
    crate::parallel::process_in_order_with(pipeline, paths, &options.read, options.jobs, serialise, |step| {
        match step {
            Step::Reading { source, index, total, offset, total_bytes } => {
                on_event(Event::Reading { source, index, total, offset, total_bytes })
            }
            Step::Document(Ok((p, bytes))) => {
                if !seen.insert(p.document.id.clone()) {
                    let e = Error::Invalid(format!(
                        "{}: document id {:?} is already used in this run; skipped",
                        p.document.source, p.document.id
                    ));
                    summary.failed += 1;
                    on_event(Event::Failed(&e));
                    return ControlFlow::Continue(());
                }
                if let Err(e) = out.write_all(&bytes) {
                    fatal = Some(Error::io("<output>", e));
                    return ControlFlow::Break(());
                }
                summary.loaded(&p);
                on_event(Event::Loaded(&p));
            }
            Step::Document(Err(e)) => on_event(summary.not_loaded(&e)),
        }
        ControlFlow::Continue(())
    });
    match fatal {
        Some(e) => Err(e),
        None => Ok(summary),
    }
}

/// What a [`load`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LoadSummary {
    /// Graphs met for the first time (replaced, or added to for the default graph).
    pub graphs: usize,
    /// Quads read.
    pub quads: usize,
}

/// Loads RDF quads (e.g. the union of `kgraph extract` shards) into `kg`, reading as it goes;
/// the same as a new [`Loader`] loading `input` alone.
pub fn load(kg: &KgStore, input: impl std::io::Read, format: RdfFormat, name: &str) -> Result<LoadSummary> {
    Loader::new(kg).load(input, format, name)
}

/// Loads inputs one after the other into a store as if they were one: each named graph met is
/// replaced by what the inputs hold for it (so loading the same shards again changes nothing);
/// default-graph quads are added. Quads of one graph that come in several runs (in one input or
/// several) are all kept: the first run replaces the graph, later ones add to it.
///
/// Graphs are written in batches of about 200,000 quads (`LOAD_BATCH_QUADS`) with
/// [`KgStore::replace_graphs`] (new graphs through the bulk loader), the last one at the end of
/// each input; memory holds one batch.
pub struct Loader<'a> {
    kg: &'a KgStore,
    met: HashSet<GraphName>,
    /// Graphs met in this batch, in order, with their quads.
    batch: IndexMap<NamedNode, Vec<Quad>>,
    batch_quads: usize,
}

impl<'a> Loader<'a> {
    /// A loader into `kg` that has met no graph yet.
    pub fn new(kg: &'a KgStore) -> Self {
        Self { kg, met: HashSet::new(), batch: IndexMap::new(), batch_quads: 0 }
    }

    /// Loads one input in `format`; `name` is used in errors. Fails on the first syntax error,
    /// with its line; the batches before it are written.
    pub fn load(&mut self, input: impl std::io::Read, format: RdfFormat, name: &str) -> Result<LoadSummary> {
        let mut summary = LoadSummary::default();
        let mut default_graph: Vec<Quad> = Vec::new();
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
                _ => default_graph.push(quad),
            }
            if self.batch_quads >= LOAD_BATCH_QUADS {
                self.write()?;
            }
        }
        self.write()?;
        self.kg.store().extend(default_graph)?;
        Ok(summary)
    }

    fn write(&mut self) -> Result<()> {
        let graphs: Vec<(NamedNodeRef<'_>, &[Quad])> = self.batch.iter().map(|(g, q)| (g.as_ref(), &q[..])).collect();
        self.kg.replace_graphs(&graphs)?;
        self.batch.clear();
        self.batch_quads = 0;
        Ok(())
    }
}

/// Writes one document's quads.
fn write(out: &mut dyn Write, format: ShardFormat, id: &str, graph: &str, source: &str, quads: &[Quad]) -> Result<()> {
    let io = |e: std::io::Error| Error::io("<output>", e);
    match format {
        ShardFormat::NQuads => {
            let mut serializer = RdfSerializer::from_format(RdfFormat::NQuads).for_writer(&mut *out);
            for q in quads {
                serializer.serialize_quad(q).map_err(io)?;
            }
            serializer.finish().map_err(io)?;
        }
        ShardFormat::JsonLines => {
            let lines: Vec<String> = quads.iter().map(|q| format!("{q} .")).collect();
            let record = serde_json::json!({ "id": id, "graph": graph, "source": source, "quads": lines });
            serde_json::to_writer(&mut *out, &record).map_err(|e| io(e.into()))?;
            out.write_all(b"\n").map_err(io)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::RdfParser;
    use oxigraph::model::{GraphName, Literal, NamedNode};

    #[test]
    fn loading_replaces_each_graph_once_and_adds_later_runs() {
        let kg = KgStore::memory().unwrap();
        let old = "<http://s> <http://p> \"old\" <http://g1> .\n";
        load(&kg, old.as_bytes(), RdfFormat::NQuads, "old.nq").unwrap();
        let input = "<http://s> <http://p> \"a\" <http://g1> .\n\
                     <http://s> <http://p> \"b\" <http://g2> .\n\
                     <http://s> <http://p> \"c\" <http://g1> .\n\
                     <http://s> <http://p> \"d\" .\n";
        for _ in 0..2 {
            let summary = load(&kg, input.as_bytes(), RdfFormat::NQuads, "in.nq").unwrap();
            assert_eq!(summary, LoadSummary { graphs: 3, quads: 4 });
            assert_eq!(kg.len().unwrap(), 4, "\"old\" replaced, \"a\" and \"c\" both kept, nothing doubled");
        }
        // Two inputs are loaded as one: g1 in the second adds to g1 of the first.
        let mut loader = Loader::new(&kg);
        loader.load("<http://s> <http://p> \"x\" <http://g1> .\n".as_bytes(), RdfFormat::NQuads, "x.nq").unwrap();
        let second = loader.load("<http://s> <http://p> \"y\" <http://g1> .\n".as_bytes(), RdfFormat::NQuads, "y.nq");
        assert_eq!(second.unwrap().graphs, 0, "g1 was met before");
        assert_eq!(kg.len().unwrap(), 4, "g1 is now x and y (its a and c replaced); g2 is b; d");
        let err = load(&kg, "<http://s> <http://p> .\n".as_bytes(), RdfFormat::NQuads, "bad.nq").unwrap_err();
        assert!(err.to_string().starts_with("bad.nq:1:"), "{err}");
    }

    #[test]
    fn format_names_parse() {
        for name in ShardFormat::NAMES {
            assert!(name.parse::<ShardFormat>().is_ok());
        }
        assert!("turtle".parse::<ShardFormat>().is_err());
    }

    #[test]
    fn json_lines_records_carry_n_quads_lines() {
        let g = NamedNode::new("http://ex.org/g").unwrap();
        let q = Quad::new(
            NamedNode::new("http://ex.org/s").unwrap(),
            NamedNode::new("http://ex.org/p").unwrap(),
            Literal::new_simple_literal("a \"quoted\"\nline"),
            GraphName::NamedNode(g.clone()),
        );
        let mut out = Vec::new();
        write(&mut out, ShardFormat::JsonLines, "d1", g.as_str(), "x.txt", std::slice::from_ref(&q)).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 1);
        let record: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(record["id"], "d1");
        let line = record["quads"][0].as_str().unwrap();
        let parsed: Vec<Quad> = RdfParser::from_format(RdfFormat::NQuads)
            .for_slice(line.as_bytes())
            .collect::<std::result::Result<_, _>>()
            .unwrap();
        assert_eq!(parsed, vec![q]);
    }
}
