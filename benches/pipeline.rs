//! Throughput and memory of kgraph on a generated corpus: `cargo bench --bench pipeline`.
//!
//! For each size (10 and 100 MB by default; `-- --sizes 10,100,1000` for 1 GB too) it generates
//! a deterministic corpus with [`kgraph::corpus`] (cached under `target/bench/`), then runs the
//! release `kgraph` binary as a child process and measures wall time, CPU time (user + system,
//! all threads) and peak RSS (from `wait4`), for:
//!
//! - `extract` (read + clean + segment + recognise + resolve + relate + mint, N-Quads out, no
//!   store) on the `.txt` pages and on the JSON Lines, with one job and with all cores;
//! - `build` into a new on-disk store, likewise;
//! - `load` of the extracted N-Quads with `kgraph load`, beside Oxigraph's own bulk loader on
//!   the same file (`oxigraph bulk`), the reference for loading speed;
//! - every `queries/*.rq` on the store built from the largest size up to 100 MB (in process,
//!   results written to nowhere; median of 5 runs, one run over a second, cancelled after a
//!   minute), and `kgraph dot --max-nodes 500` there (`--query-store DIR`: only those), with
//!   the quads that store holds per statement (evidence record);
//! - a load test of `kgraph serve` on that store: `wrk` (Debian's package; skipped, saying so,
//!   without it) against `/sparql`, `/api/search` and `/api/neighbours` of the most connected
//!   entity, for 20 s each with one connection (one user's latency) and with eight on two
//!   threads: requests per second, median and p99 latency, and the server's resident memory
//!   before and after each run (it should stay flat).
//!
//! `--jobs`, `--inputs` and `--commands` narrow the runs (a 1 GB build takes a while):
//! `cargo bench --bench pipeline -- --sizes 1000 --jobs 0 --inputs jsonl --commands extract,build`;
//! on a kept store, `--query-store target/bench/store-100mb --commands serve` runs the load test
//! alone.
//!
//! `MB/CPU-s` is throughput per core: megabytes of input per second of CPU time, however the
//! work was spread over threads (one job still overlaps reading and writing with processing).
//!
//! It prints one Markdown table (and saves it as `target/bench/report.md`), to compare across
//! commits. Timings are the machine's: nothing here asserts a speed.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// Queries running longer are cancelled.
const QUERY_TIMEOUT: Duration = Duration::from_secs(60);
use clap::Parser;

/// Options, given after `cargo bench --bench pipeline --`.
#[derive(Debug, Parser)]
#[command(about = "kgraph throughput benchmark")]
struct Options {
    /// Corpus sizes in MB (of `.txt` pages).
    #[arg(long, value_delimiter = ',', default_value = "10,100")]
    sizes: Vec<u64>,
    /// Job counts to compare; 0 means all cores.
    #[arg(long, value_delimiter = ',', default_value = "1,0")]
    jobs: Vec<usize>,
    /// Inputs to run on: `txt` (one file per article) and `jsonl` (JSON Lines).
    #[arg(long, value_delimiter = ',', default_value = "txt,jsonl")]
    inputs: Vec<String>,
    /// Commands to measure: `extract`, `build`, `load` (kgraph load beside Oxigraph's bulk
    /// loader, on the N-Quads extracted from the JSON Lines with all jobs). On the kept store:
    /// `queries`, `dot`, `serve` (all three unless one of them is named).
    #[arg(long, value_delimiter = ',', default_value = "extract,build,load")]
    commands: Vec<String>,
    /// Where corpora, stores and the report go.
    #[arg(long, default_value = "target/bench")]
    dir: PathBuf,
    /// The corpus seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Only generate the corpora (and print where they are).
    #[arg(long)]
    generate_only: bool,
    /// Skip the corpus runs: only time the queries and `dot` on this existing store (e.g.
    /// `target/bench/store-100mb`, kept by an earlier run).
    #[arg(long, value_name = "STORE")]
    query_store: Option<PathBuf>,
    /// Internal: bulk-load N-Quads FILE into a new store STORE with Oxigraph alone.
    #[arg(long, num_args = 2, value_names = ["FILE", "STORE"], hide = true)]
    oxigraph_load: Option<Vec<PathBuf>>,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

/// One measured run.
struct Row {
    size_mb: u64,
    input: &'static str,
    command: String,
    jobs: usize,
    seconds: f64,
    bytes: u64,
    sentences: Option<u64>,
    statements: Option<u64>,
    quads: Option<u64>,
    peak_rss_kb: u64,
    cpu_seconds: f64,
}

/// What a child process did.
struct Child {
    elapsed: Duration,
    /// User and system time of all its threads.
    cpu_seconds: f64,
    peak_rss_kb: u64,
    stderr: String,
}

fn main() -> Result<()> {
    let options = Options::parse();
    if let Some(args) = &options.oxigraph_load {
        return oxigraph_load(&args[0], &args[1]);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(&options.dir);
    fs::create_dir_all(&dir)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let lexicon = kgraph::extract::Lexicon::builtin();
    let generator = kgraph::corpus::Corpus::new(lexicon, options.seed);

    let wants = |command: &str| options.commands.iter().any(|c| c == command);
    let mut rows = Vec::new();
    let mut query_store: Option<(u64, PathBuf)> = None;
    if let Some(store) = &options.query_store {
        let size = store.to_string_lossy().trim_end_matches("mb").rsplit('-').next().and_then(|s| s.parse().ok());
        query_store = Some((size.unwrap_or(0), store.clone()));
    }
    let sizes = if options.query_store.is_some() { &[][..] } else { &options.sizes[..] };
    for &size in sizes {
        let corpus = dir.join(format!("corpus-{}-{size}mb", options.seed));
        let stamp = corpus.join("complete");
        if !stamp.is_file() {
            eprintln!("generating {size} MB in {} …", corpus.display());
            let started = Instant::now();
            let summary = generator.write(&corpus, size << 20)?;
            fs::write(&stamp, format!("{summary:?}\n"))?;
            eprintln!("  {} articles in {:.1}s", summary.articles, started.elapsed().as_secs_f64());
        }
        if options.generate_only {
            println!("{}", corpus.display());
            continue;
        }
        let txt = corpus.join("txt");
        let jsonl = corpus.join("articles.jsonl");
        let txt_bytes = folder_size(&txt)?;
        let jsonl_bytes = fs::metadata(&jsonl)?.len();
        let quads_file = corpus.join("quads.nq");
        for &jobs in &options.jobs {
            let n = if jobs == 0 { cores } else { jobs };
            for (input, path, bytes) in [("txt", &txt, txt_bytes), ("jsonl", &jsonl, jsonl_bytes)] {
                if !options.inputs.iter().any(|i| i == input) {
                    continue;
                }
                // Extract: N-Quads to a file for the loading runs, else thrown away.
                let load = input == "jsonl" && jobs == 0 && wants("load");
                if wants("extract") || load {
                    let out = if load { quads_file.clone() } else { PathBuf::from("/dev/null") };
                    let child =
                        run(kgraph(root).args(["extract", "--jobs", &n.to_string()]).arg(path), Some(&out))?;
                    rows.push(row(size, input, "extract", n, bytes, &child)?);
                    eprintln!("{}", line(rows.last().unwrap()));
                }
                if !wants("build") {
                    continue;
                }
                let store = dir.join("store");
                let _ = fs::remove_dir_all(&store);
                let child = run(
                    kgraph(root).arg("--store").arg(&store).args(["build", "--jobs", &n.to_string()]).arg(path),
                    None,
                )?;
                rows.push(row(size, input, "build", n, bytes, &child)?);
                eprintln!("{}", line(rows.last().unwrap()));
                if input == "txt" && jobs == 0 && size <= 100 {
                    let kept = dir.join(format!("store-{size}mb"));
                    let _ = fs::remove_dir_all(&kept);
                    fs::rename(&store, &kept)?;
                    query_store = Some((size, kept));
                } else {
                    fs::remove_dir_all(&store)?;
                }
            }
        }
        if quads_file.is_file() {
            let quads = count_lines(&quads_file)?;
            let nq_bytes = fs::metadata(&quads_file)?.len();
            let store = dir.join("store");
            let _ = fs::remove_dir_all(&store);
            let child = run(kgraph(root).arg("--store").arg(&store).arg("load").arg(&quads_file), None)?;
            rows.push(Row { quads: Some(quads), ..timed(size, "nquads", "load", cores, nq_bytes, &child) });
            eprintln!("{}", line(rows.last().unwrap()));
            fs::remove_dir_all(&store)?;
            let me = std::env::current_exe()?;
            let child = run(Command::new(me).arg("--oxigraph-load").arg(&quads_file).arg(&store), None)?;
            rows.push(Row { quads: Some(quads), ..timed(size, "nquads", "oxigraph bulk", cores, nq_bytes, &child) });
            eprintln!("{}", line(rows.last().unwrap()));
            fs::remove_dir_all(&store)?;
            fs::remove_file(&quads_file)?;
        }
    }
    if options.generate_only {
        return Ok(());
    }

    let mut report = String::new();
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned()))
        .unwrap_or_else(|| "unknown CPU".into());
    let _ = writeln!(report, "kgraph {} on {cores} cores ({cpu}), corpus seed {}\n", env!("CARGO_PKG_VERSION"), options.seed);
    let _ = writeln!(
        report,
        "| size | input | command | jobs | seconds | CPU s | MB/s | MB/CPU-s | sentences/s | statements/s | quads/s | peak RSS MB |"
    );
    let _ = writeln!(report, "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        let _ = writeln!(report, "{}", line(r));
    }
    let on_store = ["queries", "dot", "serve"];
    let wants_on_store = |what: &str| wants(what) || !on_store.iter().any(|c| wants(c));
    if let Some((size, store)) = query_store {
        let (quads, statements) = store_size(&store)?;
        let _ = writeln!(
            report,
            "\nThe store built from {size} MB holds {quads} quads for {statements} statements: {:.1} quads per statement.",
            quads as f64 / statements.max(1) as f64
        );
        if wants_on_store("queries") {
            let _ = writeln!(report, "\nQueries on the store built from {size} MB (median of 5 runs, or one run when it takes over a second; results read to the end as TSV or Turtle):\n");
            let _ = writeln!(report, "| query | rows | ms |");
            let _ = writeln!(report, "|---|---:|---:|");
            for (name, rows, ms) in queries(root, &store)? {
                if ms.is_finite() {
                    let _ = writeln!(report, "| {name} | {rows} | {ms:.1} |");
                } else {
                    let _ = writeln!(report, "| {name} | | cancelled after {} s |", QUERY_TIMEOUT.as_secs());
                }
            }
        }
        if wants_on_store("dot") {
            let svg = dir.join("dot.out");
            let child = run(
                kgraph(root).arg("--store").arg(&store).args(["dot", "--max-nodes", "500"]),
                Some(&svg),
            )?;
            let _ = writeln!(
                report,
                "\n`kgraph dot --max-nodes 500` on that store: {:.2} s, peak RSS {} MB",
                child.elapsed.as_secs_f64(),
                child.peak_rss_kb / 1024
            );
            let _ = fs::remove_file(svg);
        }
        if wants_on_store("serve") {
            match serve_load(root, &store) {
                Ok(table) => report.push_str(&table),
                Err(e) => {
                    let _ = writeln!(report, "\n`kgraph serve` load test not run: {e}");
                }
            }
        }
    }
    print!("{report}");
    fs::write(dir.join("report.md"), &report)?;
    Ok(())
}

/// The release binary, quiet about progress (its summary line still comes on standard error).
fn kgraph(root: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kgraph"));
    cmd.current_dir(root).env_remove("KGRAPH_STORE").env_remove("KGRAPH_ONTOLOGY").env_remove("KGRAPH_BASE");
    cmd
}

/// Runs `cmd` to the end, its standard output to `out` (or nowhere), and measures it.
fn run(cmd: &mut Command, out: Option<&Path>) -> Result<Child> {
    let stderr_file = tempfile::NamedTempFile::new()?;
    let stdout = match out {
        Some(p) => Stdio::from(File::create(p).with_context(|| p.display().to_string())?),
        None => Stdio::null(),
    };
    let started = Instant::now();
    let child = cmd.stdin(Stdio::null()).stdout(stdout).stderr(stderr_file.reopen()?).spawn()?;
    let (status, peak_rss_kb, cpu_seconds) = wait(child.id())?;
    let elapsed = started.elapsed();
    let stderr = fs::read_to_string(stderr_file.path())?;
    if status != 0 {
        bail!("{cmd:?} exited with status {status}:\n{stderr}");
    }
    Ok(Child { elapsed, cpu_seconds, peak_rss_kb, stderr })
}

/// Waits for process `pid`; its exit status, peak resident set size in KB and CPU seconds.
fn wait(pid: u32) -> Result<(i32, u64, f64)> {
    let mut status = 0;
    // SAFETY: `rusage` is plain data that wait4 fills; the pid is our own child's.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    if r < 0 {
        bail!("wait4: {}", std::io::Error::last_os_error());
    }
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { 128 + libc::WTERMSIG(status) };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Ok((code, usage.ru_maxrss as u64, seconds(usage.ru_utime) + seconds(usage.ru_stime)))
}

/// A row from a child's summary line ("… 12 sentences, 34 statements, … 56 quads in …").
fn row(size_mb: u64, input: &'static str, command: &str, jobs: usize, bytes: u64, child: &Child) -> Result<Row> {
    let re = regex::Regex::new(r"(\d+) sentences, (\d+) statements, (?:\d+ entities, )?(\d+) quads in").unwrap();
    let caps = re.captures(&child.stderr).with_context(|| format!("no summary in: {}", child.stderr))?;
    let n = |i: usize| caps[i].parse::<u64>().ok();
    Ok(Row { sentences: n(1), statements: n(2), quads: n(3), ..timed(size_mb, input, command, jobs, bytes, child) })
}

/// A row with the time and memory only.
fn timed(size_mb: u64, input: &'static str, command: &str, jobs: usize, bytes: u64, child: &Child) -> Row {
    Row {
        size_mb,
        input,
        command: command.into(),
        jobs,
        seconds: child.elapsed.as_secs_f64(),
        bytes,
        sentences: None,
        statements: None,
        quads: None,
        peak_rss_kb: child.peak_rss_kb,
        cpu_seconds: child.cpu_seconds,
    }
}

/// One table row.
fn line(r: &Row) -> String {
    let rate = |n: Option<u64>| n.map_or_else(|| "".into(), |n| format!("{:.0}", n as f64 / r.seconds));
    let mbs = r.bytes as f64 / 1_048_576.0 / r.seconds;
    format!(
        "| {} MB | {} | {} | {} | {:.2} | {:.2} | {:.1} | {:.1} | {} | {} | {} | {} |",
        r.size_mb,
        r.input,
        r.command,
        r.jobs,
        r.seconds,
        r.cpu_seconds,
        mbs,
        // Per core: what one core does in a second, whatever threads the work was spread over.
        r.bytes as f64 / 1_048_576.0 / r.cpu_seconds.max(1e-3),
        rate(r.sentences),
        rate(r.statements),
        rate(r.quads),
        r.peak_rss_kb / 1024
    )
}

/// Every `queries/*.rq` on the store: name, rows, median milliseconds of 5 runs.
fn queries(root: &Path, store: &Path) -> Result<Vec<(String, usize, f64)>> {
    use kgraph::output::query::{self, QueryOptions};
    let kg = kgraph::store::KgStore::open_read_only(store)?;
    let vocab = kgraph::graph::Vocab::new(kgraph::graph::vocab::DEFAULT_BASE)?;
    let mut files: Vec<PathBuf> =
        fs::read_dir(root.join("queries"))?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    files.retain(|f| f.extension().is_some_and(|e| e == "rq"));
    files.sort();
    // Results are written as TSV to nowhere: every row is read and formatted. A query over a
    // second runs once, and one over a minute is cancelled (reported as such).
    let options = QueryOptions { timeout: Some(QUERY_TIMEOUT), ..QueryOptions::default() };
    let mut out = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file)?;
        let name = file.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..5 {
            let started = Instant::now();
            let outcome = query::run(kg.store(), query::prepare(&text, None)?, &options, &vocab, &mut std::io::sink());
            let elapsed = started.elapsed();
            match outcome {
                Ok(o) => rows = o.rows,
                Err(_) if elapsed >= QUERY_TIMEOUT => {
                    times.push(f64::INFINITY);
                    break;
                }
                Err(e) => return Err(e.into()),
            }
            times.push(elapsed.as_secs_f64() * 1000.0);
            if elapsed > Duration::from_secs(1) {
                break;
            }
        }
        times.sort_by(f64::total_cmp);
        let ms = times[times.len() / 2];
        eprintln!("  {name}: {rows} rows, {ms:.1} ms");
        out.push((name, rows, ms));
    }
    Ok(out)
}

/// Quads in the store, and statements (evidence records, `kg:fact` quads).
fn store_size(store: &Path) -> Result<(usize, usize)> {
    let kg = kgraph::store::KgStore::open_read_only(store)?;
    let vocab = kgraph::graph::Vocab::new(kgraph::graph::vocab::DEFAULT_BASE)?;
    let fact = vocab.term("fact");
    let statements = kg.store().quads_for_pattern(None, Some(fact.as_ref()), None, None).count();
    Ok((kg.len()?, statements))
}

/// The reference: Oxigraph's bulk loader alone on an N-Quads file, into a new store.
fn oxigraph_load(file: &Path, store: &Path) -> Result<()> {
    let store = oxigraph::store::Store::open(store)?;
    let input = std::io::BufReader::new(File::open(file)?);
    let mut loader = store.bulk_loader();
    loader.load_from_reader(oxigraph::io::RdfFormat::NQuads, input)?;
    loader.commit()?;
    Ok(())
}

fn folder_size(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() { folder_size(&entry.path())? } else { meta.len() };
    }
    Ok(total)
}

fn count_lines(file: &Path) -> Result<u64> {
    use std::io::Read;
    let mut f = File::open(file)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            return Ok(n);
        }
        n += buf[..k].iter().filter(|&&b| b == b'\n').count() as u64;
    }
}

/// How long each `wrk` run lasts.
const LOAD_SECONDS: u32 = 20;

/// `kgraph serve` on `store` under `wrk`: a Markdown table of requests per second, latencies
/// and the server's memory.
fn serve_load(root: &Path, store: &Path) -> Result<String> {
    use std::io::{BufRead, BufReader};
    if Command::new("wrk").arg("--version").output().is_err() {
        bail!("wrk is not installed (apt-get install wrk)");
    }
    let started = Instant::now();
    let mut server = kgraph(root)
        .arg("--store")
        .arg(store)
        .args(["serve", "--bind", "127.0.0.1:0", "--quiet", "--max-concurrent", "16"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut url = String::new();
    BufReader::new(server.stdout.take().context("no stdout")?).read_line(&mut url)?;
    let url = url.trim().to_owned();
    let ready = started.elapsed();
    let result = (|| -> Result<String> {
        if !url.starts_with("http://") {
            bail!("kgraph serve did not start: {url:?}");
        }
        let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
        let enc = |s: &str| -> String { url_encode(s) };
        // The most connected entity: a hub whose neighbours the page would expand.
        let hub_query = "SELECT ?e (COUNT(*) AS ?n) WHERE { ?e ?p ?o \
            FILTER(isIRI(?o) && ?p != <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> && ?p != <http://www.w3.org/2002/07/owl#sameAs>) } \
            GROUP BY ?e ORDER BY DESC(?n) LIMIT 1";
        let mut response = agent
            .get(&format!("{url}sparql?query={}", enc(hub_query)))
            .header("Accept", "text/tab-separated-values")
            .call()?;
        let tsv = response.body_mut().read_to_string()?;
        let hub = tsv.lines().nth(1).and_then(|l| l.split('\t').next()).map(|t| t.trim_matches(['<', '>']).to_owned());
        let hub = hub.filter(|h| !h.is_empty()).context("no entity with facts in the store")?;
        let targets = [
            ("/sparql (100 labels)", format!("{url}sparql?query={}", enc("SELECT ?e ?label WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 100"))),
            ("/api/search?q=pres", format!("{url}api/search?q=pres")),
            ("/api/neighbours (the hub)", format!("{url}api/neighbours?entity={}", enc(&hub))),
        ];
        let mut table = format!(
            "\n`kgraph serve` on that store (ready in {:.1} s; hub {hub}), `wrk --latency -d{LOAD_SECONDS}s` with one \
             connection (one user) and with eight on two threads:\n\n\
             | endpoint | connections | requests/s | median ms | p99 ms | errors | server RSS MB before → after |\n\
             |---|---:|---:|---:|---:|---:|---|\n",
            ready.as_secs_f64()
        );
        for (name, target) in &targets {
            for (threads, connections) in [(1, 1), (2, 8)] {
                let before = rss_mb(server.id());
                let out = Command::new("wrk")
                    .args([
                        &format!("-t{threads}"),
                        &format!("-c{connections}"),
                        &format!("-d{LOAD_SECONDS}s"),
                        "--latency",
                        target.as_str(),
                    ])
                    .output()?;
                let text = String::from_utf8_lossy(&out.stdout).into_owned();
                let after = rss_mb(server.id());
                let field = |prefix: &str| -> String {
                    text.lines().find_map(|l| l.trim().strip_prefix(prefix).map(|r| r.trim().to_owned())).unwrap_or_default()
                };
                let errors = text
                    .lines()
                    .find(|l| l.contains("Non-2xx") || l.contains("Socket errors"))
                    .map_or("0".to_owned(), |l| l.trim().to_owned());
                eprintln!("  {name}, {connections} connections: {} requests/s, p50 {}, p99 {}", field("Requests/sec:"), field("50%"), field("99%"));
                let _ = writeln!(
                    table,
                    "| {name} | {connections} | {} | {} | {} | {errors} | {before} → {after} |",
                    field("Requests/sec:"),
                    ms(&field("50%")),
                    ms(&field("99%"))
                );
            }
        }
        Ok(table)
    })();
    // SAFETY: kill(2) on our own child, which has not been waited for.
    unsafe {
        libc::kill(server.id() as libc::pid_t, libc::SIGTERM);
    }
    let _ = server.wait();
    result
}

/// `wrk`'s latency ("1.23ms", "456.00us", "1.02s") in milliseconds.
fn ms(text: &str) -> String {
    let value = |suffix: &str| text.strip_suffix(suffix).and_then(|v| v.parse::<f64>().ok());
    match (value("us"), value("ms"), value("s")) {
        (Some(us), _, _) => format!("{:.2}", us / 1000.0),
        (_, Some(ms), _) => format!("{ms:.2}"),
        (_, _, Some(s)) => format!("{:.0}", s * 1000.0),
        _ => text.to_owned(),
    }
}

/// A process's resident memory in MB, from /proc.
fn rss_mb(pid: u32) -> String {
    fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok()))
        .map_or_else(|| "?".to_owned(), |kb| (kb / 1024).to_string())
}

fn url_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
