//! Tokens → numbers: digits with separators ("1,960", "2.5 million"), number words
//! ("two", "twenty-one"), and the hedges that may precede them ("almost", "more than").

use super::text::{Token, TokenKind};

const UNITS: &[(&str, i64)] = &[
    ("zero", 0), ("one", 1), ("two", 2), ("three", 3), ("four", 4), ("five", 5), ("six", 6), ("seven", 7),
    ("eight", 8), ("nine", 9), ("ten", 10), ("eleven", 11), ("twelve", 12), ("thirteen", 13), ("fourteen", 14),
    ("fifteen", 15), ("sixteen", 16), ("seventeen", 17), ("eighteen", 18), ("nineteen", 19), ("twenty", 20),
    ("thirty", 30), ("forty", 40), ("fifty", 50), ("sixty", 60), ("seventy", 70), ("eighty", 80), ("ninety", 90),
    ("dozen", 12),
];
const SCALES: &[(&str, i64)] = &[("hundred", 100), ("thousand", 1_000), ("million", 1_000_000), ("billion", 1_000_000_000)];
/// Words before a number that hedge it; the value is kept as stated.
pub const HEDGES: &[&[&str]] = &[
    &["almost"], &["nearly"], &["about"], &["some"], &["around"], &["approximately"], &["roughly"], &["over"],
    &["more", "than"], &["at", "least"], &["up", "to"], &["an", "estimated"], &["estimated"], &["as", "many", "as"],
    &["fewer", "than"], &["less", "than"], &["just", "over"], &["just", "under"], &["close", "to"], &["a", "total", "of"],
];

/// A number found at a token position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number {
    /// First token (including any hedge).
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// The value.
    pub value: i64,
}

/// What a word may start: a number word's value, or a hedge (`None`). One look-up answers
/// both questions, as this runs for every word of every sentence.
static STARTS: std::sync::LazyLock<foldhash::HashMap<&'static str, Option<i64>>> =
    std::sync::LazyLock::new(|| HEDGES.iter().map(|h| (h[0], None)).chain(UNITS.iter().map(|&(w, v)| (w, Some(v)))).collect());

fn unit(w: &str) -> Option<i64> {
    STARTS.get(w).copied().flatten()
}

/// Whether a word starts a number or a hedge (the first words of [`HEDGES`]).
fn starts_number(w: &str) -> bool {
    // Number words and hedges have at most 13 letters ("approximately").
    w.len() <= 13 && STARTS.contains_key(w)
}

fn scale(w: &str) -> Option<i64> {
    SCALES.iter().find(|(n, _)| *n == w).map(|(_, v)| *v)
}

/// Parses the number starting at token `i` (after any hedge), if there is one. `lang` says
/// which words glued to a number by a hyphen make it a size ("a 1,000-strong force").
pub fn number_at(tokens: &[Token], i: usize, lang: &super::Language) -> Option<Number> {
    // Most tokens start no number: a number starts with digits, a number word or a hedge.
    let first = tokens.get(i)?;
    let may_start = match first.kind {
        TokenKind::Number => true,
        TokenKind::Word => starts_number(&first.lower),
        TokenKind::Punct => false,
    };
    if !may_start {
        return None;
    }
    let mut start = i;
    let mut j = i;
    for hedge in HEDGES {
        if hedge.iter().enumerate().all(|(k, w)| tokens.get(i + k).is_some_and(|t| t.lower == *w)) {
            j = i + hedge.len();
            break;
        }
    }
    let t = tokens.get(j)?;
    // A number glued to a word by a hyphen is part of a model name ("F-16", "Su-25", "Il-76").
    if j >= 2 && tokens[j - 1].lower == "-" && tokens[j - 1].span.end == t.span.start && tokens[j - 2].span.end == tokens[j - 1].span.start && tokens[j - 2].kind == TokenKind::Word {
        return None;
    }
    // A number glued to a following word is an adjective: "seven-day", "30-year-old".
    // ("twenty-one" is a number).
    if tokens.get(j + 1).is_some_and(|n| n.lower == "-" && n.span.start == t.span.end)
        && tokens.get(j + 2).is_some_and(|w| unit(&w.lower).is_none() && !lang.is_size_suffix(&w.lower))
    {
        return None;
    }
    let (mut value, mut k) = match t.kind {
        TokenKind::Number => {
            let digits: String = t.lower.chars().filter(|c| *c != ',').collect();
            if digits.chars().any(|c| c.is_alphabetic()) {
                return None; // "1990s", "27th"
            }
            let v: f64 = digits.parse().ok()?;
            (v, j + 1)
        }
        TokenKind::Word => {
            let mut v = unit(&t.lower)? as f64;
            let mut k = j + 1;
            // "twenty-one"
            if tokens.get(k).is_some_and(|t| t.lower == "-") {
                if let Some(u) = tokens.get(k + 1).and_then(|t| unit(&t.lower)) {
                    v += u as f64;
                    k += 2;
                }
            }
            (v, k)
        }
        TokenKind::Punct => return None,
    };
    while let Some(s) = tokens.get(k).and_then(|t| scale(&t.lower)) {
        value *= s as f64;
        k += 1;
    }
    if j == i {
        start = i;
    }
    if !value.is_finite() || value.fract() != 0.0 || value.abs() > 1e15 {
        return None;
    }
    Some(Number { start, end: k, value: value as i64 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::text::tokenize;

    fn parse(s: &str) -> Option<i64> {
        number_at(&tokenize(s, 0), 0, super::super::Language::builtin()).map(|n| n.value)
    }

    #[test]
    fn model_names_are_no_numbers() {
        // "F-16": the number follows a word and a hyphen.
        let tokens = tokenize("F-16 jets", 0);
        assert_eq!(number_at(&tokens, 2, super::super::Language::builtin()), None);
    }

    #[test]
    fn numbers_table() {
        for (s, want) in [
            ("1,960 personnel", Some(1960)),
            ("almost 2,000 servicemen", Some(2000)),
            ("more than 80 civilians", Some(80)),
            ("nearly 1,200 of its", Some(1200)),
            ("two crew members", Some(2)),
            ("an estimated 1.5 million died", Some(1_500_000)),
            ("some 30,000 people", Some(30_000)),
            ("twenty-one dead", Some(21)),
            ("the 1990s", None),
            ("peace", None),
            ("seven-day ceasefire", None),
            ("30-year-old man", None),
        ] {
            assert_eq!(parse(s), want, "{s}");
        }
    }
}
