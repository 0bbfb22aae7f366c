//! Library errors: I/O versus content problems, each naming the file and where.

use std::path::PathBuf;

/// Everything the library can fail with. Each variant names the file (or store) concerned.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The operating system refused to read or write a file.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A document that is not valid UTF-8; `offset` is the byte offset of the first bad byte.
    #[error("{path}: invalid UTF-8 at byte offset {offset} (use --lossy to replace bad bytes)")]
    InvalidUtf8 {
        /// The file concerned.
        path: PathBuf,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// A file that looks binary (NUL bytes or mostly control characters).
    #[error("{path}: looks like a binary file, not text")]
    Binary {
        /// The file concerned.
        path: PathBuf,
    },
    /// A file with nothing to read.
    #[error("{path}: empty document")]
    Empty {
        /// The file concerned.
        path: PathBuf,
    },
    /// A file whose extension names no format kgraph reads.
    #[error("{path}: unsupported file type (kgraph reads .txt, .md, .html, .htm, .jsonl)")]
    Unsupported {
        /// The file concerned.
        path: PathBuf,
    },
    /// A document larger than the configured limit.
    #[error("{path}: document is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// The file concerned.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
        /// The configured limit.
        limit: u64,
    },
    /// Malformed content at a known place, e.g. a JSON Lines record or a lexicon row.
    #[error("{path}:{line}: {message}")]
    Syntax {
        /// The file concerned.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong there.
        message: String,
    },
    /// The store is opened by another process.
    #[error("store {path} is in use by another kgraph process{}", pid.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    StoreLocked {
        /// The store directory.
        path: PathBuf,
        /// The process holding it, when known.
        pid: Option<u32>,
    },
    /// A reader (`query`, `export`, `stats`) found the store held by a writer. Oxigraph 0.5 has
    /// no secondary (follower) opening, and opening RocksDB read-only while another process
    /// writes is undefined behaviour, so readers wait for the writer to finish.
    #[error("store {path} is in use by another kgraph process{} that is writing it; Oxigraph cannot read a store while another process writes to it, so try again when that process has finished", pid.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    StoreBeingWritten {
        /// The store directory.
        path: PathBuf,
        /// The writing process, when known.
        pid: Option<u32>,
    },
    /// Invalid UTF-8 was replaced with U+FFFD (`--lossy`): a warning, the document is read.
    #[error("{path}: invalid UTF-8 at byte offset {offset} replaced with U+FFFD ({count} bad sequence{})", if *count == 1 { "" } else { "s" })]
    Replaced {
        /// The file concerned.
        path: PathBuf,
        /// Byte offset of the first invalid byte.
        offset: usize,
        /// How many invalid sequences were replaced.
        count: usize,
    },
    /// An error from the Oxigraph store.
    #[error("store: {0}")]
    Storage(#[from] oxigraph::store::StorageError),
    /// A SPARQL query that failed to parse or evaluate.
    #[error("{0}")]
    Query(String),
    /// A remote server answered a request with an error status; `body` is what it said.
    #[error("{method} {url}: HTTP {status}{}", if body.is_empty() { String::new() } else { format!("\n{body}") })]
    Http {
        /// The request method.
        method: String,
        /// The request URL.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The start of the answer's body.
        body: String,
    },
    /// A remote server could not be reached, or did not answer in time.
    #[error("{url}: {message}")]
    Network {
        /// The request URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// Any other invalid argument or state, explained.
    #[error("{0}")]
    Invalid(String),
}

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}
