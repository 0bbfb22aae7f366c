//! Store → a picture of the graph: entities and relations read with SPARQL ([`model`]) into a
//! petgraph graph ([`Picture`]), narrowed by petgraph's algorithms ([`select`]: focus, path,
//! most connected), written as Graphviz DOT ([`write`]) and, on request, rendered to SVG, PNG or
//! PDF by Graphviz ([`render`]).
//!
//! Nodes are entities, labelled with their `rdfs:label`, shaped and coloured by class; literal
//! facts (count, date, title, death toll) are rows inside their node. Edges are the contract
//! relations, labelled with the predicate's `rdfs:label` from the ontology; a fact stated in
//! several documents is one edge with their number (from the summary graph). Types, labels and
//! provenance are never edges.

pub mod model;
pub mod render;
pub mod select;
pub mod write;

use std::fmt;
use std::str::FromStr;

use oxigraph::store::Store;
use petgraph::graph::DiGraph;

pub use model::{ClassInfo, Filters, Model};
pub use render::{render, RenderFormat};
pub use select::Selection;
pub use write::{write_dot, DotStyle};

use crate::graph::Vocab;
use crate::{Error, Result};

/// The default of `--max-nodes`: more nodes than this are seldom legible in one picture.
pub const DEFAULT_MAX_NODES: usize = 150;

/// A document that states a fact: its identifier (the file stem) and title.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct DocRef {
    /// `dcterms:identifier`, or the graph IRI when the graph has none.
    pub id: String,
    /// `dcterms:title`, if any.
    pub title: Option<String>,
}

/// A node of the picture: one entity.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Node {
    /// The entity's IRI (or `_:id` for a blank node of a CONSTRUCT result).
    pub iri: String,
    /// Its `rdfs:label`, else the local name of its IRI.
    pub label: String,
    /// Its other labels, sorted.
    pub aliases: Vec<String>,
    /// Its class, when it has one of the ontology's.
    pub class: Option<ClassInfo>,
    /// Its literal facts, drawn inside the node, sorted.
    pub rows: Vec<Row>,
    /// Whether the selection is about this node (the focus, the ends of a path): drawn bold.
    pub marked: bool,
    /// With `--focus`: how many relations away from the focus it is.
    pub distance: Option<usize>,
}

/// A literal fact drawn as a row of its subject's node: `count: 1960`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Row {
    /// The predicate's label.
    pub label: String,
    /// The literal's lexical value.
    pub value: String,
    /// How many documents state it.
    pub documents: usize,
}

/// An edge of the picture: one relation triple, whatever the number of documents stating it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Edge {
    /// The predicate's IRI.
    pub predicate: String,
    /// The predicate's `rdfs:label` (`supplies weapons to`).
    pub label: String,
    /// Whether the predicate is symmetric (drawn without an arrow head).
    pub symmetric: bool,
    /// How many documents state it (0 for a triple only a CONSTRUCT result holds).
    pub documents: usize,
    /// Some of those documents, sorted, when they were asked for (`--evidence`).
    pub sources: Vec<DocRef>,
}

/// The picture: a petgraph graph of entities and relations, in a deterministic order (nodes by
/// label, edges by source, target and predicate), and what was left out.
#[derive(Clone, Debug, Default)]
pub struct Picture {
    /// The graph drawn.
    pub graph: DiGraph<Node, Edge>,
    /// What the picture shows, for its caption (empty: no caption).
    pub title: String,
    /// How many entities passed the filters and the selection, before `--max-nodes`.
    pub entities: usize,
    /// How many of those `--max-nodes` left out.
    pub left_out: usize,
}

/// What [`draw`] reads and selects.
#[derive(Clone, Debug, Default)]
pub struct DrawOptions {
    /// Filters on facts and entities.
    pub filters: Filters,
    /// The part of the graph to draw.
    pub selection: Selection,
    /// A CONSTRUCT query whose result is drawn instead of the store's facts, and its file name.
    pub query: Option<(String, Option<String>)>,
    /// Keep at most this many nodes, the most connected (0: no limit).
    pub max_nodes: usize,
    /// Look up the documents of each drawn edge (for `--evidence` tooltips).
    pub sources: bool,
}

/// Reads `store`, applies the filters and the selection and keeps the `max_nodes` most
/// connected nodes: the picture to write with [`write_dot`].
pub fn draw(store: &Store, vocab: &Vocab, options: &DrawOptions) -> Result<Picture> {
    let model = match &options.query {
        Some(_) if options.filters.document.is_some() => {
            return Err(Error::Invalid("--document and --query: a query's result has no documents; filter in the query".into()))
        }
        Some((text, origin)) => Model::from_construct(store, vocab, text, origin.as_deref())?,
        None => Model::from_store(store, vocab, options.filters.document.as_deref())?,
    };
    let full = model.picture(&options.filters)?;
    let mut picture = full.select(&options.selection)?;
    let origin = options.query.as_ref().map(|(_, origin)| origin.as_deref().unwrap_or("a CONSTRUCT query"));
    picture.title = caption(&options.selection, origin, &picture);
    let mut picture = picture.keep_most_connected(options.max_nodes);
    if options.sources {
        model.sources(store, &mut picture, write::MAX_DOCUMENTS)?;
    }
    Ok(picture)
}

/// What the picture shows: `kgraph`, `kgraph: queries/x.rq`, `kgraph: Russia, depth 1` …
fn caption(selection: &Selection, query: Option<&str>, picture: &Picture) -> String {
    let base = match query {
        Some(q) => format!("kgraph: {q}"),
        None => "kgraph".to_owned(),
    };
    match selection {
        Selection::All => base,
        Selection::Focus { depth, .. } => {
            let name = picture.graph.node_weights().find(|n| n.marked).map(|n| n.label.as_str()).unwrap_or_default();
            format!("{base}: {name}, depth {depth}")
        }
        Selection::Entities(_) => {
            let n = picture.graph.node_count();
            format!("{base}: a view of {n} {}", if n == 1 { "entity" } else { "entities" })
        }
        Selection::Path { from, to } => {
            let label = |name: &str| picture.find(name).map(|i| picture.graph[i].label.clone()).unwrap_or_default();
            format!("{base}: shortest connection from {} to {}", label(from), label(to))
        }
    }
}

/// A Graphviz layout engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `dot` for small pictures (up to [`Layout::AUTO_DOT_NODES`] nodes), `sfdp` beyond.
    Auto,
    /// Layered, left to right: readable chains of relations.
    Dot,
    /// Force-directed, multiscale: large graphs, with overlap removal.
    Sfdp,
    /// Force-directed (stress majorisation): medium graphs.
    Neato,
}

impl Layout {
    /// The names users give on the command line.
    pub const NAMES: [&'static str; 4] = ["auto", "dot", "sfdp", "neato"];

    /// Above this many nodes `auto` chooses `sfdp`: `dot` gets slow and wide.
    pub const AUTO_DOT_NODES: usize = 100;

    /// The engine for a picture of `nodes` nodes (`auto` resolved).
    pub fn resolve(self, nodes: usize) -> Layout {
        match self {
            Layout::Auto if nodes <= Self::AUTO_DOT_NODES => Layout::Dot,
            Layout::Auto => Layout::Sfdp,
            other => other,
        }
    }

    /// The engine's name (`-K` of Graphviz).
    pub fn name(self) -> &'static str {
        match self {
            Layout::Auto => "auto",
            Layout::Dot => "dot",
            Layout::Sfdp => "sfdp",
            Layout::Neato => "neato",
        }
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Layout {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "auto" => Layout::Auto,
            "dot" => Layout::Dot,
            "sfdp" => Layout::Sfdp,
            "neato" => Layout::Neato,
            _ => return Err(Error::Invalid(format!("unknown layout {s:?} (one of {})", Self::NAMES.join(", ")))),
        })
    }
}
