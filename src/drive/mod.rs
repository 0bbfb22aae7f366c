//! Paths or RDF files → the store or standard output: the drivers that run the pipeline and
//! feed the store ([`build`], [`load`], [`remove`]) or a writer ([`extract`]), with what they
//! share: one progress [`Event`], one tally of [`Counts`], one check that a document identifier
//! is used once per run.

pub mod build;
pub mod extract;
pub mod load;
pub mod remove;

use std::collections::HashMap;

pub use build::{build, BuildSummary};
pub use extract::{extract, ShardFormat};
pub use load::{load, LoadSummary, Loader};
pub use remove::{remove, RemoveSummary};

use crate::document::read::ReadOptions;
pub use crate::parallel::Reading;
use crate::pipeline::Processed;
use crate::Error;

/// Quads written per batch by default (see [`BuildOptions::batch_quads`]). A build holds up to
/// three batches (one loading, one queued, one gathering), and the loader a copy of the one it
/// loads: 100,000 keeps a 1 GB build under 1 GB of memory (`cargo bench --bench pipeline`).
pub const DEFAULT_BATCH_QUADS: usize = 100_000;

/// How [`build`] reads and schedules documents.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// How documents are read.
    pub read: ReadOptions,
    /// Worker threads for processing documents; 0 means one per core. The store's content does
    /// not depend on it.
    pub jobs: usize,
    /// Quads gathered before they are written in one atomic batch; 0 means
    /// [`DEFAULT_BATCH_QUADS`]. Bigger batches load faster and hold more memory (about 1 KB a
    /// quad while a batch is written).
    pub batch_quads: usize,
}

impl BuildOptions {
    fn batch_quads(&self) -> usize {
        if self.batch_quads == 0 {
            DEFAULT_BATCH_QUADS
        } else {
            self.batch_quads
        }
    }
}

/// What happened during a [`build`], reported as it happens.
#[derive(Debug)]
pub enum Event<'a> {
    /// A source begins (its documents follow): where the run's progress stands.
    Reading(Reading<'a>),
    /// A document was processed and its graph replaced in the store.
    Loaded(&'a Processed),
    /// An input was skipped with a warning (it is empty, or binary).
    Skipped(&'a Error),
    /// A warning about an input that is still read ([`Error::Replaced`]: `--lossy` replaced
    /// invalid UTF-8); its document follows.
    Warning(&'a Error),
    /// An input failed and was skipped; the build goes on.
    Failed(&'a Error),
}

impl Event<'_> {
    /// The event for a document that could not be read or processed: skipped, a warning, or
    /// failed (see [`Event`]).
    pub(crate) fn of_error(e: &Error) -> Event<'_> {
        match e {
            Error::Empty { .. } | Error::Binary { .. } => Event::Skipped(e),
            Error::Replaced { .. } => Event::Warning(e),
            _ => Event::Failed(e),
        }
    }
}

/// What a run over documents ([`build`], [`crate::shard::extract`]) did with them.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Documents loaded (or written).
    pub documents: usize,
    /// Inputs that failed (unreadable, not UTF-8, too large, malformed …).
    pub failed: usize,
    /// Inputs skipped with a warning (empty or binary).
    pub skipped: usize,
    /// Sentences of the article bodies.
    pub sentences: usize,
    /// Statements extracted (one per fact and sentence).
    pub statements: usize,
    /// Quads written for the documents (and, for an extract, the ontology's if asked for).
    pub quads: usize,
}

impl Counts {
    /// Counts a document stored or written.
    pub(crate) fn loaded(&mut self, p: &Processed) {
        self.documents += 1;
        self.sentences += p.sentences;
        self.statements += p.extraction.statements.len();
        self.quads += p.quads.len() + p.facts.len();
    }

    /// Counts a document that could not be read or processed, and gives its event.
    pub(crate) fn not_loaded<'e>(&mut self, e: &'e Error) -> Event<'e> {
        let event = Event::of_error(e);
        match event {
            Event::Skipped(_) => self.skipped += 1,
            Event::Failed(_) => self.failed += 1,
            _ => {}
        }
        event
    }
}


/// The document identifiers a run has taken, so that a second document with the same identifier
/// (which would share, and so overwrite, the first one's graph) is refused.
#[derive(Debug, Default)]
pub(crate) struct Identifiers {
    /// Identifier → the source it was first taken from.
    seen: HashMap<String, String>,
}

impl Identifiers {
    /// Takes `p`'s identifier, or gives the error for a second use of it in this run.
    pub(crate) fn take(&mut self, p: &Processed) -> Result<(), Error> {
        if let Some(first) = self.seen.get(&p.document.id) {
            return Err(Error::Invalid(format!(
                "{}: document id {:?} is already used by {first} in this run; skipped",
                p.document.source, p.document.id
            )));
        }
        self.seen.insert(p.document.id.clone(), p.document.source.clone());
        Ok(())
    }
}
