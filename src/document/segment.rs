//! Body → sentences: splits each kept block at sentence ends, surviving abbreviations
//! ("U.S.", "Dec.", "Gen.", "Mr."), initials, decimals ("2.5") and closing quotes.

use foldhash::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use super::Body;

static ABBREVIATIONS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../ontology/lexicon/abbreviations.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .collect()
});

/// A sentence: a byte range of the document text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// Byte range in `Document::text`.
    pub span: Range<usize>,
}

/// Splits every block of the body into sentences.
pub fn segment(text: &str, body: &Body) -> Vec<Sentence> {
    let mut out = Vec::new();
    // A sentence broken over two lines ("captured Shusha,\nthe region's second town") is
    // one sentence: a line ending in a comma, semicolon or a word continues on the next line
    // when that starts in lower case and only white space lies between.
    let mut runs: Vec<Range<usize>> = Vec::new();
    for block in &body.blocks {
        if let Some(last) = runs.last_mut() {
            let prev = text[last.clone()].trim_end();
            let between = &text[last.end..block.start];
            let continues = prev.ends_with([',', ';']) || prev.ends_with(|c: char| c.is_lowercase());
            let lower_next = text[block.clone()].starts_with(|c: char| c.is_lowercase());
            if continues && lower_next && between.trim().is_empty() {
                last.end = block.end;
                continue;
            }
        }
        runs.push(block.clone());
    }
    for run in runs {
        split_block(text, run, &mut out);
    }
    out
}

fn split_block(text: &str, block: Range<usize>, out: &mut Vec<Sentence>) {
    let s = &text[block.clone()];
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if matches!(b, b'.' | b'!' | b'?') {
            // Extend over runs of terminators and closing quotes/brackets.
            let mut end = i + 1;
            loop {
                let rest = &s[end..];
                if let Some(c) = rest.chars().next() {
                    if matches!(c, '.' | '!' | '?' | '"' | '\'' | '”' | '’' | ')' | ']' | '»') {
                        end += c.len_utf8();
                        continue;
                    }
                }
                break;
            }
            let rest = &s[end..];
            let next_is_space = rest.starts_with(char::is_whitespace);
            let next_word = rest.trim_start().chars().next();
            let starts_sentence = next_word.is_none_or(|c| {
                c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '‘' | '\'' | '(' | '[' | '«' | '—' | '-')
            });
            if (rest.is_empty() || next_is_space) && starts_sentence && !(b == b'.' && is_abbreviation(&s[start..i])) {
                push(block.start, s, start, end, out);
                start = end;
            }
            i = end;
        } else {
            i += 1;
        }
    }
    push(block.start, s, start, s.len(), out);
}

/// The longest sentence kept whole, in bytes. Longer runs without a sentence end (a page with
/// no full stops, a 1 MB line) are cut at a space, so that the work per sentence and the evidence
/// quoted by each statement stay bounded.
pub const MAX_SENTENCE_BYTES: usize = 2000;

fn push(offset: usize, s: &str, start: usize, end: usize, out: &mut Vec<Sentence>) {
    let piece = &s[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let mut rest = piece.trim();
    let mut at = offset + start + lead;
    while rest.len() > MAX_SENTENCE_BYTES {
        let mut cut = MAX_SENTENCE_BYTES;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        // At the last space of the window, unless that leaves a short piece.
        if let Some(space) = rest[..cut].rfind(char::is_whitespace).filter(|&i| i > MAX_SENTENCE_BYTES / 2) {
            cut = space;
        }
        let head = rest[..cut].trim_end();
        out.push(Sentence { span: at..at + head.len() });
        let tail = &rest[cut..];
        let skip = tail.len() - tail.trim_start().len();
        at += cut + skip;
        rest = &tail[skip..];
    }
    if !rest.is_empty() {
        out.push(Sentence { span: at..at + rest.len() });
    }
}

/// Whether the word before a full stop is an abbreviation, an initial or a dotted acronym.
fn is_abbreviation(before: &str) -> bool {
    let word = before.rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '“')).next().unwrap_or("");
    if word.is_empty() {
        return false;
    }
    // Initials ("J.") and dotted acronyms ("U.S", "U.N", "a.m").
    if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
        return true;
    }
    if word.contains('.') && word.split('.').all(|p| p.chars().count() <= 2 && p.chars().all(char::is_alphabetic)) {
        return true;
    }
    ABBREVIATIONS.contains(word.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<&str> {
        let body = Body { blocks: vec![0..s.len()], dropped: vec![], headline: None };
        segment(s, &body).into_iter().map(|x| &s[x.span]).collect()
    }

    #[test]
    fn splits_table() {
        let cases: &[(&str, &[&str])] = &[
            ("One. Two.", &["One.", "Two."]),
            ("The U.S. envoy arrived. He spoke.", &["The U.S. envoy arrived.", "He spoke."]),
            ("It began on Dec. 1 in the city. Then it ended.", &["It began on Dec. 1 in the city.", "Then it ended."]),
            ("Gen. Smith and Mr. Jones met. They talked.", &["Gen. Smith and Mr. Jones met.", "They talked."]),
            ("Some 1,960 troops and 2.5 million people. Next.", &["Some 1,960 troops and 2.5 million people.", "Next."]),
            ("\"We will fight,\" he said. \"We won.\" Then.", &["\"We will fight,\" he said.", "\"We won.\"", "Then."]),
            ("Is it over? Yes! Fine", &["Is it over?", "Yes!", "Fine"]),
            ("J. R. Smith spoke. Ok.", &["J. R. Smith spoke.", "Ok."]),
            ("no end here", &["no end here"]),
        ];
        for (input, want) in cases {
            assert_eq!(&split(input), want, "{input}");
        }
    }

    #[test]
    fn a_sentence_broken_over_two_lines_is_one() {
        let text = "Aliyev said his forces had captured Shusha,\nthe region's second town.\nA new sentence.";
        let body = Body { blocks: vec![0..43, 44..69, 70..85], ..Body::default() };
        let got: Vec<&str> = segment(text, &body).iter().map(|s| &text[s.span.clone()]).collect();
        assert_eq!(got, ["Aliyev said his forces had captured Shusha,\nthe region's second town.", "A new sentence."]);
    }

    #[test]
    fn a_run_without_sentence_ends_is_cut_at_spaces() {
        let text = "word ".repeat(100_000) + "é".repeat(5_000).as_str();
        let pieces = split(&text);
        assert!(pieces.len() > 250, "{}", pieces.len());
        for p in &pieces {
            assert!(!p.is_empty() && p.len() <= MAX_SENTENCE_BYTES, "{}", p.len());
            assert_eq!(p.trim(), *p);
        }
        let words: usize = pieces.iter().map(|p| p.split_whitespace().count()).sum();
        assert_eq!(words, 100_000 + 5, "no word cut, but the unbroken run of é (in 2000-byte pieces)");
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(pieces.iter().map(|p| squeeze(p)).collect::<String>(), squeeze(&text), "nothing lost");
    }
}
