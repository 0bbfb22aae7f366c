//! Document → quads: the whole per-document pipeline (clean, segment, extract, mint),
//! independent of any store so that it can run on any worker.

use std::sync::Arc;

use oxigraph::model::{NamedNode, Quad};

use crate::document::{self, Document, Dropped};
use crate::extract::{self, Extraction, Lexicon};
use crate::graph::{self, Vocab};

/// Configuration of a [`Pipeline`].
#[derive(Clone, Debug)]
pub struct PipelineBuilder {
    vocab: Vocab,
    min_confidence: f32,
}

impl Default for PipelineBuilder {
    fn default() -> Self {
        Self { vocab: Vocab::default(), min_confidence: 0.0 }
    }
}

impl PipelineBuilder {
    /// Sets the namespace IRIs are minted in.
    pub fn vocab(mut self, vocab: Vocab) -> Self {
        self.vocab = vocab;
        self
    }

    /// Drops statements whose confidence is below `min`.
    pub fn min_confidence(mut self, min: f32) -> Self {
        self.min_confidence = min;
        self
    }

    /// Builds the pipeline around a lexicon.
    pub fn build(self, lexicon: Arc<Lexicon>) -> Pipeline {
        Pipeline { lexicon, vocab: self.vocab, min_confidence: self.min_confidence }
    }
}

/// The per-document pipeline, shared read-only by all workers.
#[derive(Clone, Debug)]
pub struct Pipeline {
    lexicon: Arc<Lexicon>,
    vocab: Vocab,
    min_confidence: f32,
}

/// One document, processed.
#[derive(Debug)]
pub struct Processed {
    /// The document read.
    pub document: Document,
    /// Its named graph.
    pub graph: NamedNode,
    /// The quads of its graph.
    pub quads: Vec<Quad>,
    /// What was extracted.
    pub extraction: Extraction,
    /// Boilerplate dropped before extraction.
    pub dropped: Vec<Dropped>,
}

impl Pipeline {
    /// The vocabulary IRIs are minted in.
    pub fn vocab(&self) -> &Vocab {
        &self.vocab
    }

    /// The lexicon extraction is driven by.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Cleans, segments, extracts and mints one document.
    pub fn process(&self, document: Document) -> Processed {
        self.run(document, None)
    }

    /// Like [`Pipeline::process`], writing a trace of the extraction to `out`: the blocks
    /// dropped as boilerplate, then per sentence its mentions, the rules that fired and the
    /// statements made (what `kgraph extract --explain` prints).
    pub fn explain(&self, document: Document, out: &mut dyn std::io::Write) -> Processed {
        self.run(document, Some(out))
    }

    fn run(&self, mut document: Document, mut explain: Option<&mut dyn std::io::Write>) -> Processed {
        let body = document::clean(&document);
        // Plain text has no title element: its headline is the title.
        if document.title.is_none() {
            document.title = body.headline.clone().map(|r| document.text[r].to_owned());
        }
        let sentences = document::segment(&document.text, &body);
        if let Some(w) = explain.as_deref_mut() {
            let _ = writeln!(w, "== {} ({}) date {}", document.id, document.source, document.date.map_or_else(|| "unknown".to_owned(), |d| d.to_string()));
            for d in &body.dropped {
                let _ = writeln!(w, "dropped [{}..{}] {}: {:.70}", d.span.start, d.span.end, d.reason, &document.text[d.span.clone()]);
            }
        }
        let mut extraction = extract::extract(&document, &sentences, &self.lexicon, explain);
        if self.min_confidence > 0.0 {
            extraction.statements.retain(|s| s.evidence.confidence >= self.min_confidence);
        }
        let quads = graph::mint(&document, &extraction, &self.vocab);
        Processed { graph: self.vocab.document(&document.id), document, quads, extraction, dropped: body.dropped }
    }
}
