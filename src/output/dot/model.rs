//! Store (or a CONSTRUCT result) → [`Model`]: the entities with their (preferred) labels and
//! classes, and the facts between them with how many documents state them and their best
//! confidence, read from the facts (the default graph) and the summary graph, never from the
//! evidence of every document (or, with `--document`, from that document's graph alone); then
//! [`Model::picture`] applies the filters and builds the petgraph graph of the picture.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use oxigraph::model::{GraphName, GraphNameRef, NamedNode, NamedOrBlankNode, Quad, Term};
use oxigraph::sparql::{QueryResults, QuerySolution};
use oxigraph::store::Store;
use petgraph::graph::DiGraph;

use super::{DocRef, Edge, Node, Picture, Row};
use crate::graph::vocab::{iri, ns};
use crate::graph::Vocab;
use crate::output::query::evaluate;
use crate::store::{fact_summary, FactSummary};
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
    /// The other properties (evidence, sentences, summary), never drawn.
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
}

/// The object of a fact.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Object {
    /// Another resource (its IRI or `_:id`): an edge.
    Entity(String),
    /// A literal's lexical value: a row inside the subject's node.
    Literal(String),
}

/// One triple, with how many documents state it and how surely.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    /// The subject's IRI or `_:id`.
    pub subject: String,
    /// The predicate's IRI.
    pub predicate: String,
    /// The object.
    pub object: Object,
    /// How many documents state it (the summary's `kg:documents`; 1 in a picture of one
    /// document; 0 for a triple only a CONSTRUCT result holds).
    pub documents: usize,
    /// The best confidence of its evidence (in the document, for a picture of one document).
    pub confidence: Option<f64>,
    /// The document graphs stating it, where they were read: a symmetric fact stated both ways
    /// (so that the one edge counts each document once), a picture of one document.
    pub graphs: BTreeSet<String>,
}

/// Everything a picture can show, before any filter (but `--document`, applied as it is read).
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Classes and properties.
    pub ontology: Ontology,
    /// Entities by id.
    pub entities: BTreeMap<String, Entity>,
    /// Facts, sorted by subject, predicate and object.
    pub facts: Vec<Fact>,
    /// The fact node of each drawn triple, for finding its documents (see [`Model::sources`]).
    pub vocab: Vocab,
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
    /// Only facts stated with at least this confidence (their best; in one document, its best).
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
                   BIND(NOT EXISTS {{ ?p a <{}FactProperty> }} AS ?prov) }} }}",
                vocab.ontology_ns()
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
                "SELECT ?c ?l WHERE {{ GRAPH {ont} {{ ?c rdfs:subClassOf <{}Entity> OPTIONAL {{ ?c rdfs:label ?l }} }} }}",
                vocab.ontology_ns()
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
    /// Reads the entities and facts of `store`: the facts of the corpus (default graph) with
    /// their counts from the summary graph, or, with `document` (an identifier or graph IRI),
    /// the facts of that document's graph with its own confidences.
    pub fn from_store(store: &Store, vocab: &Vocab, document: Option<&str>) -> Result<Self> {
        let ontology = Ontology::read(store, vocab)?;
        let graph = match document {
            None => None,
            // Only a document's name needs the list of documents (17,641 rows at 100 MB).
            Some(name) => Some(
                read_documents(store)?
                    .iter()
                    .find(|(g, d)| g.as_str() == name || d.id == name)
                    .map(|(g, _)| NamedNode::new_unchecked(g.clone()))
                    .ok_or_else(|| {
                        Error::Invalid(format!("--document: no document {name:?} in the store (`kgraph stats` lists them)"))
                    })?,
            ),
        };
        let mut model = Model { vocab: vocab.clone(), ..Model::default() };
        let predicates: Vec<NamedNode> = ontology.predicates.keys().map(|p| NamedNode::new_unchecked(p.clone())).collect();
        model.facts = match &graph {
            None => read_corpus_facts(store, vocab, &predicates, &ontology)?,
            Some(g) => read_document_facts(store, vocab, g, &predicates)?,
        };
        model.ontology = ontology;
        read_entities(store, &mut model, graph.as_ref(), Some(GraphNameRef::DefaultGraph))?;
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
        let mut model = Model { vocab: vocab.clone(), ..Model::default() };
        model.facts = read_result_facts(&result, store, vocab)?;
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
        read_entities(&result, &mut model, None, None)?;
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
    /// relation triple between kept entities (a symmetric relation stated both ways is one edge,
    /// counting each document once), literal facts as rows of their node.
    ///
    /// An entity is kept when its class passes `--types` (an untyped one only without
    /// `--types`). Entities without relations or facts are kept too (a focus may be one);
    /// [`Picture::select`] leaves them out of a whole picture. (`--document` was applied when
    /// the model was read.)
    pub fn picture(&self, filters: &Filters) -> Result<Picture> {
        let predicates = self.resolve_predicates(&filters.predicates)?;
        let types = self.resolve_types(&filters.types)?;

        let class_ok = |e: &Entity| match &types {
            None => true,
            Some(t) => e.class.as_ref().is_some_and(|c| t.contains(c)),
        };
        let kept_facts: Vec<&Fact> = self
            .facts
            .iter()
            .filter(|f| predicates.as_ref().is_none_or(|p| p.contains(&f.predicate)))
            .filter(|f| filters.min_confidence.is_none_or(|min| f.confidence.is_some_and(|c| c >= min - 1e-9)))
            .collect();
        let entity = |id: &str| self.entities.get(id);
        let mut keep: BTreeSet<&str> = self.entities.values().filter(|e| class_ok(e)).map(|e| e.id.as_str()).collect();
        for f in &kept_facts {
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
        // Per edge: the facts merged into it (one, or a symmetric pair).
        let mut edges: BTreeMap<(usize, usize, String, String), (Edge, Vec<&Fact>)> = BTreeMap::new();
        for f in &kept_facts {
            let Some(&s) = index.get(f.subject.as_str()) else { continue };
            let info = self.predicate(&f.predicate).cloned().unwrap_or_else(|| PredicateInfo {
                iri: f.predicate.clone(),
                local: local_name(&f.predicate).to_owned(),
                label: local_name(&f.predicate).to_owned(),
                symmetric: false,
            });
            match &f.object {
                Object::Literal(value) => {
                    graph[s].rows.push(Row { label: info.label, value: value.clone(), documents: f.documents })
                }
                Object::Entity(o) => {
                    let Some(&o) = index.get(o.as_str()) else { continue };
                    let (a, b) = if info.symmetric && o < s { (o, s) } else { (s, o) };
                    edges
                        .entry((a.index(), b.index(), info.label.clone(), info.iri.clone()))
                        .or_insert_with(|| {
                            let edge = Edge {
                                predicate: info.iri.clone(),
                                label: info.label.clone(),
                                symmetric: info.symmetric,
                                ..Edge::default()
                            };
                            (edge, Vec::new())
                        })
                        .1
                        .push(f);
                }
            }
        }
        for ((a, b, _, _), (mut edge, facts)) in edges {
            edge.documents = if facts.len() > 1 && facts.iter().all(|f| !f.graphs.is_empty()) {
                facts.iter().flat_map(|f| &f.graphs).collect::<BTreeSet<_>>().len()
            } else {
                facts.iter().map(|f| f.documents).sum()
            };
            graph.add_edge(petgraph::graph::NodeIndex::new(a), petgraph::graph::NodeIndex::new(b), edge);
        }
        for n in graph.node_weights_mut() {
            n.rows.sort();
            n.rows.dedup();
        }
        let entities = graph.node_count();
        Ok(Picture { graph, title: String::new(), entities, left_out: 0 })
    }

    /// The documents that state the edges of `picture` (each edge's, as many as `max` per edge,
    /// sorted by identifier), looked up from their fact nodes' evidence: only for what is
    /// drawn, since a hub's facts can have thousands.
    pub fn sources(&self, store: &Store, picture: &mut Picture, max: usize) -> Result<()> {
        let fact = self.vocab.term("fact");
        let documents = read_documents(store)?;
        for e in picture.graph.edge_indices() {
            let (a, b) = picture.graph.edge_endpoints(e).expect("an edge of the graph");
            let (s, o) = (picture.graph[a].iri.clone(), picture.graph[b].iri.clone());
            let edge = &picture.graph[e];
            if s.starts_with("_:") || o.starts_with("_:") {
                continue;
            }
            let p = NamedNode::new_unchecked(edge.predicate.clone());
            let mut ends = vec![(s.clone(), o.clone())];
            if edge.symmetric {
                ends.push((o, s));
            }
            let mut graphs: BTreeSet<String> = BTreeSet::new();
            for (s, o) in ends {
                let (s, o) = (NamedNode::new_unchecked(s), NamedNode::new_unchecked(o));
                let f = self.vocab.fact(s.as_ref(), p.as_ref(), o.as_ref().into());
                for q in store.quads_for_pattern(None, Some(fact.as_ref()), Some(f.as_ref().into()), None) {
                    if let GraphName::NamedNode(g) = q?.graph_name {
                        graphs.insert(g.into_string());
                    }
                }
            }
            let mut docs: Vec<DocRef> = graphs
                .into_iter()
                .map(|g| documents.get(&g).cloned().unwrap_or(DocRef { id: g, title: None }))
                .collect();
            docs.sort();
            docs.truncate(max);
            picture.graph[e].sources = docs;
        }
        Ok(())
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

/// An object term as the model keeps it; `None` for what cannot be drawn.
fn object_of(term: &Term) -> Option<Object> {
    match term {
        Term::Literal(l) => Some(Object::Literal(l.value().to_owned())),
        Term::NamedNode(n) => Some(Object::Entity(n.as_str().to_owned())),
        Term::BlankNode(b) => Some(Object::Entity(b.to_string())),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// A subject term of a query's row as an id: the IRI, or `_:id`.
fn term_id(term: &Term) -> Option<String> {
    match term {
        Term::NamedNode(n) => Some(n.as_str().to_owned()),
        Term::BlankNode(b) => Some(b.to_string()),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// A subject as an id: the IRI, or `_:id`.
fn subject_of(subject: &NamedOrBlankNode) -> String {
    match subject {
        NamedOrBlankNode::NamedNode(n) => n.as_str().to_owned(),
        NamedOrBlankNode::BlankNode(b) => b.to_string(),
    }
}

/// The facts of the corpus: every triple of the default graph with a fact predicate, with its
/// counts from the relation's summary graph. One query per relation, each value of the summary
/// read by a subquery of its own, so that Oxigraph joins them by hashing, on its internal ids,
/// and decodes only the subject and object of each fact (reading the summary's fact nodes
/// quad by quad decoded each node's long IRI twice: most of `dot`'s time on a large store). A
/// fact the summary lacks (a store loaded and not summarised yet) counts no documents. A
/// symmetric fact stated both ways gets the graphs of its evidence, so that its one edge counts
/// each document once.
fn read_corpus_facts(store: &Store, vocab: &Vocab, predicates: &[NamedNode], ontology: &Ontology) -> Result<Vec<Fact>> {
    // The relations are independent: read on every core, each thread taking the next relation
    // not yet taken (the facts are sorted below, so who read what changes nothing).
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(predicates.len()).max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let shares: Vec<Result<Vec<Fact>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| -> Result<Vec<Fact>> {
                    let mut facts = Vec::new();
                    while let Some(p) = predicates.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                        read_relation_facts(store, vocab, p, &mut facts)?;
                    }
                    Ok(facts)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or_else(|_| Err(Error::Query("dot: a reader thread panicked".into())))).collect()
    });
    let mut facts: Vec<Fact> = Vec::new();
    for share in shares {
        facts.extend(share?);
    }
    facts.sort_by(|a, b| (&a.subject, &a.predicate, &a.object, std::cmp::Reverse(a.documents)).cmp(&(&b.subject, &b.predicate, &b.object, std::cmp::Reverse(b.documents))));
    facts.dedup_by(|b, a| (&a.subject, &a.predicate, &a.object) == (&b.subject, &b.predicate, &b.object));
    // Symmetric facts stated both ways: their documents, read from their evidence.
    let fact = vocab.term("fact");
    let keys: BTreeSet<(String, String, Object)> =
        facts.iter().map(|f| (f.subject.clone(), f.predicate.clone(), f.object.clone())).collect();
    for f in &mut facts {
        let symmetric = ontology.predicates.get(&f.predicate).is_some_and(|p| p.symmetric);
        let Object::Entity(o) = &f.object else { continue };
        if !symmetric || !keys.contains(&(o.clone(), f.predicate.clone(), Object::Entity(f.subject.clone()))) {
            continue;
        }
        if f.subject.starts_with("_:") || o.starts_with("_:") {
            continue;
        }
        let (s, p, o) = (NamedNode::new_unchecked(f.subject.clone()), NamedNode::new_unchecked(f.predicate.clone()), NamedNode::new_unchecked(o.clone()));
        let node = vocab.fact(s.as_ref(), p.as_ref(), o.as_ref().into());
        for q in store.quads_for_pattern(None, Some(fact.as_ref()), Some(node.as_ref().into()), None) {
            if let GraphName::NamedNode(g) = q?.graph_name {
                f.graphs.insert(g.into_string());
            }
        }
    }
    Ok(facts)
}

/// The facts of relation `p` in the default graph, with their counts from its summary graph
/// (see [`read_corpus_facts`]).
fn read_relation_facts(store: &Store, vocab: &Vocab, p: &NamedNode, facts: &mut Vec<Fact>) -> Result<()> {
    let kg = vocab.ontology_ns();
    let g = vocab.relation_summary_graph(p.as_ref());
    let query = format!(
        "SELECT ?s ?o ?n ?c WHERE {{
           ?s {p} ?o .
           OPTIONAL {{ SELECT ?s ?o ?n ?c WHERE {{
             {{ SELECT ?f ?s WHERE {{ GRAPH {g} {{ ?f rdf:subject ?s }} }} }}
             {{ SELECT ?f ?o WHERE {{ GRAPH {g} {{ ?f rdf:object ?o }} }} }}
             {{ SELECT ?f ?n WHERE {{ GRAPH {g} {{ ?f <{kg}documents> ?n }} }} }}
             OPTIONAL {{ SELECT ?f ?c WHERE {{ GRAPH {g} {{ ?f <{kg}bestConfidence> ?c }} }} }}
           }} }}
         }}"
    );
    for row in select(store, &query)? {
        let (Some(subject), Some(object)) = (row.get("s").and_then(term_id), row.get("o").and_then(object_of)) else { continue };
        let number = |v: &str| row.get(v).and_then(|t| literal(Some(t)));
        facts.push(Fact {
            subject,
            predicate: p.as_str().to_owned(),
            object,
            documents: number("n").and_then(|n| n.parse().ok()).unwrap_or(0),
            confidence: number("c").and_then(|c| c.parse().ok()),
            graphs: BTreeSet::new(),
        });
    }
    Ok(())
}

/// The facts one document states (its graph's triples with a fact predicate), each with the
/// best confidence of the document's evidence for it.
fn read_document_facts(store: &Store, vocab: &Vocab, graph: &NamedNode, predicates: &[NamedNode]) -> Result<Vec<Fact>> {
    let g = GraphNameRef::NamedNode(graph.as_ref());
    // Evidence record → fact node, and → confidence, in this graph.
    let mut fact_of: HashMap<NamedOrBlankNode, Term> = HashMap::new();
    for q in store.quads_for_pattern(None, Some(vocab.term("fact").as_ref()), None, Some(g)) {
        let q = q?;
        fact_of.insert(q.subject, q.object);
    }
    let mut best: HashMap<Term, f64> = HashMap::new();
    // The confidence is the method's, which its IRI names.
    for q in store.quads_for_pattern(None, Some(vocab.term("by").as_ref()), None, Some(g)) {
        let q = q?;
        let (Some(f), Term::NamedNode(m)) = (fact_of.get(&q.subject), &q.object) else { continue };
        let Some((_, c)) = vocab.method_parts(m.as_ref()) else { continue };
        let entry = best.entry(f.clone()).or_insert(c);
        *entry = entry.max(c);
    }
    let mut facts = Vec::new();
    for p in predicates {
        for q in store.quads_for_pattern(None, Some(p.as_ref()), None, Some(g)) {
            let q = q?;
            let Some(object) = object_of(&q.object) else { continue };
            let confidence = match &q.subject {
                NamedOrBlankNode::NamedNode(s) => {
                    best.get(&Term::NamedNode(vocab.fact(s.as_ref(), p.as_ref(), q.object.as_ref()))).copied()
                }
                NamedOrBlankNode::BlankNode(_) => None,
            };
            facts.push(Fact {
                subject: subject_of(&q.subject),
                predicate: p.as_str().to_owned(),
                object,
                documents: 1,
                confidence,
                graphs: BTreeSet::from([graph.as_str().to_owned()]),
            });
        }
    }
    facts.sort_by(|a, b| (&a.subject, &a.predicate, &a.object).cmp(&(&b.subject, &b.predicate, &b.object)));
    Ok(facts)
}

/// The triples of a CONSTRUCT result, with the counts the store's summary has for those it
/// holds as facts.
fn read_result_facts(result: &Store, store: &Store, vocab: &Vocab) -> Result<Vec<Fact>> {
    let mut facts = Vec::new();
    for q in result.iter() {
        let q = q?;
        let Some(object) = object_of(&q.object) else { continue };
        let summary = match &q.subject {
            NamedOrBlankNode::NamedNode(s) => {
                fact_summary(store, vocab, vocab.fact(s.as_ref(), q.predicate.as_ref(), q.object.as_ref()).as_ref())?
            }
            NamedOrBlankNode::BlankNode(_) => FactSummary::default(),
        };
        facts.push(Fact {
            subject: subject_of(&q.subject),
            predicate: q.predicate.as_str().to_owned(),
            object,
            documents: summary.documents as usize,
            confidence: summary.best_confidence,
            graphs: BTreeSet::new(),
        });
    }
    facts.sort_by(|a, b| (&a.subject, &a.predicate, &a.object).cmp(&(&b.subject, &b.predicate, &b.object)));
    facts.dedup();
    Ok(facts)
}

/// The entities of `store`: those typed with an ontology class (in the default graph, where
/// each entity's type and label are; with `document`, only those that document names) and those
/// the facts name, with their labels (and the surface forms the documents give them) and classes.
///
/// `label_graph` is where canonical labels are: the default graph of a kgraph store (its documents'
/// `rdfs:label`s, hundreds of thousands in a large store, are not read), anywhere in a CONSTRUCT
/// result.
fn read_entities(
    store: &Store,
    model: &mut Model,
    document: Option<&NamedNode>,
    label_graph: Option<GraphNameRef<'_>>,
) -> Result<()> {
    let rdf_type = NamedNode::new_unchecked(format!("{}type", ns::RDF));
    let in_document: Option<HashSet<NamedOrBlankNode>> = match document {
        None => None,
        Some(g) => Some(
            store
                .quads_for_pattern(None, Some(iri(ns::RDFS, "label").as_ref()), None, Some(g.as_ref().into()))
                .map(|q| q.map(|q| q.subject))
                .collect::<std::result::Result<_, _>>()?,
        ),
    };
    for q in store.quads_for_pattern(None, Some(rdf_type.as_ref()), None, Some(GraphNameRef::DefaultGraph)) {
        let q = q?;
        let Term::NamedNode(c) = &q.object else { continue };
        if !model.ontology.classes.contains_key(c.as_str()) {
            continue;
        }
        if in_document.as_ref().is_some_and(|d| !d.contains(&q.subject)) {
            continue;
        }
        let e = subject_of(&q.subject);
        let entity = model.entities.entry(e.clone()).or_insert_with(|| Entity { id: e, ..Entity::default() });
        if entity.class.as_ref().is_none_or(|old| c.as_str() < old.as_str()) {
            entity.class = Some(c.as_str().to_owned());
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
    // Labels of every resource at once, one scan per label property (cheaper than lookups per
    // entity): canonical labels in the default graph, surface forms in any graph.
    let mut labels: BTreeMap<String, (BTreeSet<(u8, String)>, BTreeSet<String>)> = BTreeMap::new();
    // The summary's preferred label first (the one most documents give), then a canonical one.
    let properties = [
        (iri(ns::SKOS, "prefLabel"), Some(0u8)),
        (iri(ns::RDFS, "label"), Some(1)),
        (iri(ns::SCHEMA, "name"), Some(2)),
        (iri(ns::SKOS, "altLabel"), None),
        (iri(ns::SCHEMA, "alternateName"), None),
    ];
    for (p, rank) in &properties {
        // From one graph, quad by quad; from any graph, each distinct pair once: documents
        // repeat the same surface forms thousands of times, and a query leaves the repeats
        // on Oxigraph's internal ids instead of decoding every one.
        let pairs: Vec<(String, Term)> = match (rank, label_graph) {
            (Some(1), Some(graph)) => store
                .quads_for_pattern(None, Some(p.as_ref()), None, Some(graph))
                .map(|q| q.map(|q| (subject_of(&q.subject), q.object)))
                .collect::<std::result::Result<_, _>>()?,
            _ => select(store, &format!("SELECT DISTINCT ?e ?l WHERE {{ {{ ?e {p} ?l }} UNION {{ GRAPH ?g {{ ?e {p} ?l }} }} }}"))?
                .into_iter()
                .filter_map(|row| Some((row.get("e").and_then(term_id)?, row.get("l")?.clone())))
                .collect(),
        };
        for (e, object) in pairs {
            let Term::Literal(l) = &object else { continue };
            if !model.entities.contains_key(&e) {
                continue;
            }
            let entry = labels.entry(e).or_default();
            match rank {
                Some(rank) => entry.0.insert((*rank, l.value().to_owned())),
                None => entry.1.insert(l.value().to_owned()),
            };
        }
    }
    for (id, (primary, aliases)) in labels {
        let Some(entity) = model.entities.get_mut(&id) else { continue };
        let mut primary = primary.into_iter();
        entity.label = primary.next().map(|(_, l)| l).or_else(|| aliases.iter().next().cloned());
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

fn literal(term: Option<&Term>) -> Option<String> {
    match term {
        Some(Term::Literal(l)) => Some(l.value().to_owned()),
        _ => None,
    }
}
