//! Document identifiers → removed from the store, each in one transaction with the facts only it
//! supported, the summary adjusted (`kgraph remove`).

use crate::graph::Vocab;
use crate::store::{KgStore, SummaryLedger};
use crate::Result;

/// What a [`remove`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RemoveSummary {
    /// Identifiers whose document was removed, in the order given.
    pub removed: Vec<String>,
    /// Identifiers the store holds no document for.
    pub missing: Vec<String>,
}

/// Removes the documents with these identifiers (file stems, as in `dcterms:identifier`), one
/// transaction each (see [`KgStore::remove_document`]), then writes the summary. An identifier given twice is removed
/// once; one the store does not hold is reported as missing, and the others are still removed.
pub fn remove(kg: &KgStore, vocab: &Vocab, ids: &[String]) -> Result<RemoveSummary> {
    let mut summary = RemoveSummary::default();
    // One run: the summary is written once, after the last removal.
    let mut ledger = SummaryLedger::begin(kg, vocab)?;
    for id in ids {
        if summary.removed.contains(id) {
            continue;
        }
        if kg.remove_in(vocab, vocab.document(id).as_ref(), &mut ledger)? {
            summary.removed.push(id.clone());
        } else if !summary.missing.contains(id) {
            summary.missing.push(id.clone());
        }
    }
    ledger.finish(kg)?;
    Ok(summary)
}
