//! The fact layer is a function of the documents in the store: however documents were added,
//! rebuilt (in a new version), removed and added again, in whatever order, the default graph
//! (facts once, entities) and the summary graph (documents and best confidence per fact,
//! documents per entity) equal those of a fresh build of the documents the store holds; and
//! shards extracted apart, loaded in any order, then summarised, equal one build.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use kgraph::document::{read::ReadOptions, Document};
use kgraph::drive::{self, BuildOptions, Loader, ShardFormat};
use kgraph::extract::LexiconBuilder;
use kgraph::graph::Vocab;
use kgraph::pipeline::{Pipeline, PipelineBuilder, Processed};
use kgraph::store::{DocumentQuads, KgStore};
use oxigraph::io::RdfFormat;
use oxigraph::model::{GraphName, Quad};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| {
        let lexicon = Arc::new(LexiconBuilder::new().dir(root().join("ontology")).build().unwrap());
        PipelineBuilder::default().build(lexicon)
    })
}

/// The seeds, processed, and a second version of each (its first half), as a rebuilt article.
fn documents() -> &'static (Vec<Processed>, Vec<Processed>) {
    static DOCS: OnceLock<(Vec<Processed>, Vec<Processed>)> = OnceLock::new();
    DOCS.get_or_init(|| {
        let mut first = Vec::new();
        let mut second = Vec::new();
        kgraph::document::read_paths(&[root().join("seeds")], &ReadOptions::default(), |d| {
            let d: Document = d.unwrap();
            let mut half = d.clone();
            let mut cut = half.text.len() / 2;
            while !half.text.is_char_boundary(cut) {
                cut += 1;
            }
            half.text.truncate(cut);
            first.push(pipeline().process(d));
            second.push(pipeline().process(half));
        });
        assert_eq!(first.len(), 5);
        (first, second)
    })
}

fn write(kg: &KgStore, docs: &[&Processed]) {
    let quads: Vec<DocumentQuads<'_>> =
        docs.iter().map(|p| DocumentQuads { graph: p.graph.as_ref(), quads: &p.quads, facts: &p.facts }).collect();
    kg.write_documents(&Vocab::default(), &quads).unwrap();
}

/// Every quad of the store but the ontology's, sorted.
fn dump(kg: &KgStore) -> Vec<String> {
    let ontology = GraphName::NamedNode(Vocab::default().ontology_graph());
    let mut lines: Vec<String> =
        kg.store().iter().map(|q| q.unwrap()).filter(|q| q.graph_name != ontology).map(|q| q.to_string()).collect();
    lines.sort();
    lines
}

/// The store a fresh build of `docs` gives, dumped.
fn fresh(docs: &[&Processed]) -> Vec<String> {
    let kg = KgStore::memory().unwrap();
    write(&kg, docs);
    dump(&kg)
}

/// Where two dumps differ, for a readable failure.
fn differ(got: &[String], want: &[String]) -> String {
    let (g, w): (BTreeSet<&String>, BTreeSet<&String>) = (got.iter().collect(), want.iter().collect());
    let extra: Vec<_> = g.difference(&w).take(6).collect();
    let missing: Vec<_> = w.difference(&g).take(6).collect();
    format!("extra {extra:#?}\nmissing {missing:#?}")
}

/// Every order of `0..n` (Heap's algorithm).
fn orders(n: usize) -> Vec<Vec<usize>> {
    fn heap(k: usize, a: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if k <= 1 {
            out.push(a.clone());
            return;
        }
        for i in 0..k {
            heap(k - 1, a, out);
            let j = if k % 2 == 0 { i } else { 0 };
            a.swap(j, k - 1);
        }
    }
    let mut out = Vec::new();
    heap(n, &mut (0..n).collect(), &mut out);
    out
}

#[test]
fn the_seeds_share_facts_and_entities_so_the_test_means_something() {
    let (first, _) = documents();
    let all: Vec<&Processed> = first.iter().collect();
    let kg = KgStore::memory().unwrap();
    write(&kg, &all);
    let counts: Vec<u64> = kg
        .store()
        .quads_for_pattern(None, Some(Vocab::default().term("documents").as_ref()), None, None)
        .map(|q| match q.unwrap().object {
            oxigraph::model::Term::Literal(l) => l.value().parse().unwrap(),
            _ => 0,
        })
        .collect();
    assert!(counts.iter().any(|&n| n == 5), "an entity every seed mentions");
    assert!(counts.iter().filter(|&&n| n >= 2).count() > 20, "facts and entities several seeds share");
    // A fact once in the default graph, though several documents state it.
    let facts = kg.store().quads_for_pattern(None, None, None, Some(oxigraph::model::GraphNameRef::DefaultGraph)).count();
    let stated: usize = first.iter().map(|p| p.facts.len()).sum();
    assert!(facts < stated, "{facts} default-graph quads of {stated} contributed");
}

#[test]
fn removing_documents_in_every_order_leaves_what_a_build_of_the_rest_gives() {
    let (first, _) = documents();
    let all: Vec<&Processed> = first.iter().collect();
    let vocab = Vocab::default();
    // Fresh builds of every subset, computed once.
    let mut expected = std::collections::HashMap::new();
    for order in orders(5) {
        let kg = KgStore::memory().unwrap();
        write(&kg, &all);
        let mut left: BTreeSet<usize> = (0..5).collect();
        for &i in &order {
            assert!(kg.remove_document(&vocab, first[i].graph.as_ref()).unwrap());
            left.remove(&i);
            let want = expected
                .entry(left.clone())
                .or_insert_with(|| fresh(&left.iter().map(|&j| &first[j]).collect::<Vec<_>>()));
            let got = dump(&kg);
            assert!(got == *want, "after removing {:?} of order {order:?}:\n{}", &first[i].document.id, differ(&got, want));
        }
        assert!(dump(&kg).is_empty(), "nothing left once every document is removed");
        assert!(!kg.remove_document(&vocab, first[0].graph.as_ref()).unwrap(), "removing twice");
    }
}

#[test]
fn rebuilding_documents_in_every_order_gives_what_a_build_of_the_new_versions_gives() {
    let (first, second) = documents();
    for order in orders(5) {
        // All old versions, then the new version of each in turn, one batch at a time, with
        // the old version added back (a document edited twice) midway.
        let kg = KgStore::memory().unwrap();
        write(&kg, &first.iter().collect::<Vec<_>>());
        let mut versions: Vec<&Processed> = first.iter().collect();
        for (step, &i) in order.iter().enumerate() {
            versions[i] = &second[i];
            write(&kg, &[&second[i]]);
            if step == 2 {
                write(&kg, &[&first[i]]);
                write(&kg, &[&second[i]]);
            }
            let want = fresh(&versions);
            let got = dump(&kg);
            assert!(got == want, "after rebuilding {} in order {order:?}:\n{}", first[i].document.id, differ(&got, &want));
        }
    }
    // A batch mixing new and rebuilt documents: the rebuilt ones first, then the new ones counted.
    let kg = KgStore::memory().unwrap();
    write(&kg, &[&first[0], &first[1]]);
    write(&kg, &[&second[1], &first[2], &second[0], &first[3]]);
    let want = fresh(&[&second[0], &second[1], &first[2], &first[3]]);
    assert!(dump(&kg) == want, "mixed batch:\n{}", differ(&dump(&kg), &want));
}

#[test]
fn shards_loaded_in_any_order_then_summarised_equal_a_build() {
    let shards: [&[&str]; 3] = [
        &["000_50ffc8f5c8e6c513.txt", "003_c25b14c491317db0.txt"],
        &["001_642f5aabe30b88a5.txt"],
        &["002_a7c63364241f8153.txt", "004_ad6ce7c496025d67.txt"],
    ];
    let vocab = Vocab::default();
    let outputs: Vec<Vec<u8>> = shards
        .iter()
        .map(|files| {
            let paths: Vec<_> = files.iter().map(|f| root().join("seeds").join(f)).collect();
            let mut out = Vec::new();
            drive::extract(pipeline(), &paths, &BuildOptions::default(), ShardFormat::NQuads, &[], &mut out, |_| {})
                .unwrap();
            out
        })
        .collect();
    let built = {
        let kg = KgStore::memory().unwrap();
        drive::build(&kg, pipeline(), &[root().join("seeds")], &BuildOptions::default(), |_| {}).unwrap();
        dump(&kg)
    };
    for order in orders(3) {
        let kg = KgStore::memory().unwrap();
        let mut loader = Loader::new(&kg, &vocab);
        for &i in &order {
            loader.load(&outputs[i][..], RdfFormat::NQuads, "shard").unwrap();
        }
        loader.finish().unwrap();
        let got = dump(&kg);
        assert!(got == built, "shards in order {order:?}:\n{}", differ(&got, &built));
        // Loading a shard again, and summarising again, changes nothing.
        drive::load(&kg, &vocab, &outputs[order[0]][..], RdfFormat::NQuads, "again").unwrap();
        kg.summarise(&vocab).unwrap();
        assert!(dump(&kg) == built, "a shard loaded twice");
    }
    // Without the summary step, the union is the build but for its summary graph.
    let kg = KgStore::memory().unwrap();
    for out in &outputs {
        kg.store().load_from_slice(RdfFormat::NQuads, &out[..]).unwrap();
    }
    // The summary graphs: <BASE summary> and <BASE summary/PREDICATE>.
    let summary = |l: &&String| {
        let graph = l.rsplit_once(' ').map_or("", |(_, g)| g).trim_matches(['<', '>']);
        vocab.is_summary_graph(graph)
    };
    let unsummarised: Vec<String> = built.iter().filter(|l| !summary(l)).cloned().collect();
    assert!(dump(&kg) == unsummarised, "plain union:\n{}", differ(&dump(&kg), &unsummarised));
    kg.summarise(&vocab).unwrap();
    assert!(dump(&kg) == built, "plain union, then summarised");
}

#[test]
fn quads_of_a_document_are_in_its_graph_and_facts_in_the_default_graph() {
    let (first, _) = documents();
    for p in first {
        assert!(p.quads.iter().all(|q: &Quad| q.graph_name == GraphName::NamedNode(p.graph.clone())));
        assert!(p.facts.iter().all(|q| q.graph_name.is_default_graph()));
        p.check_invariants().unwrap();
    }
}
