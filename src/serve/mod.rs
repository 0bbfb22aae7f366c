//! Options + an open store → `kgraph serve`: an HTTP server answering the SPARQL 1.1 Protocol
//! (`sparql.rs`), the page's JSON API (`api.rs`, over `catalog.rs`) and the page itself
//! (`page.rs`), with limits on time, size and concurrency, a bearer token for updates (and, on
//! request, reads), CORS only for the origins named, and one log line per request.
//!
//! # Why axum on tokio
//!
//! Oxigraph's own `oxhttp` is a small synchronous server (a thread per connection) and would
//! suit Oxigraph's synchronous queries, but everything around the protocol would then be written
//! here: CORS, body limits, content negotiation, graceful shutdown on a signal. axum on tokio has
//! each of them as a maintained piece (tower-http's `CorsLayer` and `RequestBodyLimitLayer`,
//! headers-accept, tokio's signals and axum's graceful shutdown), and hyper parses HTTP.
//!
//! # Queries, time and slots
//!
//! Oxigraph's queries are synchronous: each runs on tokio's blocking pool with its own
//! cancellation token, which the `--timeout` watchdog cancels, the server cancels when it stops,
//! and the request cancels when its client goes away. Oxigraph checks the token as it reads the
//! store, so a query busy joining what it has read (a cross product) may take a while to see it:
//! the client is answered at the timeout all the same, and the query keeps its slot (one of
//! `--max-concurrent`, a tokio semaphore) until it has really stopped, so abandoned work can
//! never exceed the cap. A request that finds no free slot gets 503 with `Retry-After`.
//!
//! # Security defaults
//!
//! Loopback only unless `--bind` names another address; read-only unless `--allow-update`
//! (which needs `--token`); a request whose `Origin` is another site is refused unless
//! `--cors` names it; on a loopback address, a `Host` that is not a loopback name is refused
//! (a page of another site that rebinds its name to 127.0.0.1 cannot read the store).

mod api;
mod catalog;
mod page;
mod sparql;

#[cfg(test)]
mod routes;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use headers::authorization::Bearer;
use headers::{Authorization, HeaderMapExt};
use oxigraph::sparql::CancellationToken;
use subtle::ConstantTimeEq;

use crate::graph::Vocab;
use crate::store::KgStore;
use crate::{Error, Result};

/// The default address: loopback only.
pub const DEFAULT_BIND: &str = "127.0.0.1:7878";

/// The header that gives the number of rows (or triples) in a result.
pub const ROWS_HEADER: &str = "kgraph-rows";

/// The header present when a limit cut a result short: `max-rows=N` or `max-bytes=N`.
pub const TRUNCATED_HEADER: &str = "kgraph-truncated";

/// What `kgraph serve` does: where it listens, its limits and who may do what.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The address and port to listen on (port 0: any free port).
    pub bind: SocketAddr,
    /// Cancel a query after this long.
    pub timeout: Duration,
    /// Send at most this many rows (or triples) of a result; the rest is cut and said so.
    pub max_rows: usize,
    /// Stop a result after the row that takes it to this many bytes, and say so.
    pub max_bytes: usize,
    /// Refuse request bodies larger than this (413).
    pub max_body: usize,
    /// Run at most this many queries at once; more get 503 with `Retry-After`.
    pub max_concurrent: usize,
    /// Accept SPARQL Update at `/update` (needs `token`).
    pub allow_update: bool,
    /// The bearer token that updates (and, with `token_for_reads`, every query) must carry.
    pub token: Option<String>,
    /// Require the token for queries and the API too, not only for updates.
    pub token_for_reads: bool,
    /// Origins allowed to call the server from a page of theirs (CORS), e.g.
    /// `http://localhost:3000`; none by default.
    pub cors: Vec<String>,
    /// Write one line per request on standard error.
    pub log: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            bind: DEFAULT_BIND.parse().expect("a valid address"),
            timeout: Duration::from_secs(30),
            max_rows: 100_000,
            max_bytes: 64 << 20,
            max_body: 1 << 20,
            max_concurrent: 4,
            allow_update: false,
            token: None,
            token_for_reads: false,
            cors: Vec::new(),
            log: true,
        }
    }
}

impl ServeOptions {
    /// Checks that the options make sense together, and parses the CORS origins.
    fn check(&self) -> Result<Vec<HeaderValue>> {
        let invalid = |m: String| Err(Error::Invalid(m));
        if self.allow_update && self.token.is_none() {
            return invalid("--allow-update needs --token TOKEN: updates are accepted only with that bearer token".into());
        }
        if self.token_for_reads && self.token.is_none() {
            return invalid("--token-for-reads needs --token TOKEN".into());
        }
        if let Some(token) = &self.token {
            if token.len() < 8 || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return invalid("--token must be at least 8 characters, without spaces".into());
            }
        }
        let sizes = [
            ("--max-rows", self.max_rows),
            ("--max-bytes", self.max_bytes),
            ("--max-concurrent", self.max_concurrent),
            ("--max-body", self.max_body),
        ];
        for (name, value) in sizes {
            if value == 0 {
                return invalid(format!("{name} must be at least 1"));
            }
        }
        if self.timeout.is_zero() {
            return invalid("--timeout must be more than 0 seconds".into());
        }
        self.cors
            .iter()
            .map(|origin| {
                let origin = origin.trim_end_matches('/');
                let not_an_origin = || {
                    Error::Invalid(format!(
                        "--cors {origin:?} is not an origin (scheme, host and port only, such as http://localhost:3000)"
                    ))
                };
                let uri: axum::http::Uri = origin.parse().map_err(|_| not_an_origin())?;
                let path = uri.path_and_query().map_or("", |p| p.as_str());
                if uri.scheme().is_none() || uri.authority().is_none() || !(path.is_empty() || path == "/") {
                    return Err(not_an_origin());
                }
                HeaderValue::from_str(origin).map_err(|_| not_an_origin())
            })
            .collect()
    }
}

/// Queries being run, so that stopping the server cancels them.
struct Running {
    next: AtomicU64,
    stopping: AtomicBool,
    tokens: Mutex<HashMap<u64, CancellationToken>>,
    /// Becomes true when the server stops: requests waiting for a query answer at once.
    stopped: tokio::sync::watch::Sender<bool>,
}

impl Default for Running {
    fn default() -> Self {
        Self {
            next: AtomicU64::new(0),
            stopping: AtomicBool::new(false),
            tokens: Mutex::default(),
            stopped: tokio::sync::watch::Sender::new(false),
        }
    }
}

impl Running {
    /// Registers a run; the guard cancels it when dropped before [`RunGuard::finish`] (the
    /// request was dropped: its client went away).
    fn start(self: &Arc<Self>, token: CancellationToken) -> RunGuard {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.tokens.lock().unwrap_or_else(|e| e.into_inner()).insert(id, token.clone());
        // After registering: a stop either sees this run or is seen here.
        if self.stopping.load(Ordering::SeqCst) {
            token.cancel();
        }
        RunGuard { running: self.clone(), id, token, finished: false }
    }

    /// Cancels every run, and every run started from now on.
    fn cancel_all(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.stopped.send_replace(true);
        for token in self.tokens.lock().unwrap_or_else(|e| e.into_inner()).values() {
            token.cancel();
        }
    }

    /// Resolves when the server stops.
    async fn stopped(&self) {
        let mut stopped = self.stopped.subscribe();
        let _ = stopped.wait_for(|s| *s).await;
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }
}

/// A registered run (see [`Running::start`]).
struct RunGuard {
    running: Arc<Running>,
    id: u64,
    token: CancellationToken,
    finished: bool,
}

impl RunGuard {
    fn finish(mut self) {
        self.finished = true;
    }
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        if !self.finished {
            self.token.cancel();
        }
        self.running.tokens.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.id);
    }
}

/// What every handler shares.
pub(crate) struct AppState {
    kg: KgStore,
    vocab: Vocab,
    options: ServeOptions,
    running: Arc<Running>,
    /// One permit per query that may run at once (`--max-concurrent`), held by the thread
    /// running it until it ends.
    slots: Arc<tokio::sync::Semaphore>,
    api: api::Api,
}

impl AppState {
    /// Runs `work` (queries on the store) on the blocking pool in one of the slots, registered
    /// so that `token` is cancelled when the server stops, when the request is dropped or at
    /// the timeout; the answer comes then even if the query has not yet seen it (see the module
    /// documentation).
    async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        token: CancellationToken,
        work: impl FnOnce(&AppState) -> Result<T> + Send + 'static,
    ) -> std::result::Result<T, Failure> {
        let Ok(slot) = self.slots.clone().try_acquire_owned() else {
            return Err(Failure::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "too many queries at once (--max-concurrent {}): try again in a moment",
                    self.options.max_concurrent
                ),
            )
            .with_header(header::RETRY_AFTER, "1"));
        };
        let guard = self.running.start(token);
        let state = self.clone();
        let mut handle = tokio::task::spawn_blocking(move || {
            let result = work(&state);
            drop(slot);
            result
        });
        // The watchdog of `output::query` cancels at the timeout and the query then fails as
        // timed out; this is for a query that takes longer to notice.
        let deadline = self.options.timeout + Duration::from_millis(200);
        let joined = tokio::select! {
            joined = &mut handle => joined,
            () = tokio::time::sleep(deadline) => {
                drop(guard);
                return Err(Failure::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("query timed out after {} s (--timeout)", self.options.timeout.as_secs_f64()),
                ));
            }
            () = self.running.stopped() => {
                drop(guard);
                return Err(Failure::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping".into()));
            }
        };
        guard.finish();
        match joined {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(self.failure(e)),
            Err(e) => Err(Failure::new(StatusCode::INTERNAL_SERVER_ERROR, format!("the query stopped: {e}"))),
        }
    }

    /// How many queries hold a slot (some perhaps still stopping after their answer was sent).
    pub(crate) fn running(&self) -> usize {
        self.options.max_concurrent.saturating_sub(self.slots.available_permits())
    }

    /// The answer for a failed query: a timeout or a stop is 503, a bad query 400.
    fn failure(&self, e: Error) -> Failure {
        let message = e.to_string();
        if self.running.stopping() {
            return Failure::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping".into());
        }
        match e {
            // As Fuseki and GraphDB answer a query cancelled by their timeout.
            Error::Query(m) if m.contains("timed out") => {
                Failure::new(StatusCode::SERVICE_UNAVAILABLE, format!("{m} (--timeout)"))
            }
            // What the request asked cannot be done: a syntax error, an unknown graph…
            Error::Query(m) | Error::Invalid(m) => Failure::new(StatusCode::BAD_REQUEST, m),
            _ => Failure::new(StatusCode::INTERNAL_SERVER_ERROR, message),
        }
    }

    /// The store being served.
    pub(crate) fn store(&self) -> &oxigraph::store::Store {
        self.kg.store()
    }
}

/// An error answer: a status and a message in plain text (extra headers where they help).
#[derive(Debug)]
pub(crate) struct Failure {
    status: StatusCode,
    message: String,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Failure {
    pub(crate) fn new(status: StatusCode, message: String) -> Self {
        Self { status, message, headers: Vec::new() }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message.into())
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message.into())
    }

    fn with_header(mut self, name: HeaderName, value: &'static str) -> Self {
        self.headers.push((name, HeaderValue::from_static(value)));
        self
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = (self.status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{}\n", self.message))
            .into_response();
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

/// The number of rows (or triples) an answer carries, for the request log.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rows(pub usize);

impl Rows {
    /// `answer` as a response that says it carries `rows` rows.
    pub(crate) fn on(answer: impl IntoResponse, rows: usize) -> Response {
        let mut response = answer.into_response();
        response.extensions_mut().insert(Rows(rows));
        response
    }
}

/// A server ready to run: the store opened, the API's catalog loaded, the port bound.
pub struct Server {
    state: Arc<AppState>,
    cors: Vec<HeaderValue>,
    listener: std::net::TcpListener,
}

impl Server {
    /// Checks `options`, loads what the API reads from `kg` (labels, classes, links) and binds
    /// the address (so that the port is known, even when it was 0, before [`Server::run`]).
    pub fn new(kg: KgStore, vocab: Vocab, options: ServeOptions) -> Result<Self> {
        let cors = options.check()?;
        let api = api::Api::load(kg.store(), &vocab)?;
        let bind = options.bind;
        let listener =
            std::net::TcpListener::bind(bind).map_err(|e| Error::Invalid(format!("cannot listen on {bind}: {e}")))?;
        listener.set_nonblocking(true).map_err(|e| Error::io("<socket>", e))?;
        let slots = Arc::new(tokio::sync::Semaphore::new(options.max_concurrent));
        let state = Arc::new(AppState { kg, vocab, options, running: Arc::default(), slots, api });
        Ok(Self { state, cors, listener })
    }

    /// The address really bound (with the port chosen when `--bind` gave port 0).
    pub fn local_addr(&self) -> Result<SocketAddr> {
        self.listener.local_addr().map_err(|e| Error::io("<socket>", e))
    }

    /// How many entities and names the API's catalog holds.
    pub fn catalog_size(&self) -> (usize, usize) {
        self.state.api.size()
    }

    /// Serves until Ctrl-C or SIGTERM; then cancels the queries running, waits for their
    /// answers to be sent and returns (dropping the server closes the store).
    pub fn run(self) -> Result<()> {
        let Server { state, cors, listener } = self;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(state.options.max_concurrent + 4)
            .thread_name("kgraph-serve")
            .enable_all()
            .build()
            .map_err(|e| Error::io("<tokio runtime>", e))?;
        let running = state.running.clone();
        let app = router(state, cors);
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| Error::io("<socket>", e))?;
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    stop_signal().await;
                    // In-flight queries end now (their clients get 503); new ones are refused.
                    running.cancel_all();
                })
                .await
                .map_err(|e| Error::io("<socket>", e))
        })?;
        // Blocking tasks still running (a query that has not yet seen its cancellation) are
        // waited for a moment, then left to the process's end.
        runtime.shutdown_timeout(Duration::from_secs(5));
        Ok(())
    }
}

/// Ctrl-C or SIGTERM.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// The routes and the layers around them, outermost first: the request log, the origin and
/// host checks, CORS (only with `--cors`), the body limit; queries and the API also pass the
/// token check (updates always, reads with `--token-for-reads`).
fn router(state: Arc<AppState>, cors: Vec<HeaderValue>) -> Router {
    let options = &state.options;
    let reads = Router::new()
        .route("/sparql", get(sparql::query_get).post(sparql::query_post))
        .route("/query", get(sparql::query_get).post(sparql::query_post))
        .nest("/api", api::routes())
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token_for_reads));
    let updates = Router::new()
        .route("/update", post(sparql::update))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token_for_updates));
    let mut app = Router::new()
        .merge(page::routes())
        .merge(reads)
        .merge(updates)
        .fallback(|| async { Failure::not_found("no such page: try / (the page), /sparql or /api/…") })
        .with_state(state.clone())
        .layer(DefaultBodyLimit::disable())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(options.max_body));
    if !cors.is_empty() {
        let exposed = [HeaderName::from_static(ROWS_HEADER), HeaderName::from_static(TRUNCATED_HEADER)];
        app = app.layer(
            tower_http::cors::CorsLayer::new()
                .allow_origin(cors)
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
                .expose_headers(exposed),
        );
    }
    app.layer(middleware::from_fn_with_state(state.clone(), check_origin))
        .layer(middleware::from_fn_with_state(state, log))
}

/// One line per request on standard error: method, path, status, rows, milliseconds.
async fn log(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    if state.options.log {
        let rows = response.extensions().get::<Rows>().map_or_else(|| "-".to_owned(), |r| r.0.to_string());
        eprintln!(
            "kgraph: {method} {path} {} {rows} rows {} ms",
            response.status().as_u16(),
            started.elapsed().as_millis()
        );
    }
    response
}

/// Refuses what a browser sends on another site's behalf: a request whose `Origin` is neither
/// this server's nor one `--cors` names, and, on a loopback address, a `Host` that is not a
/// loopback name (DNS rebinding).
async fn check_origin(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default().to_owned();
    if state.options.bind.ip().is_loopback() && !host.is_empty() && !is_loopback_host(&host) {
        return Failure::new(
            StatusCode::FORBIDDEN,
            format!("host {host:?} refused: this server listens on a loopback address; use http://localhost or http://127.0.0.1"),
        )
        .into_response();
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let same = origin.to_str().is_ok_and(|o| o.strip_prefix("http://").is_some_and(|rest| rest.eq_ignore_ascii_case(&host)));
        let allowed = state.options.cors.iter().any(|c| c.trim_end_matches('/').as_bytes() == origin.as_bytes());
        if !same && !allowed {
            let origin = String::from_utf8_lossy(origin.as_bytes()).into_owned();
            return Failure::new(
                StatusCode::FORBIDDEN,
                format!("cross-origin request from {origin} refused: start kgraph serve with --cors {origin} to allow it"),
            )
            .into_response();
        }
    }
    next.run(request).await
}

/// Whether a `Host` header names this machine: localhost, 127.x.y.z or ::1, with any port.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, port)| if port.chars().all(|c| c.is_ascii_digit()) { name } else { host }),
    };
    name.eq_ignore_ascii_case("localhost")
        || name.to_ascii_lowercase().ends_with(".localhost")
        || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// With `--token-for-reads`, queries and the API need the bearer token.
async fn require_token_for_reads(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    if state.options.token_for_reads {
        if let Err(f) = check_token(&state, &request) {
            return f.into_response();
        }
    }
    next.run(request).await
}

/// Updates need `--allow-update` and the bearer token.
async fn require_token_for_updates(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    if !state.options.allow_update {
        return Failure::new(
            StatusCode::FORBIDDEN,
            "this server is read-only: start it with --allow-update --token TOKEN to accept SPARQL Update".into(),
        )
        .into_response();
    }
    if let Err(f) = check_token(&state, &request) {
        return f.into_response();
    }
    next.run(request).await
}

/// Compares the request's bearer token with `--token`, in constant time.
fn check_token(state: &AppState, request: &Request) -> std::result::Result<(), Failure> {
    let Some(expected) = &state.options.token else {
        return Err(Failure::new(StatusCode::FORBIDDEN, "no --token was given to this server".into()));
    };
    let given = request.headers().typed_get::<Authorization<Bearer>>();
    match given {
        Some(Authorization(bearer)) if bool::from(bearer.token().as_bytes().ct_eq(expected.as_bytes())) => Ok(()),
        Some(_) => Err(Failure::new(StatusCode::UNAUTHORIZED, "wrong bearer token".into())
            .with_header(header::WWW_AUTHENTICATE, "Bearer realm=\"kgraph\", error=\"invalid_token\"")),
        None => Err(Failure::new(StatusCode::UNAUTHORIZED, "this needs a bearer token: Authorization: Bearer TOKEN".into())
            .with_header(header::WWW_AUTHENTICATE, "Bearer realm=\"kgraph\"")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised() {
        for host in ["localhost", "localhost:7878", "127.0.0.1", "127.0.0.1:80", "[::1]:7878", "[::1]", "app.localhost:3000"] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in ["example.org", "example.org:7878", "10.0.0.1:7878", "localhost.example.org", "[2001:db8::1]:80"] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn options_that_do_not_fit_together_are_refused() {
        let update = ServeOptions { allow_update: true, ..ServeOptions::default() };
        assert!(update.check().unwrap_err().to_string().contains("--token"));
        let reads = ServeOptions { token_for_reads: true, ..ServeOptions::default() };
        assert!(reads.check().is_err());
        let short = ServeOptions { token: Some("abc".into()), ..ServeOptions::default() };
        assert!(short.check().is_err());
        let cors = ServeOptions { cors: vec!["not an origin".into()], ..ServeOptions::default() };
        assert!(cors.check().is_err());
        let path = ServeOptions { cors: vec!["http://localhost:3000/app".into()], ..ServeOptions::default() };
        assert!(path.check().is_err());
        let good = ServeOptions { cors: vec!["http://localhost:3000/".into()], token: Some("s3cret-token".into()), allow_update: true, ..ServeOptions::default() };
        assert_eq!(good.check().unwrap(), vec![HeaderValue::from_static("http://localhost:3000")]);
    }
}
