//! A real remote store: starts Virtuoso Open Source 7 (`virtuoso-t`, Debian's
//! `virtuoso-opensource`, installed by .ci/run) on free ports of 127.0.0.1 in a temporary folder,
//! pushes the seeds store with `kgraph push` (Graph Store Protocol with digest authentication,
//! then again to check nothing doubles, then with SPARQL Update), and checks that Virtuoso's
//! SPARQL endpoint gives the same quads per graph and the same answers to queries of `queries/`
//! as `kgraph query` on the local store. Skipped, saying so, where `virtuoso-t` is missing
//! (failing instead under CI, which must run it).

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// Queries of `queries/` whose answers must be the same in Virtuoso and in kgraph. (Those left
/// out concatenate with GROUP_CONCAT, whose order SPARQL leaves open, or are CONSTRUCTs.)
const QUERIES: &[&str] =
    &["accusations.rq", "death_tolls.rq", "deployments.rq", "documents.rq", "entities.rq", "provenance.rq"];

/// Where the facts go in Virtuoso.
const FACTS: &str = "https://w3id.org/kgraph/facts";

/// Quads per graph, over the graphs under kgraph's base (Virtuoso keeps system graphs too).
const COUNT: &str = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } \
                     FILTER (STRSTARTS(STR(?g), \"https://w3id.org/kgraph/\")) } GROUP BY ?g";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Where `program` is on the PATH, if it is.
fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(program)).find(|p| p.is_file())
}

/// A port nobody listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A Virtuoso server of our own, killed when dropped.
struct Virtuoso {
    child: Child,
    dir: TempDir,
    http: u16,
}

impl Virtuoso {
    fn start(program: &Path) -> Virtuoso {
        let dir = TempDir::new().unwrap();
        let (sql, http) = loop {
            let (a, b) = (free_port(), free_port());
            if a != b {
                break (a, b);
            }
        };
        let ini = format!(
            "[Database]\nDatabaseFile = virtuoso.db\nErrorLogFile = virtuoso.log\nLockFile = virtuoso.lck\n\
             TransactionFile = virtuoso.trx\nxa_persistent_file = virtuoso.pxa\n\
             [TempDatabase]\nDatabaseFile = virtuoso-temp.db\nTransactionFile = virtuoso-temp.trx\n\
             [Parameters]\nServerPort = 127.0.0.1:{sql}\nDisableUnixSocket = 1\nNumberOfBuffers = 10000\n\
             MaxDirtyBuffers = 6000\nCheckpointInterval = 0\nDirsAllowed = .\n\
             [HTTPServer]\nServerPort = 127.0.0.1:{http}\nServerRoot = .\nServerThreads = 4\n\
             [SPARQL]\nResultSetMaxRows = 1000000\nMaxQueryExecutionTime = 60\n"
        );
        std::fs::write(dir.path().join("virtuoso.ini"), ini).unwrap();
        let log = std::fs::File::create(dir.path().join("stdout.log")).unwrap();
        let child = Process::new(program)
            .args(["+foreground", "+configfile", "virtuoso.ini"])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut server = Virtuoso { child, dir, http };
        server.wait_until_ready();
        server
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.http)
    }

    fn log(&self) -> String {
        let read = |f: &str| std::fs::read_to_string(self.dir.path().join(f)).unwrap_or_default();
        format!("{}{}", read("stdout.log"), read("virtuoso.log"))
    }

    fn wait_until_ready(&mut self) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("virtuoso-t stopped ({status}):\n{}", self.log());
            }
            if self.select("ASK {}").is_ok() {
                eprintln!("virtuoso ready on port {} after {:.1}s", self.http, started.elapsed().as_secs_f64());
                return;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        panic!("virtuoso-t not ready after 60 s:\n{}", self.log());
    }

    /// Runs a query on the public endpoint; the JSON results.
    fn select(&self, query: &str) -> Result<Value, String> {
        let agent: ureq::Agent =
            ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(60))).build().into();
        let mut response = agent
            .post(self.url("/sparql"))
            .header("Accept", "application/sparql-results+json")
            .send_form([("query", query)])
            .map_err(|e| e.to_string())?;
        let text = response.body_mut().read_to_string().map_err(|e| e.to_string())?;
        serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))
    }
}

impl Drop for Virtuoso {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `kgraph --store STORE ARGS…`, which must succeed; its standard output and error.
fn kgraph(store: &Path, args: &[&str]) -> (String, String) {
    let out = Command::cargo_bin("kgraph")
        .unwrap()
        .current_dir(root())
        .env_remove("KGRAPH_BASE")
        .env_remove("KGRAPH_ONTOLOGY")
        .arg("--store")
        .arg(store)
        .args(args)
        .assert()
        .success();
    let output = out.get_output();
    (String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// One result row: variable → (kind, value, datatype or language). Virtuoso says
/// `typed-literal` where SPARQL 1.1 says `literal`, and may type plain strings `xsd:string`.
type Row = BTreeMap<String, (String, String, String)>;

/// A GROUP_CONCAT's items in a fixed order: SPARQL leaves their order to the engine. The
/// queries join names with " | " and numbers with a space.
fn unordered(value: &str) -> String {
    let numbers = !value.is_empty() && value.split(' ').all(|n| n.parse::<f64>().is_ok());
    let separator = if value.contains(" | ") { " | " } else if numbers { " " } else { return value.to_owned() };
    let mut items: Vec<&str> = value.split(separator).collect();
    items.sort_unstable();
    items.join(separator)
}

fn rows(results: &Value) -> Vec<Row> {
    let mut out: Vec<Row> = results["results"]["bindings"]
        .as_array()
        .unwrap_or_else(|| panic!("not SELECT results: {results}"))
        .iter()
        .map(|b| {
            b.as_object()
                .unwrap()
                .iter()
                // A GROUP_CONCAT over no value is "" in Virtuoso and unbound in Oxigraph (which
                // reads an unbound OPTIONAL variable as an error): the same row either way.
                .filter(|(_, term)| !(term["type"] == "literal" && term["value"] == "" && term.get("datatype").is_none()))
                .map(|(var, term)| {
                    let kind = match term["type"].as_str().unwrap() {
                        "typed-literal" => "literal",
                        k => k,
                    };
                    let extra = term["datatype"]
                        .as_str()
                        .filter(|d| *d != "http://www.w3.org/2001/XMLSchema#string")
                        .or(term["xml:lang"].as_str())
                        .unwrap_or_default();
                    (var.clone(), (kind.to_owned(), unordered(term["value"].as_str().unwrap()), extra.to_owned()))
                })
                .collect()
        })
        .collect();
    out.sort();
    out
}

fn local(store: &Path, query_args: &[&str]) -> Vec<Row> {
    let mut args = vec!["query", "--format", "json"];
    args.extend(query_args);
    let (stdout, _) = kgraph(store, &args);
    rows(&serde_json::from_str(&stdout).unwrap())
}

/// Quads per graph, in Virtuoso and locally, must be the same (and non-trivial).
/// The default graph's quads (the facts) are the facts graph's in Virtuoso.
/// The graphs and quads both hold, once their counts per graph are the same.
fn check_counts(server: &Virtuoso, store: &Path) -> (usize, usize) {
    let mut remote = rows(&server.select(COUNT).unwrap());
    let facts = remote.iter().position(|r| r["g"].1 == FACTS).expect("the facts graph in Virtuoso");
    let facts = remote.remove(facts);
    let here = local(store, &[COUNT]);
    assert_eq!(remote, here, "quads per graph differ between Virtuoso and the local store");
    let named = |part: &str| here.iter().filter(|r| r["g"].1.contains(part)).count();
    assert_eq!(named("/doc/"), 5, "five documents: {here:?}");
    assert_eq!(named("/ontology"), 1, "the ontology: {here:?}");
    // The entities' summary, and one per relation the seeds state.
    assert!(named("/summary") > 10, "the summaries: {here:?}");
    assert_eq!(named("/doc/") + named("/ontology") + named("/summary"), here.len(), "{here:?}");
    let default = local(store, &["SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"]);
    assert_eq!(facts["n"], default[0]["n"], "the facts graph holds the default graph");
    (here.len() + 1, here.iter().chain([&facts]).map(|r| r["n"].1.parse::<usize>().unwrap()).sum())
}

#[test]
fn the_seeds_pushed_to_virtuoso_answer_like_the_local_store() {
    let Some(program) = which("virtuoso-t") else {
        let message = "virtuoso-t not installed (apt-get install virtuoso-opensource): Virtuoso test skipped";
        assert!(std::env::var_os("CI").is_none(), "{message}, but CI must run it");
        eprintln!("{message}");
        return;
    };
    let server = Virtuoso::start(&program);
    let tmp = TempDir::new().unwrap();
    let store = tmp.path().join("kg");
    kgraph(&store, &["build", "--quiet", "seeds"]);

    // Graph Store Protocol; Virtuoso's /sparql-graph-crud-auth asks for digest authentication.
    let gsp = server.url("/sparql-graph-crud-auth");
    // Virtuoso's default graph is the union of its graphs, and cannot be written as such: the
    // facts go to a graph of their own, seen by default there too.
    let push = ["push", "--endpoint", &gsp, "--user", "dba", "--password", "dba", "--default-graph", FACTS];
    let (_, report) = kgraph(&store, &push);
    eprint!("{report}");
    let counts = check_counts(&server, &store);
    let (graphs, quads) = counts;
    assert!(report.contains(&format!("pushed {graphs} graphs, {quads} quads")), "{report}");

    // Pushing again replaces: nothing doubles. In small batches (PUT, then POSTs).
    let mut again = push.to_vec();
    again.extend(["--batch-size", "250"]);
    let (_, report) = kgraph(&store, &again);
    eprint!("{report}");
    assert_eq!(check_counts(&server, &store), counts);

    // SPARQL Update (DROP SILENT GRAPH + INSERT DATA), in batches, also replaces.
    let update = server.url("/sparql-auth");
    let (_, report) = kgraph(
        &store,
        &[
            "push",
            "--update-endpoint",
            &update,
            "--user",
            "dba",
            "--password",
            "dba",
            "--batch-size",
            "300",
            "--default-graph",
            FACTS,
        ],
    );
    eprint!("{report}");
    assert_eq!(check_counts(&server, &store), counts);

    // The queries users run give the same rows (Virtuoso's default graph is the union of all).
    for name in QUERIES {
        let file = root().join("queries").join(name);
        let text = std::fs::read_to_string(&file).unwrap();
        let remote = rows(&server.select(&text).unwrap_or_else(|e| panic!("{name} on Virtuoso: {e}")));
        let here = local(&store, &["--file", file.to_str().unwrap()]);
        assert!(!here.is_empty(), "{name}: no rows to compare");
        assert_eq!(remote, here, "{name}: Virtuoso and kgraph disagree");
        eprintln!("{name}: {} rows, the same in Virtuoso", here.len());
    }
}
