//! Table-driven extraction cases: `tests/cases/*.toml` hold sentences (or short passages)
//! with the statements a reader expects from them, and this test checks that the extractor
//! finds exactly those, no fewer and no more.
//!
//! A case is
//!
//! ```toml
//! [[case]]
//! text = "Russia brokered the deal between Armenia and Azerbaijan."
//! date = "2020-11-10"            # the document date (optional; relative dates need it)
//! expect = [
//!   "Russia | brokered | the deal",
//!   "Armenia | signed | the deal",
//!   "Azerbaijan | signed | the deal",
//! ]
//! gap = "why it fails today"     # optional: a known gap, checked to still fail
//! ```
//!
//! Subject and object are written as the text names them: they match an entity whose label or
//! any alias (surface form) is that name, case-insensitively. A symmetric predicate (`allyOf`)
//! matches either way round. Literal objects are written as
//! their value: `1960`, `2020-11-10`, `2020` (a year), `Prime Minister`. The whole text is the
//! article body (no boilerplate removal), so each case tests recognition and relations only.
//!
//! Cases marked `gap` document what the extractor does not do yet; the test fails when such a
//! case starts passing, so that the mark is removed and the case guards the new behaviour.

use std::collections::BTreeSet;
use std::path::Path;

use kgraph::document::{segment, Body, Document};
use kgraph::extract::{extract, Extraction, LexiconBuilder, Value};

#[derive(serde::Deserialize)]
struct CaseFile {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    text: String,
    #[serde(default)]
    date: Option<String>,
    expect: Vec<String>,
    #[serde(default)]
    gap: Option<String>,
}

/// One expected statement, parsed from "S | predicate | O".
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    subject: String,
    predicate: String,
    object: String,
}

fn parse_expected(line: &str) -> Expected {
    let parts: Vec<&str> = line.split('|').map(str::trim).collect();
    assert_eq!(parts.len(), 3, "expected \"S | predicate | O\", got {line:?}");
    Expected { subject: parts[0].to_lowercase(), predicate: parts[1].to_owned(), object: parts[2].to_lowercase() }
}

/// Every name an entity answers to, lower-cased.
fn names(x: &Extraction, index: usize) -> BTreeSet<String> {
    let e = &x.entities[index];
    std::iter::once(e.label.to_lowercase()).chain(e.aliases.iter().map(|a| a.to_lowercase())).collect()
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Integer(n) => n.to_string(),
        Value::Date(d) => d.to_string(),
        Value::Year(y) => y.to_string(),
        Value::Text(t) => t.to_lowercase(),
        Value::Entity(_) => unreachable!(),
    }
}

/// Found statements as (subject names, predicate, object names or value), deduplicated.
fn found(x: &Extraction) -> Vec<(BTreeSet<String>, String, BTreeSet<String>)> {
    let mut out: Vec<_> = x
        .statements
        .iter()
        .map(|s| {
            let object = match &s.object {
                Value::Entity(i) => names(x, *i),
                v => BTreeSet::from([value_text(v)]),
            };
            (names(x, s.subject), s.predicate.to_string(), object)
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn show(f: &(BTreeSet<String>, String, BTreeSet<String>)) -> String {
    let first = |s: &BTreeSet<String>| s.iter().next().cloned().unwrap_or_default();
    format!("{} | {} | {}", first(&f.0), f.1, first(&f.2))
}

/// The contract's symmetric predicates.
const SYMMETRIC: &[&str] = &["allyOf"];

/// Compares a case's expectations with what was found; returns the differences.
fn differences(case: &Case, x: &Extraction) -> Vec<String> {
    let expected: Vec<Expected> = case.expect.iter().map(|l| parse_expected(l)).collect();
    let found = found(x);
    // A symmetric predicate (the contract's allyOf) is stated once per pair, either way round.
    let matches = |e: &Expected, f: &(BTreeSet<String>, String, BTreeSet<String>)| {
        f.1 == e.predicate
            && (f.0.contains(&e.subject) && f.2.contains(&e.object) || SYMMETRIC.contains(&f.1.as_str()) && f.0.contains(&e.object) && f.2.contains(&e.subject))
    };
    let mut out = Vec::new();
    for e in &expected {
        if !found.iter().any(|f| matches(e, f)) {
            out.push(format!("missing  {} | {} | {}", e.subject, e.predicate, e.object));
        }
    }
    for f in &found {
        if !expected.iter().any(|e| matches(e, f)) {
            out.push(format!("extra    {}", show(f)));
        }
    }
    out
}

#[test]
fn extraction_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lexicon = LexiconBuilder::new().dir(root.join("ontology")).build().expect("the lexicon loads");
    let mut files: Vec<_> = std::fs::read_dir(root.join("tests/cases"))
        .expect("tests/cases exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let (mut total, mut gaps, mut failures) = (0, 0, Vec::new());
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable case file");
        let cases: CaseFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (k, case) in cases.case.iter().enumerate() {
            total += 1;
            let doc = Document {
                id: format!("case-{k}"),
                date: case.date.as_deref().map(|d| d.parse().unwrap_or_else(|e| panic!("{}: case {k}: date {d}: {e}", file.display()))),
                text: case.text.clone(),
                ..Document::default()
            };
            let body = Body { blocks: vec![0..doc.text.len()], ..Body::default() };
            let sentences = segment(&doc.text, &body);
            let x = extract(&doc, &sentences, &lexicon, None);
            let diff = differences(case, &x);
            let name = format!("{} case {} ({:.60})", file.file_name().unwrap().to_string_lossy(), k + 1, case.text);
            // KGRAPH_CASES_SHOW=1 prints what each known gap still gets wrong.
            if case.gap.is_some() && !diff.is_empty() && std::env::var_os("KGRAPH_CASES_SHOW").is_some() {
                eprintln!("gap: {name}\n    {}", diff.join("\n    "));
            }
            match (&case.gap, diff.is_empty()) {
                (None, false) => failures.push(format!("{name}\n    {}", diff.join("\n    "))),
                (Some(_), true) => failures.push(format!("{name}\n    passes now: remove its `gap` mark")),
                (Some(_), false) => gaps += 1,
                (None, true) => {}
            }
        }
    }
    eprintln!("{total} extraction cases, {gaps} known gaps, {} failures", failures.len());
    assert!(total >= 10, "only {total} cases");
    assert!(failures.is_empty(), "{} of {total} cases fail:\n{}", failures.len(), failures.join("\n"));
}
