//! SPARQL text + store → results: an aligned table for people, the W3C results formats (CSV,
//! TSV, JSON, XML) for SELECT and ASK, or RDF for CONSTRUCT and DESCRIBE. The default graph is
//! the store's own, which holds the facts once (see [`crate::store::facts`]); documents, their
//! evidence and the summary are named graphs, reached with `GRAPH`.
//!
//! A query is parsed once ([`parse`], [`prepare`]) and can then be run with limits on rows,
//! bytes and time ([`run`]), or, for callers that read the solutions themselves, collected
//! ([`solutions`]); each run has its own cancellation token, so a server can stop it.

use std::cell::Cell;
use std::fmt;
use std::io::Write;
use std::rc::Rc;
use std::str::FromStr;
use std::sync::mpsc;
use std::time::Duration;

use oxigraph::model::vocab::xsd;
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode, Term, Variable};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{
    CancellationToken, PreparedSparqlQuery, PreparedSparqlUpdate, QueryEvaluationError, QueryResults, QuerySolution,
    SparqlEvaluator,
};
use oxigraph::store::Store;

use super::{compact, prefixes, write_aligned, RdfOutput, ResultsOutput};
use crate::graph::Vocab;
use crate::{Error, Result};

/// The format of a query's output: results for SELECT and ASK, RDF for CONSTRUCT and DESCRIBE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryFormat {
    /// SELECT and ASK results.
    Results(ResultsOutput),
    /// CONSTRUCT and DESCRIBE triples.
    Rdf(RdfOutput),
}

impl QueryFormat {
    /// The names users give on the command line.
    pub const NAMES: [&'static str; 11] =
        ["table", "csv", "tsv", "json", "xml", "nquads", "trig", "ntriples", "turtle", "rdfxml", "jsonld"];
}

impl FromStr for QueryFormat {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        s.parse().map(QueryFormat::Results).or_else(|_| s.parse().map(QueryFormat::Rdf)).map_err(|_| {
            Error::Invalid(format!("unknown query output format {s:?} (one of {})", Self::NAMES.join(", ")))
        })
    }
}

impl fmt::Display for QueryFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryFormat::Results(r) => f.write_str(r.name()),
            QueryFormat::Rdf(r) => f.write_str(r.name()),
        }
    }
}

/// How [`run`] writes results.
#[derive(Clone, Debug, Default)]
pub struct QueryOptions {
    /// The output format; by default `table` (when `terminal`) or `tsv` for SELECT and ASK,
    /// `turtle` for CONSTRUCT and DESCRIBE.
    pub format: Option<QueryFormat>,
    /// Whether the output is a terminal (chooses the default results format).
    pub terminal: bool,
    /// Write at most this many rows (SELECT) or triples (CONSTRUCT, DESCRIBE).
    pub limit: Option<usize>,
    /// Stop after the row (or triple) that takes the output to this many bytes; the document is
    /// still closed properly (not for `table`, which is for people and cut by `limit`).
    pub max_bytes: Option<usize>,
    /// Cancel the evaluation after this long.
    pub timeout: Option<Duration>,
}

/// Which limit cut a result short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// [`QueryOptions::limit`] rows (or triples) were written and there were more.
    Rows(usize),
    /// The output reached [`QueryOptions::max_bytes`] bytes and there were more rows.
    Bytes(usize),
}

/// What [`run`] wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryOutcome {
    /// The format written (the default resolved).
    pub format: QueryFormat,
    /// Rows or triples written (1 for ASK).
    pub rows: usize,
    /// The limit that cut the output short, if one did (a table says so in its footer).
    pub cut: Option<Cut>,
}

/// What a query gives: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryForm {
    /// `SELECT`: a table of solutions.
    Select,
    /// `ASK`: true or false.
    Ask,
    /// `CONSTRUCT`: triples.
    Construct,
    /// `DESCRIBE`: triples.
    Describe,
}

impl QueryForm {
    /// Whether the query gives triples (CONSTRUCT, DESCRIBE) rather than results.
    pub fn gives_triples(self) -> bool {
        matches!(self, QueryForm::Construct | QueryForm::Describe)
    }
}

/// A query parsed once, which can be prepared for any number of runs ([`Parsed::prepare`]),
/// each with its own cancellation token: the server's fixed queries are parsed at start.
#[derive(Clone, Debug)]
pub struct Parsed {
    query: spargebra::Query,
    form: QueryForm,
    origin: Option<String>,
}

/// Parses a query; `origin` (a file name) prefixes errors, and syntax errors give line and
/// column.
pub fn parse(text: &str, origin: Option<&str>) -> Result<Parsed> {
    let query = spargebra::SparqlParser::new().parse_query(text).map_err(|e| {
        Error::Query(match origin {
            Some(o) => format!("{o}: invalid SPARQL query: {e}"),
            None => format!("invalid SPARQL query: {e}"),
        })
    })?;
    let form = match &query {
        spargebra::Query::Select { .. } => QueryForm::Select,
        spargebra::Query::Ask { .. } => QueryForm::Ask,
        spargebra::Query::Construct { .. } => QueryForm::Construct,
        spargebra::Query::Describe { .. } => QueryForm::Describe,
    };
    Ok(Parsed { query, form, origin: origin.map(str::to_owned) })
}

impl Parsed {
    /// What the query gives.
    pub fn form(&self) -> QueryForm {
        self.form
    }

    /// A run of the query, with a new cancellation token. The default graph is the store's
    /// default graph (the facts) unless the query has `FROM`.
    pub fn prepare(&self) -> Prepared {
        self.prepare_with(CancellationToken::new())
    }

    /// [`Parsed::prepare`] with a given token, which cancels every query prepared with it (the
    /// queries of one request).
    pub fn prepare_with(&self, token: CancellationToken) -> Prepared {
        // SERVICE clauses fail: Oxigraph is built without its `http-client` feature, so a
        // query never makes kgraph (or `kgraph serve`) call another host.
        let query = SparqlEvaluator::new()
            .with_cancellation_token(token.clone())
            .for_query(self.query.clone());
        Prepared { query, token, origin: self.origin.clone(), form: self.form }
    }
}

/// A parsed query, ready to run on a store.
pub struct Prepared {
    query: PreparedSparqlQuery,
    token: CancellationToken,
    origin: Option<String>,
    form: QueryForm,
}

impl Prepared {
    /// What the query gives.
    pub fn form(&self) -> QueryForm {
        self.form
    }

    /// The token that stops this run (cancelled, the evaluation ends with an error): a server
    /// cancels the queries it is running when it stops or when their client goes away.
    pub fn cancellation_token(&self) -> CancellationToken {
        self.token.clone()
    }

    /// Sets the query's dataset as the SPARQL 1.1 Protocol's `default-graph-uri` and
    /// `named-graph-uri` do, replacing the query's own `FROM` and `FROM NAMED`: the default
    /// graph is the merge of `default_graphs`, and only `named_graphs` are named graphs.
    pub fn set_dataset(&mut self, default_graphs: Vec<NamedNode>, named_graphs: Vec<NamedNode>) {
        let dataset = self.query.dataset_mut();
        dataset.set_default_graph(default_graphs.into_iter().map(GraphName::NamedNode).collect());
        dataset.set_available_named_graphs(named_graphs.into_iter().map(NamedOrBlankNode::NamedNode).collect());
    }

    /// Binds `variable` (which the query must select) to `value`: how fixed queries take
    /// their parameters, never pasted into the query text.
    pub fn bind(mut self, variable: &str, value: impl Into<Term>) -> Self {
        self.query = self.query.substitute_variable(Variable::new_unchecked(variable), value);
        self
    }
}

/// Parses a query and prepares it (see [`Parsed::prepare`]): the default graph is the store's
/// default graph (the facts) unless the query has `FROM`.
pub fn prepare(text: &str, origin: Option<&str>) -> Result<Prepared> {
    Ok(parse(text, origin)?.prepare())
}

/// Evaluates a query against the store, for callers that read the results themselves.
pub fn evaluate(store: &Store, text: &str) -> Result<QueryResults<'static>> {
    prepare(text, None)?.query.on_store(store).execute().map_err(|e| evaluation_error(e, None, None))
}

/// Runs `f`, cancelling `token` if it takes longer than `timeout`: a watchdog thread that ends
/// as soon as `f` does.
fn with_timeout<T>(token: CancellationToken, timeout: Option<Duration>, f: impl FnOnce() -> T) -> T {
    let watchdog = Watchdog::start(token, timeout);
    let result = f();
    drop(watchdog);
    result
}

/// Runs a SELECT query and collects its solutions (at most `limit`, and whether there were
/// more), cancelled after `timeout`.
pub fn solutions(
    store: &Store,
    query: Prepared,
    limit: Option<usize>,
    timeout: Option<Duration>,
) -> Result<(Vec<QuerySolution>, bool)> {
    let Prepared { query, token, origin, .. } = query;
    let origin = origin.as_deref();
    let limit = limit.unwrap_or(usize::MAX);
    with_timeout(token, timeout, || {
        let eval = |e| evaluation_error(e, origin, timeout);
        let QueryResults::Solutions(mut solutions) = query.on_store(store).execute().map_err(eval)? else {
            return Err(Error::Query("a SELECT query was expected".into()));
        };
        let mut out = Vec::new();
        for solution in solutions.by_ref().take(limit) {
            out.push(solution.map_err(eval)?);
        }
        let more = out.len() == limit && solutions.next().transpose().map_err(eval)?.is_some();
        Ok((out, more))
    })
}

/// Runs a query to the end (within `timeout`) and writes Oxigraph's plan for it to `out` as
/// JSON, with the rows and time of each step: what to read when a query is slow. The plan is
/// written even when the query fails or times out (then the error is returned).
pub fn explain(store: &Store, query: Prepared, timeout: Option<Duration>, out: &mut dyn Write) -> Result<()> {
    let Prepared { query, token, origin, .. } = query;
    let watchdog = Watchdog::start(token, timeout);
    let (results, explanation) = query.on_store(store).compute_statistics().explain();
    // The statistics are complete once every row was read.
    let read = results.map_err(|e| evaluation_error(e, origin.as_deref(), timeout)).and_then(|r| match r {
        QueryResults::Solutions(solutions) => {
            solutions.map(|s| s.map(|_| ())).collect::<std::result::Result<(), _>>().map_err(|e| evaluation_error(e, origin.as_deref(), timeout))
        }
        QueryResults::Graph(triples) => {
            triples.map(|t| t.map(|_| ())).collect::<std::result::Result<(), _>>().map_err(|e| evaluation_error(e, origin.as_deref(), timeout))
        }
        QueryResults::Boolean(_) => Ok(()),
    });
    drop(watchdog);
    // The plan is written even when the query fails or times out: then most needed.
    explanation.write_in_json(&mut *out).map_err(|e| Error::io("<output>", e))?;
    writeln!(out).map_err(|e| Error::io("<output>", e))?;
    read
}

/// Cancels a query when its time is up; stops as soon as it is dropped (the query ended).
struct Watchdog {
    done: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watchdog {
    fn start(token: CancellationToken, timeout: Option<Duration>) -> Self {
        let (done, watch) = mpsc::channel::<()>();
        let thread = timeout.map(|timeout| {
            std::thread::spawn(move || {
                if watch.recv_timeout(timeout) == Err(mpsc::RecvTimeoutError::Timeout) {
                    token.cancel();
                }
            })
        });
        Self { done: Some(done), thread }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        drop(self.done.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Runs a query and writes its results to `out` as `options` say.
pub fn run(
    store: &Store,
    query: Prepared,
    options: &QueryOptions,
    vocab: &Vocab,
    out: &mut dyn Write,
) -> Result<QueryOutcome> {
    let Prepared { query, token, origin, .. } = query;
    let origin = origin.as_deref();
    with_timeout(token, options.timeout, || {
        query
            .on_store(store)
            .execute()
            .map_err(|e| evaluation_error(e, origin, options.timeout))
            .and_then(|results| write_results(results, origin, options, vocab, out))
    })
}

/// A parsed SPARQL Update, ready to run on a store.
pub struct PreparedUpdate {
    update: PreparedSparqlUpdate,
    token: CancellationToken,
}

impl PreparedUpdate {
    /// The token that stops this update before it commits (nothing is then changed).
    pub fn cancellation_token(&self) -> CancellationToken {
        self.token.clone()
    }
}

/// Parses a SPARQL Update; syntax errors give line and column.
pub fn prepare_update(text: &str) -> Result<PreparedUpdate> {
    let token = CancellationToken::new();
    let update = SparqlEvaluator::new()
        .with_cancellation_token(token.clone())
        .parse_update(text)
        .map_err(|e| Error::Query(format!("invalid SPARQL update: {e}")))?;
    Ok(PreparedUpdate { update, token })
}

/// Runs an update on `store` in one transaction, cancelled (and so not applied) after `timeout`.
pub fn update(store: &Store, update: PreparedUpdate, timeout: Option<Duration>) -> Result<()> {
    let PreparedUpdate { update, token } = update;
    let cancelled = token.clone();
    with_timeout(token, timeout, || {
        update.on_store(store).execute().map_err(|e| match timeout {
            // Oxigraph reports a cancelled update as an unexpected error: the token tells.
            Some(t) if cancelled.is_cancelled() => Error::Query(format!("update timed out after {} s", t.as_secs_f64())),
            _ => Error::Query(format!("update failed: {e}")),
        })
    })
}

/// A writer that counts the bytes written through it, readable while a serializer owns it.
struct Counting<'a> {
    inner: &'a mut dyn Write,
    bytes: Rc<Cell<usize>>,
}

impl Write for Counting<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes.set(self.bytes.get() + n);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn evaluation_error(e: QueryEvaluationError, origin: Option<&str>, timeout: Option<Duration>) -> Error {
    let message = match (&e, timeout) {
        (QueryEvaluationError::Cancelled, Some(t)) => format!("query timed out after {} s", t.as_secs_f64()),
        _ => format!("query failed: {e}"),
    };
    Error::Query(match origin {
        Some(o) => format!("{o}: {message}"),
        None => message,
    })
}

fn write_error(e: std::io::Error) -> Error {
    Error::io("<output>", e)
}

fn write_results(
    results: QueryResults<'static>,
    origin: Option<&str>,
    options: &QueryOptions,
    vocab: &Vocab,
    out: &mut dyn Write,
) -> Result<QueryOutcome> {
    let eval = |e| evaluation_error(e, origin, options.timeout);
    let limit = options.limit.unwrap_or(usize::MAX);
    let default_results = if options.terminal { ResultsOutput::Table } else { ResultsOutput::Tsv };
    match results {
        QueryResults::Solutions(mut solutions) => {
            let format = match options.format {
                None => default_results,
                Some(QueryFormat::Results(f)) => f,
                Some(QueryFormat::Rdf(f)) => return Err(wrong_format(f.name(), "SELECT")),
            };
            let variables = solutions.variables().to_vec();
            if format == ResultsOutput::Table {
                let mut rows = Vec::new();
                for solution in solutions.by_ref().take(limit) {
                    rows.push(solution.map_err(eval)?.values().to_vec());
                }
                let truncated = rows.len() == limit && solutions.next().transpose().map_err(eval)?.is_some();
                write_table(&variables, &rows, truncated, vocab, out).map_err(write_error)?;
                let cut = truncated.then_some(Cut::Rows(limit));
                return Ok(QueryOutcome { format: QueryFormat::Results(format), rows: rows.len(), cut });
            }
            let bytes = Rc::new(Cell::new(0));
            let counting = Counting { inner: out, bytes: bytes.clone() };
            let mut serializer = QueryResultsSerializer::from_format(w3c(format))
                .serialize_solutions_to_writer(counting, variables)
                .map_err(write_error)?;
            let mut rows = 0;
            let mut cut = None;
            for solution in solutions.by_ref() {
                let solution = solution.map_err(eval)?;
                if let Some(c) = over(rows, bytes.get(), options) {
                    cut = Some(c);
                    break;
                }
                serializer.serialize(&solution).map_err(write_error)?;
                rows += 1;
            }
            serializer.finish().map_err(write_error)?;
            Ok(QueryOutcome { format: QueryFormat::Results(format), rows, cut })
        }
        QueryResults::Boolean(value) => {
            let format = match options.format {
                None => default_results,
                Some(QueryFormat::Results(f)) => f,
                Some(QueryFormat::Rdf(f)) => return Err(wrong_format(f.name(), "ASK")),
            };
            if format == ResultsOutput::Table {
                writeln!(out, "{value}").map_err(write_error)?;
            } else {
                QueryResultsSerializer::from_format(w3c(format))
                    .serialize_boolean_to_writer(&mut *out, value)
                    .map_err(write_error)?;
                if matches!(format, ResultsOutput::Csv | ResultsOutput::Tsv) {
                    // Those formats write a bare `true`; a line of text ends with a newline.
                    writeln!(out).map_err(write_error)?;
                }
            }
            Ok(QueryOutcome { format: QueryFormat::Results(format), rows: 1, cut: None })
        }
        QueryResults::Graph(mut triples) => {
            let format = match options.format {
                None => RdfOutput::Turtle,
                Some(QueryFormat::Rdf(f)) => f,
                Some(QueryFormat::Results(f)) => return Err(wrong_format(f.name(), "CONSTRUCT or DESCRIBE")),
            };
            let bytes = Rc::new(Cell::new(0));
            let mut serializer = format.serializer(vocab).for_writer(Counting { inner: out, bytes: bytes.clone() });
            let mut rows = 0;
            let mut cut = None;
            for triple in triples.by_ref() {
                let triple = triple.map_err(eval)?;
                if let Some(c) = over(rows, bytes.get(), options) {
                    cut = Some(c);
                    break;
                }
                serializer.serialize_triple(&triple).map_err(write_error)?;
                rows += 1;
            }
            serializer.finish().map_err(write_error)?;
            Ok(QueryOutcome { format: QueryFormat::Rdf(format), rows, cut })
        }
    }
}

/// The limit that stops the output before one more row, when `rows` rows and `bytes` bytes are
/// written (and there is one more row to write).
fn over(rows: usize, bytes: usize, options: &QueryOptions) -> Option<Cut> {
    match (options.limit, options.max_bytes) {
        (Some(limit), _) if rows >= limit => Some(Cut::Rows(limit)),
        (_, Some(max)) if bytes >= max => Some(Cut::Bytes(max)),
        _ => None,
    }
}

fn w3c(format: ResultsOutput) -> QueryResultsFormat {
    match format {
        ResultsOutput::Csv => QueryResultsFormat::Csv,
        ResultsOutput::Json => QueryResultsFormat::Json,
        ResultsOutput::Xml => QueryResultsFormat::Xml,
        ResultsOutput::Table | ResultsOutput::Tsv => QueryResultsFormat::Tsv,
    }
}

fn wrong_format(format: &str, kind: &str) -> Error {
    if kind == "CONSTRUCT or DESCRIBE" {
        Error::Invalid(format!(
            "--format {format} is for SELECT and ASK results; a {kind} query gives RDF: use one of {}",
            RdfOutput::NAMES.join(", ")
        ))
    } else {
        Error::Invalid(format!(
            "--format {format} is RDF, for CONSTRUCT and DESCRIBE; a {kind} query gives results: use one of {}",
            ResultsOutput::NAMES.join(", ")
        ))
    }
}

/// The widest a table cell gets; longer values are cut with `…` (use `--format tsv` for all).
const MAX_CELL: usize = 80;

fn write_table(
    variables: &[Variable],
    rows: &[Vec<Option<Term>>],
    truncated: bool,
    vocab: &Vocab,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let prefixes = prefixes(vocab);
    let cells: Vec<Vec<String>> =
        rows.iter().map(|row| row.iter().map(|t| cell(t.as_ref(), &prefixes)).collect()).collect();
    let numeric: Vec<bool> = (0..variables.len())
        .map(|c| {
            let mut values = rows.iter().filter_map(|r| r[c].as_ref()).peekable();
            values.peek().is_some() && values.all(is_number)
        })
        .collect();
    let header: Vec<&str> = variables.iter().map(|v| v.as_str()).collect();
    write_aligned(out, &header, &cells, &numeric)?;
    let n = rows.len();
    let s = if n == 1 { "" } else { "s" };
    if truncated {
        writeln!(out, "({n} row{s} shown; there are more: raise --limit)")
    } else {
        writeln!(out, "({n} row{s})")
    }
}

fn cell(term: Option<&Term>, prefixes: &[(String, String)]) -> String {
    let text = match term {
        None => return String::new(),
        Some(Term::NamedNode(n)) => compact(n.as_str(), prefixes),
        Some(Term::BlankNode(b)) => b.to_string(),
        Some(Term::Literal(l)) => l.value().split_whitespace().collect::<Vec<_>>().join(" "),
        #[allow(unreachable_patterns)]
        Some(other) => other.to_string(),
    };
    if text.chars().count() > MAX_CELL {
        let mut cut: String = text.chars().take(MAX_CELL - 1).collect();
        cut.push('…');
        cut
    } else {
        text
    }
}

fn is_number(term: &Term) -> bool {
    matches!(term, Term::Literal(l) if [xsd::INTEGER, xsd::DECIMAL, xsd::DOUBLE, xsd::FLOAT, xsd::NON_NEGATIVE_INTEGER].contains(&l.datatype()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::RdfFormat;

    fn store() -> Store {
        let store = Store::new().unwrap();
        store
            .load_from_slice(
                RdfFormat::NQuads,
                "<http://ex.org/a> <http://www.w3.org/2000/01/rdf-schema#label> \"Alpha\" .\n\
                 <http://ex.org/b> <http://www.w3.org/2000/01/rdf-schema#label> \"Beta\" .\n\
                 <http://ex.org/c> <http://www.w3.org/2000/01/rdf-schema#label> \"Gamma\" <http://ex.org/g1> .\n\
                 <http://ex.org/b> <http://ex.org/n> \"42\"^^<http://www.w3.org/2001/XMLSchema#integer> <http://ex.org/g2> .\n",
            )
            .unwrap();
        store
    }

    fn run_str(q: &str, format: Option<&str>, limit: Option<usize>) -> Result<String> {
        let mut out = Vec::new();
        let options = QueryOptions { format: format.map(|f| f.parse().unwrap()), limit, ..QueryOptions::default() };
        run(&store(), prepare(q, Some("q.rq"))?, &options, &Vocab::default(), &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn default_graph_is_the_stores_and_named_graphs_need_graph() {
        let label = "<http://www.w3.org/2000/01/rdf-schema#label>";
        let out = run_str(&format!("SELECT ?l WHERE {{ ?s {label} ?l }} ORDER BY ?l"), Some("csv"), None).unwrap();
        assert_eq!(out, "l\r\nAlpha\r\nBeta\r\n");
        let out =
            run_str(&format!("SELECT ?l WHERE {{ GRAPH ?g {{ ?s {label} ?l }} }} ORDER BY ?l"), Some("csv"), None).unwrap();
        assert_eq!(out, "l\r\nGamma\r\n");
    }

    #[test]
    fn table_aligns_and_limit_truncates() {
        let out = run_str(
            "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l",
            Some("table"),
            Some(1),
        )
        .unwrap();
        let expected = [
            "s                  l",
            "-----------------  -----",
            "<http://ex.org/a>  Alpha",
            "(1 row shown; there are more: raise --limit)",
        ];
        assert_eq!(out.lines().collect::<Vec<_>>(), expected);
    }

    #[test]
    fn syntax_errors_name_the_file_and_position() {
        let e = run_str("SELECT ?s WHERE {\n  ?s ?p \n", None, None).unwrap_err().to_string();
        assert!(e.starts_with("q.rq: invalid SPARQL query: "), "{e}");
        assert!(e.contains("3:1") || e.contains("2:"), "{e}");
    }

    #[test]
    fn wrong_format_kind_is_refused() {
        assert!(run_str("ASK {}", Some("turtle"), None).is_err());
        assert!(run_str("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", Some("csv"), None).is_err());
        let nt = run_str("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", Some("ntriples"), None).unwrap();
        assert_eq!(nt.lines().count(), 2, "the default graph only");
    }
}
