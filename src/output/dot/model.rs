//! Store (or a CONSTRUCT result) → [`Model`]: the entities with their labels, classes and
//! documents, and the facts between them with the documents and confidences that state them,
//! all read with SPARQL; then [`Model::picture`] applies the filters and builds the petgraph
//! graph of the picture.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use oxigraph::model::{GraphName, NamedNode, Quad, Term};
use oxigraph::sparql::{QueryResults, QuerySolution};
use oxigraph::store::Store;
use petgraph::graph::DiGraph;

use super::{DocRef, Edge, Node, Picture, Row};
use crate::graph::vocab::ns;
use crate::graph::Vocab;
use crate::output::query::evaluate;
use crate::{Error, Result};

/// A property the ontology declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PredicateInfo {
    /// Its IRI.
    pub iri: String,
    /// The part after the last `#` or `/` (`suppliesWeaponsTo`).
    pub local: String,
    /// Its `rdfs:label` (`supplies weapons to`), else the local name.
    pub label: String,
    /// Whether it is an `owl:SymmetricProperty` (drawn without an arrow head).
    pub symmetric: bool,
}

/// A class the ontology declares.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClassInfo {
    /// Its IRI.
    pub iri: String,
    /// Its local name (`Country`), which chooses the style.
    pub local: String,
    /// Its `rdfs:label`, else the local name.
    pub label: String,
}

/// What the ontology graph of the store says about classes and properties.
#[derive(Clone, Debug, Default)]
pub struct Ontology {
    /// The fact properties (the contract), by IRI.
    pub predicates: BTreeMap<String, PredicateInfo>,
    /// The provenance properties (domain `rdf:Statement`), never drawn.
    pub provenance: BTreeSet<String>,
    /// The entity classes, by IRI.
    pub classes: BTreeMap<String, ClassInfo>,
}

/// An entity (or, in a CONSTRUCT result, any resource that takes part in a drawn triple).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entity {
    /// Its IRI, or `_:id` for a blank node.
    pub id: String,
    /// Its `rdfs:label` (or `skos:prefLabel`, `schema:name`), if any.
    pub label: Option<String>,
    /// Every other label (`skos:altLabel`, `schema:alternateName`, other `rdfs:label`s).
    pub aliases: BTreeSet<String>,
    /// Its class among the ontology's, by IRI (the smallest if it has several).
    pub class: Option<String>,
    /// The graphs that type it.
    pub graphs: BTreeSet<String>,
}

/// The object of a fact.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Object {
    /// Another resource (its IRI or `_:id`): an edge.
    Entity(String),
    /// A literal's lexical value: a row inside the subject's node.
    Literal(String),
}

/// One triple, with the graphs that state it and the best confidence each gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    /// The subject's IRI or `_:id`.
    pub subject: String,
    /// The predicate's IRI.
    pub predicate: String,
    /// The object.
    pub object: Object,
    /// Graph IRI → the highest `kg:confidence` of the statements of this triple there (none
    /// when the graph has no reified statement for it).
    pub support: BTreeMap<String, Option<f64>>,
}

/// Everything a picture can show, before any filter.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Classes and properties.
    pub ontology: Ontology,
    /// Entities by id.
    pub entities: BTreeMap<String, Entity>,
    /// Facts, sorted by subject, predicate and object.
    pub facts: Vec<Fact>,
    /// Document graph IRI → its identifier and title.
    pub documents: BTreeMap<String, DocRef>,
    /// Predicates drawn although the ontology does not declare them (CONSTRUCT results), by IRI.
    pub extra_predicates: BTreeMap<String, PredicateInfo>,
}

/// Which facts and entities a picture keeps; every field empty keeps everything.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    /// Only these relations: local names, labels or IRIs, case-insensitive.
    pub predicates: Vec<String>,
    /// Only entities of these classes: local names or labels, case-insensitive.
    pub types: Vec<String>,
    /// Only what this document states: its identifier or graph IRI.
    pub document: Option<String>,
    /// Only facts stated with at least this confidence.
    pub min_confidence: Option<f64>,
}

const PROLOGUE: &str = "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n\
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n\
    PREFIX owl: <http://www.w3.org/2002/07/owl#>\n\
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n\
    PREFIX schema: <http://schema.org/>\n\
    PREFIX dcterms: <http://purl.org/dc/terms/>\n";

/// The graph a CONSTRUCT result is put in while it is read.
const RESULT_GRAPH: &str = "urn:kgraph:construct-result";

/// How many IRIs one `VALUES` clause lists.
const CHUNK: usize = 500;

impl Ontology {
    /// Reads the ontology graph of `vocab` from `store`; a store without one (made by another
    /// tool) gets the ontology built into kgraph.
    pub fn read(store: &Store, vocab: &Vocab) -> Result<Self> {
        let ontology = Self::read_graph(store, vocab)?;
        if !ontology.predicates.is_empty() {
            return Ok(ontology);
        }
        let builtin = Store::new()?;
        builtin.extend(crate::store::ontology_quads(vocab, None)?)?;
        Self::read_graph(&builtin, vocab)
    }

    fn read_graph(store: &Store, vocab: &Vocab) -> Result<Self> {
        let ont = vocab.ontology_graph();
        let mut out = Ontology::default();
        let mut labels: BTreeMap<String, BTreeSet<(bool, String)>> = BTreeMap::new();
        for s in select(
            store,
            &format!(
                "SELECT ?p ?l ?sym ?prov WHERE {{ GRAPH {ont} {{
                   ?p a ?kind FILTER(isIRI(?p) && ?kind IN (owl:ObjectProperty, owl:DatatypeProperty))
                   OPTIONAL {{ ?p rdfs:label ?l }}
                   BIND(EXISTS {{ ?p a owl:SymmetricProperty }} AS ?sym)
                   BIND(EXISTS {{ ?p rdfs:domain rdf:Statement }} AS ?prov) }} }}"
            ),
        )? {
            let Some(p) = iri_of(s.get("p")) else { continue };
            if literal(s.get("prov")).as_deref() == Some("true") {
                out.provenance.insert(p);
                continue;
            }
            if let Some(Term::Literal(l)) = s.get("l") {
                let english = l.language().is_none_or(|lang| lang.starts_with("en"));
                labels.entry(p.clone()).or_default().insert((!english, l.value().to_owned()));
            }
            let symmetric = literal(s.get("sym")).as_deref() == Some("true");
            out.predicates.insert(
                p.clone(),
                PredicateInfo { local: local_name(&p).to_owned(), label: String::new(), iri: p, symmetric },
            );
        }
        for s in select(
            store,
            &format!(
                "SELECT ?c ?l WHERE {{ GRAPH {ont} {{ ?c a owl:Class FILTER(isIRI(?c)) OPTIONAL {{ ?c rdfs:label ?l }} }} }}"
            ),
        )? {
            let Some(c) = iri_of(s.get("c")) else { continue };
            if let Some(Term::Literal(l)) = s.get("l") {
                let english = l.language().is_none_or(|lang| lang.starts_with("en"));
                labels.entry(c.clone()).or_default().insert((!english, l.value().to_owned()));
            }
            out.classes.insert(c.clone(), ClassInfo { local: local_name(&c).to_owned(), label: String::new(), iri: c });
        }
        let label = |iri: &str, local: &str| {
            labels.get(iri).and_then(|l| l.first()).map(|(_, l)| l.clone()).unwrap_or_else(|| local.to_owned())
        };
        let label = |iri: &str, local: &str| {
            Some(label(iri, local)).filter(|l| !l.trim().is_empty()).unwrap_or_else(|| local.to_owned())
        };
        for p in out.predicates.values_mut() {
            p.label = label(&p.iri, &p.local);
        }
        for c in out.classes.values_mut() {
            c.label = label(&c.iri, &c.local);
        }
        Ok(out)
    }

    /// Whether a predicate of a CONSTRUCT result is drawn: not a type, label, identity,
    /// reification or provenance property.
    fn draws(&self, predicate: &str) -> bool {
        const HIDDEN: [&str; 9] = [
            "http://www.w3.org/2000/01/rdf-schema#label",
            "http://www.w3.org/2000/01/rdf-schema#comment",
            "http://www.w3.org/2000/01/rdf-schema#seeAlso",
            "http://www.w3.org/2002/07/owl#sameAs",
            "http://schema.org/name",
            "http://schema.org/alternateName",
            "http://www.w3.org/2000/01/rdf-schema#subClassOf",
            "http://www.w3.org/2000/01/rdf-schema#domain",
            "http://www.w3.org/2000/01/rdf-schema#range",
        ];
        !(HIDDEN.contains(&predicate)
            || [ns::RDF, ns::SKOS, ns::PROV, ns::DCTERMS].iter().any(|n| predicate.starts_with(n))
            || self.provenance.contains(predicate))
    }
}

impl Model {
    /// Reads the entities and contract facts of `store` (every document graph) with SPARQL.
    pub fn from_store(store: &Store, vocab: &Vocab) -> Result<Self> {
        let ontology = Ontology::read(store, vocab)?;
        let mut model = Model { documents: read_documents(store)?, ..Model::default() };
        let predicates: Vec<&String> = ontology.predicates.keys().collect();
        model.facts = read_facts(store, vocab, Some(&predicates))?;
        model.ontology = ontology;
        read_entities(store, &mut model)?;
        Ok(model)
    }

    /// Runs a CONSTRUCT (or DESCRIBE) query on `store` and reads its triples as the model:
    /// every triple but types, labels, identity and provenance is drawn; labels and classes
    /// the result lacks are looked up in `store`. `origin` (the file) prefixes errors.
    pub fn from_construct(store: &Store, vocab: &Vocab, query: &str, origin: Option<&str>) -> Result<Self> {
        let name = |e: Error| match origin {
            Some(o) => Error::Query(format!("{o}: {e}")),
            None => e,
        };
        let QueryResults::Graph(triples) = evaluate(store, query).map_err(name)? else {
            return Err(name(Error::Query(
                "a SELECT or ASK query gives no graph to draw: give a CONSTRUCT (or DESCRIBE) query".into(),
            )));
        };
        let result = Store::new()?;
        let graph = GraphName::NamedNode(NamedNode::new_unchecked(RESULT_GRAPH));
        for t in triples {
            let t = t.map_err(|e| name(Error::Query(format!("query failed: {e}"))))?;
            result.insert(&Quad::new(t.subject, t.predicate, t.object, graph.clone()))?;
        }
        let ontology = Ontology::read(store, vocab)?;
        let mut model = Model::default();
        model.facts = read_facts(&result, vocab, None)?;
        model.facts.retain(|f| ontology.draws(&f.predicate));
        for f in &model.facts {
            if !ontology.predicates.contains_key(&f.predicate) {
                let local = local_name(&f.predicate).to_owned();
                model.extra_predicates.insert(
                    f.predicate.clone(),
                    PredicateInfo { iri: f.predicate.clone(), label: local.clone(), local, symmetric: false },
                );
            }
        }
        model.ontology = ontology;
        read_entities(&result, &mut model)?;
        // What the result does not say about its resources, the store may.
        let missing: Vec<String> = model
            .entities
            .values()
            .filter(|e| !e.id.starts_with("_:") && (e.label.is_none() || e.class.is_none()))
            .map(|e| e.id.clone())
            .collect();
        let mut known = Model { ontology: model.ontology.clone(), ..Model::default() };
        for id in &missing {
            known.entities.insert(id.clone(), Entity { id: id.clone(), ..Entity::default() });
        }
        read_details(store, &mut known, &missing)?;
        for (id, k) in known.entities {
            if let Some(e) = model.entities.get_mut(&id) {
                if e.label.is_none() {
                    e.label = k.label;
                    e.aliases.extend(k.aliases);
                }
                if e.class.is_none() {
                    e.class = k.class;
                }
            }
        }
        Ok(model)
    }

    /// The predicate declared (or met in a CONSTRUCT result) with this IRI.
    pub fn predicate(&self, iri: &str) -> Option<&PredicateInfo> {
        self.ontology.predicates.get(iri).or_else(|| self.extra_predicates.get(iri))
    }

    /// Applies `filters` and builds the picture's graph: one node per entity kept, one edge per
    /// relation triple between kept entities (the graphs stating it merged into a count; a
    /// symmetric relation stated both ways is one edge), literal facts as rows of their node.
    ///
    /// An entity is kept when its class passes `--types` (an untyped one only without
    /// `--types`) and, with `--document`, when the document types it or states a kept fact
    /// about it. Entities without relations or facts are kept too (a focus may be one);
    /// [`Picture::select`] leaves them out of a whole picture.
    pub fn picture(&self, filters: &Filters) -> Result<Picture> {
        let predicates = self.resolve_predicates(&filters.predicates)?;
        let types = self.resolve_types(&filters.types)?;
        let document = self.resolve_document(filters.document.as_deref())?;

        let class_ok = |e: &Entity| match &types {
            None => true,
            Some(t) => e.class.as_ref().is_some_and(|c| t.contains(c)),
        };
        // The facts that pass, with the graphs that still support them.
        let mut kept_facts: Vec<(&Fact, Vec<&String>)> = Vec::new();
        for f in &self.facts {
            if predicates.as_ref().is_some_and(|p| !p.contains(&f.predicate)) {
                continue;
            }
            let graphs: Vec<&String> = f
                .support
                .iter()
                .filter(|(g, _)| document.is_none_or(|d| *g == d))
                .filter(|(_, c)| filters.min_confidence.is_none_or(|min| c.is_some_and(|c| c >= min - 1e-9)))
                .map(|(g, _)| g)
                .collect();
            if !graphs.is_empty() {
                kept_facts.push((f, graphs));
            }
        }
        let entity = |id: &str| self.entities.get(id);
        let mut keep: BTreeSet<&str> = self
            .entities
            .values()
            .filter(|e| class_ok(e) && document.is_none_or(|d| e.graphs.contains(d)))
            .map(|e| e.id.as_str())
            .collect();
        for (f, _) in &kept_facts {
            let ends: Vec<&str> = match &f.object {
                Object::Entity(o) => vec![f.subject.as_str(), o.as_str()],
                Object::Literal(_) => vec![f.subject.as_str()],
            };
            if ends.iter().all(|id| entity(id).is_some_and(class_ok)) {
                keep.extend(ends);
            }
        }

        // Nodes in a stable order: by label, then id.
        let mut order: Vec<&Entity> = keep.iter().filter_map(|id| entity(id)).collect();
        order.sort_by_cached_key(|e| {
            let label = display_label(e);
            (label.to_lowercase(), label, e.id.clone())
        });
        let mut graph: DiGraph<Node, Edge> = DiGraph::with_capacity(order.len(), kept_facts.len());
        let mut index = BTreeMap::new();
        for e in &order {
            let label = display_label(e);
            let class = e.class.as_ref().and_then(|c| self.ontology.classes.get(c)).cloned();
            let aliases = e.aliases.iter().filter(|a| **a != label).cloned().collect();
            let i = graph.add_node(Node { iri: e.id.clone(), label, aliases, class, ..Node::default() });
            index.insert(e.id.as_str(), i);
        }
        let docs = |graphs: &[&String]| -> Vec<DocRef> {
            let mut out: Vec<DocRef> = graphs
                .iter()
                .map(|g| self.documents.get(*g).cloned().unwrap_or_else(|| DocRef { id: (*g).clone(), title: None }))
                .filter(|d| d.id != RESULT_GRAPH)
                .collect();
            out.sort();
            out
        };
        let mut edges: BTreeMap<(usize, usize, String, String), Edge> = BTreeMap::new();
        for (f, graphs) in &kept_facts {
            let Some(&s) = index.get(f.subject.as_str()) else { continue };
            let info = self.predicate(&f.predicate).cloned().unwrap_or_else(|| PredicateInfo {
                iri: f.predicate.clone(),
                local: local_name(&f.predicate).to_owned(),
                label: local_name(&f.predicate).to_owned(),
                symmetric: false,
            });
            match &f.object {
                Object::Literal(value) => {
                    graph[s].rows.push(Row { label: info.label, value: value.clone(), documents: docs(graphs).len() })
                }
                Object::Entity(o) => {
                    let Some(&o) = index.get(o.as_str()) else { continue };
                    let (a, b) = if info.symmetric && o < s { (o, s) } else { (s, o) };
                    let edge = edges
                        .entry((a.index(), b.index(), info.label.clone(), info.iri.clone()))
                        .or_insert_with(|| Edge {
                            predicate: info.iri.clone(),
                            label: info.label.clone(),
                            symmetric: info.symmetric,
                            documents: Vec::new(),
                        });
                    edge.documents.extend(docs(graphs));
                    edge.documents.sort();
                    edge.documents.dedup();
                }
            }
        }
        for ((a, b, _, _), edge) in edges {
            graph.add_edge(petgraph::graph::NodeIndex::new(a), petgraph::graph::NodeIndex::new(b), edge);
        }
        for n in graph.node_weights_mut() {
            n.rows.sort();
            n.rows.dedup();
        }
        let entities = graph.node_count();
        Ok(Picture { graph, title: String::new(), entities, left_out: 0 })
    }

    fn resolve_predicates(&self, names: &[String]) -> Result<Option<BTreeSet<String>>> {
        if names.is_empty() {
            return Ok(None);
        }
        let all: Vec<&PredicateInfo> =
            self.ontology.predicates.values().chain(self.extra_predicates.values()).collect();
        let mut out = BTreeSet::new();
        for name in names {
            let name = name.trim();
            let wanted = name.strip_prefix("kg:").unwrap_or(name);
            match all.iter().find(|p| {
                p.iri == wanted || p.local.eq_ignore_ascii_case(wanted) || p.label.eq_ignore_ascii_case(wanted)
            }) {
                Some(p) => out.insert(p.iri.clone()),
                None => {
                    let mut known: Vec<&str> = all.iter().map(|p| p.local.as_str()).collect();
                    known.sort_unstable();
                    return Err(Error::Invalid(format!(
                        "--predicates: no relation {name:?} (known: {})",
                        known.join(", ")
                    )));
                }
            };
        }
        Ok(Some(out))
    }

    fn resolve_types(&self, names: &[String]) -> Result<Option<BTreeSet<String>>> {
        if names.is_empty() {
            return Ok(None);
        }
        let mut out = BTreeSet::new();
        for name in names {
            let name = name.trim();
            let wanted = name.strip_prefix("kg:").unwrap_or(name);
            match self.ontology.classes.values().find(|c| {
                c.iri == wanted || c.local.eq_ignore_ascii_case(wanted) || c.label.eq_ignore_ascii_case(wanted)
            }) {
                Some(c) => out.insert(c.iri.clone()),
                None => {
                    let known: Vec<&str> = self.ontology.classes.values().map(|c| c.local.as_str()).collect();
                    return Err(Error::Invalid(format!("--types: no class {name:?} (known: {})", known.join(", "))));
                }
            };
        }
        Ok(Some(out))
    }

    fn resolve_document(&self, name: Option<&str>) -> Result<Option<&String>> {
        let Some(name) = name else { return Ok(None) };
        self.documents.iter().find(|(g, d)| g.as_str() == name || d.id == name).map(|(g, _)| Some(g)).ok_or_else(|| {
            Error::Invalid(format!("--document: no document {name:?} in the store (`kgraph stats` lists them)"))
        })
    }
}

/// An entity's label, else the local name of its IRI; never empty (an empty name cannot be
/// drawn).
fn display_label(e: &Entity) -> String {
    let label = e.label.as_deref().filter(|l| !l.trim().is_empty());
    match label {
        Some(l) => l.to_owned(),
        None if e.id.starts_with("_:") => e.id.clone(),
        None => match local_name(&e.id) {
            l if l.trim_matches(['_', '-', ' ']).is_empty() => "(no name)".to_owned(),
            l => l.to_owned(),
        },
    }
}

/// The part of an IRI after its last `#` or `/` (the whole IRI if that is empty).
pub fn local_name(iri: &str) -> &str {
    match iri.trim_end_matches(['#', '/']).rsplit(['#', '/']).next() {
        Some(l) if !l.is_empty() => l,
        _ => iri,
    }
}

fn read_documents(store: &Store) -> Result<BTreeMap<String, DocRef>> {
    let mut out = BTreeMap::new();
    for s in select(
        store,
        "SELECT ?g ?id (MIN(?t) AS ?title) WHERE { GRAPH ?g { ?g dcterms:identifier ?id OPTIONAL { ?g dcterms:title ?t } } } GROUP BY ?g ?id",
    )? {
        let (Some(g), Some(id)) = (iri_of(s.get("g")), literal(s.get("id"))) else { continue };
        out.insert(g, DocRef { id, title: literal(s.get("title")) });
    }
    Ok(out)
}

/// The triples of every named graph (with `predicates`: only those), with their graphs and
/// confidences.
fn read_facts(store: &Store, vocab: &Vocab, predicates: Option<&[&String]>) -> Result<Vec<Fact>> {
    let values = match predicates {
        Some(p) if p.is_empty() => return Ok(Vec::new()),
        Some(p) => format!("VALUES ?p {{ {} }}", p.iter().map(|p| format!("<{p}>")).collect::<Vec<_>>().join(" ")),
        None => String::new(),
    };
    let confidences = read_confidences(store, vocab)?;
    let mut facts: BTreeMap<(String, String, Object), BTreeMap<String, Option<f64>>> = BTreeMap::new();
    for s in select(store, &format!("SELECT ?s ?p ?o ?g WHERE {{ {values} GRAPH ?g {{ ?s ?p ?o }} }}"))? {
        let key = (s.get("s").cloned(), s.get("p").cloned(), s.get("o").cloned(), s.get("g").cloned());
        let conf = confidences.get(&key).copied();
        let (Some(subject), Some(p), Some(g)) = (resource(s.get("s")), iri_of(s.get("p")), iri_of(s.get("g"))) else {
            continue;
        };
        let object = match s.get("o") {
            Some(Term::Literal(l)) => Object::Literal(l.value().to_owned()),
            other => match resource(other) {
                Some(o) => Object::Entity(o),
                None => continue,
            },
        };
        facts.entry((subject, p, object)).or_default().insert(g, conf);
    }
    Ok(facts
        .into_iter()
        .map(|((subject, predicate, object), support)| Fact { subject, predicate, object, support })
        .collect())
}

/// A statement's terms as a solution gives them: subject, predicate, object, graph.
type FactKey = (Option<Term>, Option<Term>, Option<Term>, Option<Term>);

/// The highest confidence each fact has in each graph, from its reified statements. Read with
/// one pass over each reification property rather than a SPARQL join per fact, which Oxigraph
/// would plan as a nested loop over the whole store.
fn read_confidences(store: &Store, vocab: &Vocab) -> Result<HashMap<FactKey, f64>> {
    let rdf = |local: &str| NamedNode::new_unchecked(format!("{}{local}", ns::RDF));
    let confidence = vocab.term("confidence");
    // (graph, statement) → subject, predicate, object, confidence.
    let mut statements: HashMap<(GraphName, Term), (FactKey, Option<f64>)> = HashMap::new();
    for (slot, property) in [rdf("subject"), rdf("predicate"), rdf("object"), confidence].into_iter().enumerate() {
        for quad in store.quads_for_pattern(None, Some(property.as_ref()), None, None) {
            let quad = quad?;
            let entry = statements.entry((quad.graph_name.clone(), quad.subject.into())).or_default();
            match slot {
                0 => entry.0 .0 = Some(quad.object),
                1 => entry.0 .1 = Some(quad.object),
                2 => entry.0 .2 = Some(quad.object),
                _ => entry.1 = literal(Some(&quad.object)).and_then(|c| c.parse::<f64>().ok()),
            }
        }
    }
    let mut out: HashMap<FactKey, f64> = HashMap::new();
    for ((graph, _), (mut key, conf)) in statements {
        let (Some(conf), GraphName::NamedNode(g)) = (conf, graph) else { continue };
        key.3 = Some(Term::NamedNode(g));
        let best = out.entry(key).or_insert(conf);
        *best = best.max(conf);
    }
    Ok(out)
}

/// The entities of `store`: those typed with an ontology class and those the facts name,
/// with their labels and classes.
fn read_entities(store: &Store, model: &mut Model) -> Result<()> {
    let classes: Vec<String> = model.ontology.classes.keys().map(|c| format!("<{c}>")).collect();
    if !classes.is_empty() {
        for s in select(
            store,
            &format!(
                "SELECT DISTINCT ?e ?c ?g WHERE {{ VALUES ?c {{ {} }} GRAPH ?g {{ ?e a ?c }} }}",
                classes.join(" ")
            ),
        )? {
            let (Some(e), Some(c), Some(g)) = (resource(s.get("e")), iri_of(s.get("c")), iri_of(s.get("g"))) else {
                continue;
            };
            let entity = model.entities.entry(e.clone()).or_insert_with(|| Entity { id: e, ..Entity::default() });
            entity.graphs.insert(g);
            if entity.class.as_ref().is_none_or(|old| c < *old) {
                entity.class = Some(c);
            }
        }
    }
    for f in &model.facts {
        for id in std::iter::once(&f.subject).chain(match &f.object {
            Object::Entity(o) => Some(o),
            Object::Literal(_) => None,
        }) {
            model.entities.entry(id.clone()).or_insert_with(|| Entity { id: id.clone(), ..Entity::default() });
        }
    }
    // Labels of every resource at once (cheaper than VALUES lists for a whole store).
    let mut labels: BTreeMap<String, (BTreeSet<(u8, String)>, BTreeSet<String>)> = BTreeMap::new();
    for s in select(
        store,
        "SELECT DISTINCT ?e ?p ?l WHERE {
           VALUES ?p { rdfs:label skos:prefLabel schema:name skos:altLabel schema:alternateName }
           ?e ?p ?l FILTER(isLiteral(?l)) }",
    )? {
        let (Some(e), Some(p), Some(l)) = (resource(s.get("e")), iri_of(s.get("p")), literal(s.get("l"))) else {
            continue;
        };
        if !model.entities.contains_key(&e) {
            continue;
        }
        let entry = labels.entry(e).or_default();
        match local_name(&p) {
            "label" => entry.0.insert((0, l)),
            "prefLabel" => entry.0.insert((1, l)),
            "name" => entry.0.insert((2, l)),
            _ => entry.1.insert(l),
        };
    }
    for (id, (primary, aliases)) in labels {
        let Some(entity) = model.entities.get_mut(&id) else { continue };
        let mut primary = primary.into_iter();
        entity.label = primary.next().map(|(_, l)| l);
        entity.aliases.extend(primary.map(|(_, l)| l));
        entity.aliases.extend(aliases);
        if let Some(l) = &entity.label {
            entity.aliases.remove(l);
        }
    }
    Ok(())
}

/// Labels and classes of the named entities `ids`, looked up in `store` in chunks.
fn read_details(store: &Store, model: &mut Model, ids: &[String]) -> Result<()> {
    let classes: Vec<String> = model.ontology.classes.keys().map(|c| format!("<{c}>")).collect();
    for chunk in ids.chunks(CHUNK) {
        let values: Vec<String> = chunk.iter().map(|id| format!("<{id}>")).collect();
        let values = values.join(" ");
        for s in select(
            store,
            &format!(
                "SELECT DISTINCT ?e ?p ?l WHERE {{ VALUES ?e {{ {values} }}
                   VALUES ?p {{ rdfs:label skos:prefLabel schema:name skos:altLabel schema:alternateName }}
                   ?e ?p ?l FILTER(isLiteral(?l)) }} ORDER BY ?e ?p ?l"
            ),
        )? {
            let (Some(e), Some(p), Some(l)) = (iri_of(s.get("e")), iri_of(s.get("p")), literal(s.get("l"))) else {
                continue;
            };
            let Some(entity) = model.entities.get_mut(&e) else { continue };
            if matches!(local_name(&p), "label" | "prefLabel" | "name") && entity.label.is_none() {
                entity.label = Some(l);
            } else if entity.label.as_ref() != Some(&l) {
                entity.aliases.insert(l);
            }
        }
        if classes.is_empty() {
            continue;
        }
        for s in select(
            store,
            &format!(
                "SELECT DISTINCT ?e ?c WHERE {{ VALUES ?e {{ {values} }} VALUES ?c {{ {} }} ?e a ?c }}",
                classes.join(" ")
            ),
        )? {
            let (Some(e), Some(c)) = (iri_of(s.get("e")), iri_of(s.get("c"))) else { continue };
            if let Some(entity) = model.entities.get_mut(&e) {
                if entity.class.as_ref().is_none_or(|old| c < *old) {
                    entity.class = Some(c);
                }
            }
        }
    }
    Ok(())
}

fn select(store: &Store, query: &str) -> Result<Vec<QuerySolution>> {
    match evaluate(store, &format!("{PROLOGUE}{query}"))? {
        QueryResults::Solutions(solutions) => {
            solutions.collect::<Result<Vec<_>, _>>().map_err(|e| Error::Query(format!("dot: query failed: {e}")))
        }
        _ => Err(Error::Query("dot: a query gave no solutions".into())),
    }
}

fn iri_of(term: Option<&Term>) -> Option<String> {
    match term {
        Some(Term::NamedNode(n)) => Some(n.as_str().to_owned()),
        _ => None,
    }
}

/// A named or blank node as an id: the IRI, or `_:id`.
fn resource(term: Option<&Term>) -> Option<String> {
    match term {
        Some(Term::NamedNode(n)) => Some(n.as_str().to_owned()),
        Some(Term::BlankNode(b)) => Some(b.to_string()),
        _ => None,
    }
}

fn literal(term: Option<&Term>) -> Option<String> {
    match term {
        Some(Term::Literal(l)) => Some(l.value().to_owned()),
        _ => None,
    }
}
