//! Arguments → a command run against the library → an exit status: 0 done, 1 some documents
//! failed but the run went on, 2 error. A closed output pipe (`kgraph export | head`) is success.

mod cli;

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
use kgraph::output::query::QueryFormat;
use kgraph::output::{export, query, stats, ResultsOutput};
use kgraph::pipeline::PipelineBuilder;
use kgraph::store::{self, BuildOptions, Event, KgStore};
use oxigraph::model::NamedOrBlankNodeRef;

use cli::{BuildArgs, Cli, Command, ExportArgs, Global, QueryArgs, StatsArgs};

/// How a command that did not fail ended.
enum Outcome {
    Done,
    /// Some inputs failed; the rest was done.
    Partial,
}

fn main() -> ExitCode {
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

fn build(global: &Global, vocab: &Vocab, args: BuildArgs) -> Result<Outcome> {
    let started = Instant::now();
    let ontology = ontology_dir(global);
    let mut lexicon = LexiconBuilder::new();
    if let Some(dir) = &ontology {
        lexicon = lexicon.dir(dir);
    }
    for file in &args.lexicon {
        lexicon = lexicon.extra(file);
    }
    let lexicon = Arc::new(lexicon.build().context("cannot load the lexicon")?);
    let pipeline = PipelineBuilder::default().vocab(vocab.clone()).min_confidence(args.min_confidence).build(lexicon);

    let kg = if args.memory { KgStore::memory()? } else { KgStore::open(&global.store)? };
    kg.load_ontology(vocab, ontology.as_deref())?;

    let options = BuildOptions {
        read: ReadOptions { lossy: args.lossy, max_document_bytes: args.max_document_bytes, date: args.date },
        jobs: args.jobs,
    };
    let bar = if global.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} {wide_msg}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        bar
    };
    let summary = store::build(&kg, &pipeline, &args.paths, &options, |event| match event {
        Event::Reading { source, index, total } => {
            bar.set_length(total as u64);
            bar.set_position(index as u64);
            bar.set_message(source.display());
        }
        Event::Loaded(p) => {
            if global.verbose {
                bar.suspend(|| {
                    eprintln!(
                        "kgraph: {} ({}): {} statements, {} entities, {} quads",
                        p.document.id,
                        p.document.source,
                        p.extraction.statements.len(),
                        p.extraction.entities.len(),
                        p.quads.len()
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
            "built {} documents ({} failed): {} statements, {} entities, {} quads in {:.2}s",
            summary.documents,
            summary.failed,
            summary.statements,
            summary.entities,
            summary.quads,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(if summary.failed > 0 { Outcome::Partial } else { Outcome::Done })
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
    let options = query::QueryOptions {
        format: args.format,
        terminal: stdout.is_terminal(),
        limit: args.limit,
        timeout: args.timeout,
    };
    let mut out = BufWriter::new(stdout.lock());
    let outcome = query::run(kg.store(), prepared, &options, vocab, &mut out)
        .map_err(|e| name_output(e, Path::new("<stdout>")))?;
    out.flush().map_err(|e| kgraph::Error::io("<stdout>", e))?;
    let table = outcome.format == QueryFormat::Results(ResultsOutput::Table);
    if outcome.truncated && !global.quiet && !table {
        eprintln!("kgraph: output cut at --limit {} rows", outcome.rows);
    }
    Ok(Outcome::Done)
}

fn run_export(global: &Global, vocab: &Vocab, args: ExportArgs) -> Result<Outcome> {
    let kg = KgStore::open_read_only(&global.store)?;
    let graph = args.graph.as_deref().map(|g| export::graph_named(vocab, g));
    let graph_ref: Option<NamedOrBlankNodeRef<'_>> = graph.as_ref().map(|g| g.as_ref().into());
    let written = match &args.output {
        Some(path) => {
            kgraph::output::write_atomically(path, |out| export::export(kg.store(), args.format, graph_ref, vocab, out))
                .map_err(|e| name_output(e, path))?
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            let n = export::export(kg.store(), args.format, graph_ref, vocab, &mut out)
                .map_err(|e| name_output(e, Path::new("<stdout>")))?;
            out.flush().map_err(|e| kgraph::Error::io("<stdout>", e))?;
            n
        }
    };
    if global.verbose {
        let what = if args.format.is_dataset() { "quads" } else { "triples" };
        eprintln!("kgraph: wrote {written} {what} as {}", args.format);
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

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| kgraph::Error::io(path, e))?;
    Ok(kgraph::document::read::decode(path, &bytes, false)?)
}

fn read_stdin() -> Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes).map_err(|e| kgraph::Error::io("<stdin>", e))?;
    Ok(kgraph::document::read::decode(Path::new("<stdin>"), &bytes, false)?)
}
