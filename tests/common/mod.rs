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

/// A `kgraph serve` of our own on a free port of 127.0.0.1, stopped (SIGTERM, then waited
/// for) when dropped. Its standard error (one line per request) is collected for the checks.
pub struct Served {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT/`, from the first line of its standard output.
    pub url: String,
    log: std::sync::Arc<std::sync::Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Served {
    /// `kgraph --store STORE serve --bind 127.0.0.1:0 ARGS…`, once it has printed its address.
    pub fn start(store: &Path, args: &[&str]) -> Served {
        use std::io::{BufRead, BufReader, Read};
        let mut child = Process::new(assert_cmd::cargo::cargo_bin("kgraph"))
            .current_dir(root())
            .env_remove("KGRAPH_BASE")
            .env_remove("KGRAPH_ONTOLOGY")
            .env_remove("KGRAPH_STORE")
            .env_remove("KGRAPH_TOKEN")
            .arg("--store")
            .arg(store)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        // Drained all along: a full pipe would block the server.
        let mut stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        let reader = std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        let url = first.trim().to_owned();
        if !url.starts_with("http://127.0.0.1:") {
            let status = child.wait().unwrap();
            let _ = reader.join();
            panic!("kgraph serve did not start ({status}): {url:?}\n{}", log.lock().unwrap());
        }
        Served { child, url, log, reader: Some(reader) }
    }

    /// What the server wrote on standard error so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Sends SIGTERM and waits for the server to end: its exit status and standard error.
    pub fn stop(mut self) -> (std::process::ExitStatus, String) {
        let status = self.terminate();
        (status, self.log())
    }

    fn terminate(&mut self) -> std::process::ExitStatus {
        if let Ok(Some(status)) = self.child.try_wait() {
            return status;
        }
        // SAFETY: kill(2) on the pid of a child we started and have not yet waited for.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let status = self.child.wait().unwrap();
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        status
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.terminate();
    }
}
