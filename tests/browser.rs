//! The page of `kgraph serve` in a real browser: builds the seeds store, starts the server on
//! port 0 and runs `node tests/browser/explore.mjs`, which drives Debian's Chromium (headless,
//! through playwright-core: no browser is downloaded) through a query, a search, an expansion
//! and an edge's evidence, and checks that the page asked nothing of any other host. The
//! screenshots go to `target/browser/` (the README's is `docs/serve.png`, copied from there).
//!
//! Needs `/usr/bin/chromium`, `node` and `tests/browser/node_modules` (`scripts/setup --test`
//! installs all three); skipped, saying so, where one is missing, except under CI.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use common::{root, seeds_store, skip, which, Served};

/// The browser the test drives (Debian's package `chromium`), or `CHROMIUM`.
fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

#[test]
fn the_page_runs_a_query_explores_and_shows_evidence() {
    let chromium = chromium();
    if !chromium.is_file() {
        return skip(&format!("no {} (apt-get install chromium): browser test", chromium.display()));
    }
    let Some(node) = which("node") else {
        return skip("no node (apt-get install nodejs): browser test");
    };
    let playwright = root().join("tests/browser/node_modules/playwright-core");
    if !playwright.is_dir() {
        return skip("no playwright-core (npm ci in tests/browser, as scripts/setup --test does): browser test");
    }
    let (_tmp, store) = seeds_store();
    let server = Served::start(&store, &[]);
    // Under the target folder in use: CARGO_TARGET_TMPDIR is its tmp/.
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap_or(Path::new("target")).join("browser");
    let out = Process::new(node)
        .current_dir(root())
        .arg("tests/browser/explore.mjs")
        .env("KGRAPH_URL", &server.url)
        .env("KGRAPH_SCREENSHOTS", &shots)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}");
    assert!(
        out.status.success(),
        "the browser test failed ({}):\n{stdout}\n{stderr}\nserver:\n{}\nscreenshots in {}",
        out.status,
        server.log(),
        shots.display()
    );
    assert!(stdout.contains("ok: no request left the server"), "{stdout}");
    assert!(shots.join("explore.png").is_file());
}
