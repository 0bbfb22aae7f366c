//! HTTP requests → the SPARQL 1.1 Protocol: queries by GET and by both kinds of POST, with
//! `default-graph-uri` and `named-graph-uri`; results in the format the `Accept` header prefers
//! (q-values, 406 when none fits); a service description on a GET without a query; updates at
//! `/update`. Results are written by Oxigraph's serializers through [`crate::output::query`],
//! cut at `--max-rows` / `--max-bytes` with a header that says so.

use std::str::FromStr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use headers_accept::Accept;
use mediatype::MediaType;
use oxigraph::io::RdfFormat;
use oxigraph::model::{BlankNode, Literal, NamedNode, Triple};
use oxigraph::sparql::results::QueryResultsFormat;

use super::{AppState, Failure, Rows, ROWS_HEADER, TRUNCATED_HEADER};
use crate::output::query::{self, Cut, QueryForm, QueryFormat, QueryOptions};
use crate::output::{RdfOutput, ResultsOutput};

/// The media types a SELECT or ASK result can be sent as, in the server's order of preference
/// (the first is what `*/*` gets), and the format each means.
const RESULTS: [(&str, ResultsOutput); 7] = [
    ("application/sparql-results+json", ResultsOutput::Json),
    ("application/sparql-results+xml", ResultsOutput::Xml),
    ("text/csv", ResultsOutput::Csv),
    ("text/tab-separated-values", ResultsOutput::Tsv),
    ("application/json", ResultsOutput::Json),
    ("application/xml", ResultsOutput::Xml),
    ("text/xml", ResultsOutput::Xml),
];

/// The media types triples (CONSTRUCT, DESCRIBE, the service description) can be sent as.
const GRAPHS: [(&str, RdfOutput); 7] = [
    ("text/turtle", RdfOutput::Turtle),
    ("application/n-triples", RdfOutput::NTriples),
    ("application/rdf+xml", RdfOutput::RdfXml),
    ("application/ld+json", RdfOutput::JsonLd),
    ("application/n-quads", RdfOutput::NQuads),
    ("application/trig", RdfOutput::TriG),
    ("text/plain", RdfOutput::NTriples),
];

/// The protocol's parameters, from a URL's query string or a form body.
#[derive(Debug, Default)]
struct Params {
    query: Option<String>,
    update: Option<String>,
    default_graphs: Vec<String>,
    named_graphs: Vec<String>,
}

impl Params {
    /// Reads `application/x-www-form-urlencoded` text (a URL's query or a form body); a
    /// parameter given twice (`query`, `update`) is an error, graphs may repeat.
    fn parse(text: &[u8]) -> Result<Self, Failure> {
        let mut params = Params::default();
        for (name, value) in form_urlencoded::parse(text) {
            let once = |slot: &mut Option<String>| {
                if slot.is_some() {
                    return Err(Failure::bad_request(format!("the parameter {name} is given twice")));
                }
                *slot = Some(value.clone().into_owned());
                Ok(())
            };
            match name.as_ref() {
                "query" => once(&mut params.query)?,
                "update" => once(&mut params.update)?,
                "default-graph-uri" | "using-graph-uri" => params.default_graphs.push(value.into_owned()),
                "named-graph-uri" | "using-named-graph-uri" => params.named_graphs.push(value.into_owned()),
                _ => {} // other tools' parameters (format, timeout…) are ignored, as the protocol allows
            }
        }
        Ok(params)
    }

    fn graphs(list: &[String], name: &str) -> Result<Vec<NamedNode>, Failure> {
        list.iter()
            .map(|g| NamedNode::new(g).map_err(|e| Failure::bad_request(format!("{name} {g:?} is not an IRI: {e}"))))
            .collect()
    }
}

/// `GET /sparql?query=…`: a query; without one, the service description.
pub(crate) async fn query_get(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let params = Params::parse(raw.unwrap_or_default().as_bytes())?;
    if params.update.is_some() {
        return Err(Failure::bad_request("updates are sent by POST to /update"));
    }
    match params.query {
        Some(text) => answer(state, text, &params.default_graphs, &params.named_graphs, &headers).await,
        None => service_description(&state, &headers),
    }
}

/// `POST /sparql`: a form with `query=…`, or the query itself as `application/sparql-query`
/// (graphs then in the URL).
pub(crate) async fn query_post(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    match content_type(&headers).as_str() {
        "application/x-www-form-urlencoded" => {
            let params = Params::parse(&body)?;
            if params.update.is_some() {
                return Err(Failure::bad_request("updates are sent to /update"));
            }
            let text = params.query.ok_or_else(|| Failure::bad_request("the form has no query parameter"))?;
            answer(state, text, &params.default_graphs, &params.named_graphs, &headers).await
        }
        "application/sparql-query" => {
            let params = Params::parse(raw.unwrap_or_default().as_bytes())?;
            let text = utf8(body)?;
            answer(state, text, &params.default_graphs, &params.named_graphs, &headers).await
        }
        other => Err(unsupported(other, "application/sparql-query or application/x-www-form-urlencoded")),
    }
}

/// `POST /update`: SPARQL Update, as `application/sparql-update` or a form with `update=…`
/// (the route's middleware has checked `--allow-update` and the token).
pub(crate) async fn update(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let text = match content_type(&headers).as_str() {
        "application/sparql-update" => utf8(body)?,
        "application/x-www-form-urlencoded" => {
            let params = Params::parse(&body)?;
            if !params.default_graphs.is_empty() || !params.named_graphs.is_empty() {
                return Err(Failure::bad_request("using-graph-uri and using-named-graph-uri are not supported: use USING in the update"));
            }
            params.update.ok_or_else(|| Failure::bad_request("the form has no update parameter"))?
        }
        other => return Err(unsupported(other, "application/sparql-update or application/x-www-form-urlencoded")),
    };
    let prepared = query::prepare_update(&text)?;
    let token = prepared.cancellation_token();
    let timeout = state.options.timeout;
    state
        .blocking(token, move |state| {
            query::update(state.store(), prepared, Some(timeout))?;
            // Labels, classes and links may have changed: the API reads them again.
            state.api.reload(state.store(), &state.vocab)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

impl From<crate::Error> for Failure {
    fn from(e: crate::Error) -> Self {
        match e {
            crate::Error::Query(m) | crate::Error::Invalid(m) => Failure::bad_request(m),
            other => Failure::new(StatusCode::INTERNAL_SERVER_ERROR, other.to_string()),
        }
    }
}

/// Parses, negotiates, runs and answers a query.
async fn answer(
    state: Arc<AppState>,
    text: String,
    default_graphs: &[String],
    named_graphs: &[String],
    headers: &HeaderMap,
) -> Result<Response, Failure> {
    let parsed = query::parse(&text, None)?;
    let (media_type, format) = negotiate(headers, parsed.form())?;
    let mut prepared = parsed.prepare();
    if !default_graphs.is_empty() || !named_graphs.is_empty() {
        prepared.set_dataset(
            Params::graphs(default_graphs, "default-graph-uri")?,
            Params::graphs(named_graphs, "named-graph-uri")?,
        );
    }
    let options = QueryOptions {
        format: Some(format),
        terminal: false,
        limit: Some(state.options.max_rows),
        max_bytes: Some(state.options.max_bytes),
        timeout: Some(state.options.timeout),
    };
    let token = prepared.cancellation_token();
    let (body, outcome) = state
        .blocking(token, move |state| {
            let mut body = Vec::new();
            let outcome = query::run(state.store(), prepared, &options, &state.vocab, &mut body)?;
            Ok((body, outcome))
        })
        .await?;
    let mut response = Rows::on(
        (
            [(header::CONTENT_TYPE, HeaderValue::from_str(&content_type_of(&media_type)).unwrap_or(HeaderValue::from_static("application/octet-stream")))],
            body,
        ),
        outcome.rows,
    );
    let h = response.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("Accept"));
    h.insert(ROWS_HEADER, HeaderValue::from(outcome.rows));
    if let Some(cut) = outcome.cut {
        let value = match cut {
            Cut::Rows(n) => format!("max-rows={n}"),
            Cut::Bytes(n) => format!("max-bytes={n}"),
        };
        h.insert(TRUNCATED_HEADER, HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("true")));
    }
    Ok(response)
}

/// The request's media type, lower case, without parameters.
fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

fn unsupported(given: &str, wanted: &str) -> Failure {
    let given = if given.is_empty() { "no Content-Type".to_owned() } else { given.to_owned() };
    Failure::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, format!("{given}: send {wanted}"))
}

fn utf8(body: Bytes) -> Result<String, Failure> {
    String::from_utf8(body.to_vec()).map_err(|e| Failure::bad_request(format!("the body is not UTF-8: {e}")))
}

/// The `Content-Type` for a media type: text types say they are UTF-8.
fn content_type_of(media_type: &str) -> String {
    if media_type.starts_with("text/") {
        format!("{media_type}; charset=utf-8")
    } else {
        media_type.to_owned()
    }
}

/// The format the client prefers among those the query's form can give (headers-accept applies
/// RFC 9110: q-values, specificity, `q=0` refuses); no `Accept` means anything.
fn negotiate(headers: &HeaderMap, form: QueryForm) -> Result<(String, QueryFormat), Failure> {
    let offered: Vec<(&str, QueryFormat)> = if form.gives_triples() {
        GRAPHS.iter().map(|(m, f)| (*m, QueryFormat::Rdf(*f))).collect()
    } else {
        RESULTS.iter().map(|(m, f)| (*m, QueryFormat::Results(*f))).collect()
    };
    let chosen = choose(headers, &offered)?;
    Ok((chosen.0.to_owned(), chosen.1))
}

/// The offer the `Accept` header prefers, or 406 listing the offers.
fn choose<'a, T: Copy>(headers: &HeaderMap, offered: &'a [(&'a str, T)]) -> Result<(&'a str, T), Failure> {
    let accept = match headers.get(header::ACCEPT).map(|v| v.to_str()) {
        None => return Ok(offered[0]),
        Some(Ok(text)) if text.trim().is_empty() => return Ok(offered[0]),
        Some(Ok(text)) => {
            Accept::from_str(text).map_err(|_| Failure::bad_request(format!("the Accept header {text:?} is not valid")))?
        }
        Some(Err(_)) => return Err(Failure::bad_request("the Accept header is not valid")),
    };
    let types: Vec<MediaType<'_>> = offered.iter().filter_map(|(m, _)| MediaType::parse(m).ok()).collect();
    // A range with parameters (`application/sparql-results+json;charset=utf-8`) matches only
    // the same parameters: failing that, the ranges are tried again without them.
    let plain = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .map(without_parameters)
        .and_then(|text| Accept::from_str(&text).ok());
    let best = accept.negotiate(types.iter()).or_else(|| plain.as_ref().and_then(|a| a.negotiate(types.iter()))).ok_or_else(|| {
        let list: Vec<&str> = offered.iter().map(|(m, _)| *m).collect();
        Failure::new(StatusCode::NOT_ACCEPTABLE, format!("none of the accepted types can be given; this answer can be {}", list.join(", ")))
    })?;
    let index = types.iter().position(|t| t == best).unwrap_or(0);
    Ok(offered[index])
}

/// An `Accept` header with every parameter but `q` left out.
fn without_parameters(accept: &str) -> String {
    accept
        .split(',')
        .map(|range| {
            let mut parts = range.split(';').map(str::trim);
            let mut kept = vec![parts.next().unwrap_or_default()];
            kept.extend(parts.filter(|p| p.starts_with("q=") || p.starts_with("Q=")));
            kept.join(";")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The SPARQL 1.1 Service Description of this endpoint, as RDF in the negotiated format.
fn service_description(state: &AppState, headers: &HeaderMap) -> Result<Response, Failure> {
    let offered: Vec<(&str, RdfOutput)> = GRAPHS.to_vec();
    let (media_type, format) = choose(headers, &offered)?;
    let sd = |local: &str| NamedNode::new_unchecked(format!("http://www.w3.org/ns/sparql-service-description#{local}"));
    let formats = |local: &str| NamedNode::new_unchecked(format!("http://www.w3.org/ns/formats/{local}"));
    let rdf_type = NamedNode::new_unchecked("http://www.w3.org/1999/02/22-rdf-syntax-ns#type");
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let endpoint = NamedNode::new(format!("http://{host}/sparql")).unwrap_or_else(|_| NamedNode::new_unchecked("http://localhost/sparql"));
    let service = BlankNode::default();
    let mut triples = vec![
        Triple::new(service.clone(), rdf_type.clone(), sd("Service")),
        Triple::new(service.clone(), sd("endpoint"), endpoint),
        Triple::new(service.clone(), sd("supportedLanguage"), sd("SPARQL11Query")),
    ];
    if state.options.allow_update {
        triples.push(Triple::new(service.clone(), sd("supportedLanguage"), sd("SPARQL11Update")));
    }
    for f in [QueryResultsFormat::Json, QueryResultsFormat::Xml, QueryResultsFormat::Csv, QueryResultsFormat::Tsv] {
        triples.push(Triple::new(service.clone(), sd("resultFormat"), NamedNode::new_unchecked(f.iri())));
    }
    for f in [RdfFormat::Turtle, RdfFormat::NTriples, RdfFormat::RdfXml, RdfFormat::NQuads, RdfFormat::TriG] {
        triples.push(Triple::new(service.clone(), sd("resultFormat"), NamedNode::new_unchecked(f.iri())));
    }
    triples.push(Triple::new(service.clone(), sd("resultFormat"), formats("JSON-LD")));
    triples.push(Triple::new(
        service,
        NamedNode::new_unchecked("http://www.w3.org/2000/01/rdf-schema#comment"),
        Literal::new_simple_literal(format!(
            "kgraph serve: queries are cut at {} rows or {} bytes and cancelled after {} s",
            state.options.max_rows,
            state.options.max_bytes,
            state.options.timeout.as_secs_f64()
        )),
    ));
    let mut serializer = format.serializer(&state.vocab).for_writer(Vec::new());
    for t in &triples {
        serializer.serialize_triple(t).map_err(|e| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    }
    let body = serializer.finish().map_err(|e| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let mut response = Rows::on(([(header::CONTENT_TYPE, content_type_of(media_type))], body), triples.len());
    response.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(accept: Option<&str>, form: QueryForm) -> Result<String, StatusCode> {
        let mut headers = HeaderMap::new();
        if let Some(a) = accept {
            headers.insert(header::ACCEPT, HeaderValue::from_str(a).unwrap());
        }
        negotiate(&headers, form).map(|(m, _)| m).map_err(|f| f.status)
    }

    #[test]
    fn negotiation_follows_q_values_and_refuses_what_it_cannot_give() {
        assert_eq!(pick(None, QueryForm::Select).unwrap(), "application/sparql-results+json");
        assert_eq!(pick(Some("*/*"), QueryForm::Select).unwrap(), "application/sparql-results+json");
        assert_eq!(pick(Some("text/csv;q=0.5, application/sparql-results+xml"), QueryForm::Select).unwrap(), "application/sparql-results+xml");
        assert_eq!(pick(Some("text/csv;q=0.9, text/tab-separated-values;q=0.3"), QueryForm::Ask).unwrap(), "text/csv");
        assert_eq!(pick(Some("text/*;q=0.5, text/csv;q=0"), QueryForm::Select).unwrap(), "text/tab-separated-values");
        assert_eq!(pick(Some("image/png"), QueryForm::Select), Err(StatusCode::NOT_ACCEPTABLE));
        assert_eq!(pick(Some("text/turtle"), QueryForm::Select), Err(StatusCode::NOT_ACCEPTABLE));
        assert_eq!(pick(Some("application/ld+json, text/turtle;q=0.8"), QueryForm::Construct).unwrap(), "application/ld+json");
        assert_eq!(pick(Some("application/sparql-results+json"), QueryForm::Describe), Err(StatusCode::NOT_ACCEPTABLE));
        assert_eq!(pick(Some("text/html,application/xhtml+xml,*/*;q=0.8"), QueryForm::Construct).unwrap(), "text/turtle");
        assert_eq!(pick(Some("no slash"), QueryForm::Select), Err(StatusCode::BAD_REQUEST));
        // Parameters other than q do not stop a match.
        assert_eq!(pick(Some("text/csv;charset=utf-8;q=0.2, application/sparql-results+xml;charset=UTF-8;q=0.1"), QueryForm::Select).unwrap(), "text/csv");
    }

    #[test]
    fn parameters_repeat_graphs_but_not_the_query() {
        let p = Params::parse(b"query=ASK%7B%7D&default-graph-uri=http%3A%2F%2Fa&default-graph-uri=http%3A%2F%2Fb&named-graph-uri=http%3A%2F%2Fc").unwrap();
        assert_eq!(p.query.as_deref(), Some("ASK{}"));
        assert_eq!(p.default_graphs, ["http://a", "http://b"]);
        assert_eq!(p.named_graphs, ["http://c"]);
        assert!(Params::parse(b"query=a&query=b").is_err());
        assert!(Params::graphs(&["not an iri".to_owned()], "default-graph-uri").is_err());
    }
}
