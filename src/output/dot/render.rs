//! DOT text → SVG, PNG or PDF bytes, by running Graphviz (`dot -K ENGINE -T FORMAT`) with the
//! text on its standard input.

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::str::FromStr;

use super::Layout;
use crate::{Error, Result};

/// A picture format Graphviz renders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenderFormat {
    /// Scalable vector graphics, with tooltips.
    Svg,
    /// A bitmap.
    Png,
    /// A page to print.
    Pdf,
}

impl RenderFormat {
    /// The names users give on the command line (also the file extensions).
    pub const NAMES: [&'static str; 3] = ["svg", "png", "pdf"];

    /// The name, as Graphviz's `-T` takes it.
    pub fn name(self) -> &'static str {
        match self {
            RenderFormat::Svg => "svg",
            RenderFormat::Png => "png",
            RenderFormat::Pdf => "pdf",
        }
    }

    /// The format a file name asks for by its extension, if it is one of these.
    pub fn of_path(path: &Path) -> Option<Self> {
        path.extension()?.to_str()?.parse().ok()
    }

    /// Whether the output is binary (not for a terminal).
    pub fn is_binary(self) -> bool {
        self != RenderFormat::Svg
    }
}

impl fmt::Display for RenderFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for RenderFormat {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "svg" => RenderFormat::Svg,
            "png" => RenderFormat::Png,
            "pdf" => RenderFormat::Pdf,
            _ => {
                return Err(Error::Invalid(format!("unknown picture format {s:?} (one of {})", Self::NAMES.join(", "))))
            }
        })
    }
}

/// The Graphviz program run, unless `KGRAPH_GRAPHVIZ` names another.
pub const GRAPHVIZ: &str = "dot";

/// Renders DOT text with Graphviz's `layout` engine (`auto` must be resolved first; it is
/// taken as `dot`). A missing Graphviz is an error naming the Debian package to install.
pub fn render(dot: &[u8], format: RenderFormat, layout: Layout) -> Result<Vec<u8>> {
    let program = std::env::var_os("KGRAPH_GRAPHVIZ").unwrap_or_else(|| GRAPHVIZ.into());
    let engine = match layout {
        Layout::Auto => Layout::Dot,
        other => other,
    };
    let mut child = Command::new(&program)
        .arg(format!("-K{engine}"))
        .arg(format!("-T{format}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::Invalid(format!(
                    "cannot render {format}: Graphviz is not installed (no `{}` on the PATH); install the \
                     Debian package graphviz (sudo apt-get install graphviz), or leave out --render and \
                     write DOT",
                    program.to_string_lossy()
                ))
            } else {
                Error::io(program.to_string_lossy().into_owned(), e)
            }
        })?;
    // Feed the text from another thread: Graphviz may write before it has read everything.
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let text = dot.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&text));
    let output = child.wait_with_output().map_err(|e| Error::io(program.to_string_lossy().into_owned(), e))?;
    let fed = feeder.join().unwrap_or_else(|_| Ok(()));
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Error::Invalid(format!(
            "Graphviz (`{} -K{engine} -T{format}`) failed ({}): {}",
            program.to_string_lossy(),
            output.status,
            stderr.trim()
        )));
    }
    fed.map_err(|e| Error::io(program.to_string_lossy().into_owned(), e))?;
    Ok(output.stdout)
}

/// Whether Graphviz can be run (for tests and checks).
pub fn available() -> bool {
    let program = std::env::var_os("KGRAPH_GRAPHVIZ").unwrap_or_else(|| GRAPHVIZ.into());
    Command::new(program).arg("-V").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}
