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
    pub fn process(&self, mut document: Document) -> Processed {
        let body = document::clean(&document);
        // Plain text has no title element: its headline is the title.
        if document.title.is_none() {
            document.title = body.headline.clone().map(|r| document.text[r].to_owned());
        }
        let sentences = document::segment(&document.text, &body);
        let mut extraction = extract::extract(&document, &sentences, &self.lexicon, None);
        if self.min_confidence > 0.0 {
            extraction.statements.retain(|s| s.evidence.confidence >= self.min_confidence);
        }
        let quads = graph::mint(&document, &extraction, &self.vocab);
        Processed { graph: self.vocab.document(&document.id), document, quads, extraction, dropped: body.dropped }
    }
}
