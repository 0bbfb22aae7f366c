//! Corpus-level entity resolution (`kgraph resolve`): `owl:sameAs` links between entity IRIs
//! that only cross-document evidence shows to be one entity, in a named graph of their own.
//!
//! Each document is extracted alone, so an entity named one way in one article and another way in
//! another can get two IRIs. [`resolve`] reads the entities of every document graph (their class,
//! `rdfs:label`, `skos:altLabel` and the documents that mention them) with SPARQL and links two
//! IRIs **of the same class** when one of these rules says so:
//!
//! 1. **same label** ([`Rule::SameLabel`]): their `rdfs:label`s are equal once normalised (case,
//!    accents, punctuation, a leading "the", a plural last word).
//! 2. **label is an alias** ([`Rule::LabelIsAlias`]): the label of one equals an `skos:altLabel`
//!    of the other, and that alias is a proper name: capitalised, not a common noun of the
//!    lexicon (ontology/lexicon/nominals.tsv) nor a generic word (deal, forces, region …), and
//!    never written in lower case anywhere in the corpus ("Ceasefire" at the start of a sentence
//!    is not a name). An alias that several entities share links none of them.
//! 3. **qualified head** ([`Rule::QualifiedHead`]): an unqualified Group, Organization or Event
//!    (`group/peacekeeper`, `organization/parliament`, `event/protest-2020`) and the one IRI that
//!    adds a qualifier to the same key (`group/russian-peacekeeper`, `organization/q399-parliament`,
//!    `event/armenian-protest-2020`), the qualifier being a country or place of the store (its
//!    Wikidata id, or a slug of its name or adjective). Evidence, in this order: the qualified
//!    IRIs mentioned in a document together with the unqualified one (exactly one: linked; two or
//!    more: ambiguous, nothing linked); else, when the corpus holds exactly one qualified IRI and
//!    its qualifier is named in every document of the unqualified one, linked. Two or more
//!    qualified IRIs (Russian and Turkish peacekeepers, four defence ministries) and no
//!    co-mention: ambiguous, nothing linked.
//!
//! Agreements are linked only by rules 1 and 2, never by a shared generic alias ("deal",
//! "truce"). The links go into the graph [`resolution_graph`] (`BASE resolution`), replaced as
//! a whole in one transaction on every run: the result depends only on the document graphs (not
//! on the order they were loaded, nor on an earlier resolution), so running it twice changes
//! nothing. Each link `A owl:sameAs B` (A < B) is reified like the extracted facts, with
//! `kg:rule`, `kg:confidence`, `rdfs:comment` (the reason) and `prov:wasDerivedFrom` each document
//! giving the evidence.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use oxigraph::model::vocab::xsd;
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use xxhash_rust::xxh3::xxh3_128;

use crate::extract::text::slug;
use crate::graph::vocab::{iri, ns};
use crate::graph::Vocab;
use crate::store::KgStore;
use crate::{Error, Result};

/// The named graph that holds the links (`BASE resolution`).
pub fn resolution_graph(vocab: &Vocab) -> NamedNode {
    NamedNode::new_unchecked(format!("{}resolution", vocab.base()))
}

/// Which rule made a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Rule {
    /// Equal normalised labels.
    SameLabel,
    /// The label of one is a proper-name alias of the other.
    LabelIsAlias,
    /// An unqualified IRI and the one qualified IRI of the same head.
    QualifiedHead,
}

impl Rule {
    /// The name recorded as `kg:rule` (prefixed `resolve:`).
    pub fn name(self) -> &'static str {
        match self {
            Rule::SameLabel => "same-label",
            Rule::LabelIsAlias => "label-is-alias",
            Rule::QualifiedHead => "qualified-head",
        }
    }

    fn confidence(self) -> &'static str {
        match self {
            Rule::SameLabel => "0.95",
            Rule::LabelIsAlias => "0.90",
            Rule::QualifiedHead => "0.75",
        }
    }
}

/// One `owl:sameAs` link and why.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Link {
    /// The smaller IRI.
    pub a: String,
    /// The larger IRI.
    pub b: String,
    /// The rule.
    pub rule: Rule,
    /// The reason, in words.
    pub reason: String,
    /// The document graphs that give the evidence, sorted.
    pub documents: Vec<String>,
}

/// A candidate left unlinked because the evidence points to several entities.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Ambiguity {
    /// The entity.
    pub entity: String,
    /// The entities it could be, sorted.
    pub candidates: Vec<String>,
    /// The rule that found them.
    pub rule: Rule,
}

/// What a resolution found.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Resolution {
    /// The links, sorted.
    pub links: Vec<Link>,
    /// The cases left alone, sorted.
    pub ambiguous: Vec<Ambiguity>,
    /// Entities read.
    pub entities: usize,
    /// Document graphs read.
    pub documents: usize,
}

impl Resolution {
    /// The clusters the links make (each a sorted list of two or more IRIs), sorted.
    pub fn clusters(&self) -> Vec<Vec<String>> {
        let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
        fn find<'a>(parent: &mut BTreeMap<&'a str, &'a str>, x: &'a str) -> &'a str {
            let mut root = x;
            while let Some(&p) = parent.get(root).filter(|&&p| p != root) {
                root = p;
            }
            parent.insert(x, root);
            root
        }
        for l in &self.links {
            parent.entry(&l.a).or_insert(&l.a);
            parent.entry(&l.b).or_insert(&l.b);
            let (ra, rb) = (find(&mut parent, &l.a), find(&mut parent, &l.b));
            if ra != rb {
                let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
                parent.insert(hi, lo);
            }
        }
        let members: Vec<&str> = parent.keys().copied().collect();
        let mut groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for m in members {
            let root = find(&mut parent, m);
            groups.entry(root).or_default().push(m.to_owned());
        }
        groups.into_values().collect()
    }
}

/// One entity as the document graphs describe it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entity {
    /// Its IRI.
    pub iri: String,
    /// Its class (local name).
    pub class: String,
    /// The key: the IRI after `BASE entity/CLASS/`.
    pub key: String,
    /// `rdfs:label`s.
    pub labels: BTreeSet<String>,
    /// `skos:altLabel`s.
    pub aliases: BTreeSet<String>,
    /// The document graphs that mention it.
    pub documents: BTreeSet<String>,
}

/// Words never taken for a proper name, whatever their case (beyond the lexicon's nominals).
const GENERIC: &[&str] = &[
    "accord", "agreement", "alliance", "armed forces", "army", "authorities", "border", "ceasefire",
    "coalition", "conflict", "country", "crisis", "deal", "declaration", "enclave", "fighting",
    "forces", "force", "government", "group", "leadership", "military", "ministry", "nation",
    "opposition", "pact", "parliament", "peace", "peace deal", "peace treaty", "personnel", "police",
    "protest", "region", "republic", "state", "talks", "territory", "treaty", "troops", "truce",
    "unrest", "war",
];

/// Reads the entities of every document graph of `kg` and computes the links, without writing.
/// `nominals` is the text of a nominals.tsv (common nouns, see ontology/lexicon); `None` uses
/// the built-in one.
pub fn compute(store: &Store, vocab: &Vocab, nominals: Option<&str>) -> Result<Resolution> {
    let (entities, documents) = read_entities(store, vocab)?;
    let generic = generic_words(nominals);
    Ok(Resolution { documents, ..link(&entities, &generic) })
}

/// Computes the links (see [`compute`]) and replaces the resolution graph with them, in one
/// transaction. `ontology` is the `--ontology` folder, for its lexicon/nominals.tsv.
pub fn resolve(kg: &KgStore, vocab: &Vocab, ontology: Option<&Path>) -> Result<Resolution> {
    let nominals = match ontology.map(|d| d.join("lexicon/nominals.tsv")).filter(|f| f.is_file()) {
        Some(f) => Some(std::fs::read_to_string(&f).map_err(|e| Error::io(&f, e))?),
        None => None,
    };
    let resolution = compute(kg.store(), vocab, nominals.as_deref())?;
    kg.replace_graph(resolution_graph(vocab).as_ref(), &quads(&resolution, vocab))?;
    Ok(resolution)
}

/// The quads of the resolution graph for `resolution`.
pub fn quads(resolution: &Resolution, vocab: &Vocab) -> Vec<Quad> {
    let graph = resolution_graph(vocab);
    let g = GraphName::NamedNode(graph.clone());
    let mut out = Vec::new();
    let mut add = |s: &NamedNode, p: NamedNode, o: Term| out.push(Quad::new(s.clone(), p, o, g.clone()));
    let text = |s: &str| -> Term { Literal::new_simple_literal(s).into() };
    add(&graph, iri(ns::RDF, "type"), iri(ns::PROV, "Entity").into());
    add(&graph, iri(ns::DCTERMS, "title"), text("Cross-document entity resolution"));
    add(
        &graph,
        iri(ns::DCTERMS, "description"),
        text("owl:sameAs links between entity IRIs that cross-document evidence shows to be one entity, made by `kgraph resolve` from the document graphs; replaced on every run."),
    );
    add(&graph, iri(ns::DCTERMS, "creator"), text("kgraph resolve"));
    let same_as = iri(ns::OWL, "sameAs");
    for l in &resolution.links {
        let (a, b) = (NamedNode::new_unchecked(&l.a), NamedNode::new_unchecked(&l.b));
        add(&a, same_as.clone(), b.clone().into());
        let hash = xxh3_128(format!("resolve\u{1f}{}\u{1f}{}\u{1f}{}", l.a, l.b, l.rule.name()).as_bytes());
        let r = vocab.statement(&format!("{hash:032x}"));
        add(&r, iri(ns::RDF, "type"), iri(ns::RDF, "Statement").into());
        add(&r, iri(ns::RDF, "subject"), a.into());
        add(&r, iri(ns::RDF, "predicate"), same_as.clone().into());
        add(&r, iri(ns::RDF, "object"), b.into());
        add(&r, vocab.term("rule"), text(&format!("resolve:{}", l.rule.name())));
        add(&r, vocab.term("confidence"), Literal::new_typed_literal(l.rule.confidence(), xsd::DECIMAL).into());
        add(&r, iri(ns::RDFS, "comment"), text(&l.reason));
        for d in &l.documents {
            add(&r, iri(ns::PROV, "wasDerivedFrom"), NamedNode::new_unchecked(d).into());
        }
    }
    let mut seen = HashSet::new();
    out.retain(|q| seen.insert(q.clone()));
    out
}

fn run_select(store: &Store, query: &str) -> Result<Vec<Vec<Option<Term>>>> {
    let results = SparqlEvaluator::new()
        .parse_query(query)
        .map_err(|e| Error::Invalid(format!("internal resolution query: {e}")))?
        .on_store(store)
        .execute()
        .map_err(|e| Error::Invalid(format!("resolution query failed: {e}")))?;
    let QueryResults::Solutions(solutions) = results else {
        return Err(Error::Invalid("internal resolution query gave no solutions".into()));
    };
    let mut rows = Vec::new();
    for s in solutions {
        let s = s.map_err(|e| Error::Invalid(format!("resolution query failed: {e}")))?;
        rows.push(s.values().to_vec());
    }
    Ok(rows)
}

fn term_str(t: &Option<Term>) -> Option<String> {
    match t {
        Some(Term::NamedNode(n)) => Some(n.as_str().to_owned()),
        Some(Term::Literal(l)) => Some(l.value().to_owned()),
        _ => None,
    }
}

/// The entities of the document graphs (graphs described by their own `dcterms:identifier`),
/// and how many document graphs there are.
pub fn read_entities(store: &Store, vocab: &Vocab) -> Result<(Vec<Entity>, usize)> {
    let prefix = format!("{}entity/", vocab.base());
    let ontology = vocab.ontology_ns();
    let docs = format!(
        "PREFIX dcterms: <{}> SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?g dcterms:identifier ?id }} }}",
        ns::DCTERMS
    );
    let documents = run_select(store, &docs)?.len();
    // The class is in the default graph (the facts); a document mentions the entities it
    // labels in its own graph.
    let typed = format!(
        "PREFIX dcterms: <{dc}> PREFIX rdf: <{rdf}> PREFIX rdfs: <{rdfs}>
         SELECT DISTINCT ?e ?class ?g WHERE {{ GRAPH ?g {{ ?g dcterms:identifier ?id . ?e rdfs:label ?l }}
           ?e rdf:type ?class
           FILTER(isIRI(?e) && STRSTARTS(STR(?e), \"{prefix}\") && STRSTARTS(STR(?class), \"{ontology}\")) }}",
        dc = ns::DCTERMS,
        rdf = ns::RDF,
        rdfs = ns::RDFS,
    );
    let mut by_iri: BTreeMap<String, Entity> = BTreeMap::new();
    for row in run_select(store, &typed)? {
        let (Some(e), Some(class), Some(g)) = (term_str(&row[0]), term_str(&row[1]), term_str(&row[2])) else {
            continue;
        };
        let class = class[ontology.len()..].to_owned();
        let key = e[prefix.len()..].split_once('/').map(|(_, k)| k.to_owned()).unwrap_or_default();
        let entity = by_iri.entry(e.clone()).or_insert_with(|| Entity { iri: e, class, key, ..Entity::default() });
        entity.documents.insert(g);
    }
    for (predicate, aliases) in [(iri(ns::RDFS, "label"), false), (iri(ns::SKOS, "altLabel"), true)] {
        let names = format!(
            "PREFIX dcterms: <{dc}>
             SELECT DISTINCT ?e ?l WHERE {{ GRAPH ?g {{ ?g dcterms:identifier ?id . ?e <{p}> ?l }}
               FILTER(isIRI(?e) && STRSTARTS(STR(?e), \"{prefix}\")) }}",
            dc = ns::DCTERMS,
            p = predicate.as_str(),
        );
        for row in run_select(store, &names)? {
            let (Some(e), Some(l)) = (term_str(&row[0]), term_str(&row[1])) else { continue };
            if let Some(entity) = by_iri.get_mut(&e) {
                if aliases {
                    entity.aliases.insert(l);
                } else {
                    entity.labels.insert(l);
                }
            }
        }
    }
    Ok((by_iri.into_values().collect(), documents))
}

/// The normalised form names are compared in: folded (case, accents), punctuation to spaces, a
/// leading "the" dropped, the last word made singular.
pub fn normalise(name: &str) -> String {
    let s = slug(name);
    let s = s.strip_prefix("the-").unwrap_or(&s);
    let mut words: Vec<&str> = s.split('-').filter(|w| !w.is_empty()).collect();
    let last = words.pop().map(singular).unwrap_or_default();
    words.push(&last);
    words.join(" ").trim().to_owned()
}

/// A plural English word made singular (peacekeepers → peacekeeper, militias → militia,
/// casualties → casualty); words that only look plural (press, status, crisis) are kept.
fn singular(w: &str) -> String {
    if w.len() <= 3 || w.ends_with("ss") || w.ends_with("us") || w.ends_with("is") || !w.ends_with('s') {
        return w.to_owned();
    }
    if let Some(stem) = w.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for suffix in ["ches", "shes", "xes", "sses", "zes"] {
        if w.ends_with(suffix) {
            return w[..w.len() - 2].to_owned();
        }
    }
    w[..w.len() - 1].to_owned()
}

/// The normalised generic words: [`GENERIC`] and every noun and variant of a nominals.tsv.
pub fn generic_words(nominals: Option<&str>) -> HashSet<String> {
    let builtin = crate::extract::lexicon::BUILTIN
        .iter()
        .find(|(name, _)| *name == "lexicon/nominals.tsv")
        .map(|(_, text)| *text)
        .unwrap_or_default();
    let text = nominals.unwrap_or(builtin);
    let mut out: HashSet<String> = GENERIC.iter().map(|w| normalise(w)).collect();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let mut fields = line.split('\t');
        let noun = fields.next().unwrap_or_default();
        let variants = fields.next().unwrap_or_default();
        for w in std::iter::once(noun).chain(variants.split('|')) {
            if !w.trim().is_empty() {
                out.insert(normalise(w));
            }
        }
    }
    out
}

/// Whether an alias is a proper name: capitalised (after a leading "the"), not a generic word,
/// and not written in lower case elsewhere (`lower`: normalised forms seen starting lower case).
pub fn is_proper_name(alias: &str, generic: &HashSet<String>, lower: &HashSet<String>) -> bool {
    let trimmed = alias.trim();
    let trimmed = ["the ", "The "].iter().find_map(|p| trimmed.strip_prefix(p)).unwrap_or(trimmed);
    let Some(first) = trimmed.chars().next() else { return false };
    if !first.is_uppercase() {
        return false;
    }
    let n = normalise(trimmed);
    !n.is_empty() && !generic.contains(&n) && !lower.contains(&n)
}

/// Computes the links between `entities` (see the module documentation).
pub fn link(entities: &[Entity], generic: &HashSet<String>) -> Resolution {
    let mut links: BTreeMap<(String, String), Link> = BTreeMap::new();
    let mut ambiguous: BTreeSet<Ambiguity> = BTreeSet::new();
    let mut add = |x: &Entity, y: &Entity, rule: Rule, reason: String, documents: BTreeSet<String>| {
        let (a, b) = if x.iri < y.iri { (x, y) } else { (y, x) };
        let key = (a.iri.clone(), b.iri.clone());
        // The first rule (in rule order) that links a pair is the one recorded.
        let link = Link { a: key.0.clone(), b: key.1.clone(), rule, reason, documents: documents.into_iter().collect() };
        // Whatever the order the pairs are met in, the smallest (rule, reason, documents) wins.
        match links.get(&key) {
            Some(old) if (old.rule, &old.reason, &old.documents) <= (rule, &link.reason, &link.documents) => {}
            _ => {
                links.insert(key, link);
            }
        }
    };
    let both = |x: &Entity, y: &Entity| -> BTreeSet<String> { x.documents.union(&y.documents).cloned().collect() };

    // Per class, the entities.
    let mut by_class: BTreeMap<&str, Vec<&Entity>> = BTreeMap::new();
    for e in entities {
        by_class.entry(e.class.as_str()).or_default().push(e);
    }
    // Normalised forms written in lower case somewhere: common nouns, not names.
    let lower: HashSet<String> = entities
        .iter()
        .flat_map(|e| e.labels.iter().chain(&e.aliases))
        .filter(|s| s.trim().chars().next().is_some_and(char::is_lowercase))
        .map(|s| normalise(s))
        .collect();

    let qualifiers = qualifier_index(entities);
    for (class, members) in &by_class {
        // Rule 1: equal normalised labels.
        let mut by_label: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for (i, e) in members.iter().enumerate() {
            for l in &e.labels {
                let n = normalise(l);
                if !n.is_empty() {
                    by_label.entry(n).or_default().insert(i);
                }
            }
        }
        for (n, group) in &by_label {
            let mut group: Vec<&Entity> = group.iter().map(|&i| members[i]).collect();
            group.sort_by(|x, y| x.iri.cmp(&y.iri));
            for w in group.windows(2) {
                let (x, y) = (w[0], w[1]);
                add(x, y, Rule::SameLabel, format!("same {class} label \"{n}\" once normalised"), both(x, y));
            }
        }

        // Rule 2: a label equal to a proper-name alias of exactly one other entity.
        let mut by_alias: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for (i, e) in members.iter().enumerate() {
            for a in &e.aliases {
                if is_proper_name(a, generic, &lower) {
                    by_alias.entry(normalise(a)).or_default().insert(i);
                }
            }
        }
        for (i, e) in members.iter().enumerate() {
            for l in &e.labels {
                let n = normalise(l);
                let Some(owners) = by_alias.get(&n) else { continue };
                let others: Vec<usize> = owners.iter().copied().filter(|&j| j != i).collect();
                match others.as_slice() {
                    [] => {}
                    [j] => {
                        let y = members[*j];
                        let alias = y.aliases.iter().find(|a| normalise(a) == n).cloned().unwrap_or_default();
                        add(
                            e,
                            y,
                            Rule::LabelIsAlias,
                            format!("the label \"{l}\" of one is the name \"{alias}\" the other is also called"),
                            both(e, y),
                        );
                    }
                    many => {
                        ambiguous.insert(Ambiguity {
                            entity: e.iri.clone(),
                            candidates: sorted(many.iter().map(|&j| members[j].iri.clone())),
                            rule: Rule::LabelIsAlias,
                        });
                    }
                }
            }
        }

        // Rule 3: unqualified head → the one qualified IRI.
        if !matches!(*class, "Group" | "Organization" | "Event") {
            continue;
        }
        for u in members {
            if u.key.is_empty() {
                continue;
            }
            let suffix = format!("-{}", u.key);
            let candidates: Vec<(&Entity, &Entity)> = members
                .iter()
                .filter(|c| c.iri != u.iri)
                .filter_map(|c| {
                    let prefix = c.key.strip_suffix(&suffix)?;
                    qualifiers.get(prefix).map(|q| (*c, *q))
                })
                .collect();
            if candidates.is_empty() {
                continue;
            }
            let together: Vec<&(&Entity, &Entity)> =
                candidates.iter().filter(|(c, _)| !c.documents.is_disjoint(&u.documents)).collect();
            let chosen = match (together.as_slice(), candidates.as_slice()) {
                ([(c, _)], _) => {
                    let docs: BTreeSet<String> = c.documents.intersection(&u.documents).cloned().collect();
                    let names: Vec<&str> = docs.iter().map(|d| d.rsplit('/').next().unwrap_or(d)).collect();
                    Some((*c, format!("the only qualified {} \"{}\" mentioned with it (in {})", class, c.key, names.join(", ")), docs))
                }
                ([], [(c, q)]) if u.documents.is_subset(&q.documents) => Some((
                    *c,
                    format!(
                        "the only qualified {} \"{}\" in the corpus, and its qualifier {} is named in every document of \"{}\"",
                        class,
                        c.key,
                        q.labels.iter().next().map_or(q.key.as_str(), String::as_str),
                        u.key
                    ),
                    both(u, c),
                )),
                ([], [_]) => None,
                (several, _) if several.len() >= 2 => {
                    ambiguous.insert(Ambiguity {
                        entity: u.iri.clone(),
                        candidates: sorted(several.iter().map(|(c, _)| c.iri.clone())),
                        rule: Rule::QualifiedHead,
                    });
                    None
                }
                (_, all) => {
                    ambiguous.insert(Ambiguity {
                        entity: u.iri.clone(),
                        candidates: sorted(all.iter().map(|(c, _)| c.iri.clone())),
                        rule: Rule::QualifiedHead,
                    });
                    None
                }
            };
            if let Some((c, reason, docs)) = chosen {
                add(u, c, Rule::QualifiedHead, reason, docs);
            }
        }
    }
    Resolution {
        links: links.into_values().collect(),
        ambiguous: ambiguous.into_iter().collect(),
        entities: entities.len(),
        documents: 0,
    }
}

fn sorted(iris: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = iris.collect();
    v.sort();
    v.dedup();
    v
}

/// Qualifier (key prefix) → the Country or Place it names: its key in lower case (q399), and
/// the slug of each of its labels and aliases (russian, armenia, nagorno-karabakh). A slug two
/// entities share is dropped.
fn qualifier_index(entities: &[Entity]) -> HashMap<String, &Entity> {
    let mut index: HashMap<String, Option<&Entity>> = HashMap::new();
    for e in entities.iter().filter(|e| matches!(e.class.as_str(), "Country" | "Place")) {
        let mut forms: BTreeSet<String> = e.labels.iter().chain(&e.aliases).map(|s| slug(s)).collect();
        forms.insert(e.key.to_lowercase());
        for f in forms.into_iter().filter(|f| !f.is_empty()) {
            index
                .entry(f)
                .and_modify(|old| {
                    if old.is_some_and(|o| o.iri != e.iri) {
                        *old = None;
                    }
                })
                .or_insert(Some(e));
        }
    }
    index.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &str = "https://w3id.org/kgraph/entity/";

    fn entity(class: &str, key: &str, labels: &[&str], aliases: &[&str], docs: &[&str]) -> Entity {
        Entity {
            iri: format!("{B}{}/{key}", class.to_lowercase()),
            class: class.into(),
            key: key.into(),
            labels: labels.iter().map(|s| s.to_string()).collect(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            documents: docs.iter().map(|d| format!("https://w3id.org/kgraph/doc/{d}")).collect(),
        }
    }

    fn countries() -> Vec<Entity> {
        vec![
            entity("Country", "Q159", &["Russia"], &["Russian"], &["d1", "d2", "d3"]),
            entity("Country", "Q43", &["Turkey"], &["Turkish"], &["d1", "d2", "d3"]),
            entity("Country", "Q399", &["Armenia"], &["Armenian"], &["d1", "d2", "d3"]),
        ]
    }

    fn pairs(r: &Resolution) -> Vec<(String, String, Rule)> {
        r.links
            .iter()
            .map(|l| (l.a.trim_start_matches(B).to_owned(), l.b.trim_start_matches(B).to_owned(), l.rule))
            .collect()
    }

    fn generic() -> HashSet<String> {
        generic_words(None)
    }

    #[test]
    fn names_are_normalised() {
        assert_eq!(normalise("The Peacekeepers"), "peacekeeper");
        assert_eq!(normalise("Şuşa"), "susa");
        assert_eq!(normalise("Armenian shelling (2020)"), "armenian shelling 2020");
        assert_eq!(normalise("casualties"), "casualty");
        assert_eq!(normalise("the press"), "press");
        assert_eq!(normalise("Nagorno-Karabakh’s authorities"), "nagorno karabakh s authority");
    }

    #[test]
    fn equal_labels_of_one_class_are_linked_and_not_across_classes() {
        let mut es = countries();
        es.push(entity("Place", "shushi", &["Shushi"], &[], &["d1"]));
        es.push(entity("Place", "Q1", &["the Shushi"], &[], &["d2"]));
        es.push(entity("Group", "shushi", &["Shushi"], &[], &["d3"]));
        let r = link(&es, &generic());
        assert_eq!(pairs(&r), vec![("place/Q1".into(), "place/shushi".into(), Rule::SameLabel)]);
    }

    #[test]
    fn a_label_equal_to_a_proper_alias_is_linked() {
        let mut es = countries();
        es.push(entity("Place", "Q1", &["Shusha"], &["Shushi", "the town"], &["d1"]));
        es.push(entity("Place", "shushi", &["Shushi"], &[], &["d2"]));
        let r = link(&es, &generic());
        assert_eq!(pairs(&r), vec![("place/Q1".into(), "place/shushi".into(), Rule::LabelIsAlias)]);
        assert!(r.links[0].reason.contains("Shushi"), "{}", r.links[0].reason);
    }

    #[test]
    fn generic_aliases_link_nothing() {
        let mut es = countries();
        // Two agreements sharing "deal", "truce", and a capitalised "Ceasefire".
        es.push(entity("Agreement", "2020-11-10", &["agreement of 10 November 2020"], &["deal", "truce", "Ceasefire"], &["d1"]));
        es.push(entity("Agreement", "2020-10-10", &["agreement of 10 October 2020"], &["deal", "truce", "ceasefire"], &["d2"]));
        // An entity whose label is a generic word, capitalised alias of another.
        es.push(entity("Agreement", "deal", &["Deal"], &[], &["d3"]));
        es.push(entity("Place", "Q2", &["Nagorno-Karabakh"], &["Region", "the region"], &["d1"]));
        es.push(entity("Place", "region", &["region"], &[], &["d2"]));
        let r = link(&es, &generic());
        assert!(r.links.is_empty(), "{:#?}", r.links);
        assert!(!is_proper_name("Ceasefire", &generic(), &HashSet::new()));
        assert!(!is_proper_name("Forces", &generic(), &HashSet::new()));
        assert!(is_proper_name("Jeddah Declaration", &generic(), &HashSet::new()));
        assert!(!is_proper_name("Unrest", &generic(), &HashSet::new()));
        let lower: HashSet<String> = ["crowd".to_owned()].into();
        assert!(!is_proper_name("Crowds", &generic(), &lower));
    }

    #[test]
    fn an_alias_two_entities_share_is_ambiguous() {
        let mut es = countries();
        es.push(entity("Person", "aliyev", &["Ilham Aliyev"], &["Aliyev"], &["d1"]));
        es.push(entity("Person", "heydar-aliyev", &["Heydar Aliyev"], &["Aliyev"], &["d2"]));
        es.push(entity("Person", "aliyev-x", &["Aliyev"], &[], &["d3"]));
        let r = link(&es, &generic());
        assert!(r.links.is_empty(), "{:#?}", r.links);
        assert_eq!(r.ambiguous.len(), 1);
        assert_eq!(r.ambiguous[0].rule, Rule::LabelIsAlias);
    }

    #[test]
    fn an_unqualified_head_links_to_the_one_qualified_entity() {
        let mut es = countries();
        es.push(entity("Organization", "parliament", &["parliament"], &[], &["d1", "d2"]));
        es.push(entity("Organization", "q399-parliament", &["Armenian Parliament"], &["parliament"], &["d3"]));
        es.push(entity("Group", "peacekeeper", &["peacekeepers"], &[], &["d1"]));
        es.push(entity("Group", "russian-peacekeeper", &["Russian peacekeepers"], &[], &["d1", "d2"]));
        es.push(entity("Group", "turkish-peacekeeper", &["Turkish peacekeepers"], &[], &["d3"]));
        es.push(entity("Event", "protest-2020", &["protest of 2020"], &[], &["d1"]));
        es.push(entity("Event", "armenian-protest-2020", &["Armenian protest (2020)"], &[], &["d2"]));
        let r = link(&es, &generic());
        assert_eq!(
            pairs(&r),
            vec![
                ("event/armenian-protest-2020".into(), "event/protest-2020".into(), Rule::QualifiedHead),
                ("group/peacekeeper".into(), "group/russian-peacekeeper".into(), Rule::QualifiedHead),
                ("organization/parliament".into(), "organization/q399-parliament".into(), Rule::QualifiedHead),
            ]
        );
        assert_eq!(r.clusters().len(), 3);
    }

    #[test]
    fn two_qualified_candidates_are_ambiguous() {
        let mut es = countries();
        // Never mentioned together: Russian or Turkish? Nothing is linked.
        es.push(entity("Group", "peacekeeper", &["peacekeepers"], &[], &["d1"]));
        es.push(entity("Group", "russian-peacekeeper", &["Russian peacekeepers"], &[], &["d2"]));
        es.push(entity("Group", "turkish-peacekeeper", &["Turkish peacekeepers"], &[], &["d3"]));
        // Mentioned together with both.
        es.push(entity("Organization", "defence-ministry", &["defence ministry"], &[], &["d1"]));
        es.push(entity("Organization", "q159-defence-ministry", &["Russian Defence Ministry"], &[], &["d1"]));
        es.push(entity("Organization", "q43-defence-ministry", &["Turkish Defence Ministry"], &[], &["d1"]));
        // A prefix that is no country or place is no qualifier.
        es.push(entity("Group", "troop", &["troops"], &[], &["d1"]));
        es.push(entity("Group", "ethnic-troop", &["ethnic troops"], &[], &["d1"]));
        let r = link(&es, &generic());
        assert!(r.links.is_empty(), "{:#?}", r.links);
        let amb: Vec<&str> = r.ambiguous.iter().map(|a| a.entity.trim_start_matches(B)).collect();
        assert_eq!(amb, vec!["group/peacekeeper", "organization/defence-ministry"]);
    }

    #[test]
    fn the_result_does_not_depend_on_the_order() {
        let mut es = countries();
        es.push(entity("Organization", "parliament", &["parliament"], &[], &["d1"]));
        es.push(entity("Organization", "q399-parliament", &["Armenian Parliament"], &["parliament"], &["d3"]));
        es.push(entity("Place", "shushi", &["Shushi"], &[], &["d1"]));
        es.push(entity("Place", "Q1", &["Shusha"], &["Shushi"], &["d2"]));
        let a = link(&es, &generic());
        es.reverse();
        let b = link(&es, &generic());
        assert_eq!(a, b);
        assert_eq!(a.links.len(), 2);
    }

    #[test]
    fn resolving_a_store_writes_its_own_graph_and_twice_is_once() {
        let kg = KgStore::memory().unwrap();
        let vocab = Vocab::default();
        let nq = r#"
<https://w3id.org/kgraph/doc/d1> <http://purl.org/dc/terms/identifier> "d1" <https://w3id.org/kgraph/doc/d1> .
<https://w3id.org/kgraph/entity/place/shushi> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/kgraph/ontology#Place> .
<https://w3id.org/kgraph/entity/place/shushi> <http://www.w3.org/2000/01/rdf-schema#label> "Shushi" <https://w3id.org/kgraph/doc/d1> .
<https://w3id.org/kgraph/doc/d2> <http://purl.org/dc/terms/identifier> "d2" <https://w3id.org/kgraph/doc/d2> .
<https://w3id.org/kgraph/entity/place/Q1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/kgraph/ontology#Place> .
<https://w3id.org/kgraph/entity/place/Q1> <http://www.w3.org/2000/01/rdf-schema#label> "Shusha" <https://w3id.org/kgraph/doc/d2> .
<https://w3id.org/kgraph/entity/place/Q1> <http://www.w3.org/2004/02/skos/core#altLabel> "Shushi" <https://w3id.org/kgraph/doc/d2> .
"#;
        kg.store().load_from_slice(oxigraph::io::RdfFormat::NQuads, nq.as_bytes()).unwrap();
        let first = resolve(&kg, &vocab, None).unwrap();
        assert_eq!(first.links.len(), 1);
        assert_eq!(first.documents, 2);
        let dump = |kg: &KgStore| {
            let mut v: Vec<String> = kg.store().iter().map(|q| q.unwrap().to_string()).collect();
            v.sort();
            v
        };
        let once = dump(&kg);
        assert!(once.iter().any(|q| q.contains("owl#sameAs") && q.ends_with("<https://w3id.org/kgraph/resolution>")));
        let second = resolve(&kg, &vocab, None).unwrap();
        assert_eq!(first, second);
        assert_eq!(once, dump(&kg));
    }
}
