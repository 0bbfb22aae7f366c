//! `kgraph extract -` streams JSON Lines articles from standard input a line at a time: every
//! article of a generated stream comes out, in order; a bad line is reported with its number and
//! the others still processed; plain text on standard input is one document, bounded by
//! --max-document-bytes.

use std::io::Write;
use std::path::Path;
use std::process::{Command as Process, Stdio};

use assert_cmd::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn kgraph() -> Command {
    let mut cmd = Command::cargo_bin("kgraph").unwrap();
    cmd.current_dir(root()).env_remove("KGRAPH_BASE").env_remove("KGRAPH_ONTOLOGY").env_remove("KGRAPH_STORE");
    cmd
}

const SENTENCES: [&str; 4] = [
    "Russia brokered a truce between Armenia and Azerbaijan on Tuesday.",
    "Turkey backs Azerbaijan, and Russia deployed 1,960 peacekeepers to Nagorno-Karabakh.",
    "Protesters stormed the parliament in Yerevan after Nikol Pashinyan signed the deal.",
    "Azerbaijani forces captured Shusha, Armenian officials said.",
];

fn article(i: usize) -> String {
    serde_json::json!({
        "id": format!("n{i:04}"),
        "title": format!("Article {i}"),
        "date": "2020-11-10",
        "url": format!("https://news.example/{i}"),
        "text": format!("{} {}", SENTENCES[i % 4], SENTENCES[(i + 1) % 4]),
    })
    .to_string()
}

/// The document graphs of an N-Quads output, in the order they first appear (each document's
/// facts, default-graph triples, follow its graph).
fn graphs_in_order(nq: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for quad in oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::NQuads).for_slice(nq.as_bytes()) {
        let quad = quad.unwrap();
        if quad.graph_name.is_default_graph() {
            continue;
        }
        let graph = quad.graph_name.to_string();
        if out.last() != Some(&graph) {
            assert!(!out.contains(&graph), "graph {graph} comes back after another: not in order");
            out.push(graph);
        }
    }
    out
}

#[test]
fn a_generated_json_lines_stream_comes_out_whole_and_in_order() {
    const N: usize = 60;
    // Fed through a pipe as it is written, as `cat corpus/*.jsonl | kgraph extract -` does.
    let mut child = Process::new(assert_cmd::cargo::cargo_bin("kgraph"))
        .current_dir(root())
        .env_remove("KGRAPH_BASE")
        .env_remove("KGRAPH_ONTOLOGY")
        .args(["--quiet", "extract", "-j", "2", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        for i in 0..N {
            writeln!(stdin, "{}", article(i)).unwrap();
        }
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let nq = String::from_utf8(out.stdout).unwrap();
    let expected: Vec<String> = (0..N).map(|i| format!("<https://w3id.org/kgraph/doc/n{i:04}>")).collect();
    assert_eq!(graphs_in_order(&nq), expected);
    assert!(nq.contains("\"Article 59\""), "titles are kept");
    assert!(nq.contains("<https://news.example/7>") || nq.contains("\"https://news.example/7\""), "urls are kept");
}

#[test]
fn a_bad_line_is_reported_with_its_number_and_the_others_still_processed() {
    let mut input = String::new();
    for i in 0..5 {
        input.push_str(&article(i));
        input.push('\n');
        if i == 2 {
            input.push_str("{\"id\": \"broken\", \"text\": \n"); // line 4
            input.push('\n'); // line 5, blank: skipped
            input.push_str("{\"id\": \"no-text\"}\n"); // line 6
        }
    }
    let out = kgraph().args(["extract", "-"]).write_stdin(input).assert().code(1);
    let output = out.get_output();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("<stdin>:4: not a JSON article"), "{err}");
    assert!(err.contains("<stdin>:6: the article has no \"text\" field"), "{err}");
    assert!(err.contains("extracted 5 documents (2 failed)"), "{err}");
    let nq = String::from_utf8(output.stdout.clone()).unwrap();
    let expected: Vec<String> = (0..5).map(|i| format!("<https://w3id.org/kgraph/doc/n{i:04}>")).collect();
    assert_eq!(graphs_in_order(&nq), expected);
}

#[test]
fn build_reads_the_same_stream() {
    let input: String = (0..3).map(|i| article(i) + "\n").collect();
    let tmp = tempfile::TempDir::new().unwrap();
    let out = kgraph()
        .arg("--store")
        .arg(tmp.path().join("kg"))
        .args(["build", "-"])
        .write_stdin(input)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(err.contains("built 3 documents (0 failed)"), "{err}");
}

#[test]
fn plain_text_on_standard_input_is_one_bounded_document() {
    let text = format!("  \n{} {}\n", SENTENCES[0], SENTENCES[1]);
    let nq = kgraph().args(["--quiet", "extract", "-"]).write_stdin(text.clone()).assert().success();
    let nq = String::from_utf8(nq.get_output().stdout.clone()).unwrap();
    assert_eq!(graphs_in_order(&nq).len(), 1, "one document");

    let big = SENTENCES[0].repeat(200);
    let out = kgraph().args(["extract", "--max-document-bytes", "1000", "-"]).write_stdin(big.clone()).assert().code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(
        err.contains(&format!("<stdin>: document is {} bytes, over the limit of 1000 bytes", big.len())),
        "{err}"
    );
    assert!(out.get_output().stdout.is_empty());
}
