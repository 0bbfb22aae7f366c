//! Text → tokens and normal forms: the tokenizer, accent/case folding, slugs and the
//! transliteration-tolerant person keys that make "Pashinyan" and "Pashinian" one person.

use std::ops::Range;

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters (and digits inside a word).
    Word,
    /// Digits, with thousands separators and decimals ("1,960", "2.5").
    Number,
    /// Anything else, one character.
    Punct,
}

/// A token: a byte range of the text it was cut from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte range.
    pub span: Range<usize>,
    /// Kind.
    pub kind: TokenKind,
    /// Lower-cased, with ’ as '.
    pub lower: String,
}

/// Cuts text into words, numbers and punctuation. "'s" is its own token; hyphens are their
/// own tokens so that "Moscow-brokered" is `Moscow` `-` `brokered`; dotted acronyms ("U.S.")
/// stay whole.
pub fn tokenize(text: &str, offset: usize) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    // A token for every four characters or so (a word and its space): room enough, mostly.
    let mut out = Vec::with_capacity(n / 4 + 2);
    let end_of = |i: usize| if i < n { chars[i].0 } else { text.len() };
    let mut i = 0;
    // Inside a quotation opened by a single quote, whose closing quote is no possessive.
    let mut single_quoted = false;
    while i < n {
        let (start, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let mut j = i + 1;
            while j < n {
                let d = chars[j].1;
                if d.is_ascii_digit() {
                    j += 1;
                } else if matches!(d, ',' | '.') && j + 1 < n && chars[j + 1].1.is_ascii_digit() {
                    j += 2;
                } else {
                    break;
                }
            }
            // "1990s", "27th": letters glued to a number stay with it.
            while j < n && chars[j].1.is_alphabetic() {
                j += 1;
            }
            push(&mut out, text, offset, start..end_of(j), TokenKind::Number);
            i = j;
            continue;
        }
        if c.is_alphanumeric() {
            let mut j = i + 1;
            // Dotted acronym: single letters each followed by a dot ("U.S.", "U.N.").
            if c.is_uppercase() && j + 1 < n && chars[j].1 == '.' && chars[j + 1].1.is_uppercase() {
                let mut k = i;
                while k + 1 < n && chars[k].1.is_uppercase() && chars[k + 1].1 == '.' {
                    k += 2;
                }
                if k - i >= 4 {
                    push(&mut out, text, offset, start..end_of(k), TokenKind::Word);
                    i = k;
                    continue;
                }
            }
            while j < n {
                let d = chars[j].1;
                if d.is_alphanumeric() || is_combining_mark(d) {
                    j += 1;
                } else if matches!(d, '\'' | '’') && j + 1 < n && chars[j + 1].1.is_alphabetic() {
                    // "'s" splits off; "n't" and "O'Brien" stay whole.
                    let next = chars[j + 1].1;
                    let after = if j + 2 < n { chars[j + 2].1 } else { ' ' };
                    if matches!(next, 's' | 'S') && !after.is_alphanumeric() {
                        break;
                    }
                    j += 2;
                } else {
                    break;
                }
            }
            push(&mut out, text, offset, start..end_of(j), TokenKind::Word);
            i = j;
            continue;
        }
        if matches!(c, '\'' | '’') && i + 1 < n && matches!(chars[i + 1].1, 's' | 'S') && (i + 2 >= n || !chars[i + 2].1.is_alphanumeric()) {
            push(&mut out, text, offset, start..end_of(i + 2), TokenKind::Word);
            i += 2;
            continue;
        }
        // A plural's possessive, an apostrophe after its "s" ("the rebels' main backer"),
        // reads as "'s" (unless it closes a quotation opened by a single quote).
        if matches!(c, '\'' | '’') {
            let glued_s = i > 0 && matches!(chars[i - 1].1, 's' | 'S');
            let word_after = i + 2 < n && chars[i + 1].1 == ' ' && chars[i + 2].1.is_alphanumeric();
            if glued_s && word_after && !single_quoted {
                out.push(Token { span: start + offset..end_of(i + 1) + offset, kind: TokenKind::Word, lower: "'s".to_string() });
                i += 1;
                continue;
            }
            let opening = (i == 0 || chars[i - 1].1.is_whitespace()) && i + 1 < n && chars[i + 1].1.is_alphanumeric();
            single_quoted = opening;
        } else if c == '‘' {
            single_quoted = true;
        }
        push(&mut out, text, offset, start..end_of(i + 1), TokenKind::Punct);
        i += 1;
    }
    out
}

fn push(out: &mut Vec<Token>, text: &str, offset: usize, span: Range<usize>, kind: TokenKind) {
    let word = &text[span.clone()];
    // One allocation per token: most words are ASCII, and few hold a ’.
    let lower = if word.is_ascii() {
        word.to_ascii_lowercase()
    } else if word.contains('’') {
        word.to_lowercase().replace('’', "'")
    } else {
        word.to_lowercase()
    };
    out.push(Token { span: span.start + offset..span.end + offset, kind, lower });
}

/// Case- and accent-folded form: NFKD, combining marks dropped, lower case, ’ → ',
/// whitespace collapsed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    // ASCII has nothing to decompose: the same folding, byte by byte.
    if s.is_ascii() {
        for b in s.bytes() {
            if b.is_ascii_whitespace() {
                space = !out.is_empty();
                continue;
            }
            if space {
                out.push(' ');
                space = false;
            }
            out.push(b.to_ascii_lowercase() as char);
        }
        return out;
    }
    for c in s.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = if c == '’' || c == '‘' { '\'' } else { c };
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// A slug for IRIs: folded, runs of anything but ASCII letters and digits become one `-`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in fold(s).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Whether a word starts with an upper-case letter.
pub fn is_capitalised(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        tokenize(s, 0).into_iter().map(|t| s[t.span].to_owned()).collect()
    }

    #[test]
    fn tokenizer_table() {
        assert_eq!(words("Moscow-brokered deal"), ["Moscow", "-", "brokered", "deal"]);
        assert_eq!(words("Azerbaijan's ally"), ["Azerbaijan", "'s", "ally"]);
        assert_eq!(words("Russia’s army"), ["Russia", "’s", "army"]);
        // A plural's possessive reads as "'s"; a closing single quote does not.
        let lower = |t: &str| tokenize(t, 0).into_iter().map(|t| t.lower).collect::<Vec<_>>();
        assert_eq!(lower("the rebels' main backer"), ["the", "rebels", "'s", "main", "backer"]);
        assert_eq!(lower("a 'peace process' and a truce"), ["a", "'", "peace", "process", "'", "and", "a", "truce"]);
        assert_eq!(words("1,960 troops, 2.5 million"), ["1,960", "troops", ",", "2.5", "million"]);
        assert_eq!(words("the U.S. and U.K."), ["the", "U.S.", "and", "U.K."]);
        assert_eq!(words("couldn't O'Brien"), ["couldn't", "O'Brien"]);
        assert_eq!(words("Erdoğan (AFP)"), ["Erdoğan", "(", "AFP", ")"]);
        assert_eq!(words("the 1990s"), ["the", "1990s"]);
    }

    #[test]
    fn fold_and_slug() {
        assert_eq!(fold("Erdoğan  Çavuşoğlu"), "erdogan cavusoglu");
        assert_eq!(slug("Nagorno-Karabakh Republic"), "nagorno-karabakh-republic");
        assert_eq!(slug("  Côte d’Ivoire "), "cote-d-ivoire");
    }
}
