//! Files → documents: [`read`] turns paths into [`Document`]s, [`clean`] finds the article
//! body among page boilerplate, [`segment`] splits the body into [`Sentence`]s.

pub mod clean;
pub mod read;
pub mod segment;

use std::ops::Range;

pub use clean::{clean, is_stopword, Body, Dropped};
pub use read::{read_paths, ReadOptions, Source};
pub use segment::{segment, Sentence};

/// One article: its text and what is known about it.
///
/// All offsets kgraph records are into `text`: for plain text and Markdown that is the file
/// itself, for HTML the text of the markup (script, style and navigation dropped), for JSON
/// Lines the `text` field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    /// Stable identifier: the file stem, or the JSON Lines `id`.
    pub id: String,
    /// The headline, when the source gives one or the text starts with one.
    pub title: Option<String>,
    /// Publication date, given or found in the text.
    pub date: Option<chrono::NaiveDate>,
    /// Where it came from: a path or URL.
    pub source: String,
    /// The text.
    pub text: String,
    /// Byte ranges of `text` that were hyperlinks in the source (a boilerplate signal).
    pub links: Vec<Range<usize>>,
    /// How many bytes of input it was read from (its file, or its JSON line), for progress
    /// reports; 0 when not read from a source.
    pub input_bytes: u64,
}
