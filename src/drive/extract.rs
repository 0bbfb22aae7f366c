//! Paths → quads on a writer, without a store: the pipeline as a map task (`kgraph extract`).
//! [`super::load`] takes the union of such shards into a store.
//!
//! Documents are read, processed on all cores and written in source order (see
//! [`crate::parallel`]), so memory is bounded by the documents in flight (plus the identifiers
//! seen, to refuse a second document with the same one) and the output does not depend on the
//! number of threads.
//! Because every IRI derives from content, the outputs of shards processed on different machines
//! merge by plain union into what one `kgraph build` of all the documents holds.

use std::fmt::Write as _;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::str::FromStr;

use oxigraph::model::Quad;

use super::{BuildOptions, Counts, Event, Identifiers};
use crate::parallel::Step;
use crate::pipeline::{Pipeline, Processed};
use crate::{Error, Result};

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

/// Reads every document under `paths`, runs `pipeline` on each and writes its graph's quads,
/// then its facts (default-graph quads), to `out` in `format`, in source order. `ontology` quads (if any) are written first (as a
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
        out.write_all(&render(format, "ontology", "", "", &[ontology])?).map_err(|e| Error::io("<output>", e))?;
        summary.quads += ontology.len();
    }
    let mut ids = Identifiers::default();
    let mut fatal = None;
    // Each document is serialised by the worker that processed it; this thread only writes.
    let serialise = |p: Processed| -> Result<(Processed, Vec<u8>)> {
        let bytes = render(format, &p.document.id, p.graph.as_str(), &p.document.source, &[&p.quads, &p.facts])?;
        Ok((p, bytes))
    };
    crate::parallel::process_in_order_with(pipeline, paths, &options.read, options.jobs, serialise, |step| {
        match step {
            Step::Reading(reading) => on_event(Event::Reading(reading)),
            Step::Document(Ok((p, bytes))) => {
                if let Err(e) = ids.take(&p) {
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

/// One document's quads (its graph's, then its facts) as the bytes of `format`.
fn render(format: ShardFormat, id: &str, graph: &str, source: &str, quads: &[&[Quad]]) -> Result<Vec<u8>> {
    match format {
        ShardFormat::NQuads => {
            // Oxigraph's N-Quads serialiser writes each quad as `writeln!(w, "{quad} .")`; the
            // same lines formatted into a string skip the adapter between `fmt` and `io` that
            // costs a call per escaped character of every literal (a tenth of `extract`).
            let mut text = String::with_capacity(quads.iter().map(|q| q.len()).sum::<usize>() * 192);
            for q in quads.iter().copied().flatten() {
                // Formatting into a String cannot fail.
                let _ = writeln!(text, "{q} .");
            }
            Ok(text.into_bytes())
        }
        ShardFormat::JsonLines => {
            let lines: Vec<String> = quads.iter().copied().flatten().map(|q| format!("{q} .")).collect();
            let record = serde_json::json!({ "id": id, "graph": graph, "source": source, "quads": lines });
            let mut bytes = serde_json::to_vec(&record).map_err(|e| Error::io("<output>", e.into()))?;
            bytes.push(b'\n');
            Ok(bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::{RdfFormat, RdfParser, RdfSerializer};
    use oxigraph::model::{BlankNode, GraphName, Literal, NamedNode};

    #[test]
    fn n_quads_are_oxigraphs_byte_for_byte() {
        let g = GraphName::NamedNode(NamedNode::new("http://ex.org/g").unwrap());
        let (s, p) = (NamedNode::new("http://ex.org/s").unwrap(), NamedNode::new("http://ex.org/p").unwrap());
        let objects = [
            Literal::new_simple_literal("said \"no\"\nthen\\left\t\r“quoted” é \u{7f}"),
            Literal::new_language_tagged_literal("Kiev", "en").unwrap(),
            Literal::new_typed_literal("1960", NamedNode::new("http://www.w3.org/2001/XMLSchema#integer").unwrap()),
        ];
        let mut quads: Vec<Quad> = objects.iter().map(|o| Quad::new(s.clone(), p.clone(), o.clone(), g.clone())).collect();
        quads.push(Quad::new(BlankNode::new("b1").unwrap(), p.clone(), s.clone(), GraphName::DefaultGraph));
        let mut expected = RdfSerializer::from_format(RdfFormat::NQuads).for_writer(Vec::new());
        for q in &quads {
            expected.serialize_quad(q).unwrap();
        }
        let ours = render(ShardFormat::NQuads, "d1", "http://ex.org/g", "x.txt", &[&quads[..2], &quads[2..]]).unwrap();
        assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(expected.finish().unwrap()).unwrap());
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
        let out = render(ShardFormat::JsonLines, "d1", g.as_str(), "x.txt", &[std::slice::from_ref(&q)]).unwrap();
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
