//! Command line → parsed arguments: the clap definitions, whose doc comments are the manual
//! (`kgraph --help`, `kgraph COMMAND --help`).

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use kgraph::output::export::ExportFormat;
use kgraph::output::push::AuthScheme;
use kgraph::output::dot::{Layout, RenderFormat};
use kgraph::output::query::QueryFormat;
use kgraph::output::RdfOutput;
use kgraph::drive::ShardFormat;

/// Turn news articles into a knowledge graph you can query and trace.
///
/// kgraph reads articles (text, Markdown, HTML, JSON Lines), extracts entities (countries,
/// people, organisations, places, agreements, groups, events) and the relations between them,
/// and stores them in an embedded Oxigraph store: one named graph per article, every statement
/// with the sentence, offsets, rule and confidence it comes from.
///
/// Typical use:
///   kgraph build seeds/
///   kgraph query --file queries/brokered.rq
///   kgraph export --format nquads -o corpus.nq
///   kgraph stats
///   kgraph dot --focus Putin -o putin.svg
///
/// Exit status: 0 success, 1 some documents failed (the others were stored), 2 error.
#[derive(Debug, Parser)]
#[command(name = "kgraph", version, about, long_about, verbatim_doc_comment, max_term_width = 100)]
pub struct Cli {
    /// Options for every command.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options that every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// The store folder: created by `build`, read by the other commands.
    #[arg(long, global = true, env = "KGRAPH_STORE", value_name = "DIR", default_value = "./kgraph.store")]
    pub store: PathBuf,

    /// The namespace everything is minted in: the ontology is `IRI ontology#`, documents
    /// `IRI doc/ID`, entities `IRI entity/CLASS/KEY`. Use the same one for every command on a
    /// store.
    #[arg(long, global = true, env = "KGRAPH_BASE", value_name = "IRI", default_value = kgraph::graph::vocab::DEFAULT_BASE)]
    pub base: String,

    /// The ontology and lexicon data folder (kgraph.ttl, gazetteer/, lexicon/). Default:
    /// ./ontology if it exists, else the copy built into kgraph.
    #[arg(long, global = true, env = "KGRAPH_ONTOLOGY", value_name = "DIR")]
    pub ontology: Option<PathBuf>,

    /// Say more: each document loaded, with the boilerplate blocks dropped from it and why.
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,

    /// Say less: no progress bar, warnings or summary; errors are still printed.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read articles, extract the knowledge graph and load it into the store.
    ///
    /// Each document gets its own named graph (what it states, with the evidence); each fact
    /// and entity is stored once in the default graph; the summary graph counts documents per
    /// fact and entity. A document already in the store is replaced in one transaction (facts
    /// that only its old version stated go, the summary follows), so building again after
    /// editing an article updates it without duplicates, and an interrupted build leaves every
    /// document either old or new. A document that cannot be read is reported (with the file
    /// and, for bad UTF-8, the byte offset) and skipped; the others are still stored and the exit
    /// status is 1. Empty files are skipped with a warning. The ontology (kgraph.ttl) is loaded
    /// into its own graph on every build.
    Build(BuildArgs),

    /// Run a SPARQL 1.1 query against the store.
    ///
    /// The default graph holds the facts of the corpus, each once (`S kg:p O`), and every
    /// entity's rdf:type, rdfs:label and owl:sameAs. A fact's node is named after its triple,
    /// BASE fact/S/P/O (S and O the entity IRIs after BASE entity/, P the predicate's local
    /// name); the summary graph <BASE summary> gives per fact node kg:documents and
    /// kg:bestConfidence, per entity kg:documents and skos:prefLabel. Documents are named
    /// graphs: use `GRAPH ?g { … }` for what a document states and its evidence (`?v kg:fact ?f
    /// ; kg:sentence ?text ; kg:spans ?offsets ; kg:rule ?r ; kg:confidence ?c`), and
    /// `?g dcterms:identifier ?doc` for its name. Syntax errors give line and column. Examples
    /// (and how to compute ?f in SPARQL) are in queries/.
    Query(QueryArgs),

    /// Write the store (or one graph of it) as RDF.
    ///
    /// nquads, trig and jsonld keep the named graphs and the default graph (the facts).
    /// ntriples, turtle and rdfxml are graph formats: without --graph they get the union of all
    /// graphs, each distinct triple once (--graph default gives the facts alone). The default
    /// exports use RDF 1.1 only (reification, no triple terms), so they load into Virtuoso, Jena,
    /// rdflib, Neo4j n10s or raptor.
    Export(ExportArgs),

    /// Count what the store holds: entities per class, facts per predicate, and per document its
    /// statements, facts, entities and quads.
    Stats(StatsArgs),

    /// Send the store (or some of its graphs) to another RDF store over HTTP.
    ///
    /// With --endpoint, each named graph is sent with the SPARQL 1.1 Graph Store HTTP Protocol:
    /// PUT URL?graph=IRI with the graph as N-Triples, which replaces the remote graph, so pushing
    /// again never duplicates anything. With --update-endpoint, it is sent as SPARQL 1.1 Update:
    /// DROP SILENT GRAPH, then INSERT DATA. Large graphs go in batches of --batch-size triples
    /// (further batches are POSTed, or INSERTed); a graph holding blank nodes goes whole.
    ///
    /// Endpoints:
    ///   Virtuoso  --endpoint http://HOST:8890/sparql-graph-crud-auth --user dba --password …
    ///   Fuseki    --endpoint http://HOST:3030/DATASET/data
    ///   GraphDB   --endpoint http://HOST:7200/repositories/REPO/rdf-graphs/service
    ///   Oxigraph  --endpoint http://HOST:7878/store
    ///
    /// Connection failures, timeouts, 429 and 5xx answers are retried with exponential backoff;
    /// any other error stops the push, showing the status and what the server said. The report
    /// gives graphs, quads, requests and seconds.
    #[command(verbatim_doc_comment)]
    Push(PushArgs),

    /// Read articles and write the extracted quads to standard output, without a store.
    ///
    /// The same pipeline as `build`, as a map task: N-Quads (or JSON Lines, one document a line)
    /// stream out in source order while documents are processed in parallel, in memory bounded
    /// by a small batch of documents. Standard input (`-`) streams too: when its first non-blank
    /// byte is `{` it is read as JSON Lines, one article a line ({"id", "title", "date", "url",
    /// "text"}), each line processed as it comes (a bad line is reported as <stdin>:LINE and
    /// skipped); anything else is one text (or HTML) document of at most --max-document-bytes.
    /// IRIs derive from content, so shards of a corpus extracted on different machines merge by
    /// plain union (then `kgraph resolve` links what only the whole corpus shows):
    ///   cat corpus/*.jsonl | kgraph extract - > all.nq
    ///   ls corpus/*.jsonl | xargs -P 8 -I{} sh -c 'kgraph extract {} > {}.nq'
    ///   kgraph extract --with-ontology > ontology.nq; cat corpus/*.nq ontology.nq > union.nq
    /// Documents that fail are reported and skipped (exit status 1).
    #[command(verbatim_doc_comment)]
    Extract(ExtractArgs),

    /// Load RDF files (N-Quads or TriG, e.g. the shards of `kgraph extract`) into the store.
    ///
    /// Each named graph in the input replaces the graph of the same name in the store, as a
    /// document (facts only its old version stated go), so loading the same shards twice changes
    /// nothing; default-graph triples (the facts) are added. The input is read as it goes
    /// (memory holds one batch of graphs and the distinct facts of one input). Then the summary
    /// is recomputed, since document counts do not add up by union (--no-summary leaves that to
    /// a later `kgraph summarise`). Loading the union of the shards of a corpus gives the store
    /// that `kgraph build` of the corpus gives:
    ///   cat shards/*.nq | kgraph load -
    #[command(verbatim_doc_comment)]
    Load(LoadArgs),

    /// Remove documents from the store, by identifier (the file stem, dcterms:identifier).
    ///
    /// Each document goes in one transaction with what only it supported: the facts no other
    /// document states, the entities no other document mentions, and their counts in the
    /// summary. An identifier the store does not hold is reported (exit status 1); the others
    /// are still removed.
    Remove(RemoveArgs),

    /// Recompute the summary graph (documents and best confidence per fact, documents per
    /// entity) from the documents in the store.
    ///
    /// `build`, `remove` and `load` keep it up to date; run it after loading with --no-summary,
    /// after writing document graphs with another tool, or after a build was killed between a
    /// batch and its counts.
    Summarise,
    /// Link entities that only cross-document evidence shows to be one, with owl:sameAs.
    ///
    /// Each article is extracted alone, so one entity can get two IRIs: "peacekeepers" in one
    /// article and "Russian peacekeepers" in another, a variant spelling and the gazetteer name.
    /// resolve reads the entities of every document graph (class, rdfs:label, skos:altLabel, the
    /// documents naming them) and links two IRIs of the same class when
    ///   1. same-label: their labels are equal once normalised (case, accents, punctuation, a
    ///      leading "the", a plural last word);
    ///   2. label-is-alias: the label of one is an altLabel of the other that is a proper name
    ///      (capitalised, not a common noun of lexicon/nominals.tsv nor a generic word such as
    ///      deal, forces, region, and never written in lower case in the corpus); an alias that
    ///      several entities share links none;
    ///   3. qualified-head: a Group, Organization or Event without a nationality (group/peacekeeper,
    ///      organization/parliament, event/protest-2020) and the one IRI adding a country or place
    ///      to the same key (group/russian-peacekeeper, organization/q399-parliament): the one
    ///      mentioned in a document with it, else the only one in the corpus when its country is
    ///      named in every document of the unqualified one. Two or more candidates: ambiguous,
    ///      nothing is linked.
    /// Agreements are never linked by a shared generic alias ("deal", "truce").
    ///
    /// The links (each reified with kg:rule, kg:confidence, the reason as rdfs:comment and
    /// prov:wasDerivedFrom the documents) replace the graph BASE resolution in one transaction,
    /// so running it again, or after loading shards in another order, gives the same store.
    /// Run it after `build` or `load`:
    ///   kgraph --store merged.store load shards/*.nq && kgraph --store merged.store resolve -v
    #[command(verbatim_doc_comment)]
    Resolve(ResolveArgs),

    /// Draw the graph as Graphviz DOT, or as a picture (SVG, PNG, PDF) rendered by Graphviz.
    ///
    /// Nodes are entities, named by their label, shaped and coloured by class (Country, Person,
    /// Organization, Place, Agreement, Group, Event; a legend shows those drawn); literal facts
    /// (count, date, title, death toll) are rows inside their node. Edges are the relations,
    /// labelled with the predicate's name; a relation stated in several documents is one edge
    /// with "×N". Types, labels and provenance are not drawn, nor (except with --focus)
    /// entities with neither a relation nor a fact to show. Select a part with --focus or
    /// --path, filter with --predicates, --types, --document, --min-confidence, or draw any
    /// CONSTRUCT query with --query. At most --max-nodes nodes are drawn, the most connected;
    /// how many were left out is said on standard error.
    ///
    /// Examples:
    ///   kgraph dot -o seeds.svg
    ///   kgraph dot --focus "agreement of 10 November 2020" --depth 1 -o deal.svg
    ///   kgraph dot --path Pashinyan Putin --evidence -o path.svg
    ///   kgraph dot --predicates supports,allyOf,suppliesWeaponsTo --render png -o support.png
    ///   kgraph dot --query queries/support_graph.rq > support.dot
    #[command(verbatim_doc_comment)]
    Dot(DotArgs),

    /// Serve the store over HTTP: a SPARQL endpoint, and a page to query and explore it.
    ///
    /// Open the address it prints (the first line of standard output, e.g.
    /// http://127.0.0.1:7878/) in a browser: a SPARQL editor with the example queries, a graph
    /// explorer (search, expand, filter, paths) and, for every edge, the sentences that state
    /// it. Everything the page needs is inside kgraph; it loads nothing from anywhere else.
    ///
    /// Endpoints:
    ///   /sparql, /query   SPARQL 1.1 Protocol: GET ?query=, POST form or application/sparql-query;
    ///                     results as the Accept header prefers (JSON, XML, CSV, TSV; Turtle,
    ///                     N-Triples, RDF/XML, JSON-LD for CONSTRUCT), 406 when none fits;
    ///                     a service description on a GET without a query
    ///   /update           SPARQL 1.1 Update, only with --allow-update and the bearer --token
    ///   /api/...          the page's JSON: search, entity, neighbours, evidence, document, path
    ///
    /// Limits: a query is cancelled after --timeout; a result stops at --max-rows rows or
    /// --max-bytes bytes, and then says so (header Kgraph-Truncated: max-rows=N); at most
    /// --max-concurrent queries run at once, more get 503 with Retry-After; a request body over
    /// --max-body is refused (413). A malformed query gets 400 with the parser's message and its
    /// line and column.
    ///
    /// Security: loopback only unless --bind names another address; read-only unless
    /// --allow-update (which needs --token); requests from pages of other sites are refused
    /// unless --cors names them. One line per request goes to standard error (method, path,
    /// status, rows, milliseconds). Ctrl-C or SIGTERM stops it: running queries are cancelled
    /// and the store is closed.
    ///
    /// Examples:
    ///   kgraph serve
    ///   kgraph serve --bind 127.0.0.1:0 --timeout 5 --max-rows 1000
    ///   curl -H 'Accept: text/csv' http://127.0.0.1:7878/sparql --data-urlencode query@queries/brokered.rq
    ///   kgraph serve --allow-update --token "$(openssl rand -hex 16)"
    #[command(verbatim_doc_comment)]
    Serve(ServeArgs),
}

/// `kgraph serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address and port to listen on; port 0 takes any free port (the address is printed on
    /// the first line of standard output). Loopback by default: name another address (e.g.
    /// 0.0.0.0:7878) to be reached from other machines.
    #[arg(long, value_name = "ADDR:PORT", default_value = kgraph::serve::DEFAULT_BIND)]
    pub bind: std::net::SocketAddr,

    /// Cancel a query after this many seconds.
    #[arg(long, value_name = "SECS", default_value = "30", value_parser = parse_seconds)]
    pub timeout: std::time::Duration,

    /// Send at most N rows (or triples) of a result; a result cut short says so in the header
    /// Kgraph-Truncated.
    #[arg(long, value_name = "N", default_value_t = 100_000, value_parser = parse_positive)]
    pub max_rows: usize,

    /// Stop a result after the row that takes it to N bytes (and say so, as for --max-rows).
    #[arg(long, value_name = "N", default_value_t = 64 << 20, value_parser = parse_positive)]
    pub max_bytes: usize,

    /// Refuse request bodies (queries, updates) larger than N bytes.
    #[arg(long, value_name = "N", default_value_t = 1 << 20, value_parser = parse_positive)]
    pub max_body: usize,

    /// Run at most N queries at once; more are answered 503 with Retry-After.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = parse_positive)]
    pub max_concurrent: usize,

    /// Accept SPARQL Update at /update, from clients that send the bearer --token. The store is
    /// then opened for writing (no other kgraph process may use it meanwhile).
    #[arg(long, requires = "token")]
    pub allow_update: bool,

    /// The bearer token (Authorization: Bearer TOKEN) that updates, and with
    /// --token-for-reads every query, must carry; at least 8 characters.
    #[arg(long, value_name = "TOKEN", env = "KGRAPH_TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Require the token for queries and the page's data too (the page asks for it).
    #[arg(long, requires = "token")]
    pub token_for_reads: bool,

    /// Allow pages of this origin (scheme, host and port, e.g. http://localhost:3000) to query
    /// the server from a browser (CORS); repeatable. Without it, such requests are refused.
    #[arg(long, value_name = "ORIGIN")]
    pub cors: Vec<String>,
}

/// `kgraph build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Files or folders to read; folders are read recursively (.txt, .md, .html, .htm, .jsonl),
    /// `-` reads standard input (JSON Lines, streamed a line at a time, when it starts with `{`;
    /// else one document).
    #[arg(value_name = "PATH", default_value = "seeds/")]
    pub paths: Vec<PathBuf>,

    /// Build in memory instead of in --store (nothing is written to disk; see --export).
    #[arg(long)]
    pub memory: bool,

    /// After building, write the whole store to standard output in this RDF format (most useful
    /// with --memory).
    #[arg(long, value_name = "FORMAT", value_parser = rdf_format())]
    pub export: Option<RdfOutput>,

    /// Publication date for documents that carry none (extracted dates like "on Tuesday" are
    /// resolved against it).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<chrono::NaiveDate>,

    /// Replace invalid UTF-8 with U+FFFD instead of refusing the file.
    #[arg(long)]
    pub lossy: bool,

    /// Refuse documents larger than this many bytes.
    #[arg(long, value_name = "N", default_value_t = 64 << 20)]
    pub max_document_bytes: u64,

    /// Drop statements whose confidence is below X (0 to 1).
    #[arg(long, value_name = "X", default_value_t = 0.0, value_parser = parse_confidence)]
    pub min_confidence: f32,

    /// An extra lexicon file, added to ontology/ without recompiling; repeatable. TOML in the
    /// format of ontology/lexicon/relations.toml (cue lists, rules), or TSV in the format of
    /// the file it extends, named after it (my-organizations.tsv, my-titles.tsv,
    /// my-nominals.tsv, my-countries.tsv, my-cities.tsv).
    #[arg(long, value_name = "FILE")]
    pub lexicon: Vec<PathBuf>,

    /// Worker threads; 0 means one per core. The store is the same whatever the number.
    #[arg(short, long, value_name = "N", default_value_t = 0)]
    pub jobs: usize,

    /// Quads written to the store per batch. New documents' graphs go through Oxigraph's bulk
    /// loader a batch at a time, each batch atomic; bigger batches load faster and take more
    /// memory (about 1 KB a quad).
    #[arg(long, value_name = "N", default_value_t = kgraph::drive::DEFAULT_BATCH_QUADS)]
    pub batch_quads: usize,
}

/// `kgraph query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The query text; `-` reads it from standard input.
    #[arg(value_name = "QUERY", required_unless_present = "file", conflicts_with = "file")]
    pub query: Option<String>,

    /// Read the query from this file (e.g. queries/brokered.rq).
    #[arg(short, long, value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Output format. SELECT and ASK: table (aligned text, long values cut; the default on a
    /// terminal), tsv (the default otherwise), csv, json, xml (the W3C results formats).
    /// CONSTRUCT and DESCRIBE: turtle (default), ntriples, nquads, trig, rdfxml, jsonld.
    #[arg(long, value_name = "FORMAT", value_parser = query_format())]
    pub format: Option<QueryFormat>,

    /// Write at most N rows (or triples).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,

    /// Give up after this many seconds.
    #[arg(long, value_name = "SECS", value_parser = parse_seconds)]
    pub timeout: Option<std::time::Duration>,

    /// Instead of the results, write Oxigraph's plan for the query as JSON: the joins it
    /// chose, in order, with how many rows each step gave and how long it took (the query is
    /// run to the end, within --timeout).
    #[arg(long)]
    pub explain: bool,
}

/// `kgraph export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// RDF format to write (jsonld: compact, with an @context of kgraph's prefixes); or neo4j: a
    /// folder (-o DIR) with nodes.csv and relationships.csv for `neo4j-admin database import
    /// full`, and load.cypher (the same with LOAD CSV); or kuzu: the same CSV files with a
    /// load.cypher for Kùzu (schema and COPY).
    #[arg(long, value_name = "FORMAT", default_value = "nquads", value_parser = export_format())]
    pub format: ExportFormat,

    /// Only this graph: a graph IRI, or a document identifier (the file stem, e.g.
    /// 000_50ffc8f5c8e6c513).
    #[arg(long, value_name = "IRI")]
    pub graph: Option<String>,

    /// Write to FILE (replaced only once complete) instead of standard output; with neo4j, the
    /// folder to write the files into.
    #[arg(short, long, value_name = "FILE", required_if_eq_any([("format", "neo4j"), ("format", "kuzu")]))]
    pub output: Option<PathBuf>,
}

/// `kgraph push`.
#[derive(Debug, Args)]
pub struct PushArgs {
    /// The Graph Store Protocol endpoint: graphs are PUT to URL?graph=IRI.
    #[arg(long, value_name = "URL", required_unless_present = "update_endpoint", conflicts_with = "update_endpoint")]
    pub endpoint: Option<String>,

    /// Use SPARQL 1.1 Update at this endpoint instead (e.g. Virtuoso's /sparql-auth, Fuseki's
    /// /DATASET/update).
    #[arg(long, value_name = "URL")]
    pub update_endpoint: Option<String>,

    /// Send only this graph: an IRI, or a document identifier (the file stem); repeatable.
    /// Default: every graph.
    #[arg(long, value_name = "IRI")]
    pub graph: Vec<String>,

    /// Send only the graph of this document (its identifier, e.g. 000_50ffc8f5c8e6c513);
    /// repeatable.
    #[arg(long, value_name = "ID")]
    pub document: Vec<String>,

    /// User name for HTTP authentication (basic or digest, see --auth).
    #[arg(short, long, value_name = "NAME", env = "KGRAPH_PUSH_USER", requires = "password")]
    pub user: Option<String>,

    /// Password for --user.
    #[arg(long, value_name = "SECRET", env = "KGRAPH_PUSH_PASSWORD", hide_env_values = true, requires = "user")]
    pub password: Option<String>,

    /// How to send --user and --password: any (whatever the server's challenge asks, so a
    /// password never goes in clear to a digest server), basic (from the first request), digest.
    #[arg(long, value_name = "SCHEME", default_value = "any", value_parser = auth_scheme())]
    pub auth: AuthScheme,

    /// Bearer token for HTTP authentication (Authorization: Bearer TOKEN).
    #[arg(long, value_name = "TOKEN", env = "KGRAPH_PUSH_TOKEN", hide_env_values = true, conflicts_with = "user")]
    pub token: Option<String>,

    /// Trust the certificate authorities in this PEM file for https instead of the built-in
    /// roots (for a server with a private CA).
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,

    /// Send the default graph (the facts) to this named graph rather than to the remote
    /// default graph: for stores whose default graph is the union of their named graphs
    /// (Virtuoso), where the facts are then seen by default too.
    #[arg(long, value_name = "IRI", value_parser = parse_iri)]
    pub default_graph: Option<oxigraph::model::NamedNode>,

    /// Give up on a request after this many seconds.
    #[arg(long, value_name = "SECS", default_value = "60", value_parser = parse_seconds)]
    pub timeout: std::time::Duration,

    /// Try a failed request (connection, timeout, 429, 5xx) this many more times.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub retries: u32,

    /// Wait this long before the first retry; each further wait doubles (at most 60 s).
    #[arg(long, value_name = "SECS", default_value = "0.5", value_parser = parse_wait)]
    pub retry_wait: std::time::Duration,

    /// Send at most N triples per request.
    #[arg(long, value_name = "N", default_value_t = kgraph::output::push::DEFAULT_BATCH_SIZE, value_parser = parse_positive)]
    pub batch_size: usize,
}

/// `kgraph extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Files or folders to read (.txt, .md, .html, .htm, .jsonl), `-` reads standard input
    /// (JSON Lines, streamed a line at a time, when it starts with `{`; else one document).
    #[arg(value_name = "PATH", required_unless_present = "with_ontology")]
    pub paths: Vec<PathBuf>,

    /// nquads, or jsonl: one {"id", "graph", "source", "quads": [N-Quads lines]} per document.
    #[arg(long, value_name = "FORMAT", default_value = "nquads", value_parser = shard_format())]
    pub format: ShardFormat,

    /// Also write the ontology graph, first (once per corpus: in one shard, or alone).
    #[arg(long)]
    pub with_ontology: bool,

    /// Publication date for documents that carry none.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<chrono::NaiveDate>,

    /// Replace invalid UTF-8 with U+FFFD instead of refusing the file.
    #[arg(long)]
    pub lossy: bool,

    /// Refuse documents larger than this many bytes.
    #[arg(long, value_name = "N", default_value_t = 64 << 20)]
    pub max_document_bytes: u64,

    /// Drop statements whose confidence is below X (0 to 1).
    #[arg(long, value_name = "X", default_value_t = 0.0, value_parser = parse_confidence)]
    pub min_confidence: f32,

    /// An extra lexicon file (TOML rules, or TSV named after the file it extends, as for
    /// `build --lexicon`); repeatable.
    #[arg(long, value_name = "FILE")]
    pub lexicon: Vec<PathBuf>,

    /// Worker threads; 0 means one per core. The output is the same whatever the number.
    #[arg(short, long, value_name = "N", default_value_t = 0)]
    pub jobs: usize,

    /// Instead of quads, explain the extraction: for each sentence of the article body, its
    /// mentions (with the entity or value each stands for), the rules that fired and the
    /// statements they made with their confidence; and the blocks dropped as boilerplate.
    #[arg(long)]
    pub explain: bool,
}

/// `kgraph load`.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// Files to load, in order; `-` reads standard input.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// The input format: nquads, trig, ntriples, turtle, rdfxml, jsonld. Default: from each
    /// file's extension (.nq, .trig, .nt, .ttl, .rdf, .jsonld), N-Quads for standard input.
    #[arg(long, value_name = "FORMAT", value_parser = rdf_format())]
    pub format: Option<RdfOutput>,

    /// Do not recompute the summary at the end (for several loads in a row; run `kgraph
    /// summarise` after the last).
    #[arg(long)]
    pub no_summary: bool,
}

/// `kgraph remove`.
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Identifiers of the documents to remove.
    #[arg(value_name = "DOC-ID", required = true)]
    pub ids: Vec<String>,
}

/// `kgraph resolve`.
#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// Compute and report the links without writing them.
    #[arg(long)]
    pub dry_run: bool,

    /// Also write the links (and the ambiguous cases) to standard output as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `kgraph stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// text (aligned tables) or json.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}

/// `kgraph dot`.
#[derive(Debug, Args)]
pub struct DotArgs {
    /// Write to FILE (replaced only once complete) instead of standard output. A name ending in
    /// .svg, .png or .pdf renders the picture with Graphviz; any other name gets DOT.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Draw only the neighbourhood of this entity: any of its labels or alternative labels
    /// (case-insensitive), or its IRI. A name several entities share is refused with the list.
    #[arg(long, value_name = "NAME", conflicts_with = "path")]
    pub focus: Option<String>,

    /// With --focus: how many relations away from the entity to go (either direction).
    #[arg(long, value_name = "N", default_value_t = 1, requires = "focus")]
    pub depth: usize,

    /// Draw only a shortest chain of relations (either direction) between entities A and B,
    /// named as for --focus.
    #[arg(long, num_args = 2, value_names = ["A", "B"])]
    pub path: Option<Vec<String>>,

    /// Only these relations, comma-separated: local names or labels (supports,allyOf or
    /// "supplies weapons to").
    #[arg(long, value_name = "P1,P2", value_delimiter = ',')]
    pub predicates: Vec<String>,

    /// Only entities of these classes, comma-separated (Country,Person).
    #[arg(long, value_name = "T1,T2", value_delimiter = ',')]
    pub types: Vec<String>,

    /// Only what this document states: its identifier (the file stem) or graph IRI.
    #[arg(long, value_name = "ID", conflicts_with = "query")]
    pub document: Option<String>,

    /// Only relations and facts stated with at least this confidence (0 to 1).
    #[arg(long, value_name = "X", value_parser = parse_confidence, conflicts_with = "query")]
    pub min_confidence: Option<f32>,

    /// Draw the result of this CONSTRUCT query (e.g. queries/support_graph.rq) instead of the
    /// store's relations; labels and classes the result lacks are taken from the store.
    #[arg(long, value_name = "FILE.rq")]
    pub query: Option<PathBuf>,

    /// Draw at most N entities, the most connected (with --focus, the nearest first); 0 draws
    /// all.
    #[arg(long, value_name = "N", default_value_t = kgraph::output::dot::DEFAULT_MAX_NODES)]
    pub max_nodes: usize,

    /// List the documents stating each relation in its tooltip (SVG).
    #[arg(long)]
    pub evidence: bool,

    /// Render the picture with Graphviz (installed as the Debian package graphviz) instead of
    /// writing DOT. The program run is `dot`, or the one the KGRAPH_GRAPHVIZ variable names.
    #[arg(long, value_name = "FORMAT", value_parser = render_format())]
    pub render: Option<RenderFormat>,

    /// Graphviz layout engine: dot (layered, left to right), sfdp (large graphs, overlap
    /// removed), neato; auto is dot up to 100 entities, sfdp beyond. Written into the DOT too.
    #[arg(long, value_name = "ENGINE", default_value = "auto", value_parser = layout())]
    pub layout: Layout,

    /// Leave out the legend of classes.
    #[arg(long)]
    pub no_legend: bool,
}

fn render_format() -> impl TypedValueParser<Value = RenderFormat> {
    PossibleValuesParser::new(RenderFormat::NAMES).map(|s| s.parse().expect("a listed name"))
}

fn layout() -> impl TypedValueParser<Value = Layout> {
    PossibleValuesParser::new(Layout::NAMES).map(|s| s.parse().expect("a listed name"))
}

fn rdf_format() -> impl TypedValueParser<Value = RdfOutput> {
    PossibleValuesParser::new(RdfOutput::NAMES).map(|s| s.parse().expect("a listed name"))
}

fn export_format() -> impl TypedValueParser<Value = ExportFormat> {
    PossibleValuesParser::new(ExportFormat::NAMES).map(|s| s.parse().expect("a listed name"))
}

fn shard_format() -> impl TypedValueParser<Value = ShardFormat> {
    PossibleValuesParser::new(ShardFormat::NAMES).map(|s| s.parse().expect("a listed name"))
}

fn query_format() -> impl TypedValueParser<Value = QueryFormat> {
    PossibleValuesParser::new(QueryFormat::NAMES).map(|s| s.parse().expect("a listed name"))
}

fn auth_scheme() -> impl TypedValueParser<Value = AuthScheme> {
    PossibleValuesParser::new(AuthScheme::NAMES).map(|s| s.parse().expect("a listed name"))
}

fn parse_wait(s: &str) -> Result<std::time::Duration, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=3600.0).contains(&x) => Ok(std::time::Duration::from_secs_f64(x)),
        _ => Err("expected a number of seconds from 0 to 3600".into()),
    }
}

fn parse_positive(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err("expected a whole number above 0".into()),
    }
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| format!("{e} (expected YYYY-MM-DD)"))
}

fn parse_confidence(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err("expected a number from 0 to 1".into()),
    }
}

fn parse_seconds(s: &str) -> Result<std::time::Duration, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Ok(std::time::Duration::from_secs_f64(x)),
        _ => Err("expected a positive number of seconds".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_is_consistent() {
        Cli::command().debug_assert();
    }
}

/// An absolute IRI.
fn parse_iri(s: &str) -> Result<oxigraph::model::NamedNode, String> {
    oxigraph::model::NamedNode::new(s).map_err(|e| format!("not an absolute IRI: {e}"))
}
