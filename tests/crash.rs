//! Crash safety: `kgraph build` killed with SIGKILL at points drawn from a fixed seed, while it
//! loads a generated corpus into an on-disk store. After each kill the store opens, and every
//! document graph in it is complete: exactly the quads a clean build gives that document, none
//! partial, and none of the documents the killed build reported as stored is lost; the facts
//! (default graph) are those of the clean build that the documents present state, each fact a
//! present document states is there. (The summary may lag a kill between a batch and its
//! counts.) Building again completes the rest and gives the same dump as a clean build, summary
//! included.
//!
//! The killed builds write in small batches (`--batch-quads`), so that kills land between and
//! inside many bulk-load commits rather than in the single batch a corpus this small makes.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use oxigraph::io::{RdfFormat, RdfParser};
use tempfile::TempDir;

const DOCUMENTS: usize = 120;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn kgraph(store: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("kgraph"));
    cmd.current_dir(root())
        .env_remove("KGRAPH_STORE")
        .env_remove("KGRAPH_ONTOLOGY")
        .env_remove("KGRAPH_BASE")
        .arg("--store")
        .arg(store);
    cmd
}

/// A small deterministic generator (xorshift64*), so that the kill points are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Documents made of paragraphs of the seed articles, drawn at random.
fn corpus(dir: &Path, rng: &mut Rng) {
    let mut paragraphs = Vec::new();
    for entry in std::fs::read_dir(root().join("seeds")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        paragraphs.extend(text.lines().filter(|l| l.split_whitespace().count() > 12).map(str::to_owned));
    }
    paragraphs.sort();
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..DOCUMENTS {
        let n = 2 + rng.below(4);
        let body: Vec<&str> =
            (0..n).map(|_| paragraphs[rng.below(paragraphs.len() as u64) as usize].as_str()).collect();
        std::fs::write(dir.join(format!("doc_{i:03}.txt")), body.join("\n") + "\n").unwrap();
    }
}

/// The store's quads per graph, as sorted N-Quads lines; empty when the killed build had not yet
/// created the store.
fn graphs(store: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    if !store.join("CURRENT").exists() {
        return out;
    }
    let export = kgraph(store).args(["export", "--format", "nquads"]).output().unwrap();
    assert!(
        export.status.success(),
        "the store does not open after a kill: {}",
        String::from_utf8_lossy(&export.stderr)
    );
    for quad in RdfParser::from_format(RdfFormat::NQuads).for_slice(&export.stdout) {
        let quad = quad.unwrap();
        let graph = if quad.graph_name.is_default_graph() { DEFAULT.to_owned() } else { quad.graph_name.to_string() };
        out.entry(graph).or_insert_with(BTreeSet::new).insert(format!("{quad} ."));
    }
    out
}

/// Runs `kgraph build -v CORPUS` and kills it (SIGKILL) once it has reported `after` documents
/// stored, plus `delay`; returns the documents it reported stored.
fn build_and_kill(store: &Path, corpus: &Path, after: usize, delay: Duration) -> BTreeSet<String> {
    let mut child = kgraph(store)
        .args(["build", "-v", "--jobs", "2", "--batch-quads", "1500"])
        .arg(corpus)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reported = BTreeSet::new();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    while reported.len() < after {
        let Some(line) = lines.next() else { break };
        let line = line.unwrap();
        // "kgraph: ID (SOURCE): N statements, …", written once the document's batch is committed.
        if let Some(rest) = line.strip_prefix("kgraph: ").filter(|l| l.contains(" statements, ")) {
            reported.insert(rest.split(" (").next().unwrap().to_owned());
        }
    }
    std::thread::sleep(delay);
    child.kill().unwrap();
    child.wait().unwrap();
    reported
}

/// The keys of the default graph and of the summary graph in [`graphs`].
const DEFAULT: &str = "DEFAULT";
const SUMMARY: &str = "<https://w3id.org/kgraph/summary>";

fn document_graph(id: &str) -> String {
    format!("<https://w3id.org/kgraph/doc/{id}>")
}

#[test]
fn a_killed_build_leaves_only_whole_documents_and_building_again_completes_them() {
    let started = Instant::now();
    let tmp = TempDir::new().unwrap();
    let mut rng = Rng(0x6b67_7261_7068_0007);
    let input: PathBuf = tmp.path().join("corpus");
    corpus(&input, &mut rng);

    // A clean build: the reference for every document graph.
    let clean_store = tmp.path().join("clean");
    let out = kgraph(&clean_store).args(["build", "--quiet"]).arg(&input).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let clean = graphs(&clean_store);
    for i in 0..DOCUMENTS {
        assert!(clean.contains_key(&document_graph(&format!("doc_{i:03}"))), "doc_{i:03} missing from the clean build");
    }

    let store = tmp.path().join("kg");
    // Kill points: right at the start (while the store is being created), then after a random
    // number of documents, each with a random delay of up to 30 ms that lands inside later
    // transactions.
    let mut points = vec![(0, Duration::from_millis(rng.below(50)))];
    for _ in 0..5 {
        points.push((1 + rng.below(DOCUMENTS as u64 - 2) as usize, Duration::from_millis(rng.below(30))));
    }
    // In increasing order, so that each run has documents left to add (through the bulk
    // loader) as well as documents to replace (in transactions) when it is killed.
    points[1..].sort();
    let mut seen_partial_corpus = false;
    for (after, delay) in points {
        let reported = build_and_kill(&store, &input, after, delay);
        let present = graphs(&store);
        let facts = present.get(DEFAULT).cloned().unwrap_or_default();
        let clean_facts = &clean[DEFAULT];
        assert!(facts.is_subset(clean_facts), "facts no clean build has after a kill at {after} documents + {delay:?}");
        for (graph, quads) in &present {
            if graph == DEFAULT || graph == SUMMARY {
                continue;
            }
            // What the document states is among the facts: it came with the document.
            for q in quads.iter().filter(|q| q.starts_with("<https://w3id.org/kgraph/entity/") && q.contains("/ontology#")) {
                let fact = q.rsplit_once(' ').and_then(|(t, _)| t.rsplit_once(' ')).map(|(t, _)| format!("{t} .")).unwrap();
                assert!(facts.contains(&fact), "{graph} states {fact}, missing from the facts after a kill");
            }
            let expected = clean.get(graph).unwrap_or_else(|| panic!("a graph no clean build has: {graph}"));
            assert_eq!(
                quads.len(),
                expected.len(),
                "{graph} is partial after a kill at {after} documents + {delay:?}: {} of {} quads",
                quads.len(),
                expected.len()
            );
            assert_eq!(quads, expected, "{graph} differs from the clean build");
        }
        for id in &reported {
            assert!(present.contains_key(&document_graph(id)), "{id} was reported stored, then lost by the kill");
        }
        let documents = present.keys().filter(|g| g.contains("/doc/")).count();
        eprintln!("killed after {after} documents + {delay:?}: {} reported, {documents} present", reported.len());
        seen_partial_corpus |= documents > 0 && documents < DOCUMENTS;
    }
    assert!(seen_partial_corpus, "no kill landed in the middle of the corpus");

    // Building again completes the rest: the same store as a clean build.
    let out = kgraph(&store).args(["build", "--quiet"]).arg(&input).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(graphs(&store) == clean, "a build after the kills differs from a clean build");
    eprintln!("crash test took {:?}", started.elapsed());
}
