//! Real cluster engines around `kgraph extract -`: a JSON Lines corpus of the seeds, cut into
//! partitions, each piped through `kgraph extract -` by Apache Spark (`examples/spark_extract.py`,
//! PyPI's `pyspark`, master `local[2]`) and by Dask (`examples/dask_extract.py`, a local cluster
//! of two worker processes); the outputs, with the ontology graph, loaded by `kgraph load` and
//! resolved by `kgraph resolve`, hold exactly what `kgraph build` of the same corpus then
//! `kgraph resolve` holds. Skipped, saying so, where python3, pyspark (or Java) or dask is missing
//! (failing instead under CI, where `scripts/setup --test` installs them).

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use oxigraph::io::RdfFormat;
use oxigraph::model::dataset::CanonicalizationAlgorithm;
use oxigraph::model::Dataset;
use oxigraph::store::Store;
use tempfile::TempDir;

use common::{kgraph, python_has, python_run, run, skip};

/// The seeds as one JSON Lines corpus, one article a line, each with a url.
fn corpus(dir: &Path) -> PathBuf {
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(common::root().join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 5, "the seeds: {seeds:?}");
    let mut text = String::new();
    for seed in &seeds {
        // With a url, `dcterms:source` is the url; without, where the article was read
        // (`corpus.jsonl:LINE` for a build, `<stdin>:LINE` in a partition), which differs.
        let id = seed.file_stem().unwrap().to_str().unwrap();
        let article = serde_json::json!({
            "id": id,
            "url": format!("https://example.org/seeds/{id}"),
            "text": std::fs::read_to_string(seed).unwrap(),
        });
        text.push_str(&article.to_string());
        text.push('\n');
    }
    let path = dir.join("corpus.jsonl");
    std::fs::write(&path, text).unwrap();
    path
}

/// The store's quads, blank nodes canonically named, as sorted N-Quads lines.
fn dump(store: &Path) -> Vec<String> {
    let nquads = run(store, &["export", "--format", "nquads"]);
    let memory = Store::new().unwrap();
    memory.load_from_slice(RdfFormat::NQuads, &nquads).unwrap();
    let mut dataset: Dataset = memory.iter().map(|q| q.unwrap()).collect();
    dataset.canonicalize(CanonicalizationAlgorithm::Unstable);
    let mut lines: Vec<String> = dataset.iter().map(|q| q.to_string()).collect();
    lines.sort();
    lines
}

/// `kgraph build` of the corpus, resolved: what every engine must give.
fn reference(tmp: &Path, corpus: &Path) -> Vec<String> {
    let store = tmp.join("built");
    kgraph(&store).args(["build", "--quiet"]).arg(corpus).assert().success();
    run(&store, &["--quiet", "resolve"]);
    dump(&store)
}

/// Loads what an engine wrote into `out` (the part files, with the ontology graph) into a new
/// store, resolves it, and returns its dump; checks the engine made several partitions.
fn merged(tmp: &Path, name: &str, out: &Path) -> Vec<String> {
    let mut parts: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("part-"))
        .collect();
    parts.sort();
    let nonempty = parts.iter().filter(|p| std::fs::metadata(p).unwrap().len() > 0).count();
    assert!(nonempty >= 2, "{name}: the corpus went through one partition only: {parts:?}");
    let ontology = tmp.join(format!("{name}-ontology.nq"));
    std::fs::write(&ontology, run(&tmp.join("none"), &["--quiet", "extract", "--with-ontology"])).unwrap();
    let store = tmp.join(format!("{name}.store"));
    let loaded = kgraph(&store)
        .args(["load", "--format", "nquads"])
        .args(&parts)
        .arg(&ontology)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&loaded.get_output().stderr).into_owned();
    assert!(stderr.contains("loaded ") && stderr.contains(" graphs"), "{stderr}");
    run(&store, &["--quiet", "resolve"]);
    dump(&store)
}

fn kgraph_binary() -> &'static OsStr {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| assert_cmd::cargo::cargo_bin("kgraph")).as_os_str()
}

/// Runs `examples/{engine}_extract.py` with the engine's own options, three partitions and this
/// kgraph on the corpus; returns the folder it wrote.
fn pipe(tmp: &Path, corpus: &Path, engine: &str, options: &[&str]) -> PathBuf {
    let out = tmp.join(format!("{engine}-out"));
    let script = format!("examples/{engine}_extract.py");
    let mut args: Vec<&OsStr> = vec![OsStr::new(&script)];
    args.extend(options.iter().map(OsStr::new));
    args.extend([OsStr::new("--partitions"), OsStr::new("3"), OsStr::new("--kgraph"), kgraph_binary(), corpus.as_os_str(), out.as_os_str()]);
    python_run(&args);
    out
}

fn assert_same(name: &str, got: &[String], expected: &[String]) {
    assert!(expected.len() > 1000, "too little to compare: {} quads", expected.len());
    let missing: Vec<&String> = expected.iter().filter(|q| got.binary_search(q).is_err()).take(5).collect();
    let extra: Vec<&String> = got.iter().filter(|q| expected.binary_search(q).is_err()).take(5).collect();
    assert!(
        got == expected,
        "{name}: {} quads, `kgraph build` {}; missing {missing:#?}; extra {extra:#?}",
        got.len(),
        expected.len()
    );
}

#[test]
fn spark_local_pipes_partitions_through_kgraph_extract_into_the_same_store_as_a_build() {
    if !python_has(&["pyspark"]) {
        return skip("python3 with pyspark not installed (bash scripts/setup --test, or pip install pyspark)");
    }
    if common::which("java").is_none() && std::env::var_os("JAVA_HOME").is_none() {
        return skip("no java for Spark (apt-get install openjdk-17-jre-headless)");
    }
    let tmp = TempDir::new().unwrap();
    let corpus = corpus(tmp.path());
    let out = pipe(tmp.path(), &corpus, "spark", &["--master", "local[2]"]);
    assert!(out.join("_SUCCESS").is_file(), "Spark did not finish its job");
    assert_same("spark", &merged(tmp.path(), "spark", &out), &reference(tmp.path(), &corpus));
}

#[test]
fn a_dask_local_cluster_pipes_partitions_through_kgraph_extract_into_the_same_store_as_a_build() {
    if !python_has(&["dask.distributed"]) {
        return skip("python3 with dask.distributed not installed (bash scripts/setup --test, or pip install \"dask[distributed]\")");
    }
    let tmp = TempDir::new().unwrap();
    let corpus = corpus(tmp.path());
    let out = pipe(tmp.path(), &corpus, "dask", &["--workers", "2"]);
    assert_same("dask", &merged(tmp.path(), "dask", &out), &reference(tmp.path(), &corpus));
}
