//! The `kgraph` binary end to end: build into a temporary store, then query, export and stats;
//! the manual; bad inputs; locking; replacement and determinism of the store's content.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

const SEEDS: [&str; 5] = [
    "000_50ffc8f5c8e6c513",
    "001_642f5aabe30b88a5",
    "002_a7c63364241f8153",
    "003_c25b14c491317db0",
    "004_ad6ce7c496025d67",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn seed(id: &str) -> PathBuf {
    root().join("seeds").join(format!("{id}.txt"))
}

/// The binary, run from the crate root with no kgraph variables from the environment.
fn kgraph() -> Command {
    let mut cmd = Command::cargo_bin("kgraph").unwrap();
    cmd.current_dir(root()).env_remove("KGRAPH_STORE").env_remove("KGRAPH_ONTOLOGY").env_remove("KGRAPH_BASE");
    cmd
}

/// `kgraph --store DIR ARGS…`
fn on(store: &Path, args: &[&str]) -> Command {
    let mut cmd = kgraph();
    cmd.arg("--store").arg(store).args(args);
    cmd
}

fn build(store: &Path, paths: &[PathBuf]) {
    on(store, &["build", "--quiet"]).args(paths).assert().success();
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

fn sorted_dump(store: &Path) -> Vec<String> {
    let mut lines: Vec<String> =
        stdout(&mut on(store, &["export", "--format", "nquads"])).lines().map(String::from).collect();
    lines.sort();
    lines
}

/// Asserts two sorted dumps are equal, showing only the lines that differ.
fn assert_same_dump(a: &[String], b: &[String]) {
    let only_a: Vec<_> = a.iter().filter(|l| b.binary_search(l).is_err()).take(10).collect();
    let only_b: Vec<_> = b.iter().filter(|l| a.binary_search(l).is_err()).take(10).collect();
    assert!(only_a.is_empty() && only_b.is_empty(), "only in the first: {only_a:#?}\nonly in the second: {only_b:#?}");
    assert_eq!(a.len(), b.len(), "the same lines, but some repeated");
}

fn all_seeds() -> Vec<PathBuf> {
    SEEDS.iter().map(|s| seed(s)).collect()
}

#[test]
fn every_command_has_a_manual() {
    let cases: [(&[&str], &[&str]); 8] = [
        (&["--help"], &["build", "query", "export", "stats", "--store", "--base", "--ontology", "Exit status"]),
        (
            &["build", "--help"],
            &[
                "--memory",
                "--export",
                "--date",
                "--lossy",
                "--max-document-bytes",
                "--min-confidence",
                "--lexicon",
                "--jobs",
            ],
        ),
        (&["query", "--help"], &["--file", "--format", "--limit", "--timeout", "default graph holds the facts", "summary"]),
        (&["export", "--help"], &["--format", "--graph", "--output", "nquads", "jsonld", "--graph default"]),
        (&["remove", "--help"], &["DOC-ID", "one transaction"]),
        (&["summarise", "--help"], &["summary", "load"]),
        (&["load", "--help"], &["--no-summary", "summarise"]),
        (&["stats", "--help"], &["--format", "json"]),
    ];
    for (args, words) in cases {
        let help = stdout(kgraph().args(args));
        for w in words {
            assert!(help.contains(w), "`kgraph {}` does not mention {w}:\n{help}", args.join(" "));
        }
    }
}

#[test]
fn build_then_query_export_and_stats() {
    let tmp = TempDir::new().unwrap();
    let store = tmp.path().join("kg");
    on(&store, &["build", "seeds"]).assert().success().stderr(
        predicate::str::is_match(
            r"built 5 documents \(0 failed\): \d+ sentences, \d+ statements, \d+ entities, \d+ quads in \d+\.\d\ds",
        )
        .unwrap(),
    );

    let ids = stdout(&mut on(
        &store,
        &["query", "--format", "csv", "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?id WHERE { GRAPH ?g { ?g dcterms:identifier ?id } } ORDER BY ?id"],
    ));
    let expected: Vec<&str> = std::iter::once("id").chain(SEEDS).collect();
    assert_eq!(ids.lines().collect::<Vec<_>>(), expected);

    let table = stdout(&mut on(&store, &["query", "--format", "table", "SELECT (1 AS ?one) WHERE {}"]));
    assert_eq!(table, "one\n---\n  1\n(1 row)\n");
    let ask = stdout(&mut on(&store, &["query", "--format", "json", "ASK { ?s ?p ?o }"]));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&ask).unwrap()["boolean"], true);
    let limited = stdout(&mut on(&store, &["query", "--limit", "2", "SELECT ?s WHERE { ?s ?p ?o }"]));
    assert_eq!(limited.lines().count(), 3, "a TSV header and two rows:\n{limited}");
    let file = stdout(&mut on(&store, &["query", "--file", "queries/documents.rq", "--format", "csv"]));
    assert_eq!(file.lines().count(), 6, "{file}");

    let dump = stdout(&mut on(&store, &["export", "--format", "nquads"]));
    for id in SEEDS {
        assert!(dump.contains(&format!("<https://w3id.org/kgraph/doc/{id}>")), "{id} missing from the dump");
    }
    assert!(dump.contains("<https://w3id.org/kgraph/ontology#allyOf> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#SymmetricProperty> <https://w3id.org/kgraph/ontology> ."));

    let one = stdout(&mut on(&store, &["export", "--format", "nquads", "--graph", SEEDS[2]]));
    assert!(
        !one.is_empty() && one.lines().all(|l| l.ends_with(&format!("<https://w3id.org/kgraph/doc/{}> .", SEEDS[2])))
    );
    on(&store, &["export", "--graph", "no_such_document"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no graph"));

    let out = tmp.path().join("kg.ttl");
    on(&store, &["export", "--format", "turtle", "-o"]).arg(&out).assert().success().stdout("");
    assert!(std::fs::read_to_string(&out).unwrap().contains("@prefix kg: <https://w3id.org/kgraph/ontology#>"));

    let stats: serde_json::Value =
        serde_json::from_str(&stdout(&mut on(&store, &["stats", "--format", "json"]))).unwrap();
    assert_eq!(stats["documents"].as_array().unwrap().len(), 5);
    assert_eq!(stats["predicates"].as_array().unwrap().len(), 24);
    assert_eq!(stats["classes"].as_array().unwrap().len(), 7);
    assert_eq!(stats["quads"].as_u64().unwrap() as usize, dump.lines().count());
    let text = stdout(&mut on(&store, &["stats"]));
    for id in SEEDS {
        assert!(text.contains(id), "{text}");
    }
    assert!(text.contains("brokered") && text.contains("Country"), "{text}");
}

#[test]
fn bad_inputs_are_reported_and_skipped_and_the_rest_is_stored() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::copy(seed(SEEDS[0]), input.join("good.txt")).unwrap();
    std::fs::write(input.join("bad.txt"), b"abc\xffdef and more text here.\n").unwrap();
    std::fs::write(input.join("binary.txt"), b"\x00\x01\x02\x03binary").unwrap();
    std::fs::write(input.join("empty.txt"), b"").unwrap();
    std::fs::write(input.join("notes.pdf"), b"%PDF-1.4").unwrap();
    let store = tmp.path().join("kg");
    let assert = on(&store, &["build"])
        .arg(&input)
        .arg(input.join("notes.pdf"))
        .arg(tmp.path().join("missing.txt"))
        .assert()
        .code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    for expected in [
        "bad.txt: invalid UTF-8 at byte offset 3",
        "kgraph: warning: ",
        "notes.pdf: unsupported file type",
        "missing.txt: ",
        "built 1 documents (3 failed)",
    ] {
        assert!(stderr.contains(expected), "stderr lacks {expected:?}:\n{stderr}");
    }
    assert!(stderr.lines().any(|l| l.contains("warning") && l.contains("empty.txt")), "{stderr}");
    assert!(
        stderr.lines().any(|l| l.contains("warning") && l.contains("binary.txt: looks like a binary file")),
        "{stderr}"
    );
    let ids = stdout(&mut on(
        &store,
        &["query", "--format", "csv", "SELECT ?id WHERE { GRAPH ?g { ?g <http://purl.org/dc/terms/identifier> ?id } }"],
    ));
    assert_eq!(ids, "id\r\ngood\r\n");

    // --lossy reads the bad file after all.
    on(&store, &["build", "--lossy"]).arg(input.join("bad.txt")).assert().success();
}

#[test]
fn malformed_sparql_shows_where() {
    let tmp = TempDir::new().unwrap();
    let store = tmp.path().join("kg");
    on(&store, &["query", "SELECT ?x WHERE { ?x ?y }"])
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(r"^kgraph: invalid SPARQL query: error at 1:\d+").unwrap());
    let file = tmp.path().join("broken.rq");
    std::fs::write(&file, "# header\nSELECT ?x\nWHERE { ?x ?y ?z \n").unwrap();
    on(&store, &["query", "--file"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("{}: invalid SPARQL query: error at 4:", file.display())));
    // A valid query on a store that does not exist is an error too, and says so.
    on(&store, &["query", "ASK {}"]).assert().code(2).stderr(predicate::str::contains("no kgraph store there"));
}

#[test]
fn a_store_in_use_is_refused_with_the_holders_pid() {
    let tmp = TempDir::new().unwrap();
    let store = tmp.path().join("kg");
    let held = kgraph::store::KgStore::open(&store).unwrap();
    let message = format!("is in use by another kgraph process (pid {})", std::process::id());
    on(&store, &["build"]).arg(seed(SEEDS[0])).assert().code(2).stderr(predicate::str::contains(message.clone()));
    on(&store, &["query", "ASK {}"]).assert().code(2).stderr(predicate::str::contains(message));
    drop(held);
    on(&store, &["build", "--quiet"]).arg(seed(SEEDS[0])).assert().success();

    // A store opened by plain Oxigraph (RocksDB's own lock) gives the same message, no trace.
    let other = tmp.path().join("other");
    let raw = oxigraph::store::Store::open(&other).unwrap();
    on(&other, &["build"]).arg(seed(SEEDS[0])).assert().code(2).stderr(
        predicate::str::contains("is in use by another kgraph process").and(predicate::str::contains("LOCK").not()),
    );
    drop(raw);
}

#[test]
fn building_again_replaces_each_document_graph() {
    let tmp = TempDir::new().unwrap();
    let store = tmp.path().join("kg");
    build(&store, &all_seeds());
    let first = sorted_dump(&store);
    build(&store, &all_seeds());
    assert_same_dump(&sorted_dump(&store), &first);

    let jsonl = tmp.path().join("news.jsonl");
    std::fs::write(&jsonl, "{\"id\":\"x\",\"title\":\"First headline\",\"text\":\"Russia and Armenia met.\"}\n")
        .unwrap();
    build(&store, &[jsonl.clone()]);
    std::fs::write(&jsonl, "{\"id\":\"x\",\"title\":\"Second headline\",\"text\":\"Russia and Turkey met.\"}\n")
        .unwrap();
    build(&store, &[jsonl]);
    let titles = stdout(&mut on(
        &store,
        &[
            "query",
            "--format",
            "csv",
            "SELECT ?t WHERE { GRAPH <https://w3id.org/kgraph/doc/x> { ?g <http://purl.org/dc/terms/title> ?t } }",
        ],
    ));
    assert_eq!(titles, "t\r\nSecond headline\r\n");
    let dump = sorted_dump(&store);
    assert!(first.iter().all(|q| dump.contains(q)), "rebuilding x touched other documents");
}

#[test]
fn the_store_does_not_depend_on_order_batches_or_threads() {
    let tmp = TempDir::new().unwrap();
    let a = tmp.path().join("a");
    on(&a, &["build", "--quiet", "--jobs", "2", "seeds"]).assert().success();
    let b = tmp.path().join("b");
    for id in SEEDS.iter().rev() {
        // The same relative paths as above, since a document's dcterms:source is its path.
        on(&b, &["build", "--quiet", "--jobs", "1"]).arg(format!("seeds/{id}.txt")).assert().success();
    }
    assert_same_dump(&sorted_dump(&a), &sorted_dump(&b));
}

#[test]
fn a_document_built_alone_has_the_same_entity_iris() {
    let tmp = TempDir::new().unwrap();
    let all = tmp.path().join("all");
    build(&all, &all_seeds());
    let alone = tmp.path().join("alone");
    build(&alone, &[seed(SEEDS[1])]);
    let typed = |store: &Path| -> BTreeSet<String> {
        stdout(&mut on(store, &["export", "--format", "nquads", "--graph", SEEDS[1]]))
            .lines()
            .filter(|l| l.contains(" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "))
            .map(|l| l.split(' ').next().unwrap().to_owned())
            .collect()
    };
    let in_all = typed(&all);
    assert!(!in_all.is_empty());
    assert_eq!(typed(&alone), in_all);
}

#[test]
fn memory_build_exports_to_stdout_and_writes_nothing() {
    let tmp = TempDir::new().unwrap();
    let store = tmp.path().join("never");
    let assert = on(&store, &["build", "--memory", "--export", "nquads"]).arg(seed(SEEDS[0])).assert().success();
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(out.contains(&format!("<https://w3id.org/kgraph/doc/{}> .", SEEDS[0])));
    assert!(String::from_utf8_lossy(&assert.get_output().stderr).contains("built 1 documents (0 failed)"));
    assert!(!store.exists());
}

#[test]
fn verbose_build_reports_each_document_and_quiet_says_nothing() {
    let tmp = TempDir::new().unwrap();
    let store = tmp.path().join("kg");
    on(&store, &["build", "-v"])
        .arg(seed(SEEDS[0]))
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("kgraph: {} (", SEEDS[0])));
    on(&store, &["build", "-q"]).arg(seed(SEEDS[0])).assert().success().stderr("");
}

#[test]
fn another_base_moves_every_iri() {
    let tmp = TempDir::new().unwrap();
    let store = tmp.path().join("kg");
    on(&store, &["--base", "http://example.org/news/", "build", "--quiet"]).arg(seed(SEEDS[0])).assert().success();
    let dump = stdout(&mut on(&store, &["export"]));
    assert!(!dump.contains("w3id.org/kgraph"), "{dump}");
    assert!(dump.contains("<http://example.org/news/ontology#allyOf>"));
    let stats = stdout(&mut on(&store, &["--base", "http://example.org/news/", "stats", "--format", "json"]));
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(stats["ontology"], true);
    assert_eq!(stats["documents"][0]["identifier"], SEEDS[0]);
}

/// A user's own lexicon: an organisation nobody lists (TSV) and a cue rule (TOML) are used by
/// `extract` without recompiling; `--min-confidence` drops what the rule says with less.
#[test]
fn a_user_lexicon_adds_names_and_rules() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a.txt");
    std::fs::write(
        &article,
        "Zorblax Mining Cooperative bankrolled the Northern Alliance of Quarries, officials said on Monday in a statement.\n",
    )
    .unwrap();
    let orgs = dir.path().join("my-organizations.tsv");
    std::fs::write(
        &orgs,
        "# qid\tname\taliases\tkind\tcountry\n\tZorblax Mining Cooperative\tZMC\tcompany\t\n\tNorthern Alliance of Quarries\tNAQ\tcompany\t\n",
    )
    .unwrap();
    let rules = dir.path().join("my-rules.toml");
    std::fs::write(
        &rules,
        "[cues]\nbankroll = [\"bankrolled\", \"bankrolls\"]\n\n[[rule]]\nid = \"supports/bankrolled\"\npredicate = \"supports\"\npattern = \"S @bankroll the? O\"\nsubject = [\"actor\"]\nobject = [\"actor\"]\nconfidence = 0.55\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut cmd = kgraph();
        cmd.args(["extract", "--lexicon"]).arg(&orgs).arg("--lexicon").arg(&rules).args(extra).arg(&article);
        stdout(&mut cmd)
    };
    let quads = run(&[]);
    assert!(quads.contains("ontology#supports>"), "the user rule fired:\n{quads}");
    assert!(quads.contains("supports/bankrolled"), "the rule is named in the evidence");
    assert!(!run(&["--min-confidence", "0.6"]).contains("ontology#supports>"), "a 0.55 statement is dropped at 0.6");
    let explained = run(&["--explain"]);
    assert!(explained.contains("Zorblax Mining Cooperative supports Northern Alliance of Quarries"), "{explained}");
    assert!(explained.contains("[supports/bankrolled 0.55]"), "{explained}");
    // Without the user files, neither the names nor the relation are known.
    let mut plain = kgraph();
    plain.arg("extract").arg(&article);
    assert!(!stdout(&mut plain).contains("ontology#supports>"));
}

/// A broken user rule file is refused with its name and line.
#[test]
fn a_broken_user_lexicon_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("bad.toml");
    std::fs::write(&rules, "[cues]\nx = [\"a\"]\n\n[[rule]]\nid = \"r\"\npredicate = \"supports\"\npattern = \"S @nope O\"\nsubject = [\"actor\"]\nobject = [\"actor\"]\n").unwrap();
    let out = kgraph().args(["extract", "--lexicon"]).arg(&rules).arg(seed(SEEDS[0])).assert().failure().get_output().stderr.clone();
    let err = String::from_utf8(out).unwrap();
    assert!(err.contains("bad.toml") && err.contains("@nope"), "{err}");
}
