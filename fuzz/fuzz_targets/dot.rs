//! The DOT writer on arbitrary pictures: names, classes, rows, edge labels and document titles
//! made of any text (quotes, backslashes, newlines, `<>&`, control characters, any Unicode).
//! It must not panic, and what it writes must be UTF-8 whose quoted strings and HTML-like
//! labels are closed (the checks Graphviz would otherwise fail on).
#![no_main]

use kgraph::output::dot::{write_dot, DocRef, DotStyle, Edge, Layout, Node, Picture, Row};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&shape, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    // Pieces of text separated by U+001E feed the labels one after the other.
    let mut pieces = text.split('\u{1e}').map(str::to_owned);
    let mut next = || pieces.next().unwrap_or_default();
    let mut picture = Picture { title: next(), ..Picture::default() };
    let nodes = usize::from(shape % 7) + 1;
    for i in 0..nodes {
        let node = Node {
            iri: format!("https://w3id.org/kgraph/entity/x/{i}"),
            label: next(),
            aliases: vec![next()],
            class: None,
            rows: vec![Row { label: next(), value: next(), documents: i }],
            marked: i == 0,
            distance: Some(i),
        };
        picture.graph.add_node(node);
    }
    picture.entities = nodes;
    for i in 0..nodes {
        let to = (i * 3 + usize::from(shape)) % nodes;
        let edge = Edge {
            predicate: format!("https://w3id.org/kgraph/ontology#{}", next()),
            label: next(),
            symmetric: shape & 0x40 != 0,
            documents: vec![DocRef { id: next(), title: Some(next()) }],
        };
        picture.graph.add_edge(petgraph::graph::NodeIndex::new(i), petgraph::graph::NodeIndex::new(to), edge);
    }
    let layout = match shape >> 6 {
        0 => Layout::Auto,
        1 => Layout::Dot,
        2 => Layout::Sfdp,
        _ => Layout::Neato,
    };
    let style = DotStyle { layout, evidence: shape & 0x20 != 0, legend: shape & 0x10 != 0 };
    let mut out = Vec::new();
    write_dot(&picture, &style, &mut out).expect("writing to memory cannot fail");
    let dot = String::from_utf8(out).expect("DOT is UTF-8");
    // Every double-quoted string is closed: outside HTML labels, unescaped quotes pair up.
    let mut quoted = false;
    let mut escaped = false;
    let mut html_depth = 0usize;
    for c in dot.chars() {
        if quoted {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => quoted = false,
                _ => {}
            }
        } else if html_depth > 0 {
            match c {
                '<' => html_depth += 1,
                '>' => html_depth -= 1,
                _ => {}
            }
        } else {
            match c {
                '"' => quoted = true,
                '<' => html_depth = 1,
                _ => {}
            }
        }
    }
    assert!(!quoted && html_depth == 0, "an unclosed string or HTML label:\n{dot}");
});
