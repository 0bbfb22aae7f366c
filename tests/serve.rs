//! `kgraph serve` over real sockets: the server is started on port 0 of 127.0.0.1 on the seeds
//! store, its address read from the first line of its standard output, and spoken to over HTTP
//! (ureq) as other tools would: the SPARQL 1.1 Protocol (GET, both POSTs, negotiation with
//! q-values, 406, 400 with the parser's position), the limits (timeout, max rows, concurrency,
//! body size), updates behind --allow-update and the token, CORS, two clients at once, the
//! page's API, and a clean stop on SIGTERM.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::{run, seeds_store, Served};

/// An HTTP answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: HashMap<String, String>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or_default()
    }

    fn json(&self) -> serde_json::Value {
        assert_eq!(self.status, 200, "{self:?}");
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().new_agent()
}

fn answer(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    let mut response = response.unwrap();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    Answer { status, headers, body }
}

fn get(url: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = agent().get(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    answer(request.call())
}

fn post(url: &str, content_type: &str, body: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = agent().post(url).header("Content-Type", content_type);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    answer(request.send(body))
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Every quad of every graph, whatever the store's layout.
const COUNT: &str = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }";
/// The documents, one row each.
const DOCUMENTS: &str =
    "SELECT ?id WHERE { GRAPH ?g { ?g <http://purl.org/dc/terms/identifier> ?id } } ORDER BY ?id";
/// The triples of one document graph.
const CONSTRUCT: &str = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o . ?g <http://purl.org/dc/terms/identifier> \"001_642f5aabe30b88a5\" } }";
/// Counting this product would take hours: only a timeout ends it.
const SLOW: &str = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?x { ?a ?b ?c } GRAPH ?y { ?d ?e ?f } GRAPH ?z { ?g ?h ?i } }";

/// Waits until the server says a query is running (`/api/meta`), or `done` (the query ended
/// first): whether it was seen running.
fn wait_for_a_running_query(server: &Served, done: &std::sync::atomic::AtomicBool) -> bool {
    while !done.load(std::sync::atomic::Ordering::SeqCst) {
        let meta = get(&format!("{}api/meta", server.url), &[]).json();
        if meta["running"].as_u64() >= Some(1) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    false
}

fn count(store: &Path) -> String {
    let tsv = String::from_utf8(run(store, &["query", "--format", "tsv", COUNT])).unwrap();
    tsv.lines().nth(1).unwrap().split('^').next().unwrap().trim_matches('"').to_owned()
}

#[test]
fn get_and_both_posts_give_the_same_answer() {
    let (_tmp, store) = seeds_store();
    let server = Served::start(&store, &[]);
    let sparql = format!("{}sparql", server.url);
    let by_get = get(&format!("{sparql}?query={}", enc(COUNT)), &[]);
    let by_form = post(&sparql, "application/x-www-form-urlencoded", &format!("query={}", enc(COUNT)), &[]);
    let by_body = post(&sparql, "application/sparql-query", COUNT, &[]);
    let alias = get(&format!("{}query?query={}", server.url, enc(COUNT)), &[]);
    for a in [&by_get, &by_form, &by_body, &alias] {
        assert_eq!(a.status, 200, "{a:?}");
        assert_eq!(a.content_type(), "application/sparql-results+json");
        assert_eq!(a.body, by_get.body);
    }
    let n = by_get.json()["results"]["bindings"][0]["n"]["value"].as_str().unwrap().to_owned();
    assert_eq!(n, count(&store), "the endpoint counts what kgraph query counts");
    // A protocol dataset: only one document graph as the default graph.
    let graph = "https://w3id.org/kgraph/doc/001_642f5aabe30b88a5";
    let one = get(
        &format!("{sparql}?query={}&default-graph-uri={}", enc("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), enc(graph)),
        &[],
    );
    let in_one: u64 = one.json()["results"]["bindings"][0]["n"]["value"].as_str().unwrap().parse().unwrap();
    assert!(in_one > 0 && in_one < n.parse().unwrap(), "{in_one} of {n}");
    // Not a query: the service description; a wrong content type: 415.
    let sd = get(&sparql, &[("Accept", "text/turtle")]);
    assert_eq!(sd.status, 200);
    assert!(sd.content_type().starts_with("text/turtle"));
    assert!(sd.body.contains("sparql-service-description#Service") || sd.body.contains("sd:Service"), "{}", sd.body);
    assert!(sd.body.contains(&format!("<{sparql}>")), "{}", sd.body);
    assert_eq!(post(&sparql, "text/plain", COUNT, &[]).status, 415);
}

#[test]
fn every_results_format_by_accept_with_q_values_and_406() {
    let (_tmp, store) = seeds_store();
    let server = Served::start(&store, &[]);
    let url = format!("{}sparql?query={}", server.url, enc(DOCUMENTS));
    let select = |accept: &str| get(&url, &[("Accept", accept)]);
    let json = select("application/sparql-results+json");
    assert_eq!(json.json()["results"]["bindings"].as_array().unwrap().len(), 5);
    let xml = select("application/sparql-results+xml");
    assert_eq!(xml.content_type(), "application/sparql-results+xml");
    assert_eq!(xml.body.matches("<result>").count(), 5, "{}", xml.body);
    let csv = select("text/csv");
    assert_eq!(csv.content_type(), "text/csv; charset=utf-8");
    assert_eq!(csv.body.lines().collect::<Vec<_>>()[0], "id");
    assert_eq!(csv.body.lines().count(), 6);
    let tsv = select("text/tab-separated-values");
    assert_eq!(tsv.content_type(), "text/tab-separated-values; charset=utf-8");
    assert_eq!(tsv.body.lines().next(), Some("?id"));
    // q-values: the client's preference wins, q=0 refuses, a wildcard takes the server's first.
    assert_eq!(select("text/csv;q=0.5, application/sparql-results+xml").content_type(), "application/sparql-results+xml");
    assert_eq!(select("text/*;q=0.9, text/csv;q=0").content_type(), "text/tab-separated-values; charset=utf-8");
    assert_eq!(select("image/png;q=1, */*;q=0.1").content_type(), "application/sparql-results+json");
    assert_eq!(select("application/json").content_type(), "application/json");
    let refused = select("image/png, text/turtle");
    assert_eq!(refused.status, 406, "{refused:?}");
    assert!(refused.body.contains("application/sparql-results+json"), "406 says what it can give: {}", refused.body);

    // CONSTRUCT: the RDF formats.
    let url = format!("{}sparql?query={}", server.url, enc(CONSTRUCT));
    let graph = |accept: &str| get(&url, &[("Accept", accept)]);
    let nt = graph("application/n-triples");
    assert_eq!(nt.content_type(), "application/n-triples");
    let triples = nt.body.lines().filter(|l| !l.trim().is_empty()).count();
    assert!(triples > 100, "{triples}");
    assert_eq!(nt.header("kgraph-rows"), Some(triples.to_string().as_str()));
    assert!(nt.body.lines().all(|l| l.starts_with('<') || l.starts_with("_:")));
    let ttl = graph("text/turtle;q=0.8, application/rdf+xml;q=0.9");
    assert_eq!(ttl.content_type(), "application/rdf+xml");
    assert!(ttl.body.starts_with("<?xml"), "{}", &ttl.body[..80]);
    assert_eq!(graph("text/turtle").content_type(), "text/turtle; charset=utf-8");
    let ld = graph("application/ld+json");
    assert_eq!(ld.content_type(), "application/ld+json");
    assert!(serde_json::from_str::<serde_json::Value>(&ld.body).is_ok());
    assert_eq!(graph("application/sparql-results+json").status, 406);
}

#[test]
fn a_malformed_query_gets_400_with_the_position() {
    let (_tmp, store) = seeds_store();
    let server = Served::start(&store, &[]);
    let bad = post(&format!("{}sparql", server.url), "application/sparql-query", "SELECT ?s WHERE {\n  ?s ?p \n}", &[]);
    assert_eq!(bad.status, 400, "{bad:?}");
    assert!(bad.content_type().starts_with("text/plain"));
    assert!(bad.body.starts_with("invalid SPARQL query: error at 3:"), "the line and column: {}", bad.body);
    let bad = get(&format!("{}sparql?query={}&default-graph-uri=not%20an%20iri", server.url, enc(COUNT)), &[]);
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("default-graph-uri"), "{}", bad.body);
}

#[test]
fn a_slow_query_hits_the_timeout_and_the_next_answers() {
    let (_tmp, store) = seeds_store();
    let server = Served::start(&store, &["--timeout", "1"]);
    let sparql = format!("{}sparql", server.url);
    let slow = post(&sparql, "application/sparql-query", SLOW, &[]);
    assert_eq!(slow.status, 503, "{slow:?}");
    assert_eq!(slow.body.trim(), "query timed out after 1 s (--timeout)");
    assert_eq!(slow.header("retry-after"), None, "a timeout is no reason to send the same query again");
    let next = post(&sparql, "application/sparql-query", "ASK { ?s ?p ?o }", &[]);
    assert_eq!(next.json()["boolean"], true);
    // One log line per request: method, path, status, rows, milliseconds (read once the server
    // has stopped, so every line is written).
    let (status, log) = server.stop();
    assert!(status.success());
    assert!(log.contains("kgraph: POST /sparql 503 - rows"), "{log}");
    assert!(log.lines().any(|l| l.starts_with("kgraph: POST /sparql 200 1 rows ") && l.ends_with(" ms")), "{log}");
}

#[test]
fn max_rows_cuts_the_result_and_says_so() {
    let (_tmp, store) = seeds_store();
    let server = Served::start(&store, &["--max-rows", "3"]);
    let url = format!("{}sparql?query={}", server.url, enc(DOCUMENTS));
    let cut = get(&url, &[("Accept", "application/sparql-results+json")]);
    assert_eq!(cut.header("kgraph-truncated"), Some("max-rows=3"));
    assert_eq!(cut.header("kgraph-rows"), Some("3"));
    assert_eq!(cut.json()["results"]["bindings"].as_array().unwrap().len(), 3, "a complete JSON document of 3 rows");
    let csv = get(&url, &[("Accept", "text/csv")]);
    assert_eq!(csv.body.lines().count(), 4);
    assert_eq!(csv.header("kgraph-truncated"), Some("max-rows=3"));
    // A result within the limit says nothing.
    let whole = get(&format!("{}sparql?query={}", server.url, enc("SELECT ?x WHERE { VALUES ?x { 1 2 3 } }")), &[]);
    assert_eq!(whole.header("kgraph-truncated"), None);
    assert_eq!(whole.header("kgraph-rows"), Some("3"));
}

#[test]
fn updates_need_allow_update_and_the_token() {
    let (_tmp, store) = seeds_store();
    let insert = "INSERT DATA { GRAPH <urn:test> { <urn:a> <urn:b> \"added\" } }";
    let ask = "ASK { GRAPH <urn:test> { <urn:a> <urn:b> \"added\" } }";
    {
        let server = Served::start(&store, &[]);
        let refused = post(&format!("{}update", server.url), "application/sparql-update", insert, &[("Authorization", "Bearer whatever-token")]);
        assert_eq!(refused.status, 403, "{refused:?}");
        assert!(refused.body.contains("read-only"), "{}", refused.body);
    }
    let token = "s3cret-token-for-tests";
    let server = Served::start(&store, &["--allow-update", "--token", token]);
    let update = format!("{}update", server.url);
    let sparql = format!("{}sparql", server.url);
    let without = post(&update, "application/sparql-update", insert, &[]);
    assert_eq!(without.status, 401, "{without:?}");
    assert!(without.header("www-authenticate").unwrap().starts_with("Bearer"));
    let wrong = post(&update, "application/sparql-update", insert, &[("Authorization", "Bearer wrong-token-123")]);
    assert_eq!(wrong.status, 401);
    assert_eq!(post(&sparql, "application/sparql-query", ask, &[]).json()["boolean"], false);
    let bearer = format!("Bearer {token}");
    let done = post(&update, "application/sparql-update", insert, &[("Authorization", &bearer)]);
    assert_eq!(done.status, 204, "{done:?}");
    assert_eq!(post(&sparql, "application/sparql-query", ask, &[]).json()["boolean"], true);
    let form = post(&update, "application/x-www-form-urlencoded", &format!("update={}", enc("CLEAR GRAPH <urn:test>")), &[("Authorization", &bearer)]);
    assert_eq!(form.status, 204, "{form:?}");
    let bad = post(&update, "application/sparql-update", "INSERT DATA {", &[("Authorization", &bearer)]);
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("1:14") || bad.body.contains("error at"), "{}", bad.body);
    // Reads stay open unless --token-for-reads.
    assert_eq!(post(&sparql, "application/sparql-query", ask, &[]).json()["boolean"], false);
    drop(server);
    let guarded = Served::start(&store, &["--token", token, "--token-for-reads"]);
    assert_eq!(post(&format!("{}sparql", guarded.url), "application/sparql-query", ask, &[]).status, 401);
    assert_eq!(get(&format!("{}api/meta", guarded.url), &[]).status, 401);
    assert_eq!(post(&format!("{}sparql", guarded.url), "application/sparql-query", ask, &[("Authorization", &bearer)]).status, 200);
    assert_eq!(get(&guarded.url, &[]).status, 200, "the page itself asks for the token");
    // Without --token, --allow-update is refused before the server starts.
    common::kgraph(&store).args(["serve", "--bind", "127.0.0.1:0", "--allow-update"]).assert().failure();
}

#[test]
fn cross_origin_requests_are_refused_without_cors() {
    let (_tmp, store) = seeds_store();
    let server = Served::start(&store, &[]);
    let url = format!("{}sparql?query={}", server.url, enc(COUNT));
    let foreign = get(&url, &[("Origin", "http://evil.example")]);
    assert_eq!(foreign.status, 403, "{foreign:?}");
    assert!(foreign.body.contains("--cors http://evil.example"), "{}", foreign.body);
    assert_eq!(foreign.header("access-control-allow-origin"), None);
    // The page's own origin is fine; a Host that is not this machine is refused (DNS rebinding).
    let own = server.url.trim_end_matches('/').to_owned();
    assert_eq!(get(&url, &[("Origin", &own)]).status, 200);
    assert_eq!(get(&url, &[("Host", "evil.example:7878")]).status, 403);
    drop(server);

    let server = Served::start(&store, &["--cors", "http://localhost:3000"]);
    let url = format!("{}sparql?query={}", server.url, enc(COUNT));
    let allowed = get(&url, &[("Origin", "http://localhost:3000")]);
    assert_eq!(allowed.status, 200);
    assert_eq!(allowed.header("access-control-allow-origin"), Some("http://localhost:3000"));
    assert!(allowed.header("access-control-expose-headers").unwrap().contains("kgraph-truncated"));
    let preflight = answer(
        agent()
            .options(&format!("{}sparql", server.url))
            .header("Origin", "http://localhost:3000")
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type")
            .call(),
    );
    assert_eq!(preflight.status, 200, "{preflight:?}");
    assert!(preflight.header("access-control-allow-methods").unwrap().contains("POST"));
    assert_eq!(get(&url, &[("Origin", "http://evil.example")]).status, 403);
}

#[test]
fn two_clients_at_once_and_a_full_server() {
    let (_tmp, store) = seeds_store();
    let server = Served::start(&store, &[]);
    let url = format!("{}sparql?query={}", server.url, enc(DOCUMENTS));
    let expected = get(&url, &[]).body;
    std::thread::scope(|s| {
        let clients: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    for _ in 0..10 {
                        let a = get(&url, &[]);
                        assert_eq!(a.status, 200);
                        assert_eq!(a.body, expected);
                    }
                })
            })
            .collect();
        for c in clients {
            c.join().unwrap();
        }
    });
    drop(server);

    // One slot: while a slow query holds it, another query is turned away with Retry-After.
    let server = Served::start(&store, &["--max-concurrent", "1", "--timeout", "3"]);
    let sparql = format!("{}sparql", server.url);
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        let slow = s.spawn(|| {
            let a = post(&sparql, "application/sparql-query", SLOW, &[]);
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            a
        });
        assert!(wait_for_a_running_query(&server, &done), "the slow query ended before it was seen running");
        let full = post(&sparql, "application/sparql-query", "ASK {}", &[]);
        assert_eq!(full.status, 503, "{full:?}");
        assert_eq!(full.header("retry-after"), Some("1"));
        assert!(full.body.contains("--max-concurrent"), "{}", full.body);
        assert_eq!(slow.join().unwrap().status, 503, "the slow one timed out");
    });
    // The page's lookups need no slot.
    assert_eq!(get(&format!("{}api/search?q=russia", server.url), &[]).status, 200);
}

#[test]
fn a_body_over_the_limit_is_refused() {
    let (_tmp, store) = seeds_store();
    let server = Served::start(&store, &["--max-body", "200"]);
    let long = format!("{COUNT} # {}", "x".repeat(1000));
    assert_eq!(post(&format!("{}sparql", server.url), "application/sparql-query", &long, &[]).status, 413);
    assert_eq!(post(&format!("{}sparql", server.url), "application/sparql-query", COUNT, &[]).status, 200);
}

#[test]
fn sigterm_stops_it_cleanly_cancelling_the_query_in_flight() {
    let (_tmp, store) = seeds_store();
    let server = Served::start(&store, &["--timeout", "600"]);
    let sparql = format!("{}sparql", server.url);
    let done = std::sync::atomic::AtomicBool::new(false);
    let answer = std::thread::scope(|s| {
        let slow = s.spawn(|| {
            let a = post(&sparql, "application/sparql-query", SLOW, &[]);
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            a
        });
        assert!(wait_for_a_running_query(&server, &done));
        let (status, log) = server.stop();
        assert!(status.success(), "{status}\n{log}");
        assert!(log.ends_with("kgraph: stopped\n"), "{log}");
        slow.join().unwrap()
    });
    assert_eq!(answer.status, 503, "{answer:?}");
    assert_eq!(answer.body.trim(), "the server is stopping");
    // The store is closed and its lock released: a build may write it now.
    common::kgraph(&store).args(["build", "--quiet", "seeds/001_642f5aabe30b88a5.txt"]).assert().success();
}

#[test]
fn the_page_and_its_api_on_the_seeds() {
    let (_tmp, store) = seeds_store();
    let server = Served::start(&store, &[]);
    let page = get(&server.url, &[]);
    assert_eq!(page.status, 200);
    assert!(page.content_type().starts_with("text/html"));
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("connect-src 'self'"), "{csp}");
    let api = |path: &str| get(&format!("{}api/{path}", server.url), &[]).json();
    let examples = api("examples");
    let brokered = examples.as_array().unwrap().iter().find(|e| e["name"] == "brokered").unwrap();
    assert!(brokered["title"].as_str().unwrap().starts_with("Who brokered"), "{brokered}");

    let hits = api("search?q=Pashinyan");
    let pashinyan = &hits[0];
    assert_eq!(pashinyan["label"], "Nikol Pashinyan", "{hits}");
    assert_eq!(pashinyan["class"], "Person");
    assert!(pashinyan["documents"].as_u64().unwrap() >= 2, "{pashinyan}");
    let iri = pashinyan["iri"].as_str().unwrap();

    let entity = api(&format!("entity/{}", pashinyan["key"].as_str().unwrap()));
    assert!(entity["aliases"].as_array().unwrap().iter().any(|a| a == "Pashinyan"), "{entity}");
    assert!(!entity["documents"].as_array().unwrap().is_empty());

    let neighbours = api(&format!("neighbours?entity={}", enc(iri)));
    let groups = neighbours["groups"].as_array().unwrap();
    assert!(!groups.is_empty(), "{neighbours}");
    // Each link carries its fact's counts from the relation's summary graph, best-attested first.
    for group in groups {
        let list = group["neighbours"].as_array().unwrap();
        for n in list {
            assert!(n["fact_documents"].as_u64().is_some_and(|d| d >= 1), "{group}");
            assert!(n["confidence"].as_f64().is_some_and(|c| c > 0.0 && c <= 1.0), "{group}");
        }
        let documents: Vec<u64> = list.iter().map(|n| n["fact_documents"].as_u64().unwrap()).collect();
        assert!(documents.windows(2).all(|w| w[0] >= w[1]), "{group}");
    }
    let group = &groups[0];
    let other = group["neighbours"][0]["iri"].as_str().unwrap();
    let (s, o) = if group["direction"] == "out" { (iri, other) } else { (other, iri) };
    let evidence = api(&format!("evidence?s={}&p={}&o={}", enc(s), enc(group["predicate"].as_str().unwrap()), enc(o)));
    let sentences = evidence["sentences"].as_array().unwrap();
    assert!(!sentences.is_empty(), "{evidence}");
    for sentence in sentences {
        let parts = sentence["parts"].as_array().unwrap();
        assert!(parts.iter().any(|p| p["mark"] == "subject" || p["mark"] == "both"), "{sentence}");
        assert!(sentence["document"]["id"].as_str().is_some_and(|d| d.len() > 3), "{sentence}");
        assert!(sentence["confidence"].as_f64().is_some_and(|c| c > 0.0 && c <= 1.0));
        assert!(sentence["rule"].as_str().is_some_and(|r| !r.is_empty()), "{sentence}");
    }
    let doc = sentences[0]["document"]["id"].as_str().unwrap();
    let document = api(&format!("document?id={doc}"));
    assert!(!document["facts"].as_array().unwrap().is_empty(), "{document}");

    let path = api(&format!("path?from={}&to=Russia", enc(iri)));
    assert!(!path["edges"].as_array().unwrap().is_empty(), "{path}");
    assert_eq!(path["nodes"].as_array().unwrap().last().unwrap()["label"], "Russia");
    let dot = post(
        &format!("{}api/dot", server.url),
        "application/json",
        &serde_json::json!({ "entities": path["nodes"].as_array().unwrap().iter().map(|n| n["iri"].clone()).collect::<Vec<_>>() }).to_string(),
        &[],
    );
    assert_eq!(dot.status, 200);
    assert!(dot.body.starts_with("digraph kgraph {") && dot.body.contains("Russia"), "{}", dot.body);
}
