//! Text → dates: absolute dates in the common news formats, weekdays and month-days resolved
//! against the document's date, bare years; and the publication date of a document.

use std::ops::Range;
use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::Regex;

/// A date found in text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateValue {
    /// A calendar day.
    Day(NaiveDate),
    /// A year only.
    Year(i32),
}

// Word boundaries are ASCII ones, `(?-u:\b)`: a Unicode boundary keeps the regex engine off
// its DFA wherever the text has a character beyond ASCII (a curly quote, an accent), so
// that every document took the slow path. Dates are ASCII words and digits either way.
const MONTHS: &str = r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)";

static ISO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?-u:\b)(\d{4})-(\d{2})-(\d{2})(?:(?-u:\b)|T)").unwrap());
static MDY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?-u:\b)({MONTHS})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*|\s+)(\d{{4}})(?-u:\b)")).unwrap());
static DMY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?-u:\b)(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTHS})\s*,?\s+(\d{{4}})(?-u:\b)")).unwrap());
static MD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?-u:\b)({MONTHS})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?-u:\b)(?:,?\s+\d{{4}})?")).unwrap());
static DM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?-u:\b)(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTHS})(?-u:\b)(?:\s*,?\s+\d{{4}})?")).unwrap());
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|tonight|overnight)(?-u:\b)").unwrap()
});
static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?-u:\b)(?:in|since|of|from|until|by)\s+((?:1[6-9]|20)\d{2})(?-u:\b)").unwrap());

/// Whether `text` has an ASCII digit (every date pattern but weekdays needs one).
fn has_digit(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
}

fn month(s: &str) -> Option<u32> {
    let s = s.trim_end_matches('.').to_ascii_lowercase();
    let m = match s.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

/// Parses a whole string as a date ("2020-11-10", "November 10, 2020", "10 Nov 2020",
/// an RFC 3339 timestamp).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    absolute_dates(s).into_iter().next().map(|(_, d)| d)
}

/// Every absolute (year-bearing) date in the text, in text order.
pub fn absolute_dates(text: &str) -> Vec<(Range<usize>, NaiveDate)> {
    let mut out = Vec::new();
    // Every absolute date has a digit; most sentences have none, and a byte scan is cheaper
    // than running the patterns.
    if !has_digit(text) {
        return out;
    }
    for c in ISO.captures_iter(text) {
        let (y, m, d) = (c[1].parse().ok(), c[2].parse().ok(), c[3].parse().ok());
        if let (Some(y), Some(m), Some(d)) = (y, m, d) {
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                out.push((c.get(0).unwrap().range(), date));
            }
        }
    }
    for c in MDY.captures_iter(text) {
        if let (Some(m), Ok(d), Ok(y)) = (month(&c[1]), c[2].parse(), c[3].parse()) {
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                out.push((c.get(0).unwrap().range(), date));
            }
        }
    }
    for c in DMY.captures_iter(text) {
        if let (Ok(d), Some(m), Ok(y)) = (c[1].parse(), month(&c[2]), c[3].parse()) {
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                out.push((c.get(0).unwrap().range(), date));
            }
        }
    }
    out.sort_by_key(|(r, _)| r.start);
    out
}

/// The publication date of an article: an explicit `date YYYY-MM-DD` (or `Date:`) marker, else a line
/// that is only a date (a byline or dateline), else the latest full date in the text
/// (news reports on the most recent day it mentions).
pub fn publication_date(text: &str) -> Option<NaiveDate> {
    let dates = absolute_dates(text);
    for (r, d) in &dates {
        // "date 2020-11-10", "Date: 2023-01-06".
        if text[..r.start].trim_end().trim_end_matches(':').trim_end().to_ascii_lowercase().ends_with("date") {
            return Some(*d);
        }
    }
    for (r, d) in &dates {
        let line_start = text[..r.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[r.end..].find('\n').map_or(text.len(), |i| r.end + i);
        let rest: String = text[r.end..line_end].chars().filter(|c| !c.is_ascii_digit() && !matches!(c, ':' | ' ' | ',')).collect();
        let before = text[line_start..r.start].trim().trim_matches(|c: char| !c.is_alphanumeric());
        if (before.is_empty() || before.eq_ignore_ascii_case("updated") || before.eq_ignore_ascii_case("published"))
            && rest.trim_matches(|c: char| !c.is_alphanumeric()).len() <= 3
        {
            return Some(*d);
        }
    }
    dates.iter().map(|(_, d)| *d).max()
}

fn weekday(s: &str) -> Option<Weekday> {
    s.parse().ok()
}

/// Every date expression of a sentence, resolved against the document date when relative.
/// `future` says the context looks forward ("starting Saturday", "will take effect"), so a
/// weekday is the next one rather than the last one.
pub fn find_dates(sentence: &str, doc_date: Option<NaiveDate>, future: bool) -> Vec<(Range<usize>, DateValue)> {
    let mut out: Vec<(Range<usize>, DateValue)> =
        absolute_dates(sentence).into_iter().map(|(r, d)| (r, DateValue::Day(d))).collect();
    let taken = |out: &Vec<(Range<usize>, DateValue)>, r: &Range<usize>| out.iter().any(|(o, _)| o.start < r.end && r.start < o.end);
    let digits = has_digit(sentence);
    if let Some(doc) = doc_date {
        for re in [&*MD, &*DM].into_iter().filter(|_| digits) {
            for c in re.captures_iter(sentence) {
                let r = c.get(0).unwrap().range();
                if taken(&out, &r) {
                    continue;
                }
                let (m, d) = if c[1].chars().next().unwrap().is_ascii_digit() {
                    (month(&c[2]), c[1].parse().ok())
                } else {
                    (month(&c[1]), c[2].parse().ok())
                };
                if let (Some(m), Some(d)) = (m, d) {
                    // The year of the document, unless that puts the day over half a year away.
                    let mut year = doc.year();
                    if let Some(date) = NaiveDate::from_ymd_opt(year, m, d) {
                        if (date - doc).num_days() > 183 {
                            year -= 1;
                        } else if (doc - date).num_days() > 183 {
                            year += 1;
                        }
                    }
                    if let Some(date) = NaiveDate::from_ymd_opt(year, m, d) {
                        out.push((r, DateValue::Day(date)));
                    }
                }
            }
        }
        for c in WEEKDAY.captures_iter(sentence) {
            let r = c.get(0).unwrap().range();
            if taken(&out, &r) {
                continue;
            }
            let word = &c[1];
            let date = match word {
                "today" | "tonight" | "overnight" => doc,
                "yesterday" => doc - Duration::days(1),
                _ => {
                    let Some(w) = weekday(word) else { continue };
                    let diff = (w.num_days_from_monday() as i64) - (doc.weekday().num_days_from_monday() as i64);
                    if diff == 0 {
                        doc
                    } else if future {
                        doc + Duration::days(diff.rem_euclid(7))
                    } else {
                        doc - Duration::days((-diff).rem_euclid(7))
                    }
                }
            };
            out.push((r, DateValue::Day(date)));
        }
    }
    let years = if digits { YEAR.captures_iter(sentence).collect() } else { Vec::new() };
    for c in years {
        let r = c.get(1).unwrap().range();
        if taken(&out, &r) {
            continue;
        }
        if let Ok(y) = c[1].parse() {
            out.push((r, DateValue::Year(y)));
        }
    }
    out.sort_by_key(|(r, _)| r.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn absolute_formats() {
        for (text, want) in [
            ("2020-11-10", "2020-11-10"),
            ("November 10, 2020", "2020-11-10"),
            ("10 November 2020", "2020-11-10"),
            ("Nov. 3, 2021", "2021-11-03"),
            ("3rd March 2019", "2019-03-03"),
            ("2024-02-29T10:00:00Z", "2024-02-29"),
        ] {
            assert_eq!(parse_date(text), Some(d(want)), "{text}");
        }
        assert_eq!(parse_date("February 30, 2020"), None);
    }

    #[test]
    fn publication_date_prefers_marker_then_dateline_then_latest() {
        assert_eq!(publication_date(" date 2021-05-04 News\nOn May 1, 2021 it began."), Some(d("2021-05-04")));
        // A "Date:" header wins over a later date in the text (a caption's "released January 11").
        assert_eq!(publication_date("Date: 2023-01-06\n\nA picture released January 11, 2023."), Some(d("2023-01-06")));
        assert_eq!(publication_date("Headline\n\nMarch 3, 2022\n\nIn January 5, 2023 x."), Some(d("2022-03-03")));
        assert_eq!(publication_date("It began on 2 May 2019 and ended on 9 May 2019."), Some(d("2019-05-09")));
        assert_eq!(publication_date("No dates here."), None);
    }

    #[test]
    fn relative_dates_resolve_against_the_document_date() {
        let doc = Some(d("2020-11-10")); // a Tuesday
        let first = |s: &str, future: bool| find_dates(s, doc, future).first().map(|x| x.1);
        assert_eq!(first("It takes effect on Tuesday.", false), Some(DateValue::Day(d("2020-11-10"))));
        assert_eq!(first("Talks were held on Saturday.", false), Some(DateValue::Day(d("2020-11-07"))));
        assert_eq!(first("A truce starting Saturday.", true), Some(DateValue::Day(d("2020-11-14"))));
        assert_eq!(first("Fighting flared on Sept. 27.", false), Some(DateValue::Day(d("2020-09-27"))));
        assert_eq!(first("Troops leave by Dec. 1.", true), Some(DateValue::Day(d("2020-12-01"))));
        assert_eq!(first("A truce was signed in 1994.", false), Some(DateValue::Year(1994)));
        assert_eq!(find_dates("on Tuesday", None, false), vec![]);
    }
}
