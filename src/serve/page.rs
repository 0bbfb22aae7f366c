//! Files compiled into the binary → the page at `/` and its assets at `/assets/…`, each sent with
//! a Content-Security-Policy that lets the page load and call nothing but this server; and the
//! example queries of `queries/`, each with its leading comment as description.

use std::sync::Arc;

use axum::extract::Path;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::{AppState, Failure, Rows};

/// The page's own files (`web/`) and the vendored libraries (`web/vendor/`, see
/// `scripts/vendor-js`).
#[derive(rust_embed::Embed)]
#[folder = "web/"]
struct Web;

/// The example queries shipped with kgraph.
#[derive(rust_embed::Embed)]
#[folder = "queries/"]
struct Queries;

/// Everything from this server, nothing from anywhere else: no CDN, no inline script or style
/// (images may be `data:` and `blob:` URLs, which the page makes for PNG and SVG exports).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// The routes of the page and its files.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/", get(index)).route("/assets/{*path}", get(asset))
}

async fn index() -> Response {
    file("index.html")
}

async fn asset(Path(path): Path<String>) -> Response {
    file(&path)
}

/// An embedded file with its media type and the page's security headers, or 404.
fn file(path: &str) -> Response {
    let Some(content) = Web::get(path) else {
        return Failure::not_found(format!("no such file: {path}")).into_response();
    };
    let mut response = ([(header::CONTENT_TYPE, media_type(path))], content.data.into_owned()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // The files change only with the binary; revalidating costs little on a loopback.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn media_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        _ => "text/plain; charset=utf-8", // licences, VERSIONS
    }
}

/// An example query of `queries/`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Example {
    /// The file name without `.rq` (`brokered`).
    pub name: String,
    /// The first line of its leading comment ("Who brokered which agreement?").
    pub title: String,
    /// The whole leading comment, without the `#`.
    pub description: String,
    /// The query text.
    pub query: String,
}

/// The example queries, by name.
pub fn examples() -> Vec<Example> {
    let mut out: Vec<Example> = Queries::iter()
        .filter(|name| name.ends_with(".rq"))
        .filter_map(|name| {
            let file = Queries::get(&name)?;
            let query = String::from_utf8_lossy(&file.data).into_owned();
            let comment: Vec<&str> = query
                .lines()
                .take_while(|l| l.trim_start().starts_with('#'))
                .map(|l| l.trim_start().trim_start_matches('#').trim())
                .collect();
            let name = name.trim_end_matches(".rq").to_owned();
            let title = comment.first().map_or_else(|| name.clone(), |t| (*t).to_owned());
            Some(Example { name, title, description: comment.join(" ").trim().to_owned(), query })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// `GET /api/examples`: the example queries.
pub(crate) async fn examples_json() -> Response {
    let examples = examples();
    let rows = examples.len();
    Rows::on(Json(examples), rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_file_is_an_example_with_its_comment() {
        let examples = examples();
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/queries"))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "rq"))
            .count();
        assert_eq!(examples.len(), files);
        for e in &examples {
            assert!(!e.title.is_empty() && !e.title.starts_with('#'), "{}: {:?}", e.name, e.title);
            assert!(e.query.contains("SELECT") || e.query.contains("CONSTRUCT") || e.query.contains("ASK"), "{}", e.name);
        }
    }

    #[test]
    fn the_page_and_its_libraries_are_embedded() {
        for path in ["index.html", "app.js", "style.css", "vendor/cytoscape.min.js", "vendor/codemirror.js", "vendor/codemirror-sparql.js", "vendor/cytoscape.LICENSE", "vendor/codemirror.LICENSE"] {
            assert!(Web::get(path).is_some(), "{path}");
        }
        let index = String::from_utf8(Web::get("index.html").unwrap().data.into_owned()).unwrap();
        // No inline script or style (the policy would block them), nothing from another host.
        assert!(!index.contains("<script>") && !index.contains("style="), "inline code in index.html");
        assert!(!index.contains("http://") && !index.contains("https://"), "another host in index.html");
    }
}
