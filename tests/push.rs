//! `kgraph push` against a tiny HTTP server run by the test on 127.0.0.1, which records every
//! request and answers as each test scripts it: methods, graph parameters, content types,
//! bodies, batches, basic / digest / bearer authentication, retries on 503, and errors that show
//! the server's status and body.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use oxigraph::io::{RdfFormat, RdfParser};
use tempfile::TempDir;

const DOC: &str = "003_c25b14c491317db0";
const DOC_GRAPH: &str = "https://w3id.org/kgraph/doc/003_c25b14c491317db0";
const ONTOLOGY_GRAPH: &str = "https://w3id.org/kgraph/ontology";
const SUMMARY_GRAPH: &str = "https://w3id.org/kgraph/summary";

/// A request as the server saw it.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    /// Path and query, as sent.
    target: String,
    /// Header names lower-cased.
    headers: BTreeMap<String, String>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    /// The decoded `graph` query parameter.
    /// The graph a request is for: its `graph=` parameter, or `DEFAULT` for `?default`.
    fn graph(&self) -> String {
        let query = self.target.split_once('?').map_or("", |(_, q)| q);
        if query.split('&').any(|kv| kv == "default") {
            return "DEFAULT".into();
        }
        let value = query.split('&').find_map(|kv| kv.strip_prefix("graph=")).unwrap_or_default();
        percent_decode(value)
    }

    fn triples(&self) -> usize {
        RdfParser::from_format(RdfFormat::NTriples)
            .for_slice(self.body.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|e| panic!("not N-Triples: {e}\n{}", self.body))
            .len()
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// What the server answers: status, extra headers, body.
type Answer = (u16, Vec<(&'static str, String)>, String);
type Handler = Box<dyn FnMut(&Seen) -> Answer + Send>;

/// The recording server; stops (and joins) when dropped, or by itself after 60 s.
struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(mut handler: Handler) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen2, stop2) = (seen.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            while !stop2.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(60) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        if let Some(request) = serve(stream, &mut handler) {
                            seen2.lock().unwrap().push(request);
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(2))
                    }
                    Err(e) => panic!("accept: {e}"),
                }
            }
        });
        Server { port, seen, stop, thread: Some(thread) }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Reads one request from `stream`, answers it as `handler` says, and closes the connection.
fn serve(stream: TcpStream, handler: &mut Handler) -> Option<Seen> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (name, value) = h.split_once(':')?;
        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
    }
    let length: usize = headers.get("content-length").map_or(0, |l| l.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let seen = Seen { method, target, headers, body: String::from_utf8(body).unwrap() };
    let (status, extra, text) = handler(&seen);
    let mut answer = format!("HTTP/1.1 {status} Whatever\r\nContent-Length: {}\r\nConnection: close\r\n", text.len());
    for (name, value) in extra {
        answer.push_str(&format!("{name}: {value}\r\n"));
    }
    answer.push_str("\r\n");
    answer.push_str(&text);
    let mut stream = stream;
    let _ = stream.write_all(answer.as_bytes());
    let _ = stream.flush();
    Some(seen)
}

fn created() -> Handler {
    Box::new(|_| (201, vec![], String::new()))
}

/// A store built from one seed document, once for all tests.
fn store() -> &'static Path {
    static STORE: OnceLock<TempDir> = OnceLock::new();
    STORE
        .get_or_init(|| {
            let dir = TempDir::new().unwrap();
            kgraph(dir.path()).args(["build", "--quiet"]).arg(format!("seeds/{DOC}.txt")).assert().success();
            dir
        })
        .path()
}

fn kgraph(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("kgraph").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("KGRAPH_BASE")
        .env_remove("KGRAPH_ONTOLOGY")
        .env_remove("KGRAPH_PUSH_USER")
        .env_remove("KGRAPH_PUSH_PASSWORD")
        .env_remove("KGRAPH_PUSH_TOKEN")
        .arg("--store")
        .arg(dir.join("kg"));
    cmd
}

fn push(args: &[&str]) -> Command {
    let mut cmd = kgraph(store());
    cmd.arg("push").args(args).args(["--retry-wait", "0.01"]);
    cmd
}

/// Quads per graph in the store.
fn local_counts() -> BTreeMap<String, usize> {
    let out = kgraph(store()).args(["export", "--format", "nquads"]).assert().success().get_output().stdout.clone();
    let mut counts = BTreeMap::new();
    for quad in RdfParser::from_format(RdfFormat::NQuads).for_slice(&out) {
        let quad = quad.unwrap();
        let g = quad.graph_name.to_string();
        *counts.entry(g.trim_matches(|c| c == '<' || c == '>').to_owned()).or_default() += 1;
    }
    counts
}

fn stderr(cmd: &mut Command, success: bool) -> String {
    let assert = cmd.assert();
    let assert = if success { assert.success() } else { assert.failure() };
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

#[test]
fn every_graph_is_put_once_as_n_triples() {
    let server = Server::start(created());
    let err = stderr(&mut push(&["--endpoint", &server.url("/ds/data")]), true);
    let seen = server.seen();
    let counts = local_counts();
    // The document, the ontology, the summaries (entities', and one per relation stated) and
    // the default graph (the facts).
    let graphs = counts.len();
    assert!(counts.contains_key(DOC_GRAPH) && counts.contains_key(ONTOLOGY_GRAPH), "{counts:?}");
    assert!(counts.contains_key(SUMMARY_GRAPH) && counts.contains_key("https://w3id.org/kgraph/summary/signed"), "{counts:?}");
    assert_eq!(seen.len(), graphs, "one request per graph: {seen:#?}");
    let mut sent = BTreeMap::new();
    for r in &seen {
        assert_eq!(r.method, "PUT");
        assert!(r.target.starts_with("/ds/data?graph=") || r.target == "/ds/data?default", "{}", r.target);
        assert_eq!(r.header("content-type"), "application/n-triples");
        assert_eq!(r.header("authorization"), "", "no credentials were given");
        sent.insert(r.graph(), r.triples());
    }
    assert_eq!(sent, counts, "each graph whole, with all its triples");
    assert_eq!(seen[0].graph(), DOC_GRAPH, "graphs in IRI order, the default graph last");
    assert_eq!(seen[graphs - 1].graph(), "DEFAULT");
    let total: usize = counts.values().sum();
    assert!(err.contains(&format!("pushed {graphs} graphs, {total} quads")), "{err}");
    assert!(err.contains(&format!("({graphs} requests, 0 retries)")), "{err}");
}

#[test]
fn large_graphs_go_in_batches_put_then_post_except_graphs_with_blank_nodes() {
    let server = Server::start(created());
    push(&["--endpoint", &server.url("/ds/data"), "--batch-size", "100"]).assert().success();
    let seen = server.seen();
    let counts = local_counts();
    let doc: Vec<&Seen> = seen.iter().filter(|r| r.graph() == DOC_GRAPH).collect();
    assert_eq!(doc.len(), counts[DOC_GRAPH].div_ceil(100), "batches of 100");
    assert_eq!(doc[0].method, "PUT");
    assert!(doc[1..].iter().all(|r| r.method == "POST"));
    assert_eq!(doc.iter().map(|r| r.triples()).sum::<usize>(), counts[DOC_GRAPH]);
    assert!(doc.iter().all(|r| r.triples() <= 100));
    // The ontology has blank nodes (OWL unions): it goes in one request, whatever the batch size.
    let ontology: Vec<&Seen> = seen.iter().filter(|r| r.graph() == ONTOLOGY_GRAPH).collect();
    assert!(ontology[0].body.contains("_:"), "the ontology was expected to hold blank nodes");
    assert_eq!(ontology.len(), 1);
    assert_eq!(ontology[0].triples(), counts[ONTOLOGY_GRAPH]);
}

#[test]
fn sparql_update_drops_then_inserts_in_batches() {
    let server = Server::start(Box::new(|_| (200, vec![], "<ok/>".into())));
    push(&["--update-endpoint", &server.url("/update"), "--batch-size", "100", "--document", DOC]).assert().success();
    let seen = server.seen();
    let counts = local_counts();
    assert_eq!(seen.len(), counts[DOC_GRAPH].div_ceil(100));
    for (i, r) in seen.iter().enumerate() {
        assert_eq!((r.method.as_str(), r.target.as_str()), ("POST", "/update"));
        assert_eq!(r.header("content-type"), "application/sparql-update");
        assert_eq!(r.body.starts_with(&format!("DROP SILENT GRAPH <{DOC_GRAPH}> ;\n")), i == 0, "{}", r.body);
        assert!(r.body.contains(&format!("INSERT DATA {{ GRAPH <{DOC_GRAPH}> {{\n")));
        let _ = oxigraph::sparql::SparqlEvaluator::new()
            .parse_update(&r.body)
            .unwrap_or_else(|e| panic!("{e}\n{}", r.body));
    }
}

#[test]
fn basic_authentication_answers_the_challenge_then_goes_first() {
    let server = Server::start(Box::new(|r| match r.header("authorization") {
        "Basic a2dyYXBoOnMzY3JldA==" => (201, vec![], String::new()),
        _ => (401, vec![("WWW-Authenticate", "Basic realm=\"store\"".into())], "who are you?".into()),
    }));
    let err =
        stderr(&mut push(&["--endpoint", &server.url("/data"), "--user", "kgraph", "--password", "s3cret"]), true);
    let seen = server.seen();
    let graphs = local_counts().len();
    assert_eq!(seen.len(), graphs + 1, "a 401, then every graph with credentials: {seen:#?}");
    assert_eq!(seen[0].header("authorization"), "", "the password is not sent before the server asks");
    assert!(err.contains(&format!("({graphs} requests, 0 retries)")), "{err}");
}

#[test]
fn digest_authentication_is_computed_for_each_request() {
    let challenge = "Digest realm=\"SPARQL\", nonce=\"0123abcd\", opaque=\"5ebe\", qop=\"auth\", algorithm=\"MD5\"";
    let server = Server::start(Box::new(move |r| {
        let header = r.header("authorization");
        if header.is_empty() {
            return (401, vec![("WWW-Authenticate", challenge.into())], String::new());
        }
        // Check the answer as the server would: recompute the response hash.
        let mut answer = digest_auth::AuthorizationHeader::parse(header).unwrap();
        let sent = answer.response.clone();
        assert_eq!(answer.uri, r.target, "digest signs the request-target");
        let context = digest_auth::AuthContext::new_with_method(
            "dba",
            "dba",
            r.target.as_str(),
            Some(r.body.as_bytes()),
            digest_auth::HttpMethod(r.method.clone().into()),
        );
        answer.digest(&context);
        if answer.response == sent && answer.username == "dba" {
            (201, vec![], String::new())
        } else {
            (401, vec![("WWW-Authenticate", challenge.into())], "wrong digest".into())
        }
    }));
    push(&["--endpoint", &server.url("/sparql-graph-crud-auth"), "-u", "dba", "--password", "dba"]).assert().success();
    let seen = server.seen();
    assert_eq!(seen.len(), local_counts().len() + 1, "a 401, then every graph: {seen:#?}");
    assert!(seen[1..].iter().all(|r| r.header("authorization").starts_with("Digest username=\"dba\"")));
    assert!(seen[2].header("authorization").contains("nc=00000002"), "the nonce count goes up");

    // A wrong password: the server keeps refusing, and kgraph says so.
    let server = Server::start(Box::new(move |_| (401, vec![("WWW-Authenticate", challenge.into())], String::new())));
    let err = stderr(&mut push(&["--endpoint", &server.url("/x"), "-u", "dba", "--password", "nope"]), false);
    assert!(err.contains("HTTP 401") && err.contains("refuses user \"dba\""), "{err}");
}

#[test]
fn a_bearer_token_goes_with_every_request() {
    let server = Server::start(created());
    push(&["--endpoint", &server.url("/data"), "--token", "t0k3n"]).assert().success();
    let seen = server.seen();
    assert_eq!(seen.len(), local_counts().len());
    assert!(seen.iter().all(|r| r.header("authorization") == "Bearer t0k3n"));
}

#[test]
fn unavailable_servers_are_retried_with_backoff() {
    let mut n = 0;
    let server = Server::start(Box::new(move |_| {
        n += 1;
        match n {
            1 | 2 => (503, vec![], "busy, come back later".into()),
            _ => (204, vec![], String::new()),
        }
    }));
    let err = stderr(&mut push(&["--endpoint", &server.url("/data")]), true);
    let seen = server.seen();
    let graphs = local_counts().len();
    assert_eq!(seen.len(), graphs + 2, "two 503, then every graph");
    assert_eq!(seen[0].body, seen[2].body, "the same request again");
    assert!(err.contains("HTTP 503: busy, come back later; retry 1 in 0.0s"), "{err}");
    assert!(err.contains("retry 2 in 0.0s"), "{err}");
    assert!(err.contains(&format!("({graphs} requests, 2 retries)")), "{err}");

    // Always 503: it gives up after --retries.
    let server = Server::start(Box::new(|_| (503, vec![], "down".into())));
    let err = stderr(&mut push(&["--endpoint", &server.url("/data"), "--retries", "2"]), false);
    assert_eq!(server.seen().len(), 3);
    assert!(err.contains("HTTP 503: down (after 3 tries)"), "{err}");
}

#[test]
fn server_errors_show_status_and_body() {
    let server = Server::start(Box::new(|_| (400, vec![], "Parse error: line 3, unexpected '<'".into())));
    let mut cmd = push(&["--endpoint", &server.url("/data")]);
    let err = stderr(&mut cmd, false);
    assert_eq!(server.seen().len(), 1, "a 400 is not retried");
    assert!(err.contains("HTTP 400") && err.contains("Parse error: line 3, unexpected '<'"), "{err}");
    assert_eq!(cmd.assert().get_output().status.code(), Some(2));
}

#[test]
fn bad_targets_and_selections_are_refused() {
    // Nobody listens on this port (bound, then closed): connection refused, retried, reported.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/data");
    let err = stderr(&mut push(&["--endpoint", &url, "--retries", "1"]), false);
    assert!(err.contains(&url) && err.contains("after 2 tries"), "{err}");

    let err = stderr(&mut push(&["--endpoint", "ftp://example.org/data"]), false);
    assert!(err.contains("not an http:// or https:// URL"), "{err}");
    let err = stderr(&mut push(&["--endpoint", "http://127.0.0.1:9/x", "--document", "nope"]), false);
    assert!(err.contains("no document \"nope\""), "{err}");
    let err = stderr(&mut push(&["--endpoint", "http://127.0.0.1:9/x", "--graph", "http://ex.org/none"]), false);
    assert!(err.contains("no graph <http://ex.org/none>"), "{err}");
    stderr(&mut push(&["--endpoint", "http://127.0.0.1:9/x", "--user", "u"]), false);
    stderr(&mut push(&["--endpoint", "http://127.0.0.1:9/x", "--batch-size", "0"]), false);
}

#[test]
fn one_graph_can_be_chosen() {
    let server = Server::start(created());
    push(&["--endpoint", &server.url("/data"), "--graph", ONTOLOGY_GRAPH, "--graph", ONTOLOGY_GRAPH])
        .assert()
        .success();
    let seen = server.seen();
    assert_eq!(seen.len(), 1, "each graph once");
    assert_eq!(seen[0].graph(), ONTOLOGY_GRAPH);
}

#[test]
fn push_has_a_manual() {
    let out = kgraph(store()).args(["push", "--help"]).assert().success().get_output().stdout.clone();
    let help = String::from_utf8(out).unwrap();
    for word in [
        "--endpoint",
        "--update-endpoint",
        "--graph",
        "--document",
        "--user",
        "--password",
        "--auth",
        "--token",
        "--ca-cert",
        "--timeout",
        "--retries",
        "--retry-wait",
        "--batch-size",
        "Graph Store HTTP Protocol",
        "sparql-graph-crud-auth",
        "3030/DATASET/data",
    ] {
        assert!(help.contains(word), "`kgraph push --help` does not mention {word}:\n{help}");
    }
}

/// An HTTPS server (Python's http.server behind TLS) with a certificate from a private CA made
/// with openssl, killed when dropped.
struct TlsServer {
    child: std::process::Child,
    port: u16,
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const TLS_SERVER: &str = r#"
import http.server, ssl, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def do_PUT(self):
        self.rfile.read(int(self.headers.get('Content-Length', 0)))
        self.send_response(201)
        self.send_header('Content-Length', '0')
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.timeout = 1
import time
deadline = time.time() + 60
while time.time() < deadline:
    server.handle_request()
"#;

#[test]
fn https_works_with_a_private_ca_and_refuses_an_unknown_one() {
    let have = |program: &str, arg: &str| {
        std::process::Command::new(program).arg(arg).stdout(std::process::Stdio::null()).status().is_ok()
    };
    if !have("openssl", "version") || !have("python3", "--version") {
        let message = "openssl or python3 missing: TLS test skipped";
        assert!(std::env::var_os("CI").is_none(), "{message}, but CI must run it (.ci/run installs them)");
        eprintln!("{message}");
        return;
    }
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let openssl = |args: &[&str]| {
        let out = std::process::Command::new("openssl").args(args).current_dir(dir).output().unwrap();
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl(
        &[
            &["req", "-x509"][..],
            &ec,
            &["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=kgraph test CA"],
        ]
        .concat(),
    );
    openssl(&[&["req"][..], &ec, &["-keyout", "key.pem", "-out", "req.csr", "-subj", "/CN=localhost"]].concat());
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "req.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "cert.pem",
        "-days",
        "1",
        "-extfile",
        "ext.cnf",
    ]);
    let mut child = std::process::Command::new("python3")
        .args(["-c", TLS_SERVER, "cert.pem", "key.pem"])
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let server = TlsServer { child, port: line.trim().parse().unwrap() };
    let url = format!("https://127.0.0.1:{}/data", server.port);

    let ca = dir.join("ca.pem");
    let err = stderr(&mut push(&["--endpoint", &url, "--ca-cert", ca.to_str().unwrap()]), true);
    assert!(err.contains(&format!("pushed {} graphs", local_counts().len())), "{err}");
    // The built-in roots do not know this CA: refused at once, not retried.
    let err = stderr(&mut push(&["--endpoint", &url]), false);
    assert!(err.contains(&url) && !err.contains("retry"), "{err}");
    assert!(err.to_lowercase().contains("certificate") || err.to_lowercase().contains("issuer"), "{err}");
}
