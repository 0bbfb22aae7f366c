//! Names → IRIs: the configurable kgraph namespace and the standard vocabularies it reuses.
//!
//! Everything kgraph mints lives under one base IRI (default [`DEFAULT_BASE`], set with
//! `--base`): the ontology at `BASE ontology#`, entities at `BASE entity/CLASS/KEY`, document
//! graphs at `BASE doc/ID`, facts at `BASE fact/S/P/O` (named after their triple), evidence
//! records at `BASE evidence/HASH`, extraction methods at `BASE method/RULE/CONFIDENCE`, the summary graphs at `BASE summary` (entities) and
//! `BASE summary/PREDICATE` (each relation's facts). Everything derives from content, so the same
//! input gives the same IRIs anywhere.

use oxigraph::model::{Literal, NamedNode, NamedNodeRef, Term, TermRef};
use xxhash_rust::xxh3::xxh3_128;

/// The default base IRI. `w3id.org` gives permanent identifiers; the ontology is published there.
pub const DEFAULT_BASE: &str = "https://w3id.org/kgraph/";

/// Standard vocabularies.
pub mod ns {
    /// RDF.
    pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    /// RDF Schema.
    pub const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
    /// OWL.
    pub const OWL: &str = "http://www.w3.org/2002/07/owl#";
    /// SKOS.
    pub const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";
    /// XML Schema datatypes.
    pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
    /// Dublin Core terms.
    pub const DCTERMS: &str = "http://purl.org/dc/terms/";
    /// PROV-O.
    pub const PROV: &str = "http://www.w3.org/ns/prov#";
    /// schema.org.
    pub const SCHEMA: &str = "http://schema.org/";
    /// Wikidata entities.
    pub const WD: &str = "http://www.wikidata.org/entity/";
}

/// The namespace used when minting, derived from one base IRI.
#[derive(Clone, Debug)]
pub struct Vocab {
    base: String,
}

impl Default for Vocab {
    fn default() -> Self {
        Self::new(DEFAULT_BASE).expect("the default base is a valid IRI")
    }
}

impl Vocab {
    /// A vocabulary under `base`, which must be an absolute IRI ending in `/` or `#`
    /// (a missing `/` is added).
    pub fn new(base: &str) -> crate::Result<Self> {
        let mut base = base.to_owned();
        if !base.ends_with('/') && !base.ends_with('#') {
            base.push('/');
        }
        NamedNode::new(format!("{base}x"))
            .map_err(|e| crate::Error::Invalid(format!("--base {base}: not an absolute IRI ({e})")))?;
        Ok(Self { base })
    }

    /// The base IRI.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The ontology namespace (`BASE ontology#`).
    pub fn ontology_ns(&self) -> String {
        format!("{}ontology#", self.base)
    }

    /// An ontology term (class or property) by local name.
    pub fn term(&self, local: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}ontology#{local}", self.base))
    }

    /// The graph that holds the ontology itself.
    pub fn ontology_graph(&self) -> NamedNode {
        NamedNode::new_unchecked(format!("{}ontology", self.base))
    }

    /// The named graph of a document.
    pub fn document(&self, id: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}doc/{}", self.base, iri_segment(id)))
    }

    /// An entity of a class, keyed by a slug or a Wikidata id.
    pub fn entity(&self, class: &str, key: &str) -> NamedNode {
        NamedNode::new_unchecked(format!(
            "{}entity/{}/{}",
            self.base,
            class.to_ascii_lowercase(),
            iri_segment(key)
        ))
    }

    /// A reified statement, keyed by a content hash (the links of `kgraph resolve`).
    pub fn statement(&self, hash: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}statement/{hash}", self.base))
    }

    /// The fact node of the triple `subject predicate object`: an IRI made of the triple, so that
    /// every document (and every shard) that states the triple names the same node, and a query
    /// can name it too. For an entity object it is `BASE fact/S/P/O`, with S and O the entity
    /// IRIs after `BASE entity/` (`country/Q159`) and P the predicate's local name; for a literal
    /// object, O is the datatype's local name and the value, percent-encoded as SPARQL's
    /// `ENCODE_FOR_URI` does (`integer/1960`). In SPARQL:
    ///
    /// ```sparql
    /// BIND (IRI(CONCAT(STR(kgraph:), "fact/", STRAFTER(STR(?s), "/entity/"), "/", STRAFTER(STR(?p), "#"), "/",
    ///   IF(isIRI(?o), STRAFTER(STR(?o), "/entity/"),
    ///      CONCAT(STRAFTER(STR(DATATYPE(?o)), "#"), "/", ENCODE_FOR_URI(STR(?o)))))) AS ?f)
    /// ```
    ///
    /// A triple of terms kgraph does not mint (another namespace) gets `BASE fact/~HASH`.
    pub fn fact(&self, subject: NamedNodeRef<'_>, predicate: NamedNodeRef<'_>, object: TermRef<'_>) -> NamedNode {
        // Prefixes stripped piece by piece: this runs for every statement minted.
        let under = |iri: &'_ str, prefix: &str| iri.strip_prefix(self.base.as_str()).and_then(|r| r.strip_prefix(prefix)).map(|r| r.to_owned());
        let entity = |iri: &str| under(iri, "entity/").filter(|s| s.split('/').count() == 2);
        let s = entity(subject.as_str());
        let p = under(predicate.as_str(), "ontology#").filter(|p| !p.is_empty() && !p.contains('/'));
        let o = match object {
            TermRef::NamedNode(o) => entity(o.as_str()),
            TermRef::Literal(l) if l.language().is_none() => l
                .datatype()
                .as_str()
                .strip_prefix(XSD)
                .filter(|d| !d.is_empty())
                .map(|d| format!("{d}/{}", iri_segment(l.value()))),
            _ => None,
        };
        match (s, p, o) {
            (Some(s), Some(p), Some(o)) => NamedNode::new_unchecked(format!("{}fact/{s}/{p}/{o}", self.base)),
            _ => {
                // The N-Triples form tells an IRI from a literal and keeps a literal's datatype.
                let key = format!("{subject}\u{1f}{predicate}\u{1f}{object}");
                NamedNode::new_unchecked(format!("{}fact/~{:032x}", self.base, xxh3_128(key.as_bytes())))
            }
        }
    }

    /// The triple a fact node made by [`Vocab::fact`] names (none for a `~HASH` node, or an IRI
    /// that is no fact node of this base).
    pub fn fact_triple(&self, fact: NamedNodeRef<'_>) -> Option<(NamedNode, NamedNode, Term)> {
        let rest = fact.as_str().strip_prefix(&format!("{}fact/", self.base))?;
        let parts: Vec<&str> = rest.split('/').collect();
        let [class, key, predicate, a, b] = parts[..] else { return None };
        let subject = NamedNode::new(format!("{}{class}/{key}", self.entity_prefix())).ok()?;
        let predicate = NamedNode::new(format!("{}{predicate}", self.ontology_ns())).ok()?;
        let object: Term = if LITERAL_TYPES.contains(&a) {
            let value = percent_decode(b)?;
            Literal::new_typed_literal(value, NamedNode::new(format!("{XSD}{a}")).ok()?).into()
        } else {
            NamedNode::new(format!("{}{a}/{b}", self.entity_prefix())).ok()?.into()
        };
        Some((subject, predicate, object))
    }

    /// How a statement was extracted: a rule applied with a confidence (`BASE method/RULE/C`,
    /// e.g. `…/method/brokered%2Fcompound/0.9`). Evidence records point to it (`kg:by`), and it
    /// says its `kg:rule` and `kg:confidence` once, in the default graph: a corpus has a few
    /// hundred of them, where it has millions of evidence records.
    pub fn method(&self, rule: &str, confidence: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}method/{}/{}", self.base, iri_segment(rule), iri_segment(confidence)))
    }

    /// The rule and confidence a method node made by [`Vocab::method`] names.
    pub fn method_parts(&self, method: NamedNodeRef<'_>) -> Option<(String, f64)> {
        let rest = method.as_str().strip_prefix(&format!("{}method/", self.base))?;
        let (rule, confidence) = rest.rsplit_once('/')?;
        Some((percent_decode(rule)?, percent_decode(confidence)?.parse().ok()?))
    }

    /// An evidence record (one statement of a fact by one sentence), keyed by a content hash.
    pub fn evidence(&self, hash: u128) -> NamedNode {
        NamedNode::new_unchecked(format!("{}evidence/{hash:032x}", self.base))
    }

    /// The summary graph of the entities (`BASE summary`): documents and preferred label per
    /// entity.
    pub fn summary_graph(&self) -> NamedNode {
        NamedNode::new_unchecked(format!("{}summary", self.base))
    }

    /// The summary graph of a relation's facts (`BASE summary/PREDICATE`, e.g.
    /// `…/summary/supports`): documents and best confidence per fact node. One graph per
    /// relation, so that a query on one relation reads its facts' counts alone.
    pub fn fact_summary_graph(&self, fact: NamedNodeRef<'_>) -> NamedNode {
        let predicate = fact
            .as_str()
            .strip_prefix(&format!("{}fact/", self.base))
            .and_then(|rest| rest.split('/').nth(2))
            .filter(|p| !p.is_empty())
            .unwrap_or("other");
        self.summary_graph_named(predicate)
    }

    /// The summary graph of the facts of `predicate` (by its local name: `kg:supports` →
    /// `…/summary/supports`), the graph [`Vocab::fact_summary_graph`] gives its facts.
    pub fn relation_summary_graph(&self, predicate: NamedNodeRef<'_>) -> NamedNode {
        self.summary_graph_named(predicate.as_str().rsplit(['#', '/']).next().unwrap_or_default())
    }

    /// The predicate whose facts the summary graph `graph` holds (`…/summary/supports` →
    /// `kg:supports`); none for another graph, or the entities' summary.
    pub fn summarised_predicate(&self, graph: &str) -> Option<NamedNode> {
        let local = graph.strip_prefix(self.base.as_str())?.strip_prefix("summary/").filter(|p| !p.is_empty())?;
        Some(self.term(local))
    }

    fn summary_graph_named(&self, local: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}summary/{local}", self.base))
    }

    /// Whether `graph` is one of the summary graphs (derived: never a document's).
    pub fn is_summary_graph(&self, graph: &str) -> bool {
        graph.strip_prefix(self.base.as_str()).is_some_and(|rest| rest == "summary" || rest.starts_with("summary/"))
    }

    /// The prefix of every entity IRI (`BASE entity/`).
    pub fn entity_prefix(&self) -> String {
        format!("{}entity/", self.base)
    }
}

/// XML Schema datatypes, the literals of fact nodes.
const XSD: &str = ns::XSD;

/// The XML Schema datatypes a fact's literal object can have: what tells a literal from an
/// entity (whose class names are never among them) in a fact node's IRI.
const LITERAL_TYPES: [&str; 9] = ["string", "integer", "decimal", "double", "boolean", "date", "dateTime", "gYear", "gYearMonth"];

/// The inverse of [`iri_segment`]; `None` for a malformed escape or bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A standard-vocabulary IRI.
pub fn iri(ns: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ns}{local}"))
}

/// Percent-encodes everything but unreserved characters, so any key is a valid IRI segment.
pub fn iri_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
    if out.is_empty() {
        out.push('_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_iris_are_valid_for_any_key() {
        let v = Vocab::default();
        for key in ["Q159", "nikol pashinyan", "a<b>\"c\n", "", "日本", "x/y#z"] {
            let e = v.entity("Person", key);
            assert!(NamedNode::new(e.as_str()).is_ok(), "{e}");
            assert!(NamedNode::new(v.document(key).as_str()).is_ok());
        }
    }

    #[test]
    fn fact_nodes_name_their_triple_and_give_it_back() {
        let v = Vocab::default();
        let ru = v.entity("Country", "Q159");
        let deal = v.entity("Agreement", "2020-11-10");
        let f = v.fact(ru.as_ref(), v.term("brokered").as_ref(), deal.as_ref().into());
        assert_eq!(f.as_str(), "https://w3id.org/kgraph/fact/country/Q159/brokered/agreement/2020-11-10");
        assert_eq!(v.fact_triple(f.as_ref()), Some((ru.clone(), v.term("brokered"), deal.into())));
        let pm = v.entity("Person", "nikol pashinyan");
        for o in [
            Literal::new_typed_literal("1960", oxigraph::model::vocab::xsd::INTEGER),
            Literal::new_simple_literal("Prime Minister / «PM» 100%"),
            Literal::new_typed_literal("2020", oxigraph::model::vocab::xsd::G_YEAR),
        ] {
            let f = v.fact(pm.as_ref(), v.term("title").as_ref(), o.as_ref().into());
            assert!(NamedNode::new(f.as_str()).is_ok(), "{f}");
            assert_eq!(v.fact_triple(f.as_ref()), Some((pm.clone(), v.term("title"), o.into())), "{f}");
        }
        let title = v.fact(pm.as_ref(), v.term("title").as_ref(), Literal::new_simple_literal("Prime Minister").as_ref().into());
        assert!(title.as_str().ends_with("/person/nikol%20pashinyan/title/string/Prime%20Minister"), "{title}");
        // Terms kgraph does not mint: an opaque, still deterministic, node.
        let other = NamedNode::new("http://example.org/x").unwrap();
        let f = v.fact(other.as_ref(), v.term("supports").as_ref(), ru.as_ref().into());
        assert!(f.as_str().starts_with("https://w3id.org/kgraph/fact/~"), "{f}");
        assert_eq!(f, v.fact(other.as_ref(), v.term("supports").as_ref(), ru.as_ref().into()));
        assert_eq!(v.fact_triple(f.as_ref()), None);
    }

    #[test]
    fn a_relations_summary_graph_is_its_facts_and_names_it() {
        let v = Vocab::default();
        let supports = v.term("supports");
        let graph = v.relation_summary_graph(supports.as_ref());
        assert_eq!(graph.as_str(), "https://w3id.org/kgraph/summary/supports");
        let f = v.fact(v.entity("Country", "Q43").as_ref(), supports.as_ref(), v.entity("Country", "Q227").as_ref().into());
        assert_eq!(v.fact_summary_graph(f.as_ref()), graph);
        assert_eq!(v.summarised_predicate(graph.as_str()), Some(supports));
        assert_eq!(v.summarised_predicate(v.summary_graph().as_str()), None, "the entities' summary");
        assert_eq!(v.summarised_predicate("https://example.org/summary/supports"), None);
    }

    #[test]
    fn base_without_slash_gets_one_and_bad_base_is_refused() {
        assert_eq!(Vocab::new("http://ex.org/kg").unwrap().base(), "http://ex.org/kg/");
        assert!(Vocab::new("not an iri").is_err());
    }
}
