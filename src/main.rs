//! Arguments → a command run against the library → an exit status: 0 done, 1 some documents
//! failed but the run went on, 2 error. A closed output pipe (`kgraph export | head`) is success.

mod cli;

// Extraction and minting allocate many small strings; mimalloc makes that about a fifth cheaper
// than glibc's allocator (see `cargo bench --bench pipeline`). It also replaces `malloc` for the
// C++ code (the `override` feature): Oxigraph frees RocksDB's error messages with the Rust
// allocator, which must then be the same allocator as RocksDB's `malloc`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use kgraph::document::ReadOptions;
use kgraph::extract::LexiconBuilder;
use kgraph::graph::Vocab;
use kgraph::output::export::ExportFormat;
use kgraph::output::query::QueryFormat;
use kgraph::output::{export, neo4j, query, stats, ResultsOutput};
use kgraph::pipeline::PipelineBuilder;
use kgraph::drive::{self, BuildOptions, Event};
use kgraph::store::KgStore;

use cli::{
    BuildArgs, Cli, Command, DotArgs, ExportArgs, ExtractArgs, Global, LoadArgs, PushArgs, QueryArgs, RemoveArgs, ResolveArgs,
    ServeArgs, StatsArgs,
};

/// Asks Linux for no transparent huge pages in this process. mimalloc asks for them on its
/// arenas, and the kernel then zeroes 2 MB at the first touch of each, most of which a
/// document's short-lived strings never use: measured on 10 MB of news, `extract` spent 0.4 s of
/// system time (0.15 s without) and `build` 2.4 s (1.1–1.5 s), with a third more resident
/// memory. Failing (an old kernel) changes nothing else.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// How a command that did not fail ended.
enum Outcome {
    Done,
    /// Some inputs failed; the rest was done.
    Partial,
}

fn main() -> ExitCode {
    no_transparent_huge_pages();
    let cli = Cli::parse();
    match run(cli) {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::Partial) => ExitCode::from(1),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kgraph: {}", message(&e));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<Outcome> {
    let Cli { global, command } = cli;
    let vocab = Vocab::new(&global.base)?;
    match command {
        Command::Build(args) => build(&global, &vocab, args),
        Command::Query(args) => run_query(&global, &vocab, args),
        Command::Export(args) => run_export(&global, &vocab, args),
        Command::Stats(args) => run_stats(&global, &vocab, args),
        Command::Push(args) => run_push(&global, &vocab, args),
        Command::Extract(args) => run_extract(&global, &vocab, args),
        Command::Load(args) => run_load(&global, &vocab, args),
        Command::Remove(args) => run_remove(&global, &vocab, args),
        Command::Summarise => run_summarise(&global, &vocab),
        Command::Dot(args) => run_dot(&global, &vocab, args),
        Command::Resolve(args) => run_resolve(&global, &vocab, args),
        Command::Serve(args) => run_serve(&global, vocab, args),
    }
}

/// The error and its causes, each cause once (library errors already quote their source).
fn message(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
    }
    text
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
}

/// `--ontology`, else `./ontology` if it exists, else none (the built-in copy).
fn ontology_dir(global: &Global) -> Option<PathBuf> {
    global.ontology.clone().or_else(|| Some(PathBuf::from("ontology")).filter(|d| d.is_dir()))
}

/// The extraction pipeline over the ontology folder (or the built-in copy) and the user's
/// extra lexicon files.
fn pipeline(ontology: Option<&Path>, vocab: &Vocab, extra: &[PathBuf], min_confidence: f32) -> Result<kgraph::pipeline::Pipeline> {
    let mut lexicon = LexiconBuilder::new();
    if let Some(dir) = ontology {
        lexicon = lexicon.dir(dir);
    }
    for file in extra {
        lexicon = lexicon.extra(file);
    }
    let lexicon = Arc::new(lexicon.build().context("cannot load the lexicon")?);
    Ok(PipelineBuilder::default().vocab(vocab.clone()).min_confidence(min_confidence).build(lexicon))
}

fn build(global: &Global, vocab: &Vocab, args: BuildArgs) -> Result<Outcome> {
    let started = Instant::now();
    let ontology = ontology_dir(global);
    let pipeline = pipeline(ontology.as_deref(), vocab, &args.lexicon, args.min_confidence)?;

    let kg = if args.memory { KgStore::memory()? } else { KgStore::open(&global.store)? };
    kg.load_ontology(vocab, ontology.as_deref())?;

    let options = BuildOptions {
        read: ReadOptions { lossy: args.lossy, max_document_bytes: args.max_document_bytes, date: args.date },
        jobs: args.jobs,
        batch_quads: args.batch_quads,
    };
    let bar = input_progress(global);
    let summary = drive::build(&kg, &pipeline, &args.paths, &options, |event| match event {
        Event::Reading(_) => advance(&bar, &event),
        Event::Loaded(p) => {
            advance(&bar, &event);
            if global.verbose {
                bar.suspend(|| {
                    eprintln!(
                        "kgraph: {} ({}): {} statements, {} entities, {} quads",
                        p.document.id,
                        p.document.source,
                        p.extraction.statements.len(),
                        p.extraction.entities.len(),
                        p.quads.len() + p.facts.len()
                    );
                    for d in &p.dropped {
                        let text = p.document.text.get(d.span.clone()).unwrap_or_default();
                        let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
                        let short: String = text.chars().take(70).collect();
                        let more = if short.len() < text.len() { "…" } else { "" };
                        eprintln!("    dropped {}..{} ({}): {short}{more}", d.span.start, d.span.end, d.reason);
                    }
                });
            }
        }
        Event::Skipped(e) => {
            if !global.quiet {
                bar.suspend(|| eprintln!("kgraph: warning: {e} (skipped)"));
            }
        }
        Event::Warning(e) => {
            if !global.quiet {
                bar.suspend(|| eprintln!("kgraph: warning: {e}"));
            }
        }
        Event::Failed(e) => bar.suspend(|| eprintln!("kgraph: {e}")),
    })?;
    bar.finish_and_clear();

    if let Some(format) = args.export {
        let stdout = std::io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        export::export(kg.store(), format, None, vocab, &mut out).map_err(|e| name_output(e, Path::new("<stdout>")))?;
        out.flush().map_err(|e| kgraph::Error::io("<stdout>", e))?;
    }
    if !global.quiet {
        eprintln!(
            "built {} documents ({} failed): {} sentences, {} statements, {} entities, {} quads in {:.2}s",
            summary.counts.documents,
            summary.counts.failed,
            summary.counts.sentences,
            summary.counts.statements,
            summary.entities,
            summary.counts.quads,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(if summary.counts.failed > 0 { Outcome::Partial } else { Outcome::Done })
}

fn run_query(global: &Global, vocab: &Vocab, args: QueryArgs) -> Result<Outcome> {
    let (text, origin) = match (&args.query, &args.file) {
        (Some(q), _) if q == "-" => (read_stdin()?, Some("<stdin>".to_owned())),
        (Some(q), _) => (q.clone(), None),
        (None, Some(f)) => (read_text(f)?, Some(f.display().to_string())),
        (None, None) => anyhow::bail!("give a query, or --file FILE"),
    };
    // Check the query before opening the store: a typo needs no store.
    let prepared = query::prepare(&text, origin.as_deref())?;
    let kg = KgStore::open_read_only(&global.store)?;
    let stdout = std::io::stdout();
    if args.explain {
        let mut out = BufWriter::new(stdout.lock());
        query::explain(kg.store(), prepared, args.timeout, &mut out).map_err(|e| name_output(e, Path::new("<stdout>")))?;
        out.flush().map_err(|e| kgraph::Error::io("<stdout>", e))?;
        return Ok(Outcome::Done);
    }
    let options = query::QueryOptions {
        format: args.format,
        terminal: stdout.is_terminal(),
        limit: args.limit,
        max_bytes: None,
        timeout: args.timeout,
    };
    let mut out = BufWriter::new(stdout.lock());
    let outcome = query::run(kg.store(), prepared, &options, vocab, &mut out)
        .map_err(|e| name_output(e, Path::new("<stdout>")))?;
    out.flush().map_err(|e| kgraph::Error::io("<stdout>", e))?;
    let table = outcome.format == QueryFormat::Results(ResultsOutput::Table);
    if outcome.cut.is_some() && !global.quiet && !table {
        eprintln!("kgraph: output cut at --limit {} rows", outcome.rows);
    }
    Ok(Outcome::Done)
}

fn run_export(global: &Global, vocab: &Vocab, args: ExportArgs) -> Result<Outcome> {
    let kg = KgStore::open_read_only(&global.store)?;
    let graph = args.graph.as_deref().map(|g| export::graph_named(vocab, g));
    let graph_ref = graph.as_ref().map(|g| g.as_ref());
    let format = match args.format {
        ExportFormat::Rdf(format) => format,
        ExportFormat::Neo4j | ExportFormat::Kuzu => {
            let target = if args.format == ExportFormat::Neo4j { neo4j::Target::Neo4j } else { neo4j::Target::Kuzu };
            let dir = args.output.as_deref().with_context(|| format!("--format {} writes a folder: give -o DIR", args.format))?;
            let summary =
                neo4j::export_for(target, kg.store(), vocab, graph_ref, dir)?;
            if !global.quiet {
                let (nodes, rels) = (dir.join(neo4j::NODES_FILE), dir.join(neo4j::RELATIONSHIPS_FILE));
                let how = match target {
                    neo4j::Target::Neo4j => format!(
                        "neo4j-admin database import full --nodes={} --relationships={} DATABASE",
                        nodes.display(),
                        rels.display()
                    ),
                    neo4j::Target::Kuzu => format!(
                        "{} run from that folder in Kùzu (e.g. python3 examples/kuzu_load.py {} DATABASE)",
                        neo4j::CYPHER_FILE,
                        dir.display()
                    ),
                };
                eprintln!(
                    "wrote {} nodes and {} relationships to {}; import them with\n  {how}",
                    summary.nodes,
                    summary.relationships,
                    dir.display(),
                );
            }
            return Ok(Outcome::Done);
        }
    };
    let written = match &args.output {
        Some(path) => {
            kgraph::output::write_atomically(path, |out| export::export(kg.store(), format, graph_ref, vocab, out))
                .map_err(|e| name_output(e, path))?
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            let n = export::export(kg.store(), format, graph_ref, vocab, &mut out)
                .map_err(|e| name_output(e, Path::new("<stdout>")))?;
            out.flush().map_err(|e| kgraph::Error::io("<stdout>", e))?;
            n
        }
    };
    if global.verbose {
        let what = if format.is_dataset() { "quads" } else { "triples" };
        eprintln!("kgraph: wrote {written} {what} as {format}");
    }
    Ok(Outcome::Done)
}

/// The library calls what it writes to `<output>`; name it.
fn name_output(e: kgraph::Error, path: &Path) -> kgraph::Error {
    match e {
        kgraph::Error::Io { path: p, source } if p.as_os_str() == "<output>" => {
            kgraph::Error::Io { path: path.to_owned(), source }
        }
        e => e,
    }
}

fn run_stats(global: &Global, vocab: &Vocab, args: StatsArgs) -> Result<Outcome> {
    let kg = KgStore::open_read_only(&global.store)?;
    let stats = stats::collect(kg.store(), vocab)?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.format == "json" {
        serde_json::to_writer_pretty(&mut out, &stats).context("cannot write the statistics")?;
        writeln!(out)?;
    } else {
        stats.write_text(&mut out)?;
    }
    out.flush()?;
    Ok(Outcome::Done)
}

/// `kgraph extract --explain`: the trace of each document, one after the other, on stdout.
fn explain(pipeline: &kgraph::pipeline::Pipeline, args: &ExtractArgs) -> Result<Outcome> {
    let options = ReadOptions { lossy: args.lossy, max_document_bytes: args.max_document_bytes, date: args.date };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = 0;
    kgraph::document::read_paths(&args.paths, &options, |document| match document {
        Ok(document) => {
            pipeline.explain(document, &mut out);
        }
        Err(e) => {
            eprintln!("kgraph: {e}");
            failed += 1;
        }
    });
    out.flush().map_err(|e| kgraph::Error::io("<stdout>", e))?;
    Ok(if failed > 0 { Outcome::Partial } else { Outcome::Done })
}

fn run_extract(global: &Global, vocab: &Vocab, args: ExtractArgs) -> Result<Outcome> {
    let started = Instant::now();
    let ontology = ontology_dir(global);
    let pipeline = pipeline(ontology.as_deref(), vocab, &args.lexicon, args.min_confidence)?;
    if args.explain {
        return explain(&pipeline, &args);
    }
    let ontology_quads =
        if args.with_ontology { kgraph::store::ontology_quads(vocab, ontology.as_deref())? } else { Vec::new() };
    let options = BuildOptions {
        read: ReadOptions { lossy: args.lossy, max_document_bytes: args.max_document_bytes, date: args.date },
        jobs: args.jobs,
        ..BuildOptions::default()
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let bar = input_progress(global);
    let summary =
        drive::extract(&pipeline, &args.paths, &options, args.format, &ontology_quads, &mut out, |event| {
            advance(&bar, &event);
            match event {
                Event::Loaded(p) if global.verbose => bar.suspend(|| {
                    eprintln!(
                        "kgraph: {} ({}): {} statements, {} quads",
                        p.document.id,
                        p.document.source,
                        p.extraction.statements.len(),
                        p.quads.len() + p.facts.len()
                    )
                }),
                Event::Skipped(e) if !global.quiet => bar.suspend(|| eprintln!("kgraph: warning: {e} (skipped)")),
                Event::Warning(e) if !global.quiet => bar.suspend(|| eprintln!("kgraph: warning: {e}")),
                Event::Failed(e) => bar.suspend(|| eprintln!("kgraph: {e}")),
                _ => {}
            }
        })
        .map_err(|e| name_output(e, Path::new("<stdout>")))?;
    bar.finish_and_clear();
    out.flush().map_err(|e| kgraph::Error::io("<stdout>", e))?;
    if !global.quiet {
        eprintln!(
            "extracted {} documents ({} failed): {} sentences, {} statements, {} quads in {:.2}s",
            summary.documents,
            summary.failed,
            summary.sentences,
            summary.statements,
            summary.quads,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(if summary.failed > 0 { Outcome::Partial } else { Outcome::Done })
}

fn run_load(global: &Global, vocab: &Vocab, args: LoadArgs) -> Result<Outcome> {
    let started = Instant::now();
    let kg = KgStore::open(&global.store)?;
    let (mut graphs, mut quads) = (0, 0);
    let mut loader = drive::Loader::new(&kg, vocab);
    for file in &args.files {
        let format = match (args.format, file.extension().and_then(|e| e.to_str())) {
            (Some(f), _) => f.format(),
            (None, Some(ext)) => oxigraph::io::RdfFormat::from_extension(ext)
                .with_context(|| format!("{}: unknown extension, give --format", file.display()))?,
            (None, None) => oxigraph::io::RdfFormat::NQuads,
        };
        let summary = if file.as_os_str() == "-" {
            loader.load(std::io::stdin().lock(), format, "<stdin>")?
        } else {
            let input = std::fs::File::open(file).map_err(|e| kgraph::Error::io(file, e))?;
            loader.load(std::io::BufReader::new(input), format, &file.display().to_string())?
        };
        if global.verbose {
            eprintln!("kgraph: {}: {} quads in {} graphs", file.display(), summary.quads, summary.graphs);
        }
        graphs += summary.graphs;
        quads += summary.quads;
    }
    let summarised = if args.no_summary { None } else { Some(loader.finish()?) };
    if !global.quiet {
        eprintln!(
            "loaded {quads} quads into {graphs} graphs from {} files{} in {:.2}s",
            args.files.len(),
            summarised.map(|s| format!(", summarised {} documents", s.documents)).unwrap_or_default(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(Outcome::Done)
}

fn run_remove(global: &Global, vocab: &Vocab, args: RemoveArgs) -> Result<Outcome> {
    let started = Instant::now();
    let kg = KgStore::open_existing(&global.store)?;
    let summary = drive::remove(&kg, vocab, &args.ids)?;
    for id in &summary.missing {
        eprintln!("kgraph: no document {id:?} in {}", global.store.display());
    }
    if !global.quiet {
        eprintln!(
            "removed {} documents ({} not found) in {:.2}s",
            summary.removed.len(),
            summary.missing.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(if summary.missing.is_empty() { Outcome::Done } else { Outcome::Partial })
}

fn run_summarise(global: &Global, vocab: &Vocab) -> Result<Outcome> {
    let started = Instant::now();
    let kg = KgStore::open_existing(&global.store)?;
    let counts = kg.summarise(vocab)?;
    if !global.quiet {
        eprintln!(
            "summarised {} documents: {} facts, {} entities, {} quads in {:.2}s",
            counts.documents,
            counts.facts,
            counts.entities,
            counts.quads,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(Outcome::Done)
}

fn run_resolve(global: &Global, vocab: &Vocab, args: ResolveArgs) -> Result<Outcome> {
    use kgraph::resolution;
    let started = Instant::now();
    let ontology = ontology_dir(global);
    let result = if args.dry_run {
        let kg = KgStore::open_read_only(&global.store)?;
        let nominals = match ontology.as_deref().map(|d| d.join("lexicon/nominals.tsv")).filter(|f| f.is_file()) {
            Some(f) => Some(read_text(&f)?),
            None => None,
        };
        resolution::compute(kg.store(), vocab, nominals.as_deref())?
    } else {
        let kg = KgStore::open_existing(&global.store)?;
        resolution::resolve(&kg, vocab, ontology.as_deref())?
    };
    let short = |iri: &str| iri.strip_prefix(vocab.base()).unwrap_or(iri).trim_start_matches("entity/").to_owned();
    if global.verbose {
        for l in &result.links {
            eprintln!("kgraph: {} owl:sameAs {} [{}] {}", short(&l.a), short(&l.b), l.rule.name(), l.reason);
        }
        for a in &result.ambiguous {
            let candidates: Vec<String> = a.candidates.iter().map(|c| short(c)).collect();
            eprintln!("kgraph: ambiguous, not linked [{}]: {} could be {}", a.rule.name(), short(&a.entity), candidates.join(" or "));
        }
    }
    if args.json {
        let stdout = std::io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        serde_json::to_writer_pretty(&mut out, &result).context("cannot write the links")?;
        writeln!(out).and_then(|()| out.flush()).map_err(|e| kgraph::Error::io("<stdout>", e))?;
    }
    if !global.quiet {
        let clusters = result.clusters().len();
        let graph = resolution::resolution_graph(vocab);
        eprintln!(
            "{} {} links in {clusters} clusters ({} ambiguous left apart) among {} entities of {} documents{} in {:.2}s",
            if args.dry_run { "would write" } else { "resolved:" },
            result.links.len(),
            result.ambiguous.len(),
            result.entities,
            result.documents,
            if args.dry_run { String::new() } else { format!(", into {graph}") },
            started.elapsed().as_secs_f64()
        );
    }
    Ok(Outcome::Done)
}

fn run_dot(global: &Global, vocab: &Vocab, args: DotArgs) -> Result<Outcome> {
    use kgraph::output::dot::{self, DotStyle, DrawOptions, Filters, RenderFormat, Selection};
    let started = Instant::now();
    let from_name = args.output.as_deref().and_then(RenderFormat::of_path);
    let render = match (args.render, from_name) {
        (Some(r), Some(n)) if r != n => anyhow::bail!(
            "--render {r} but the output file {} asks for {n}: choose one",
            args.output.as_deref().unwrap_or(Path::new("")).display()
        ),
        (r, n) => r.or(n),
    };
    if render.is_some_and(RenderFormat::is_binary) && args.output.is_none() && std::io::stdout().is_terminal() {
        anyhow::bail!("a {} picture is binary: write it to a file with -o FILE", render.map_or("", RenderFormat::name));
    }
    // Check what needs no store first: the query's syntax.
    let query = match &args.query {
        Some(file) => {
            let text = read_text(file)?;
            let origin = file.display().to_string();
            query::prepare(&text, Some(&origin))?;
            Some((text, Some(origin)))
        }
        None => None,
    };
    let selection = match (&args.focus, &args.path) {
        (Some(name), _) => Selection::Focus { name: name.clone(), depth: args.depth },
        (None, Some(ends)) if ends.len() == 2 => Selection::Path { from: ends[0].clone(), to: ends[1].clone() },
        _ => Selection::All,
    };
    let options = DrawOptions {
        filters: Filters {
            predicates: args.predicates.iter().filter(|p| !p.trim().is_empty()).cloned().collect(),
            types: args.types.iter().filter(|t| !t.trim().is_empty()).cloned().collect(),
            document: args.document.clone(),
            min_confidence: args.min_confidence.map(f64::from),
        },
        selection,
        query,
        max_nodes: args.max_nodes,
        sources: args.evidence,
    };
    let kg = KgStore::open_read_only(&global.store)?;
    let picture = dot::draw(kg.store(), vocab, &options)?;
    drop(kg);
    let layout = args.layout.resolve(picture.graph.node_count());
    let style = DotStyle { layout, evidence: args.evidence, legend: !args.no_legend };
    let mut text = Vec::new();
    dot::write_dot(&picture, &style, &mut text)?;
    let drawn = Instant::now();
    let bytes = match render {
        Some(format) => dot::render(&text, format, layout)?,
        None => text,
    };
    match &args.output {
        Some(path) => kgraph::output::write_atomically(path, |out| {
            out.write_all(&bytes).map_err(|e| kgraph::Error::io("<output>", e))
        })
        .map_err(|e| name_output(e, path))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes).and_then(|()| out.flush()).map_err(|e| kgraph::Error::io("<stdout>", e))?;
        }
    }
    if picture.left_out > 0 && !global.quiet {
        eprintln!(
            "kgraph: drew the {} most connected of {} entities; {} left out (raise --max-nodes, or 0 for all)",
            picture.graph.node_count(),
            picture.entities,
            picture.left_out
        );
    }
    if global.verbose {
        eprintln!(
            "kgraph: {} entities, {} relations, layout {layout}; DOT in {:.2}s{}",
            picture.graph.node_count(),
            picture.graph.edge_count(),
            (drawn - started).as_secs_f64(),
            render.map(|f| format!(", {f} rendered in {:.2}s", drawn.elapsed().as_secs_f64())).unwrap_or_default()
        );
    }
    Ok(Outcome::Done)
}

fn run_serve(global: &Global, vocab: Vocab, args: ServeArgs) -> Result<Outcome> {
    use kgraph::serve::{ServeOptions, Server};
    let options = ServeOptions {
        bind: args.bind,
        timeout: args.timeout,
        max_rows: args.max_rows,
        max_bytes: args.max_bytes,
        max_body: args.max_body,
        max_concurrent: args.max_concurrent,
        allow_update: args.allow_update,
        token: args.token,
        token_for_reads: args.token_for_reads,
        cors: args.cors,
        log: !global.quiet,
    };
    let started = Instant::now();
    // Updates write: the store is then opened (and locked) for writing.
    let kg = if options.allow_update { KgStore::open(&global.store)? } else { KgStore::open_read_only(&global.store)? };
    let server = Server::new(kg, vocab, options.clone())?;
    let address = server.local_addr()?;
    // The first line of standard output is the address, for scripts and tests (port 0).
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "http://{address}/").and_then(|()| stdout.flush()).map_err(|e| kgraph::Error::io("<stdout>", e))?;
    drop(stdout);
    if !global.quiet {
        let (entities, names) = server.catalog_size();
        eprintln!(
            "kgraph: serving {} ({}) at http://{address}/ with {entities} entities and {names} names indexed in {:.2}s; Ctrl-C stops",
            global.store.display(),
            if options.allow_update { "updates allowed with the token" } else { "read-only" },
            started.elapsed().as_secs_f64()
        );
        if !address.ip().is_loopback() && options.token.is_none() {
            eprintln!("kgraph: warning: {address} is reachable from other machines and no --token guards it");
        }
    }
    server.run()?;
    if !global.quiet {
        eprintln!("kgraph: stopped");
    }
    Ok(Outcome::Done)
}

fn run_push(global: &Global, vocab: &Vocab, args: PushArgs) -> Result<Outcome> {
    use kgraph::output::push::{self, Credentials, Protocol, PushEvent, PushOptions};
    let (endpoint, protocol) = match (args.endpoint, args.update_endpoint) {
        (Some(url), _) => (url, Protocol::GraphStore),
        (None, Some(url)) => (url, Protocol::Update),
        (None, None) => anyhow::bail!("give --endpoint URL (Graph Store Protocol) or --update-endpoint URL"),
    };
    let kg = KgStore::open_read_only(&global.store)?;
    let graphs = push::select_graphs(&kg, vocab, &args.graph, &args.document)?;
    let credentials = match (args.user, args.password, args.token) {
        (Some(user), Some(password), _) => Credentials::Password { user, password, scheme: args.auth },
        (_, _, Some(token)) => Credentials::Bearer(token),
        _ => Credentials::None,
    };
    let options = PushOptions {
        credentials,
        timeout: Some(args.timeout),
        retries: args.retries,
        retry_wait: args.retry_wait,
        batch_size: args.batch_size,
        ca_cert: args.ca_cert,
        default_graph: args.default_graph,
        ..PushOptions::new(&endpoint, protocol)
    };
    let bar = if global.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} quads {wide_msg}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        bar
    };
    let report = push::push(kg.store(), &graphs, &options, |event| match event {
        PushEvent::Started { quads, .. } => bar.set_length(quads as u64),
        PushEvent::Graph { graph, quads } => {
            bar.set_message(graph.to_string());
            if global.verbose {
                bar.suspend(|| eprintln!("kgraph: sending {graph} ({quads} quads)"));
            }
        }
        PushEvent::Sent { triples } => bar.inc(triples as u64),
        PushEvent::Retrying { reason, attempt, wait } => {
            if !global.quiet {
                bar.suspend(|| eprintln!("kgraph: warning: {reason}; retry {attempt} in {:.1}s", wait.as_secs_f64()));
            }
        }
    });
    bar.finish_and_clear();
    let report = report.with_context(|| format!("push to {endpoint} failed"))?;
    if !global.quiet {
        eprintln!(
            "pushed {} graphs, {} quads to {endpoint} in {:.2}s ({} requests, {} retries)",
            report.graphs, report.quads, report.seconds, report.requests, report.retries
        );
    }
    Ok(Outcome::Done)
}

/// A progress bar on standard error for reading input, in bytes, with the rate and the time
/// left; hidden with --quiet or when standard error is not a terminal.
fn input_progress(global: &Global) -> ProgressBar {
    if global.quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {wide_msg}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar
}

/// Moves an [`input_progress`] bar: the sources' total size, the source being read, and the
/// input bytes of each document done.
fn advance(bar: &ProgressBar, event: &Event<'_>) {
    match event {
        Event::Reading(kgraph::drive::Reading { source, total_bytes, .. }) => {
            bar.set_length(*total_bytes);
            bar.set_message(source.display());
        }
        Event::Loaded(p) => bar.inc(p.document.input_bytes),
        _ => {}
    }
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| kgraph::Error::io(path, e))?;
    Ok(kgraph::document::read::decode(path, &bytes, false)?)
}

fn read_stdin() -> Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes).map_err(|e| kgraph::Error::io("<stdin>", e))?;
    Ok(kgraph::document::read::decode(Path::new("<stdin>"), &bytes, false)?)
}
