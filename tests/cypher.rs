//! A real Cypher database: the seeds store exported with `kgraph export --format kuzu` is loaded
//! into an embedded Kùzu database (`examples/kuzu_load.py`, PyPI's `kuzu`), which answers the same
//! questions in Cypher as kgraph answers in SPARQL on the store: who brokered what, who signed
//! which agreement (as `queries/brokered.rq` and `queries/signed.rq` ask), officials and their
//! countries, a two-hop path (mediators of agreements that countries signed), the nodes of each
//! class and the relationships (pieces of evidence) of each type. The answers must be equal.
//! Skipped, saying so, where python3 or kuzu is missing (failing instead under CI, where
//! `scripts/setup --test` installs it).

mod common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::Path;

use serde_json::Value;

use common::{python_has, python_run, run, seeds_store, skip};

/// One question asked both ways.
struct Question {
    name: &'static str,
    /// A file of `queries/`, or a query.
    sparql: &'static str,
    cypher: &'static str,
    /// Columns holding several values: SPARQL concatenates them with this separator, Cypher
    /// returns a list; both are compared as sorted sets.
    sets: &'static [(usize, &'static str)],
}

const PREFIXES: &str = "PREFIX kg: <https://w3id.org/kgraph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
";

/// Entities are compared by IRI: a node has one `name` (the most frequent label), where an
/// entity's `rdfs:label` may differ between documents ("Pashinyan", "Pashinian").
const QUESTIONS: &[Question] = &[
    Question {
        name: "who brokered what, in which document, dated when",
        sparql: "SELECT ?m ?a ?doc (GROUP_CONCAT(DISTINCT STR(?d); separator=\" \") AS ?dates) WHERE { \
                 GRAPH ?g { ?m kg:brokered ?a . ?g dcterms:identifier ?doc } OPTIONAL { ?a kg:date ?d } } \
                 GROUP BY ?m ?a ?doc",
        cypher: "MATCH (m:Entity)-[r:brokered]->(a:Entity) RETURN DISTINCT m.iri, a.iri, r.document, a.date",
        sets: &[(3, " ")],
    },
    Question {
        name: "who signed which agreement, dated when, in which documents",
        sparql: "SELECT ?a ?p (GROUP_CONCAT(DISTINCT STR(?d); separator=\" \") AS ?dates) \
                 (GROUP_CONCAT(DISTINCT ?doc; separator=\" \") AS ?docs) WHERE { \
                 GRAPH ?g { ?p kg:signed ?a . ?g dcterms:identifier ?doc } OPTIONAL { ?a kg:date ?d } } \
                 GROUP BY ?a ?p",
        cypher: "MATCH (p:Entity)-[r:signed]->(a:Entity) RETURN a.iri, p.iri, a.date, collect(DISTINCT r.document)",
        sets: &[(2, " "), (3, " ")],
    },
    Question {
        name: "officials and their countries",
        sparql: "SELECT DISTINCT ?p ?c WHERE { ?p kg:officialOf ?c . ?p a kg:Person . ?c a kg:Country }",
        cypher: "MATCH (p:Entity)-[:officialOf]->(c:Entity) WHERE 'Person' IN p.labels AND 'Country' IN c.labels \
                 RETURN DISTINCT p.iri, c.iri",
        sets: &[],
    },
    Question {
        name: "two hops: who brokered an agreement that a country signed",
        sparql: "SELECT DISTINCT ?m ?a ?c WHERE { ?m kg:brokered ?a . ?c kg:signed ?a . ?c a kg:Country }",
        cypher: "MATCH (m:Entity)-[:brokered]->(a:Entity)<-[:signed]-(c:Entity) WHERE 'Country' IN c.labels \
                 RETURN DISTINCT m.iri, a.iri, c.iri",
        sets: &[],
    },
    Question {
        name: "entities of each class",
        sparql: "SELECT ?class (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?c \
                 FILTER (STRSTARTS(STR(?c), STR(kg:))) \
                 BIND (STRAFTER(STR(?c), \"#\") AS ?class) } GROUP BY ?class",
        cypher: "MATCH (e:Entity) UNWIND e.labels AS class WITH class, e WHERE class <> 'Entity' \
                 RETURN class, count(DISTINCT e)",
        sets: &[],
    },
    Question {
        name: "pieces of evidence of each relation between entities",
        sparql: "SELECT ?type (COUNT(DISTINCT ?v) AS ?n) WHERE { ?s ?p ?o . ?s a ?sc . ?o a ?oc \
                 BIND (IRI(CONCAT(\"https://w3id.org/kgraph/fact/\", STRAFTER(STR(?s), \"/entity/\"), \"/\", \
                   STRAFTER(STR(?p), \"#\"), \"/\", STRAFTER(STR(?o), \"/entity/\"))) AS ?f) \
                 GRAPH ?g { ?v kg:fact ?f } BIND (STRAFTER(STR(?p), \"#\") AS ?type) } GROUP BY ?type",
        cypher: "MATCH ()-[r]->() RETURN label(r), count(r)",
        sets: &[],
    },
];

/// A value as text: numbers as written, lists and nulls by the caller.
fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Rows made comparable: every cell a string, set columns sorted and joined with a space, the
/// rows sorted.
fn normal(rows: Vec<Vec<Value>>, sets: &[(usize, &str)], from_sparql: bool) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| {
            row.iter()
                .enumerate()
                .map(|(i, cell)| match sets.iter().find(|(c, _)| *c == i) {
                    Some((_, separator)) => {
                        let mut items: Vec<String> = match cell {
                            Value::Array(items) => items.iter().map(text).collect(),
                            Value::Null => vec![],
                            other if from_sparql => {
                                text(other).split(separator).map(String::from).collect()
                            }
                            other => vec![text(other)],
                        };
                        items.retain(|s| !s.is_empty());
                        items.sort();
                        items.dedup();
                        items.join(" ")
                    }
                    None => text(cell),
                })
                .collect()
        })
        .collect();
    out.sort();
    out
}

/// The rows of a SELECT in the order of its variables, from `kgraph query --format json`.
fn sparql_rows(store: &Path, query: &str) -> Vec<Vec<Value>> {
    let query = if query.ends_with(".rq") {
        std::fs::read_to_string(common::root().join(query)).unwrap()
    } else {
        format!("{PREFIXES}{query}")
    };
    let json: Value = serde_json::from_slice(&run(store, &["query", "--format", "json", &query])).unwrap();
    let vars: Vec<String> = json["head"]["vars"].as_array().unwrap().iter().map(text).collect();
    json["results"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| vars.iter().map(|v| b.get(v).map_or(Value::Null, |t| t["value"].clone())).collect())
        .collect()
}

/// Each query's rows from `examples/kuzu_load.py` (a `# QUERY` line, then one JSON array a row).
fn cypher_rows(output: &str) -> BTreeMap<String, Vec<Vec<Value>>> {
    let mut answers: BTreeMap<String, Vec<Vec<Value>>> = BTreeMap::new();
    let mut current = None;
    for line in output.lines() {
        if let Some(query) = line.strip_prefix("# ") {
            answers.insert(query.to_owned(), vec![]);
            current = Some(query.to_owned());
        } else {
            let row: Vec<Value> = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            answers.get_mut(current.as_ref().expect("a query line first")).unwrap().push(row);
        }
    }
    answers
}

#[test]
fn kuzu_answers_the_same_questions_in_cypher_as_kgraph_in_sparql() {
    if !python_has(&["kuzu"]) {
        return skip("python3 with kuzu not installed (bash scripts/setup --test, or pip install kuzu)");
    }
    let (tmp, store) = seeds_store();
    let export = tmp.path().join("kuzu");
    let out = common::kgraph(&store).args(["export", "--format", "kuzu", "-o"]).arg(&export).assert().success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("examples/kuzu_load.py"), "{stderr}");
    let database = tmp.path().join("kgraph.kuzu");
    let mut args: Vec<&OsStr> = vec![OsStr::new("examples/kuzu_load.py"), export.as_os_str(), database.as_os_str()];
    args.extend(QUESTIONS.iter().map(|q| OsStr::new(q.cypher)));
    let answers = cypher_rows(&python_run(&args));

    for q in QUESTIONS {
        let expected = normal(sparql_rows(&store, q.sparql), q.sets, true);
        let got = normal(answers[q.cypher].clone(), q.sets, false);
        assert!(expected.len() >= 2, "{}: too few rows to compare: {expected:?}", q.name);
        assert_eq!(got, expected, "{}: Kùzu (left) and kgraph (right) differ\n{}", q.name, q.cypher);
    }
    // Something known, so that equal answers cannot both be wrong the same way.
    const RUSSIA: &str = "https://w3id.org/kgraph/entity/country/Q159";
    let brokered = normal(answers[QUESTIONS[0].cypher].clone(), QUESTIONS[0].sets, false);
    assert!(brokered.iter().any(|r| r[0] == RUSSIA && r[3] == "2020-11-10"), "{brokered:?}");
    let two_hops = normal(answers[QUESTIONS[3].cypher].clone(), &[], false);
    for country in ["Q399", "Q227"] {
        assert!(two_hops.iter().any(|r| r[0] == RUSSIA && r[2].ends_with(country)), "{country}: {two_hops:?}");
    }
    let officials = normal(answers[QUESTIONS[2].cypher].clone(), &[], false);
    assert!(officials.iter().any(|r| r[0].ends_with("/putin") && r[1] == RUSSIA), "{officials:?}");
}
