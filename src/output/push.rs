//! Store → a remote SPARQL store over HTTP: each graph sent with the SPARQL 1.1 Graph Store HTTP
//! Protocol (PUT, so a second push replaces instead of duplicating) or with SPARQL 1.1 Update
//! (`DROP SILENT GRAPH` + `INSERT DATA`), in batches, with basic, digest or bearer
//! authentication, timeouts, retries with exponential backoff, and a final [`PushReport`].
//!
//! # Requests
//!
//! Graph Store Protocol (`ENDPOINT?graph=IRI`, or `ENDPOINT?default` for the default graph): the
//! first batch of a graph is a `PUT`, which replaces the remote graph; further batches of the
//! same graph are `POST`s, which add to it. Bodies are N-Triples (`application/n-triples`).
//!
//! SPARQL Update (`application/sparql-update`, POSTed to the update endpoint): the first batch is
//! `DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { … } }` in one request, further batches
//! `INSERT DATA`.
//!
//! A graph holding blank nodes is always sent whole, in one request: a blank node is local to
//! one request, so splitting would break it in two.
//!
//! # Authentication
//!
//! With a user and password and [`AuthScheme::Any`], the first request goes without credentials;
//! the server's `401` challenge says which scheme it wants (`Digest`, as Virtuoso's
//! `/sparql-graph-crud-auth`, or `Basic`), and every later request answers it directly. So a
//! password is never sent in clear to a server that asks for digest.
//!
//! # Retries
//!
//! Connection failures, timeouts, `429` and `5xx` answers are retried up to
//! [`PushOptions::retries`] times, waiting [`PushOptions::retry_wait`], then twice as long each
//! time (at most a minute; a `Retry-After` in seconds is honoured). Other answers fail at once
//! with the status and the body the server sent ([`Error::Http`]).

use std::fmt;
use std::io::Read;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::{Duration, Instant};

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphName, GraphNameRef, NamedNode, NamedOrBlankNode, Term, TripleRef};
use oxigraph::store::Store;
use ureq::http::Response;
use ureq::Body;

use super::export;
use crate::graph::Vocab;
use crate::store::KgStore;
use crate::{Error, Result};

/// The triples per request unless told otherwise ([`PushOptions::batch_size`]).
pub const DEFAULT_BATCH_SIZE: usize = 10_000;

/// The most of a server's error body kept in [`Error::Http`].
const MAX_ERROR_BODY: usize = 2_000;

/// How graphs are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// SPARQL 1.1 Graph Store HTTP Protocol: `PUT`/`POST ENDPOINT?graph=IRI` with N-Triples.
    GraphStore,
    /// SPARQL 1.1 Update: `DROP SILENT GRAPH` and `INSERT DATA` POSTed to the update endpoint.
    Update,
}

/// Which HTTP authentication scheme answers a user and password.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AuthScheme {
    /// Whatever the server's challenge asks for (digest or basic).
    #[default]
    Any,
    /// Basic, sent with every request from the first on.
    Basic,
    /// Digest, answering the server's challenge.
    Digest,
}

impl AuthScheme {
    /// The names users give on the command line.
    pub const NAMES: [&'static str; 3] = ["any", "basic", "digest"];
}

impl FromStr for AuthScheme {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "any" => Ok(AuthScheme::Any),
            "basic" => Ok(AuthScheme::Basic),
            "digest" => Ok(AuthScheme::Digest),
            _ => Err(Error::Invalid(format!("unknown authentication scheme {s:?} (one of any, basic, digest)"))),
        }
    }
}

/// Who the client says it is.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum Credentials {
    /// No authentication.
    #[default]
    None,
    /// A user and password, answered with [`AuthScheme`].
    Password {
        /// The user name.
        user: String,
        /// The password.
        password: String,
        /// Basic, digest, or whatever the server asks.
        scheme: AuthScheme,
    },
    /// `Authorization: Bearer TOKEN`.
    Bearer(String),
}

impl fmt::Debug for Credentials {
    // Never print a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::None => f.write_str("None"),
            Credentials::Password { user, scheme, .. } => {
                write!(f, "Password {{ user: {user:?}, scheme: {scheme:?} }}")
            }
            Credentials::Bearer(_) => f.write_str("Bearer(…)"),
        }
    }
}

/// Where and how [`push`] sends the graphs.
#[derive(Clone, Debug)]
pub struct PushOptions {
    /// The Graph Store endpoint (e.g. `http://localhost:3030/ds/data`) or, with
    /// [`Protocol::Update`], the update endpoint (e.g. `http://localhost:3030/ds/update`).
    pub endpoint: String,
    /// Graph Store Protocol or SPARQL Update.
    pub protocol: Protocol,
    /// Authentication.
    pub credentials: Credentials,
    /// The longest a request may take, from connecting to the end of the answer.
    pub timeout: Option<Duration>,
    /// How many times a failed request (connection, timeout, 429, 5xx) is tried again.
    pub retries: u32,
    /// The wait before the first retry; it doubles each time.
    pub retry_wait: Duration,
    /// The most triples in one request (at least 1). Graphs with blank nodes go whole.
    pub batch_size: usize,
    /// PEM file of certificate authorities to trust for `https` instead of the built-in roots.
    pub ca_cert: Option<PathBuf>,
    /// Where the store's default graph (the facts) goes: the remote default graph, or this
    /// named graph, for stores whose default graph is the union of their graphs and cannot be
    /// written as such (Virtuoso).
    pub default_graph: Option<NamedNode>,
}

impl PushOptions {
    /// Options for `endpoint` with the defaults: no authentication, 60 s timeout, 4 retries from
    /// 0.5 s, [`DEFAULT_BATCH_SIZE`].
    pub fn new(endpoint: impl Into<String>, protocol: Protocol) -> Self {
        Self {
            endpoint: endpoint.into(),
            protocol,
            credentials: Credentials::None,
            timeout: Some(Duration::from_secs(60)),
            retries: 4,
            retry_wait: Duration::from_millis(500),
            batch_size: DEFAULT_BATCH_SIZE,
            ca_cert: None,
            default_graph: None,
        }
    }
}

/// What happens during a [`push`], reported as it happens.
#[derive(Debug)]
pub enum PushEvent<'a> {
    /// The graphs were counted: the push begins.
    Started {
        /// Graphs to send.
        graphs: usize,
        /// Quads in them.
        quads: usize,
    },
    /// A graph is about to be sent.
    Graph {
        /// The graph.
        graph: GraphNameRef<'a>,
        /// Its quads.
        quads: usize,
    },
    /// A request succeeded.
    Sent {
        /// The triples it carried.
        triples: usize,
    },
    /// A request failed and will be tried again.
    Retrying {
        /// Why it failed.
        reason: &'a str,
        /// The retry about to be made (from 1).
        attempt: u32,
        /// The wait before it.
        wait: Duration,
    },
}

/// What a [`push`] did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct PushReport {
    /// Graphs sent.
    pub graphs: usize,
    /// Quads sent.
    pub quads: usize,
    /// HTTP requests that succeeded.
    pub requests: usize,
    /// Requests tried again (after a failure, not counting authentication challenges).
    pub retries: usize,
    /// Bytes of request bodies that succeeded.
    pub bytes: u64,
    /// Wall-clock time.
    pub seconds: f64,
}

/// Sends `graphs` of `store` (each wholly replacing the remote graph of the same name) as
/// `options` say; `on_event` hears of the progress. Stops at the first request that fails for
/// good; the graphs before it are in the remote store, the one it belonged to may be partly.
pub fn push(
    store: &Store,
    graphs: &[GraphName],
    options: &PushOptions,
    mut on_event: impl FnMut(PushEvent<'_>),
) -> Result<PushReport> {
    let started = Instant::now();
    let scheme = options.endpoint.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), Some("http" | "https")) {
        return Err(Error::Invalid(format!("{}: not an http:// or https:// URL", options.endpoint)));
    }
    let mut client = Client::new(options)?;
    // Count first (for the progress bar) and find the graphs that must go whole.
    let mut plans = Vec::with_capacity(graphs.len());
    for graph in graphs {
        let mut quads = 0;
        let mut blank = false;
        for quad in store.quads_for_pattern(None, None, None, Some(graph.as_ref())) {
            let quad = quad?;
            quads += 1;
            blank |= quad.subject.is_blank_node() || matches!(quad.object, Term::BlankNode(_));
        }
        plans.push((graph, quads, blank));
    }
    let total: usize = plans.iter().map(|p| p.1).sum();
    on_event(PushEvent::Started { graphs: graphs.len(), quads: total });

    let mut report = PushReport::default();
    let batch_size = options.batch_size.max(1);
    for (graph, quads, blank) in plans {
        on_event(PushEvent::Graph { graph: graph.as_ref(), quads });
        let limit = if blank { usize::MAX } else { batch_size };
        let mut iter = store.quads_for_pattern(None, None, None, Some(graph.as_ref()));
        // The remote graph: the same, but for the default graph sent as a named one.
        let target: GraphNameRef<'_> = match (graph, &options.default_graph) {
            (GraphName::DefaultGraph, Some(named)) => named.as_ref().into(),
            _ => graph.as_ref(),
        };
        let mut first = true;
        loop {
            let mut body = Vec::new();
            let mut serializer = RdfSerializer::from_format(RdfFormat::NTriples).for_writer(&mut body);
            let mut n = 0;
            for quad in iter.by_ref() {
                let quad = quad?;
                serializer.serialize_triple(TripleRef::from(quad.as_ref())).map_err(|e| Error::io("<request>", e))?;
                n += 1;
                if n == limit {
                    break;
                }
            }
            serializer.finish().map_err(|e| Error::io("<request>", e))?;
            // An empty graph is still PUT (or dropped): the remote one must end up empty too.
            if n == 0 && !first {
                break;
            }
            let request = match options.protocol {
                Protocol::GraphStore => Request {
                    method: if first { "PUT" } else { "POST" },
                    url: graph_store_url(&options.endpoint, target),
                    content_type: "application/n-triples",
                    body,
                },
                Protocol::Update => Request {
                    method: "POST",
                    url: options.endpoint.clone(),
                    content_type: "application/sparql-update",
                    body: update_body(target, first, blank, &body),
                },
            };
            client.send(&request, &mut report, &mut on_event)?;
            on_event(PushEvent::Sent { triples: n });
            first = false;
            if n < limit {
                break;
            }
        }
        report.graphs += 1;
        report.quads += quads;
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The graphs a user asks for: every named graph of the store (sorted by IRI, then the default
/// graph if it holds anything) when `graphs` and `documents` are both empty, else the graphs
/// named by `graphs` (IRIs or document identifiers, see [`export::graph_named`]) and the graphs of
/// the documents whose `dcterms:identifier` is in `documents`, in the order given, each once.
/// Fails on a graph or document the store does not hold.
pub fn select_graphs(kg: &KgStore, vocab: &Vocab, graphs: &[String], documents: &[String]) -> Result<Vec<GraphName>> {
    let store = kg.store();
    if graphs.is_empty() && documents.is_empty() {
        let mut all: Vec<GraphName> = Vec::new();
        for g in kg.graphs() {
            all.push(match g? {
                NamedOrBlankNode::NamedNode(n) => GraphName::NamedNode(n),
                NamedOrBlankNode::BlankNode(b) => GraphName::BlankNode(b),
            });
        }
        all.sort_by(|a, b| a.to_string().cmp(&b.to_string()));
        if store.quads_for_pattern(None, None, None, Some(GraphNameRef::DefaultGraph)).next().is_some() {
            all.push(GraphName::DefaultGraph);
        }
        return Ok(all);
    }
    let mut out: Vec<GraphName> = Vec::new();
    for name in graphs {
        let g = export::graph_named(vocab, name);
        export::check_graph(store, g.as_ref())?;
        out.push(g);
    }
    if !documents.is_empty() {
        let known = kg.documents()?;
        for id in documents {
            let Some((g, _)) = known.iter().find(|(_, d)| d == id) else {
                return Err(Error::Invalid(format!("no document {id:?} in the store (see `kgraph stats`)")));
            };
            out.push(g.clone().into());
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|g| seen.insert(g.clone()));
    Ok(out)
}

/// `ENDPOINT?graph=IRI` (IRI percent-encoded), or `ENDPOINT?default`; `&` instead of `?` when
/// the endpoint already has a query.
pub fn graph_store_url(endpoint: &str, graph: GraphNameRef<'_>) -> String {
    let sep = if endpoint.contains('?') { '&' } else { '?' };
    match graph {
        GraphNameRef::NamedNode(n) => format!("{endpoint}{sep}graph={}", percent_encode(n.as_str())),
        // Blank-node graphs have no name outside the store; they go to the default graph.
        GraphNameRef::BlankNode(_) | GraphNameRef::DefaultGraph => format!("{endpoint}{sep}default"),
    }
}

/// A SPARQL Update carrying `triples` (N-Triples) into `graph`, first dropping the graph when
/// `replace`. With `blank` (the triples hold blank nodes) it is `INSERT { … } WHERE {}` rather
/// than `INSERT DATA`: the same meaning, and stores that refuse blank nodes in `INSERT DATA`
/// (Virtuoso 7) accept it.
pub fn update_body(graph: GraphNameRef<'_>, replace: bool, blank: bool, triples: &[u8]) -> Vec<u8> {
    let insert = if blank { "INSERT" } else { "INSERT DATA" };
    let end = if blank { " WHERE {}" } else { "" };
    let mut out = Vec::with_capacity(triples.len() + 200);
    let (open, close) = match graph {
        GraphNameRef::NamedNode(n) => {
            if replace {
                out.extend_from_slice(format!("DROP SILENT GRAPH {n} ;\n").as_bytes());
            }
            (format!("{insert} {{ GRAPH {n} {{\n"), format!("}} }}{end}\n"))
        }
        GraphNameRef::BlankNode(_) | GraphNameRef::DefaultGraph => {
            if replace {
                out.extend_from_slice(b"DROP SILENT DEFAULT ;\n");
            }
            (format!("{insert} {{\n"), format!("}}{end}\n"))
        }
    };
    out.extend_from_slice(open.as_bytes());
    out.extend_from_slice(triples);
    out.extend_from_slice(close.as_bytes());
    out
}

/// Percent-encodes everything but RFC 3986 unreserved characters (for a query parameter).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The request-target of a URL (path and query), which digest authentication signs.
fn request_target(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let target = rest.find('/').map_or("/", |i| &rest[i..]);
    target.split('#').next().unwrap_or("/")
}

/// One HTTP request, kept whole so it can be sent again.
struct Request {
    method: &'static str,
    url: String,
    content_type: &'static str,
    body: Vec<u8>,
}

/// How the next request authenticates.
enum AuthState {
    /// Nothing yet (no credentials, or waiting for the server's challenge).
    Unknown,
    Basic,
    Digest(Box<digest_auth::WwwAuthenticateHeader>),
}

/// An HTTP agent with the authentication learnt so far.
struct Client<'a> {
    agent: ureq::Agent,
    options: &'a PushOptions,
    auth: AuthState,
}

/// The outcome of one attempt.
enum Attempt {
    Done,
    /// Worth trying again after (at least) this long, for this reason.
    Retry(String, Option<Duration>),
    /// The server asks for credentials: answer its challenge and send again.
    Challenge(String),
}

impl<'a> Client<'a> {
    fn new(options: &'a PushOptions) -> Result<Self> {
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(options.timeout)
            .user_agent(concat!("kgraph/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &options.ca_cert {
            let pem = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect();
            if certs.is_empty() {
                return Err(Error::Invalid(format!("{}: no PEM certificate in it", path.display())));
            }
            let tls = ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::new_with_certs(&certs)).build();
            config = config.tls_config(tls);
        }
        let auth = match &options.credentials {
            Credentials::Password { scheme: AuthScheme::Basic, .. } => AuthState::Basic,
            _ => AuthState::Unknown,
        };
        Ok(Self { agent: config.build().new_agent(), options, auth })
    }

    /// Sends `request` until it succeeds, retrying as the options say.
    fn send(
        &mut self,
        request: &Request,
        report: &mut PushReport,
        on_event: &mut impl FnMut(PushEvent<'_>),
    ) -> Result<()> {
        let mut retries = 0;
        let mut challenges = 0;
        loop {
            match self.attempt(request)? {
                Attempt::Done => {
                    report.requests += 1;
                    report.bytes += request.body.len() as u64;
                    return Ok(());
                }
                Attempt::Challenge(header) => {
                    // Answer a challenge twice at most (the second for a stale nonce).
                    challenges += 1;
                    if challenges > 2 || !self.learn(&header) {
                        return Err(Error::Http {
                            method: request.method.to_owned(),
                            url: request.url.clone(),
                            status: 401,
                            body: self.unauthorized_hint(),
                        });
                    }
                }
                Attempt::Retry(reason, at_least) => {
                    if retries >= self.options.retries {
                        return Err(Error::Network {
                            url: request.url.clone(),
                            message: format!("{reason} (after {} tries)", retries + 1),
                        });
                    }
                    let doubled = self.options.retry_wait.saturating_mul(1 << retries.min(16));
                    let wait = doubled.max(at_least.unwrap_or_default()).min(Duration::from_secs(60));
                    retries += 1;
                    report.retries += 1;
                    on_event(PushEvent::Retrying { reason: &reason, attempt: retries, wait });
                    std::thread::sleep(wait);
                }
            }
        }
    }

    fn attempt(&mut self, request: &Request) -> Result<Attempt> {
        let agent = &self.agent;
        let mut builder = match request.method {
            "PUT" => agent.put(&request.url),
            _ => agent.post(&request.url),
        }
        .header("Content-Type", request.content_type)
        .header("Accept", "*/*");
        if let Some(value) = self.authorization(request) {
            builder = builder.header("Authorization", value);
        }
        let mut response = match builder.send(&request.body[..]) {
            Ok(r) => r,
            Err(e) => return transport_error(&request.url, e),
        };
        let status = response.status().as_u16();
        if (200..300).contains(&status) {
            // Read the answer so the connection can be reused.
            let _ = response.body_mut().as_reader().take(1 << 20).read_to_end(&mut Vec::new());
            return Ok(Attempt::Done);
        }
        if status == 401 && matches!(self.options.credentials, Credentials::Password { .. }) {
            if let Some(h) = header(&response, "www-authenticate") {
                return Ok(Attempt::Challenge(h));
            }
        }
        let retry_after = header(&response, "retry-after").and_then(|s| s.trim().parse().ok()).map(Duration::from_secs);
        let body = error_body(&mut response);
        if status == 429 || status >= 500 {
            let reason = format!("HTTP {status}{}", first_line(&body));
            return Ok(Attempt::Retry(reason, retry_after));
        }
        let body = if status == 301 || status == 302 || status == 303 || status == 307 || status == 308 {
            format!("redirected to {} (give that URL)", header(&response, "location").unwrap_or_default())
        } else {
            body
        };
        Err(Error::Http { method: request.method.to_owned(), url: request.url.clone(), status, body })
    }

    /// The `Authorization` header for `request`, if any is known yet.
    fn authorization(&mut self, request: &Request) -> Option<String> {
        match (&self.options.credentials, &mut self.auth) {
            (Credentials::None, _) => None,
            (Credentials::Bearer(token), _) => Some(format!("Bearer {token}")),
            (Credentials::Password { user, password, .. }, AuthState::Basic) => {
                Some(format!("Basic {}", base64(format!("{user}:{password}").as_bytes())))
            }
            (Credentials::Password { user, password, .. }, AuthState::Digest(prompt)) => {
                let context = digest_auth::AuthContext::new_with_method(
                    user.as_str(),
                    password.as_str(),
                    request_target(&request.url),
                    Some(&request.body[..]),
                    digest_auth::HttpMethod(request.method.into()),
                );
                prompt.respond(&context).ok().map(|h| h.to_header_string())
            }
            (Credentials::Password { .. }, AuthState::Unknown) => None,
        }
    }

    /// Learns the scheme from a `WWW-Authenticate` challenge; false if it cannot be answered.
    fn learn(&mut self, header: &str) -> bool {
        let Credentials::Password { scheme, .. } = &self.options.credentials else { return false };
        let lower = header.trim_start().to_ascii_lowercase();
        if lower.starts_with("digest") && *scheme != AuthScheme::Basic {
            match digest_auth::parse(header) {
                Ok(prompt) => {
                    self.auth = AuthState::Digest(Box::new(prompt));
                    true
                }
                Err(_) => false,
            }
        } else if lower.starts_with("basic") && *scheme != AuthScheme::Digest && !matches!(self.auth, AuthState::Basic)
        {
            self.auth = AuthState::Basic;
            true
        } else {
            false
        }
    }

    fn unauthorized_hint(&self) -> String {
        match &self.options.credentials {
            Credentials::Password { user, .. } => format!("the server refuses user {user:?} and this password"),
            _ => "the server wants credentials (--user and --password, or --token)".to_owned(),
        }
    }
}

fn header(response: &Response<Body>, name: &str) -> Option<String> {
    response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// The start of the body of an error answer, as text.
fn error_body(response: &mut Response<Body>) -> String {
    let mut bytes = Vec::new();
    let _ = response.body_mut().as_reader().take(MAX_ERROR_BODY as u64 + 1).read_to_end(&mut bytes);
    let mut text = String::from_utf8_lossy(&bytes).trim().to_owned();
    if bytes.len() > MAX_ERROR_BODY {
        let mut cut = MAX_ERROR_BODY.min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}

fn first_line(body: &str) -> String {
    match body.lines().map(str::trim).find(|l| !l.is_empty()) {
        Some(line) => format!(": {}", line.chars().take(200).collect::<String>()),
        None => String::new(),
    }
}

/// Connection problems and timeouts are worth retrying; a bad URL or certificate is not (TLS
/// failures come as I/O errors of kind `InvalidData`).
fn transport_error(url: &str, e: ureq::Error) -> Result<Attempt> {
    match &e {
        ureq::Error::Io(io)
            if matches!(io.kind(), std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput) =>
        {
            Err(Error::Network { url: url.to_owned(), message: e.to_string() })
        }
        ureq::Error::Io(_) | ureq::Error::Timeout(_) | ureq::Error::ConnectionFailed | ureq::Error::Protocol(_) => {
            Ok(Attempt::Retry(e.to_string(), None))
        }
        _ => Err(Error::Network { url: url.to_owned(), message: e.to_string() }),
    }
}

/// Standard base64 with padding (for basic authentication).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::NamedNodeRef;

    #[test]
    fn base64_matches_rfc_4648() {
        for (input, output) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("dba:dba", "ZGJhOmRiYQ=="),
        ] {
            assert_eq!(base64(input.as_bytes()), output);
        }
    }

    #[test]
    fn graph_store_urls_encode_the_graph() {
        let g = NamedNodeRef::new_unchecked("https://w3id.org/kgraph/doc/0 a?b#c");
        assert_eq!(
            graph_store_url("http://h/ds/data", g.into()),
            "http://h/ds/data?graph=https%3A%2F%2Fw3id.org%2Fkgraph%2Fdoc%2F0%20a%3Fb%23c"
        );
        assert_eq!(graph_store_url("http://h/x?a=1", GraphNameRef::DefaultGraph), "http://h/x?a=1&default");
    }

    #[test]
    fn request_targets_are_path_and_query() {
        assert_eq!(request_target("http://h:8890/sparql-graph-crud-auth?graph=x"), "/sparql-graph-crud-auth?graph=x");
        assert_eq!(request_target("https://h"), "/");
        assert_eq!(request_target("http://h/a#frag"), "/a");
    }

    #[test]
    fn update_bodies_drop_then_insert() {
        let g = NamedNodeRef::new_unchecked("http://ex.org/g");
        let body = update_body(g.into(), true, false, b"<http://a> <http://b> \"c\" .\n");
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "DROP SILENT GRAPH <http://ex.org/g> ;\nINSERT DATA { GRAPH <http://ex.org/g> {\n<http://a> <http://b> \"c\" .\n} }\n"
        );
        let body = update_body(GraphNameRef::DefaultGraph, false, false, b"");
        assert_eq!(String::from_utf8(body).unwrap(), "INSERT DATA {\n}\n");
        let body = update_body(g.into(), true, true, b"<http://a> <http://b> _:x .\n");
        let text = String::from_utf8(body).unwrap();
        assert!(
            text.ends_with("INSERT { GRAPH <http://ex.org/g> {\n<http://a> <http://b> _:x .\n} } WHERE {}\n"),
            "{text}"
        );
        for blank in [false, true] {
            for graph in [g.into(), GraphNameRef::DefaultGraph] {
                let body = update_body(graph, true, blank, b"<http://a> <http://b> \"x\\ny\" .\n");
                let text = String::from_utf8(body).unwrap();
                assert!(oxigraph::sparql::SparqlEvaluator::new().parse_update(&text).is_ok(), "{text}");
            }
        }
    }

    #[test]
    fn secrets_are_not_printed() {
        let c = Credentials::Password { user: "dba".into(), password: "s3cret".into(), scheme: AuthScheme::Any };
        assert!(!format!("{c:?}").contains("s3cret"));
        assert!(!format!("{:?}", Credentials::Bearer("t0ken".into())).contains("t0ken"));
    }
}
