//! Cleaning and sentence splitting on arbitrary text: blocks and sentences are ordered,
//! non-overlapping character ranges of the text, trimmed, non-empty and bounded.
#![no_main]

use kgraph::document::segment::MAX_SENTENCE_BYTES;
use kgraph::document::{clean, segment, Document};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let doc = Document { text: text.to_owned(), ..Document::default() };
    let body = clean(&doc);
    let ok = |r: &std::ops::Range<usize>| {
        r.start < r.end && r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end)
    };
    for (i, b) in body.blocks.iter().enumerate() {
        assert!(ok(b), "block {b:?}");
        assert_eq!(text[b.clone()].trim(), &text[b.clone()]);
        if i > 0 {
            assert!(body.blocks[i - 1].end <= b.start, "blocks in order");
        }
    }
    for d in &body.dropped {
        assert!(ok(&d.span), "dropped {:?}", d.span);
    }
    let sentences = segment(text, &body);
    for (i, s) in sentences.iter().enumerate() {
        assert!(ok(&s.span), "sentence {:?}", s.span);
        let piece = &text[s.span.clone()];
        assert_eq!(piece.trim(), piece, "sentences are trimmed");
        assert!(piece.len() <= MAX_SENTENCE_BYTES, "a sentence of {} bytes", piece.len());
        assert!(body.blocks.iter().any(|b| b.start <= s.span.start && s.span.end <= b.end), "inside a block");
        if i > 0 {
            assert!(sentences[i - 1].span.end <= s.span.start, "sentences in order");
        }
    }
});
