//! Paths → the store: the pipeline on all cores, documents written in source order in batches,
//! the summary kept up to date (`kgraph build`).

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::path::PathBuf;

use super::{BuildOptions, Counts, Event, Identifiers};
use crate::extract::Class;
use crate::parallel::Step;
use crate::pipeline::{Pipeline, Processed};
use crate::store::{DocumentQuads, KgStore, SummaryLedger};
use crate::Result;

/// What a [`build`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct BuildSummary {
    /// The documents loaded, skipped and failed, and what they held.
    #[serde(flatten)]
    pub counts: Counts,
    /// Distinct entities across the documents loaded.
    pub entities: usize,
}

/// Reads every document under `paths`, runs `pipeline` on them in parallel and replaces each
/// document's named graph in `store`, in the sorted order of the sources whatever the number of
/// threads. A bad input is reported through `on_event` and skipped; only a store failure stops
/// the build (and is returned). Two documents with the same identifier in one run: the first is
/// kept, the second fails, since they would share a graph.
///
/// Reading, processing and writing overlap (see [`crate::parallel`]); graphs are written in
/// batches of about [`BuildOptions::batch_quads`] quads with [`KgStore::write_batch`] on a
/// writer thread, and [`Event::Loaded`] is reported once a document's batch is stored; the
/// summary is written once all are (see [`SummaryLedger`]).
pub fn build(
    store: &KgStore,
    pipeline: &Pipeline,
    paths: &[PathBuf],
    options: &BuildOptions,
    mut on_event: impl FnMut(Event<'_>),
) -> Result<BuildSummary> {
    let mut summary = BuildSummary::default();
    let mut entities: HashSet<(Class, String)> = HashSet::new();
    let mut ids = Identifiers::default();
    let mut batch: Vec<Processed> = Vec::new();
    let mut batch_quads = 0;
    let mut fatal = None;
    // The run's counts, written to the summary once every batch is in.
    let mut ledger = SummaryLedger::begin(store, pipeline.vocab())?;
    // A writer thread loads one batch while the next is gathered (and its documents processed);
    // at most one more batch waits for it, so memory holds three batches at most.
    std::thread::scope(|scope| {
        let (to_writer, batches) = std::sync::mpsc::sync_channel::<Vec<Processed>>(1);
        let (written_tx, written) = std::sync::mpsc::channel::<Result<Vec<Processed>>>();
        let writer = std::thread::Builder::new()
            .name("kgraph-writer".into())
            .spawn_scoped(scope, move || -> Result<()> {
                for batch in batches {
                    let documents: Vec<DocumentQuads<'_>> = batch
                        .iter()
                        .map(|p| DocumentQuads { graph: p.graph.as_ref(), quads: &p.quads, facts: &p.facts })
                        .collect();
                    let result = store.write_batch(pipeline.vocab(), &documents, Some(&mut ledger)).map(|()| batch);
                    // After a failed write nothing more is written, so the store holds a
                    // prefix of the corpus in input order (and the summary stays pending).
                    let failed = result.is_err();
                    if written_tx.send(result).is_err() || failed {
                        return Ok(());
                    }
                }
                ledger.finish(store)
            })
            .expect("cannot start the writer thread");
        // Reports the batches written so far (all of them when `wait`), in order.
        let mut report = |summary: &mut BuildSummary, on_event: &mut dyn FnMut(Event<'_>), wait: bool| -> Result<()> {
            loop {
                let next = if wait { written.recv().ok() } else { written.try_recv().ok() };
                let Some(result) = next else { return Ok(()) };
                for p in result? {
                    summary.counts.loaded(&p);
                    entities.extend(p.extraction.entities.keys().cloned());
                    on_event(Event::Loaded(&p));
                }
            }
        };
        crate::parallel::process_in_order(pipeline, paths, &options.read, options.jobs, |step| {
            match step {
                Step::Reading(reading) => on_event(Event::Reading(reading)),
                Step::Document(Ok(p)) => {
                    if let Err(e) = ids.take(&p) {
                        summary.counts.failed += 1;
                        on_event(Event::Failed(&e));
                        return ControlFlow::Continue(());
                    }
                    batch_quads += p.quads.len() + p.facts.len();
                    batch.push(p);
                    if batch_quads >= options.batch_quads() {
                        batch_quads = 0;
                        let full = std::mem::take(&mut batch);
                        if let Err(e) = report(&mut summary, &mut on_event, false) {
                            fatal = Some(e);
                            return ControlFlow::Break(());
                        }
                        if to_writer.send(full).is_err() {
                            // The writer stopped: its error is reported below.
                            return ControlFlow::Break(());
                        }
                    }
                }
                Step::Document(Err(e)) => on_event(summary.counts.not_loaded(&e)),
            }
            ControlFlow::Continue(())
        });
        if fatal.is_none() && !batch.is_empty() {
            let _ = to_writer.send(std::mem::take(&mut batch));
        }
        drop(to_writer);
        if let Err(e) = report(&mut summary, &mut on_event, true) {
            fatal.get_or_insert(e);
        }
        match writer.join() {
            Ok(Err(e)) => {
                fatal.get_or_insert(e);
            }
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(Ok(())) => {}
        }
    });
    if let Some(e) = fatal {
        return Err(e);
    }
    summary.entities = entities.len();
    Ok(summary)
}

