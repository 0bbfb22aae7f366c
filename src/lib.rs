//! kgraph: news articles → a knowledge graph in an embedded Oxigraph store.
//!
//! The pipeline runs one way through small stages, each a module: [`language`] (tokens,
//! parts of speech, verb groups: the word knowledge everything above reads) →
//! [`document`] (read, clean, segment) → [`extract`] (lexicon, mentions, entities,
//! relations) → [`graph`] (IRIs, quads, provenance) → [`store`] (Oxigraph, and the fact layer:
//! documents, facts once, summary) → [`drive`] (build, extract, load, remove) and [`output`]
//! (query, export, stats, dot pictures); [`serve`] answers SPARQL and a page over HTTP on top of
//! them. [`parallel`] runs the per-document stages on all
//! cores in a bounded, ordered stream; [`corpus`] generates articles for benchmarks. Knowledge
//! (gazetteer, titles, relation cues) lives in the data files under `ontology/`, loaded into a
//! [`extract::Lexicon`].

pub mod corpus;
pub mod document;
pub mod drive;
pub mod error;
pub mod extract;
pub mod graph;
pub mod language;
pub mod output;
pub mod parallel;
pub mod pipeline;
pub mod resolution;
pub mod serve;
pub mod store;

pub use error::{Error, Result};
