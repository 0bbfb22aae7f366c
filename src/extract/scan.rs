//! Sentence → tokens, tags and lexicon matches: the one pass over a sentence's text that the
//! document context and recognition both read.

use std::ops::Range;

use super::lexicon::{Hit, Lexicon};
use crate::language::text::{tokenize, Token};

/// One sentence tokenised and matched against the lexicon, once: [`DocContext::build`] and
/// [`recognise`] both read it.
#[derive(Debug)]
pub struct Scan<'l> {
    /// Byte range of the sentence.
    pub sentence: Range<usize>,
    /// Tokens.
    pub tokens: Vec<Token>,
    /// Part of speech and lemma of each token.
    pub tags: Vec<crate::language::Tag>,
    /// The verb lemma each token can be a form of.
    pub readings: Vec<Option<crate::language::Lemma>>,
    /// Lexicon matches, byte ranges relative to the sentence.
    pub finds: Vec<(Range<usize>, &'l [Hit])>,
    /// For each token, the lexicon match starting there that ends on a token boundary: the
    /// token after it and what it is.
    pub hits_at: Vec<Option<(usize, &'l [Hit])>>,
}

/// Tokenises a sentence and matches the lexicon in it.
pub fn scan<'l>(text: &str, sentence: Range<usize>, lex: &'l Lexicon) -> Scan<'l> {
    let s = &text[sentence.clone()];
    let tokens = tokenize(s, sentence.start);
    let finds = lex.find(s);
    let mut hits_at: Vec<Option<(usize, &[Hit])>> = vec![None; tokens.len()];
    for (r, hits) in &finds {
        let start = tokens.binary_search_by_key(&(r.start + sentence.start), |t| t.span.start).ok();
        let end = tokens.binary_search_by_key(&(r.end + sentence.start), |t| t.span.end).ok();
        if let (Some(a), Some(b)) = (start, end) {
            if hits_at[a].is_none() {
                hits_at[a] = Some((b + 1, *hits));
            }
        }
    }
    let (tags, readings) = lex.language.tag_and_read(&tokens, text);
    Scan { sentence, tokens, tags, readings, finds, hits_at }
}
