//! Bad inputs, locking and limits, end to end through the `kgraph` binary: for each case, what
//! the user sees (message and exit status) and what the store keeps. The README's "Bad inputs"
//! table lists the same cases.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::Quad;
use predicates::prelude::*;
use tempfile::TempDir;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
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

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// `kgraph build ARGS… PATHS…` with its exit code and standard error.
fn build(store: &Path, args: &[&str], paths: &[&Path]) -> (i32, String) {
    let out = on(store, &["build"]).args(args).args(paths).output().unwrap();
    (out.status.code().unwrap_or(-1), text(&out.stderr))
}

/// The identifiers of the documents in the store, sorted.
fn identifiers(store: &Path) -> Vec<String> {
    let out = on(
        store,
        &[
            "query",
            "--format",
            "tsv",
            "SELECT ?id WHERE { GRAPH ?g { ?g <http://purl.org/dc/terms/identifier> ?id } } ORDER BY ?id",
        ],
    )
    .assert()
    .success();
    let mut ids: Vec<String> = text(&out.get_output().stdout)
        .lines()
        .skip(1)
        .map(|l| {
            let lit = RdfParser::from_format(RdfFormat::NTriples)
                .for_slice(format!("<x:s> <x:p> {l} .").as_bytes())
                .next()
                .unwrap()
                .unwrap_or_else(|e| panic!("{l}: {e}"));
            match lit.object {
                oxigraph::model::Term::Literal(l) => l.value().to_owned(),
                o => panic!("{o}"),
            }
        })
        .collect();
    ids.sort();
    ids
}

/// The whole store exported in `format` and parsed back with Oxigraph's parser.
fn export_parsed(store: &Path, format: &str, rdf: RdfFormat) -> Vec<Quad> {
    let out = on(store, &["export", "--format", format]).assert().success();
    RdfParser::from_format(rdf)
        .for_slice(&out.get_output().stdout)
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("the {format} export does not parse: {e}"))
}

const ARTICLE: &str = "Russia brokered a ceasefire between Armenia and Azerbaijan on Tuesday. \
    Russian President Vladimir Putin said 1,960 peacekeepers would be deployed to Nagorno-Karabakh.\n";

#[test]
fn invalid_utf8_is_refused_with_its_offset_or_replaced_with_lossy() {
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("bad.txt");
    let bytes = [b"Russia brokered a ceasefire between Armenia\xff and Azerbaijan.".as_slice(), b" More \xc3( here.\n"]
        .concat();
    std::fs::write(&file, bytes).unwrap();
    let good = tmp.path().join("good.txt");
    std::fs::write(&good, ARTICLE).unwrap();
    let store = tmp.path().join("kg");

    let (code, stderr) = build(&store, &[], &[&file, &good]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "kgraph: {}: invalid UTF-8 at byte offset 43 (use --lossy to replace bad bytes)",
            file.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("built 1 documents (1 failed)"), "{stderr}");
    assert_eq!(identifiers(&store), ["good"]);

    let (code, stderr) = build(&store, &["--lossy"], &[&file]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "kgraph: warning: {}: invalid UTF-8 at byte offset 43 replaced with U+FFFD (2 bad sequences)",
            file.display()
        )),
        "{stderr}"
    );
    assert_eq!(identifiers(&store), ["bad", "good"]);
    let quads = export_parsed(&store, "nquads", RdfFormat::NQuads);
    assert!(quads.iter().any(|q| q.to_string().contains("Armenia\u{fffd} and")), "the replacement is stored");

    // In JSON Lines the offset is the file's, and only the bad line is refused.
    let jsonl = tmp.path().join("news.jsonl");
    std::fs::write(
        &jsonl,
        [b"{\"id\":\"j1\",\"text\":\"Russia.\"}\n".as_slice(), b"{\"id\":\"j2\",\"text\":\"A\xff.\"}\n"].concat(),
    )
    .unwrap();
    let (code, stderr) = build(&store, &[], &[&jsonl]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains(&format!("{}: invalid UTF-8 at byte offset 49", jsonl.display())), "{stderr}");
    assert!(identifiers(&store).contains(&"j1".to_owned()));
}

#[test]
fn binary_and_empty_files_are_skipped_with_a_warning() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("image.txt"), b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00").unwrap();
    std::fs::write(input.join("empty.txt"), b"").unwrap();
    std::fs::write(input.join("blank.md"), b"  \n\t\n").unwrap();
    std::fs::write(input.join("empty.jsonl"), b"\n\n").unwrap();
    std::fs::write(input.join("good.txt"), ARTICLE).unwrap();
    let store = tmp.path().join("kg");
    let (code, stderr) = build(&store, &[], &[&input]);
    assert_eq!(code, 0, "warnings only: {stderr}");
    let d = input.display();
    for line in [
        format!("kgraph: warning: {d}/image.txt: looks like a binary file, not text (skipped)"),
        format!("kgraph: warning: {d}/empty.txt: empty document (skipped)"),
        format!("kgraph: warning: {d}/blank.md: empty document (skipped)"),
        format!("kgraph: warning: {d}/empty.jsonl: empty document (skipped)"),
        "built 1 documents (0 failed)".to_owned(),
    ] {
        assert!(stderr.contains(&line), "stderr lacks {line:?}:\n{stderr}");
    }
    assert_eq!(identifiers(&store), ["good"]);
    // --quiet drops the warnings.
    let (code, stderr) = build(&store, &["--quiet"], &[&input]);
    assert_eq!((code, stderr.as_str()), (0, ""));
}

#[test]
fn a_large_document_is_read_within_the_limit_and_refused_over_it() {
    let tmp = TempDir::new().unwrap();
    // About 3 MB: paragraphs of prose with an entity now and then.
    let para = "The talks went on for several hours in the capital, and officials said that the \
        negotiators would meet again next week to discuss the remaining questions of the plan.\n";
    let mut body = String::new();
    let mut i = 0;
    while body.len() < 3_000_000 {
        body.push_str(if i % 50 == 0 { ARTICLE } else { para });
        i += 1;
    }
    let big = tmp.path().join("big.txt");
    std::fs::write(&big, &body).unwrap();
    let store = tmp.path().join("kg");
    let (code, stderr) = build(&store, &[], &[&big]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(identifiers(&store), ["big"]);

    // Over --max-document-bytes: refused before reading, the others stored.
    let small = tmp.path().join("small.txt");
    std::fs::write(&small, ARTICLE).unwrap();
    let (code, stderr) = build(&store, &["--max-document-bytes", "1000000"], &[&big, &small]);
    assert_eq!(code, 1, "{stderr}");
    let expected =
        format!("kgraph: {}: document is {} bytes, over the limit of 1000000 bytes", big.display(), body.len());
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(stderr.contains("built 1 documents (1 failed)"), "{stderr}");

    // The same for a JSON Lines record and for standard input.
    let jsonl = tmp.path().join("news.jsonl");
    let record = |id: &str, text: &str| serde_json::json!({ "id": id, "text": text }).to_string() + "\n";
    std::fs::write(&jsonl, record("short", ARTICLE) + &record("long", &ARTICLE.repeat(20))).unwrap();
    let (code, stderr) = build(&store, &["--max-document-bytes", "1000"], &[&jsonl]);
    assert_eq!(code, 1, "{stderr}");
    let n = ARTICLE.len() * 20;
    assert!(
        stderr.contains(&format!("{}:2: article text is {n} bytes, over the limit of 1000", jsonl.display())),
        "{stderr}"
    );
    on(&store, &["build", "--max-document-bytes", "1000", "-"])
        .write_stdin(ARTICLE.repeat(20))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "kgraph: <stdin>: document is {n} bytes, over the limit of 1000 bytes"
        )));
}

#[test]
fn a_megabyte_line_without_a_sentence_end_is_cut_into_bounded_sentences() {
    let tmp = TempDir::new().unwrap();
    // The article's sentences without their full stops, over and over, on one line.
    let clause = ARTICLE.replace(". ", " and ").replace(".\n", " while ");
    let line = clause.repeat((1 << 20) / clause.len() + 1);
    let file = tmp.path().join("line.txt");
    std::fs::write(&file, &line).unwrap();
    let store = tmp.path().join("kg");
    let started = Instant::now();
    let (code, stderr) = build(&store, &[], &[&file]);
    assert_eq!(code, 0, "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(120), "took {:?}", started.elapsed());
    let quads = export_parsed(&store, "nquads", RdfFormat::NQuads);
    let sentences: Vec<usize> = quads
        .iter()
        .filter(|q| q.predicate.as_str().ends_with("ontology#sentence"))
        .map(|q| match &q.object {
            oxigraph::model::Term::Literal(l) => l.value().len(),
            _ => 0,
        })
        .collect();
    assert!(!sentences.is_empty());
    assert!(sentences.iter().all(|&n| n <= kgraph::document::segment::MAX_SENTENCE_BYTES), "{sentences:?}");
}

#[test]
fn deeply_nested_and_unclosed_html_does_not_overflow_or_hang() {
    let tmp = TempDir::new().unwrap();
    let nested = tmp.path().join("nested.html");
    std::fs::write(&nested, "<html><body>".to_owned() + &"<div>".repeat(100_000) + ARTICLE + &"</div>".repeat(100_000))
        .unwrap();
    let unclosed = tmp.path().join("unclosed.html");
    std::fs::write(&unclosed, "<div><span><table><tr><td><b>".repeat(20_000) + ARTICLE + "<!-- <p").unwrap();
    let store = tmp.path().join("kg");
    let started = Instant::now();
    let (code, stderr) = build(&store, &[], &[&nested, &unclosed]);
    assert_eq!(code, 0, "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
    assert_eq!(identifiers(&store), ["nested", "unclosed"]);
    let dump = text(&on(&store, &["export", "--graph", "nested"]).assert().success().get_output().stdout);
    assert!(dump.contains("Russia brokered a ceasefire"), "the text deep inside is read");
}

#[test]
fn control_characters_bidi_marks_and_odd_names_survive_every_export() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    // Control characters (bell, escape sequences, vertical tab, DEL), bidi overrides and
    // isolates, zero-width joiners, emoji, quotes and markup characters in the text …
    let odd = "Russia\u{7} brokered\u{1b}[31m a \"deal\" <b>&amp;</b> with \u{202e}Armenia\u{202c} and \
        \u{2067}Azerbaijan\u{2069} \u{200f}on Tuesday\u{200d}. Putin 👨‍👩‍👧 said \\\"no\\\"\u{b}\u{7f} \u{feff}today.\n";
    std::fs::write(input.join("controls.txt"), odd.to_owned() + ARTICLE).unwrap();
    // … and in file names and JSON Lines identifiers and titles.
    std::fs::write(input.join("say \"hi\" <b>&\n😀 'x'.txt"), ARTICLE).unwrap();
    let record = serde_json::json!({
        "id": "a\"b <c>\n😀\u{202e}\\",
        "title": "A \"title\"\r\n<with> \u{0}nul and 🏳️‍🌈",
        "url": "http://example.org/a b\"<>",
        "text": odd,
    });
    std::fs::write(input.join("odd.jsonl"), record.to_string() + "\n").unwrap();
    let store = tmp.path().join("kg");
    let (code, stderr) = build(&store, &[], &[&input]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(identifiers(&store), ["a\"b <c>\n😀\u{202e}\\", "controls", "say \"hi\" <b>&\n😀 'x'"]);

    let nquads = export_parsed(&store, "nquads", RdfFormat::NQuads);
    for (format, rdf) in [
        ("trig", RdfFormat::TriG),
        ("turtle", RdfFormat::Turtle),
        ("ntriples", RdfFormat::NTriples),
        ("rdfxml", RdfFormat::RdfXml),
    ] {
        let parsed = export_parsed(&store, format, rdf);
        assert!(!parsed.is_empty(), "{format}");
    }
    let titles: Vec<String> = nquads
        .iter()
        .filter(|q| q.predicate.as_str() == "http://purl.org/dc/terms/title")
        .map(|q| q.object.to_string())
        .collect();
    assert!(titles.iter().any(|t| t.contains("nul and 🏳️‍🌈")), "{titles:?}");
    // And the graph of the odd identifier can be named on the command line.
    on(&store, &["export", "--graph", "controls"]).assert().success().stdout(predicate::str::contains("Armenia"));
}

#[test]
fn a_json_lines_line_that_is_not_json_names_its_line_and_the_others_are_read() {
    let tmp = TempDir::new().unwrap();
    let jsonl = tmp.path().join("news.jsonl");
    let record = |id: &str| serde_json::json!({ "id": id, "text": ARTICLE }).to_string();
    std::fs::write(
        &jsonl,
        format!(
            "{}\n{{\"id\": \"broken\", \"text\": \"no end\n\n{}\r\n[1, 2]\n{{\"id\":\"notext\"}}\n{}",
            record("one"),
            record("two"),
            record("three")
        ),
    )
    .unwrap();
    let store = tmp.path().join("kg");
    let (code, stderr) = build(&store, &[], &[&jsonl]);
    assert_eq!(code, 1, "{stderr}");
    let j = jsonl.display();
    for line in [
        format!("kgraph: {j}:2: not a JSON article: EOF while parsing a string"),
        format!("kgraph: {j}:5: not a JSON article: invalid type: "),
        format!("kgraph: {j}:6: the article has no \"text\" field"),
        "built 3 documents (3 failed)".to_owned(),
    ] {
        assert!(stderr.contains(&line), "stderr lacks {line:?}:\n{stderr}");
    }
    assert_eq!(identifiers(&store), ["one", "three", "two"]);
}

#[test]
fn unreadable_files_missing_paths_and_link_cycles() {
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    std::fs::write(input.join("good.txt"), ARTICLE).unwrap();
    std::fs::write(input.join("sub/other.txt"), ARTICLE).unwrap();
    // A link to nowhere: unreadable for everyone, root included.
    std::os::unix::fs::symlink(tmp.path().join("gone.txt"), input.join("dangling.txt")).unwrap();
    // A link back up: the folder is read once, not until the path is too long.
    std::os::unix::fs::symlink(&input, input.join("sub/loop")).unwrap();
    // A file without read permission: root reads it all the same, so that case is skipped there.
    let locked = input.join("locked.txt");
    std::fs::write(&locked, ARTICLE).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let root_reads_anyway = std::fs::read(&locked).is_ok();
    if root_reads_anyway {
        eprintln!("note: running as root, which reads a chmod 000 file: that case is not checked here");
        std::fs::remove_file(&locked).unwrap();
    }
    let missing = tmp.path().join("missing");

    let store = tmp.path().join("kg");
    let (code, stderr) = build(&store, &[], &[&input, &missing]);
    assert_eq!(code, 1, "{stderr}");
    let d = input.display();
    let mut expected = vec![
        format!("kgraph: {d}/dangling.txt: No such file or directory (os error 2)"),
        format!("kgraph: {}: No such file or directory (os error 2)", missing.display()),
    ];
    if !root_reads_anyway {
        expected.push(format!("kgraph: {d}/locked.txt: Permission denied (os error 13)"));
    }
    for line in &expected {
        assert!(stderr.contains(line), "stderr lacks {line:?}:\n{stderr}");
    }
    assert!(stderr.contains(&format!("built 2 documents ({} failed)", expected.len())), "{stderr}");
    assert!(!stderr.contains("already used"), "the linked folder was read twice:\n{stderr}");
    assert_eq!(identifiers(&store), ["good", "other"]);
}

#[test]
fn sparql_errors_and_huge_results() {
    let tmp = TempDir::new().unwrap();
    let store = tmp.path().join("kg");
    let seed = root().join("seeds/000_50ffc8f5c8e6c513.txt");
    on(&store, &["build", "--quiet"]).arg(&seed).assert().success();

    on(&store, &["query", "SELECT ?s WHERE { ?s ?p }"])
        .assert()
        .code(2)
        .stderr(predicate::str::is_match(r"^kgraph: invalid SPARQL query: error at 1:\d+").unwrap());

    // A cross product of the store with itself, cut by --limit: it stops at once.
    let started = Instant::now();
    let out = on(&store, &["query", "--limit", "5", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"])
        .assert()
        .success()
        .stderr(predicate::str::contains("kgraph: output cut at --limit 5 rows"));
    assert_eq!(text(&out.get_output().stdout).lines().count(), 6, "a header and 5 rows");
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());

    // Counting that product would take hours: --timeout stops it.
    let started = Instant::now();
    on(&store, &["query", "--timeout", "1", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"])
        .assert()
        .code(2)
        .stderr("kgraph: query timed out after 1 s\n");
    assert!(started.elapsed() < Duration::from_secs(30), "the timeout took {:?}", started.elapsed());
    on(&store, &["query", "--timeout", "0"])
        .arg("ASK {}")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected a positive number of seconds"));
}

/// Spawns `kgraph build -` on `store`, reading standard input, and waits until it holds the lock
/// (its pid is in the lock file). Standard input stays open until the returned child's stdin is
/// dropped, so the build stays in progress as long as the test needs.
fn hold_with_a_build(store: &Path) -> std::process::Child {
    let child = Process::new(assert_cmd::cargo::cargo_bin("kgraph"))
        .current_dir(root())
        .env_remove("KGRAPH_STORE")
        .arg("--store")
        .arg(store)
        .args(["build", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lock: PathBuf = store.join("kgraph.lock");
    let started = Instant::now();
    while std::fs::read_to_string(&lock).ok().map(|s| s.trim().to_owned()) != Some(child.id().to_string()) {
        assert!(started.elapsed() < Duration::from_secs(30), "the build never took the lock");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[test]
fn a_second_build_fails_at_once_and_a_query_says_why_it_must_wait() {
    let tmp = TempDir::new().unwrap();
    let store = tmp.path().join("kg");
    on(&store, &["build", "--quiet"]).arg(root().join("seeds/000_50ffc8f5c8e6c513.txt")).assert().success();

    let mut first = hold_with_a_build(&store);
    let pid = first.id();
    let started = Instant::now();
    on(&store, &["build", "seeds"])
        .assert()
        .code(2)
        .stderr(format!("kgraph: store {} is in use by another kgraph process (pid {pid})\n", store.display()));
    on(&store, &["query", "ASK {}"]).assert().code(2).stderr(format!(
        "kgraph: store {} is in use by another kgraph process (pid {pid}) that is writing it; Oxigraph cannot \
         read a store while another process writes to it, so try again when that process has finished\n",
        store.display()
    ));
    on(&store, &["export"]).assert().code(2).stderr(predicate::str::contains("that is writing it"));
    on(&store, &["stats"]).assert().code(2).stderr(predicate::str::contains("that is writing it"));
    assert!(started.elapsed() < Duration::from_secs(20), "refusals are immediate: {:?}", started.elapsed());

    // The first build goes on: it reads its document and finishes.
    let mut stdin = first.stdin.take().unwrap();
    stdin.write_all(ARTICLE.as_bytes()).unwrap();
    drop(stdin);
    let status = first.wait().unwrap();
    let mut stderr = String::new();
    for line in BufReader::new(first.stderr.take().unwrap()).lines() {
        stderr.push_str(&line.unwrap());
        stderr.push('\n');
    }
    assert!(status.success(), "{stderr}");
    // Then readers are welcome again, several at once.
    assert_eq!(identifiers(&store), ["000_50ffc8f5c8e6c513", "<stdin>"]);
    let reader = kgraph::store::KgStore::open_read_only(&store).unwrap();
    on(&store, &["query", "ASK {}"]).assert().success();
    drop(reader);
}

#[test]
fn a_killed_build_leaves_a_lock_file_that_does_not_block() {
    let tmp = TempDir::new().unwrap();
    let store = tmp.path().join("kg");
    let mut first = hold_with_a_build(&store);
    first.kill().unwrap();
    first.wait().unwrap();
    // The pid of the dead process is still written there; the lock itself died with it.
    assert_eq!(std::fs::read_to_string(store.join("kgraph.lock")).unwrap().trim(), first.id().to_string());
    on(&store, &["build", "--quiet"]).arg(root().join("seeds/000_50ffc8f5c8e6c513.txt")).assert().success();
    assert_eq!(identifiers(&store), ["000_50ffc8f5c8e6c513"]);
}
