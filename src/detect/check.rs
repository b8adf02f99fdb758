//! Running rules' `examples` and `counter_examples` through the real engine.
//!
//! Examples are checked with the full detector (keyword windows, entropy, filters, linking),
//! not the bare regex, so a window that is too small or a keyword that is missing fails here.

use std::sync::Arc;

use super::Detector;
use crate::rules::RuleSet;

/// One failed example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckFailure {
    pub rule_id: String,
    pub origin: String,
    pub message: String,
}

/// Result of checking a set of rules.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub rules_checked: usize,
    pub examples_checked: usize,
    pub failures: Vec<CheckFailure>,
}

fn short(text: &str) -> String {
    let one_line = text.replace('\n', "\\n");
    if one_line.chars().count() > 80 {
        format!("{}…", one_line.chars().take(80).collect::<String>())
    } else {
        one_line
    }
}

/// Checks the examples of the rules selected by `select` (by index), with every rule of
/// `rules` active, as in a real scan.
pub fn check_rules(
    rules: Arc<RuleSet>,
    select: impl Fn(usize) -> bool,
) -> anyhow::Result<CheckReport> {
    let detector = Detector::new(rules.clone())?;
    let mut scratch = detector.new_scratch();
    let mut report = CheckReport::default();
    for (i, rule) in rules.rules().iter().enumerate() {
        if !select(i) {
            continue;
        }
        report.rules_checked += 1;
        let fail = |message: String| CheckFailure {
            rule_id: rule.id.clone(),
            origin: rule.origin.clone(),
            message,
        };
        if rule.examples.is_empty() {
            report.failures.push(fail("has no examples".into()));
        }
        if rule.counter_examples.is_empty() {
            report.failures.push(fail("has no counter_examples".into()));
        }
        for ex in &rule.examples {
            report.examples_checked += 1;
            let path = ex.path.as_deref().unwrap_or("example");
            let found = detector.detect(ex.text.as_bytes(), path, &mut scratch);
            // A companion part (a key, a passphrase) is usually reported attached to its
            // secret's finding rather than on its own: either way counts.
            let as_part = found.iter().any(|f| {
                f.parts
                    .iter()
                    .any(|p| p.rule_id.as_deref() == Some(&rule.id) && p.value == ex.secret)
            });
            let mine: Vec<_> = found.iter().filter(|f| f.rule_id == rule.id).collect();
            let hit = mine.iter().find(|f| f.secret == ex.secret);
            if hit.is_none() && as_part && ex.parts.is_empty() {
                continue;
            }
            let Some(hit) = hit else {
                let got: Vec<String> = found
                    .iter()
                    .map(|f| format!("{} {:?}", f.rule_id, f.secret))
                    .collect();
                report.failures.push(fail(format!(
                    "example not found: {}\n      expected secret {:?}, got: [{}]",
                    short(&ex.text),
                    ex.secret,
                    got.join(", ")
                )));
                continue;
            };
            for (name, value) in &ex.parts {
                if !hit
                    .parts
                    .iter()
                    .any(|p| &p.name == name && &p.value == value)
                {
                    report.failures.push(fail(format!(
                        "example {}: part {name} = {value:?} not attached (parts: {:?})",
                        short(&ex.text),
                        hit.parts
                            .iter()
                            .map(|p| (&p.name, &p.value))
                            .collect::<Vec<_>>()
                    )));
                }
            }
        }
        for counter in &rule.counter_examples {
            report.examples_checked += 1;
            let text = counter.text();
            let path = counter.path().unwrap_or("counter-example");
            let found = detector.detect(text.as_bytes(), path, &mut scratch);
            let as_finding = found
                .iter()
                .find(|f| f.rule_id == rule.id)
                .map(|f| f.secret.clone());
            let as_part = found
                .iter()
                .flat_map(|f| &f.parts)
                .find(|p| p.rule_id.as_deref() == Some(&rule.id))
                .map(|p| p.value.clone());
            if let Some(secret) = as_finding.or(as_part) {
                report.failures.push(fail(format!(
                    "counter example matched: {}\n      secret {secret:?}",
                    short(text)
                )));
            }
        }
    }
    Ok(report)
}
