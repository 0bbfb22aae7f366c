//! `kgraph export --format neo4j` on the seeds: the headers `neo4j-admin database import` reads,
//! one node row per entity and one relationship row per piece of evidence (counted with SPARQL
//! on the same store), ids unique, every relationship's ends among the nodes, typed columns
//! that parse as their type, and a load.cypher that names every label and relationship type.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

const NODES_HEADER: &[&str] = &["iri:ID", ":LABEL", "name", "aliases:string[]", "wikidata", "documents:string[]"];
const RELATIONSHIPS_HEADER: &[&str] = &[
    ":START_ID",
    ":END_ID",
    ":TYPE",
    "document",
    "sentence",
    "confidence:float",
    "rule",
    "sentenceStart:int",
    "sentenceEnd:int",
    "speaker",
];

/// Entities: subjects typed with an ontology class in the default graph (the facts).
const ENTITIES: &str = "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?c \
     FILTER (STRSTARTS(STR(?c), \"https://w3id.org/kgraph/ontology#\")) }";

/// Evidence records of facts between two entities (a fact node names its triple: an entity
/// object's fact node ends with the object's class and key).
const EVIDENCE: &str = "PREFIX kg: <https://w3id.org/kgraph/ontology#> \
     SELECT (COUNT(DISTINCT ?v) AS ?n) WHERE { ?s ?p ?o . ?s a ?sc . ?o a ?oc \
     BIND (IRI(CONCAT(\"https://w3id.org/kgraph/fact/\", STRAFTER(STR(?s), \"/entity/\"), \"/\", \
       STRAFTER(STR(?p), \"#\"), \"/\", STRAFTER(STR(?o), \"/entity/\"))) AS ?f) \
     GRAPH ?g { ?v kg:fact ?f } }";

fn kgraph(store: &Path) -> Command {
    let mut cmd = Command::cargo_bin("kgraph").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).env_remove("KGRAPH_BASE").env_remove("KGRAPH_ONTOLOGY");
    cmd.arg("--store").arg(store);
    cmd
}

fn count(store: &Path, query: &str) -> usize {
    let out = kgraph(store).args(["query", "--format", "csv", query]).assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    text.lines().nth(1).unwrap().trim().parse().unwrap()
}

fn read(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

#[test]
fn the_seeds_export_as_neo4j_import_files() {
    let tmp = TempDir::new().unwrap();
    let store = tmp.path().join("kg");
    kgraph(&store).args(["build", "--quiet", "seeds"]).assert().success();
    let dir = tmp.path().join("neo4j");
    let out = kgraph(&store).args(["export", "--format", "neo4j", "-o"]).arg(&dir).assert().success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("neo4j-admin database import full --nodes="), "{stderr}");

    let (header, nodes) = read(&dir.join("nodes.csv"));
    assert_eq!(&header[..NODES_HEADER.len()], NODES_HEADER);
    let facts: BTreeSet<&str> = header[NODES_HEADER.len()..].iter().map(String::as_str).collect();
    for column in ["count:long[]", "deathToll:long[]", "title:string[]"] {
        assert!(facts.contains(column), "no {column} among {facts:?}");
    }
    assert_eq!(nodes.len(), count(&store, ENTITIES), "one node per entity");
    let ids: HashSet<&str> = nodes.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids.len(), nodes.len(), "node ids are unique");
    let classes = ["Country", "Person", "Organization", "Place", "Agreement", "Group", "Event"];
    for row in &nodes {
        assert_eq!(row.len(), header.len());
        let labels: Vec<&str> = row[1].split(';').collect();
        assert!(labels[0] == "Entity" && labels[1..].iter().all(|l| classes.contains(l)), "{row:?}");
        assert!(row[4].is_empty() || row[4].starts_with('Q'), "{row:?}");
        for (name, value) in header.iter().zip(row).filter(|(_, v)| !v.is_empty()) {
            for element in value.split(';') {
                assert!(!element.is_empty(), "{name}: empty array element in {value:?}");
                if name.ends_with(":long[]") {
                    assert!(element.parse::<i64>().is_ok(), "{name}: {element}");
                } else if name.ends_with(":date[]") {
                    assert!(chrono::NaiveDate::parse_from_str(element, "%Y-%m-%d").is_ok(), "{name}: {element}");
                }
            }
        }
    }
    let russia = nodes.iter().find(|r| r[4] == "Q159").expect("Russia is a node");
    assert_eq!((russia[1].as_str(), russia[2].as_str()), ("Entity;Country", "Russia"));

    let (header, relationships) = read(&dir.join("relationships.csv"));
    assert_eq!(header, RELATIONSHIPS_HEADER);
    assert_eq!(relationships.len(), count(&store, EVIDENCE), "one relationship per piece of evidence");
    for row in &relationships {
        assert!(ids.contains(row[0].as_str()) && ids.contains(row[1].as_str()), "dangling relationship {row:?}");
        assert!(row[2].chars().all(|c| c.is_ascii_alphanumeric()), "{row:?}");
        assert!(row[3].len() > 10 && !row[4].is_empty(), "document and sentence: {row:?}");
        assert!(row[5].parse::<f64>().is_ok_and(|c| (0.0..=1.0).contains(&c)), "{row:?}");
        assert!(row[7].parse::<u32>().unwrap() < row[8].parse::<u32>().unwrap(), "{row:?}");
    }
    assert!(relationships.iter().any(|r| r[0].ends_with("/Q159") && r[2] == "brokered"), "Russia brokered");

    let cypher = std::fs::read_to_string(dir.join("load.cypher")).unwrap();
    let kinds: BTreeSet<&str> = relationships.iter().map(|r| r[2].as_str()).collect();
    for kind in kinds {
        assert!(cypher.contains(&format!("CREATE (a)-[:`{kind}` {{")), "load.cypher misses {kind}");
    }
    for class in nodes.iter().flat_map(|r| r[1].split(';').skip(1)) {
        assert!(cypher.contains(&format!("SET n:`{class}`;")), "load.cypher misses {class}");
    }

    // The same again gives the same files; one document gives fewer rows.
    let again = tmp.path().join("again");
    kgraph(&store).args(["--quiet", "export", "--format", "neo4j", "-o"]).arg(&again).assert().success();
    for file in ["nodes.csv", "relationships.csv", "load.cypher"] {
        assert_eq!(std::fs::read(dir.join(file)).unwrap(), std::fs::read(again.join(file)).unwrap(), "{file}");
    }
    let one = tmp.path().join("one");
    kgraph(&store)
        .args(["--quiet", "export", "--format", "neo4j", "--graph", "003_c25b14c491317db0", "-o"])
        .arg(&one)
        .assert()
        .success();
    let (_, some) = read(&one.join("nodes.csv"));
    assert!(!some.is_empty() && some.len() < nodes.len());
    assert!(some.iter().all(|r| r[5] == "003_c25b14c491317db0"));

    // Without -o there is nowhere to write the folder.
    kgraph(&store).args(["export", "--format", "neo4j"]).assert().failure();
}
