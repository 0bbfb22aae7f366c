//! Document → article body: finds the main text among page boilerplate (menus, "most read"
//! lists, comment forms, share widgets) from general signals, keeping offsets into the text.
//!
//! The approach is that of jusText and boilerpipe: the text is cut into blocks (lines); each is
//! classified by its length, stop-word ratio, link density, terminal punctuation and whether
//! its shape repeats; the body is the contiguous run of blocks with the highest score
//! (good blocks add their words, bad ones subtract more), and bad blocks inside it are dropped.

use foldhash::{HashMap, HashMapExt};
use std::ops::Range;
use std::sync::LazyLock;

use super::Document;

static STOPWORDS: LazyLock<foldhash::HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../ontology/lexicon/stopwords.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .collect()
});

/// The length of the longest stop word.
static STOPWORD_LEN: LazyLock<usize> = LazyLock::new(|| STOPWORDS.iter().map(|w| w.len()).max().unwrap_or(0));

/// Whether a (lower-case) word is a function word of English (the stop-word list the
/// boilerplate classifier uses).
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(word)
}

/// The article body: byte ranges of `Document::text` kept for extraction, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Body {
    /// Kept blocks (byte ranges, each one line of the text, trimmed).
    pub blocks: Vec<Range<usize>>,
    /// Blocks that were dropped, with the reason (shown by `--verbose`).
    pub dropped: Vec<Dropped>,
    /// The headline: the heading-like block right before the body (also in `blocks`).
    pub headline: Option<Range<usize>>,
}

/// A dropped block and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Dropped {
    /// Byte range in the text.
    pub span: Range<usize>,
    /// The signal that dropped it.
    pub reason: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quality {
    Good,
    Neutral,
    Bad(&'static str),
}

struct Block {
    span: Range<usize>,
    words: usize,
    quality: Quality,
}

/// Splits the text into blocks and keeps the article body.
pub fn clean(doc: &Document) -> Body {
    let text = doc.text.as_str();
    let mut blocks = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            let lead = line.len() - line.trim_start().len();
            blocks.push(start + lead..start + lead + trimmed.len());
        }
        start = end;
    }
    // Shapes that repeat (the same words with other names) are widgets: "Share on X", comment
    // forms, newsletter prompts printed twice.
    let block_shapes: Vec<Vec<u8>> = blocks.iter().map(|b| shape(&text[b.clone()])).collect();
    let mut shapes: HashMap<&[u8], usize> = HashMap::with_capacity(block_shapes.len());
    for s in &block_shapes {
        *shapes.entry(s.as_slice()).or_default() += 1;
    }
    let mut link_iter = doc.links.iter().peekable();
    let classified: Vec<Block> = blocks
        .into_iter()
        .zip(&block_shapes)
        .map(|(span, block_shape)| {
            let mut link_bytes = 0;
            while let Some(l) = link_iter.peek() {
                if l.end <= span.start {
                    link_iter.next();
                    continue;
                }
                if l.start >= span.end {
                    break;
                }
                link_bytes += l.end.min(span.end) - l.start.max(span.start);
                if l.end > span.end {
                    break;
                }
                link_iter.next();
            }
            let s = &text[span.clone()];
            let repeated = shapes.get(block_shape.as_slice()).copied().unwrap_or(0) > 1;
            let (words, quality) = classify(s, link_bytes, repeated);
            Block { span, words, quality }
        })
        .collect();

    // Maximum-sum contiguous run (Kadane): good blocks weigh their words, bad ones more than theirs.
    let weight = |b: &Block| -> i64 {
        match b.quality {
            Quality::Good => b.words as i64,
            Quality::Neutral => -1,
            Quality::Bad(_) => -(b.words as i64 * 3 / 2 + 8),
        }
    };
    let (mut best, mut best_range) = (0i64, 0..0);
    let (mut sum, mut from) = (0i64, 0);
    for (i, b) in classified.iter().enumerate() {
        if sum <= 0 {
            sum = 0;
            from = i;
        }
        sum += weight(b);
        if sum > best {
            best = sum;
            best_range = from..i + 1;
        }
    }
    // The headline sits above the body, among the few blocks before it: the topmost short
    // line that is no sentence and no menu (4 to 25 words, no final punctuation, no path
    // separators). Pages often print it twice, so a repeated block may be it.
    let heading_like = |b: &Block| {
        let s = &text[b.span.clone()];
        let quality_ok = matches!(b.quality, Quality::Neutral | Quality::Bad("repeated widget text"));
        quality_ok && (4..=25).contains(&b.words) && !s.trim_end().ends_with(['.', ':', '|', '/', '!', '?']) && !s.contains(" / ") && !s.contains(" | ")
    };
    // And it is about what the body says: it shares at least two content words with the
    // body's first blocks ("Skip to main content" and the site's name do not).
    let content = |s: &str| -> foldhash::HashSet<String> {
        s.split(|c: char| !c.is_alphanumeric() && c != '-')
            .filter(|w| w.chars().count() > 3)
            .map(str::to_lowercase)
            .filter(|w| !STOPWORDS.contains(w.as_str()))
            .collect()
    };
    let lead: foldhash::HashSet<String> =
        classified[best_range.clone()].iter().take(3).flat_map(|b| content(&text[b.span.clone()])).collect();
    let headline = (best_range.start.saturating_sub(4)..best_range.start)
        .find(|&h| heading_like(&classified[h]) && content(&text[classified[h].span.clone()]).intersection(&lead).count() >= 2);
    // A text with no block that reads as a body (a wire snippet of one short, name-dense
    // sentence) keeps its sentence-like blocks: what ends like a sentence and was not judged
    // boilerplate.
    let fallback = best_range.is_empty();
    let sentence_like = |b: &Block| {
        let s = text[b.span.clone()].trim_end_matches(['"', '”', '’', '\'', ')', ']', '}']);
        matches!(b.quality, Quality::Neutral) && b.words >= 6 && s.ends_with(['.', '!', '?'])
    };
    // Photo captions state facts of the story ("Palestinians celebrate in Khan Younis, southern
    // Gaza, January 15, 2025. REUTERS/Name"), above the body or inside it.
    let spans: Vec<Range<usize>> = classified.iter().map(|b| b.span.clone()).collect();
    let caption_at = |i: usize| caption(&text[spans[i].clone()], spans.get(i + 1).map(|n| &text[n.clone()]));
    let mut body = Body { headline: headline.map(|h| classified[h].span.clone()), ..Body::default() };
    for (i, b) in classified.into_iter().enumerate() {
        let kept_anyway = best_range.contains(&i) && !matches!(b.quality, Quality::Bad(_));
        if Some(i) == headline || fallback && sentence_like(&b) || !kept_anyway && !matches!(b.quality, Quality::Bad("mostly links")) && caption_at(i) {
            body.blocks.push(b.span);
        } else if !best_range.contains(&i) {
            body.dropped.push(Dropped { span: b.span, reason: "outside the article body" });
        } else if let Quality::Bad(reason) = b.quality {
            body.dropped.push(Dropped { span: b.span, reason });
        } else {
            body.blocks.push(b.span);
        }
    }
    body
}

/// Photo credits that close or follow a caption.
const CREDITS: &[&str] = &["reuters/", "(ap photo", "ap photo/", "getty images", "afp via", "/afp", "(photo by", "(photo:", "photo credit", "epa-efe", "/handout", "via reuters", "image courtesy", "(photo courtesy"];

/// The earliest photo credit of a lower-case text, in one pass over it.
static CREDIT_FINDER: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder().match_kind(aho_corasick::MatchKind::LeftmostFirst).build(CREDITS).expect("the credits are plain strings")
});

/// Whether a block is a photo caption: a sentence of six words or more that carries a photo
/// credit or is followed by one, or that ends with a place and the day the photo was taken
/// ("… in Yerevan, Armenia 27 October 2020").
fn caption(s: &str, next: Option<&str>) -> bool {
    let words = |t: &str| t.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).count();
    // Captions are short sentences.
    if s.len() > 400 || words(s) < 6 {
        return false;
    }
    let lower = s.to_lowercase();
    let credit_at = CREDIT_FINDER.find(&lower).map(|m| m.start());
    let lowercase_word = |t: &str| t.split_whitespace().any(|w| w.len() > 2 && w.chars().all(|c| c.is_lowercase()) && !STOPWORDS.contains(w));
    let sentence = |t: &str| words(t) >= 6 && lowercase_word(t);
    if let Some(at) = credit_at {
        return sentence(&s[..at]);
    }
    let credit_follows = next.is_some_and(|n| {
        let n = n.to_lowercase();
        words(&n) <= 8 && CREDIT_FINDER.is_match(&n)
    });
    if credit_follows && sentence(s) {
        return true;
    }
    // Ends with a full date after a comma-separated place: "… in Kyiv, Ukraine, January 5, 2023."
    let trimmed = s.trim_end_matches(['.', ' ']);
    if !trimmed.ends_with(|c: char| c.is_ascii_digit()) || !trimmed.contains(", ") || !sentence(trimmed) {
        return false;
    }
    let dates = crate::language::dates::absolute_dates(trimmed);
    dates.last().is_some_and(|(r, _)| r.end == trimmed.len() && trimmed[..r.start].contains(", ")) && sentence(trimmed) && words(s) <= 40
}

/// The words of a block and how many of them are stop words, capitalised, and lower-case
/// content words ("supported", "visit": prose has them, menus and name lists not). A word is a
/// run of letters, digits and apostrophes with a letter in it.
#[derive(Debug, Default, PartialEq)]
struct WordCounts {
    words: usize,
    stop: usize,
    capitalised: usize,
    lower_content: usize,
}

impl WordCounts {
    fn add(&mut self, w: &str, is_stop: bool) {
        self.words += 1;
        self.stop += usize::from(is_stop);
        if w.chars().next().is_some_and(char::is_uppercase) {
            self.capitalised += 1;
        } else if !is_stop && w.len() > 2 && w.bytes().all(|b| b.is_ascii_lowercase()) {
            self.lower_content += 1;
        }
    }

    fn of(s: &str) -> WordCounts {
        if !s.is_ascii() {
            return WordCounts::of_any(s);
        }
        // Byte by byte, most blocks being ASCII: a word ends at a byte that is neither a
        // letter, a digit nor an apostrophe; a word longer than every stop word is none.
        let mut counts = WordCounts::default();
        let mut lower = String::new();
        let (mut start, mut alphabetic) = (0, false);
        for (i, &b) in s.as_bytes().iter().chain(std::iter::once(&b' ')).enumerate() {
            if b.is_ascii_alphanumeric() || b == b'\'' {
                alphabetic |= b.is_ascii_alphabetic();
                continue;
            }
            if alphabetic {
                let w = &s[start..i];
                let is_stop = w.len() <= *STOPWORD_LEN && {
                    lower.clear();
                    lower.push_str(w);
                    lower.make_ascii_lowercase();
                    STOPWORDS.contains(lower.as_str())
                };
                counts.add(w, is_stop);
            }
            (start, alphabetic) = (i + 1, false);
        }
        counts
    }

    /// [`WordCounts::of`] for any text.
    fn of_any(s: &str) -> WordCounts {
        let mut counts = WordCounts::default();
        let mut lower = String::new();
        for w in s.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’') {
            if !w.chars().any(char::is_alphabetic) {
                continue;
            }
            lower.clear();
            push_lowercase(&mut lower, w);
            counts.add(w, STOPWORDS.contains(lower.as_str()));
        }
        counts
    }
}

fn classify(s: &str, link_bytes: usize, repeated: bool) -> (usize, Quality) {
    let WordCounts { words, stop, capitalised, lower_content } = WordCounts::of(s);
    let chars = s.len().max(1);
    let terminal = s.trim_end_matches(['"', '”', '’', '\'', ')', ']', '*']).ends_with(['.', '!', '?']);
    let stop_ratio = stop as f64 / words.max(1) as f64;
    let quality = if words == 0 {
        Quality::Bad("no words")
    } else if link_bytes * 2 > chars {
        Quality::Bad("mostly links")
    } else if repeated && (words < 12 || !terminal) {
        Quality::Bad("repeated widget text")
    } else if words >= 5 && stop_ratio < 0.12 && capitalised * 10 >= words * 6 && !(terminal && words >= 8 && (stop >= 2 || lower_content >= 1 && stop + lower_content >= 2)) {
        // A sentence dense with names ("Arab League Secretary General X undertook mediation
        // between Syria and Y.", "Ivorian President X received Ghanaian President Y in
        // Abidjan.") is still a sentence: it ends like one and has function or content words.
        Quality::Bad("list of names or menu items")
    } else if s.starts_with(|c: char| c.is_ascii_digit()) && s[1..].trim_start_matches(|c: char| c.is_ascii_digit()).starts_with(' ') && words < 20 && !terminal {
        Quality::Bad("numbered list item")
    } else if words >= 8 && stop_ratio >= 0.2 && (terminal || words >= 20) {
        Quality::Good
    } else if words >= 25 && stop_ratio >= 0.15 {
        Quality::Good
    } else {
        Quality::Neutral
    };
    (words, quality)
}

/// Appends `w` in lower case, without a string of its own (most words are ASCII).
fn push_lowercase(out: &mut String, w: &str) {
    if w.is_ascii() {
        let from = out.len();
        out.push_str(w);
        out[from..].make_ascii_lowercase();
    } else {
        out.push_str(&w.to_lowercase());
    }
}

/// The shape of a block: lower-case words with capitalised words and numbers blanked, so
/// "Share on Twitter" and "Share on Facebook" have the same shape.
fn shape(s: &str) -> Vec<u8> {
    if !s.is_ascii() {
        return shape_of_any(s);
    }
    // Byte by byte, most blocks being ASCII (at the whitespace `split_whitespace` splits at).
    let mut out = Vec::with_capacity(s.len() + 1);
    for w in s.as_bytes().split(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')).filter(|w| !w.is_empty()) {
        if w[0].is_ascii_uppercase() || w[0].is_ascii_digit() {
            out.extend_from_slice(b"X ");
        } else {
            out.extend(w.iter().map(u8::to_ascii_lowercase));
            out.push(b' ');
        }
    }
    out
}

/// [`shape`] for any text.
fn shape_of_any(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 1);
    let mut lower = String::new();
    for w in s.split_whitespace() {
        let first = w.chars().next().unwrap_or(' ');
        if first.is_uppercase() || first.is_ascii_digit() {
            out.extend_from_slice(b"X ");
        } else {
            lower.clear();
            push_lowercase(&mut lower, w);
            out.extend_from_slice(lower.as_bytes());
            out.push(b' ');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_blocks_are_read_as_any_text_is() {
        for s in [
            "Share on Twitter",
            "The ceasefire, brokered by Qatar's envoys, took effect at 0400 GMT on Sunday.",
            "  rebels' positions\tshelled\x0bagain  - 1,200 displaced; O'Brien said: \"THE END\" 3rd ",
            "iPhone users and the 1990s   ''  -- a",
            "",
        ] {
            assert_eq!(WordCounts::of(s), WordCounts::of_any(s), "{s:?}");
            assert_eq!(shape(s), shape_of_any(s), "{s:?}");
        }
        let counts = WordCounts::of("The talks in Doha went on");
        assert_eq!(counts, WordCounts { words: 6, stop: 3, capitalised: 2, lower_content: 2 });
    }

    fn body_text(text: &str) -> Vec<String> {
        let doc = Document { text: text.into(), ..Document::default() };
        clean(&doc).blocks.into_iter().map(|r| text[r].to_owned()).collect()
    }

    #[test]
    fn keeps_the_article_and_drops_menus_and_widgets() {
        let text = "Home News Sport Business Culture Travel Weather\n\
            Headline About Something\n\
            The government said on Monday that it would hold talks with the rebels in the capital, and that a deal was close.\n\
            Officials from both sides met for several hours but did not agree on the terms of the truce, according to the ministry.\n\
            Share on Facebook\nShare on Twitter\nShare on Email\n\
            Most Read\n1 Something else happened somewhere\n2 Another story elsewhere today\n";
        let kept = body_text(text);
        assert!(kept.iter().any(|b| b.starts_with("The government said")));
        assert!(kept.iter().any(|b| b.starts_with("Officials from both")));
        assert!(!kept.iter().any(|b| b.starts_with("Home News") || b.starts_with("Share on") || b.starts_with("1 ")));
    }

    #[test]
    fn repeated_comment_form_lines_are_dropped() {
        let para = "The minister told reporters that the agreement would be signed by both parties before the end of the month.\n";
        // A paragraph printed twice (a summary repeated in the body) is prose, not a widget.
        let text = format!("{para}{para}Leave a Reply\nYou are commenting using your Google account. Log Out / Change )\nYou are commenting using your Twitter account. Log Out / Change )\n");
        let kept = body_text(&text);
        assert!(!kept.iter().any(|b| b.contains("commenting")));
        assert_eq!(kept.iter().filter(|b| b.starts_with("The minister")).count(), 2);
    }

    #[test]
    fn the_headline_above_the_body_is_kept_and_site_chrome_is_not() {
        let text = "Skip to main content\nDaily Planet World News\nRebels seize port city as ceasefire talks stall in Geneva\n\
            Rebel fighters seized the port city of Kismayo on Monday, the army said, as ceasefire talks between the government and the rebels stalled in Geneva for a third day.\n\
            The army said its troops had withdrawn from the port to avoid civilian casualties and that talks would resume on Thursday under the mediation of the African Union.\n";
        let doc = Document { text: text.into(), ..Document::default() };
        let body = clean(&doc);
        let headline = body.headline.clone().map(|r| &text[r]);
        assert_eq!(headline, Some("Rebels seize port city as ceasefire talks stall in Geneva"));
        let kept = body_text(text);
        assert_eq!(kept.len(), 3, "{kept:?}");
        assert!(!kept.iter().any(|b| b.contains("Skip") || b.contains("Daily Planet")));
    }

    #[test]
    fn a_wire_sentence_dense_with_names_is_the_body() {
        for text in [
            "Russian President Vladimir Putin has long supported Venezuelan President Nicolas Maduro.\n",
            "Ivorian President Alassane Ouattara received Ghanaian President John Mahama in Abidjan.\n",
        ] {
            assert_eq!(body_text(text).len(), 1, "{text}");
        }
        assert!(body_text("Home News World Africa Middle East Ukraine Sport Business Opinion.\n").is_empty());
    }

    #[test]
    fn photo_captions_are_kept() {
        let body = "The army said on Monday that its troops had pushed the rebels out of the town after two days of fighting, and that the road to the capital was open again.\n\
            Officials said the talks between the two sides would resume next week in the capital, under the mediation of the regional bloc, if the truce held.\n";
        for caption in [
            "Palestinians celebrate in Khan Younis, southern Gaza, January 15, 2025. REUTERS/Hatem Khaled",
            "A Ukrainian soldier walks past trenches near Debaltseve, Ukraine, February 16, 2015. (AP Photo/Ivan Petrov)",
            "Displaced families shelter in a school in Port Sudan, Sudan, June 3, 2024",
        ] {
            let text = format!("Skip to content\n{caption}\nPublished 3 June 2024\n{body}Sign up for our newsletter\n");
            let kept = body_text(&text);
            assert!(kept.iter().any(|b| b == caption), "{caption}: {kept:?}");
            assert!(!kept.iter().any(|b| b.starts_with("Skip") || b.starts_with("Published") || b.starts_with("Sign up")), "{kept:?}");
        }
    }
}
