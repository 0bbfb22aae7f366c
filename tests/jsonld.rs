//! JSON-LD that JSON-LD tools read well: `kgraph export --format jsonld` is compact (an
//! `@context` of kgraph's prefixes, compact IRIs, `@type`, plain strings), and two independent
//! JSON-LD processors, Python's rdflib and PyLD (`tests/python/jsonld_to_nquads.py`), read it as
//! the very quads of the N-Quads export, for the whole seeds store and for one document graph.
//! Skipped, saying so, where python3, rdflib or pyld is missing (failing instead under CI,
//! where `scripts/setup --test` installs them).

mod common;

use std::ffi::OsStr;
use std::path::Path;

use oxigraph::io::RdfFormat;
use oxigraph::model::dataset::CanonicalizationAlgorithm;
use oxigraph::model::Dataset;
use oxigraph::store::Store;
use serde_json::Value;

use common::{python_has, python_run, run, seeds_store, skip};

/// N-Quads text as a canonical set of quads: parsed into a store (literals in canonical form),
/// blank nodes canonically named, sorted lines.
fn canonical(nquads: &[u8], what: &str) -> Vec<String> {
    let store = Store::new().unwrap();
    store.load_from_slice(RdfFormat::NQuads, nquads).unwrap_or_else(|e| panic!("{what}: {e}"));
    let mut dataset: Dataset = store.iter().map(|q| q.unwrap()).collect();
    dataset.canonicalize(CanonicalizationAlgorithm::Unstable);
    let mut lines: Vec<String> = dataset.iter().map(|q| q.to_string()).collect();
    lines.sort();
    lines
}

fn check(store: &Path, dir: &Path, graph: Option<&str>) {
    let mut args = vec!["export"];
    if let Some(g) = graph {
        args.extend(["--graph", g]);
    }
    let reference = canonical(&run(store, &[&args[..], &["--format", "nquads"]].concat()), "the N-Quads export");
    let jsonld = run(store, &[&args[..], &["--format", "jsonld"]].concat());

    // Compact: the context, prefixed names, @type, and no full kgraph IRI as a key.
    let json: Value = serde_json::from_slice(&jsonld).expect("the export is JSON");
    assert_eq!(json["@context"]["kg"], "https://w3id.org/kgraph/ontology#");
    let text = String::from_utf8(jsonld.clone()).unwrap();
    // Types are facts (the default graph, in the whole export); evidence is in each document.
    let typed = if graph.is_some() { "\"@type\":\"schema:" } else { "\"@type\":\"kg:" };
    for needle in [typed, "\"rdfs:label\":", "\"@id\":\"doc:", "\"@graph\": [", "\"kg:fact\":"] {
        assert!(text.contains(needle), "no {needle} in the JSON-LD export");
    }
    let full = "\"https://w3id.org/kgraph/ontology#";
    assert_eq!(text.matches(full).count(), text.matches(&format!("{full}\"")).count(), "a kg: IRI written in full");
    assert!(reference.len() > if graph.is_some() { 50 } else { 1000 }, "too little: {}", reference.len());

    let file = dir.join(format!("export-{}.jsonld", graph.unwrap_or("all")));
    std::fs::write(&file, &jsonld).unwrap();
    for processor in ["rdflib", "pyld"] {
        let out = python_run(&[OsStr::new("tests/python/jsonld_to_nquads.py"), OsStr::new(processor), file.as_os_str()]);
        let got = canonical(out.as_bytes(), processor);
        let missing: Vec<&String> = reference.iter().filter(|q| got.binary_search(q).is_err()).take(5).collect();
        let extra: Vec<&String> = got.iter().filter(|q| reference.binary_search(q).is_err()).take(5).collect();
        assert!(
            got == reference,
            "{processor} read {} quads from the JSON-LD export of {}, the N-Quads export holds {}; \
             missing {missing:#?}, extra {extra:#?}",
            got.len(),
            graph.unwrap_or("the store"),
            reference.len()
        );
    }
}

#[test]
fn rdflib_and_pyld_read_the_compact_json_ld_export_as_the_same_quads() {
    if !python_has(&["rdflib", "pyld"]) {
        return skip("python3 with rdflib and pyld not installed (bash scripts/setup --test, or pip install rdflib PyLD)");
    }
    let (tmp, store) = seeds_store();
    check(&store, tmp.path(), None);
    check(&store, tmp.path(), Some("003_c25b14c491317db0"));
}
