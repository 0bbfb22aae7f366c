//! A picture → Graphviz DOT text: nodes shaped and coloured by class with their facts as rows
//! (HTML-like labels), edges labelled with the predicate and the number of documents, a legend
//! of the classes shown, and layout settings for the chosen engine. Every label and tooltip
//! goes through [`html`] or [`quoted`], so no name can break the syntax.

use std::collections::BTreeMap;
use std::io::{self, Write};

use petgraph::visit::EdgeRef;

use super::{Layout, Node, Picture};

/// How a picture is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DotStyle {
    /// The Graphviz engine the settings are for (`auto` is resolved by node count).
    pub layout: Layout,
    /// List the documents stating each relation in its tooltip.
    pub evidence: bool,
    /// Draw a legend of the classes shown.
    pub legend: bool,
}

impl Default for DotStyle {
    fn default() -> Self {
        Self { layout: Layout::Auto, evidence: false, legend: true }
    }
}

/// The look of a class: shape, fill colour and style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassStyle {
    /// Graphviz node shape.
    pub shape: &'static str,
    /// Fill colour.
    pub fill: &'static str,
    /// Graphviz node style.
    pub style: &'static str,
}

/// Shapes and colours of the seven classes (colour-blind safe, light enough for black text).
pub const CLASS_STYLES: [(&str, ClassStyle); 7] = [
    ("Country", ClassStyle { shape: "box", fill: "#8ecae6", style: "filled" }),
    ("Person", ClassStyle { shape: "ellipse", fill: "#ffd166", style: "filled" }),
    ("Organization", ClassStyle { shape: "hexagon", fill: "#b5e48c", style: "filled" }),
    ("Place", ClassStyle { shape: "house", fill: "#cdb4db", style: "filled" }),
    ("Agreement", ClassStyle { shape: "note", fill: "#fff3b0", style: "filled" }),
    ("Group", ClassStyle { shape: "octagon", fill: "#f4acb7", style: "filled" }),
    ("Event", ClassStyle { shape: "parallelogram", fill: "#f6bd60", style: "filled" }),
];

/// The look of an entity of no known class.
pub const OTHER_STYLE: ClassStyle = ClassStyle { shape: "ellipse", fill: "#e9ecef", style: "filled,dashed" };

/// The style of a class by local name.
pub fn class_style(local: Option<&str>) -> ClassStyle {
    local.and_then(|l| CLASS_STYLES.iter().find(|(name, _)| *name == l)).map_or(OTHER_STYLE, |(_, s)| *s)
}

/// Names are wrapped at spaces to lines of about this many characters.
const WRAP: usize = 24;
/// Rows shown inside a node; more are summed up in a last row.
const MAX_ROWS: usize = 6;
/// Longest literal value shown in a row.
const MAX_VALUE: usize = 40;
/// Documents listed in an edge tooltip.
pub(crate) const MAX_DOCUMENTS: usize = 20;
const FONT: &str = "Helvetica,Arial,sans-serif";

/// Writes `picture` as a DOT digraph.
pub fn write_dot(picture: &Picture, style: &DotStyle, out: &mut dyn Write) -> io::Result<()> {
    let g = &picture.graph;
    let layout = style.layout.resolve(g.node_count());
    writeln!(out, "digraph kgraph {{")?;
    let settings = match layout {
        Layout::Dot | Layout::Auto => "rankdir=LR, ranksep=0.6, nodesep=0.25, newrank=true",
        Layout::Sfdp => "overlap=prism, overlap_scaling=-6, sep=\"+6\", K=0.9, repulsiveforce=1.5, splines=false, outputorder=edgesfirst",
        Layout::Neato => "overlap=prism, sep=\"+8\", splines=true, mode=major, outputorder=edgesfirst",
    };
    let mut caption = picture.title.clone();
    if !caption.is_empty() {
        let relations = g.edge_count();
        caption.push_str(&format!(
            " · {} entit{}, {} relation{}",
            g.node_count(),
            if g.node_count() == 1 { "y" } else { "ies" },
            relations,
            if relations == 1 { "" } else { "s" }
        ));
        if picture.left_out > 0 {
            caption.push_str(&format!(" ({} less connected left out)", picture.left_out));
        }
    }
    write!(out, "  graph [layout={layout}, charset=\"UTF-8\", fontname=\"{FONT}\", fontsize=12, {settings}")?;
    if !caption.is_empty() {
        write!(out, ", labelloc=t, label=<{}>", html(&caption))?;
    }
    writeln!(out, "];")?;
    writeln!(out, "  node [fontname=\"{FONT}\", fontsize=10, color=\"#495057\", penwidth=1, margin=\"0.08,0.04\"];")?;
    writeln!(
        out,
        "  edge [fontname=\"{FONT}\", fontsize=8, color=\"#6c757d\", fontcolor=\"#343a40\", arrowsize=0.6];"
    )?;

    for i in g.node_indices() {
        let n = &g[i];
        let s = class_style(n.class.as_ref().map(|c| c.local.as_str()));
        write!(
            out,
            "  n{} [label=<{}>, shape={}, style=\"{}\", fillcolor=\"{}\", tooltip={}",
            i.index(),
            node_label(n),
            s.shape,
            s.style,
            s.fill,
            quoted(&node_tooltip(n))
        )?;
        if n.marked {
            write!(out, ", penwidth=3, color=\"#d62828\"")?;
        }
        writeln!(out, "];")?;
    }

    for e in g.edge_references() {
        let w = e.weight();
        let mut label = html(&wrap(&w.label, WRAP));
        if w.documents > 1 {
            label.push_str(&format!(" ×{}", w.documents));
        }
        let (s, o) = (&g[e.source()], &g[e.target()]);
        let mut tooltip = format!("{} — {} — {}", s.label, w.label, o.label);
        if style.evidence && !w.sources.is_empty() {
            tooltip.push_str(&format!("\nstated in {}:", plural(w.documents.max(w.sources.len()), "document")));
            for d in w.sources.iter().take(MAX_DOCUMENTS) {
                match &d.title {
                    Some(t) => tooltip.push_str(&format!("\n{}: {t}", d.id)),
                    None => tooltip.push_str(&format!("\n{}", d.id)),
                }
            }
            let shown = w.sources.len().min(MAX_DOCUMENTS);
            if w.documents > shown {
                tooltip.push_str(&format!("\n… and {} more", w.documents - shown));
            }
        }
        write!(
            out,
            "  n{} -> n{} [label=<{label}>, tooltip={}, labeltooltip={}",
            e.source().index(),
            e.target().index(),
            quoted(&tooltip),
            quoted(&tooltip)
        )?;
        if w.symmetric {
            write!(out, ", dir=none")?;
        }
        writeln!(out, "];")?;
    }

    if style.legend {
        write_legend(picture, out)?;
    }
    writeln!(out, "}}")
}

/// One node per class shown (an "other" one for untyped entities), in a dashed box.
fn write_legend(picture: &Picture, out: &mut dyn Write) -> io::Result<()> {
    let mut classes: BTreeMap<usize, (String, ClassStyle)> = BTreeMap::new();
    for n in picture.graph.node_weights() {
        let local = n.class.as_ref().map(|c| c.local.as_str());
        let position = local.and_then(|l| CLASS_STYLES.iter().position(|(name, _)| *name == l));
        // Known classes in their fixed order, then the others by name, then untyped.
        let key = match (position, &n.class) {
            (Some(p), _) => p,
            (None, Some(_)) => CLASS_STYLES.len() + classes.len(),
            (None, None) => usize::MAX,
        };
        let label = n.class.as_ref().map_or_else(|| "other".to_owned(), |c| c.label.clone());
        if !classes.values().any(|(l, _)| *l == label) {
            classes.insert(key, (label, class_style(local)));
        }
    }
    if classes.is_empty() {
        return Ok(());
    }
    writeln!(out, "  subgraph cluster_legend {{")?;
    writeln!(out, "    label=<<B>classes</B>>; style=\"rounded,dashed\"; color=\"#adb5bd\"; fontsize=10; margin=8;")?;
    let ids: Vec<String> = (0..classes.len()).map(|i| format!("legend{i}")).collect();
    for (id, (label, s)) in ids.iter().zip(classes.values()) {
        writeln!(
            out,
            "    {id} [label=<{}>, shape={}, style=\"{}\", fillcolor=\"{}\", fontsize=8, width=0.4, height=0.25, tooltip={}];",
            html(label),
            s.shape,
            s.style,
            s.fill,
            quoted(label)
        )?;
    }
    writeln!(out, "    {{ rank=same; {} }}", ids.join("; "))?;
    if ids.len() > 1 {
        writeln!(out, "    {} [style=invis];", ids.join(" -> "))?;
    }
    writeln!(out, "  }}")
}

/// The name in bold, then one row per literal fact.
fn node_label(n: &Node) -> String {
    let mut label = format!("<B>{}</B>", html(&wrap(&n.label, WRAP)));
    let shown = if n.rows.len() > MAX_ROWS { MAX_ROWS - 1 } else { n.rows.len() };
    for row in &n.rows[..shown] {
        let value = shorten(&row.value, MAX_VALUE);
        label.push_str(&format!("<BR/><FONT POINT-SIZE=\"8\">{}: {}</FONT>", html(&row.label), html(&value)));
    }
    if shown < n.rows.len() {
        label.push_str(&format!("<BR/><FONT POINT-SIZE=\"8\">… {} more facts</FONT>", n.rows.len() - shown));
    }
    label
}

fn node_tooltip(n: &Node) -> String {
    let mut t = n.label.clone();
    if let Some(c) = &n.class {
        t.push_str(&format!(" ({})", c.label));
    }
    t.push('\n');
    t.push_str(&n.iri);
    if !n.aliases.is_empty() {
        t.push_str("\nalso: ");
        t.push_str(&n.aliases.join(", "));
    }
    for row in &n.rows {
        t.push_str(&format!("\n{}: {}", row.label, row.value));
    }
    t
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `text` cut to `max` characters with `…`.
fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// Breaks `text` at spaces into lines of about `width` characters (a longer word stays whole);
/// line breaks already in the text are kept.
pub fn wrap(text: &str, width: usize) -> String {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines.join("\n")
}

/// `text` as the content of a Graphviz HTML-like label (between `<` and `>`): `&`, `<`, `>`
/// and `"` as XML entities, `\` doubled (Graphviz expands `\N`, `\G` … even there), line
/// breaks as `<BR/>`, tabs as spaces, and characters XML does not allow (other control
/// characters, U+FFFE, U+FFFF) as U+FFFD. Other non-ASCII characters are kept: the graph
/// declares `charset="UTF-8"`.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("<BR/>"),
            '\t' => out.push(' '),
            c if forbidden(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `text` as a DOT double-quoted string, quotes included, for tooltips: `"` as `\"`, line
/// breaks as `\n`, `&` as `&amp;` (Graphviz decodes entities in strings), tabs as spaces,
/// other control characters as U+FFFD, and `\` as four: Graphviz unescapes a tooltip twice (a
/// lone `\N` becomes `N`, a doubled one the node's name), so only four give one backslash.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str(r"\\\\"),
            '"' => out.push_str("\\\""),
            '&' => out.push_str("&amp;"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if forbidden(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters that have no place in a label: control characters and the two XML
/// non-characters.
fn forbidden(c: char) -> bool {
    c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_labels_escape_markup_and_breaks() {
        assert_eq!(html("a & b <c> \"d\" 'e'"), "a &amp; b &lt;c&gt; &quot;d&quot; 'e'");
        assert_eq!(html("one\ntwo\r\nthree\rfour"), "one<BR/>two<BR/>three<BR/>four");
        assert_eq!(html("tab\there\u{7}bell\u{0}nul\u{FFFF}"), "tab here\u{FFFD}bell\u{FFFD}nul\u{FFFD}");
        assert_eq!(html("Ünïcødé 東京 🚀 &amp;"), "Ünïcødé 東京 🚀 &amp;amp;");
        assert_eq!(html(r"back\slash \N \G end\"), r"back\\slash \\N \\G end\\");
    }

    #[test]
    fn quoted_strings_escape_quotes_backslashes_and_entities() {
        assert_eq!(quoted(r#"say "hi" \ bye"#), r#""say \"hi\" \\\\ bye""#);
        assert_eq!(quoted("a\nb\r\nc"), r#""a\nb\nc""#);
        assert_eq!(quoted(r"\N\l ends with \"), r#""\\\\N\\\\l ends with \\\\""#);
        assert_eq!(quoted("R&D <x> Ü\u{1b}"), "\"R&amp;D <x> Ü\u{FFFD}\"");
        assert_eq!(quoted(""), "\"\"");
    }

    #[test]
    fn long_names_wrap_at_spaces() {
        assert_eq!(wrap("agreement of 10 November 2020", 24), "agreement of 10 November\n2020");
        assert_eq!(wrap("Organization for Security and Co-operation in Europe", 24).lines().count(), 3);
        assert_eq!(wrap("Supercalifragilisticexpialidocious!", 10), "Supercalifragilisticexpialidocious!");
        assert_eq!(wrap("", 10), "");
    }

    #[test]
    fn unknown_classes_get_the_other_style() {
        assert_eq!(class_style(Some("Country")).shape, "box");
        assert_eq!(class_style(Some("Spaceship")), OTHER_STYLE);
        assert_eq!(class_style(None), OTHER_STYLE);
    }
}
