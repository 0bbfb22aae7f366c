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
    /// What it adds to the default graph: its facts, their fact nodes, its entities' types,
    /// labels and Wikidata links (see [`graph::mint`]).
    pub facts: Vec<Quad>,
    /// What was extracted.
    pub extraction: Extraction,
    /// Boilerplate dropped before extraction.
    pub dropped: Vec<Dropped>,
    /// Sentences of the article body.
    pub sentences: usize,
}

impl Processed {
    /// Checks what every processed document must satisfy, whatever its text: every offset
    /// (sentences, mentions, dropped blocks, links) on a character boundary inside the text, every
    /// statement's entities present, every IRI valid for Oxigraph's checking parser, every quad
    /// in the document's graph and every fact in the default graph. Used by the fuzz targets and the property tests.
    pub fn check_invariants(&self) -> std::result::Result<(), String> {
        let text = &self.document.text;
        let range = |what: &str, r: &std::ops::Range<usize>| -> std::result::Result<(), String> {
            if r.start > r.end || r.end > text.len() || !text.is_char_boundary(r.start) || !text.is_char_boundary(r.end) {
                return Err(format!("{what} {r:?} is not a character range of the text ({} bytes)", text.len()));
            }
            Ok(())
        };
        for l in &self.document.links {
            range("link", l)?;
        }
        for d in &self.dropped {
            range("dropped block", &d.span)?;
        }
        for st in &self.extraction.statements {
            let ev = &st.evidence;
            range("sentence", &ev.sentence)?;
            range("subject", &ev.subject)?;
            range("object", &ev.object)?;
            let n = self.extraction.entities.len();
            let object = match st.object {
                extract::Value::Entity(i) => Some(i),
                _ => None,
            };
            if [Some(st.subject), object, ev.speaker].into_iter().flatten().any(|i| i >= n) {
                return Err(format!("a statement refers to a missing entity: {st:?}"));
            }
        }
        let valid = |n: &NamedNode| -> std::result::Result<(), String> {
            NamedNode::new(n.as_str()).map(|_| ()).map_err(|e| format!("invalid IRI <{n}>: {e}"))
        };
        valid(&self.graph)?;
        let in_graph = oxigraph::model::GraphName::NamedNode(self.graph.clone());
        for (q, graph) in self.quads.iter().map(|q| (q, &in_graph)).chain(self.facts.iter().map(|q| (q, &oxigraph::model::GraphName::DefaultGraph))) {
            if q.graph_name != *graph {
                return Err(format!("quad outside its graph ({graph}): {q}"));
            }
            if let oxigraph::model::NamedOrBlankNode::NamedNode(n) = &q.subject {
                valid(n)?;
            }
            valid(&q.predicate)?;
            match &q.object {
                oxigraph::model::Term::NamedNode(n) => valid(n)?,
                oxigraph::model::Term::Literal(l) => valid(&l.datatype().into_owned())?,
                _ => {}
            }
        }
        Ok(())
    }
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

    /// Like [`Pipeline::process`], but a panic in extraction fails this document only, as an
    /// error naming its source (the run goes on with the others).
    pub fn process_guarded(&self, document: Document) -> crate::Result<Processed> {
        let source = document.source.clone();
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.process(document))).map_err(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            crate::Error::Invalid(format!("{source}: internal error while extracting ({message}); please report it"))
        })
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
        let minted = graph::mint(&document, &extraction, &self.vocab);
        Processed {
            graph: self.vocab.document(&document.id),
            document,
            quads: minted.document,
            facts: minted.facts,
            extraction,
            dropped: body.dropped,
            sentences: sentences.len(),
        }
    }
}
