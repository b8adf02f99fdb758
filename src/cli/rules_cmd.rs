//! `leakhound rules list` and `leakhound rules check`.

use std::collections::HashSet;
use std::io::Write;

use serde::Serialize;

use super::args::{ListFormat, RulesArgs, RulesCommand};
use super::{EXIT_CLEAN, EXIT_FINDINGS};
use crate::config::load_rules;
use crate::detect::check::check_rules;
use crate::rules::{load_path, Rule, RuleSet};

#[derive(Serialize)]
struct RuleInfo<'a> {
    id: &'a str,
    name: &'a str,
    description: &'a str,
    severity: &'a str,
    keywords: &'a [String],
    regex: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    entropy: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    part: Option<&'a str>,
    remediation: &'a str,
    references: &'a [String],
    tags: &'a [String],
    origin: &'a str,
    family: &'a str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file_kind: Option<&'a str>,
}

pub fn run(args: RulesArgs) -> anyhow::Result<u8> {
    match args.command {
        RulesCommand::List { format, rules } => {
            let set = load_rules(&rules.rules, rules.no_builtin_rules)?;
            list(&set, format)?;
            Ok(EXIT_CLEAN)
        }
        RulesCommand::Check {
            files,
            no_builtin_rules,
        } => check(&files, no_builtin_rules),
    }
}

fn list(set: &RuleSet, format: ListFormat) -> anyhow::Result<()> {
    // A reader that stops early (`| head`) ends the listing quietly.
    let mut out = crate::report::stdout();
    match format {
        ListFormat::Json => {
            let infos: Vec<RuleInfo> = set
                .rules()
                .iter()
                .map(|r| RuleInfo {
                    id: &r.id,
                    name: &r.name,
                    description: &r.description,
                    severity: r.severity.as_str(),
                    keywords: &r.keywords,
                    regex: r.pattern.source(),
                    entropy: r.entropy,
                    provider: r.provider.as_deref(),
                    part: r.part.as_deref(),
                    remediation: &r.remediation,
                    references: &r.references,
                    tags: &r.tags,
                    origin: &r.origin,
                    family: r.family(),
                    kind: r.kind(),
                    file_kind: r.file_kind.as_deref(),
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &infos)?;
            writeln!(out)?;
        }
        ListFormat::Text => {
            // Grouped by provider family, families in name order, rules in file order.
            let mut families: Vec<(&str, Vec<&Rule>)> = Vec::new();
            for r in set.rules() {
                match families.iter_mut().find(|(f, _)| *f == r.family()) {
                    Some((_, rules)) => rules.push(r),
                    None => families.push((r.family(), vec![r])),
                }
            }
            families.sort_by_key(|(f, _)| *f);
            let width = set.rules().iter().map(|r| r.id.len()).max().unwrap_or(0);
            for (name, rules) in &families {
                writeln!(out, "{name} ({})", rules.len())?;
                for r in rules {
                    writeln!(
                        out,
                        "  {:<width$}  {:<8}  {:<15}  {}",
                        r.id,
                        r.severity.as_str(),
                        r.kind(),
                        r.name
                    )?;
                }
            }
            writeln!(
                out,
                "{} rules in {} provider families",
                set.len(),
                families.len()
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

fn check(files: &[std::path::PathBuf], no_builtin: bool) -> anyhow::Result<u8> {
    // The files under check replace builtin rules with the same id, so a builtin rule file
    // being edited can be checked in place (`leakhound rules check rules/aws.toml`).
    let mut user_rules = Vec::new();
    for f in files {
        user_rules.extend(load_path(f)?);
    }
    let user_ids: HashSet<String> = user_rules.iter().map(|r| r.id.clone()).collect();
    let mut set = if no_builtin {
        RuleSet::default()
    } else {
        RuleSet::builtin()?
    };
    set.remove_ids(&user_ids);
    set.extend(user_rules)?;
    let set = std::sync::Arc::new(set);
    let only_user = !files.is_empty();
    let selected = |i: usize| !only_user || user_ids.contains(&set.rules()[i].id);
    let report = check_rules(set.clone(), selected)?;
    let mut out = crate::report::stdout();
    for f in &report.failures {
        writeln!(out, "FAIL {} ({}): {}", f.rule_id, f.origin, f.message)?;
    }
    writeln!(
        out,
        "{} rules, {} examples checked, {} failure{}",
        report.rules_checked,
        report.examples_checked,
        report.failures.len(),
        if report.failures.len() == 1 { "" } else { "s" }
    )?;
    out.flush()?;
    Ok(if report.failures.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}
