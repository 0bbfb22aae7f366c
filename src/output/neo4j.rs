//! Store → a property graph for Neo4j: a folder with `nodes.csv` and `relationships.csv` in the
//! format of `neo4j-admin database import full`, and `load.cypher`, which loads the same files
//! with `LOAD CSV` into a running database.
//!
//! # Mapping
//!
//! * **Nodes**: every entity (typed with a class of the kgraph ontology in the default graph;
//!   for one document, those it mentions), with id `iri:ID` (its IRI, also stored as the
//!   property `iri`), `:LABEL` `Entity` plus its classes (`Entity;Country`), `name` (its
//!   `rdfs:label`; the one most documents give if they disagree), `aliases:string[]`
//!   (`skos:altLabel`), `wikidata` (the Q-id of `owl:sameAs wd:Q…`), `documents:string[]` (the
//!   identifiers of the documents that mention it), and one column per literal fact of the
//!   ontology (`count:long[]`, `deathToll:long[]`, `date:date[]`, `title:string[]`, …): arrays,
//!   since documents may report different values.
//! * **Relationships**: every ontology predicate between two entities, `:TYPE` its local name
//!   (`brokered`, `allyOf`), one relationship per evidence record (`kg:fact` → the fact node's
//!   triple): `document` (identifier), `sentence`, `confidence:float`, `rule`,
//!   `sentenceStart:int` and `sentenceEnd:int` (character offsets) and `speaker` (name) in
//!   reported speech. A fact a document states without evidence gives one relationship with
//!   those empty.
//!
//! Arrays use Neo4j's default delimiter `;`, so a `;` inside an array value becomes `,`; line
//! breaks inside values become spaces (no `--multiline-fields` needed). Rows are sorted, so the
//! same store always gives the same files.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use oxigraph::model::vocab::xsd;
use oxigraph::model::{GraphName, GraphNameRef, NamedNode, NamedOrBlankNode, Quad, Term};
use oxigraph::store::Store;

use crate::graph::vocab::{iri, ns};
use crate::graph::Vocab;
use crate::{Error, Result};

/// The node file.
pub const NODES_FILE: &str = "nodes.csv";
/// The relationship file.
pub const RELATIONSHIPS_FILE: &str = "relationships.csv";
/// The Cypher script that loads both with `LOAD CSV`.
pub const CYPHER_FILE: &str = "load.cypher";

/// What [`export`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Neo4jSummary {
    /// Rows of `nodes.csv`.
    pub nodes: usize,
    /// Rows of `relationships.csv`.
    pub relationships: usize,
}

/// One entity.
#[derive(Default)]
struct Node {
    classes: BTreeSet<String>,
    labels: BTreeMap<String, usize>,
    aliases: BTreeSet<String>,
    wikidata: BTreeSet<String>,
    documents: BTreeSet<String>,
    /// Literal facts: property → values.
    facts: BTreeMap<String, BTreeSet<String>>,
}

impl Node {
    /// The most frequent label, the smallest among equals.
    fn name(&self) -> &str {
        self.labels.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map_or("", |(l, _)| l)
    }
}

/// One relationship row (sortable, so the file is deterministic).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Relationship {
    start: String,
    end: String,
    kind: String,
    document: String,
    sentence_start: Option<i64>,
    sentence_end: Option<i64>,
    sentence: String,
    confidence: String,
    rule: String,
    speaker: String,
}

/// One evidence record.
#[derive(Default)]
struct Evidence {
    fact: Option<Term>,
    sentence: String,
    /// The sentence's character offsets, the first span of `kg:spans`.
    sentence_start: Option<i64>,
    sentence_end: Option<i64>,
    confidence: String,
    rule: String,
    speaker: Option<NamedOrBlankNode>,
}

/// The first span of a `kg:spans` literal ("SS-SE US-UE OS-OE"): the sentence's offsets.
fn first_span(spans: &str) -> (Option<i64>, Option<i64>) {
    let Some((start, end)) = spans.split_whitespace().next().and_then(|s| s.split_once('-')) else {
        return (None, None);
    };
    (start.parse().ok(), end.parse().ok())
}

/// The type of a fact column: `long[]` when every value is an integer, `date[]` when every value
/// is an `xsd:date`, else `string[]`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Long,
    Date,
    Text,
}

impl Column {
    fn of(literal: &oxigraph::model::Literal) -> Column {
        let dt = literal.datatype();
        if dt == xsd::INTEGER || dt == xsd::LONG || dt == xsd::INT {
            if literal.value().parse::<i64>().is_ok() {
                return Column::Long;
            }
        } else if dt == xsd::DATE && literal.value().len() == 10 {
            return Column::Date;
        }
        Column::Text
    }

    fn merge(self, other: Column) -> Column {
        if self == other {
            self
        } else {
            Column::Text
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Column::Long => "long[]",
            Column::Date => "date[]",
            Column::Text => "string[]",
        }
    }

    /// The Cypher that turns one element (`x`, a string) into the property's type.
    fn cypher(self) -> &'static str {
        match self {
            Column::Long => "toInteger(x)",
            Column::Date => "date(x)",
            Column::Text => "x",
        }
    }
}

/// The database a property-graph export is for: both read the same `nodes.csv` and
/// `relationships.csv`, each with its own `load.cypher`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Neo4j 5: `neo4j-admin database import full` reads the CSV headers (`iri:ID`,
    /// `aliases:string[]`); `load.cypher` does the same with `LOAD CSV` in a running database.
    Neo4j,
    /// Kùzu (embedded, Cypher): `load.cypher` creates the schema (one node table `Entity`, one
    /// relationship table per predicate) and fills it with `COPY … FROM (LOAD WITH HEADERS …)`,
    /// because Kùzu reads `name:type` headers as its own typed columns, whose lists are written
    /// `[a,b]`, not Neo4j's `a;b`.
    Kuzu,
}

/// Writes `nodes.csv`, `relationships.csv` and `load.cypher` into `dir` (created if needed; each
/// file replaced only once complete), from the whole store or from one graph, for Neo4j.
pub fn export(store: &Store, vocab: &Vocab, graph: Option<GraphNameRef<'_>>, dir: &Path) -> Result<Neo4jSummary> {
    export_for(Target::Neo4j, store, vocab, graph, dir)
}

/// [`export`] for the database `target`: the same CSV files, `target`'s `load.cypher`.
pub fn export_for(
    target: Target,
    store: &Store,
    vocab: &Vocab,
    graph: Option<GraphNameRef<'_>>,
    dir: &Path,
) -> Result<Neo4jSummary> {
    if let Some(GraphNameRef::NamedNode(g)) = graph {
        if !store.contains_named_graph(g)? {
            return Err(Error::Invalid(format!("no graph {g} in the store (see `kgraph stats` for the documents)")));
        }
    }
    let (nodes, columns, relationships) = collect(store, vocab, graph)?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let csv_error = |path: &Path, e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(path, e),
        other => Error::Invalid(format!("{}: {other:?}", path.display())),
    };

    let path = dir.join(NODES_FILE);
    super::write_atomically(&path, |out| {
        let mut w = csv::Writer::from_writer(out);
        let mut header: Vec<String> =
            ["iri:ID", ":LABEL", "name", "aliases:string[]", "wikidata", "documents:string[]"]
                .map(String::from)
                .to_vec();
        header.extend(columns.iter().map(|(p, c)| format!("{p}:{}", c.suffix())));
        w.write_record(&header).map_err(|e| csv_error(&path, e))?;
        for (id, node) in &nodes {
            let mut labels = vec!["Entity".to_owned()];
            labels.extend(node.classes.iter().cloned());
            let mut row = vec![
                id.clone(),
                labels.join(";"),
                text(node.name()),
                array(&node.aliases),
                node.wikidata.iter().next().cloned().unwrap_or_default(),
                array(&node.documents),
            ];
            for (p, _) in &columns {
                row.push(node.facts.get(p).map(array).unwrap_or_default());
            }
            w.write_record(&row).map_err(|e| csv_error(&path, e))?;
        }
        w.flush().map_err(|e| Error::io(&path, e))
    })?;

    let path = dir.join(RELATIONSHIPS_FILE);
    super::write_atomically(&path, |out| {
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
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
        ])
        .map_err(|e| csv_error(&path, e))?;
        for r in &relationships {
            let int = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
            w.write_record([
                r.start.as_str(),
                &r.end,
                &r.kind,
                &r.document,
                &r.sentence,
                &r.confidence,
                &r.rule,
                &int(r.sentence_start),
                &int(r.sentence_end),
                &r.speaker,
            ])
            .map_err(|e| csv_error(&path, e))?;
        }
        w.flush().map_err(|e| Error::io(&path, e))
    })?;

    let classes: BTreeSet<&String> = nodes.values().flat_map(|n| &n.classes).collect();
    let kinds: BTreeSet<&String> = relationships.iter().map(|r| &r.kind).collect();
    let path = dir.join(CYPHER_FILE);
    let script = match target {
        Target::Neo4j => cypher(&classes, &kinds, &columns),
        Target::Kuzu => kuzu(&kinds, &columns),
    };
    super::write_atomically(&path, |out| out.write_all(script.as_bytes()).map_err(|e| Error::io(&path, e)))?;
    Ok(Neo4jSummary { nodes: nodes.len(), relationships: relationships.len() })
}

type Collected = (BTreeMap<String, Node>, Vec<(String, Column)>, Vec<Relationship>);

fn collect(store: &Store, vocab: &Vocab, graph: Option<GraphNameRef<'_>>) -> Result<Collected> {
    let kg_ns = vocab.ontology_ns();
    let local = |n: &NamedNode| n.as_str().strip_prefix(kg_ns.as_str()).map(str::to_owned);
    // The documents' graphs (one, or all but kgraph's own), then the facts of the default graph.
    let skip: [GraphName; 2] = [vocab.ontology_graph().into(), vocab.summary_graph().into()];
    let documents_quads: Vec<Quad> = match graph {
        Some(GraphNameRef::DefaultGraph) => Vec::new(),
        Some(g) => store.quads_for_pattern(None, None, None, Some(g)).collect::<Result<_, _>>()?,
        None => store
            .quads_for_pattern(None, None, None, None)
            .filter(|q| q.as_ref().map_or(true, |q| !q.graph_name.is_default_graph() && !skip.contains(&q.graph_name)))
            .collect::<Result<_, _>>()?,
    };
    let default_quads: Vec<Quad> =
        store.quads_for_pattern(None, None, None, Some(GraphNameRef::DefaultGraph)).collect::<Result<_, _>>()?;
    let (rdf_type, label, alt_label, same_as) =
        (iri(ns::RDF, "type"), iri(ns::RDFS, "label"), iri(ns::SKOS, "altLabel"), iri(ns::OWL, "sameAs"));
    let identifier = iri(ns::DCTERMS, "identifier");

    // Documents: graph → identifier.
    let mut documents: HashMap<GraphName, String> = HashMap::new();
    for q in &documents_quads {
        if let (NamedOrBlankNode::NamedNode(s), GraphName::NamedNode(g), Term::Literal(id)) =
            (&q.subject, &q.graph_name, &q.object)
        {
            if q.predicate == identifier && s == g {
                documents.insert(q.graph_name.clone(), id.value().to_owned());
            }
        }
    }
    let document_of = |g: &GraphName| documents.get(g).cloned().unwrap_or_else(|| graph_text(g));

    // Entities (from the default graph) that the documents mention (give a label).
    let mentioned: std::collections::HashSet<&NamedOrBlankNode> =
        documents_quads.iter().filter(|q| q.predicate == label).map(|q| &q.subject).collect();
    let whole = graph.is_none() || graph == Some(GraphNameRef::DefaultGraph);
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    for q in &default_quads {
        let NamedOrBlankNode::NamedNode(s) = &q.subject else { continue };
        if !whole && !mentioned.contains(&q.subject) {
            continue;
        }
        if q.predicate == rdf_type {
            if let Term::NamedNode(class) = &q.object {
                if let Some(class) = local(class).filter(|c| !c.is_empty()) {
                    nodes.entry(s.as_str().to_owned()).or_default().classes.insert(class);
                }
            }
        }
    }
    for q in &default_quads {
        let NamedOrBlankNode::NamedNode(s) = &q.subject else { continue };
        let Some(node) = nodes.get_mut(s.as_str()) else { continue };
        match &q.object {
            Term::NamedNode(o) if q.predicate == same_as => {
                if let Some(qid) = o.as_str().strip_prefix(ns::WD) {
                    node.wikidata.insert(qid.to_owned());
                }
            }
            // The canonical label, for an entity no document graph read here names (its count
            // of documents, 0, makes any document's label win).
            Term::Literal(l) if q.predicate == label => {
                node.labels.entry(l.value().to_owned()).or_default();
            }
            _ => {}
        }
    }

    // Labels, facts and evidence, from the documents' graphs.
    let mut columns: BTreeMap<String, Column> = BTreeMap::new();
    let mut facts: std::collections::HashSet<(String, String, String, GraphName)> = Default::default();
    let mut evidence: HashMap<(NamedOrBlankNode, GraphName), Evidence> = HashMap::new();
    for q in &documents_quads {
        let key = || (q.subject.clone(), q.graph_name.clone());
        let subject = match &q.subject {
            NamedOrBlankNode::NamedNode(n) => n.as_str(),
            NamedOrBlankNode::BlankNode(_) => "",
        };
        let is_node = nodes.contains_key(subject);
        let Some(p) = local(&q.predicate) else {
            if let (true, Term::Literal(l)) = (is_node, &q.object) {
                let node = nodes.get_mut(subject).expect("a node");
                if q.predicate == label {
                    *node.labels.entry(l.value().to_owned()).or_default() += 1;
                    node.documents.insert(document_of(&q.graph_name));
                } else if q.predicate == alt_label {
                    node.aliases.insert(l.value().to_owned());
                }
            }
            continue;
        };
        match (&q.object, is_node) {
            (Term::Literal(l), false) => {
                let ev = evidence.entry(key()).or_default();
                match p.as_str() {
                    "confidence" => ev.confidence = l.value().to_owned(),
                    "rule" => ev.rule = l.value().to_owned(),
                    "sentence" => ev.sentence = l.value().to_owned(),
                    "spans" => (ev.sentence_start, ev.sentence_end) = first_span(l.value()),
                    _ => {}
                }
            }
            (o @ Term::NamedNode(_), false) if p == "fact" => evidence.entry(key()).or_default().fact = Some(o.clone()),
            // The method's IRI names its rule and confidence.
            (Term::NamedNode(m), false) if p == "by" => {
                if let Some((rule, confidence)) = vocab.method_parts(m.as_ref()) {
                    let ev = evidence.entry(key()).or_default();
                    ev.rule = rule;
                    ev.confidence = crate::graph::mint::decimal(confidence as f32);
                }
            }
            (Term::NamedNode(o), false) if p == "speaker" => {
                evidence.entry(key()).or_default().speaker = Some(o.clone().into());
            }
            (Term::Literal(l), true) => {
                let column = Column::of(l);
                columns.entry(p.clone()).and_modify(|c| *c = c.merge(column)).or_insert(column);
                nodes.get_mut(subject).expect("a node").facts.entry(p).or_default().insert(l.value().to_owned());
            }
            (Term::NamedNode(o), true) if nodes.contains_key(o.as_str()) => {
                facts.insert((subject.to_owned(), p, o.as_str().to_owned(), q.graph_name.clone()));
            }
            _ => {}
        }
    }

    // Evidence by the fact it supports, which its fact node names.
    let mut by_fact: HashMap<(String, String, String, GraphName), Vec<&Evidence>> = HashMap::new();
    for ((_, g), ev) in &evidence {
        let Some(Term::NamedNode(f)) = &ev.fact else { continue };
        let Some((s, p, Term::NamedNode(o))) = vocab.fact_triple(f.as_ref()) else { continue };
        let Some(p) = local(&p) else { continue };
        by_fact.entry((s.as_str().to_owned(), p, o.as_str().to_owned(), g.clone())).or_default().push(ev);
    }
    let name_of = |n: &Option<NamedOrBlankNode>| -> String {
        match n {
            Some(NamedOrBlankNode::NamedNode(n)) => nodes.get(n.as_str()).map_or(n.as_str(), |x| x.name()).to_owned(),
            _ => String::new(),
        }
    };
    let mut relationships = Vec::new();
    for fact in &facts {
        let (s, p, o, g) = fact;
        let base = || Relationship {
            start: s.clone(),
            end: o.clone(),
            kind: p.clone(),
            document: document_of(g),
            sentence_start: None,
            sentence_end: None,
            sentence: String::new(),
            confidence: String::new(),
            rule: String::new(),
            speaker: String::new(),
        };
        match by_fact.get(fact) {
            None => relationships.push(base()),
            Some(evs) => {
                for ev in evs {
                    relationships.push(Relationship {
                        sentence_start: ev.sentence_start,
                        sentence_end: ev.sentence_end,
                        sentence: text(&ev.sentence),
                        confidence: ev.confidence.clone(),
                        rule: text(&ev.rule),
                        speaker: text(&name_of(&ev.speaker)),
                        ..base()
                    });
                }
            }
        }
    }
    relationships.sort();
    relationships.dedup();
    Ok((nodes, columns.into_iter().collect(), relationships))
}

fn graph_text(g: &GraphName) -> String {
    match g {
        GraphName::NamedNode(n) => n.as_str().to_owned(),
        GraphName::BlankNode(b) => b.to_string(),
        GraphName::DefaultGraph => String::new(),
    }
}

/// A text value on one line.
fn text(s: &str) -> String {
    if s.contains(['\n', '\r']) {
        s.split(['\n', '\r']).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
    } else {
        s.to_owned()
    }
}

/// An array value: elements joined by `;` (a `;` inside one becomes `,`).
fn array(values: &BTreeSet<String>) -> String {
    values.iter().map(|v| text(v).replace(';', ",")).collect::<Vec<_>>().join(";")
}

/// `name` quoted for Cypher with backticks.
fn ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A Cypher string literal.
fn string(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The `LOAD CSV` script: a uniqueness constraint, the nodes, their class labels, then the
/// relationships of each type.
fn cypher(classes: &BTreeSet<&String>, kinds: &BTreeSet<&String>, columns: &[(String, Column)]) -> String {
    let mut s = String::new();
    let array = |column: &str, element: &str| {
        let field = format!("row.{}", ident(column));
        format!("CASE WHEN coalesce({field}, '') = '' THEN null ELSE [x IN split({field}, ';') | {element}] END")
    };
    let _ = writeln!(
        s,
        "// Loads the CSV files beside this script into a running Neo4j 5 with LOAD CSV (an\n\
         // alternative to `neo4j-admin database import full`). Copy nodes.csv and relationships.csv\n\
         // into the database's import/ folder, then: cypher-shell -u neo4j -p PASSWORD -f load.cypher\n\
         // Relationships are CREATEd: run it on an empty database, or delete kgraph's nodes first.\n"
    );
    let _ = writeln!(s, "CREATE CONSTRAINT kgraph_entity_iri IF NOT EXISTS FOR (n:Entity) REQUIRE n.iri IS UNIQUE;\n");
    let _ = writeln!(s, "LOAD CSV WITH HEADERS FROM 'file:///{NODES_FILE}' AS row");
    let _ = writeln!(s, "MERGE (n:Entity {{iri: row.`iri:ID`}})");
    let mut sets = vec![
        "n.name = row.name".to_owned(),
        format!("n.aliases = {}", array("aliases:string[]", "x")),
        "n.wikidata = row.wikidata".to_owned(),
        format!("n.documents = {}", array("documents:string[]", "x")),
    ];
    for (p, c) in columns {
        sets.push(format!("n.{} = {}", ident(p), array(&format!("{p}:{}", c.suffix()), c.cypher())));
    }
    let _ = writeln!(s, "SET {};\n", sets.join(",\n    "));
    for class in classes {
        let _ = writeln!(
            s,
            "LOAD CSV WITH HEADERS FROM 'file:///{NODES_FILE}' AS row\n\
             WITH row WHERE {} IN split(row.`:LABEL`, ';')\n\
             MATCH (n:Entity {{iri: row.`iri:ID`}}) SET n:{};\n",
            string(class),
            ident(class)
        );
    }
    for kind in kinds {
        let _ = writeln!(
            s,
            "LOAD CSV WITH HEADERS FROM 'file:///{RELATIONSHIPS_FILE}' AS row\n\
             WITH row WHERE row.`:TYPE` = {}\n\
             MATCH (a:Entity {{iri: row.`:START_ID`}}), (b:Entity {{iri: row.`:END_ID`}})\n\
             CREATE (a)-[:{} {{document: row.document, sentence: row.sentence, \
             confidence: toFloat(row.`confidence:float`), rule: row.rule, \
             sentenceStart: toInteger(row.`sentenceStart:int`), sentenceEnd: toInteger(row.`sentenceEnd:int`), \
             speaker: row.speaker}}]->(b);\n",
            string(kind),
            ident(kind)
        );
    }
    s
}

/// The Kùzu script: the schema, then `COPY` from the CSV files read as text columns, splitting
/// arrays on `;` and casting, so that the very files Neo4j imports load unchanged.
fn kuzu(kinds: &BTreeSet<&String>, columns: &[(String, Column)]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "// Loads nodes.csv and relationships.csv into an empty Kùzu database (0.11). The paths are\n\
         // relative: run it from this folder, statement by statement (each ends with `;` at the end\n\
         // of a line), e.g. with `python3 examples/kuzu_load.py THIS_FOLDER DATABASE`.\n"
    );
    let kuzu_type = |c: Column| match c {
        Column::Long => "INT64[]",
        Column::Date => "DATE[]",
        Column::Text => "STRING[]",
    };
    let mut properties = vec![
        "iri STRING PRIMARY KEY".to_owned(),
        "labels STRING[]".to_owned(),
        "name STRING".to_owned(),
        "aliases STRING[]".to_owned(),
        "wikidata STRING".to_owned(),
        "documents STRING[]".to_owned(),
    ];
    properties.extend(columns.iter().map(|(p, c)| format!("{} {}", ident(p), kuzu_type(*c))));
    let _ = writeln!(s, "CREATE NODE TABLE Entity({});\n", properties.join(", "));
    const EVIDENCE: &str = "document STRING, sentence STRING, confidence DOUBLE, rule STRING, \
                            sentenceStart INT64, sentenceEnd INT64, speaker STRING";
    for kind in kinds {
        let _ = writeln!(s, "CREATE REL TABLE {}(FROM Entity TO Entity, {EVIDENCE});", ident(kind));
    }
    // Every column read as text (c0, c1, …), then split and cast: an empty field is NULL.
    let list = |c: &str, element: &str| {
        format!("CASE WHEN {c} IS NULL OR {c} = '' THEN NULL ELSE list_transform(string_split({c}, ';'), x -> {element}) END")
    };
    let text_columns = |n: usize| (0..n).map(|i| format!("c{i} STRING")).collect::<Vec<_>>().join(", ");
    let mut values = vec![
        "c0".to_owned(),
        list("c1", "x"),
        "c2".to_owned(),
        list("c3", "x"),
        "c4".to_owned(),
        list("c5", "x"),
    ];
    for (i, (_, c)) in columns.iter().enumerate() {
        let element = match c {
            Column::Long => "CAST(x AS INT64)",
            Column::Date => "date(x)",
            Column::Text => "x",
        };
        values.push(list(&format!("c{}", i + 6), element));
    }
    let _ = writeln!(
        s,
        "\nCOPY Entity FROM (LOAD WITH HEADERS ({}) FROM '{NODES_FILE}' (header = true)\n  RETURN {});",
        text_columns(values.len()),
        values.join(",\n    ")
    );
    for kind in kinds {
        let _ = writeln!(
            s,
            "\nCOPY {} FROM (LOAD WITH HEADERS ({}) FROM '{RELATIONSHIPS_FILE}' (header = true)\n  \
             WHERE c2 = {}\n  RETURN c0, c1, c3, c4, CAST(c5 AS DOUBLE), c6, CAST(c7 AS INT64), CAST(c8 AS INT64), c9);",
            ident(kind),
            text_columns(10),
            string(kind)
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::RdfFormat;

    const DATA: &str = r#"
        @prefix kg: <https://w3id.org/kgraph/ontology#> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <https://w3id.org/kgraph/entity/country/Q159> a kg:Country ; rdfs:label "Russia" ; owl:sameAs <http://www.wikidata.org/entity/Q159> .
        <https://w3id.org/kgraph/entity/agreement/d> a kg:Agreement ; rdfs:label "truce" ; kg:date "2020-11-10"^^xsd:date .
        <https://w3id.org/kgraph/entity/group/pk> a kg:Group ; rdfs:label "peacekeepers" ; kg:count 1960, 2000 .
        <https://w3id.org/kgraph/entity/country/Q159> kg:brokered <https://w3id.org/kgraph/entity/agreement/d> ; kg:deployed <https://w3id.org/kgraph/entity/group/pk> .
        <https://w3id.org/kgraph/doc/d1> {
          <https://w3id.org/kgraph/doc/d1> dcterms:identifier "d1" .
          <https://w3id.org/kgraph/entity/country/Q159> rdfs:label "Russia" ; skos:altLabel "Moscow;Kremlin", "Russian" .
          <https://w3id.org/kgraph/entity/agreement/d> rdfs:label "truce" ; kg:date "2020-11-10"^^xsd:date .
          <https://w3id.org/kgraph/entity/group/pk> rdfs:label "peacekeepers" ; kg:count 1960, 2000 .
          <https://w3id.org/kgraph/entity/country/Q159> kg:brokered <https://w3id.org/kgraph/entity/agreement/d> .
          <http://v/1> kg:fact <https://w3id.org/kgraph/fact/country/Q159/brokered/agreement/d> ; kg:sentence "Russia brokered\nthe truce." ; kg:spans "0-26 0-6 20-25" ;
              kg:by <https://w3id.org/kgraph/method/cue%3Abrokered/0.9> .
          <http://v/2> kg:fact <https://w3id.org/kgraph/fact/country/Q159/brokered/agreement/d> ; kg:sentence "Moscow mediated." ; kg:spans "30-46 30-36 30-46" ;
              kg:by <https://w3id.org/kgraph/method/cue%3Amediated/0.7> .
          <https://w3id.org/kgraph/entity/country/Q159> kg:deployed <https://w3id.org/kgraph/entity/group/pk> .
        }
        <https://w3id.org/kgraph/ontology> { kg:Country a owl:Class ; rdfs:label "Country" . }
        <https://w3id.org/kgraph/summary> { <https://w3id.org/kgraph/fact/country/Q159/brokered/agreement/d> kg:documents 1 ; kg:bestConfidence 0.9 . }
    "#;

    fn files(graph: Option<GraphNameRef<'_>>) -> (Neo4jSummary, String, String, String) {
        let store = Store::new().unwrap();
        store.load_from_slice(RdfFormat::TriG, DATA).unwrap();
        let dir = tempfile::TempDir::new().unwrap();
        let summary = export(&store, &Vocab::default(), graph, dir.path()).unwrap();
        let read = |f: &str| std::fs::read_to_string(dir.path().join(f)).unwrap();
        (summary, read(NODES_FILE), read(RELATIONSHIPS_FILE), read(CYPHER_FILE))
    }

    #[test]
    fn entities_become_nodes_with_labels_aliases_and_facts() {
        let (summary, nodes, _, _) = files(None);
        assert_eq!(summary.nodes, 3);
        let lines: Vec<&str> = nodes.lines().collect();
        assert_eq!(
            lines[0],
            "iri:ID,:LABEL,name,aliases:string[],wikidata,documents:string[],count:long[],date:date[]"
        );
        assert_eq!(lines[1], "https://w3id.org/kgraph/entity/agreement/d,Entity;Agreement,truce,,,d1,,2020-11-10");
        assert_eq!(lines[2], "https://w3id.org/kgraph/entity/country/Q159,Entity;Country,Russia,\"Moscow,Kremlin;Russian\",Q159,d1,,");
        assert_eq!(lines[3], "https://w3id.org/kgraph/entity/group/pk,Entity;Group,peacekeepers,,,d1,1960;2000,");
        assert_eq!(lines.len(), 4, "the ontology's classes are not nodes");
    }

    #[test]
    fn facts_become_relationships_one_per_evidence() {
        let (summary, _, rels, _) = files(None);
        assert_eq!(summary.relationships, 3);
        let lines: Vec<&str> = rels.lines().collect();
        assert_eq!(
            lines[0],
            ":START_ID,:END_ID,:TYPE,document,sentence,confidence:float,rule,sentenceStart:int,sentenceEnd:int,speaker"
        );
        assert_eq!(lines[1], "https://w3id.org/kgraph/entity/country/Q159,https://w3id.org/kgraph/entity/agreement/d,brokered,d1,Russia brokered the truce.,0.9,cue:brokered,0,26,");
        assert_eq!(lines[2], "https://w3id.org/kgraph/entity/country/Q159,https://w3id.org/kgraph/entity/agreement/d,brokered,d1,Moscow mediated.,0.7,cue:mediated,30,46,");
        assert_eq!(lines[3], "https://w3id.org/kgraph/entity/country/Q159,https://w3id.org/kgraph/entity/group/pk,deployed,d1,,,,,,", "no evidence: empty properties");
    }

    #[test]
    fn the_cypher_script_loads_every_class_and_type() {
        let (_, _, _, cypher) = files(None);
        for needle in [
            "MERGE (n:Entity {iri: row.`iri:ID`})",
            "n.`count` = CASE WHEN coalesce(row.`count:long[]`, '') = '' THEN null ELSE [x IN split(row.`count:long[]`, ';') | toInteger(x)] END",
            "WITH row WHERE 'Agreement' IN split(row.`:LABEL`, ';')",
            "MATCH (n:Entity {iri: row.`iri:ID`}) SET n:`Group`;",
            "WITH row WHERE row.`:TYPE` = 'deployed'",
            "CREATE (a)-[:`brokered` {",
        ] {
            assert!(cypher.contains(needle), "{needle}\n{cypher}");
        }
    }

    #[test]
    fn the_kuzu_script_creates_the_schema_and_copies_the_same_files() {
        let store = Store::new().unwrap();
        store.load_from_slice(RdfFormat::TriG, DATA).unwrap();
        let dir = tempfile::TempDir::new().unwrap();
        let summary = export_for(Target::Kuzu, &store, &Vocab::default(), None, dir.path()).unwrap();
        assert_eq!(summary, Neo4jSummary { nodes: 3, relationships: 3 });
        let (_, nodes, rels, _) = files(None);
        assert_eq!(std::fs::read_to_string(dir.path().join(NODES_FILE)).unwrap(), nodes, "the same nodes.csv");
        assert_eq!(std::fs::read_to_string(dir.path().join(RELATIONSHIPS_FILE)).unwrap(), rels);
        let script = std::fs::read_to_string(dir.path().join(CYPHER_FILE)).unwrap();
        for needle in [
            "CREATE NODE TABLE Entity(iri STRING PRIMARY KEY, labels STRING[], name STRING, aliases STRING[], \
             wikidata STRING, documents STRING[], `count` INT64[], `date` DATE[]);",
            "CREATE REL TABLE `brokered`(FROM Entity TO Entity, document STRING, sentence STRING, confidence DOUBLE,",
            "CREATE REL TABLE `deployed`(FROM Entity TO Entity,",
            "FROM 'nodes.csv' (header = true)",
            "list_transform(string_split(c6, ';'), x -> CAST(x AS INT64))",
            "list_transform(string_split(c7, ';'), x -> date(x))",
            "COPY `brokered` FROM (LOAD WITH HEADERS (c0 STRING, c1 STRING, c2 STRING, c3 STRING, c4 STRING, \
             c5 STRING, c6 STRING, c7 STRING, c8 STRING, c9 STRING) FROM 'relationships.csv' (header = true)\n  \
             WHERE c2 = 'brokered'",
        ] {
            assert!(script.contains(needle), "{needle}\n{script}");
        }
        assert!(!script.contains("LOAD CSV"), "no Neo4j dialect");
    }

    #[test]
    fn one_graph_or_an_unknown_graph() {
        let g = NamedNode::new("https://w3id.org/kgraph/doc/d1").unwrap();
        assert_eq!(files(Some(g.as_ref().into())).0, Neo4jSummary { nodes: 3, relationships: 3 });
        let store = Store::new().unwrap();
        let dir = tempfile::TempDir::new().unwrap();
        let missing = NamedNode::new("http://ex.org/none").unwrap();
        assert!(export(&store, &Vocab::default(), Some(missing.as_ref().into()), dir.path()).is_err());
    }
}
