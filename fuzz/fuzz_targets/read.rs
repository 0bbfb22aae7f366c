//! The document reader on arbitrary bytes, in every format: the first byte picks the format
//! (.txt, .md, .html, .jsonl), `--lossy` and a small size limit; the rest is the file.
#![no_main]

use std::path::Path;

use kgraph::document::read::{read_bytes, Format, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let (name, format) = match selector % 4 {
        0 => ("a.txt", Format::Text),
        1 => ("a.md", Format::Text),
        2 => ("a.html", Format::Html),
        _ => ("a.jsonl", Format::JsonLines),
    };
    let options = ReadOptions {
        lossy: selector & 4 != 0,
        max_document_bytes: if selector & 8 != 0 { 64 } else { 1 << 20 },
        date: None,
    };
    read_bytes(Path::new(name), bytes, format, &options, &mut |result| {
        let Ok(doc) = result else { return };
        assert!(!doc.text.trim().is_empty(), "an empty document is an error, not a document");
        // The limit is on the file (a record's text for JSON Lines), before U+FFFD replacement.
        let size = if format == Format::JsonLines { doc.text.len() } else { bytes.len() };
        assert!(size as u64 <= options.max_document_bytes, "{size} bytes read");
        for link in &doc.links {
            assert!(link.start <= link.end && link.end <= doc.text.len(), "{link:?}");
            assert!(doc.text.is_char_boundary(link.start) && doc.text.is_char_boundary(link.end), "{link:?}");
        }
        if format == Format::Text && !options.lossy {
            let text = std::str::from_utf8(bytes).unwrap();
            assert_eq!(doc.text, text.strip_prefix('\u{feff}').unwrap_or(text), "text is read as it is");
        }
    });
});
