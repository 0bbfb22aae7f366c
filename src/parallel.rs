//! Paths → processed documents, in source order: one thread reads, `jobs` threads run the
//! [`Pipeline`], and the caller's thread receives every result in the order the documents were
//! read, while the next ones are still being read and processed.
//!
//! The three stages overlap, so a build is as fast as its slowest stage rather than the sum of
//! them; and at most a fixed window of documents is in flight (read but not yet consumed), so
//! memory does not grow with the corpus, whatever its size or the speed of the consumer. The
//! order of results never depends on the number of threads: that is what makes `--jobs 1` and
//! `--jobs 8` write the same bytes.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};

use crate::document::read::{self, ReadOptions, Source};
use crate::document::Document;
use crate::pipeline::{Pipeline, Processed};
use crate::Result;

/// Reading source `index` (from 0) of `total` begins: where a run's progress stands.
#[derive(Clone, Copy, Debug)]
pub struct Reading<'a> {
    /// The source.
    pub source: &'a Source,
    /// Its position among the sources.
    pub index: usize,
    /// How many sources there are.
    pub total: usize,
    /// The size of the sources before this one, in bytes.
    pub offset: u64,
    /// The size of all the sources, in bytes (standard input counts 0).
    pub total_bytes: u64,
}

/// What the consumer of [`process_in_order`] receives, in source order: `T` is a processed
/// document, or what [`process_in_order_with`]'s `finish` made of it.
#[derive(Debug)]
pub enum Step<'a, T = Processed> {
    /// A source begins; its documents follow.
    Reading(Reading<'a>),
    /// One document, processed, or why it could not be read or processed.
    Document(Result<T>),
}

/// The number of worker threads `jobs` stands for: itself, or one per core for 0.
pub fn threads(jobs: usize) -> usize {
    if jobs > 0 {
        jobs
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// Reads every document under `paths` (see [`read::expand`]), processes each with `pipeline`
/// on `jobs` threads (0: one per core) and hands the results to `consume` in source order.
/// Errors finding the sources come first. `consume` may stop the run by returning
/// [`ControlFlow::Break`]; documents already read are then dropped unprocessed.
pub fn process_in_order(
    pipeline: &Pipeline,
    paths: &[PathBuf],
    read_options: &ReadOptions,
    jobs: usize,
    consume: impl FnMut(Step<'_>) -> ControlFlow<()>,
) {
    process_in_order_with(pipeline, paths, read_options, jobs, Ok, consume)
}

/// [`process_in_order`], with `finish` run on each processed document in the worker that
/// processed it, in parallel: work whose result must come in order but whose doing need not
/// (serialising a document, say) then leaves the consumer's thread.
pub fn process_in_order_with<T: Send>(
    pipeline: &Pipeline,
    paths: &[PathBuf],
    read_options: &ReadOptions,
    jobs: usize,
    finish: impl Fn(Processed) -> Result<T> + Sync,
    mut consume: impl FnMut(Step<'_, T>) -> ControlFlow<()>,
) {
    let (sources, errors) = read::expand(paths);
    for e in errors {
        if consume(Step::Document(Err(e))).is_break() {
            return;
        }
    }
    let jobs = threads(jobs);
    // Enough documents in flight to keep every worker busy while the consumer writes a batch.
    let window = jobs * 16;
    let stop = AtomicBool::new(false);
    let total = sources.len();
    let offsets: Vec<u64> = sources
        .iter()
        .scan(0u64, |sum, s| {
            let before = *sum;
            *sum += s.size();
            Some(before)
        })
        .collect();
    let total_bytes = sources.last().map_or(0, |s| offsets[offsets.len() - 1] + s.size());

    enum Work {
        Reading(usize),
        Document(Result<Document>),
    }
    enum Done<T> {
        Reading(usize),
        Document(Result<T>),
    }

    // Tokens bound the documents in flight: the reader takes one per item, the consumer gives it
    // back once the item is consumed. So the work queue never holds more than `window` items,
    // and the reorder buffer neither.
    let (token_tx, token_rx) = mpsc::sync_channel::<()>(window);
    for _ in 0..window {
        token_tx.send(()).expect("the receiver is alive");
    }
    let (work_tx, work_rx) = mpsc::channel::<(u64, Work)>();
    let (done_tx, done_rx) = mpsc::channel::<(u64, Done<T>)>();
    let work_rx = Mutex::new(work_rx);

    std::thread::scope(|scope| {
        let (stop, sources, work_rx, finish) = (&stop, &sources, &work_rx, &finish);

        std::thread::Builder::new()
            .name("kgraph-reader".into())
            .spawn_scoped(scope, move || {
                let mut seq = 0u64;
                let mut send = |work: Work| -> bool {
                    if token_rx.recv().is_err() || stop.load(Ordering::Relaxed) {
                        return false;
                    }
                    seq += 1;
                    work_tx.send((seq - 1, work)).is_ok()
                };
                for (index, source) in sources.iter().enumerate() {
                    if !send(Work::Reading(index)) {
                        return;
                    }
                    let mut going = true;
                    read::read_source(source, read_options, &mut |doc| {
                        going = going && send(Work::Document(doc));
                    });
                    if !going {
                        return;
                    }
                }
            })
            .expect("cannot start the reader thread");

        for i in 0..jobs {
            let done_tx = done_tx.clone();
            std::thread::Builder::new()
                .name(format!("kgraph-worker-{i}"))
                .spawn_scoped(scope, move || loop {
                    // The lock is held only to take the next item, not while processing it.
                    let next = work_rx.lock().map_or(Err(mpsc::RecvError), |rx| rx.recv());
                    let Ok((seq, work)) = next else { return };
                    let done = match work {
                        Work::Reading(index) => Done::Reading(index),
                        Work::Document(_) if stop.load(Ordering::Relaxed) => return,
                        Work::Document(doc) => Done::Document(doc.and_then(|d| pipeline.process_guarded(d)).and_then(finish)),
                    };
                    if done_tx.send((seq, done)).is_err() {
                        return;
                    }
                })
                .expect("cannot start a worker thread");
        }
        drop(done_tx);

        let mut pending: BTreeMap<u64, Done<T>> = BTreeMap::new();
        let mut next = 0u64;
        'consume: while let Ok((seq, done)) = done_rx.recv() {
            pending.insert(seq, done);
            while let Some(done) = pending.remove(&next) {
                next += 1;
                let _ = token_tx.send(());
                let step = match done {
                    Done::Reading(index) => {
                        Step::Reading(Reading { source: &sources[index], index, total, offset: offsets[index], total_bytes })
                    }
                    Done::Document(result) => Step::Document(result),
                };
                if consume(step).is_break() {
                    stop.store(true, Ordering::Relaxed);
                    break 'consume;
                }
            }
        }
        // Unblocks the reader (no more tokens) and the workers (no one to send to).
        drop(token_tx);
        drop(done_rx);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::LexiconBuilder;
    use crate::pipeline::PipelineBuilder;
    use std::sync::Arc;

    fn corpus(n: usize) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..n {
            let text = format!("Report {i}\n\nRussia brokered a deal between Armenia and Azerbaijan on day {i}.\n");
            std::fs::write(dir.path().join(format!("d{i:03}.txt")), text).unwrap();
        }
        std::fs::write(dir.path().join("empty.txt"), "").unwrap();
        dir
    }

    fn run(dir: &std::path::Path, jobs: usize, stop_after: Option<usize>) -> Vec<String> {
        let pipeline = PipelineBuilder::default().build(Arc::new(LexiconBuilder::new().build().unwrap()));
        let mut seen = Vec::new();
        process_in_order(&pipeline, &[dir.to_owned()], &ReadOptions::default(), jobs, |step| {
            seen.push(match step {
                Step::Reading(Reading { index, total, .. }) => format!("reading {index}/{total}"),
                Step::Document(Ok(p)) => format!("{} {}", p.document.id, p.quads.len()),
                Step::Document(Err(e)) => format!("error {e}"),
            });
            if stop_after.is_some_and(|n| seen.len() >= n) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        seen
    }

    #[test]
    fn results_come_in_source_order_whatever_the_threads() {
        let dir = corpus(40);
        let one = run(dir.path(), 1, None);
        assert_eq!(one.len(), 82, "{one:?}");
        assert_eq!(one[0], "reading 0/41");
        assert!(one[1].starts_with("d000 "), "{one:?}");
        assert!(one.iter().any(|s| s.starts_with("error ")), "the empty file is reported");
        for jobs in [2, 3, 8] {
            assert_eq!(run(dir.path(), jobs, None), one, "jobs {jobs}");
        }
    }

    #[test]
    fn the_consumer_can_stop_the_run() {
        let dir = corpus(200);
        let seen = run(dir.path(), 2, Some(5));
        assert_eq!(seen.len(), 5);
    }
}
