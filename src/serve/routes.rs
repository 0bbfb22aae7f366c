//! The server's routes in process, on a small store in the fact layout (facts and methods in the
//! default graph, evidence records in the document graph, entities' counts in `BASE summary`,
//! each relation's fact counts in `BASE summary/P`): the API's queries and the protocol's
//! answers, without a socket.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

use super::*;

const B: &str = "https://w3id.org/kgraph/";

/// Russia brokered the November agreement, which Armenia signed; Nikol Pashinyan is Armenia's
/// official. One document states it all; the summary counts it (as `store::facts` writes it).
fn fixture() -> String {
    let kg = format!("{B}ontology#");
    let e = |k: &str| format!("<{B}entity/{k}>");
    let (russia, armenia, pashinyan, deal) = (e("country/Q159"), e("country/Q399"), e("person/pashinyan"), e("agreement/2020-11-10"));
    let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    let label = "<http://www.w3.org/2000/01/rdf-schema#label>";
    let alt = "<http://www.w3.org/2004/02/skos/core#altLabel>";
    let dct = "http://purl.org/dc/terms/";
    let doc = format!("<{B}doc/d1>");
    let summary = format!("<{B}summary>");
    let mut q = Vec::new();
    let facts = [
        (russia.clone(), "brokered", deal.clone(), "f1", "0-6 16-24", "brokered/compound", "0.9"),
        (armenia.clone(), "signed", deal.clone(), "f2", "35-42 50-58", "frame/sign", "0.8"),
        (pashinyan.clone(), "officialOf", armenia.clone(), "f3", "75-90 94-101", "official/title", "0.85"),
    ];
    for (s, class, name) in [(&russia, "Country", "Russia"), (&armenia, "Country", "Armenia"), (&pashinyan, "Person", "Nikol Pashinyan"), (&deal, "Agreement", "agreement of 10 November 2020")] {
        q.push(format!("{s} <{rdf}type> <{kg}{class}> ."));
        q.push(format!("{s} {label} \"{name}\" ."));
        q.push(format!("{s} {label} \"{name}\" {doc} ."));
        q.push(format!("{s} <{kg}documents> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> {summary} ."));
        q.push(format!("{s} <http://www.w3.org/2004/02/skos/core#prefLabel> \"{name}\" {summary} ."));
    }
    q.push(format!("{pashinyan} {alt} \"Pashinyan\" {doc} ."));
    q.push(format!("{russia} {alt} \"Moscow\" {doc} ."));
    q.push(format!("{deal} <{kg}date> \"2020-11-10\"^^<http://www.w3.org/2001/XMLSchema#date> ."));
    q.push(format!("{doc} <{dct}identifier> \"d1\" {doc} ."));
    q.push(format!("{doc} <{dct}title> \"Ceasefire in Karabakh\" {doc} ."));
    q.push(format!("{doc} <{dct}date> \"2020-11-10\" {doc} ."));
    let sentence = "Russia brokered the deal at night. Armenia signed the deal. Prime Minister Nikol Pashinyan of Armenia.";
    let vocab = Vocab::default();
    let node = |iri: &str| oxigraph::model::NamedNode::new(iri.trim_matches(['<', '>'])).unwrap();
    let date = oxigraph::model::Literal::new_typed_literal("2020-11-10", oxigraph::model::vocab::xsd::DATE);
    let fact_of_date = vocab.fact(node(&deal).as_ref(), node(&format!("{kg}date")).as_ref(), date.as_ref().into());
    let fact_summary = |fact: &oxigraph::model::NamedNode, s: &str, o: &str, confidence: &str| {
        let g = vocab.fact_summary_graph(fact.as_ref());
        vec![
            format!("{fact} <{rdf}subject> {s} {g} ."),
            format!("{fact} <{rdf}object> {o} {g} ."),
            format!("{fact} <{kg}documents> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> {g} ."),
            format!("{fact} <{kg}bestConfidence> \"{confidence}\"^^<http://www.w3.org/2001/XMLSchema#decimal> {g} ."),
        ]
    };
    q.extend(fact_summary(&fact_of_date, &deal, &date.to_string(), "0.9"));
    for (s, p, o, f, spans, rule, confidence) in facts {
        // The fact node is named after the triple and has no triples of its own.
        let fact = vocab.fact(node(&s).as_ref(), node(&format!("{kg}{p}")).as_ref(), node(&o).as_ref().into());
        let method = vocab.method(rule, confidence);
        let evidence = format!("<{B}evidence/{f}>");
        q.push(format!("{s} <{kg}{p}> {o} ."));
        q.push(format!("{s} <{kg}{p}> {o} {doc} ."));
        q.extend(fact_summary(&fact, &s, &o, confidence));
        q.push(format!("{method} <{kg}rule> \"{rule}\" ."));
        q.push(format!("{method} <{kg}confidence> \"{confidence}\"^^<http://www.w3.org/2001/XMLSchema#decimal> ."));
        q.push(format!("{evidence} <{kg}fact> {fact} {doc} ."));
        q.push(format!("{evidence} <{kg}sentence> \"{sentence}\" {doc} ."));
        q.push(format!("{evidence} <{kg}spans> \"0-102 {spans}\" {doc} ."));
        q.push(format!("{evidence} <{kg}by> {method} {doc} ."));
    }
    q.join("\n") + "\n"
}

fn app(options: ServeOptions) -> Router {
    let vocab = Vocab::default();
    let kg = KgStore::memory().unwrap();
    kg.store().load_from_slice(oxigraph::io::RdfFormat::NQuads, fixture().as_bytes()).unwrap();
    kg.store().extend(crate::store::ontology_quads(&vocab, None).unwrap()).unwrap();
    let server = Server::new(kg, vocab, ServeOptions { bind: "127.0.0.1:0".parse().unwrap(), log: false, ..options }).unwrap();
    router(server.state.clone(), server.cors.clone())
}

async fn get(app: &Router, uri: &str) -> (StatusCode, String) {
    let response = app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn get_json(app: &Router, uri: &str) -> serde_json::Value {
    let (status, body) = get(app, uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    serde_json::from_str(&body).unwrap()
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_entities_by_any_name() {
    let app = app(ServeOptions::default());
    let hits = get_json(&app, "/api/search?q=pashin").await;
    assert_eq!(hits[0]["label"], "Nikol Pashinyan");
    assert_eq!(hits[0]["class"], "Person");
    assert_eq!(hits[0]["key"], "person/pashinyan");
    let hits = get_json(&app, "/api/search?q=moscow").await;
    assert_eq!(hits[0]["label"], "Russia", "an alias a document gives");
    assert_eq!(hits[0]["matched"], "Moscow");
    assert_eq!(get_json(&app, "/api/search?q=zzz").await, serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn neighbours_are_grouped_by_predicate_with_counts() {
    let app = app(ServeOptions::default());
    let russia = format!("{B}entity/country/Q159");
    let deal = format!("{B}entity/agreement/2020-11-10");
    let n = get_json(&app, &format!("/api/neighbours?entity={}", enc(&deal))).await;
    let groups = n["groups"].as_array().unwrap();
    let brokered = groups.iter().find(|g| g["label"] == "brokered").unwrap();
    assert_eq!(brokered["direction"], "in");
    assert_eq!(brokered["total"], 1);
    assert_eq!(brokered["neighbours"][0]["iri"], russia.as_str());
    assert_eq!(brokered["neighbours"][0]["fact_documents"], 1);
    assert_eq!(brokered["neighbours"][0]["confidence"], 0.9);
    assert!(groups.iter().any(|g| g["label"] == "signed" && g["neighbours"][0]["label"] == "Armenia"));
    // A name works as well as an IRI; the limit caps each group.
    let n = get_json(&app, "/api/neighbours?entity=Armenia&limit=1").await;
    assert_eq!(n["entity"]["label"], "Armenia");
    assert_eq!(n["groups"].as_array().unwrap().len(), 2);
    let (status, _) = get(&app, "/api/neighbours?entity=Atlantis").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn evidence_marks_subject_and_object_in_each_sentence() {
    let app = app(ServeOptions::default());
    let (s, p, o) = (format!("{B}entity/country/Q159"), format!("{B}ontology#brokered"), format!("{B}entity/agreement/2020-11-10"));
    let ev = get_json(&app, &format!("/api/evidence?s={}&p={}&o={}", enc(&s), enc(&p), enc(&o))).await;
    assert_eq!(ev["subject"]["label"], "Russia");
    assert_eq!(ev["label"], "brokered");
    let sentence = &ev["sentences"][0];
    assert_eq!(sentence["document"]["id"], "d1");
    assert_eq!(sentence["document"]["title"], "Ceasefire in Karabakh");
    assert_eq!(sentence["rule"], "brokered/compound");
    assert_eq!(sentence["confidence"], 0.9);
    let parts = sentence["parts"].as_array().unwrap();
    assert_eq!(parts[0], serde_json::json!({"text": "Russia", "mark": "subject"}));
    assert_eq!(parts[2], serde_json::json!({"text": "the deal", "mark": "object"}));
    let (status, body) = get(&app, "/api/evidence?s=nope&p=x&o=y").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn entity_document_and_path() {
    let app = app(ServeOptions::default());
    let page = get_json(&app, "/api/entity/agreement/2020-11-10").await;
    assert_eq!(page["entity"]["label"], "agreement of 10 November 2020");
    assert_eq!(page["attributes"][0]["label"], "date");
    assert_eq!(page["attributes"][0]["value"], "2020-11-10");
    assert_eq!(page["attributes"][0]["documents"], 1);
    assert_eq!(page["documents"][0]["id"], "d1");
    assert_eq!(page["relations"].as_array().unwrap().len(), 2);
    let doc = get_json(&app, "/api/document?id=d1").await;
    assert_eq!(doc["title"], "Ceasefire in Karabakh");
    assert_eq!(doc["facts"].as_array().unwrap().len(), 3);
    let path = get_json(&app, &format!("/api/path?from=Russia&to={}", enc("Nikol Pashinyan"))).await;
    let labels: Vec<&str> = path["nodes"].as_array().unwrap().iter().map(|n| n["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["Russia", "agreement of 10 November 2020", "Armenia", "Nikol Pashinyan"]);
    assert_eq!(path["edges"][2]["label"], "official of");
    let (status, _) = get(&app, "/api/document?id=missing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The summary graphs are not documents.
    for summary in [format!("{B}summary"), format!("{B}summary/brokered")] {
        let (status, _) = get(&app, &format!("/api/document?id={}", enc(&summary))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{summary}");
    }
    let ids: Vec<&str> = page["documents"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["d1"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_has_a_strict_policy_and_examples() {
    let app = app(ServeOptions::default());
    let response = app.clone().oneshot(Request::get("/").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"));
    let (status, _) = get(&app, "/assets/vendor/cytoscape.min.js").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = get(&app, "/assets/../Cargo.toml").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let examples = get_json(&app, "/api/examples").await;
    assert!(examples.as_array().unwrap().iter().any(|e| e["name"] == "brokered"));
    let meta = get_json(&app, "/api/meta").await;
    assert!(meta["classes"].as_array().unwrap().iter().any(|c| c["local"] == "Country" && c["fill"] == "#8ecae6" && c["shape"] == "box"));
}

#[tokio::test(flavor = "multi_thread")]
async fn sparql_answers_and_cuts_in_process() {
    let app = app(ServeOptions { max_rows: 2, ..ServeOptions::default() });
    let q = enc("SELECT ?s WHERE { ?s a ?c } ORDER BY ?s");
    let response = app.clone().oneshot(Request::get(format!("/sparql?query={q}")).body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[TRUNCATED_HEADER], "max-rows=2");
    assert_eq!(response.headers()[ROWS_HEADER], "2");
    let (status, body) = get(&app, &format!("/sparql?query={}", enc("SELECT ?s WHERE { ?s ?p }"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("1:"), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dot_export_is_what_kgraph_dot_writes() {
    let app = app(ServeOptions::default());
    let body = serde_json::json!({ "entities": [format!("{B}entity/country/Q159"), format!("{B}entity/agreement/2020-11-10")] });
    let request = Request::post("/api/dot").header(header::CONTENT_TYPE, "application/json").body(Body::from(body.to_string())).unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = String::from_utf8(axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap();
    assert!(text.starts_with("digraph kgraph {"), "{text}");
    assert!(text.contains("Russia") && text.contains("brokered"), "{text}");
    assert!(!text.contains("Armenia"), "only the view's entities: {text}");
}
