//! Sentences' facts → the `--explain` trace: per sentence, its mentions and their readings,
//! its verb groups with their arguments, its reported speaker, and the statements made with
//! the rule or frame that made each.

use super::analysis::{Filler, SentenceFacts};
use super::frames;

/// Writes the trace of `facts` (sentences of a document whose text is `text`) to `w`.
/// Write errors are ignored: the trace is for reading, never for the data.
pub fn write(w: &mut dyn std::io::Write, text: &str, facts: &[SentenceFacts], lexicon: &super::Lexicon) {
    for s in facts {
        let a = &s.analysis;
        let _ = writeln!(w, "\n[{}..{}] {}", a.sentence.start, a.sentence.end, &text[a.sentence.clone()]);
        for m in &a.mentions {
            let what = match (&m.value, m.alts.first(), m.unknown_name) {
                (Some(v), _, _) => format!("value {v:?}"),
                (_, Some(_), _) => m.alts.iter().map(|r| format!("{} {:?} <{}>", r.class.name(), r.label, r.key)).collect::<Vec<_>>().join(" | "),
                (_, None, true) => "unknown name".into(),
                _ => "?".into(),
            };
            let _ = writeln!(w, "  mention {:?} → {what}", &text[m.span.clone()]);
        }
        for line in frames::explain(a, text, &lexicon.language) {
            let _ = writeln!(w, "  {line}");
        }
        if let Some(r) = &s.speaker {
            let _ = writeln!(w, "  speaker → {}", r.label);
        }
        for f in &s.found {
            let o = match &f.object {
                Filler::Entity(r) => r.label.to_string(),
                Filler::Value(v) => format!("{v:?}"),
            };
            let _ = writeln!(w, "  {} {} {}   [{} {:.2}]", f.subject.label, f.predicate, o, f.rule, f.confidence);
        }
    }
}
