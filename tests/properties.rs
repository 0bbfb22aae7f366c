//! Property tests: arbitrary strings (control characters, bidi marks, emoji, quotes, `<>`,
//! newlines, case-changing letters, mixed with the lexicon's names and cue words so that
//! extraction has work to do) through the whole pipeline, as text and as HTML, with arbitrary
//! identifiers and titles. Nothing panics; every offset is a character boundary inside the text;
//! every minted IRI is accepted by `NamedNode::new`; every quad, literals included, comes back
//! the same from kgraph's N-Quads and Turtle exports.

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use kgraph::document::read::{read_bytes, Format, ReadOptions};
use kgraph::document::segment::MAX_SENTENCE_BYTES;
use kgraph::document::{clean, segment, Document};
use kgraph::extract::LexiconBuilder;
use kgraph::graph::Vocab;
use kgraph::output::{export, RdfOutput};
use kgraph::pipeline::{Pipeline, PipelineBuilder, Processed};
use kgraph::store::{DocumentQuads, KgStore};
use oxigraph::io::RdfParser;
use oxigraph::model::{GraphName, Quad, Triple};
use proptest::prelude::*;

static PIPELINE: LazyLock<Pipeline> =
    LazyLock::new(|| PipelineBuilder::default().build(Arc::new(LexiconBuilder::new().build().unwrap())));

/// Names and cue words of the lexicon, and sentence punctuation.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "Russia", "Armenia", "Azerbaijan", "Turkey", "Vladimir Putin", "President", "Prime Minister", "Nikol Pashinyan",
    "Pashinian", "Ilham Aliyev", "brokered", "signed", "ceasefire", "agreement", "peacekeepers", "troops",
    "1,960", "90", "deployed to", "Nagorno-Karabakh", "Shusha", "Shushi", "Stepanakert", "Yerevan", "Baku",
    "Kremlin", "NATO", "OSCE Minsk Group", "Ministry of Defence", "the", "and", "of", "said", "accused",
    "captured", "killed", "on Tuesday", "10 November 2020", "2020-11-10", "Moscow-brokered", "U.S.", "Mr.",
    "Gen.", "capital", " ", " ", " ", ". ", ".", "\n", "\n\n", ", ", "? ", "! ",
];

/// Characters and strings that have broken text tools before.
#[rustfmt::skip]
const ODD: &[&str] = &[
    "\u{202e}", "\u{202c}", "\u{200f}", "\u{2066}", "\u{2069}", "\u{200d}", "\u{200b}", "\u{feff}", "\u{0}",
    "\u{7}", "\u{8}", "\u{b}", "\u{c}", "\u{1b}[31m", "\u{7f}", "\u{85}", "\u{2028}", "\u{2029}", "\r\n", "\r",
    "\t", "😀", "👨‍👩‍👧", "🏳️‍🌈", "<", ">", "<b>", "</p>", "<div>", "&amp;", "&#0;", "\\", "\"", "'", "“", "”",
    "’", "«", "»", "é", "e\u{301}", "İ", "ß", "ﬁ", "Σ", "ǅ", "Ⅻ", "٣", "１", "\u{fffd}", "\u{10ffff}",
    "\u{e000}", "%", "%2F", "#", "/", "?", "{", "}", "|", "^", "`",
];

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(WORDS).prop_map(str::to_owned),
        3 => prop::sample::select(ODD).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
        1 => "[ -~]{0,8}",
    ]
}

/// Sentences of the kind the lexicon knows, so that cleaning keeps them and extraction finds
/// entities and relations in them.
const SENTENCES: &[&str] = &[
    "Russia brokered a ceasefire between Armenia and Azerbaijan on Tuesday.",
    "Russian President Vladimir Putin said 1,960 peacekeepers would be deployed to Nagorno-Karabakh.",
    "Armenian Prime Minister Nikol Pashinyan signed the agreement with Ilham Aliyev in Moscow.",
    "Turkey supports Azerbaijan, and the Kremlin accused both sides of violating the truce.",
    "Azerbaijani forces captured Shusha, which Armenians call Shushi, on 8 November 2020.",
    "At least 5,000 soldiers were killed in the war, the defence ministry said on Friday.",
    "Protesters stormed the parliament in Yerevan and demanded the resignation of Pashinyan.",
    "The OSCE Minsk Group, co-chaired by France, Russia and the United States, welcomed the deal.",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(SENTENCES).prop_map(str::to_owned),
        3 => fragment(),
        1 => Just("\n".to_owned()),
    ]
}

/// Pieces joined mostly by spaces, then odd characters inserted anywhere (even inside words).
fn text() -> impl Strategy<Value = String> {
    let joined = prop::collection::vec((piece(), prop::sample::select(&[" ", " ", " ", "", "\n", "  "][..])), 0..40)
        .prop_map(|v| v.into_iter().map(|(p, sep)| p + sep).collect::<String>());
    let inserts = prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(ODD)), 0..10);
    (joined, inserts).prop_map(|(mut text, inserts)| {
        for (at, odd) in inserts {
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            text.insert_str(i, odd);
        }
        text
    })
}

fn short() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..6).prop_map(|v| v.concat())
}

fn check_ranges(text: &str, what: &str, ranges: impl IntoIterator<Item = std::ops::Range<usize>>) {
    for r in ranges {
        assert!(
            r.start <= r.end && r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
            "{what} {r:?} in a text of {} bytes",
            text.len()
        );
    }
}

/// Every quad of `processed` (its graph, its facts) is stored, and every quad of the store comes
/// back identical from kgraph's own N-Quads, TriG, Turtle and N-Triples exports.
fn round_trip(processed: &Processed) {
    let store = KgStore::memory().unwrap();
    let vocab = Vocab::default();
    let document = DocumentQuads { graph: processed.graph.as_ref(), quads: &processed.quads, facts: &processed.facts };
    store.write_documents(&vocab, &[document]).unwrap();
    let expected: HashSet<Quad> = store.store().iter().collect::<Result<_, _>>().unwrap();
    for q in processed.quads.iter().chain(&processed.facts) {
        assert!(expected.contains(q), "not stored: {q}");
    }
    for format in [RdfOutput::NQuads, RdfOutput::Turtle, RdfOutput::TriG, RdfOutput::NTriples] {
        let mut out = Vec::new();
        export::export(store.store(), format, None, &vocab, &mut out).unwrap();
        let parsed: Vec<Quad> = RdfParser::from_format(format.format())
            .for_slice(&out)
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{} does not parse: {e}\n{}", format.name(), String::from_utf8_lossy(&out)));
        let (parsed, expected): (HashSet<String>, HashSet<String>) = if format.is_dataset() {
            (parsed.iter().map(Quad::to_string).collect(), expected.iter().map(Quad::to_string).collect())
        } else {
            let triple = |q: &Quad| Triple::from(q.clone()).to_string();
            (parsed.iter().map(triple).collect(), expected.iter().map(triple).collect())
        };
        let missing: Vec<_> = expected.difference(&parsed).collect();
        let extra: Vec<_> = parsed.difference(&expected).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{} round trip: lost {missing:#?}\ngained {extra:#?}",
            format.name()
        );
    }
}

fn check(processed: &Processed) {
    if let Err(e) = processed.check_invariants() {
        panic!("{e}");
    }
    assert!(processed.quads.iter().all(|q| q.graph_name == GraphName::NamedNode(processed.graph.clone())));
    round_trip(processed);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, max_shrink_iters: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_text_goes_through_the_pipeline(text in text(), id in short(), title in prop::option::of(short())) {
        let doc = Document { id, title, text: text.clone(), source: "prop.txt".into(), ..Document::default() };
        let body = clean(&doc);
        check_ranges(&text, "block", body.blocks.iter().cloned());
        check_ranges(&text, "dropped", body.dropped.iter().map(|d| d.span.clone()));
        let sentences = segment(&text, &body);
        check_ranges(&text, "sentence", sentences.iter().map(|s| s.span.clone()));
        assert!(sentences.iter().all(|s| s.span.len() <= MAX_SENTENCE_BYTES));
        check(&PIPELINE.process(doc));
    }

    #[test]
    fn any_file_is_read_and_processed_in_every_format(text in text(), format in 0..3u8, lossy in any::<bool>()) {
        let (name, format) = match format {
            0 => ("odd \"name\" <😀>.txt", Format::Text),
            1 => ("page.html", Format::Html),
            _ => ("news.jsonl", Format::JsonLines),
        };
        // As JSON Lines, the text becomes a record with the text as its id, title and body.
        let bytes = if format == Format::JsonLines {
            serde_json::json!({ "id": text, "title": text, "text": text }).to_string() + "\nnot json\n"
        } else {
            text.clone()
        };
        let options = ReadOptions { lossy, ..ReadOptions::default() };
        let mut docs = Vec::new();
        read_bytes(Path::new(name), bytes.as_bytes(), format, &options, &mut |r| docs.extend(r.ok()));
        for doc in docs {
            check_ranges(&doc.text, "link", doc.links.iter().cloned());
            check(&PIPELINE.process(doc));
        }
    }
}

#[test]
fn invalid_bytes_are_refused_or_replaced_never_a_panic() {
    let cases: &[&[u8]] =
        &[b"\xff", b"abc\xc3", b"\xed\xa0\x80 surrogate", b"\xf4\x90\x80\x80 too big", b"\xc0\xaf overlong"];
    for bytes in cases {
        for (name, format) in [("a.txt", Format::Text), ("a.html", Format::Html), ("a.jsonl", Format::JsonLines)] {
            for lossy in [false, true] {
                let mut results = Vec::new();
                let options = ReadOptions { lossy, ..ReadOptions::default() };
                read_bytes(Path::new(name), bytes, format, &options, &mut |r| results.push(r));
                assert!(!results.is_empty(), "{name} {bytes:?}: no outcome");
                if !lossy {
                    assert!(results.iter().all(Result::is_err), "{name} {bytes:?}");
                }
            }
        }
    }
}
