//! Gazetteer + sentence templates → a synthetic news corpus of any size, for benchmarks and for
//! tests that need more text than the seeds: articles about real countries, capitals, cities and
//! organisations of the lexicon, people and armed groups no data file lists, page boilerplate
//! around them, written as `.txt` pages and as JSON Lines.
//!
//! The corpus is deterministic: article `i` depends only on the seed and `i`, so the same seed
//! gives the same bytes on every machine, and a 10 MB corpus is the first part of a 100 MB one.
//! That is why the random numbers come from a fixed, documented generator (SplitMix64) rather
//! than a library whose streams may change between versions.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::NaiveDate;

use crate::extract::Lexicon;

/// The sentence templates (`src/corpus/templates.txt`; its header documents the slots).
pub const TEMPLATES: &str = include_str!("templates.txt");

/// Given names and surnames for people: deliberately not in any data file, so that the extractor
/// has to recognise them from context (a title before them, a role after them).
const GIVEN: [&str; 24] = [
    "Amara", "Tomas", "Leila", "Dmitri", "Nadia", "Kwame", "Ines", "Rafael", "Yusuf", "Mei", "Arjun", "Elena",
    "Omar", "Sofia", "Jonas", "Farida", "Pavel", "Amina", "Mateo", "Hana", "Tariq", "Greta", "Samuel", "Zainab",
];
const SURNAMES: [&str; 24] = [
    "Okafor", "Varga", "Haddad", "Petrov", "Lindqvist", "Mensah", "Castillo", "Rahimi", "Nakamura", "Kovacs",
    "Bianchi", "Osei", "Suleiman", "Novak", "Mwangi", "Ferreira", "Aziz", "Demir", "Ivanova", "Kaur", "Moreau",
    "Tembo", "Halvorsen", "Quispe",
];
/// Parts of armed-group names: recognised by their suffix, not by a list.
const GROUP_ADJECTIVES: [&str; 10] =
    ["Eastern", "Northern", "Southern", "Western", "Popular", "National", "Revolutionary", "United", "Free", "Patriotic"];
const GROUP_NOUNS: [&str; 6] = ["Liberation", "Resistance", "Defence", "Salvation", "Unity", "Freedom"];
const GROUP_SUFFIXES: [&str; 4] = ["Front", "Army", "Movement", "Brigades"];
const OUTLETS: [&str; 5] = ["The Daily Courier", "World Herald", "The Evening Record", "Global Dispatch", "The Observer Post"];
const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
];

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast and fixed forever, which is all a corpus
/// generator needs.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// A country as the templates use it.
#[derive(Clone, Debug)]
struct CountryInfo {
    name: String,
    adjective: String,
    capital: String,
    cities: Vec<String>,
}

/// The templates of one section.
#[derive(Clone, Debug, Default)]
struct Sections {
    headline: Vec<String>,
    lede: Vec<String>,
    fact: Vec<String>,
    filler: Vec<String>,
    top: Vec<String>,
    bottom: Vec<String>,
}

impl Sections {
    fn parse(text: &str) -> Self {
        let mut sections = Sections::default();
        let mut current: Option<&mut Vec<String>> = None;
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                current = match name {
                    "headline" => Some(&mut sections.headline),
                    "lede" => Some(&mut sections.lede),
                    "fact" => Some(&mut sections.fact),
                    "filler" => Some(&mut sections.filler),
                    "top" => Some(&mut sections.top),
                    "bottom" => Some(&mut sections.bottom),
                    _ => None,
                };
            } else if let Some(list) = current.as_deref_mut() {
                list.push(line.to_owned());
            }
        }
        sections
    }
}

/// One generated article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Article {
    /// Identifier (`article-0000042`), also the file stem.
    pub id: String,
    /// Headline.
    pub title: String,
    /// Publication date.
    pub date: NaiveDate,
    /// The article text alone: paragraphs separated by blank lines.
    pub body: String,
    /// The whole page as plain text: navigation, headline, date line, body, "most read" list,
    /// comment form and footer.
    pub page: String,
}

/// What [`Corpus::write`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CorpusSummary {
    /// Articles written (each both as a page and as a JSON line).
    pub articles: u64,
    /// Bytes of the `.txt` pages.
    pub text_bytes: u64,
    /// Bytes of `articles.jsonl`.
    pub jsonl_bytes: u64,
}

/// A generator of articles over a lexicon's countries and organisations.
#[derive(Clone, Debug)]
pub struct Corpus {
    seed: u64,
    countries: Vec<CountryInfo>,
    orgs: Vec<String>,
    agencies: Vec<String>,
    sections: Sections,
}

impl Corpus {
    /// A generator drawing on `lexicon`'s countries (those with a demonym and a capital), cities,
    /// intergovernmental organisations, alliances and news agencies, with random stream `seed`.
    pub fn new(lexicon: &Lexicon, seed: u64) -> Self {
        let mut cities: Vec<Vec<String>> = vec![Vec::new(); lexicon.countries.len()];
        for place in &lexicon.places {
            if let (Some(c), "city") = (place.country, place.kind.as_str()) {
                // Short, plain names read like news; the gazetteer also has long official ones.
                if place.name.len() <= 14 && place.name.chars().all(|ch| ch.is_alphabetic() || ch == ' ') {
                    cities[c].push(place.name.clone());
                }
            }
        }
        let countries = lexicon
            .countries
            .iter()
            .zip(cities)
            .filter_map(|(c, cities)| {
                let capital = lexicon.places.get(c.capital?)?.name.clone();
                let adjective = c.demonym.clone()?;
                Some(CountryInfo { name: c.name.clone(), adjective, capital, cities })
            })
            .collect();
        let orgs_of = |kinds: &[&str]| -> Vec<String> {
            lexicon.orgs.iter().filter(|o| kinds.contains(&o.kind.as_str())).map(|o| o.name.clone()).collect()
        };
        Self {
            seed,
            countries,
            orgs: orgs_of(&["intergovernmental", "alliance"]),
            agencies: orgs_of(&["news_agency"]),
            sections: Sections::parse(TEMPLATES),
        }
    }

    /// Article number `i`: the same for the same seed and lexicon, whatever else was generated.
    pub fn article(&self, i: u64) -> Article {
        let mut rng = Rng(self.seed ^ i.wrapping_mul(0xD1B5_4A32_D192_ED03));
        let cast = Cast::draw(self, &mut rng);
        let s = &self.sections;
        let title = cast.fill(rng.pick(&s.headline).as_str(), &mut rng);
        let mut body = cast.fill(rng.pick(&s.lede).as_str(), &mut rng);
        let length = 2_500 + rng.below(5_000);
        // Real articles rarely repeat a sentence: a template is used once while others remain.
        let mut used: Vec<*const String> = Vec::new();
        while body.len() < length {
            body.push_str("\n\n");
            for k in 0..1 + rng.below(3) {
                if k > 0 {
                    body.push(' ');
                }
                let list = if rng.chance(45) { &s.fact } else { &s.filler };
                let mut template = rng.pick(list);
                for _ in 0..4 {
                    if !used.contains(&std::ptr::from_ref(template)) {
                        break;
                    }
                    template = rng.pick(list);
                }
                used.push(std::ptr::from_ref(template));
                body.push_str(&cast.fill(template.as_str(), &mut rng));
            }
        }
        let mut page = String::with_capacity(body.len() + 1_000);
        for line in &s.top {
            page.push_str(line);
            page.push('\n');
        }
        let _ = write!(page, "\n{title}\n\nBy {} | Published {}\n\n{body}\n\n", cast.reporter, cast.date_text);
        for line in &s.bottom {
            page.push_str(&cast.fill(line, &mut rng));
            page.push('\n');
            if line == "Most read" {
                for n in 1..=5 {
                    let other = Cast::draw(self, &mut rng);
                    let _ = writeln!(page, "{n}. {}", other.fill(rng.pick(&s.headline).as_str(), &mut rng));
                }
            }
        }
        Article { id: format!("article-{i:07}"), title, date: cast.date, body, page }
    }

    /// Writes articles 0, 1, … to `dir` until the pages reach `bytes`: each page as
    /// `dir/txt/NNNN/article-NNNNNNN.txt` (a thousand a folder) and each article as one line of
    /// `dir/articles.jsonl` (`id`, `title`, `date`, `url`, `text` = the body). Existing files
    /// are overwritten.
    pub fn write(&self, dir: &Path, bytes: u64) -> std::io::Result<CorpusSummary> {
        let txt = dir.join("txt");
        fs::create_dir_all(&txt)?;
        let mut jsonl = BufWriter::new(File::create(dir.join("articles.jsonl"))?);
        let mut summary = CorpusSummary::default();
        let mut i = 0;
        while summary.text_bytes < bytes {
            let article = self.article(i);
            let folder = txt.join(format!("{:04}", i / 1000));
            if i % 1000 == 0 {
                fs::create_dir_all(&folder)?;
            }
            fs::write(folder.join(format!("{}.txt", article.id)), &article.page)?;
            let line = serde_json::json!({
                "id": article.id,
                "title": article.title,
                "date": article.date.to_string(),
                "url": format!("https://news.example.org/{}", article.id),
                "text": article.body,
            })
            .to_string();
            jsonl.write_all(line.as_bytes())?;
            jsonl.write_all(b"\n")?;
            summary.articles += 1;
            summary.text_bytes += article.page.len() as u64;
            summary.jsonl_bytes += line.len() as u64 + 1;
            i += 1;
        }
        jsonl.flush()?;
        Ok(summary)
    }
}

/// Who and when one article is about.
struct Cast<'a> {
    countries: [&'a CountryInfo; 4],
    people: [String; 3],
    group: String,
    org: &'a str,
    agency: &'a str,
    outlet: &'a str,
    reporter: String,
    date: NaiveDate,
    date_text: String,
}

impl<'a> Cast<'a> {
    fn draw(corpus: &'a Corpus, rng: &mut Rng) -> Self {
        let mut chosen: Vec<usize> = Vec::with_capacity(4);
        while chosen.len() < 4 {
            let c = rng.below(corpus.countries.len());
            if !chosen.contains(&c) {
                chosen.push(c);
            }
        }
        let countries = [0, 1, 2, 3].map(|k| &corpus.countries[chosen[k]]);
        let mut person = || format!("{} {}", rng.pick(&GIVEN), rng.pick(&SURNAMES));
        let people = [person(), person(), person()];
        let reporter = person();
        let group = format!(
            "{} {} {}",
            rng.pick(&GROUP_ADJECTIVES),
            rng.pick(&GROUP_NOUNS),
            rng.pick(&GROUP_SUFFIXES)
        );
        let year = 2015 + rng.below(11) as i32;
        let (month, day) = (1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
        let date = NaiveDate::from_ymd_opt(year, month, day).expect("days 1 to 28 exist in every month");
        let date_text = format!("{day} {} {year}", MONTHS[month as usize - 1]);
        Cast {
            countries,
            people,
            group,
            org: rng.pick(&corpus.orgs).as_str(),
            agency: rng.pick(&corpus.agencies).as_str(),
            outlet: *rng.pick(&OUTLETS),
            reporter,
            date,
            date_text,
        }
    }

    /// The template with its slots filled; an unknown slot is left as written.
    fn fill(&self, template: &str, rng: &mut Rng) -> String {
        let mut out = String::with_capacity(template.len() + 40);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else { break };
            let slot = &rest[open + 1..open + close];
            self.slot(slot, rng, &mut out);
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }

    fn slot(&self, slot: &str, rng: &mut Rng, out: &mut String) {
        let (name, field) = slot.split_once('.').unwrap_or((slot, ""));
        let country = match name {
            "A" => Some(self.countries[0]),
            "B" => Some(self.countries[1]),
            "C" => Some(self.countries[2]),
            "D" => Some(self.countries[3]),
            _ => None,
        };
        if let Some(c) = country {
            match field {
                "" => out.push_str(&c.name),
                "adj" => out.push_str(&c.adjective),
                "capital" => out.push_str(&c.capital),
                "city" if !c.cities.is_empty() => out.push_str(rng.pick(&c.cities).as_str()),
                "city" => out.push_str(&c.capital),
                _ => {
                    let _ = write!(out, "{{{slot}}}");
                }
            }
            return;
        }
        match slot {
            "P1" => out.push_str(&self.people[0]),
            "P2" => out.push_str(&self.people[1]),
            "P3" => out.push_str(&self.people[2]),
            "group" => out.push_str(&self.group),
            "org" => out.push_str(self.org),
            "agency" => out.push_str(self.agency),
            "outlet" => out.push_str(self.outlet),
            "day" => out.push_str(*rng.pick(&WEEKDAYS)),
            "date" => out.push_str(&self.date_text),
            "year" => {
                let _ = write!(out, "{}", chrono::Datelike::year(&self.date));
            }
            "n" => {
                let _ = write!(out, "{}", 2 + rng.below(400));
            }
            "big" => {
                let n = 1_000 + rng.below(60_000);
                let _ = write!(out, "{},{:03}", n / 1000, n % 1000);
            }
            _ => {
                let _ = write!(out, "{{{slot}}}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus() -> Corpus {
        Corpus::new(Lexicon::builtin(), 7)
    }

    #[test]
    fn every_slot_of_every_template_is_filled() {
        let c = corpus();
        let mut rng = Rng(1);
        let cast = Cast::draw(&c, &mut rng);
        let s = &c.sections;
        for list in [&s.headline, &s.lede, &s.fact, &s.filler, &s.top, &s.bottom] {
            assert!(!list.is_empty());
            for t in list {
                let filled = cast.fill(t, &mut rng);
                assert!(!filled.contains('{') && !filled.contains('}'), "{t} → {filled}");
            }
        }
    }

    #[test]
    fn articles_depend_only_on_seed_and_number() {
        let (a, b) = (corpus(), corpus());
        assert_eq!(a.article(41), b.article(41));
        assert_ne!(a.article(41), a.article(42));
        assert_ne!(a.article(41), Corpus::new(Lexicon::builtin(), 8).article(41));
        let page = a.article(3).page;
        assert!(page.starts_with("Skip to main content\n"), "{page}");
        assert!(page.contains("Most read\n1. "), "{page}");
    }

    #[test]
    fn the_cast_is_four_different_real_countries() {
        let c = corpus();
        assert!(c.countries.len() > 150, "{}", c.countries.len());
        assert!(!c.orgs.is_empty() && !c.agencies.is_empty());
        for i in 0..50 {
            let mut rng = Rng(i);
            let cast = Cast::draw(&c, &mut rng);
            let names: std::collections::HashSet<&str> = cast.countries.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names.len(), 4);
        }
    }

    #[test]
    fn writes_pages_and_json_lines_up_to_the_size() {
        let dir = tempfile::tempdir().unwrap();
        let summary = corpus().write(dir.path(), 60_000).unwrap();
        assert!(summary.text_bytes >= 60_000 && summary.articles >= 5, "{summary:?}");
        let jsonl = fs::read_to_string(dir.path().join("articles.jsonl")).unwrap();
        assert_eq!(jsonl.lines().count() as u64, summary.articles);
        assert_eq!(jsonl.len() as u64, summary.jsonl_bytes);
        let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
        assert_eq!(first["id"], "article-0000000");
        let page = fs::read_to_string(dir.path().join("txt/0000/article-0000000.txt")).unwrap();
        assert!(page.contains(first["text"].as_str().unwrap()));
    }
}
