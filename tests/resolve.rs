//! `kgraph resolve`: shards extracted apart, loaded into a store and resolved, give the store that
//! one build of the same documents gives once resolved; resolving twice changes nothing; the
//! links found on the seeds are the expected ones, in their own graph; the manual explains the
//! rules.

use std::path::Path;

use assert_cmd::Command;
use oxigraph::io::RdfFormat;
use oxigraph::model::dataset::CanonicalizationAlgorithm;
use oxigraph::model::Dataset;
use oxigraph::store::Store;
use tempfile::TempDir;

const SHARDS: [&[&str]; 2] = [
    &["seeds/003_c25b14c491317db0.txt", "seeds/000_50ffc8f5c8e6c513.txt"],
    &["seeds/004_ad6ce7c496025d67.txt", "seeds/002_a7c63364241f8153.txt", "seeds/001_642f5aabe30b88a5.txt"],
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

fn stderr(cmd: &mut Command) -> String {
    String::from_utf8_lossy(&cmd.assert().success().get_output().stderr).into_owned()
}

/// A store's N-Quads dump, blank nodes canonically named, as sorted lines.
fn dump(store: &Path) -> Vec<String> {
    let nq = stdout(kgraph().arg("--store").arg(store).args(["export", "--format", "nquads"]));
    let parsed = Store::new().unwrap();
    parsed.load_from_slice(RdfFormat::NQuads, &nq).unwrap();
    let mut dataset: Dataset = parsed.iter().map(|q| q.unwrap()).collect();
    dataset.canonicalize(CanonicalizationAlgorithm::Unstable);
    let mut lines: Vec<String> = dataset.iter().map(|q| q.to_string()).collect();
    lines.sort();
    lines
}

const GRAPH: &str = "<https://w3id.org/kgraph/resolution>";

#[test]
fn shards_loaded_then_resolved_equal_a_build_resolved() {
    let tmp = TempDir::new().unwrap();

    // One build of all the seeds, resolved.
    let built = tmp.path().join("built");
    kgraph().arg("--store").arg(&built).args(["--quiet", "build", "seeds"]).assert().success();
    let report = stderr(kgraph().arg("--store").arg(&built).args(["--verbose", "resolve"]));
    assert!(report.contains("resolved: "), "{report}");
    let single = dump(&built);

    // The shards, extracted in another order and loaded (the second shard first), resolved.
    let mut files = Vec::new();
    for (i, shard) in SHARDS.iter().enumerate() {
        let out = stdout(kgraph().args(["--quiet", "extract"]).args(*shard));
        let f = tmp.path().join(format!("shard-{i}.nq"));
        std::fs::write(&f, out).unwrap();
        files.push(f);
    }
    let ontology = tmp.path().join("ontology.nq");
    std::fs::write(&ontology, stdout(kgraph().args(["--quiet", "extract", "--with-ontology"]))).unwrap();
    let merged = tmp.path().join("merged");
    kgraph().arg("--store").arg(&merged).args(["--quiet", "load"]).arg(&files[1]).arg(&ontology).arg(&files[0]).assert().success();
    kgraph().arg("--store").arg(&merged).args(["--quiet", "resolve"]).assert().success();
    let union = dump(&merged);

    let only_union: Vec<_> = union.iter().filter(|l| single.binary_search(l).is_err()).take(5).collect();
    let only_build: Vec<_> = single.iter().filter(|l| union.binary_search(l).is_err()).take(5).collect();
    assert!(only_union.is_empty() && only_build.is_empty(), "shards: {only_union:#?}\nbuild: {only_build:#?}");
    assert_eq!(union, single);

    // The links are there, in their own graph, and nowhere else.
    let links: Vec<&String> = single.iter().filter(|l| l.contains("<http://www.w3.org/2002/07/owl#sameAs> <https://w3id.org/kgraph/entity/")).collect();
    assert!(!links.is_empty(), "no link on the seeds");
    assert!(links.iter().all(|l| l.ends_with(GRAPH)), "{links:#?}");

    // Resolving again changes nothing.
    kgraph().arg("--store").arg(&merged).args(["--quiet", "resolve"]).assert().success();
    assert_eq!(dump(&merged), union, "a second resolve changed the store");
    // Nor does loading the shards again and resolving.
    kgraph().arg("--store").arg(&merged).args(["--quiet", "load"]).args(&files).arg(&ontology).assert().success();
    kgraph().arg("--store").arg(&merged).args(["--quiet", "resolve"]).assert().success();
    assert_eq!(dump(&merged), union, "reloading and resolving changed the store");
}

#[test]
fn the_seed_links_are_explained_and_ambiguous_heads_left_apart() {
    let tmp = TempDir::new().unwrap();
    let store = tmp.path().join("kg");
    kgraph().arg("--store").arg(&store).args(["--quiet", "build", "seeds"]).assert().success();

    // A dry run writes nothing, and says what it would link.
    let out = kgraph().arg("--store").arg(&store).args(["--verbose", "resolve", "--dry-run", "--json"]).assert().success();
    let output = out.get_output();
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(report.contains("would write"), "{report}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let links = json["links"].as_array().unwrap();
    assert!(!dump(&store).iter().any(|l| l.ends_with(GRAPH)), "a dry run wrote the graph");

    // organization/parliament (two articles naming Armenia) is the Armenian Parliament of a third.
    let pair = |a: &str, b: &str| {
        links.iter().any(|l| {
            l["a"].as_str().unwrap().ends_with(a) && l["b"].as_str().unwrap().ends_with(b)
                || l["a"].as_str().unwrap().ends_with(b) && l["b"].as_str().unwrap().ends_with(a)
        })
    };
    assert!(pair("/organization/parliament", "/organization/q399-parliament"), "{links:#?}");
    // Four national defence ministries: "the defence ministry" stays apart.
    let ambiguous: Vec<&str> = json["ambiguous"].as_array().unwrap().iter().map(|a| a["entity"].as_str().unwrap()).collect();
    assert!(ambiguous.iter().any(|a| a.ends_with("/organization/defence-ministry")), "{ambiguous:?}");
    assert!(!links.iter().any(|l| l.to_string().contains("/organization/defence-ministry\"")), "{links:#?}");
    // Every link joins two IRIs of the same class, and the two agreements stay two.
    for l in links {
        let class = |k: &str| l[k].as_str().unwrap().split('/').rev().nth(1).unwrap().to_owned();
        assert_eq!(class("a"), class("b"), "{l}");
        assert_ne!(class("a"), "agreement", "{l}");
        assert!(!l["reason"].as_str().unwrap().is_empty());
    }
    // Verbose lists each pair with its rule and reason.
    assert_eq!(report.lines().filter(|l| l.contains(" owl:sameAs ")).count(), links.len(), "{report}");
    assert!(report.contains(&format!("{} links in", links.len())), "{report}");

    // Written, the links are queryable with their evidence.
    kgraph().arg("--store").arg(&store).args(["--quiet", "resolve"]).assert().success();
    let q = "PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX kg: <https://w3id.org/kgraph/ontology#>
             PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
             SELECT ?a ?b ?rule WHERE { GRAPH <https://w3id.org/kgraph/resolution> {
               ?a owl:sameAs ?b . ?st rdf:subject ?a ; rdf:object ?b ; kg:rule ?rule } }";
    let rows = String::from_utf8(stdout(kgraph().arg("--store").arg(&store).args(["query", "--format", "tsv", q]))).unwrap();
    assert_eq!(rows.lines().count(), links.len() + 1, "{rows}");
    assert!(rows.contains("resolve:"), "{rows}");
}

#[test]
fn resolve_has_a_manual_and_needs_a_store() {
    let help = String::from_utf8(stdout(kgraph().args(["resolve", "--help"]))).unwrap();
    for word in ["owl:sameAs", "same-label", "label-is-alias", "qualified-head", "ambiguous", "--dry-run", "deal"] {
        assert!(help.contains(word), "`kgraph resolve --help` does not mention {word}:\n{help}");
    }
    let tmp = TempDir::new().unwrap();
    kgraph().arg("--store").arg(tmp.path().join("none")).args(["resolve", "--dry-run"]).assert().code(2);
    kgraph().arg("--store").arg(tmp.path().join("none")).arg("resolve").assert().code(2);
    assert!(!tmp.path().join("none").exists(), "resolve created a store");
}
