//! IRIs: the configurable kgraph namespace and the standard vocabularies it reuses.
//!
//! Everything kgraph mints lives under one base IRI (default [`DEFAULT_BASE`], set with
//! `--base`): the ontology at `BASE ontology#`, entities at `BASE entity/CLASS/KEY`, document
//! graphs at `BASE doc/ID`, statements (reified, with their evidence) at `BASE statement/HASH`.

use oxigraph::model::NamedNode;

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

    /// A reified statement, keyed by a content hash.
    pub fn statement(&self, hash: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}statement/{hash}", self.base))
    }
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
            out.push_str(&format!("%{b:02X}"));
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
    fn base_without_slash_gets_one_and_bad_base_is_refused() {
        assert_eq!(Vocab::new("http://ex.org/kg").unwrap().base(), "http://ex.org/kg/");
        assert!(Vocab::new("not an iri").is_err());
    }
}
