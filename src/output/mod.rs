//! Store → what users read: SPARQL results ([`query`]), RDF dumps ([`export`]) and counts
//! ([`stats`]), and pictures ([`dot`]). This module holds what they share: output format names
//! and IRI prefixes.

pub mod dot;
pub mod export;
pub mod jsonld;
pub mod neo4j;
pub mod push;
pub mod query;
pub mod stats;

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfSerializer};

use crate::extract::Class;
use crate::graph::vocab::ns;
use crate::graph::Vocab;
use crate::{Error, Result};

/// An RDF serialization kgraph writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RdfOutput {
    /// N-Quads: one quad a line, graphs kept.
    NQuads,
    /// TriG: Turtle with graphs.
    TriG,
    /// N-Triples: one triple a line, graphs dropped.
    NTriples,
    /// Turtle, graphs dropped.
    Turtle,
    /// RDF/XML, graphs dropped.
    RdfXml,
    /// JSON-LD, graphs kept.
    JsonLd,
}

impl RdfOutput {
    /// Every format, in the order of [`Self::NAMES`].
    pub const ALL: [RdfOutput; 6] = [
        RdfOutput::NQuads,
        RdfOutput::TriG,
        RdfOutput::NTriples,
        RdfOutput::Turtle,
        RdfOutput::RdfXml,
        RdfOutput::JsonLd,
    ];

    /// The names users give on the command line.
    pub const NAMES: [&'static str; 6] = ["nquads", "trig", "ntriples", "turtle", "rdfxml", "jsonld"];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        Self::NAMES[Self::ALL.iter().position(|&f| f == self).unwrap_or(0)]
    }

    /// The Oxigraph format.
    pub fn format(self) -> RdfFormat {
        match self {
            RdfOutput::NQuads => RdfFormat::NQuads,
            RdfOutput::TriG => RdfFormat::TriG,
            RdfOutput::NTriples => RdfFormat::NTriples,
            RdfOutput::Turtle => RdfFormat::Turtle,
            RdfOutput::RdfXml => RdfFormat::RdfXml,
            RdfOutput::JsonLd => RdfFormat::JsonLd { profile: JsonLdProfileSet::empty() },
        }
    }

    /// Whether the format keeps named graphs (a dataset format).
    pub fn is_dataset(self) -> bool {
        self.format().supports_datasets()
    }

    /// A serializer for this format, declaring kgraph's prefixes where the format has prefixes.
    pub fn serializer(self, vocab: &Vocab) -> RdfSerializer {
        let mut serializer = RdfSerializer::from_format(self.format());
        for (name, iri) in prefixes(vocab) {
            serializer = match serializer.clone().with_prefix(name, iri) {
                Ok(s) => s,
                Err(_) => serializer, // a base that makes no valid namespace IRI: no prefix
            };
        }
        serializer
    }
}

impl fmt::Display for RdfOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for RdfOutput {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let s = s.to_ascii_lowercase();
        Ok(match s.as_str() {
            "nquads" | "n-quads" | "nq" => RdfOutput::NQuads,
            "trig" => RdfOutput::TriG,
            "ntriples" | "n-triples" | "nt" => RdfOutput::NTriples,
            "turtle" | "ttl" => RdfOutput::Turtle,
            "rdfxml" | "rdf/xml" | "rdf" | "owl" => RdfOutput::RdfXml,
            "jsonld" | "json-ld" => RdfOutput::JsonLd,
            _ => return Err(Error::Invalid(format!("unknown RDF format {s:?} (one of {})", Self::NAMES.join(", ")))),
        })
    }
}

/// A format for SELECT and ASK results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResultsOutput {
    /// Aligned text columns for people.
    Table,
    /// SPARQL 1.1 Query Results CSV.
    Csv,
    /// SPARQL 1.1 Query Results TSV.
    Tsv,
    /// SPARQL 1.1 Query Results JSON.
    Json,
    /// SPARQL Query Results XML.
    Xml,
}

impl ResultsOutput {
    /// Every format, in the order of [`Self::NAMES`].
    pub const ALL: [ResultsOutput; 5] =
        [ResultsOutput::Table, ResultsOutput::Csv, ResultsOutput::Tsv, ResultsOutput::Json, ResultsOutput::Xml];

    /// The names users give on the command line.
    pub const NAMES: [&'static str; 5] = ["table", "csv", "tsv", "json", "xml"];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        Self::NAMES[Self::ALL.iter().position(|&f| f == self).unwrap_or(0)]
    }
}

impl FromStr for ResultsOutput {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let s = s.to_ascii_lowercase();
        Self::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Self::ALL[i])
            .ok_or_else(|| Error::Invalid(format!("unknown results format {s:?} (one of {})", Self::NAMES.join(", "))))
    }
}

/// The prefixes kgraph declares in Turtle, TriG and RDF/XML and uses to shorten IRIs in tables:
/// the standard vocabularies, `kg:` (the ontology), `doc:` and `statement:` under the base, and
/// one per entity class (`country:` for `BASE entity/country/`), so that entity IRIs shorten to
/// `country:Q399` without escaped slashes.
pub fn prefixes(vocab: &Vocab) -> Vec<(String, String)> {
    let base = vocab.base();
    let mut out = vec![
        ("kg".to_owned(), vocab.ontology_ns()),
        ("doc".to_owned(), format!("{base}doc/")),
        ("statement".to_owned(), format!("{base}statement/")),
    ];
    for class in Class::ALL {
        let name = class.name().to_ascii_lowercase();
        out.push((name.clone(), format!("{base}entity/{name}/")));
    }
    for (name, ns) in [
        ("rdf", ns::RDF),
        ("rdfs", ns::RDFS),
        ("owl", ns::OWL),
        ("skos", ns::SKOS),
        ("xsd", ns::XSD),
        ("dcterms", ns::DCTERMS),
        ("prov", ns::PROV),
        ("schema", ns::SCHEMA),
        ("wd", ns::WD),
    ] {
        out.push((name.to_owned(), ns.to_owned()));
    }
    out
}

/// Shortens an IRI with the longest matching prefix (`kg:allyOf`), or writes it `<iri>`.
pub fn compact(iri: &str, prefixes: &[(String, String)]) -> String {
    prefixes
        .iter()
        .filter(|(_, ns)| iri.starts_with(ns.as_str()) && iri.len() > ns.len())
        .max_by_key(|(_, ns)| ns.len())
        .map(|(name, ns)| format!("{name}:{}", &iri[ns.len()..]))
        .unwrap_or_else(|| format!("<{iri}>"))
}

/// Writes rows as aligned text columns under a header and a rule, two spaces apart; columns
/// marked `numeric` are right-aligned.
pub fn write_aligned(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    numeric: &[bool],
) -> std::io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |out: &mut dyn Write, values: &mut dyn Iterator<Item = &str>| -> std::io::Result<()> {
        let mut text = String::new();
        for (i, (v, w)) in values.zip(&widths).enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            let pad = w - v.chars().count();
            if numeric.get(i).copied().unwrap_or(false) {
                text.extend(std::iter::repeat_n(' ', pad));
                text.push_str(v);
            } else {
                text.push_str(v);
                text.extend(std::iter::repeat_n(' ', pad));
            }
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(out, &mut header.iter().copied())?;
    let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    line(out, &mut rule.iter().map(String::as_str))?;
    for row in rows {
        line(out, &mut row.iter().map(String::as_str))?;
    }
    Ok(())
}

/// Writes a file through a temporary sibling renamed into place on success, so that `path` is
/// either the old file or the complete new one.
pub fn write_atomically<T>(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "output".into());
    let tmp = dir.join(format!(".{name}.kgraph-{}.tmp", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let mut out = std::io::BufWriter::new(file);
        let value = write(&mut out)?;
        let file = out.into_inner().map_err(|e| Error::io(path, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(path, e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))?;
        Ok(value)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in RdfOutput::ALL {
            assert_eq!(f.name().parse::<RdfOutput>().unwrap(), f);
        }
        for f in ResultsOutput::ALL {
            assert_eq!(f.name().parse::<ResultsOutput>().unwrap(), f);
        }
        assert!("xml".parse::<RdfOutput>().is_err());
        assert!(RdfOutput::NQuads.is_dataset());
        assert!(!RdfOutput::Turtle.is_dataset());
    }

    #[test]
    fn compact_uses_the_longest_prefix() {
        let p = prefixes(&Vocab::default());
        assert_eq!(compact("https://w3id.org/kgraph/ontology#allyOf", &p), "kg:allyOf");
        assert_eq!(compact("https://w3id.org/kgraph/entity/country/Q399", &p), "country:Q399");
        assert_eq!(compact("http://example.org/x", &p), "<http://example.org/x>");
    }
}
