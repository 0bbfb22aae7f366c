//! Parallelism and batching never change the result: on a generated corpus (pages and JSON
//! Lines), `--jobs 1` and `--jobs 2` give the same bytes from `extract` and the same dump from
//! `build`, and an on-disk build written in many small bulk-loaded batches holds exactly the
//! quads of an in-memory build; rebuilding over it (graphs replaced, not bulk-loaded) changes
//! nothing.

use std::path::Path;
use std::process::Command;

use kgraph::corpus::Corpus;
use kgraph::extract::Lexicon;

fn kgraph() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("kgraph"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("KGRAPH_STORE")
        .env_remove("KGRAPH_ONTOLOGY")
        .env_remove("KGRAPH_BASE");
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The N-Quads lines, sorted: stores hand quads back in their own order.
fn sorted(nquads: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = nquads.lines().collect();
    lines.sort_unstable();
    lines
}

fn corpus(dir: &Path) -> u64 {
    Corpus::new(Lexicon::builtin(), 11).write(dir, 200_000).unwrap().articles
}

#[test]
fn extract_writes_the_same_bytes_with_one_job_or_two() {
    let dir = tempfile::tempdir().unwrap();
    let articles = corpus(dir.path());
    for input in [dir.path().join("txt"), dir.path().join("articles.jsonl")] {
        let one = stdout(kgraph().args(["extract", "--jobs", "1"]).arg(&input));
        let two = stdout(kgraph().args(["extract", "--jobs", "2"]).arg(&input));
        // Document graphs: the last term of a line that has one after the object (the facts
        // are default-graph triples).
        let graphs: std::collections::HashSet<&str> =
            one.lines().filter_map(|l| l.rsplit(' ').nth(1)).filter(|g| g.contains("/doc/")).collect();
        assert_eq!(graphs.len() as u64, articles, "{}: a graph per article", input.display());
        assert!(one.lines().count() as u64 > articles * 50, "{}: facts extracted", input.display());
        assert!(one == two, "{}: --jobs 1 and --jobs 2 differ", input.display());
    }
}

#[test]
fn build_dumps_the_same_store_with_one_job_or_two_and_in_batches() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let txt = dir.path().join("txt");
    let memory = |jobs: &str| stdout(kgraph().args(["build", "--memory", "--export", "nquads", "--jobs", jobs]).arg(&txt));
    let one = memory("1");
    assert_eq!(sorted(&one), sorted(&memory("2")), "--jobs 1 and --jobs 2 differ");

    // On disk, in batches of about 2,000 quads: many bulk loads, each a commit of its own.
    let store = dir.path().join("store");
    let disk = |extra: &[&str]| {
        stdout(kgraph().arg("--store").arg(&store).args(["build", "--jobs", "2"]).args(extra).arg(&txt));
        stdout(kgraph().arg("--store").arg(&store).args(["export", "--format", "nquads"]))
    };
    let batched = disk(&["--batch-quads", "2000"]);
    assert_eq!(sorted(&batched), sorted(&one), "batched on-disk build differs from the in-memory one");
    // Built again: every graph exists, so each is replaced in a transaction instead.
    assert_eq!(sorted(&disk(&[])), sorted(&one), "rebuilding changed the store");
}
