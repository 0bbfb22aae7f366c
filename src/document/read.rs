//! Paths → [`Document`]s: plain text, Markdown, HTML and JSON Lines, folders recursively,
//! `-` for standard input. A bad file is an error for that file alone; reading goes on.

use std::fs;
use std::io::{BufRead, Read};
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

    /// Its size in bytes, when known (a file that can be read); 0 otherwise.
    pub fn size(&self) -> u64 {
        match self {
            Source::File(p) => fs::metadata(p).map_or(0, |m| m.len()),
            Source::Stdin => 0,
        }
    }
}

/// Expands paths (files, folders recursively, `-`) into a sorted, de-duplicated list of sources.
/// Unreadable folders and missing paths come back as errors beside the sources found. A folder
/// reached twice (through a symbolic link, or a link back to a parent) is read once.
pub fn expand(paths: &[PathBuf]) -> (Vec<Source>, Vec<Error>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen = Visited::default();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Source::Stdin);
        } else {
            walk(p, true, &mut seen, &mut out, &mut errors);
        }
    }
    out.sort();
    out.dedup();
    (out, errors)
}

/// Folders already walked, by device and inode, so that symbolic-link cycles end.
#[derive(Default)]
struct Visited(std::collections::HashSet<(u64, u64)>);

impl Visited {
    /// Whether `meta` (a folder) is new; remembers it.
    #[cfg(unix)]
    fn first_visit(&mut self, meta: &fs::Metadata) -> bool {
        use std::os::unix::fs::MetadataExt;
        self.0.insert((meta.dev(), meta.ino()))
    }

    #[cfg(not(unix))]
    fn first_visit(&mut self, _meta: &fs::Metadata) -> bool {
        true
    }
}

fn walk(path: &Path, explicit: bool, seen: &mut Visited, out: &mut Vec<Source>, errors: &mut Vec<Error>) {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return errors.push(Error::io(path, e)),
    };
    if meta.is_dir() {
        if !seen.first_visit(&meta) {
            return;
        }
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
                        walk(&entry.path(), false, seen, out, errors)
                    }
                }
                Err(e) => errors.push(Error::io(path, e)),
            }
        }
    } else if explicit {
        // Files named explicitly are always tried (and refused with a reason if unsupported),
        // even a pipe (`<(zcat news.txt.gz)`).
        out.push(Source::File(path.to_owned()));
    } else if Format::of(path).is_some() {
        // Files found in folders are taken only when their extension is one kgraph reads, and
        // only regular files: reading a pipe or a device found in a folder could block forever.
        if meta.is_file() {
            out.push(Source::File(path.to_owned()));
        } else {
            errors.push(Error::Invalid(format!("{}: not a regular file; skipped", path.display())));
        }
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

/// Reads one source, calling `f` with each document or error it holds. Memory stays bounded by
/// `--max-document-bytes`: a text or HTML file is read up to that many bytes (and refused if
/// longer), JSON Lines are read a line at a time. A warning ([`Error::Replaced`]) comes just
/// before the document it is about.
pub fn read_source(source: &Source, options: &ReadOptions, f: &mut dyn FnMut(Result<Document>)) {
    match source {
        Source::Stdin => {
            let stdin = std::io::stdin();
            read_stream(Path::new("<stdin>"), None, stdin.lock(), options, f)
        }
        Source::File(path) => {
            let Some(format) = Format::of(path) else {
                return f(Err(Error::Unsupported { path: path.clone() }));
            };
            match fs::metadata(path) {
                Ok(m) if m.is_file() && format != Format::JsonLines && m.len() > options.max_document_bytes => {
                    return f(Err(Error::TooLarge {
                        path: path.clone(),
                        size: m.len(),
                        limit: options.max_document_bytes,
                    }))
                }
                Err(e) => return f(Err(Error::io(path, e))),
                _ => {}
            }
            match fs::File::open(path) {
                Ok(file) => read_stream(path, Some(format), std::io::BufReader::new(file), options, f),
                Err(e) => f(Err(Error::io(path, e))),
            }
        }
    }
}

/// Reads documents from a stream: JSON Lines a line at a time, text or HTML up to the size
/// limit. Without a `format` (standard input), JSON Lines when the first non-blank byte is `{`,
/// HTML when it is `<`, else text.
fn read_stream(
    path: &Path,
    format: Option<Format>,
    mut reader: impl BufRead,
    options: &ReadOptions,
    f: &mut dyn FnMut(Result<Document>),
) {
    let mut head = Vec::new();
    let format = match format {
        Some(format) => format,
        None => {
            // Look at the first non-blank byte, keeping what was read.
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
                let n = buf.len();
                head.extend_from_slice(&buf[..blank.min(n)]);
                reader.consume(blank.min(n));
                if found.is_some() || head.len() > 1 << 20 {
                    break found;
                }
            };
            match first {
                Some(b'{') => Format::JsonLines,
                Some(b'<') => Format::Html,
                _ => Format::Text,
            }
        }
    };
    let mut reader = std::io::BufReader::new(std::io::Read::chain(&head[..], reader));
    if format == Format::JsonLines {
        return read_json_lines(path, reader, options, f);
    }
    let mut bytes = Vec::new();
    let limit = options.max_document_bytes;
    if let Err(e) = reader.by_ref().take(limit.saturating_add(1)).read_to_end(&mut bytes) {
        return f(Err(Error::io(path, e)));
    }
    if bytes.len() as u64 > limit {
        // The file grew, or is a pipe: count the rest without keeping it.
        let rest = std::io::copy(&mut reader, &mut std::io::sink()).unwrap_or(0);
        return f(Err(Error::TooLarge { path: path.to_owned(), size: bytes.len() as u64 + rest, limit }));
    }
    read_bytes(path, &bytes, format, options, f)
}

/// Reads the documents that `bytes` hold in `format`, as if they were the file `path` (whose stem
/// is the document id). For callers that already hold the bytes, and for fuzzing.
pub fn read_bytes(path: &Path, bytes: &[u8], format: Format, options: &ReadOptions, f: &mut dyn FnMut(Result<Document>)) {
    match format {
        Format::JsonLines => read_json_lines(path, bytes, options, f),
        Format::Text | Format::Html => {
            if bytes.len() as u64 > options.max_document_bytes {
                return f(Err(Error::TooLarge {
                    path: path.to_owned(),
                    size: bytes.len() as u64,
                    limit: options.max_document_bytes,
                }));
            }
            match decode_with_warning(path, bytes, options.lossy, 0) {
                Ok((text, warning)) => {
                    if let Some(w) = warning {
                        f(Err(w));
                    }
                    f(document_from_text(path, text, format, options))
                }
                Err(e) => f(Err(e)),
            }
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes bytes as UTF-8, refusing binary data; `--lossy` replaces invalid sequences.
pub fn decode(path: &Path, bytes: &[u8], lossy: bool) -> Result<String> {
    decode_with_warning(path, bytes, lossy, 0).map(|(text, _)| text)
}

/// [`decode`], with the warning to give when `lossy` replaced something. `base` is the offset of
/// `bytes` in the file, for the offsets reported.
fn decode_with_warning(path: &Path, bytes: &[u8], lossy: bool, base: usize) -> Result<(String, Option<Error>)> {
    if looks_binary(bytes) {
        return Err(Error::Binary { path: path.to_owned() });
    }
    let (bytes, base) = match bytes.strip_prefix(BOM) {
        Some(rest) => (rest, base + BOM.len()),
        None => (bytes, base),
    };
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_owned(), None)),
        Err(e) if lossy => {
            let count = bytes.utf8_chunks().filter(|c| !c.invalid().is_empty()).count();
            let warning = Error::Replaced { path: path.to_owned(), offset: base + e.valid_up_to(), count };
            Ok((String::from_utf8_lossy(bytes).into_owned(), Some(warning)))
        }
        Err(e) => Err(Error::InvalidUtf8 { path: path.to_owned(), offset: base + e.valid_up_to() }),
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

fn document_from_text(path: &Path, raw: String, format: Format, options: &ReadOptions) -> Result<Document> {
    if raw.trim().is_empty() {
        return Err(Error::Empty { path: path.to_owned() });
    }
    let input_bytes = raw.len() as u64;
    let mut doc = match format {
        Format::Html => html_to_document(&raw),
        _ => Document { text: raw, ..Document::default() },
    };
    doc.input_bytes = input_bytes;
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
        doc.date = crate::language::dates::publication_date(&doc.text).or(options.date);
    }
}

/// Byte ranges of Markdown links `[text](target)` and bare URLs: link-density evidence.
fn markdown_links(text: &str) -> Vec<std::ops::Range<usize>> {
    static LINK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\[[^\]\n]{0,300}\]\([^)\s]{0,500}\)|<?https?://[^\s>]+>?|(?-u:\b)www\.[^\s]+").unwrap()
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

/// The longest JSON Lines record read: an article of `max` bytes, every byte escaped as `\uXXXX`,
/// plus 1 MiB for the other fields.
fn json_line_limit(max: u64) -> usize {
    usize::try_from(max.saturating_mul(6).saturating_add(1 << 20)).unwrap_or(usize::MAX)
}

/// Reads one line (with its `\n`) into `out`, keeping at most `cap` bytes: returns the bytes
/// consumed and whether the line was kept whole (a longer line is consumed and dropped).
fn read_line_capped(reader: &mut impl BufRead, out: &mut Vec<u8>, cap: usize) -> std::io::Result<(usize, bool)> {
    let (mut consumed, mut whole) = (0, true);
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok((consumed, whole));
        }
        let (n, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if whole && out.len() + n <= cap {
            out.extend_from_slice(&buf[..n]);
        } else if whole {
            whole = false;
            *out = Vec::new();
        }
        reader.consume(n);
        consumed += n;
        if done {
            return Ok((consumed, whole));
        }
    }
}

/// Reads JSON Lines a line at a time: a bad line (not JSON, not UTF-8, too long, no text) is an
/// error naming its line number, and the other lines are still read.
fn read_json_lines(path: &Path, mut reader: impl BufRead, options: &ReadOptions, f: &mut dyn FnMut(Result<Document>)) {
    match reader.fill_buf() {
        Ok(head) if looks_binary(head) => return f(Err(Error::Binary { path: path.to_owned() })),
        Ok(_) => {}
        Err(e) => return f(Err(Error::io(path, e))),
    }
    let cap = json_line_limit(options.max_document_bytes);
    let mut line = Vec::new();
    let mut offset = 0;
    let mut any = false;
    for number in 1.. {
        line.clear();
        let (consumed, whole) = match read_line_capped(&mut reader, &mut line, cap) {
            Ok(r) => r,
            Err(e) => return f(Err(Error::io(path, e))),
        };
        if consumed == 0 {
            break;
        }
        let start = offset;
        offset += consumed;
        let syntax = |message: String| Error::Syntax { path: path.to_owned(), line: number, message };
        if !whole {
            any = true;
            f(Err(syntax(format!("the line is {consumed} bytes, over the limit of {cap} (see --max-document-bytes)"))));
            continue;
        }
        let bytes = line.strip_suffix(b"\n").unwrap_or(&line);
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        any = true;
        let (bytes, start) = match bytes.strip_prefix(BOM) {
            Some(rest) if number == 1 => (rest, start + BOM.len()),
            _ => (bytes, start),
        };
        let text = match std::str::from_utf8(bytes) {
            Ok(s) => std::borrow::Cow::Borrowed(s),
            Err(e) if options.lossy => {
                let count = bytes.utf8_chunks().filter(|c| !c.invalid().is_empty()).count();
                f(Err(Error::Replaced { path: path.to_owned(), offset: start + e.valid_up_to(), count }));
                String::from_utf8_lossy(bytes)
            }
            Err(e) => {
                f(Err(Error::InvalidUtf8 { path: path.to_owned(), offset: start + e.valid_up_to() }));
                continue;
            }
        };
        let article: JsonArticle = match serde_json::from_str(&text) {
            Ok(a) => a,
            Err(e) => {
                f(Err(syntax(format!("not a JSON article: {e}"))));
                continue;
            }
        };
        let Some(body) = article.text.or(article.body) else {
            f(Err(syntax("the article has no \"text\" field".into())));
            continue;
        };
        if body.len() as u64 > options.max_document_bytes {
            f(Err(syntax(format!("article text is {} bytes, over the limit of {}", body.len(), options.max_document_bytes))));
            continue;
        }
        if body.trim().is_empty() {
            f(Err(syntax("the article text is empty".into())));
            continue;
        }
        let id = match article.id {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s,
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => format!("{}-{}", stem(path), number),
        };
        let mut doc = Document {
            id,
            title: article.title.filter(|t| !t.trim().is_empty()),
            date: article.date.as_deref().and_then(crate::language::dates::parse_date),
            source: article.url.unwrap_or_else(|| format!("{}:{}", path.display(), number)),
            text: body,
            links: Vec::new(),
            input_bytes: consumed as u64,
        };
        finish(&mut doc, options);
        f(Ok(doc));
    }
    if !any {
        f(Err(Error::Empty { path: path.to_owned() }));
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

/// The deepest element nesting handed to the HTML parser. html5ever scans the stack of open
/// elements for many start tags, so 100,000 nested `<div>`s would take minutes; start tags
/// deeper than this (and as many end tags) are dropped, their text kept. Real pages nest a few
/// dozen levels.
pub const MAX_HTML_DEPTH: usize = 256;

/// Elements that never deepen the nesting for [`MAX_HTML_DEPTH`]: void elements, and those whose
/// end tag is optional and that close themselves (`<p>`, `<li>`, `<td>` … left unclosed).
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p", "li",
    "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "colgroup", "rb", "rt", "rp",
];

/// `html` with start tags deeper than [`MAX_HTML_DEPTH`] dropped, and one end tag dropped for
/// each (borrowed when nothing is that deep, which is every real page).
fn limit_nesting(html: &str) -> std::borrow::Cow<'_, str> {
    static TAG: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>").unwrap());
    let (mut depth, mut excess) = (0usize, 0usize);
    let mut out: Option<String> = None;
    let mut last = 0;
    for c in TAG.captures_iter(html) {
        let (Some(all), Some(name)) = (c.get(0), c.get(2)) else { continue };
        let closing = c.get(1).is_some_and(|m| !m.is_empty());
        let flat = c.get(3).is_some_and(|m| !m.is_empty())
            || FLAT.iter().any(|f| f.eq_ignore_ascii_case(name.as_str()));
        let drop = if flat {
            false
        } else if closing {
            if excess > 0 {
                excess -= 1;
                true
            } else {
                depth = depth.saturating_sub(1);
                false
            }
        } else if depth >= MAX_HTML_DEPTH {
            excess += 1;
            true
        } else {
            depth += 1;
            false
        };
        if drop {
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            o.push_str(&html[last..all.start()]);
            last = all.end();
        }
    }
    match out {
        None => std::borrow::Cow::Borrowed(html),
        Some(mut o) => {
            o.push_str(&html[last..]);
            std::borrow::Cow::Owned(o)
        }
    }
}

/// HTML → text with one block per line, links recorded, title from `<title>` or `<h1>`.
pub fn html_to_document(html: &str) -> Document {
    use scraper::{Html, Node};
    let page = Html::parse_document(&limit_nesting(html));
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
    fn a_hundred_thousand_nested_divs_parse_quickly() {
        let html = "<html><body>".to_owned() + &"<div>".repeat(100_000) + "deep text" + &"</div>".repeat(100_000);
        let started = std::time::Instant::now();
        let doc = html_to_document(&html);
        assert_eq!(doc.text.trim(), "deep text");
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        // Unclosed, with other markup deeper still.
        let html = "<div><span>".repeat(50_000) + "<p>one<p>two";
        assert_eq!(html_to_document(&html).text.trim(), "one\ntwo");
        // A real page is left alone.
        let page = "<ul>".to_owned() + &"<li>item".repeat(1_000) + "</ul>";
        assert!(matches!(limit_nesting(&page), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let err = decode(Path::new("a.txt"), b"abc\xffdef", false).unwrap_err();
        assert!(matches!(err, Error::InvalidUtf8 { offset: 3, .. }), "{err}");
        let err = decode(Path::new("a.txt"), b"\xEF\xBB\xBFabc\xffdef", false).unwrap_err();
        assert!(matches!(err, Error::InvalidUtf8 { offset: 6, .. }), "the offset counts the BOM: {err}");
        assert_eq!(decode(Path::new("a.txt"), b"abc\xffdef", true).unwrap(), "abc\u{fffd}def");
        assert!(matches!(decode(Path::new("a.bin"), b"\x00\x01\x02", false), Err(Error::Binary { .. })));
    }

    #[test]
    fn json_lines_bad_line_is_reported_and_others_read() {
        let mut got = Vec::new();
        read_json_lines(
            Path::new("a.jsonl"),
            &b"{\"id\":\"x\",\"text\":\"Hello there.\",\"date\":\"2020-11-10\"}\nnot json\n{\"text\":\"More.\"}\n"[..],
            &ReadOptions::default(),
            &mut |r| got.push(r),
        );
        assert_eq!(got.len(), 3);
        let first = got[0].as_ref().unwrap();
        assert_eq!((first.id.as_str(), first.date.unwrap().to_string()), ("x", "2020-11-10".into()));
        assert!(got[1].as_ref().unwrap_err().to_string().starts_with("a.jsonl:2: "));
        assert_eq!(got[2].as_ref().unwrap().id, "a-3");
    }
}
