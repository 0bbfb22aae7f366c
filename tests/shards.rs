//! `kgraph extract`, the pipeline without a store: shards of the seeds extracted by separate
//! processes at the same time, loaded together into one store, hold exactly what one `kgraph
//! build` of all the seeds holds (by Oxigraph: all but the summary, which `kgraph load` adds);
//! the output does not depend on the number of threads;
//! JSON Lines records carry the same quads; JSON Lines articles stream in on standard input; a
//! bad input is reported and skipped.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Stdio;

use assert_cmd::Command;
use oxigraph::io::RdfFormat;
use oxigraph::model::dataset::CanonicalizationAlgorithm;
use oxigraph::model::Dataset;
use oxigraph::store::Store;
use tempfile::TempDir;

const SHARDS: [&[&str]; 2] = [
    &["seeds/000_50ffc8f5c8e6c513.txt", "seeds/003_c25b14c491317db0.txt"],
    &["seeds/001_642f5aabe30b88a5.txt", "seeds/002_a7c63364241f8153.txt", "seeds/004_ad6ce7c496025d67.txt"],
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn kgraph() -> Command {
    let mut cmd = Command::cargo_bin("kgraph").unwrap();
    cmd.current_dir(root()).env_remove("KGRAPH_BASE").env_remove("KGRAPH_ONTOLOGY").env_remove("KGRAPH_STORE");
    cmd
}

fn stdout(cmd: &mut Command) -> Vec<u8> {
    cmd.assert().success().get_output().stdout.clone()
}

/// The quads of N-Quads texts once loaded into one store (which puts literals in canonical form,
/// as any store does), blank nodes canonically named, as sorted lines.
fn loaded(parts: &[Vec<u8>]) -> Vec<String> {
    let store = Store::new().unwrap();
    for part in parts {
        store.load_from_slice(RdfFormat::NQuads, part).unwrap();
    }
    let mut dataset: Dataset = store.iter().map(|q| q.unwrap()).collect();
    dataset.canonicalize(CanonicalizationAlgorithm::Unstable);
    let mut lines: Vec<String> = dataset.iter().map(|q| q.to_string()).collect();
    lines.sort();
    lines
}

#[test]
fn shards_extracted_in_parallel_merge_into_a_single_build() {
    // Each shard in its own process, all at once, as on separate machines.
    let children: Vec<_> = SHARDS
        .iter()
        .map(|shard| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("kgraph"))
                .current_dir(root())
                .env_remove("KGRAPH_BASE")
                .env_remove("KGRAPH_ONTOLOGY")
                .args(["--quiet", "extract"])
                .args(*shard)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut parts: Vec<Vec<u8>> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            out.stdout
        })
        .collect();
    parts.push(stdout(kgraph().args(["--quiet", "extract", "--with-ontology"])));

    let tmp = TempDir::new().unwrap();
    let store = tmp.path().join("kg");
    kgraph().arg("--store").arg(&store).args(["build", "--quiet", "seeds"]).assert().success();
    let built = stdout(kgraph().arg("--store").arg(&store).args(["export", "--format", "nquads"]));

    let union = loaded(&parts);
    let single = loaded(&[built]);
    assert!(single.len() > 1000, "too little to compare: {}", single.len());
    // Counts do not merge by union: the summary graph comes from `kgraph load` (below).
    let summary: Vec<String> = single
        .iter()
        // The graph is the line's last term: `BASE summary` or a relation's `BASE summary/P`.
        .filter(|l| l.rsplit_once(' ').is_some_and(|(_, g)| g.starts_with("<https://w3id.org/kgraph/summary")))
        .cloned()
        .collect();
    assert!(summary.len() > 100, "a build has a summary: {}", summary.len());
    let single_without_summary: Vec<String> = single.iter().filter(|l| !summary.contains(l)).cloned().collect();
    let only_union: Vec<_> = union.iter().filter(|l| single_without_summary.binary_search(l).is_err()).take(5).collect();
    let only_build: Vec<_> = single_without_summary.iter().filter(|l| union.binary_search(l).is_err()).take(5).collect();
    assert!(only_union.is_empty() && only_build.is_empty(), "shards: {only_union:#?}\nbuild: {only_build:#?}");
    assert_eq!(union.len(), single_without_summary.len());

    // The same through `kgraph load`, twice (a second load replaces, it does not add), with the
    // ontology shard first; load then recomputes the summary.
    let files: Vec<_> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let f = tmp.path().join(format!("shard-{i}.nq"));
            std::fs::write(&f, p).unwrap();
            f
        })
        .collect();
    let merged = tmp.path().join("merged");
    for _ in 0..2 {
        let out = kgraph().arg("--store").arg(&merged).arg("load").arg(&files[2]).args(&files[..2]).assert().success();
        let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        // Six named graphs (five documents, the ontology) and the default graph (the facts); the
        // shards repeat the facts two documents share, so more quads are read than stored.
        assert!(err.contains("quads into 7 graphs from 3 files, summarised 5 documents"), "{err}");
    }
    let dump = stdout(kgraph().arg("--store").arg(&merged).args(["export", "--format", "nquads"]));
    assert!(loaded(&[dump]) == single, "kgraph load of the shards differs from kgraph build");
}

#[test]
fn the_output_is_the_same_with_any_number_of_threads_and_in_json_lines() {
    let one = stdout(kgraph().args(["--quiet", "extract", "-j", "1", "seeds"]));
    let three = stdout(kgraph().args(["--quiet", "extract", "-j", "3", "seeds"]));
    assert!(one == three, "-j 1 and -j 3 differ");

    let jsonl = stdout(kgraph().args(["--quiet", "extract", "--format", "jsonl", "seeds"]));
    let text = String::from_utf8(jsonl).unwrap();
    let mut ids = Vec::new();
    let mut lines = String::new();
    for record in text.lines() {
        let record: serde_json::Value = serde_json::from_str(record).unwrap();
        ids.push(record["id"].as_str().unwrap().to_owned());
        assert!(record["graph"].as_str().unwrap().ends_with(record["id"].as_str().unwrap()));
        for q in record["quads"].as_array().unwrap() {
            lines.push_str(q.as_str().unwrap());
            lines.push('\n');
        }
    }
    assert_eq!(ids.len(), 5, "one record per document: {ids:?}");
    assert_eq!(lines.as_bytes(), &one[..], "the same quads, in the same order");
}

#[test]
fn json_lines_articles_come_in_on_standard_input() {
    let input = r#"{"id": "a1", "title": "Truce", "date": "2020-11-10", "text": "Russia brokered a truce between Armenia and Azerbaijan on Tuesday."}
{"id": "a2", "text": "Turkey backs Azerbaijan. Russia deployed 1,960 peacekeepers to Nagorno-Karabakh."}
"#;
    let out = stdout(kgraph().args(["--quiet", "extract", "-"]).write_stdin(input));
    let graphs: BTreeSet<String> = loaded(&[out])
        .iter()
        .map(|l| l.rsplit_once(' ').unwrap().1.to_owned())
        .filter(|g| g.contains("/doc/"))
        .collect();
    assert_eq!(
        graphs,
        ["<https://w3id.org/kgraph/doc/a1>", "<https://w3id.org/kgraph/doc/a2>"].map(String::from).into()
    );
}

#[test]
fn a_bad_input_is_reported_and_skipped() {
    let tmp = TempDir::new().unwrap();
    let bad = tmp.path().join("bad.txt");
    std::fs::write(&bad, b"caf\xe9 au lait").unwrap();
    let out = kgraph().args(["extract", "seeds/003_c25b14c491317db0.txt"]).arg(&bad).assert().code(1);
    let output = out.get_output();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("bad.txt") && err.contains("invalid UTF-8"), "{err}");
    assert!(err.contains("extracted 1 documents (1 failed)"), "{err}");
    assert!(!loaded(&[output.stdout.clone()]).is_empty());
    kgraph().arg("extract").assert().code(2);
}

#[test]
fn extract_has_a_manual() {
    let help = String::from_utf8(stdout(kgraph().args(["extract", "--help"]))).unwrap();
    for word in ["--format", "jsonl", "--with-ontology", "--jobs", "--min-confidence", "union", "xargs -P"] {
        assert!(help.contains(word), "`kgraph extract --help` does not mention {word}:\n{help}");
    }
}
