//! The whole per-document pipeline on arbitrary input: read (text or HTML, lossy) → clean →
//! segment → extract → mint. Every offset is a character range of the text, every IRI valid,
//! and the quads survive an N-Quads round trip.
#![no_main]

use std::path::Path;
use std::sync::{Arc, LazyLock};

use kgraph::document::read::{read_bytes, Format, ReadOptions};
use kgraph::extract::LexiconBuilder;
use kgraph::pipeline::{Pipeline, PipelineBuilder};
use libfuzzer_sys::fuzz_target;
use oxigraph::io::{RdfFormat, RdfParser, RdfSerializer};

static PIPELINE: LazyLock<Pipeline> =
    LazyLock::new(|| PipelineBuilder::default().build(Arc::new(LexiconBuilder::new().build().unwrap())));

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let (name, format) = if selector & 1 == 0 { ("doc.txt", Format::Text) } else { ("doc.html", Format::Html) };
    let options = ReadOptions { lossy: true, ..ReadOptions::default() };
    let mut docs = Vec::new();
    read_bytes(Path::new(name), bytes, format, &options, &mut |r| docs.extend(r.ok()));
    for doc in docs {
        let processed = PIPELINE.process(doc);
        if let Err(e) = processed.check_invariants() {
            panic!("{e}");
        }
        let mut serializer = RdfSerializer::from_format(RdfFormat::NQuads).for_writer(Vec::new());
        for q in &processed.quads {
            serializer.serialize_quad(q).unwrap();
        }
        let nquads = serializer.finish().unwrap();
        let back: Vec<_> = RdfParser::from_format(RdfFormat::NQuads)
            .for_slice(&nquads)
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("N-Quads do not parse back: {e}"));
        assert_eq!(back, processed.quads, "N-Quads round trip");
    }
});
