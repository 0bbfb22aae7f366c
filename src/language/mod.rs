//! Tokens → tagged words and verb groups: the linguistic layer below recognition.
//!
//! Word knowledge comes from `ontology/language/` (WordNet's verbs, adjectives, adverbs and
//! irregular verb forms, and the closed classes of English grammar), loaded once into a
//! [`Language`]. [`Language::tag`] gives each token a coarse part of speech and, for verbs,
//! the lemma and form (a WordNet-style "morphy": detachment rules checked against the verb
//! list, irregular forms from the exception list); [`verb_groups`] joins auxiliaries, modals,
//! negation and adverbs to their main verb and reads off tense, voice, negation and modality.
//! [`dates`] and [`numbers`] read dates and quantities in text. Nothing here knows a name or a
//! relation: that is recognition's and the frames' business.

pub mod dates;
pub mod numbers;
pub mod text;

use std::path::{Path, PathBuf};

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::{Error, Result};
use text::{Token, TokenKind};

/// The data files of the linguistic layer, by path relative to `ontology/`, as built in.
pub const BUILTIN: &[(&str, &str)] = &[
    ("language/function_words.tsv", include_str!("../../ontology/language/function_words.tsv")),
    ("language/verbs.tsv", include_str!("../../ontology/language/verbs.tsv")),
    ("language/verb_forms.tsv", include_str!("../../ontology/language/verb_forms.tsv")),
    ("language/adjectives.txt", include_str!("../../ontology/language/adjectives.txt")),
    ("language/adverbs.txt", include_str!("../../ontology/language/adverbs.txt")),
    ("language/person_nouns.tsv", include_str!("../../ontology/language/person_nouns.tsv")),
];

/// The data files `files` (paths relative to `ontology/`, with their built-in copies): read
/// from the `ontology/` folder `dir`, or the copies compiled into the binary when there is none.
/// Each comes with the path its errors name.
pub fn data_files(dir: Option<&Path>, files: &[(&str, &str)]) -> Result<Vec<(PathBuf, String)>> {
    files
        .iter()
        .map(|(rel, builtin)| match dir {
            Some(dir) => {
                let path = dir.join(rel);
                let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
                Ok((path, text))
            }
            None => Ok((PathBuf::from("ontology").join(rel), (*builtin).to_owned())),
        })
        .collect()
}

/// A closed word class of English grammar (`function_words.tsv`'s second column).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Closed {
    /// a, the, this, some.
    Det,
    /// its, their, his.
    Possessive,
    /// he, they, it.
    Pronoun,
    /// of, in, by, from.
    Preposition,
    /// and, or, but.
    Conjunction,
    /// after, because, if, while.
    Subordinator,
    /// Forms of "be".
    Be,
    /// Forms of "have".
    Have,
    /// Forms of "do".
    Do,
    /// will, would, may, must.
    Modal,
    /// not, n't, never.
    Negation,
    /// who, which, that (relative pronouns).
    Relative,
    /// "to" (infinitive marker or preposition).
    To,
}

impl Closed {
    fn parse(s: &str) -> Option<Closed> {
        Some(match s {
            "det" => Closed::Det,
            "possessive" => Closed::Possessive,
            "pronoun" => Closed::Pronoun,
            "preposition" => Closed::Preposition,
            "conjunction" => Closed::Conjunction,
            "subordinator" => Closed::Subordinator,
            "be" => Closed::Be,
            "have" => Closed::Have,
            "do" => Closed::Do,
            "modal" => Closed::Modal,
            "negation" => Closed::Negation,
            "relative" => Closed::Relative,
            "to" => Closed::To,
            _ => return None,
        })
    }
}

/// The form of a verb token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Form {
    /// "sign", "take".
    Base,
    /// "signs", "takes".
    Third,
    /// "signed", "took", "taken": past tense or past participle (told apart by context).
    Past,
    /// "signing".
    Gerund,
}

/// Coarse part of speech.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pos {
    /// A common noun (also the default for words no list knows).
    Noun,
    /// A capitalised word inside the sentence.
    Proper,
    /// A lexical verb.
    Verb,
    /// An adjective.
    Adj,
    /// An adverb.
    Adv,
    /// A closed-class word.
    Closed(Closed),
    /// A number.
    Num,
    /// Punctuation.
    Punct,
}

/// A tagged token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// Part of speech in this context.
    pub pos: Pos,
    /// For a verb (or an auxiliary): its lemma.
    pub lemma: Option<Lemma>,
    /// For a verb: its form.
    pub form: Option<Form>,
}

/// A verb's lemma, shared by every token read as one of its forms.
pub type Lemma = std::sync::Arc<str>;

/// SemCor tag counts of a verb lemma: how often it was a verb, a noun, an adjective.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counts {
    verb: u32,
    noun: u32,
    adj: u32,
}

/// The word knowledge of the linguistic layer.
#[derive(Clone, Debug, Default)]
pub struct Language {
    verbs: HashMap<String, Counts>,
    irregular: HashMap<String, Vec<String>>,
    /// Every verb form the lists and rules allow, with its lemma (and the rank of the reading
    /// that gave it): built once when the lists load, so that reading a word is one look-up
    /// rather than a probe per rule.
    forms: HashMap<String, (u32, Form, u8)>,
    /// The lemmas [`Language::forms`] points into.
    lemmas: Vec<Lemma>,
    /// The lemmas of the auxiliaries: be, have, do.
    auxiliaries: [Lemma; 3],
    adjectives: HashSet<String>,
    adverbs: HashSet<String>,
    closed: HashMap<String, Vec<Closed>>,
    person_nouns: HashSet<String>,
    person_plurals: HashMap<String, String>,
    floating: HashSet<String>,
    size_suffixes: HashSet<String>,
    quantities: HashSet<String>,
    holdings: HashSet<String>,
    results: HashSet<String>,
    /// Verbs (base forms) of saying or believing whose clause may stand inside another
    /// ("rebels, who analysts say are backed by X").
    reports: HashSet<String>,
}

/// How an English noun makes its regular plural: the part of it kept and the ending added
/// ("ally" → "all" + "ies", "coach" → "coach" + "es", "backer" → "backer" + "s").
fn plural_parts(noun: &str) -> (&str, &'static str) {
    let b = noun.as_bytes();
    if b.len() >= 2 && b[b.len() - 1] == b'y' && !b"aeiou".contains(&b[b.len() - 2]) {
        (&noun[..noun.len() - 1], "ies")
    } else if ["s", "x", "z", "ch", "sh"].iter().any(|e| noun.ends_with(e)) {
        (noun, "es")
    } else {
        (noun, "s")
    }
}

/// The regular plural of an English noun ("backer" → "backers", "ally" → "allies", "coach"
/// → "coaches"): what a cue word written in the singular also matches. Irregular plurals
/// ("men") are not made; a cue list spells those out.
pub fn plural(noun: &str) -> String {
    let (kept, ending) = plural_parts(noun);
    [kept, ending].concat()
}

/// Whether `word` is the regular plural of `noun` ([`plural`]), without building it.
pub fn is_plural_of(word: &str, noun: &str) -> bool {
    let (kept, ending) = plural_parts(noun);
    word.len() == kept.len() + ending.len() && word.starts_with(kept) && word.ends_with(ending)
}

fn lines(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines().enumerate().filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty()).map(|(i, l)| (i + 1, l.split('\t').map(str::trim).collect()))
}

/// WordNet's detachment rules for verbs: a form's suffix, the lemma's ending that replaces it,
/// and the form it makes ("carries" → carry, "uses" → use, "signs" → sign, …).
const DETACHMENT: &[(&str, &str, Form)] = &[
    ("ies", "y", Form::Third),
    ("es", "e", Form::Third),
    ("es", "", Form::Third),
    ("s", "", Form::Third),
    ("ied", "y", Form::Past),
    ("ed", "e", Form::Past),
    ("ed", "", Form::Past),
    ("ing", "e", Form::Gerund),
    ("ing", "", Form::Gerund),
];

impl Language {
    /// The built-in word lists.
    pub fn builtin() -> &'static Language {
        static BUILT: std::sync::OnceLock<Language> = std::sync::OnceLock::new();
        BUILT.get_or_init(|| Language::load(&data_files(None, BUILTIN).expect("built-in files need no reading")).expect("the built-in word lists are valid"))
    }

    /// Reads the files of `ontology/language/` (path, text), recognised by name.
    pub fn load(files: &[(PathBuf, String)]) -> Result<Language> {
        let mut l = Language {
            verbs: HashMap::with_capacity(9000),
            irregular: HashMap::with_capacity(2000),
            forms: HashMap::new(),
            lemmas: Vec::new(),
            auxiliaries: ["be", "have", "do"].map(Lemma::from),
            adjectives: HashSet::with_capacity(21000),
            adverbs: HashSet::with_capacity(4000),
            closed: HashMap::new(),
            person_nouns: HashSet::with_capacity(11000),
            person_plurals: HashMap::new(),
            floating: HashSet::new(),
            size_suffixes: HashSet::new(),
            quantities: HashSet::new(),
            holdings: HashSet::new(),
            results: HashSet::new(),
            reports: HashSet::new(),
        };
        let syntax = |path: &Path, line: usize, message: String| Error::Syntax { path: path.to_owned(), line, message };
        for (path, text) in files {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            match name.as_str() {
                "function_words.tsv" => {
                    for (line, f) in lines(text) {
                        let [word, class, ..] = f[..] else { return Err(syntax(path, line, "expected a word and its class".into())) };
                        // Lists beside the closed classes, which leave a word's tag alone.
                        match class {
                            "floating" => {
                                l.floating.insert(word.to_lowercase());
                            }
                            "size" => {
                                l.size_suffixes.insert(word.to_lowercase());
                            }
                            "quantity" => {
                                l.quantities.insert(word.to_lowercase());
                            }
                            "holding" => {
                                l.holdings.insert(word.to_lowercase());
                            }
                            "result" => {
                                l.results.insert(word.to_lowercase());
                            }
                            "report" => {
                                l.reports.insert(word.to_lowercase());
                            }
                            _ => {
                                let class = Closed::parse(class).ok_or_else(|| syntax(path, line, format!("unknown word class {class:?}")))?;
                                l.closed.entry(word.to_lowercase()).or_default().push(class);
                            }
                        }
                    }
                }
                "verbs.tsv" => {
                    for (line, f) in lines(text) {
                        let num = |i: usize| -> Result<u32> {
                            f.get(i).unwrap_or(&"0").parse().map_err(|_| syntax(path, line, format!("column {} is not a count", i + 1)))
                        };
                        l.verbs.insert(f[0].to_lowercase(), Counts { verb: num(1)?, noun: num(2)?, adj: num(3)? });
                    }
                }
                "verb_forms.tsv" => {
                    for (line, f) in lines(text) {
                        let [form, lemma, ..] = f[..] else { return Err(syntax(path, line, "expected a form and its lemma".into())) };
                        l.irregular.entry(form.to_lowercase()).or_default().push(lemma.to_lowercase());
                    }
                }
                "adjectives.txt" => l.adjectives.extend(lines(text).map(|(_, f)| f[0].to_lowercase())),
                "adverbs.txt" => l.adverbs.extend(lines(text).map(|(_, f)| f[0].to_lowercase())),
                "person_nouns.tsv" => {
                    for (_, f) in lines(text) {
                        let noun = f[0].to_lowercase();
                        for plural in f.get(1).unwrap_or(&"").split('|').filter(|p| !p.is_empty()) {
                            l.person_plurals.insert(plural.to_lowercase(), noun.clone());
                        }
                        l.person_nouns.insert(noun);
                    }
                }
                _ => return Err(Error::Invalid(format!("{}: unknown file of the linguistic layer", path.display()))),
            }
        }
        l.build_forms();
        Ok(l)
    }

    /// The closed classes a word belongs to, the usual one first.
    pub fn closed(&self, lower: &str) -> &[Closed] {
        self.closed.get(lower).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether a word is one of the closed class `c`.
    pub fn is(&self, lower: &str, c: Closed) -> bool {
        self.closed(lower).contains(&c)
    }

    /// Whether a word may stand between a subject and its verb ("X also signed", "X and Y
    /// both signed", "X on Saturday signed": `floating` in function_words.tsv).
    pub fn is_floating(&self, lower: &str) -> bool {
        self.floating.contains(lower)
    }

    /// Whether a word glued to a number by a hyphen makes it the size of what follows ("a
    /// 1,000-strong force", "a 500-man unit": `size` in function_words.tsv).
    pub fn is_size_suffix(&self, lower: &str) -> bool {
        self.size_suffixes.contains(lower)
    }

    /// Whether a noun of number or part lets the noun after its "of" head the phrase
    /// ("hundreds of protesters", "a group of gunmen": `quantity` in function_words.tsv).
    pub fn is_quantity(&self, lower: &str) -> bool {
        self.quantities.contains(lower)
    }

    /// Whether a noun names a place or asset of the group before it, which then heads the
    /// phrase ("rebel positions", "militant hideouts": `holding` in function_words.tsv).
    pub fn is_holding(&self, lower: &str) -> bool {
        self.holdings.contains(lower)
    }

    /// Whether a verb (by lemma) in a participle clause after a comma tells what the act
    /// before did, whose doer is not the clause's subject ("…, killing 20 people": `result`
    /// in function_words.tsv).
    pub fn is_result_verb(&self, lemma: &str) -> bool {
        self.results.contains(lemma)
    }

    /// Whether a verb (by lemma) reports what someone says or believes ("say", "believe"),
    /// so that its clause may be inserted in another (`report` in function_words.tsv).
    pub fn is_report_verb(&self, lemma: &str) -> bool {
        self.reports.contains(lemma)
    }

    /// Whether a (lower-case) word is an English adjective ("local", "foreign").
    pub fn is_adjective(&self, lower: &str) -> bool {
        self.adjectives.contains(lower)
    }

    /// Whether the lemma is a known verb.
    pub fn is_verb(&self, lemma: &str) -> bool {
        self.verbs.contains_key(lemma)
    }

    /// The verb readings of a word form: lemma and form ("took" → take, Past; "signs" →
    /// sign, Third). Irregular forms first, then WordNet's detachment rules, each checked
    /// against the verb list.
    pub fn verb(&self, lower: &str) -> Option<(String, Form)> {
        self.verb_ref(lower).map(|(l, f)| (l.to_owned(), f))
    }

    /// [`Language::verb`] without allocating: the lemma is borrowed from the verb list.
    pub fn verb_ref(&self, lower: &str) -> Option<(&str, Form)> {
        self.verb_lemma(lower).map(|(lemma, form)| (&**lemma, form))
    }

    /// [`Language::verb_ref`] with the shared lemma.
    fn verb_lemma(&self, lower: &str) -> Option<(&Lemma, Form)> {
        self.forms.get(lower).map(|&(lemma, form, _)| (&self.lemmas[lemma as usize], form))
    }

    /// Fills [`Language::forms`]: the irregular forms (the first lemma listed), the lemmas,
    /// then each form WordNet's detachment rules read back to a listed lemma. When two
    /// readings give one form, the earlier wins in that order, and among the rules the one
    /// listed first, its plain stem before its doubled consonant ("stopped", "shelling").
    fn build_forms(&mut self) {
        let mut lemmas: Vec<Lemma> = Vec::with_capacity(self.verbs.len() + self.irregular.len());
        let mut forms: HashMap<String, (u32, Form, u8)> = HashMap::with_capacity(self.verbs.len() * 7 + self.irregular.len());
        let mut offer = |form: String, lemma: u32, f: Form, rank: u8| {
            let have = forms.entry(form).or_insert((lemma, f, rank));
            if have.2 > rank {
                *have = (lemma, f, rank);
            }
        };
        for (form, irregular) in &self.irregular {
            lemmas.push(irregular[0].as_str().into());
            offer(form.clone(), lemmas.len() as u32 - 1, Form::Past, 0);
        }
        for lemma in self.verbs.keys() {
            lemmas.push(lemma.as_str().into());
            let id = lemmas.len() as u32 - 1;
            offer(lemma.clone(), id, Form::Base, 1);
            for (i, (suffix, ending, f)) in DETACHMENT.iter().enumerate() {
                let Some(stem) = lemma.strip_suffix(ending) else { continue };
                // The rules read only forms of up to 60 bytes whose stem has two or more.
                if stem.len() < 2 || stem.len() + suffix.len() > 60 {
                    continue;
                }
                let rank = 2 + 2 * i as u8;
                offer([stem, suffix].concat(), id, *f, rank);
                // A doubled final consonant before -ed and -ing.
                let last = *stem.as_bytes().last().unwrap_or(&b'a');
                if ending.is_empty() && matches!(f, Form::Past | Form::Gerund) && !b"aeiou".contains(&last) && last.is_ascii() && stem.len() + 1 + suffix.len() <= 60 {
                    offer([stem, &stem[stem.len() - 1..], suffix].concat(), id, *f, rank + 1);
                }
            }
        }
        self.forms = forms;
        self.lemmas = lemmas;
    }

    /// A noun for people ("youths", "hacker", "officers", "men"): its singular and whether the
    /// form is plural.
    pub fn person_noun(&self, lower: &str) -> Option<(String, bool)> {
        if let Some(n) = self.person_plurals.get(lower) {
            return Some((n.clone(), true));
        }
        if self.person_nouns.contains(lower) {
            return Some((lower.to_owned(), false));
        }
        if !lower.ends_with('s') || lower.len() > 60 {
            return None;
        }
        let mut buf = [0u8; 64];
        for (suffix, ending) in [("ies", "y"), ("es", ""), ("s", "")] {
            if let Some(stem) = lower.strip_suffix(suffix) {
                let n = stem.len() + ending.len();
                buf[..stem.len()].copy_from_slice(stem.as_bytes());
                buf[stem.len()..n].copy_from_slice(ending.as_bytes());
                let singular = std::str::from_utf8(&buf[..n]).unwrap_or("");
                if singular.len() > 2 && self.person_nouns.contains(singular) {
                    return Some((singular.to_owned(), true));
                }
            }
        }
        None
    }

    fn counts(&self, lemma: &str) -> Counts {
        self.verbs.get(lemma).copied().unwrap_or_default()
    }

    /// Tags the tokens of one sentence.
    ///
    /// Closed-class words take their class; a capitalised word inside the sentence is a name;
    /// a word that can be a verb is one unless its context says noun ("the attacks", "peace
    /// talks", "their support") or the word is far more often a noun and nothing says verb.
    pub fn tag(&self, tokens: &[Token], text: &str) -> Vec<Tag> {
        self.tag_and_read(tokens, text).0
    }

    /// [`Language::tag`], and for each token the lemma of the verb it can be a form of when
    /// that differs from the word ("signed" → sign, "was" → be), whatever its part of speech
    /// here: cue words match through it. One look-up per word serves both.
    pub fn tag_and_read(&self, tokens: &[Token], text: &str) -> (Vec<Tag>, Vec<Option<Lemma>>) {
        let mut tags: Vec<Tag> = Vec::with_capacity(tokens.len());
        let mut readings: Vec<Option<Lemma>> = Vec::with_capacity(tokens.len());
        for (i, t) in tokens.iter().enumerate() {
            let reading = if t.kind == TokenKind::Word && t.lower.len() > 2 { self.verb_lemma(&t.lower) } else { None };
            readings.push(reading.and_then(|(l, _)| (**l != *t.lower).then(|| l.clone())));
            let tag = match t.kind {
                TokenKind::Number => Tag { pos: Pos::Num, lemma: None, form: None },
                TokenKind::Punct => {
                    // "'s", "n't" are tokens of their own.
                    match self.closed(&t.lower).first() {
                        Some(&c) if t.lower.len() > 1 => Tag { pos: Pos::Closed(c), lemma: None, form: None },
                        _ => Tag { pos: Pos::Punct, lemma: None, form: None },
                    }
                }
                TokenKind::Word => self.tag_word(tokens, &tags, i, text, reading),
            };
            tags.push(tag);
        }
        (tags, readings)
    }

    fn tag_word(&self, tokens: &[Token], before: &[Tag], i: usize, text: &str, reading: Option<(&Lemma, Form)>) -> Tag {
        let t = &tokens[i];
        let w = t.lower.as_str();
        let surface = text.get(t.span.clone()).unwrap_or("");
        let prev = before.last().map(|t| t.pos);
        // A capitalised word inside the sentence (after a hyphen too: "Moscow-Brokered" is
        // rare) is a name; at the start, a known word keeps its reading.
        let capital = surface.chars().next().is_some_and(char::is_uppercase);
        let starts = i == 0 || matches!(tokens[i - 1].lower.as_str(), "\"" | "“" | "(" | "‘" | ":" | "—" | "–" | "{" | "[" | "`");
        if let Some(&c) = self.closed(w).first() {
            // "that" after a noun or a name is a relative pronoun, after a verb a subordinator.
            if w == "that" {
                let c = match prev {
                    Some(Pos::Verb) => Closed::Subordinator,
                    // (After a year too: "a war in 1992-97 that killed".)
                    Some(Pos::Noun | Pos::Proper | Pos::Punct | Pos::Num) => Closed::Relative,
                    _ => Closed::Det,
                };
                return Tag { pos: Pos::Closed(c), lemma: None, form: None };
            }
            let lemma = match c {
                Closed::Be => Some(&self.auxiliaries[0]),
                Closed::Have => Some(&self.auxiliaries[1]),
                Closed::Do => Some(&self.auxiliaries[2]),
                _ => None,
            };
            let form = match w {
                "is" | "has" | "does" => Some(Form::Third),
                "was" | "were" | "been" | "had" | "did" => Some(Form::Past),
                "being" | "having" => Some(Form::Gerund),
                _ if lemma.is_some() => Some(Form::Base),
                _ => None,
            };
            if !(capital && !starts) {
                return Tag { pos: Pos::Closed(c), lemma: lemma.cloned(), form };
            }
        }
        if capital && !starts {
            return Tag { pos: Pos::Proper, lemma: None, form: None };
        }
        // Parts of a hyphenated compound ("war-torn", "Moscow-brokered", "Saudi-led") modify
        // a noun: no verb.
        let glued = |a: Option<&Token>, b: Option<&Token>| matches!((a, b), (Some(a), Some(b)) if a.span.end == b.span.start);
        let hyphen_before = i > 0 && tokens[i - 1].lower == "-" && glued(tokens.get(i - 1), Some(t)) && i >= 2 && glued(tokens.get(i - 2), tokens.get(i - 1));
        let hyphen_after = tokens.get(i + 1).is_some_and(|h| h.lower == "-") && glued(Some(t), tokens.get(i + 1)) && glued(tokens.get(i + 1), tokens.get(i + 2));
        if hyphen_before || hyphen_after {
            return Tag { pos: Pos::Adj, lemma: None, form: None };
        }
        let Some((lemma, form)) = reading.or_else(|| self.verb_lemma(w)) else {
            let pos = if self.adverbs.contains(w) && (w.ends_with("ly") || !self.adjectives.contains(w)) {
                Pos::Adv
            } else if self.adjectives.contains(w) {
                Pos::Adj
            } else if capital {
                Pos::Proper
            } else {
                Pos::Noun
            };
            return Tag { pos, lemma: None, form: None };
        };
        let c = self.counts(lemma);
        let lemma = lemma.clone();
        // Left context that makes a noun: a determiner, a possessive, an adjective, a number,
        // "'s", or a noun ("peace talks"), unless the word is a past or -ing form after a noun
        // (a verb then: "troops withdrew", "rebels holding").
        // A floating word ("later", "also", "both") before a verb form is an adverb: "the M23
        // later signed", "X and Y both agreed".
        let prev_floating = i > 0 && self.floating.contains(&tokens[i - 1].lower) && matches!(prev, Some(Pos::Adj | Pos::Adv));
        let after_det = matches!(prev, Some(Pos::Closed(Closed::Det | Closed::Possessive)) | Some(Pos::Adj) | Some(Pos::Num)) && !prev_floating;
        let after_s = i > 0 && tokens[i - 1].lower == "'s";
        let after_noun = matches!(prev, Some(Pos::Noun));
        // Right after an auxiliary, a modal, "to" or a pronoun subject it is a verb.
        let after_aux = matches!(prev, Some(Pos::Closed(Closed::Be | Closed::Have | Closed::Do | Closed::Modal | Closed::Negation | Closed::Pronoun | Closed::Relative)));
        let after_to = matches!(prev, Some(Pos::Closed(Closed::To)));
        let after_adv = matches!(prev, Some(Pos::Adv)) || prev_floating;
        let verb_tag = Tag { pos: Pos::Verb, lemma: Some(lemma.clone()), form: Some(form) };
        let adj_reading = self.adjectives.contains(w);
        match form {
            Form::Gerund | Form::Past => {
                // "the signed agreement", "the ruling party": a participle as a modifier; also
                // after a possessor's "'s" when a noun phrase goes on ("Yemen's armed Houthi
                // group", not "the deal's signed by both").
                let phrase_goes_on = tokens.get(i + 1).is_some_and(|n| n.kind == text::TokenKind::Word && !self.closed(&n.lower).iter().any(|c| matches!(c, Closed::Preposition | Closed::Conjunction | Closed::To)));
                if (after_det || after_s && phrase_goes_on) && !(after_aux && !after_s) {
                    if adj_reading || matches!(form, Form::Gerund) {
                        return Tag { pos: if matches!(form, Form::Gerund) && c.noun > 0 { Pos::Noun } else { Pos::Adj }, lemma: None, form: None };
                    }
                    return verb_tag;
                }
                verb_tag
            }
            Form::Base | Form::Third => {
                if after_aux || after_to {
                    return verb_tag;
                }
                // After a noun, "-s" is a verb when an object follows ("the group attacks
                // villages"), else a plural noun ("peace talks and", "ceasefire talks in").
                // A count is an object too: "attack on hotel kills 20", "kills at least 20",
                // "kills dozens".
                let count_follows = tokens.get(i + 1).is_some_and(|n| {
                    n.kind == TokenKind::Number
                        || self.quantities.contains(&n.lower) && n.lower.ends_with('s')
                        || n.lower == "at" && tokens.get(i + 2).is_some_and(|l| l.lower == "least")
                });
                let object_follows = count_follows
                    || tokens.get(i + 1).is_some_and(|n| {
                        let first = text.get(n.span.clone()).and_then(|s| s.chars().next());
                        first.is_some_and(char::is_uppercase) || self.closed(&n.lower).iter().any(|c| matches!(c, Closed::Det | Closed::Possessive | Closed::Pronoun))
                    });
                // After a preposition ("10 hours of talks", "for support") or a verb ("imposed
                // sanctions on", "held talks"): a noun.
                let after_prep = matches!(prev, Some(Pos::Closed(Closed::Preposition)) | Some(Pos::Verb));
                // ("drones hit the capital": a past form like its base, "hit", "set", "cut").
                // A name after a possessive modifies the noun that follows: "their Nigerien
                // allies", "its NATO partners" (never a subject: "their Pentagon says").
                let after_possessed_name = matches!(prev, Some(Pos::Proper)) && i >= 2 && matches!(before.get(i - 2).map(|t| t.pos), Some(Pos::Closed(Closed::Possessive)));
                if after_det || after_s || after_prep || after_possessed_name || after_noun && c.noun > 0 && !object_follows {
                    return Tag { pos: Pos::Noun, lemma: None, form: None };
                }
                // A noun, then "-s" and a count: "market bombing kills 35".
                if after_noun && count_follows {
                    return verb_tag;
                }
                // "talks", "attacks" after a name or at the start: verb if WordNet uses the
                // word mostly as a verb, else noun; an adverb before says verb.
                if after_adv || c.verb >= c.noun || matches!(prev, Some(Pos::Proper) | Some(Pos::Closed(Closed::Relative))) {
                    return verb_tag;
                }
                if adj_reading && c.adj > c.noun {
                    return Tag { pos: Pos::Adj, lemma: None, form: None };
                }
                Tag { pos: Pos::Noun, lemma: None, form: None }
            }
        }
    }
}

/// Tense of a verb group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tense {
    /// "signs", "is signing", "has signed".
    Present,
    /// "signed", "had signed", "was signed".
    Past,
    /// "will sign", "would sign", "is to sign".
    Future,
}

/// Voice of a verb group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Voice {
    /// "X signed Y".
    Active,
    /// "Y was signed (by X)", "Y, signed by X".
    Passive,
}

/// A main verb with its auxiliaries: "has not yet been signed".
#[derive(Clone, Debug, PartialEq)]
pub struct VerbGroup {
    /// Tokens from the first auxiliary to the main verb.
    pub tokens: std::ops::Range<usize>,
    /// The main verb's token.
    pub head: usize,
    /// The main verb's lemma.
    pub lemma: Lemma,
    /// Tense.
    pub tense: Tense,
    /// Voice.
    pub voice: Voice,
    /// "not", "never", "n't" in the group.
    pub negated: bool,
    /// A modal ("may", "would", "could") or a hedging governor ("willing to").
    pub modal: bool,
    /// The group's head is an infinitive after "to" ("agreed to sign").
    pub infinitive: bool,
    /// The head is an -ing form without auxiliary ("after signing").
    pub gerund: bool,
}

/// Finds the verb groups of a tagged sentence, left to right.
pub fn verb_groups(tokens: &[Token], tags: &[Tag]) -> Vec<VerbGroup> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tags.len() {
        if tags[i].pos != Pos::Verb {
            i += 1;
            continue;
        }
        let head = i;
        // Walk left over auxiliaries, modals, negation and adverbs.
        let mut start = head;
        let mut be_before = false;
        let mut have_before = false;
        let mut modal = false;
        let mut negated = false;
        let mut future = false;
        let mut past_aux = false;
        let mut j = head;
        while j > 0 {
            let p = &tags[j - 1];
            match p.pos {
                Pos::Closed(Closed::Be) => {
                    if j == head || tags[j..head].iter().all(|t| matches!(t.pos, Pos::Adv | Pos::Closed(Closed::Negation))) {
                        be_before = true;
                    }
                    past_aux |= p.form == Some(Form::Past) && tokens[j - 1].lower != "been";
                }
                Pos::Closed(Closed::Have) => {
                    have_before = true;
                    past_aux |= tokens[j - 1].lower == "had";
                }
                Pos::Closed(Closed::Do) => past_aux |= tokens[j - 1].lower == "did",
                Pos::Closed(Closed::Modal) => {
                    modal |= !matches!(tokens[j - 1].lower.as_str(), "will" | "shall" | "'ll");
                    future |= matches!(tokens[j - 1].lower.as_str(), "will" | "shall" | "'ll" | "would");
                }
                Pos::Closed(Closed::Negation) => negated = true,
                Pos::Adv => {}
                _ => break,
            }
            j -= 1;
            start = j;
        }
        // Leading adverbs are not part of the group.
        while start < head && tags[start].pos == Pos::Adv {
            start += 1;
        }
        let mut form = tags[head].form.unwrap_or(Form::Base);
        // "has been run by", "was hit": a participle like its base form, after "be".
        if form == Form::Base && be_before {
            form = Form::Past;
        }
        // "was signed", "were killed", "has been taken", "being deployed"; "got killed".
        let passive = form == Form::Past && (be_before || (start < head && tokens[start..head].iter().any(|t| t.lower == "got" || t.lower == "get")));
        // "the deal signed by X", "troops killed by": a bare participle before "by".
        let reduced = form == Form::Past && start == head && tokens.get(head + 1).is_some_and(|t| t.lower == "by") && head > 0 && !matches!(tags[head - 1].pos, Pos::Closed(Closed::Pronoun));
        let infinitive = start > 0 && tags[start - 1].pos == Pos::Closed(Closed::To) && form == Form::Base;
        let tense = if future {
            Tense::Future
        } else if past_aux || (form == Form::Past && start == head) || (form == Form::Past && have_before && past_aux) {
            Tense::Past
        } else if have_before || be_before && form == Form::Past {
            // "has signed", "is signed": present perfect and present passive report a past act.
            Tense::Past
        } else {
            Tense::Present
        };
        out.push(VerbGroup {
            tokens: start..head + 1,
            head,
            lemma: tags[head].lemma.clone().unwrap_or_default(),
            tense,
            voice: if passive || reduced { Voice::Passive } else { Voice::Active },
            negated,
            modal,
            infinitive,
            gerund: form == Form::Gerund && start == head,
        });
        i = head + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_plurals_of_nouns() {
        for (noun, plural_form) in [("backer", "backers"), ("ally", "allies"), ("coach", "coaches"), ("day", "days"), ("supporter", "supporters"), ("box", "boxes")] {
            assert_eq!(plural(noun), plural_form);
            assert!(is_plural_of(plural_form, noun), "{plural_form} of {noun}");
        }
        assert!(!is_plural_of("backer", "backer"));
        assert!(!is_plural_of("backed", "backer"));
        assert!(!is_plural_of("allys", "ally"));
    }

    fn groups(s: &str) -> Vec<(String, Voice, Tense, bool, bool)> {
        let lang = Language::builtin();
        let tokens = text::tokenize(s, 0);
        let tags = lang.tag(&tokens, s);
        verb_groups(&tokens, &tags).into_iter().map(|g| (g.lemma.to_string(), g.voice, g.tense, g.negated, g.modal)).collect()
    }

    #[test]
    fn lemmas_of_regular_and_irregular_forms() {
        let lang = Language::builtin();
        for (form, lemma) in [("signed", "sign"), ("took", "take"), ("taken", "take"), ("shelled", "shell"), ("stopped", "stop"), ("denies", "deny"), ("brokered", "broker"), ("retook", "retake"), ("seized", "seize"), ("agreed", "agree"), ("killing", "kill")] {
            assert_eq!(lang.verb(form).map(|(l, _)| l), Some(lemma.to_owned()), "{form}");
        }
        assert_eq!(lang.verb("the"), None);
        for (form, noun, plural) in [("youths", "youth", true), ("officers", "officer", true), ("men", "man", true), ("hacker", "hacker", false), ("refugees", "refugee", true)] {
            assert_eq!(lang.person_noun(form), Some((noun.to_owned(), plural)), "{form}");
        }
        assert_eq!(lang.person_noun("dollars"), None);
    }

    /// The detachment rules applied to a word as WordNet states them, one probe per rule:
    /// the table of forms must read every word the same way.
    fn detach<'a>(lang: &'a Language, lower: &str) -> Option<(&'a str, Form)> {
        if let Some(lemmas) = lang.irregular.get(lower) {
            return Some((lemmas[0].as_str(), Form::Past));
        }
        if let Some((k, _)) = lang.verbs.get_key_value(lower) {
            return Some((k.as_str(), Form::Base));
        }
        if lower.len() > 60 {
            return None;
        }
        for (suffix, ending, form) in DETACHMENT {
            let Some(stem) = lower.strip_suffix(suffix).filter(|s| s.len() >= 2) else { continue };
            if let Some((k, _)) = lang.verbs.get_key_value(&format!("{stem}{ending}")) {
                return Some((k.as_str(), *form));
            }
            let b = stem.as_bytes();
            if ending.is_empty() && matches!(form, Form::Past | Form::Gerund) && b.len() >= 3 && b[b.len() - 1] == b[b.len() - 2] && !b"aeiou".contains(&b[b.len() - 1]) {
                if let Some((k, _)) = stem.get(..stem.len() - 1).and_then(|u| lang.verbs.get_key_value(u)) {
                    return Some((k.as_str(), *form));
                }
            }
        }
        None
    }

    #[test]
    fn the_table_of_forms_reads_every_word_as_the_rules_do() {
        let lang = Language::builtin();
        // Every form the rules could make of every lemma, doubled or not, and words of text.
        let mut words: Vec<String> = Vec::new();
        for lemma in lang.verbs.keys().chain(lang.irregular.keys()) {
            words.push(lemma.clone());
            let last = lemma.chars().last().unwrap_or('a');
            for suffix in ["s", "es", "ies", "ed", "ied", "ing", "d"] {
                words.push(format!("{lemma}{suffix}"));
                words.push(format!("{lemma}{last}{suffix}"));
                for cut in 1..=2 {
                    if let Some(stem) = lemma.get(..lemma.len().saturating_sub(cut)) {
                        words.push(format!("{stem}{suffix}"));
                    }
                }
            }
        }
        words.extend("the talks ended as rebels shelled towns under siege news series is was bed red sing king things thing".split(' ').map(String::from));
        words.extend(["x".repeat(59) + "ed", "x".repeat(70) + "ing", "\u{10000}ed".to_owned()]);
        let mut read = 0;
        for w in &words {
            assert_eq!(lang.verb_ref(w), detach(lang, w), "{w}");
            read += usize::from(lang.verb_ref(w).is_some());
        }
        assert!(read > lang.verbs.len() * 3, "{read} forms read");
    }

    #[test]
    fn voice_tense_negation_and_modality() {
        use Tense::*;
        use Voice::*;
        assert_eq!(groups("The deal was signed by both sides."), vec![("sign".into(), Passive, Past, false, false)]);
        assert_eq!(groups("Rebels have retaken the town."), vec![("retake".into(), Active, Past, false, false)]);
        assert_eq!(groups("They will not withdraw."), vec![("withdraw".into(), Active, Future, true, false)]);
        assert_eq!(groups("Three soldiers were killed."), vec![("kill".into(), Passive, Past, false, false)]);
        assert_eq!(groups("The army may have shelled the village."), vec![("shell".into(), Active, Past, false, true)]);
        assert_eq!(groups("the truce brokered by Qatar"), vec![("broker".into(), Passive, Past, false, false)]);
        // A participle spelled like its base form.
        assert_eq!(groups("The region has been run by rebels."), vec![("run".into(), Passive, Past, false, false)]);
    }

    #[test]
    fn nouns_after_determiners_are_not_verbs() {
        let lang = Language::builtin();
        let s = "The attacks ended the peace talks and their support after hours of talks.";
        let tokens = text::tokenize(s, 0);
        let tags = lang.tag(&tokens, s);
        let verbs: Vec<&str> = tokens.iter().zip(&tags).filter(|(_, t)| t.pos == Pos::Verb).map(|(t, _)| t.lower.as_str()).collect();
        assert_eq!(verbs, ["ended"]);
        // A name after a possessive modifies the noun after it; after an article it may be
        // the subject.
        let s = "Their Nigerien allies seized the town, and the Pentagon says it helped.";
        let tokens = text::tokenize(s, 0);
        let tags = lang.tag(&tokens, s);
        let verbs: Vec<&str> = tokens.iter().zip(&tags).filter(|(_, t)| t.pos == Pos::Verb).map(|(t, _)| t.lower.as_str()).collect();
        assert_eq!(verbs, ["seized", "says", "helped"]);
    }
}
