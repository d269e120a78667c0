//! Mutation test: change one figure of the sample at a time (a digit replaced
//! at each position, two adjacent digits swapped, 增加↔减少 and 增长↔下降
//! flipped), run the shipped pack, and count the mutants that produce a new
//! warning or error whose labels include the changed text. At least 95% must
//! be caught (issue 13's target). Survivors are listed; none is filtered out.

mod common;

use common::*;
use gouji::diagnostic::{Diagnostic, Outcome, Severity};
use gouji::document::{parse, FactKind};
use std::collections::HashSet;

struct Mutant {
    at: usize,
    from: String,
    to: String,
    what: String,
}

fn mutants(text: &str) -> Vec<Mutant> {
    let doc = parse(text);
    let mut out = Vec::new();
    for f in &doc.facts {
        let figure = matches!(
            f.kind,
            FactKind::Amount | FactKind::Percent | FactKind::Share | FactKind::Number
        );
        if figure {
            let s = f.span;
            let written = &text[s.range()];
            let digits: Vec<(usize, char)> = written
                .char_indices()
                .filter(|(_, c)| c.is_ascii_digit())
                .collect();
            for &(i, c) in &digits {
                let d = c.to_digit(10).unwrap();
                let to = char::from_digit((d + 5) % 10, 10).unwrap();
                out.push(Mutant {
                    at: s.start as usize + i,
                    from: c.to_string(),
                    to: to.to_string(),
                    what: format!("{} {written}: digit {} {c}→{to}", f.label, i),
                });
            }
            for w in digits.windows(2) {
                let ((i, a), (j, b)) = (w[0], w[1]);
                if j == i + 1 && a != b {
                    out.push(Mutant {
                        at: s.start as usize + i,
                        from: format!("{a}{b}"),
                        to: format!("{b}{a}"),
                        what: format!("{} {written}: swap {a}{b}", f.label),
                    });
                }
            }
        }
        if let Some(ch) = &f.change {
            let mut spans = vec![ch.direction_span];
            if let Some((_, s)) = ch.rate_direction {
                spans.push(s);
            }
            for s in spans {
                let word = &text[s.range()];
                let flipped = match word {
                    "增加" => "减少",
                    "减少" => "增加",
                    "增长" => "下降",
                    "下降" => "增长",
                    _ => continue,
                };
                out.push(Mutant {
                    at: s.start as usize,
                    from: word.to_owned(),
                    to: flipped.to_owned(),
                    what: format!("{}: {word}→{flipped}", f.label),
                });
            }
        }
    }
    out
}

fn key(d: &Diagnostic) -> (String, String, Vec<(u32, u32)>) {
    (
        d.code.clone(),
        d.message.clone(),
        d.labels
            .iter()
            .map(|l| (l.span.start, l.span.end))
            .collect(),
    )
}

#[test]
fn at_least_95_percent_of_mutants_are_caught() {
    let text = sample_text();
    let (_, base) = check_text(&text);
    let base: HashSet<_> = base.iter().map(key).collect();
    let ms = mutants(&text);
    let mut survivors = Vec::new();
    for m in &ms {
        let mut t = String::with_capacity(text.len());
        t.push_str(&text[..m.at]);
        t.push_str(&m.to);
        t.push_str(&text[m.at + m.from.len()..]);
        let (_, diags) = check_text(&t);
        let changed = (m.at as u32, (m.at + m.to.len()) as u32);
        let caught = diags.iter().any(|d| {
            d.outcome == Outcome::Finding
                && d.severity >= Severity::Warning
                && !base.contains(&key(d))
                && d.labels
                    .iter()
                    .any(|l| l.span.start <= changed.0 && changed.1 <= l.span.end)
        });
        if !caught {
            survivors.push(&m.what);
        }
    }
    let caught = ms.len() - survivors.len();
    let rate = caught as f64 / ms.len() as f64;
    println!(
        "mutants: {}, caught: {caught}, rate: {:.1}%",
        ms.len(),
        rate * 100.0
    );
    println!("survivors ({}):", survivors.len());
    for s in &survivors {
        println!("  {s}");
    }
    assert!(ms.len() > 300, "too few mutants: {}", ms.len());
    assert!(rate >= 0.95, "catch rate {:.1}% below 95%", rate * 100.0);
}
