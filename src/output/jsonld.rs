//! Compact JSON-LD: what `kgraph export --format jsonld` writes.
//!
//! Oxigraph's JSON-LD serializer declares prefixes in the `@context` but writes every IRI in
//! full (`"https://w3id.org/kgraph/ontology#brokered": [{"@id": "https://…"}]`). This writer
//! uses them, as JSON-LD's compaction would: one `@context` with kgraph's prefixes (`kg:`,
//! `doc:`, `country:`, `rdfs:`, …), one node object per subject and graph with its properties
//! as compact IRIs (`"kg:brokered": {"@id": "agreement:2020-11-10"}`), `rdf:type` as `@type`,
//! plain strings as JSON strings, canonical integers and booleans as JSON numbers and booleans,
//! other literals as `{"@value", "@type"}` or `{"@value", "@language"}`; each named graph is a
//! `{"@id": graph, "@graph": [...]}` object. It streams: one subject's quads are held at a time
//! (consecutive quads of the same graph and subject make one node object, as the store lists
//! them; a subject that comes back later gets a second object, which JSON-LD merges).

use std::collections::BTreeMap;
use std::io::{self, Write};

use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{GraphName, NamedOrBlankNode, Quad, Term};
use serde_json::{Map, Value};

/// JSON-LD 1.1 uses a term as a prefix only when its IRI ends with one of these (a "gen-delim").
const GEN_DELIMS: &[char] = &[':', '/', '?', '#', '[', ']', '@'];

/// The largest integer a JSON number holds exactly in every parser (2^53).
const SAFE_INTEGER: u64 = 9_007_199_254_740_992;

/// Shortens IRIs with the declared prefixes.
struct Compactor {
    prefixes: Vec<(String, String)>,
}

impl Compactor {
    fn new(prefixes: &[(String, String)]) -> Compactor {
        let prefixes = prefixes
            .iter()
            .filter(|(name, iri)| {
                !name.is_empty()
                    && name != "_"
                    && !name.contains(':')
                    && !name.starts_with('@')
                    && iri.ends_with(GEN_DELIMS)
            })
            .cloned()
            .collect();
        Compactor { prefixes }
    }

    /// `prefix:rest` with the longest prefix, or the IRI as it is when none fits, or when the
    /// compact form would be read back as something else (an empty rest, or a rest starting
    /// with `//`, which makes it an absolute IRI).
    fn iri(&self, iri: &str) -> String {
        self.prefixes
            .iter()
            .filter(|(_, ns)| {
                iri.len() > ns.len() && iri.starts_with(ns.as_str()) && !iri[ns.len()..].starts_with("//")
            })
            .max_by_key(|(_, ns)| ns.len())
            .map(|(name, ns)| format!("{name}:{}", &iri[ns.len()..]))
            .unwrap_or_else(|| iri.to_owned())
    }

    fn id(&self, node: &NamedOrBlankNode) -> String {
        match node {
            NamedOrBlankNode::NamedNode(n) => self.iri(n.as_str()),
            NamedOrBlankNode::BlankNode(b) => b.to_string(),
        }
    }

    fn graph(&self, graph: &GraphName) -> Option<String> {
        match graph {
            GraphName::NamedNode(n) => Some(self.iri(n.as_str())),
            GraphName::BlankNode(b) => Some(b.to_string()),
            GraphName::DefaultGraph => None,
        }
    }

    fn context(&self) -> Value {
        Value::Object(self.prefixes.iter().map(|(name, iri)| (name.clone(), Value::String(iri.clone()))).collect())
    }

    /// An object value.
    fn value(&self, term: &Term) -> Value {
        match term {
            Term::NamedNode(n) => one("@id", self.iri(n.as_str())),
            Term::BlankNode(b) => one("@id", b.to_string()),
            Term::Literal(l) => {
                if let Some(language) = l.language() {
                    let mut m = Map::new();
                    m.insert("@value".into(), l.value().into());
                    m.insert("@language".into(), language.into());
                    return Value::Object(m);
                }
                let datatype = l.datatype();
                let value = l.value();
                if datatype == xsd::STRING {
                    return Value::String(value.to_owned());
                }
                if datatype == xsd::INTEGER {
                    if let Ok(n) = value.parse::<i64>() {
                        if n.to_string() == value && n.unsigned_abs() <= SAFE_INTEGER {
                            return Value::from(n);
                        }
                    }
                }
                if datatype == xsd::BOOLEAN && (value == "true" || value == "false") {
                    return Value::Bool(value == "true");
                }
                let mut m = Map::new();
                m.insert("@value".into(), value.into());
                m.insert("@type".into(), self.iri(datatype.as_str()).into());
                Value::Object(m)
            }
            #[allow(unreachable_patterns)]
            _ => Value::Null, // RDF 1.2 triple terms: kgraph writes none
        }
    }

    /// The node object of one subject's quads (all of one graph).
    fn node(&self, subject: &NamedOrBlankNode, quads: &[Quad]) -> Value {
        let mut types: Vec<Value> = Vec::new();
        let mut properties: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for q in quads {
            match &q.object {
                Term::NamedNode(class) if q.predicate == rdf::TYPE => {
                    types.push(Value::String(self.iri(class.as_str())));
                }
                object => {
                    properties.entry(self.iri(q.predicate.as_str())).or_default().push(self.value(object));
                }
            }
        }
        let mut m = Map::new();
        m.insert("@id".into(), self.id(subject).into());
        if !types.is_empty() {
            m.insert("@type".into(), single_or_array(types));
        }
        for (p, values) in properties {
            m.insert(p, single_or_array(values));
        }
        Value::Object(m)
    }
}

fn one(key: &str, value: String) -> Value {
    let mut m = Map::new();
    m.insert(key.into(), Value::String(value));
    Value::Object(m)
}

fn single_or_array(mut values: Vec<Value>) -> Value {
    if values.len() == 1 {
        values.pop().expect("one value")
    } else {
        Value::Array(values)
    }
}

/// Writes `quads` as one compact JSON-LD document; returns how many quads were written.
pub fn write<E>(
    quads: impl Iterator<Item = Result<Quad, E>>,
    prefixes: &[(String, String)],
    out: &mut dyn Write,
) -> Result<io::Result<usize>, E> {
    let compactor = Compactor::new(prefixes);
    let mut writer = Writer { out, compactor: &compactor, graph: None, first_in_graph: true, first_top: true };
    if let Err(e) = writer.start() {
        return Ok(Err(e));
    }
    let mut written = 0;
    let mut pending: Vec<Quad> = Vec::new();
    for quad in quads {
        let quad = quad?;
        written += 1;
        if let Some(last) = pending.last() {
            if last.graph_name != quad.graph_name || last.subject != quad.subject {
                if let Err(e) = writer.node(&pending) {
                    return Ok(Err(e));
                }
                pending.clear();
            }
        }
        pending.push(quad);
    }
    let result = (|| {
        if !pending.is_empty() {
            writer.node(&pending)?;
        }
        writer.finish()
    })();
    Ok(result.map(|()| written))
}

struct Writer<'a> {
    out: &'a mut dyn Write,
    compactor: &'a Compactor,
    /// The graph whose `@graph` array is open (`Some(None)`: the default graph's nodes, at the top).
    graph: Option<GraphName>,
    first_in_graph: bool,
    first_top: bool,
}

impl Writer<'_> {
    fn start(&mut self) -> io::Result<()> {
        let context = serde_json::to_string(&self.compactor.context()).map_err(io::Error::other)?;
        write!(self.out, "{{\n  \"@context\": {context},\n  \"@graph\": [")
    }

    fn top_separator(&mut self) -> io::Result<()> {
        let separator = if self.first_top { "\n" } else { ",\n" };
        self.first_top = false;
        self.out.write_all(separator.as_bytes())
    }

    fn close_graph(&mut self) -> io::Result<()> {
        if let Some(g) = self.graph.take() {
            if !g.is_default_graph() {
                self.out.write_all(b"\n    ]}")?;
            }
        }
        Ok(())
    }

    /// One subject's quads, all in one graph.
    fn node(&mut self, quads: &[Quad]) -> io::Result<()> {
        let first = &quads[0];
        if self.graph.as_ref() != Some(&first.graph_name) {
            self.close_graph()?;
            if let Some(id) = self.compactor.graph(&first.graph_name) {
                self.top_separator()?;
                write!(self.out, "    {{\"@id\": {}, \"@graph\": [", Value::String(id))?;
            }
            self.graph = Some(first.graph_name.clone());
            self.first_in_graph = true;
        }
        let node = serde_json::to_string(&self.compactor.node(&first.subject, quads)).map_err(io::Error::other)?;
        if first.graph_name.is_default_graph() {
            self.top_separator()?;
            write!(self.out, "    {node}")
        } else {
            let separator = if self.first_in_graph { "\n" } else { ",\n" };
            self.first_in_graph = false;
            write!(self.out, "{separator}      {node}")
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        self.close_graph()?;
        self.out.write_all(b"\n  ]\n}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfParser};
    use oxigraph::store::Store;

    const DATA: &str = r#"
        @prefix kg: <https://w3id.org/kgraph/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <http://ex.org/top> rdfs:label "in the default graph" .
        <https://w3id.org/kgraph/doc/d1> {
          <https://w3id.org/kgraph/entity/country/Q159> a kg:Country ; rdfs:label "Russia", "Россия"@ru ;
              kg:brokered <https://w3id.org/kgraph/entity/agreement/2020-11-10> .
          <https://w3id.org/kgraph/entity/agreement/2020-11-10> a kg:Agreement ; kg:date "2020-11-10"^^xsd:date ;
              kg:count 1960, "007"^^xsd:integer, 99999999999999999999 ; kg:confidence 0.9 ; kg:flag true ;
              kg:other <https://w3id.org/kgraph/doc///odd> , _:b .
          _:b kg:note "a \"quoted\"\nline" .
        }
        <https://w3id.org/kgraph/doc/d2> { <https://w3id.org/kgraph/entity/country/Q159> rdfs:label "Russia" . }
    "#;

    fn prefixes() -> Vec<(String, String)> {
        crate::output::prefixes(&crate::graph::Vocab::default())
    }

    fn written() -> (Store, String) {
        let store = Store::new().unwrap();
        store.load_from_slice(RdfFormat::TriG, DATA).unwrap();
        let mut out = Vec::new();
        let n = write(store.quads_for_pattern(None, None, None, None), &prefixes(), &mut out).unwrap().unwrap();
        assert_eq!(n, store.len().unwrap());
        (store, String::from_utf8(out).unwrap())
    }

    #[test]
    fn iris_are_compact_and_values_native() {
        let (_, text) = written();
        let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(json["@context"]["kg"], "https://w3id.org/kgraph/ontology#");
        assert_eq!(json["@context"]["country"], "https://w3id.org/kgraph/entity/country/");
        for needle in [
            r#""@id":"country:Q159""#,
            r#""@type":"kg:Country""#,
            r#""kg:brokered":{"@id":"agreement:2020-11-10"}"#,
            r#""kg:date":{"@type":"xsd:date","@value":"2020-11-10"}"#,
            r#"{"@language":"ru","@value":"Россия"}"#,
            r#""kg:flag":true"#,
            r#"{"@type":"xsd:integer","@value":"99999999999999999999"}"#,
            r#",7,1960]"#,
            r#""kg:confidence":{"@type":"xsd:decimal","@value":"0.9"}"#,
            r#"{"@id":"https://w3id.org/kgraph/doc///odd"}"#,
            r#"{"@id": "doc:d1", "@graph": ["#,
            r#""rdfs:label":"in the default graph""#,
        ] {
            assert!(text.contains(needle), "{needle} not in\n{text}");
        }
    }

    #[test]
    fn it_reads_back_as_the_same_quads() {
        let (store, text) = written();
        let back = Store::new().unwrap();
        let parser = RdfParser::from_format(RdfFormat::JsonLd { profile: JsonLdProfileSet::empty() });
        back.load_from_reader(parser, text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let ground = |s: &Store| {
            let mut v: Vec<String> = s
                .iter()
                .map(|q| q.unwrap())
                .filter(|q| !q.subject.is_blank_node() && !q.object.is_blank_node())
                .map(|q| q.to_string())
                .collect();
            v.sort();
            v
        };
        assert_eq!(back.len().unwrap(), store.len().unwrap(), "{text}");
        assert_eq!(ground(&back), ground(&store), "{text}");
    }

    #[test]
    fn an_empty_store_is_an_empty_document() {
        let store = Store::new().unwrap();
        let mut out = Vec::new();
        write(store.quads_for_pattern(None, None, None, None), &prefixes(), &mut out).unwrap().unwrap();
        let json: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(json["@graph"], Value::Array(vec![]));
    }
}
