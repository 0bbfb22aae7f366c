//! A picture → a part of it, with petgraph's algorithms on the undirected view of the graph
//! (a relation links its two entities whichever way it points): the neighbourhood of one entity
//! (Dijkstra with unit costs, i.e. breadth-first distances), the shortest path between two
//! (A*), and the most connected nodes when there are too many.

use std::collections::BTreeSet;

use petgraph::algo::{astar, dijkstra};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::UndirectedAdaptor;
use petgraph::Direction;

use super::{Edge, Node, Picture};
use crate::{Error, Result};

/// Which part of the graph to draw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Selection {
    /// Everything that passed the filters.
    #[default]
    All,
    /// The entities at most `depth` relations away from the one named `name`.
    Focus {
        /// Any label or alternative label (case-insensitive), or the IRI.
        name: String,
        /// How many relations away.
        depth: usize,
    },
    /// A shortest chain of relations between two entities.
    Path {
        /// One end, named as for [`Selection::Focus`].
        from: String,
        /// The other end.
        to: String,
    },
    /// These entities (by IRI) and the relations among them: a view chosen elsewhere (the page
    /// of `kgraph serve`), drawn as any other picture. IRIs the picture lacks are ignored.
    Entities(Vec<String>),
}

/// How many candidates an ambiguous or unknown name lists.
const LISTED: usize = 12;

impl Picture {
    /// The node named `name`: its IRI, or one of its labels, compared case-insensitively with
    /// spaces normalised. Several entities with that name, or none, is an error listing the
    /// candidates (for none: the entities whose labels contain the name).
    pub fn find(&self, name: &str) -> Result<NodeIndex> {
        let wanted = normalise(name);
        if wanted.is_empty() {
            return Err(Error::Invalid("an empty entity name".into()));
        }
        let named = |n: &Node| {
            n.iri == name.trim() || normalise(&n.label) == wanted || n.aliases.iter().any(|a| normalise(a) == wanted)
        };
        let found: Vec<NodeIndex> = self.graph.node_indices().filter(|&i| named(&self.graph[i])).collect();
        match found.as_slice() {
            [one] => Ok(*one),
            [] => {
                let near: Vec<NodeIndex> = self
                    .graph
                    .node_indices()
                    .filter(|&i| {
                        let n = &self.graph[i];
                        normalise(&n.label).contains(&wanted)
                            || n.aliases.iter().any(|a| normalise(a).contains(&wanted))
                    })
                    .collect();
                let hint = if near.is_empty() {
                    " (`kgraph query --file queries/entities.rq` lists the entities)".to_owned()
                } else {
                    format!("; names containing it: {}", self.describe(&near))
                };
                Err(Error::Invalid(format!("no entity named {name:?} in the graph drawn{hint}")))
            }
            many => Err(Error::Invalid(format!(
                "{name:?} names {} entities: {}; give a full label or the IRI",
                many.len(),
                self.describe(many)
            ))),
        }
    }

    /// `label (Class, <iri>)` for each node, the first few.
    fn describe(&self, nodes: &[NodeIndex]) -> String {
        let mut parts: Vec<String> = nodes
            .iter()
            .take(LISTED)
            .map(|&i| {
                let n = &self.graph[i];
                let class = n.class.as_ref().map(|c| format!("{}, ", c.local)).unwrap_or_default();
                format!("{} ({class}<{}>)", n.label, n.iri)
            })
            .collect();
        if nodes.len() > LISTED {
            parts.push(format!("and {} more", nodes.len() - LISTED));
        }
        parts.join("; ")
    }

    /// Applies a selection: the whole picture (without the entities that have neither a
    /// relation nor a fact to show), a neighbourhood or a path.
    pub fn select(self, selection: &Selection) -> Result<Picture> {
        match selection {
            Selection::All => {
                Ok(self.induced(|i, n| (degree(&self.graph, i) > 0 || !n.rows.is_empty()).then(|| n.clone())))
            }
            Selection::Focus { name, depth } => {
                let start = self.find(name)?;
                Ok(self.neighbourhood(start, *depth))
            }
            Selection::Entities(iris) => {
                let wanted: BTreeSet<&str> = iris.iter().map(String::as_str).collect();
                Ok(self.induced(|_, n| wanted.contains(n.iri.as_str()).then(|| n.clone())))
            }
            Selection::Path { from, to } => {
                let (a, b) = (self.find(from)?, self.find(to)?);
                self.shortest_path(a, b).ok_or_else(|| {
                    Error::Invalid(format!(
                        "no chain of relations links {:?} and {:?} in the graph drawn (try without filters)",
                        self.graph[a].label, self.graph[b].label
                    ))
                })
            }
        }
    }

    /// The entities at most `depth` relations from `start`, either way, with the relations
    /// between them; `start` is marked and every node knows its distance.
    pub fn neighbourhood(&self, start: NodeIndex, depth: usize) -> Picture {
        let distances = dijkstra(UndirectedAdaptor(&self.graph), start, None, |_| 1usize);
        self.induced(|i, n| {
            let d = *distances.get(&i)?;
            (d <= depth).then(|| Node { distance: Some(d), marked: i == start, ..n.clone() })
        })
    }

    /// A shortest chain of relations (either way) from `a` to `b`: its entities and the
    /// relations between them; both ends are marked. `None` when nothing links them.
    pub fn shortest_path(&self, a: NodeIndex, b: NodeIndex) -> Option<Picture> {
        let (_, path) = astar(UndirectedAdaptor(&self.graph), a, |n| n == b, |_| 1usize, |_| 0)?;
        let on_path: BTreeSet<NodeIndex> = path.iter().copied().collect();
        // On a shortest path only consecutive entities are related (a shortcut would be
        // shorter), so the relations among its entities are those along it.
        Some(self.induced(|i, n| on_path.contains(&i).then(|| Node { marked: i == a || i == b, ..n.clone() })))
    }

    /// Keeps at most `max` nodes (0: all): the marked ones, then the nearest to the focus,
    /// then the most connected (relations in either direction), then in label order.
    pub fn keep_most_connected(self, max: usize) -> Picture {
        let n = self.graph.node_count();
        if max == 0 || n <= max {
            return Picture { entities: n, left_out: 0, ..self };
        }
        let degree = |i: NodeIndex| degree(&self.graph, i);
        let mut ranked: Vec<NodeIndex> = self.graph.node_indices().collect();
        ranked.sort_by_key(|&i| {
            let node = &self.graph[i];
            (!node.marked, node.distance.unwrap_or(0), std::cmp::Reverse(degree(i)), i)
        });
        let kept: BTreeSet<NodeIndex> = ranked.into_iter().take(max).collect();
        let mut picture = self.induced(|i, n| kept.contains(&i).then(|| n.clone()));
        picture.entities = n;
        picture.left_out = n - max;
        picture
    }

    /// The subgraph of the nodes `node` keeps (and maybe changes) and the edges between them,
    /// in the same order.
    fn induced(&self, node: impl FnMut(NodeIndex, &Node) -> Option<Node>) -> Picture {
        let graph = self.graph.filter_map(node, |_, e| Some(e.clone()));
        let entities = graph.node_count();
        Picture { graph, title: self.title.clone(), entities, left_out: self.left_out }
    }
}

/// How many relations a node takes part in, either way.
fn degree(graph: &DiGraph<Node, Edge>, i: NodeIndex) -> usize {
    graph.edges_directed(i, Direction::Outgoing).count() + graph.edges_directed(i, Direction::Incoming).count()
}

/// Lower case, spaces collapsed, for comparing names.
fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;

    /// `a→b, c→a, b→c, b→d, d→e, e→f` and a detour `a→p→q→r→s→t→f`, plus `g→h` apart.
    const EDGES: [(&str, &str); 13] = [
        ("a", "b"),
        ("c", "a"),
        ("b", "c"),
        ("b", "d"),
        ("d", "e"),
        ("e", "f"),
        ("a", "p"),
        ("p", "q"),
        ("q", "r"),
        ("r", "s"),
        ("s", "t"),
        ("t", "f"),
        ("g", "h"),
    ];

    fn picture() -> Picture {
        let mut names: Vec<&str> = EDGES.iter().flat_map(|(a, b)| [*a, *b]).collect();
        names.sort_unstable();
        names.dedup();
        let mut graph = DiGraph::new();
        let index: Vec<NodeIndex> = names
            .iter()
            .map(|n| {
                let label = if *n == "c" { "Shared".to_owned() } else { format!("Node {n}") };
                let aliases = if *n == "d" { vec!["shared".to_owned()] } else { Vec::new() };
                graph.add_node(Node { iri: format!("http://ex.org/{n}"), label, aliases, ..Node::default() })
            })
            .collect();
        let at = |n: &str| index[names.iter().position(|m| *m == n).unwrap()];
        for (a, b) in EDGES {
            graph.add_edge(at(a), at(b), Edge { label: "r".into(), ..Edge::default() });
        }
        let entities = graph.node_count();
        Picture { graph, entities, ..Picture::default() }
    }

    fn names(p: &Picture) -> Vec<String> {
        let mut out: Vec<String> =
            p.graph.node_weights().map(|n| n.iri.trim_start_matches("http://ex.org/").to_owned()).collect();
        out.sort();
        out
    }

    /// A plain breadth-first search over the edge list, either direction.
    fn bfs(start: &str, depth: usize) -> Vec<String> {
        let mut seen = vec![(start.to_owned(), 0)];
        let mut queue = VecDeque::from([(start.to_owned(), 0)]);
        while let Some((n, d)) = queue.pop_front() {
            for (a, b) in EDGES {
                let next = if a == n {
                    b
                } else if b == n {
                    a
                } else {
                    continue;
                };
                if d < depth && !seen.iter().any(|(s, _)| s == next) {
                    seen.push((next.to_owned(), d + 1));
                    queue.push_back((next.to_owned(), d + 1));
                }
            }
        }
        let mut out: Vec<String> = seen.into_iter().map(|(s, _)| s).collect();
        out.sort();
        out
    }

    #[test]
    fn focus_gives_exactly_the_breadth_first_neighbourhood() {
        let p = picture();
        let a = p.find("node a").unwrap();
        assert_eq!(names(&p.neighbourhood(a, 0)), ["a"]);
        assert_eq!(names(&p.neighbourhood(a, 1)), ["a", "b", "c", "p"]);
        assert_eq!(names(&p.neighbourhood(a, 2)), ["a", "b", "c", "d", "p", "q"]);
        for start in ["a", "c", "f", "g", "t"] {
            let i = p.find(&format!("http://ex.org/{start}")).unwrap();
            for depth in 0..8 {
                assert_eq!(names(&p.neighbourhood(i, depth)), bfs(start, depth), "from {start}, depth {depth}");
            }
        }
        let around = p.neighbourhood(a, 1);
        assert_eq!(around.graph.edge_count(), 4, "a→b, c→a, b→c, a→p");
        let marked: Vec<_> = around.graph.node_weights().filter(|n| n.marked).map(|n| n.label.as_str()).collect();
        assert_eq!(marked, ["Node a"]);
        assert!(around.graph.node_weights().all(|n| n.distance.is_some_and(|d| d <= 1)));
    }

    #[test]
    fn path_is_a_shortest_chain_either_way() {
        let p = picture();
        let (a, f) = (p.find("Node a").unwrap(), p.find("node F").unwrap());
        let path = p.shortest_path(a, f).unwrap();
        assert_eq!(names(&path), ["a", "b", "d", "e", "f"]);
        assert_eq!(path.graph.edge_count(), 4);
        let back = p.shortest_path(f, a).unwrap();
        assert_eq!(names(&back), names(&path));
        assert!(p.shortest_path(a, p.find("Node g").unwrap()).is_none());
        assert_eq!(names(&p.shortest_path(a, a).unwrap()), ["a"]);
        let err = p.clone().select(&Selection::Path { from: "Node a".into(), to: "Node h".into() }).unwrap_err();
        assert!(err.to_string().contains("no chain of relations"), "{err}");
    }

    #[test]
    fn names_are_found_by_label_or_alias_and_ambiguity_lists_the_candidates() {
        let p = picture();
        assert_eq!(p.graph[p.find("  NODE   b ").unwrap()].label, "Node b");
        let err = p.find("shared").unwrap_err().to_string();
        assert!(
            err.contains("names 2 entities") && err.contains("<http://ex.org/c>") && err.contains("<http://ex.org/d>"),
            "{err}"
        );
        let err = p.find("node").unwrap_err().to_string();
        assert!(err.starts_with("no entity named \"node\"") && err.contains("Node a (<http://ex.org/a>)"), "{err}");
        assert!(p.find("").is_err());
    }

    #[test]
    fn most_connected_nodes_are_kept_and_the_rest_counted() {
        let p = picture();
        let kept = p.clone().keep_most_connected(3);
        // Degrees: a 3, b 3, f 2, c 2, d 2 … and ties in node order.
        assert_eq!(names(&kept), ["a", "b", "c"]);
        assert_eq!((kept.entities, kept.left_out), (p.graph.node_count(), p.graph.node_count() - 3));
        assert_eq!(p.clone().keep_most_connected(0).graph.node_count(), p.graph.node_count());
        // With a focus, the nearest come first, whatever their degree.
        let near = p.neighbourhood(p.find("Node f").unwrap(), 10).keep_most_connected(3);
        assert_eq!(names(&near), ["e", "f", "t"]);
    }
}
