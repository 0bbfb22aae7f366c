//! The page's requests → JSON. What a request names (an entity, a fact, a document) is read with
//! fixed SPARQL queries parsed once at start, whose parameters are bound as terms (never pasted
//! into the text), on the fact layer: facts and entities in the default graph, evidence records
//! in the document graphs, counts in the summary graph (the README's data model); a fact's
//! counts are read by its fact node, which `Vocab::fact` names after the triple. Search,
//! neighbourhoods and paths read the catalog (`catalog.rs`), loaded at start and after each
//! update: an analyst types a name or opens a hub and expects an answer at once, and SPARQL
//! offers neither a text index nor a path search, nor a cheap way to rank a hub's thousands of
//! facts.
//!
//! Endpoints (under `/api`): `meta`, `examples`, `search?q=`, `entity/{key}`,
//! `neighbours?entity=&limit=`, `evidence?s=&p=&o=`, `document?id=`, `path?from=&to=`, `labels`
//! (POST, IRIs → labels), `dot` (POST, a view → the DOT `kgraph dot` writes).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, RwLock};

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use oxigraph::model::{NamedNode, Term};
use oxigraph::sparql::{CancellationToken, QuerySolution};
use oxigraph::store::Store;
use serde::{Deserialize, Serialize};

use super::catalog::{iri_of, local_name, number_of, text_of, Catalog, CatalogQueries, EntityRef, Link, MAX_PATH};
use super::{AppState, Failure, Rows};
use crate::graph::vocab::ns;
use crate::graph::Vocab;
use crate::output::dot::model::Ontology;
use crate::output::dot::{self, write::class_style};
use crate::output::query::{self, Parsed};
use crate::store;
use crate::Result;

/// Neighbours listed per predicate and direction unless `limit` says otherwise: a hub (a
/// country in every article) shows its best-attested neighbours first, and the rest as a count.
pub const DEFAULT_NEIGHBOURS: usize = 25;

/// Documents listed for an entity (the count is always complete).
const MAX_DOCUMENTS: usize = 200;

/// Sentences listed for one fact.
const MAX_SENTENCES: usize = 500;

/// What a handler answers: JSON, or an error in plain text.
type Answer = std::result::Result<Response, Failure>;

/// The routes of the API.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/meta", get(meta))
        .route("/examples", get(super::page::examples_json))
        .route("/search", get(search))
        .route("/entity", get(entity_by_iri))
        .route("/entity/{*key}", get(entity_by_key))
        .route("/neighbours", get(neighbours))
        .route("/evidence", get(evidence))
        .route("/document", get(document))
        .route("/path", get(path))
        .route("/labels", post(labels))
        .route("/dot", post(dot_view))
}

/// The fixed queries, the ontology and the catalog.
pub(crate) struct Api {
    queries: Queries,
    ontology: RwLock<Arc<Ontology>>,
    catalog: RwLock<Arc<Catalog>>,
}

/// The API's SPARQL, parsed once. Only the prologue depends on the store (`--base`); requests
/// bind their parameters with [`query::Prepared::bind`].
struct Queries {
    entities: Parsed,
    names: Parsed,
    links: Parsed,
    own: Parsed,
    documents_of: Parsed,
    evidence: Parsed,
    document: Parsed,
    document_facts: Parsed,
}

impl Queries {
    /// The queries the catalog is loaded with.
    fn catalog(&self) -> CatalogQueries<'_> {
        CatalogQueries { entities: &self.entities, names: &self.names, links: &self.links }
    }

    fn new(vocab: &Vocab) -> Result<Self> {
        let prologue = format!(
            "PREFIX rdf: <{}>\nPREFIX rdfs: <{}>\nPREFIX skos: <{}>\nPREFIX owl: <{}>\nPREFIX dcterms: <{}>\n\
             PREFIX kg: <{}>\nPREFIX kgraph: <{}>\n",
            ns::RDF,
            ns::RDFS,
            ns::SKOS,
            ns::OWL,
            ns::DCTERMS,
            vocab.ontology_ns(),
            vocab.base()
        );
        let parse = |name: &str, body: &str| query::parse(&format!("{prologue}{body}"), Some(name));
        Ok(Self {
            // Every typed resource of the default graph, with its label (the one most
            // documents give, from the summary, else any) and how many documents mention it.
            entities: parse(
                "api:entities",
                "SELECT ?e ?class ?label ?shown ?documents WHERE {
                   ?e a ?class .
                   OPTIONAL { ?e rdfs:label ?label }
                   OPTIONAL { GRAPH kgraph:summary { ?e skos:prefLabel ?shown } }
                   OPTIONAL { GRAPH kgraph:summary { ?e kg:documents ?documents } }
                 }",
            )?,
            // Every name a document gives an entity.
            names: parse(
                "api:names",
                "SELECT DISTINCT ?e ?name WHERE { GRAPH ?g { ?e rdfs:label|skos:altLabel ?name } }",
            )?,
            // Every fact between two resources with its documents and best confidence: one scan
            // of the relations' summary graphs (`BASE summary/P`, one per predicate P, a fact
            // node per fact); the predicate is read from the graph's name.
            links: parse(
                "api:links",
                "SELECT ?g ?s ?o ?documents ?confidence WHERE {
                   GRAPH ?g { ?f rdf:subject ?s ; rdf:object ?o ; kg:documents ?documents ; kg:bestConfidence ?confidence }
                   FILTER(isIRI(?o))
                 }",
            )?,
            // What ?e is: its classes, labels, identities and literal facts.
            own: parse(
                "api:own",
                "SELECT ?e ?p ?o WHERE { ?e ?p ?o FILTER(!isIRI(?o) || ?p = rdf:type || ?p = owl:sameAs) }",
            )?,
            // The documents that mention ?e.
            documents_of: parse(
                "api:documents",
                "SELECT ?e ?g ?id ?title ?date WHERE {
                   GRAPH ?g {
                     ?e rdfs:label ?label .
                     ?g dcterms:identifier ?id .
                     OPTIONAL { ?g dcterms:title ?title }
                     OPTIONAL { ?g dcterms:date ?date }
                   }
                 }",
            )?,
            // Every sentence that states the fact whose node is ?f, with its document, offsets
            // and speaker, and the method that found it (`kg:by`: its rule and confidence are
            // said once, in the default graph).
            evidence: parse(
                "api:evidence",
                "SELECT ?f ?g ?id ?title ?date ?text ?spans ?rule ?confidence ?speaker WHERE {
                   GRAPH ?g {
                     ?v kg:fact ?f ; kg:sentence ?text ; kg:spans ?spans ; kg:by ?m .
                     OPTIONAL { ?v kg:speaker ?speaker }
                     ?g dcterms:identifier ?id .
                     OPTIONAL { ?g dcterms:title ?title }
                     OPTIONAL { ?g dcterms:date ?date }
                   }
                   ?m kg:rule ?rule ; kg:confidence ?confidence .
                 }",
            )?,
            // A document's description.
            document: parse(
                "api:document",
                "SELECT ?g ?id ?title ?date ?source WHERE {
                   GRAPH ?g {
                     ?g dcterms:identifier ?id .
                     OPTIONAL { ?g dcterms:title ?title }
                     OPTIONAL { ?g dcterms:date ?date }
                     OPTIONAL { ?g dcterms:source ?source }
                   }
                 }",
            )?,
            // What a document states (its triples; the contract's are kept).
            document_facts: parse("api:document-facts", "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")?,
        })
    }
}

impl Api {
    /// Parses the queries and loads the ontology and the catalog from `store`.
    pub(crate) fn load(store: &Store, vocab: &Vocab) -> Result<Self> {
        let queries = Queries::new(vocab)?;
        let ontology = Arc::new(Ontology::read(store, vocab)?);
        let catalog = Arc::new(Catalog::load(store, vocab, &queries.catalog(), &ontology)?);
        Ok(Self { queries, ontology: RwLock::new(ontology), catalog: RwLock::new(catalog) })
    }

    /// Reads the ontology and the catalog again (after an update).
    pub(crate) fn reload(&self, store: &Store, vocab: &Vocab) -> Result<()> {
        let ontology = Arc::new(Ontology::read(store, vocab)?);
        let catalog = Arc::new(Catalog::load(store, vocab, &self.queries.catalog(), &ontology)?);
        *self.ontology.write().unwrap_or_else(|e| e.into_inner()) = ontology;
        *self.catalog.write().unwrap_or_else(|e| e.into_inner()) = catalog;
        Ok(())
    }

    fn catalog(&self) -> Arc<Catalog> {
        self.catalog.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn ontology(&self) -> Arc<Ontology> {
        self.ontology.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Entities and names in the catalog.
    pub(crate) fn size(&self) -> (usize, usize) {
        let c = self.catalog();
        (c.entities.len(), c.index.len())
    }
}

fn named(iri: &str, what: &str) -> std::result::Result<NamedNode, Failure> {
    NamedNode::new(iri.trim()).map_err(|e| Failure::bad_request(format!("{what} {iri:?} is not an IRI: {e}")))
}

/// Runs `work` on the blocking pool with a token shared by its queries, and answers JSON with
/// the number of rows for the log.
async fn json_answer<T: Serialize + Send + 'static>(
    state: &Arc<AppState>,
    work: impl FnOnce(&AppState, &CancellationToken) -> std::result::Result<(T, usize), Failure> + Send + 'static,
) -> Answer {
    let token = CancellationToken::new();
    let shared = token.clone();
    let outcome = state
        .blocking(token, move |state| Ok(work(state, &shared)))
        .await?;
    let (value, rows) = outcome?;
    Ok(Rows::on(Json(value), rows))
}

/// The summary's counts of the fact `s p o`: documents stating it and best confidence
/// ([`store::fact_summary`]: an index lookup, not a query).
fn fact_summary(state: &AppState, s: &str, p: &str, o: &Term) -> std::result::Result<(u64, Option<f64>), Failure> {
    let (Ok(s), Ok(p)) = (NamedNode::new(s), NamedNode::new(p)) else { return Ok((0, None)) };
    let fact = state.vocab.fact(s.as_ref(), p.as_ref(), o.as_ref());
    let summary = store::fact_summary(state.store(), &state.vocab, fact.as_ref()).map_err(|e| state.failure(e))?;
    Ok((summary.documents, summary.best_confidence))
}

/// Runs one of the API's queries with its parameters bound.
fn select(
    state: &AppState,
    token: &CancellationToken,
    parsed: &Parsed,
    bindings: &[(&str, Term)],
    limit: Option<usize>,
) -> std::result::Result<(Vec<QuerySolution>, bool), Failure> {
    let mut prepared = parsed.prepare_with(token.clone());
    for (var, value) in bindings {
        prepared = prepared.bind(var, value.clone());
    }
    query::solutions(state.store(), prepared, limit, Some(state.options.timeout)).map_err(|e| state.failure(e))
}

/// `GET /api/meta`: classes (with the styles of `kgraph dot`), predicates, counts and limits.
async fn meta(State(state): State<Arc<AppState>>) -> Response {
    #[derive(Serialize)]
    struct Class {
        iri: String,
        local: String,
        label: String,
        shape: &'static str,
        fill: &'static str,
        style: &'static str,
    }
    #[derive(Serialize)]
    struct Predicate {
        iri: String,
        local: String,
        label: String,
        symmetric: bool,
    }
    let ontology = state.api.ontology();
    let catalog = state.api.catalog();
    let classes: Vec<Class> = ontology
        .classes
        .values()
        .map(|c| {
            let s = class_style(Some(&c.local));
            Class { iri: c.iri.clone(), local: c.local.clone(), label: c.label.clone(), shape: s.shape, fill: s.fill, style: s.style }
        })
        .collect();
    // The relations this store has between entities (not the literal ones: count, date…).
    let linking: BTreeSet<&String> = catalog.predicates.iter().collect();
    let predicates: Vec<Predicate> = ontology
        .predicates
        .values()
        .filter(|p| linking.contains(&p.iri))
        .map(|p| Predicate { iri: p.iri.clone(), local: p.local.clone(), label: p.label.clone(), symmetric: p.symmetric })
        .collect();
    let other = class_style(None);
    let value = serde_json::json!({
        "base": state.vocab.base(),
        "classes": classes,
        "other": { "shape": other.shape, "fill": other.fill, "style": other.style },
        "predicates": predicates,
        "entities": catalog.entities.len(),
        "links": catalog.links.iter().map(Vec::len).sum::<usize>() / 2,
        "limits": {
            "timeout_ms": state.options.timeout.as_millis() as u64,
            "max_rows": state.options.max_rows,
            "max_bytes": state.options.max_bytes,
            "max_concurrent": state.options.max_concurrent,
        },
        "update": state.options.allow_update,
        "token_for_reads": state.options.token_for_reads,
        "running": state.running(),
    });
    Json(value).into_response()
}

/// `?q=TEXT&limit=N`.
#[derive(Deserialize)]
struct SearchParams {
    q: String,
    limit: Option<usize>,
}

/// `GET /api/search?q=`: entities by any label or alias, best match first, then by documents.
async fn search(State(state): State<Arc<AppState>>, Query(p): Query<SearchParams>) -> Response {
    let hits = state.api.catalog().search(&p.q, p.limit.unwrap_or(20).min(200));
    let rows = hits.len();
    Rows::on(Json(hits), rows)
}

/// `?iri=IRI`.
#[derive(Deserialize)]
struct IriParams {
    iri: String,
}

async fn entity_by_iri(State(state): State<Arc<AppState>>, Query(p): Query<IriParams>) -> Answer {
    entity(state, p.iri).await
}

async fn entity_by_key(State(state): State<Arc<AppState>>, Path(key): Path<String>) -> Answer {
    let iri = format!("{}entity/{key}", state.vocab.base());
    entity(state, iri).await
}

/// An entity's page: what it is, its literal facts, its relations counted by predicate, and
/// the documents that mention it.
#[derive(Serialize)]
struct EntityPage {
    entity: EntityRef,
    labels: Vec<String>,
    aliases: Vec<String>,
    same_as: Vec<String>,
    attributes: Vec<Attribute>,
    relations: Vec<RelationCount>,
    /// Documents that mention it, newest first (at most 200; `entity.documents` counts them all).
    documents: Vec<DocumentRef>,
}

#[derive(Serialize)]
struct Attribute {
    predicate: String,
    label: String,
    value: String,
    documents: u64,
}

#[derive(Serialize)]
struct RelationCount {
    predicate: String,
    label: String,
    direction: &'static str,
    count: usize,
}

/// A document in an answer.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct DocumentRef {
    date: Option<String>,
    id: String,
    iri: String,
    title: Option<String>,
}

fn document_ref(row: &QuerySolution) -> Option<DocumentRef> {
    Some(DocumentRef { date: text_of(row, "date"), id: text_of(row, "id")?, iri: iri_of(row, "g")?, title: text_of(row, "title") })
}

/// `GET /api/entity/{key}` (or `?iri=`).
async fn entity(state: Arc<AppState>, iri: String) -> Answer {
    let node = named(&iri, "entity")?;
    json_answer(&state, move |state, token| {
        let catalog = state.api.catalog();
        let ontology = state.api.ontology();
        let Some(&index) = catalog.by_iri.get(node.as_str()) else {
            return Err(Failure::not_found(format!("no entity <{node}> in this store")));
        };
        let e = Term::NamedNode(node.clone());
        let (own, _) = select(state, token, &state.api.queries.own, &[("e", e.clone())], None)?;
        let mut page = EntityPage {
            entity: catalog.reference(index),
            labels: Vec::new(),
            aliases: Vec::new(),
            same_as: Vec::new(),
            attributes: Vec::new(),
            relations: Vec::new(),
            documents: Vec::new(),
        };
        let label_iri = format!("{}label", ns::RDFS);
        let same_iri = format!("{}sameAs", ns::OWL);
        for row in &own {
            let Some(p) = iri_of(row, "p") else { continue };
            match row.get("o") {
                Some(Term::Literal(l)) if p == label_iri => page.labels.push(l.value().to_owned()),
                Some(Term::NamedNode(o)) if p == same_iri => page.same_as.push(o.as_str().to_owned()),
                Some(Term::Literal(l)) => {
                    if let Some(info) = ontology.predicates.get(&p) {
                        let (documents, _) = fact_summary(state, node.as_str(), &p, &Term::Literal(l.clone()))?;
                        page.attributes.push(Attribute {
                            predicate: p.clone(),
                            label: info.label.clone(),
                            value: l.value().to_owned(),
                            documents,
                        });
                    }
                }
                _ => {}
            }
        }
        page.labels.sort();
        page.labels.dedup();
        page.same_as.sort();
        page.same_as.dedup();
        page.attributes.sort_by(|a, b| (&a.label, &a.value).cmp(&(&b.label, &b.value)));
        page.aliases = catalog.entities[index].names.iter().filter(|n| !page.labels.contains(n)).cloned().collect();
        let mut counts: BTreeMap<(String, bool), usize> = BTreeMap::new();
        for link in &catalog.links[index] {
            *counts.entry((catalog.predicates[link.predicate].clone(), link.out)).or_default() += 1;
        }
        page.relations = counts
            .into_iter()
            .map(|((predicate, out), count)| RelationCount {
                label: ontology.predicates.get(&predicate).map_or_else(|| local_name(&predicate).to_owned(), |p| p.label.clone()),
                predicate,
                direction: if out { "out" } else { "in" },
                count,
            })
            .collect();
        // The first documents the store finds, newest first: sorting all of a hub's (thousands)
        // by date would cost a second; the count is the summary's. A document may give two
        // labels: one more row, removed here.
        let (rows, _) = select(state, token, &state.api.queries.documents_of, &[("e", e)], Some(MAX_DOCUMENTS * 2))?;
        let mut documents: Vec<DocumentRef> =
            rows.iter().filter_map(document_ref).filter(|d| !state.vocab.is_summary_graph(&d.iri)).collect();
        documents.sort_by(|a, b| a.iri.cmp(&b.iri));
        documents.dedup_by(|a, b| a.iri == b.iri);
        documents.truncate(MAX_DOCUMENTS);
        documents.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
        page.documents = documents;
        let rows = page.attributes.len() + page.relations.len() + page.documents.len();
        Ok((page, rows))
    })
    .await
}

/// `?entity=IRI&limit=N`.
#[derive(Deserialize)]
struct NeighbourParams {
    entity: String,
    limit: Option<usize>,
}

/// The neighbours of an entity by one predicate in one direction.
#[derive(Serialize)]
struct NeighbourGroup {
    predicate: String,
    label: String,
    direction: &'static str,
    symmetric: bool,
    total: usize,
    neighbours: Vec<Neighbour>,
}

#[derive(Serialize)]
struct Neighbour {
    #[serde(flatten)]
    entity: EntityRef,
    /// Documents stating the fact.
    fact_documents: u64,
    /// The fact's best confidence.
    confidence: Option<f64>,
}

/// `GET /api/neighbours?entity=&limit=`: the entity's facts with other entities, grouped by
/// predicate and direction, each group's best-attested `limit` first (most documents, then
/// best confidence), with the group's total. From the catalog: a hub's thousands of facts are
/// sorted in memory, not fetched.
async fn neighbours(State(state): State<Arc<AppState>>, Query(p): Query<NeighbourParams>) -> Answer {
    let limit = p.limit.unwrap_or(DEFAULT_NEIGHBOURS).clamp(1, 10_000);
    let catalog = state.api.catalog();
    let ontology = state.api.ontology();
    let index = catalog.resolve(&p.entity)?;
    let mut groups: BTreeMap<(usize, bool), Vec<&Link>> = BTreeMap::new();
    for link in &catalog.links[index] {
        groups.entry((link.predicate, link.out)).or_default().push(link);
    }
    let mut shown = 0;
    let answer: Vec<NeighbourGroup> = groups
        .into_iter()
        .map(|((predicate, out), mut links)| {
            let entities = &catalog.entities;
            links.sort_by(|a, b| {
                let key = |l: &Link| (std::cmp::Reverse(l.documents), std::cmp::Reverse(l.confidence.map(|c| (c * 1000.0) as i32)));
                key(a).cmp(&key(b)).then_with(|| entities[a.other].label.cmp(&entities[b.other].label)).then(a.other.cmp(&b.other))
            });
            let total = links.len();
            let neighbours: Vec<Neighbour> = links
                .into_iter()
                .take(limit)
                .map(|l| Neighbour {
                    entity: catalog.reference(l.other),
                    fact_documents: u64::from(l.documents),
                    confidence: l.confidence.map(|c| (f64::from(c) * 1000.0).round() / 1000.0),
                })
                .collect();
            shown += neighbours.len();
            let predicate = &catalog.predicates[predicate];
            let info = ontology.predicates.get(predicate);
            NeighbourGroup {
                label: info.map_or_else(|| local_name(predicate).to_owned(), |i| i.label.clone()),
                symmetric: info.is_some_and(|i| i.symmetric),
                predicate: predicate.clone(),
                direction: if out { "out" } else { "in" },
                total,
                neighbours,
            }
        })
        .collect();
    Ok(Rows::on(Json(serde_json::json!({ "entity": catalog.reference(index), "limit": limit, "groups": answer })), shown))
}

/// `?s=IRI&p=IRI&o=IRI` (or `o` a literal in N-Triples syntax).
#[derive(Deserialize)]
struct EvidenceParams {
    s: String,
    p: String,
    o: String,
}

/// One sentence stating a fact.
#[derive(Serialize)]
struct Sentence {
    document: DocumentRef,
    rule: String,
    confidence: Option<f64>,
    speaker: Option<EntityRef>,
    /// The sentence's offset in the document (characters).
    start: u64,
    /// The sentence cut where the subject and object begin and end.
    parts: Vec<Part>,
    /// Whether the fact is stated the other way round (a symmetric predicate).
    reversed: bool,
}

/// A piece of a sentence: plain, the subject, the object (or both, where they overlap).
#[derive(Serialize, Debug, PartialEq, Eq)]
struct Part {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    mark: Option<&'static str>,
}

/// `GET /api/evidence?s=&p=&o=`: every sentence that states the fact (both ways for a
/// symmetric predicate), with its document, the subject and object marked.
async fn evidence(State(state): State<Arc<AppState>>, Query(p): Query<EvidenceParams>) -> Answer {
    let s = named(&p.s, "s")?;
    let predicate = named(&p.p, "p")?;
    let o: Term = match NamedNode::new(p.o.trim()) {
        Ok(n) => n.into(),
        Err(_) => p.o.trim().parse::<Term>().map_err(|e| Failure::bad_request(format!("o {:?} is neither an IRI nor an N-Triples term: {e}", p.o)))?,
    };
    json_answer(&state, move |state, token| {
        let catalog = state.api.catalog();
        let ontology = state.api.ontology();
        let info = ontology.predicates.get(predicate.as_str());
        let mut ways = vec![(Term::NamedNode(s.clone()), o.clone(), false)];
        if info.is_some_and(|i| i.symmetric) {
            if let Term::NamedNode(on) = &o {
                ways.push((Term::NamedNode(on.clone()), Term::NamedNode(s.clone()), true));
            }
        }
        let mut sentences = Vec::new();
        let mut more = false;
        for (subject, object, reversed) in ways {
            let Term::NamedNode(subject) = subject else { continue };
            let fact = state.vocab.fact(subject.as_ref(), predicate.as_ref(), object.as_ref());
            let bindings = [("f", Term::NamedNode(fact))];
            let (rows, cut) = select(state, token, &state.api.queries.evidence, &bindings, Some(MAX_SENTENCES))?;
            more |= cut;
            for row in &rows {
                let Some(document) = document_ref(row).filter(|d| !state.vocab.is_summary_graph(&d.iri)) else { continue };
                let text = text_of(row, "text").unwrap_or_default();
                let (start, spans) = text_spans(&text_of(row, "spans").unwrap_or_default());
                sentences.push(Sentence {
                    document,
                    rule: text_of(row, "rule").unwrap_or_default(),
                    confidence: number_of(row, "confidence"),
                    speaker: iri_of(row, "speaker").map(|sp| catalog.describe(&sp)),
                    start,
                    parts: mark(&text, start, spans),
                    reversed,
                });
            }
        }
        sentences.sort_by(|a, b| (&a.document, a.start, &a.rule).cmp(&(&b.document, b.start, &b.rule)));
        let object = match &o {
            Term::NamedNode(n) => serde_json::to_value(catalog.describe(n.as_str())).unwrap_or_default(),
            Term::Literal(l) => serde_json::json!({ "value": l.value() }),
            other => serde_json::json!({ "value": other.to_string() }),
        };
        let rows = sentences.len();
        let value = serde_json::json!({
            "subject": catalog.describe(s.as_str()),
            "predicate": predicate.as_str(),
            "label": info.map_or_else(|| local_name(predicate.as_str()).to_owned(), |i| i.label.clone()),
            "object": object,
            "sentences": sentences,
            "more": more,
        });
        Ok((value, rows))
    })
    .await
}

/// `kg:spans` ("ss-se ts-te os-oe": the sentence, the subject and the object, character offsets
/// in the document) as the sentence's start and the two marked ranges; what does not parse is
/// left out.
fn text_spans(spans: &str) -> (u64, Vec<(u64, u64, &'static str)>) {
    let ranges: Vec<Option<(u64, u64)>> = spans
        .split_whitespace()
        .map(|span| {
            let (a, b) = span.split_once('-')?;
            Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
        })
        .collect();
    let start = ranges.first().copied().flatten().map_or(0, |(a, _)| a);
    let marked = ranges.iter().skip(1).zip(["subject", "object"]).filter_map(|(r, mark)| r.map(|(a, b)| (a, b, mark))).collect();
    (start, marked)
}

/// The sentence `text` (starting at character `start` of its document) cut into parts at the
/// spans, each part marked subject, object or both; spans outside the sentence are clipped.
fn mark(text: &str, start: u64, spans: Vec<(u64, u64, &'static str)>) -> Vec<Part> {
    let chars: Vec<char> = text.chars().collect();
    let mut marks: Vec<u8> = vec![0; chars.len()];
    for (a, b, which) in spans {
        let bit = if which == "subject" { 1 } else { 2 };
        let from = a.saturating_sub(start).min(chars.len() as u64) as usize;
        let to = b.saturating_sub(start).min(chars.len() as u64) as usize;
        for m in marks.iter_mut().take(to).skip(from) {
            *m |= bit;
        }
    }
    let mut parts: Vec<Part> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let m = marks[i];
        let mut j = i;
        while j < chars.len() && marks[j] == m {
            j += 1;
        }
        let mark = match m {
            1 => Some("subject"),
            2 => Some("object"),
            3 => Some("both"),
            _ => None,
        };
        parts.push(Part { text: chars[i..j].iter().collect(), mark });
        i = j;
    }
    parts
}

/// `?id=DOCUMENT-ID` (or a graph IRI).
#[derive(Deserialize)]
struct DocumentParams {
    id: String,
}

/// `GET /api/document?id=`: a document's description and the facts it states.
async fn document(State(state): State<Arc<AppState>>, Query(p): Query<DocumentParams>) -> Answer {
    let graph = if p.id.contains(':') { named(&p.id, "id")? } else { state.vocab.document(p.id.trim()) };
    // The summary graphs are derived counts, not documents.
    if state.vocab.is_summary_graph(graph.as_str()) {
        return Err(Failure::not_found(format!("{} is a summary graph, not a document", p.id)));
    }
    json_answer(&state, move |state, token| {
        let catalog = state.api.catalog();
        let ontology = state.api.ontology();
        let g = Term::NamedNode(graph.clone());
        let (rows, _) = select(state, token, &state.api.queries.document, &[("g", g.clone())], Some(1))?;
        let Some(row) = rows.first() else {
            return Err(Failure::not_found(format!("no document {} in this store", p.id)));
        };
        let (facts, _) = select(state, token, &state.api.queries.document_facts, &[("g", g)], None)?;
        let mut relations = Vec::new();
        let mut values = Vec::new();
        for f in &facts {
            let (Some(s), Some(p)) = (iri_of(f, "s"), iri_of(f, "p")) else { continue };
            let Some(info) = ontology.predicates.get(&p) else { continue };
            if !catalog.by_iri.contains_key(&s) {
                continue; // evidence records and sentences, not facts
            }
            match f.get("o") {
                Some(Term::NamedNode(o)) => relations.push(serde_json::json!({
                    "subject": catalog.describe(&s), "predicate": p, "label": info.label, "object": catalog.describe(o.as_str()),
                })),
                Some(Term::Literal(l)) => values.push(serde_json::json!({
                    "subject": catalog.describe(&s), "predicate": p, "label": info.label, "value": l.value(),
                })),
                _ => {}
            }
        }
        let rows = relations.len() + values.len();
        let value = serde_json::json!({
            "iri": graph.as_str(),
            "id": text_of(row, "id"),
            "title": text_of(row, "title"),
            "date": text_of(row, "date"),
            "source": text_of(row, "source"),
            "facts": relations,
            "values": values,
        });
        Ok((value, rows))
    })
    .await
}

/// `?from=&to=`: IRIs, keys or names.
#[derive(Deserialize)]
struct PathParams {
    from: String,
    to: String,
}

/// `GET /api/path?from=&to=`: a shortest chain of facts between two entities, either way.
async fn path(State(state): State<Arc<AppState>>, Query(p): Query<PathParams>) -> Answer {
    let catalog = state.api.catalog();
    let ontology = state.api.ontology();
    let (from, to) = (catalog.resolve(&p.from)?, catalog.resolve(&p.to)?);
    let Some(edges) = catalog.path(from, to) else {
        return Err(Failure::not_found(format!(
            "no chain of at most {MAX_PATH} facts links {} and {}",
            catalog.entities[from].label, catalog.entities[to].label
        )));
    };
    let mut nodes = vec![catalog.reference(from)];
    let mut links = Vec::new();
    for &(s, p, o) in &edges {
        let predicate = &catalog.predicates[p];
        let next = if nodes.last().is_some_and(|n| n.iri == catalog.entities[s].iri) { o } else { s };
        nodes.push(catalog.reference(next));
        links.push(serde_json::json!({
            "s": catalog.entities[s].iri, "p": predicate, "o": catalog.entities[o].iri,
            "label": ontology.predicates.get(predicate).map_or_else(|| local_name(predicate).to_owned(), |i| i.label.clone()),
        }));
    }
    let rows = links.len();
    Ok(Rows::on(Json(serde_json::json!({ "nodes": nodes, "edges": links })), rows))
}

/// `{"iris": [...]}`.
#[derive(Deserialize)]
struct LabelsBody {
    iris: Vec<String>,
}

/// `POST /api/labels`: what the catalog knows of each IRI (the results table shows labels).
async fn labels(State(state): State<Arc<AppState>>, Json(body): Json<LabelsBody>) -> Answer {
    if body.iris.len() > 100_000 {
        return Err(Failure::bad_request("at most 100000 IRIs at once"));
    }
    let catalog = state.api.catalog();
    let found: BTreeMap<&str, EntityRef> =
        body.iris.iter().filter_map(|i| catalog.by_iri.get(i).map(|&e| (i.as_str(), catalog.reference(e)))).collect();
    let rows = found.len();
    Ok(Rows::on(Json(found), rows))
}

/// A view of the page to draw as DOT, with the page's filters.
#[derive(Deserialize)]
struct DotBody {
    entities: Vec<String>,
    #[serde(default)]
    predicates: Vec<String>,
    #[serde(default)]
    types: Vec<String>,
    document: Option<String>,
    min_confidence: Option<f64>,
}

/// `POST /api/dot`: the DOT that `kgraph dot` writes for these entities (and filters).
async fn dot_view(State(state): State<Arc<AppState>>, Json(body): Json<DotBody>) -> Answer {
    let token = CancellationToken::new();
    let (text, nodes) = state
        .blocking(token, move |state| {
            let options = dot::DrawOptions {
                filters: dot::Filters {
                    predicates: body.predicates,
                    types: body.types,
                    document: body.document.filter(|d| !d.trim().is_empty()),
                    min_confidence: body.min_confidence,
                },
                selection: dot::Selection::Entities(body.entities),
                query: None,
                max_nodes: 0,
                // As `kgraph dot` without --evidence: edges count their documents, no list.
                sources: false,
            };
            let picture = dot::draw(state.store(), &state.vocab, &options)?;
            let style = dot::DotStyle { layout: dot::Layout::Auto.resolve(picture.graph.node_count()), ..dot::DotStyle::default() };
            let mut text = Vec::new();
            dot::write_dot(&picture, &style, &mut text).map_err(|e| crate::Error::io("<dot>", e))?;
            Ok((text, picture.graph.node_count()))
        })
        .await?;
    Ok(Rows::on(([(header::CONTENT_TYPE, "text/vnd.graphviz; charset=utf-8")], text), nodes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_cut_at_the_subject_and_object() {
        let (start, spans) = text_spans("100-125 100-106 116-124");
        assert_eq!(start, 100);
        let parts = mark("Russia brokered the deal.", start, spans);
        let got: Vec<(&str, Option<&str>)> = parts.iter().map(|p| (p.text.as_str(), p.mark)).collect();
        assert_eq!(got, [("Russia", Some("subject")), (" brokered ", None), ("the deal", Some("object")), (".", None)]);
        // Offsets count characters, not bytes; spans outside the sentence are clipped.
        let parts = mark("Ésope à Paris", 0, text_spans("0-13 0-5 8-99").1);
        let got: Vec<(&str, Option<&str>)> = parts.iter().map(|p| (p.text.as_str(), p.mark)).collect();
        assert_eq!(got, [("Ésope", Some("subject")), (" à ", None), ("Paris", Some("object"))]);
        // Garbage never panics.
        assert_eq!(text_spans("x-y 5-2 7"), (0, vec![(5, 2, "subject")]));
        assert_eq!(mark("abc", 10, vec![(5, 2, "subject"), (12, 99, "object")]).len(), 2);
        assert_eq!(mark("", 0, text_spans("0-0 0-3 1-2").1), Vec::<Part>::new());
    }
}
