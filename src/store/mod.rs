//! Store folder → an open Oxigraph store: locking, opening (read-write, read-only or in memory),
//! loading the ontology, replacing a graph; [`facts`] keeps the fact layer (documents, the
//! facts once, the summary) consistent as documents come and go. The drivers that feed it
//! (build, load, remove) are in [`crate::drive`].
//!
//! # Locking
//!
//! A writer ([`KgStore::open`]) takes an exclusive advisory lock on `DIR/kgraph.lock` and writes
//! its process id there; readers ([`KgStore::open_read_only`]) take a shared lock on the same
//! file. So any number of `query`, `export` and `stats` can run together, but not while a
//! `build` writes: Oxigraph opens RocksDB read-only without coordination with a writer, and its
//! documentation calls reading while another process writes undefined behaviour. Whoever cannot
//! get the lock fails at once with [`Error::StoreLocked`] (a writer) or
//! [`Error::StoreBeingWritten`] (a reader).
//!
//! Without the default `rocksdb` feature (the fuzz targets), only [`KgStore::memory`] exists:
//! opening a folder is an error.
#![cfg_attr(not(feature = "rocksdb"), allow(dead_code, unused_imports))]

pub mod facts;

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use oxigraph::io::{RdfFormat, RdfParser, RdfSyntaxError};
use oxigraph::model::{BlankNode, GraphName, GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term};
use oxigraph::store::{StorageError, Store};

pub use facts::{fact_summary, DocumentQuads, FactSummary, SummaryCounts, SummaryLedger};

use crate::graph::vocab::{iri, ns, DEFAULT_BASE};
use crate::graph::Vocab;
use crate::{Error, Result};

/// The ontology compiled into the binary (`ontology/kgraph.ttl`), in the default namespace.
pub const ONTOLOGY_TTL: &str = include_str!("../../ontology/kgraph.ttl");

/// The name of the ontology file inside an `--ontology` folder.
pub const ONTOLOGY_FILE: &str = "kgraph.ttl";

/// The name of the lock file inside a store folder.
pub const LOCK_FILE: &str = "kgraph.lock";

/// An Oxigraph store opened by kgraph, with the lock that guards its folder.
pub struct KgStore {
    store: Store,
    dir: Option<PathBuf>,
    // Dropped after `store`: the lock is released once RocksDB is closed.
    _lock: Option<StoreLock>,
}

impl std::fmt::Debug for KgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KgStore").field("dir", &self.dir).finish_non_exhaustive()
    }
}

impl KgStore {
    /// Opens (creating it if needed) the on-disk store in `dir` for writing, holding the
    /// exclusive lock until dropped. Fails with [`Error::StoreLocked`] if another process uses it,
    /// and refuses a non-empty folder that is not a store.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref();
        #[cfg(not(feature = "rocksdb"))]
        return Err(without_rocksdb(dir));
        #[cfg(feature = "rocksdb")]
        {
            if dir.is_dir() && !is_store_dir(dir) && !dir.join(LOCK_FILE).is_file() {
                let mut entries = fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
                if entries.next().is_some() {
                    return Err(Error::Invalid(format!(
                        "{}: not a kgraph store and not empty; choose a new or empty folder for --store",
                        dir.display()
                    )));
                }
            }
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            let lock = StoreLock::exclusive(dir)?;
            let store = Store::open(dir).map_err(|e| open_error(dir, e))?;
            Ok(Self { store, dir: Some(dir.to_owned()), _lock: Some(lock) })
        }
    }

    /// Opens the on-disk store in `dir` for writing, like [`Self::open`], but only if it exists:
    /// for commands that change a store and have nothing to create one from (`remove`,
    /// `summarise`, `resolve`).
    pub fn open_existing(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref();
        if !is_store_dir(dir) {
            return Err(no_store(dir));
        }
        Self::open(dir)
    }

    /// Opens the on-disk store in `dir` read-only, holding a shared lock until dropped: other
    /// readers may run at the same time, a writer may not.
    pub fn open_read_only(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref();
        #[cfg(not(feature = "rocksdb"))]
        return Err(without_rocksdb(dir));
        #[cfg(feature = "rocksdb")]
        {
            if !is_store_dir(dir) {
                return Err(no_store(dir));
            }
            let lock = StoreLock::shared(dir)?;
            let store = Store::open_read_only(dir).map_err(|e| open_error(dir, e))?;
            Ok(Self { store, dir: Some(dir.to_owned()), _lock: Some(lock) })
        }
    }

    /// A new, empty in-memory store.
    pub fn memory() -> Result<Self> {
        Ok(Self { store: Store::new()?, dir: None, _lock: None })
    }

    /// The Oxigraph store, for queries and dumps.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The store folder, or `None` in memory.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Replaces the named graph `graph` by `quads` in one transaction: readers see the old graph
    /// or the new one, never a mix, and a crash leaves the old one. Every quad must be in `graph`.
    pub fn replace_graph(&self, graph: NamedNodeRef<'_>, quads: &[Quad]) -> Result<()> {
        if let Some(q) = quads.iter().find(|q| q.graph_name.as_ref() != GraphNameRef::NamedNode(graph)) {
            return Err(Error::Invalid(format!("a quad for graph {graph} is in graph {}", q.graph_name)));
        }
        let mut tx = self.store.start_transaction()?;
        tx.remove_named_graph(graph)?;
        tx.extend(quads);
        tx.commit()?;
        Ok(())
    }

    /// Loads the ontology into its own graph ([`Vocab::ontology_graph`]), replacing it. The
    /// ontology is `DIR/kgraph.ttl` when `dir` holds one, else the built-in copy. Returns the
    /// number of quads loaded.
    pub fn load_ontology(&self, vocab: &Vocab, dir: Option<&Path>) -> Result<usize> {
        let quads = ontology_quads(vocab, dir)?;
        self.replace_graph(vocab.ontology_graph().as_ref(), &quads)?;
        Ok(quads.len())
    }

    /// The named graphs of the store, in the store's order.
    pub fn graphs(&self) -> impl Iterator<Item = Result<NamedOrBlankNode>> + 'static {
        self.store.named_graphs().map(|g| g.map_err(Error::from))
    }

    /// Document graphs (those described by their own `dcterms:identifier`) with that identifier,
    /// sorted by identifier.
    pub fn documents(&self) -> Result<Vec<(NamedNode, String)>> {
        let identifier = iri(ns::DCTERMS, "identifier");
        let mut out = Vec::new();
        for q in self.store.quads_for_pattern(None, Some(identifier.as_ref()), None, None) {
            let q = q?;
            if let (NamedOrBlankNode::NamedNode(s), GraphName::NamedNode(g), Term::Literal(id)) =
                (&q.subject, &q.graph_name, &q.object)
            {
                if s == g {
                    out.push((g.clone(), id.value().to_owned()));
                }
            }
        }
        out.sort_by(|a, b| (&a.1, a.0.as_str()).cmp(&(&b.1, b.0.as_str())));
        Ok(out)
    }

    /// The number of quads in the store.
    pub fn len(&self) -> Result<usize> {
        Ok(self.store.len()?)
    }

    /// Whether the store holds no quad.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.store.is_empty()?)
    }
}

/// The error for opening a folder in a kgraph built without RocksDB.
#[cfg(not(feature = "rocksdb"))]
fn without_rocksdb(dir: &Path) -> Error {
    Error::Invalid(format!(
        "{}: this kgraph was built without the `rocksdb` feature and has no on-disk store; use --memory",
        dir.display()
    ))
}

/// The error for a folder that holds no store.
fn no_store(dir: &Path) -> Error {
    Error::Invalid(format!(
        "{}: no kgraph store there (create it with `kgraph build --store {}` or `kgraph load`)",
        dir.display(),
        dir.display()
    ))
}

/// Whether `dir` looks like an Oxigraph (RocksDB) store folder.
fn is_store_dir(dir: &Path) -> bool {
    dir.join("CURRENT").is_file()
}

/// Maps an error opening RocksDB: its own lock held by another process (one that did not take
/// kgraph's lock, e.g. an Oxigraph server) becomes [`Error::StoreLocked`], without a pid.
#[cfg(feature = "rocksdb")]
fn open_error(dir: &Path, e: StorageError) -> Error {
    let message = e.to_string();
    if message.contains("lock") || message.contains("LOCK") {
        Error::StoreLocked { path: dir.to_owned(), pid: None }
    } else {
        Error::Storage(e)
    }
}

fn read_pid(path: &Path) -> Option<u32> {
    fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// An advisory lock on `DIR/kgraph.lock`, released when dropped (or when the process dies).
struct StoreLock {
    file: File,
    exclusive: bool,
}

impl StoreLock {
    fn exclusive(dir: &Path) -> Result<Self> {
        let path = dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        if !fs4::fs_std::FileExt::try_lock_exclusive(&file).map_err(|e| Error::io(&path, e))? {
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            return Err(Error::StoreLocked { path: dir.to_owned(), pid: pid.trim().parse().ok() });
        }
        let write_pid = |file: &mut File| -> std::io::Result<()> {
            file.set_len(0)?;
            file.rewind()?;
            writeln!(file, "{}", std::process::id())?;
            file.sync_data()
        };
        write_pid(&mut file).map_err(|e| Error::io(&path, e))?;
        Ok(Self { file, exclusive: true })
    }

    fn shared(dir: &Path) -> Result<Self> {
        let path = dir.join(LOCK_FILE);
        // A store made by another tool has no lock file: create it if the folder is writable.
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?,
            Err(e) => return Err(Error::io(&path, e)),
        };
        if !fs4::fs_std::FileExt::try_lock_shared(&file).map_err(|e| Error::io(&path, e))? {
            return Err(Error::StoreBeingWritten { path: dir.to_owned(), pid: read_pid(&path) });
        }
        Ok(Self { file, exclusive: false })
    }
}

impl Drop for StoreLock {
    fn drop(&mut self) {
        if self.exclusive {
            // No stale pid for the next process to blame; the lock itself goes with the file.
            let _ = self.file.set_len(0);
        }
    }
}

/// The ontology's quads, in the ontology graph of `vocab`: `DIR/kgraph.ttl` when `dir` holds
/// one, else the built-in copy. IRIs under the default base are moved under `vocab`'s base, and
/// blank nodes get names numbered in file order, so that loading twice gives the same quads.
pub fn ontology_quads(vocab: &Vocab, dir: Option<&Path>) -> Result<Vec<Quad>> {
    let file = dir.map(|d| d.join(ONTOLOGY_FILE)).filter(|f| f.is_file());
    let (path, text) = match &file {
        Some(f) => (f.clone(), fs::read_to_string(f).map_err(|e| Error::io(f, e))?),
        None => (PathBuf::from("<built-in ontology/kgraph.ttl>"), ONTOLOGY_TTL.to_owned()),
    };
    let graph = GraphName::NamedNode(vocab.ontology_graph());
    let rebase = |n: NamedNode| -> NamedNode {
        match n.as_str().strip_prefix(DEFAULT_BASE) {
            Some(rest) if vocab.base() != DEFAULT_BASE => NamedNode::new_unchecked(format!("{}{rest}", vocab.base())),
            _ => n,
        }
    };
    let mut blanks: HashMap<BlankNode, BlankNode> = HashMap::new();
    let mut blank = |b: BlankNode| -> BlankNode {
        let n = blanks.len();
        blanks.entry(b).or_insert_with(|| BlankNode::new_unchecked(format!("kgo{n}"))).clone()
    };
    let mut quads = Vec::new();
    for quad in RdfParser::from_format(RdfFormat::Turtle).for_slice(text.as_bytes()) {
        let quad = quad.map_err(|e| ontology_error(&path, e))?;
        let subject = match quad.subject {
            NamedOrBlankNode::NamedNode(n) => NamedOrBlankNode::NamedNode(rebase(n)),
            NamedOrBlankNode::BlankNode(b) => NamedOrBlankNode::BlankNode(blank(b)),
        };
        let object = match quad.object {
            Term::NamedNode(n) => Term::NamedNode(rebase(n)),
            Term::BlankNode(b) => Term::BlankNode(blank(b)),
            other => other,
        };
        quads.push(Quad::new(subject, rebase(quad.predicate), object, graph.clone()));
    }
    Ok(quads)
}

fn ontology_error(path: &Path, e: RdfSyntaxError) -> Error {
    Error::Syntax {
        path: path.to_owned(),
        line: e.location().map_or(0, |l| l.start.line as usize + 1),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use crate::extract::Class;

    /// The contract's predicates, as the extraction mints them.
    fn contract() -> Vec<&'static str> {
        crate::extract::analysis::Predicate::ALL.iter().map(|p| p.name()).collect()
    }

    fn local(iri: &str) -> &str {
        iri.rsplit(['#', '/']).next().unwrap_or(iri)
    }

    #[test]
    fn ontology_declares_the_contract_and_uses_none_of_it() {
        let vocab = Vocab::default();
        let contract = contract();
        let quads = ontology_quads(&vocab, None).unwrap();
        let ns = vocab.ontology_ns();
        for q in &quads {
            let p = local(q.predicate.as_str());
            assert!(!contract.iter().any(|c| c.eq_ignore_ascii_case(p)), "contract predicate used: {q}");
        }
        let declared: HashSet<&str> = quads
            .iter()
            .filter_map(|q| match &q.subject {
                NamedOrBlankNode::NamedNode(n) if n.as_str().starts_with(&ns) => Some(&n.as_str()[ns.len()..]),
                _ => None,
            })
            .collect();
        for c in &contract {
            assert!(declared.contains(c), "{c} not declared");
        }
        for term in &declared {
            if let Some(c) = contract.iter().find(|c| c.eq_ignore_ascii_case(term)) {
                assert_eq!(c, term, "a term differing only in case from a contract predicate");
            }
        }
        for class in Class::ALL {
            assert!(declared.contains(class.name()), "{} not declared", class.name());
        }
        for p in [
            "fact",
            "sentence",
            "spans",
            "by",
            "Method",
            "rule",
            "confidence",
            "speaker",
            "documents",
            "bestConfidence",
            "FactProperty",
            "Entity",
            "Evidence",
        ] {
            assert!(declared.contains(p), "{p} not declared");
        }
    }

    #[test]
    fn ontology_follows_the_base_and_is_deterministic() {
        let vocab = Vocab::new("http://example.org/kg/").unwrap();
        let a = ontology_quads(&vocab, None).unwrap();
        assert_eq!(a, ontology_quads(&vocab, None).unwrap());
        assert!(a.iter().all(|q| !q.to_string().contains(DEFAULT_BASE)));
        assert!(a.iter().any(|q| q.subject.to_string() == "<http://example.org/kg/ontology#allyOf>"));
        assert!(a.iter().all(|q| q.graph_name.to_string() == "<http://example.org/kg/ontology>"));
    }

    #[test]
    fn replacing_a_graph_replaces_it() {
        let store = KgStore::memory().unwrap();
        let g = NamedNode::new("http://ex.org/g").unwrap();
        let q =
            |o: &str| Quad::new(g.clone(), g.clone(), NamedNode::new(format!("http://ex.org/{o}")).unwrap(), g.clone());
        store.replace_graph(g.as_ref(), &[q("a"), q("b")]).unwrap();
        store.replace_graph(g.as_ref(), &[q("c")]).unwrap();
        assert_eq!(store.len().unwrap(), 1);
        let other = NamedNode::new("http://ex.org/h").unwrap();
        assert!(store.replace_graph(other.as_ref(), &[q("d")]).is_err());
        assert_eq!(store.len().unwrap(), 1);
    }

    #[test]
    fn a_second_writer_is_refused_with_our_pid() {
        let dir = tempfile::tempdir().unwrap();
        let first = KgStore::open(dir.path()).unwrap();
        match KgStore::open(dir.path()) {
            Err(Error::StoreLocked { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected StoreLocked, got {other:?}"),
        }
        match KgStore::open_read_only(dir.path()) {
            Err(e @ Error::StoreBeingWritten { pid: Some(_), .. }) => {
                assert!(e.to_string().contains(&format!("(pid {}) that is writing it", std::process::id())), "{e}")
            }
            other => panic!("expected StoreBeingWritten, got {other:?}"),
        }
        drop(first);
        let r1 = KgStore::open_read_only(dir.path()).unwrap();
        let _r2 = KgStore::open_read_only(dir.path()).unwrap();
        assert!(matches!(KgStore::open(dir.path()), Err(Error::StoreLocked { pid: None, .. })));
        drop(r1);
    }

    #[test]
    fn a_folder_of_other_files_is_not_taken_for_a_store() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("article.txt"), "text").unwrap();
        assert!(matches!(KgStore::open(dir.path()), Err(Error::Invalid(_))));
        assert!(matches!(KgStore::open_read_only(dir.path()), Err(Error::Invalid(_))));
    }
}
