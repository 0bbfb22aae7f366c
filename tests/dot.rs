//! `kgraph dot`: pictures of a small hand-made store (snapshots, filters, merging, CONSTRUCT
//! results, escaping), the seeds and a 10,000-entity generated store accepted by Graphviz, and
//! the command end to end.

use std::io::Write;
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::time::Instant;

use assert_cmd::Command;
use kgraph::graph::Vocab;
use kgraph::output::dot::{self, DotStyle, DrawOptions, Filters, Layout, Picture, Selection};
use kgraph::store::{DocumentQuads, KgStore};
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term};
use predicates::prelude::*;
use tempfile::TempDir;

const E: &str = "https://w3id.org/kgraph/entity/";
const KG: &str = "https://w3id.org/kgraph/ontology#";
const DOC: &str = "https://w3id.org/kgraph/doc/";

/// Entities of the hand-made store: key under `entity/`, class, label, alternative labels.
const ENTITIES: &[(&str, &str, &str, &[&str])] = &[
    ("country/Q159", "Country", "Russia", &["Moscow"]),
    ("country/Q399", "Country", "Armenia", &[]),
    ("country/Q227", "Country", "Azerbaijan", &[]),
    ("country/Q43", "Country", "Turkey", &["Ankara"]),
    ("person/putin", "Person", "Vladimir Putin", &["Putin"]),
    ("agreement/2020-11-10", "Agreement", "agreement of 10 November 2020", &["deal"]),
    ("agreement/2020-10-10", "Agreement", "truce of 10 October 2020", &["deal", "truce"]),
    ("group/peacekeepers", "Group", "Russian peacekeepers", &[]),
    ("place/lachin", "Place", "Lachin corridor", &[]),
    ("organization/nato", "Organization", "NATO", &[]),
    ("event/war", "Event", "war of 2020", &[]),
    ("place/nowhere", "Place", "Nowhere", &[]),
];

/// Facts: document, subject key, predicate, object (a key, or a literal in quotes), confidence.
const FACTS: &[(&str, &str, &str, &str, f64)] = &[
    ("d1", "country/Q159", "brokered", "agreement/2020-11-10", 0.9),
    ("d2", "country/Q159", "brokered", "agreement/2020-11-10", 0.8),
    ("d1", "country/Q399", "signed", "agreement/2020-11-10", 0.9),
    ("d1", "country/Q227", "signed", "agreement/2020-11-10", 0.5),
    ("d1", "country/Q399", "signed", "agreement/2020-10-10", 0.9),
    ("d2", "country/Q43", "supports", "country/Q227", 0.9),
    ("d1", "country/Q43", "allyOf", "country/Q227", 0.7),
    ("d2", "country/Q227", "allyOf", "country/Q43", 0.7),
    ("d1", "person/putin", "officialOf", "country/Q159", 0.9),
    ("d1", "person/putin", "title", "\"President\"", 0.9),
    ("d2", "country/Q159", "deployed", "group/peacekeepers", 0.9),
    ("d2", "group/peacekeepers", "deployedTo", "place/lachin", 0.6),
    ("d2", "group/peacekeepers", "count", "\"1960\"^^<http://www.w3.org/2001/XMLSchema#integer>", 0.9),
    ("d2", "country/Q43", "memberOf", "organization/nato", 0.9),
    ("d1", "agreement/2020-11-10", "date", "\"2020-11-10\"^^<http://www.w3.org/2001/XMLSchema#date>", 0.9),
    ("d1", "event/war", "deathToll", "\"5000\"^^<http://www.w3.org/2001/XMLSchema#integer>", 0.4),
];

fn literal(s: &str) -> String {
    let escaped: String = s
        .chars()
        .flat_map(|c| match c {
            '"' => "\\\"".chars().collect::<Vec<_>>(),
            '\\' => "\\\\".chars().collect(),
            '\n' => "\\n".chars().collect(),
            '\r' => "\\r".chars().collect(),
            c => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}

/// The hand-made store, in kgraph's layout, written as kgraph writes documents: per document, its
/// graph (description, the labels and surface forms of the entities it names, its facts, one
/// evidence record per fact with its fact node and method (rule and confidence)) and its facts (each triple, the
/// entities' types and labels), so that the default graph and the summary come from kgraph's
/// own code.
fn store_of(entities: &[(&str, &str, &str, &[&str])], facts: &[(&str, &str, &str, &str, f64)]) -> KgStore {
    let vocab = Vocab::default();
    let kg = KgStore::memory().unwrap();
    kg.load_ontology(&vocab, None).unwrap();
    // A literal in N-Triples syntax, else an entity key.
    let term = |o: &str| -> Term {
        if o.starts_with('"') {
            o.parse::<Literal>().unwrap().into()
        } else {
            NamedNode::new(format!("{E}{o}")).unwrap().into()
        }
    };
    let iri = |s: &str| NamedNode::new(s).unwrap();
    for (doc, title) in [("d1", "The November deal"), ("d2", "Peacekeepers & <allies>")] {
        let g = vocab.document(doc);
        let gn = GraphName::NamedNode(g.clone());
        let mut quads = vec![
            Quad::new(g.clone(), iri("http://purl.org/dc/terms/identifier"), Literal::new_simple_literal(doc), gn.clone()),
            Quad::new(g.clone(), iri("http://purl.org/dc/terms/title"), Literal::new_simple_literal(title), gn.clone()),
        ];
        let mut default = Vec::new();
        for (key, class, label, aliases) in entities {
            let named = facts.iter().any(|f| f.0 == doc && (f.1 == *key || f.3 == *key));
            if !named && !(doc == "d1" && *key == "place/nowhere") {
                continue;
            }
            let e = iri(&format!("{E}{key}"));
            let label = Literal::new_simple_literal(*label);
            quads.push(Quad::new(e.clone(), iri(RDFS_LABEL), label.clone(), gn.clone()));
            for a in *aliases {
                quads.push(Quad::new(e.clone(), iri(SKOS_ALT), Literal::new_simple_literal(*a), gn.clone()));
            }
            default.push(Quad::new(e.clone(), iri(RDF_TYPE), iri(&format!("{KG}{class}")), GraphName::DefaultGraph));
            default.push(Quad::new(e, iri(RDFS_LABEL), label, GraphName::DefaultGraph));
        }
        for (i, (_, s, p, o, conf)) in facts.iter().enumerate().filter(|(_, f)| f.0 == doc) {
            let (s, p, o) = (iri(&format!("{E}{s}")), iri(&format!("{KG}{p}")), term(o));
            let f = vocab.fact(s.as_ref(), p.as_ref(), o.as_ref());
            let v = iri(&format!("https://w3id.org/kgraph/evidence/{i}"));
            quads.push(Quad::new(s.clone(), p.clone(), o.clone(), gn.clone()));
            quads.push(Quad::new(v.clone(), vocab.term("fact"), f, gn.clone()));
            quads.push(Quad::new(v, vocab.term("by"), vocab.method("test", &format!("{conf}")), gn.clone()));
            default.push(Quad::new(s, p, o, GraphName::DefaultGraph));
        }
        kg.write_documents(&vocab, &[DocumentQuads { graph: g.as_ref(), quads: &quads, facts: &default }]).unwrap();
    }
    kg
}

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";
const SKOS_ALT: &str = "http://www.w3.org/2004/02/skos/core#altLabel";

fn small_store() -> KgStore {
    store_of(ENTITIES, FACTS)
}

fn draw(kg: &KgStore, options: &DrawOptions) -> kgraph::Result<Picture> {
    dot::draw(kg.store(), &Vocab::default(), options)
}

fn text(picture: &Picture, style: &DotStyle) -> String {
    let mut out = Vec::new();
    dot::write_dot(picture, style, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn labels(p: &Picture) -> Vec<&str> {
    p.graph.node_weights().map(|n| n.label.as_str()).collect()
}

fn edges(p: &Picture) -> Vec<String> {
    let mut out: Vec<String> = p
        .graph
        .edge_indices()
        .map(|e| {
            let (a, b) = p.graph.edge_endpoints(e).unwrap();
            let w = &p.graph[e];
            format!("{} {} {} ×{}", p.graph[a].label, w.label, p.graph[b].label, w.documents)
        })
        .collect();
    out.sort();
    out
}

fn focus(name: &str, depth: usize) -> DrawOptions {
    DrawOptions { selection: Selection::Focus { name: name.into(), depth }, ..DrawOptions::default() }
}

/// Graphviz's verdict on DOT text (`dot -Tsvg`), or `None` where Graphviz is not installed.
fn graphviz_svg(dot: &str) -> Option<Result<String, String>> {
    if !dot::render::available() {
        eprintln!("Graphviz not installed (apt-get install graphviz): rendering not checked");
        return None;
    }
    let mut child = Process::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = dot.to_owned();
    let feeder = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap().unwrap();
    Some(if out.status.success() {
        Ok(String::from_utf8(out.stdout).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    })
}

#[test]
fn facts_from_several_documents_are_one_edge_with_a_count() {
    let kg = small_store();
    let all = draw(&kg, &DrawOptions::default()).unwrap();
    assert_eq!(
        edges(&all),
        [
            "Armenia signed agreement of 10 November 2020 ×1",
            "Armenia signed truce of 10 October 2020 ×1",
            "Azerbaijan signed agreement of 10 November 2020 ×1",
            "Russia brokered agreement of 10 November 2020 ×2",
            "Russia deployed Russian peacekeepers ×1",
            "Russian peacekeepers deployed to Lachin corridor ×1",
            "Turkey member of NATO ×1",
            "Turkey supports Azerbaijan ×1",
            "Vladimir Putin official of Russia ×1",
            // Symmetric: stated both ways in two documents, one edge.
            "Azerbaijan ally of Turkey ×2",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
    // Nodes in label order; "Nowhere" has neither relation nor fact: not drawn.
    assert_eq!(
        labels(&all),
        [
            "agreement of 10 November 2020",
            "Armenia",
            "Azerbaijan",
            "Lachin corridor",
            "NATO",
            "Russia",
            "Russian peacekeepers",
            "truce of 10 October 2020",
            "Turkey",
            "Vladimir Putin",
            "war of 2020"
        ]
    );
    let rows = |label: &str| -> Vec<String> {
        let n = all.graph.node_weights().find(|n| n.label == label).unwrap();
        n.rows.iter().map(|r| format!("{}: {}", r.label, r.value)).collect()
    };
    assert_eq!(rows("Russian peacekeepers"), ["count: 1960"]);
    assert_eq!(rows("Vladimir Putin"), ["title: President"]);
    assert_eq!(rows("war of 2020"), ["death toll: 5000"]);
    let dot = text(&all, &DotStyle::default());
    assert!(!dot.contains("rdf-syntax-ns#type") && !dot.contains("evidence/") && !dot.contains("fact/"), "no types or provenance: {dot}");
    assert!(dot.contains("label=<ally of ×2>") && dot.contains("dir=none"), "{dot}");
}

#[test]
fn filters_narrow_the_picture() {
    let kg = small_store();
    let with = |filters: Filters| draw(&kg, &DrawOptions { filters, ..DrawOptions::default() }).unwrap();

    let support = with(Filters { predicates: vec!["supports".into(), "Ally Of".into()], ..Filters::default() });
    assert_eq!(edges(&support), ["Azerbaijan ally of Turkey ×2", "Turkey supports Azerbaijan ×1"]);
    assert_eq!(labels(&support), ["Azerbaijan", "Turkey"]);

    let countries = with(Filters { types: vec!["country".into()], ..Filters::default() });
    assert_eq!(labels(&countries), ["Azerbaijan", "Turkey"], "only countries related to countries");

    let d2 = with(Filters { document: Some("d2".into()), ..Filters::default() });
    assert_eq!(
        edges(&d2),
        [
            "Azerbaijan ally of Turkey ×1",
            "Russia brokered agreement of 10 November 2020 ×1",
            "Russia deployed Russian peacekeepers ×1",
            "Russian peacekeepers deployed to Lachin corridor ×1",
            "Turkey member of NATO ×1",
            "Turkey supports Azerbaijan ×1"
        ]
    );

    let sure = with(Filters { min_confidence: Some(0.8), ..Filters::default() });
    let sure_edges = edges(&sure);
    assert!(sure_edges.contains(&"Russia brokered agreement of 10 November 2020 ×2".to_owned()));
    assert!(!sure_edges.iter().any(|e| e.starts_with("Azerbaijan signed") || e.contains("ally of")), "{sure_edges:?}");
    assert!(!labels(&sure).contains(&"war of 2020"), "its only fact has confidence 0.4");
    let sure_and_d2 = with(Filters { min_confidence: Some(0.85), document: Some("d2".into()), ..Filters::default() });
    assert!(!edges(&sure_and_d2).iter().any(|e| e.starts_with("Russia brokered")), "0.8 in d2");

    for (filters, message) in [
        (Filters { predicates: vec!["likes".into()], ..Filters::default() }, "no relation \"likes\" (known: accused"),
        (Filters { types: vec!["Spaceship".into()], ..Filters::default() }, "no class \"Spaceship\""),
        (Filters { document: Some("d9".into()), ..Filters::default() }, "no document \"d9\""),
    ] {
        let err = draw(&kg, &DrawOptions { filters, ..DrawOptions::default() }).unwrap_err().to_string();
        assert!(err.contains(message), "{err}");
    }
}

#[test]
fn focus_path_and_max_nodes_select_from_the_store() {
    let kg = small_store();
    let deal = draw(&kg, &focus("Agreement of 10 November 2020", 1)).unwrap();
    assert_eq!(labels(&deal), ["agreement of 10 November 2020", "Armenia", "Azerbaijan", "Russia"]);
    let err = draw(&kg, &focus("deal", 1)).unwrap_err().to_string();
    assert!(
        err.contains("\"deal\" names 2 entities")
            && err.contains(
                "agreement of 10 November 2020 (Agreement, <https://w3id.org/kgraph/entity/agreement/2020-11-10>)"
            )
            && err.contains("truce of 10 October 2020 (Agreement,"),
        "{err}"
    );
    // An entity without relations can be focused on: it is drawn alone.
    assert_eq!(labels(&draw(&kg, &focus("nowhere", 2)).unwrap()), ["Nowhere"]);

    let path = DrawOptions {
        selection: Selection::Path { from: "Putin".into(), to: "Lachin corridor".into() },
        ..DrawOptions::default()
    };
    let path = draw(&kg, &path).unwrap();
    assert_eq!(
        edges(&path),
        [
            "Russia deployed Russian peacekeepers ×1",
            "Russian peacekeepers deployed to Lachin corridor ×1",
            "Vladimir Putin official of Russia ×1"
        ]
    );
    let marked: Vec<&str> = path.graph.node_weights().filter(|n| n.marked).map(|n| n.label.as_str()).collect();
    assert_eq!(marked, ["Lachin corridor", "Vladimir Putin"]);

    let few = draw(&kg, &DrawOptions { max_nodes: 3, ..DrawOptions::default() }).unwrap();
    assert_eq!((few.graph.node_count(), few.entities, few.left_out), (3, 11, 8));
    assert_eq!(labels(&few), ["agreement of 10 November 2020", "Azerbaijan", "Russia"]);
}

#[test]
fn a_construct_result_is_drawn_with_labels_from_the_store() {
    let kg = small_store();
    let query = "PREFIX kg: <https://w3id.org/kgraph/ontology#>
        CONSTRUCT { ?s kg:supports ?o . ?s <http://example.org/likes> ?o . ?s a kg:Country .
                    ?o <http://www.w3.org/2000/01/rdf-schema#label> \"Azerbaijan (from the query)\" }
        WHERE { ?s kg:supports ?o }";
    let options = DrawOptions { query: Some((query.into(), Some("q.rq".into()))), ..DrawOptions::default() };
    let picture = draw(&kg, &options).unwrap();
    assert_eq!(
        edges(&picture),
        // The store's count for the fact it holds; none for a triple only the result has.
        ["Turkey likes Azerbaijan (from the query) ×0", "Turkey supports Azerbaijan (from the query) ×1"]
    );
    let classes: Vec<_> = picture.graph.node_weights().map(|n| n.class.as_ref().map(|c| c.local.as_str())).collect();
    assert_eq!(classes, [Some("Country"), Some("Country")], "Azerbaijan's class comes from the store");

    let select = DrawOptions { query: Some(("SELECT * WHERE { ?s ?p ?o }".into(), Some("q.rq".into()))), ..options };
    let err = draw(&kg, &select).unwrap_err().to_string();
    assert!(err.starts_with("q.rq: ") && err.contains("CONSTRUCT"), "{err}");
}

#[test]
fn snapshot_of_the_neighbourhood_of_the_deal() {
    let kg = small_store();
    // The documents of each drawn edge, looked up from its evidence, for the tooltips.
    let picture = draw(&kg, &DrawOptions { sources: true, ..focus("agreement of 10 November 2020", 1) }).unwrap();
    insta::assert_snapshot!("deal_depth_1", text(&picture, &DotStyle { evidence: true, ..DotStyle::default() }));
}

#[test]
fn snapshot_of_the_whole_small_store_for_sfdp() {
    let kg = small_store();
    let picture = draw(&kg, &DrawOptions::default()).unwrap();
    insta::assert_snapshot!(
        "small_store_sfdp",
        text(&picture, &DotStyle { layout: Layout::Sfdp, ..DotStyle::default() })
    );
}

#[test]
fn snapshot_of_a_path_without_legend() {
    let kg = small_store();
    let options = DrawOptions {
        selection: Selection::Path { from: "Putin".into(), to: "NATO".into() },
        ..DrawOptions::default()
    };
    let picture = draw(&kg, &options).unwrap();
    insta::assert_snapshot!("putin_to_nato", text(&picture, &DotStyle { legend: false, ..DotStyle::default() }));
}

/// Names that break naive DOT writers: quotes, backslashes and Graphviz escapes, line breaks,
/// markup and entities, control characters, non-ASCII.
const NASTY: [&str; 6] = [
    "Say \"cheese\" \\ or \\N \\G \\L",
    "line one\nline two\r\nthree",
    "<b>bold</b> & &amp; <BR/> ]; } // <!--",
    "Ünïcødé Шуша 東京 العربية 🚀",
    "bell\u{7} nul\u{0} del\u{7f} tab\t end\\",
    "",
];

#[test]
fn every_name_is_escaped_and_graphviz_accepts_it() {
    let entities: Vec<(String, &str, &str, Vec<&str>)> =
        NASTY.iter().enumerate().map(|(i, name)| (format!("group/n{i}"), "Group", *name, vec![*name])).collect();
    let entities: Vec<(&str, &str, &str, &[&str])> =
        entities.iter().map(|(k, c, l, a)| (k.as_str(), *c, *l, a.as_slice())).collect();
    let facts: Vec<(&str, &str, &str, String, f64)> = (0..NASTY.len())
        .map(|i| ("d2", entities[i].0, "attacked", entities[(i + 1) % NASTY.len()].0.to_owned(), 0.9))
        .chain((0..NASTY.len()).map(|i| ("d1", entities[i].0, "title", literal(NASTY[i]), 0.9)))
        .collect();
    let facts: Vec<(&str, &str, &str, &str, f64)> =
        facts.iter().map(|(d, s, p, o, c)| (*d, *s, *p, o.as_str(), *c)).collect();
    let kg = store_of(&entities, &facts);

    let picture = draw(&kg, &DrawOptions { sources: true, ..DrawOptions::default() }).unwrap();
    assert_eq!(picture.graph.node_count(), NASTY.len());
    let found = draw(&kg, &focus("line one line two three", 0)).unwrap();
    assert_eq!(labels(&found), [NASTY[1]], "names are compared with spaces normalised");
    let dot = text(&picture, &DotStyle { evidence: true, ..DotStyle::default() });
    insta::assert_snapshot!("nasty_names", dot);
    for line in dot.lines() {
        assert!(!line.chars().any(|c| c.is_control()), "a control character in {line:?}");
    }
    assert!(dot.contains("Ünïcødé Шуша 東京 العربية 🚀"), "non-ASCII is kept as UTF-8");
    assert!(dot.contains(r#"stated in 1 document:\nd2: Peacekeepers &amp; <allies>""#), "{dot}");
    let Some(svg) = graphviz_svg(&dot) else { return };
    let svg = svg.unwrap_or_else(|e| panic!("Graphviz refused the DOT: {e}\n{dot}"));
    for expected in [
        r">Say &quot;cheese&quot; \ or \N \G</text>",
        r">\L</text>",
        r">title: bell� nul� del� tab end\</text>",
        r#"xlink:title="Say &quot;cheese&quot; \ or \N \G \L (Group)&#10;"#,
        r"end\ (Group)&#10;",
        ">&lt;b&gt;bold&lt;/b&gt; &amp; &amp;amp;</text>",
        ">Ünïcødé Шуша 東京 العربية</text>",
        ">line two</text>",
        "d2: Peacekeepers &amp; &lt;allies&gt;",
    ] {
        assert!(svg.contains(expected), "the picture lacks {expected:?}:\n{svg}");
    }
}

/// The seeds, built in memory.
fn seeds() -> KgStore {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ontology = root.join("ontology");
    let lexicon = std::sync::Arc::new(kgraph::extract::LexiconBuilder::new().dir(&ontology).build().unwrap());
    let vocab = Vocab::default();
    let pipeline = kgraph::pipeline::PipelineBuilder::default().vocab(vocab.clone()).build(lexicon);
    let kg = KgStore::memory().unwrap();
    kg.load_ontology(&vocab, Some(&ontology)).unwrap();
    kgraph::drive::build(&kg, &pipeline, &[root.join("seeds")], &Default::default(), |_| {}).unwrap();
    kg
}

#[test]
fn graphviz_accepts_the_seeds_in_every_layout() {
    let kg = seeds();
    let started = Instant::now();
    let picture = draw(&kg, &DrawOptions { max_nodes: 0, ..DrawOptions::default() }).unwrap();
    let elapsed = started.elapsed();
    assert!(picture.graph.node_count() > 0 && picture.graph.edge_count() > 0);
    eprintln!(
        "seeds: {} entities, {} relations, drawn in {:.2}s",
        picture.graph.node_count(),
        picture.graph.edge_count(),
        elapsed.as_secs_f64()
    );
    // Every CONSTRUCT example of queries/ draws.
    let mut files: Vec<_> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("queries"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| std::fs::read_to_string(p).unwrap().contains("\nCONSTRUCT"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "{files:?}");
    for file in files {
        let query = Some((std::fs::read_to_string(&file).unwrap(), Some(file.display().to_string())));
        let drawn = draw(&kg, &DrawOptions { query, ..DrawOptions::default() }).unwrap();
        assert!(drawn.graph.node_count() > 0, "{} draws nothing", file.display());
        if let Some(svg) = graphviz_svg(&text(&drawn, &DotStyle::default())) {
            svg.unwrap_or_else(|e| panic!("Graphviz refused {}: {e}", file.display()));
        }
    }
    for layout in [Layout::Dot, Layout::Sfdp, Layout::Neato] {
        let dot = text(&picture, &DotStyle { layout, evidence: true, legend: true });
        if let Some(svg) = graphviz_svg(&dot) {
            let svg = svg.unwrap_or_else(|e| panic!("Graphviz refused the seeds ({layout}): {e}"));
            assert!(svg.contains("<svg") && svg.contains("Russia"));
        }
    }
}

/// A store of `n` entities (facts in the default graph, no summary) over `n / 100` documents:
/// countries, people and groups in chains and stars, so that some are hubs.
fn generated(n: usize) -> KgStore {
    let classes = ["Country", "Person", "Organization", "Place", "Agreement", "Group", "Event"];
    let predicates = ["supports", "accused", "attacked", "memberOf", "allyOf", "signed"];
    let mut out = String::new();
    for i in 0..n {
        let g = "";
        let e = format!("<{E}gen/{i}>");
        out += &format!("{e} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KG}{}> {g} .\n", classes[i % 7]);
        out += &format!("{e} <http://www.w3.org/2000/01/rdf-schema#label> \"entity {i}\" {g} .\n");
        for target in [(i * 7 + 3) % n, i / 10] {
            if target != i {
                out += &format!("{e} <{KG}{}> <{E}gen/{target}> {g} .\n", predicates[(i + target) % 6]);
            }
        }
        if i % 5 == 0 {
            out += &format!("{e} <{KG}count> \"{i}\"^^<http://www.w3.org/2001/XMLSchema#integer> {g} .\n");
        }
    }
    for d in 0..n.div_ceil(100) {
        out += &format!("<{DOC}g{d}> <http://purl.org/dc/terms/identifier> \"g{d}\" <{DOC}g{d}> .\n");
    }
    let kg = KgStore::memory().unwrap();
    kg.load_ontology(&Vocab::default(), None).unwrap();
    kg.store().load_from_slice(oxigraph::io::RdfFormat::NQuads, out.as_bytes()).unwrap();
    kg
}

#[test]
fn ten_thousand_entities_are_drawn_whole_or_cut_to_the_hubs() {
    let kg = generated(10_000);
    let started = Instant::now();
    let whole = draw(&kg, &DrawOptions { max_nodes: 0, ..DrawOptions::default() }).unwrap();
    let mut out = Vec::new();
    dot::write_dot(&whole, &DotStyle::default(), &mut out).unwrap();
    eprintln!(
        "10,000 entities: {} nodes, {} edges, {} bytes of DOT in {:.2}s",
        whole.graph.node_count(),
        whole.graph.edge_count(),
        out.len(),
        started.elapsed().as_secs_f64()
    );
    assert_eq!(whole.graph.node_count(), 10_000);
    assert!(String::from_utf8(out).unwrap().starts_with("digraph kgraph {\n  graph [layout=sfdp,"));

    let cut = draw(&kg, &DrawOptions { max_nodes: dot::DEFAULT_MAX_NODES, ..DrawOptions::default() }).unwrap();
    assert_eq!((cut.graph.node_count(), cut.left_out), (dot::DEFAULT_MAX_NODES, 10_000 - dot::DEFAULT_MAX_NODES));
    // No entity left out is more connected than one kept.
    let degree = |p: &Picture, label: &str| {
        let i = p.graph.node_indices().find(|&i| p.graph[i].label == label).unwrap();
        p.graph.neighbors_undirected(i).count()
    };
    let kept = labels(&cut);
    let least_kept = kept.iter().map(|l| degree(&whole, l)).min().unwrap();
    let most_left_out =
        labels(&whole).into_iter().filter(|l| !kept.contains(l)).map(|l| degree(&whole, l)).max().unwrap();
    assert!(least_kept >= most_left_out, "kept degree {least_kept} < left out degree {most_left_out}");
    let dot = text(&cut, &DotStyle::default());
    if let Some(svg) = graphviz_svg(&dot) {
        svg.unwrap_or_else(|e| panic!("Graphviz refused the cut picture: {e}"));
    }
}

// The command end to end.

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn kgraph(store: &Path) -> Command {
    let mut cmd = Command::cargo_bin("kgraph").unwrap();
    cmd.current_dir(root())
        .env_remove("KGRAPH_STORE")
        .env_remove("KGRAPH_ONTOLOGY")
        .env_remove("KGRAPH_BASE")
        .env_remove("KGRAPH_GRAPHVIZ")
        .arg("--store")
        .arg(store);
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

#[test]
fn the_command_writes_dot_and_renders_pictures() {
    let tmp = TempDir::new().unwrap();
    let store = tmp.path().join("kg");
    kgraph(&store).args(["build", "--quiet", "seeds"]).assert().success();

    let help = stdout(kgraph(&store).args(["dot", "--help"]));
    for option in [
        "--focus",
        "--depth",
        "--path",
        "--predicates",
        "--types",
        "--document",
        "--min-confidence",
        "--query",
        "--max-nodes",
        "--evidence",
        "--render",
        "--layout",
        "graphviz",
    ] {
        assert!(help.contains(option), "`kgraph dot --help` does not mention {option}");
    }

    let whole = stdout(kgraph(&store).arg("dot"));
    assert!(whole.starts_with("digraph kgraph {") && whole.ends_with("}\n"), "{whole}");
    assert!(whole.contains("label=<<B>Russia</B>>"), "{whole}");

    // A name several entities share: the candidates are listed.
    kgraph(&store)
        .args(["dot", "--focus", "deal"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("\"deal\" names 2 entities").and(predicate::str::contains("(Agreement, <")));
    let focused = stdout(kgraph(&store).args(["dot", "--focus", "Armenia", "--depth", "1", "--max-nodes", "4"]));
    assert_eq!(focused.matches(" [label=<<B>").count(), 4, "{focused}");
    kgraph(&store)
        .args(["dot", "--focus", "Armenia", "--max-nodes", "4"])
        .assert()
        .success()
        .stderr(predicate::str::is_match(r"drew the 4 most connected of \d+ entities; \d+ left out").unwrap());
    let path = stdout(kgraph(&store).args(["dot", "--path", "Russia", "Azerbaijan", "--no-legend"]));
    assert!(path.contains("Russia") && path.contains("Azerbaijan") && !path.contains("cluster_legend"), "{path}");

    let query = stdout(kgraph(&store).args(["dot", "--query", "queries/support_graph.rq", "--layout", "neato"]));
    assert!(query.contains("layout=neato") && query.contains("supports"), "{query}");
    kgraph(&store)
        .args(["dot", "--predicates", "likes"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no relation \"likes\""));

    // Without Graphviz on the PATH, rendering names the package to install.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let svg = tmp.path().join("seeds.svg");
    kgraph(&store)
        .env("PATH", &empty)
        .args(["dot", "-o"])
        .arg(&svg)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Graphviz is not installed").and(predicate::str::contains("graphviz")));
    assert!(!svg.exists());
    kgraph(&store)
        .args(["dot", "--render", "png", "-o"])
        .arg(&svg)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("choose one"));

    if dot::render::available() {
        kgraph(&store).args(["dot", "--evidence", "-o"]).arg(&svg).assert().success().stdout("");
        let picture = std::fs::read_to_string(&svg).unwrap();
        assert!(picture.contains("<svg") && picture.contains("Russia"), "{picture}");
        let out = kgraph(&store).args(["dot", "--focus", "Russia", "--render", "png"]).assert().success();
        assert!(out.get_output().stdout.starts_with(b"\x89PNG"));
    }
}
