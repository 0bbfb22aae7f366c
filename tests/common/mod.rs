//! What the tests that drive outside engines share (`mod common;`): kgraph commands on a store,
//! the seeds store, Python with the packages a test imports, and the CI rule for missing tools.
#![allow(dead_code)] // each test file uses a part

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use tempfile::TempDir;

/// The repository.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `kgraph --store STORE`, from the repository, without the user's environment.
pub fn kgraph(store: &Path) -> Command {
    let mut cmd = Command::cargo_bin("kgraph").unwrap();
    cmd.current_dir(root()).env_remove("KGRAPH_BASE").env_remove("KGRAPH_ONTOLOGY").env_remove("KGRAPH_STORE");
    cmd.arg("--store").arg(store);
    cmd
}

/// Runs `kgraph --store STORE ARGS…`, which must succeed; its standard output.
pub fn run(store: &Path, args: &[&str]) -> Vec<u8> {
    kgraph(store).args(args).assert().success().get_output().stdout.clone()
}

/// A store built from `seeds/` in a new temporary folder (the folder, the store in it).
pub fn seeds_store() -> (TempDir, PathBuf) {
    let tmp = TempDir::new().unwrap();
    let store = tmp.path().join("kg");
    run(&store, &["build", "--quiet", "seeds"]);
    (tmp, store)
}

/// The quads of the store as sorted N-Quads lines.
pub fn sorted_nquads(store: &Path) -> Vec<String> {
    let dump = String::from_utf8(run(store, &["export", "--format", "nquads"])).unwrap();
    let mut lines: Vec<String> = dump.lines().filter(|l| !l.trim().is_empty()).map(String::from).collect();
    lines.sort();
    lines
}

/// A test that needs a tool that is missing: skipped, saying so; under CI (`CI` set), where
/// .ci/run installs the tools with `scripts/setup --test`, a failure instead, so that no check
/// is silently lost. Returns nothing, to be used as `return skip(…)`.
pub fn skip(message: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{message}: CI must run this test (scripts/setup --test installs it)"
    );
    eprintln!("{message}: skipped");
}

/// The Python to run (`python3`, or `python` on Windows).
pub fn python() -> &'static str {
    if cfg!(windows) {
        "python"
    } else {
        "python3"
    }
}

/// Whether `python3` imports every one of `modules`.
pub fn python_has(modules: &[&str]) -> bool {
    let code = modules.iter().map(|m| format!("import {m}")).collect::<Vec<_>>().join("; ");
    Process::new(python()).args(["-c", &code]).output().is_ok_and(|o| o.status.success())
}

/// `python3 ARGS…` from the repository, which must succeed; its standard output.
pub fn python_run(args: &[&std::ffi::OsStr]) -> String {
    let out = Process::new(python()).current_dir(root()).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "python3 {:?} failed ({}):\n{}\n{}",
        args,
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Where `program` is on the PATH, if it is.
pub fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(program)).find(|p| p.is_file())
}
