//! Paths → [`Document`]s: plain text, Markdown, HTML and JSON Lines, folders recursively,
//! `-` for standard input. A bad file is an error for that file alone; reading goes on.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::Document;
use crate::{Error, Result};

/// How documents are read.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Replace invalid UTF-8 with U+FFFD instead of refusing the file.
    pub lossy: bool,
    /// Refuse documents larger than this many bytes.
    pub max_document_bytes: u64,
    /// Publication date to use for documents that carry none.
    pub date: Option<chrono::NaiveDate>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self { lossy: false, max_document_bytes: 64 << 20, date: None }
    }
}

/// A place to read documents from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// A file on disk.
    File(PathBuf),
    /// Standard input, read as JSON Lines when it starts with `{`, else as one text document.
    Stdin,
}

impl Source {
    /// The name used in messages.
    pub fn display(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Stdin => "<stdin>".into(),
        }
    }
}

/// Expands paths (files, folders recursively, `-`) into a sorted, de-duplicated list of sources.
/// Unreadable folders and missing paths come back as errors beside the sources found.
pub fn expand(paths: &[PathBuf]) -> (Vec<Source>, Vec<Error>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Source::Stdin);
        } else {
            walk(p, true, &mut out, &mut errors);
        }
    }
    out.sort();
    out.dedup();
    (out, errors)
}

fn walk(path: &Path, explicit: bool, out: &mut Vec<Source>, errors: &mut Vec<Error>) {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return errors.push(Error::io(path, e)),
    };
    if meta.is_dir() {
        let entries = match fs::read_dir(path) {
            Ok(e) => e,
            Err(e) => return errors.push(Error::io(path, e)),
        };
        for entry in entries {
            match entry {
                Ok(entry) => {
                    let name = entry.file_name();
                    // Hidden files and folders (.git, editor swap files) are never articles.
                    if !name.to_string_lossy().starts_with('.') {
                        walk(&entry.path(), false, out, errors)
                    }
                }
                Err(e) => errors.push(Error::io(path, e)),
            }
        }
    } else if explicit || Format::of(path).is_some() {
        // Files named explicitly are always tried (and refused with a reason if unsupported);
        // files found in folders are taken only when their extension is one kgraph reads.
        out.push(Source::File(path.to_owned()));
    }
}

/// The formats kgraph reads, by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.txt`, `.md`, `.text`, `.markdown`.
    Text,
    /// `.html`, `.htm`, `.xhtml`.
    Html,
    /// `.jsonl`, `.ndjson`: one article a line.
    JsonLines,
}

impl Format {
    /// The format of a path, from its extension.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" | "md" | "markdown" => Some(Format::Text),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
        }
    }
}

/// Reads every document of every path, calling `f` with each document or error, in a stable
/// order (sources sorted, JSON Lines records in file order).
pub fn read_paths(paths: &[PathBuf], options: &ReadOptions, mut f: impl FnMut(Result<Document>)) {
    let (sources, errors) = expand(paths);
    for e in errors {
        f(Err(e));
    }
    for source in sources {
        read_source(&source, options, &mut f);
    }
}

/// Reads one source, calling `f` with each document or error it holds.
pub fn read_source(source: &Source, options: &ReadOptions, f: &mut dyn FnMut(Result<Document>)) {
    let (path, bytes, format) = match source {
        Source::Stdin => return read_stdin(std::io::stdin().lock(), options, f),
        Source::File(path) => {
            let Some(format) = Format::of(path) else {
                return f(Err(Error::Unsupported { path: path.clone() }));
            };
            match fs::metadata(path) {
                Ok(m) if format != Format::JsonLines && m.len() > options.max_document_bytes => {
                    return f(Err(Error::TooLarge {
                        path: path.clone(),
                        size: m.len(),
                        limit: options.max_document_bytes,
                    }))
                }
                Err(e) => return f(Err(Error::io(path, e))),
                _ => {}
            }
            match fs::read(path) {
                Ok(b) => (path.clone(), b, format),
                Err(e) => return f(Err(Error::io(path, e))),
            }
        }
    };
    match format {
        Format::JsonLines => read_json_lines(&path, &bytes, options, f),
        Format::Text | Format::Html => f(document_from_bytes(&path, &bytes, format, options)),
    }
}

/// Decodes bytes as UTF-8, refusing binary data; `--lossy` replaces invalid sequences.
pub fn decode(path: &Path, bytes: &[u8], lossy: bool) -> Result<String> {
    if looks_binary(bytes) {
        return Err(Error::Binary { path: path.to_owned() });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(_) if lossy => Ok(String::from_utf8_lossy(bytes).into_owned()),
        Err(e) => Err(Error::InvalidUtf8 {
            path: path.to_owned(),
            offset: e.valid_up_to() + usize::from(bytes.starts_with(b"\xEF\xBB\xBF")) * 3,
        }),
    }
}

/// Binary data: a NUL byte in the first 8 KiB, or mostly control bytes there.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let control = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count();
    !head.is_empty() && control * 10 > head.len()
}

fn stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "stdin".into())
}

fn document_from_bytes(path: &Path, bytes: &[u8], format: Format, options: &ReadOptions) -> Result<Document> {
    let raw = decode(path, bytes, options.lossy)?;
    if raw.trim().is_empty() {
        return Err(Error::Empty { path: path.to_owned() });
    }
    let mut doc = match format {
        Format::Html => html_to_document(&raw),
        _ => Document { text: raw, ..Document::default() },
    };
    doc.id = stem(path);
    doc.source = path.display().to_string();
    finish(&mut doc, options);
    if doc.text.trim().is_empty() {
        return Err(Error::Empty { path: path.to_owned() });
    }
    Ok(doc)
}

/// Fills what the text itself tells: Markdown link spans and the publication date.
fn finish(doc: &mut Document, options: &ReadOptions) {
    if doc.links.is_empty() {
        doc.links = markdown_links(&doc.text);
    }
    if doc.date.is_none() {
        doc.date = crate::extract::dates::publication_date(&doc.text).or(options.date);
    }
}

/// Byte ranges of Markdown links `[text](target)` and bare URLs: link-density evidence.
fn markdown_links(text: &str) -> Vec<std::ops::Range<usize>> {
    static LINK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\[[^\]\n]{0,300}\]\([^)\s]{0,500}\)|<?https?://[^\s>]+>?|\bwww\.[^\s]+").unwrap()
    });
    LINK.find_iter(text).map(|m| m.range()).collect()
}

#[derive(serde::Deserialize)]
struct JsonArticle {
    id: Option<serde_json::Value>,
    title: Option<String>,
    date: Option<String>,
    url: Option<String>,
    text: Option<String>,
    #[serde(alias = "body", alias = "content")]
    body: Option<String>,
}

fn read_json_lines(path: &Path, bytes: &[u8], options: &ReadOptions, f: &mut dyn FnMut(Result<Document>)) {
    let text = match decode(path, bytes, options.lossy) {
        Ok(t) => t,
        Err(e) => return f(Err(e)),
    };
    if text.trim().is_empty() {
        return f(Err(Error::Empty { path: path.to_owned() }));
    }
    for (i, line) in text.lines().enumerate() {
        if let Some(doc) = json_article(path, i + 1, line, options) {
            f(doc);
        }
    }
}

/// One JSON Lines record (line `number` of `path`) → a document, or an error naming the line;
/// `None` for a blank line.
fn json_article(path: &Path, number: usize, line: &str, options: &ReadOptions) -> Option<Result<Document>> {
    if line.trim().is_empty() {
        return None;
    }
    let syntax = |message: String| Some(Err(Error::Syntax { path: path.to_owned(), line: number, message }));
    let article: JsonArticle = match serde_json::from_str(line) {
        Ok(a) => a,
        Err(e) => return syntax(format!("not a JSON article: {e}")),
    };
    let Some(body) = article.text.or(article.body) else {
        return syntax("the article has no \"text\" field".into());
    };
    if body.len() as u64 > options.max_document_bytes {
        return syntax(format!("article text is {} bytes, over the limit of {}", body.len(), options.max_document_bytes));
    }
    if body.trim().is_empty() {
        return syntax("the article text is empty".into());
    }
    let id = match article.id {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => format!("{}-{}", stem(path), number),
    };
    let mut doc = Document {
        id,
        title: article.title.filter(|t| !t.trim().is_empty()),
        date: article.date.as_deref().and_then(crate::extract::dates::parse_date),
        source: article.url.unwrap_or_else(|| format!("{}:{}", path.display(), number)),
        text: body,
        links: Vec::new(),
    };
    finish(&mut doc, options);
    Some(Ok(doc))
}

/// Reads standard input as it comes: JSON Lines (the first non-blank byte is `{`) a line at a
/// time, each line handed on before the next is read, so memory does not grow with the stream;
/// anything else is one text (or, from `<`, HTML) document of at most `max_document_bytes`.
pub fn read_stdin(mut reader: impl std::io::BufRead, options: &ReadOptions, f: &mut dyn FnMut(Result<Document>)) {
    let path = Path::new("<stdin>");
    // The first non-blank byte, leaving it unread.
    let first = loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return f(Err(Error::io(path, e))),
        };
        if buf.is_empty() {
            break None;
        }
        let blank = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let found = buf.get(blank).copied();
        // Blank lines before the first record count for the line numbers.
        let newlines = buf[..blank].iter().filter(|&&b| b == b'\n').count();
        reader.consume(blank);
        if let Some(b) = found {
            break Some((b, newlines));
        }
    };
    let Some((first, skipped)) = first else {
        return f(Err(Error::Empty { path: path.to_owned() }));
    };
    if first != b'{' {
        let format = if first == b'<' { Format::Html } else { Format::Text };
        let limit = options.max_document_bytes;
        let mut bytes = Vec::new();
        if let Err(e) = reader.by_ref().take(limit.saturating_add(1)).read_to_end(&mut bytes) {
            return f(Err(Error::io(path, e)));
        }
        if bytes.len() as u64 > limit {
            // Count the rest without keeping it.
            let rest = std::io::copy(&mut reader, &mut std::io::sink()).unwrap_or(0);
            return f(Err(Error::TooLarge { path: path.to_owned(), size: bytes.len() as u64 + rest, limit }));
        }
        return f(document_from_bytes(path, &bytes, format, options));
    }
    // A record holds the text escaped (up to 6 bytes a byte as \uXXXX) and other fields.
    let cap = usize::try_from(options.max_document_bytes.saturating_mul(6).saturating_add(1 << 20)).unwrap_or(usize::MAX);
    let mut line = Vec::new();
    let mut number = skipped;
    loop {
        line.clear();
        number += 1;
        let mut whole = true;
        let mut consumed = 0usize;
        // Read one line, keeping at most `cap` bytes of it.
        loop {
            let buf = match reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return f(Err(Error::io(path, e))),
            };
            if buf.is_empty() {
                break;
            }
            let (n, done) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            if whole && line.len() + n <= cap {
                line.extend_from_slice(&buf[..n]);
            } else if whole {
                whole = false;
                line = Vec::new();
            }
            reader.consume(n);
            consumed += n;
            if done {
                break;
            }
        }
        if consumed == 0 {
            return;
        }
        let syntax = |message: String| Error::Syntax { path: path.to_owned(), line: number, message };
        if !whole {
            f(Err(syntax(format!("the line is {consumed} bytes, over the limit of {cap} (see --max-document-bytes)"))));
            continue;
        }
        let text = match decode(path, &line, options.lossy) {
            Ok(t) => t,
            Err(Error::InvalidUtf8 { offset, .. }) => {
                f(Err(syntax(format!("invalid UTF-8 at byte {offset} of the line (see --lossy)"))));
                continue;
            }
            Err(_) => {
                f(Err(syntax("binary data, not a JSON article".into())));
                continue;
            }
        };
        if let Some(doc) = json_article(path, number, text.trim_end_matches(['\n', '\r']), options) {
            f(doc);
        }
    }
}

/// Elements whose content is never article text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form",
    "iframe", "button", "select", "option", "menu",
];
/// Elements that start a new block (line) of text.
const BLOCKS: &[&str] = &[
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
    "br", "tr", "td", "th", "table", "blockquote", "figcaption", "figure", "pre", "dd", "dt", "hr",
];

/// HTML → text with one block per line, links recorded, title from `<title>` or `<h1>`.
pub fn html_to_document(html: &str) -> Document {
    use scraper::{Html, Node};
    let page = Html::parse_document(html);
    let mut text = String::new();
    let mut links = Vec::new();
    let mut title = None;
    // An explicit stack, not recursion: deeply nested markup must not exhaust the call stack.
    enum Step<'a> {
        Enter(ego_tree::NodeRef<'a, Node>),
        Leave(&'a str, usize),
    }
    let mut stack = vec![Step::Enter(page.tree.root())];
    while let Some(step) = stack.pop() {
        match step {
            Step::Enter(node) => match node.value() {
                Node::Text(t) => {
                    let t: &str = t;
                    let collapsed = t.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !collapsed.is_empty() {
                        if !text.is_empty() && !text.ends_with(['\n', ' ']) && t.starts_with(char::is_whitespace) {
                            text.push(' ');
                        }
                        text.push_str(&collapsed);
                        if t.ends_with(char::is_whitespace) {
                            text.push(' ');
                        }
                    }
                }
                Node::Element(el) => {
                    let name = el.name();
                    if name == "title" && title.is_none() {
                        let t: String = node.descendants().filter_map(|d| d.value().as_text().map(|t| t.to_string())).collect();
                        title = Some(t.split_whitespace().collect::<Vec<_>>().join(" "));
                        continue;
                    }
                    if SKIPPED.contains(&name) {
                        continue;
                    }
                    if BLOCKS.contains(&name) {
                        newline(&mut text);
                    }
                    stack.push(Step::Leave(name, text.len()));
                    for child in node.children().rev() {
                        stack.push(Step::Enter(child));
                    }
                }
                Node::Document | Node::Fragment => {
                    for child in node.children().rev() {
                        stack.push(Step::Enter(child));
                    }
                }
                _ => {}
            },
            Step::Leave(name, start) => {
                if name == "a" && text.len() > start {
                    links.push(start..text.len());
                }
                if BLOCKS.contains(&name) {
                    newline(&mut text);
                }
            }
        }
    }
    let title = title.filter(|t| !t.is_empty());
    Document { title, text, links, ..Document::default() }
}

fn newline(text: &mut String) {
    while text.ends_with(' ') {
        text.pop();
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_drops_script_style_nav_and_keeps_blocks() {
        let d = html_to_document(
            "<html><head><title>T</title><style>p{}</style></head><body><nav>Home | News</nav>\
             <p>First <a href=x>para</a>.</p><script>var x;</script><p>Second.</p></body></html>",
        );
        assert_eq!(d.title.as_deref(), Some("T"));
        assert_eq!(d.text.trim(), "First para.\nSecond.");
        assert_eq!(&d.text[d.links[0].clone()], "para");
    }

    #[test]
    fn deeply_nested_html_does_not_overflow() {
        let html = "<div>".repeat(5_000) + "deep" + &"</div>".repeat(10);
        assert!(html_to_document(&html).text.contains("deep"));
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let err = decode(Path::new("a.txt"), b"abc\xffdef", false).unwrap_err();
        assert!(matches!(err, Error::InvalidUtf8 { offset: 3, .. }), "{err}");
        assert_eq!(decode(Path::new("a.txt"), b"abc\xffdef", true).unwrap(), "abc\u{fffd}def");
        assert!(matches!(decode(Path::new("a.bin"), b"\x00\x01\x02", false), Err(Error::Binary { .. })));
    }

    #[test]
    fn json_lines_bad_line_is_reported_and_others_read() {
        let mut got = Vec::new();
        read_json_lines(
            Path::new("a.jsonl"),
            b"{\"id\":\"x\",\"text\":\"Hello there.\",\"date\":\"2020-11-10\"}\nnot json\n{\"text\":\"More.\"}\n",
            &ReadOptions::default(),
            &mut |r| got.push(r),
        );
        assert_eq!(got.len(), 3);
        let first = got[0].as_ref().unwrap();
        assert_eq!((first.id.as_str(), first.date.unwrap().to_string()), ("x", "2020-11-10".into()));
        assert!(got[1].as_ref().unwrap_err().to_string().starts_with("a.jsonl:2: "));
        assert_eq!(got[2].as_ref().unwrap().id, "a-3");
    }

    #[test]
    fn standard_input_streams_json_lines_and_bounds_text() {
        let mut got = Vec::new();
        let input = "\n\n{\"id\":\"a\",\"text\":\"Hello there.\"}\n{bad\n\n{\"text\":\"More.\"}";
        read_stdin(std::io::Cursor::new(input), &ReadOptions::default(), &mut |r| got.push(r));
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].as_ref().unwrap().id, "a");
        assert!(got[1].as_ref().unwrap_err().to_string().starts_with("<stdin>:4: not a JSON article"), "{:?}", got[1]);
        assert_eq!(got[2].as_ref().unwrap().text, "More.");

        let options = ReadOptions { max_document_bytes: 10, ..ReadOptions::default() };
        let mut got = Vec::new();
        read_stdin(std::io::Cursor::new("just some plain text"), &options, &mut |r| got.push(r));
        assert!(matches!(got.as_slice(), [Err(Error::TooLarge { size: 20, limit: 10, .. })]), "{got:?}");
        let mut got = Vec::new();
        read_stdin(std::io::Cursor::new("short."), &options, &mut |r| got.push(r));
        assert_eq!(got[0].as_ref().unwrap().text, "short.");
        let mut got = Vec::new();
        read_stdin(std::io::Cursor::new(" \n "), &options, &mut |r| got.push(r));
        assert!(matches!(got.as_slice(), [Err(Error::Empty { .. })]), "{got:?}");
    }
}
