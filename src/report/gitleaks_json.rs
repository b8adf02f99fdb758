//! `--format gitleaks-json`: findings in the JSON shape gitleaks writes (`--report-format
//! json`), so CI jobs that parse gitleaks reports keep working after the move. Secrets and
//! matches are redacted unless `--show-secrets`, as in every other format.
//!
//! `RuleID` is leakhound's rule id; `Fingerprint` follows gitleaks' form
//! (`commit:file:rule:line`, or `file:rule:line` for files), so it can go into a
//! `.gitleaksignore`, which leakhound honours.
//!
//! gitleaks has no field for a secret found in a commit or tag message: such a finding keeps
//! its pseudo path in `File` (`<short id> (commit message)`, `refs/tags/NAME (tag message)`),
//! the message line and column, the commit (or tag object) in `Commit`, and its location kind
//! as the one entry of `Tags` (`commit-message`, `tag-message`). `Message` is the commit
//! subject, with every secret found in the commit's message redacted.

use std::io::Write;

use serde::Serialize;

use super::{shown, ReportOptions, ScanOutcome};
use crate::detect::entropy::shannon;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GitleaksFinding<'a> {
    #[serde(rename = "RuleID")]
    rule_id: &'a str,
    description: &'a str,
    start_line: usize,
    end_line: usize,
    start_column: usize,
    end_column: usize,
    #[serde(rename = "Match")]
    matched: String,
    secret: String,
    file: &'a str,
    symlink_file: &'a str,
    commit: &'a str,
    link: &'a str,
    entropy: f64,
    author: &'a str,
    email: &'a str,
    date: &'a str,
    message: String,
    tags: Vec<&'a str>,
    fingerprint: String,
}

/// gitleaks' fingerprint of a finding: `commit:file:rule:line`, or `file:rule:line`.
pub fn gitleaks_fingerprint(commit: Option<&str>, file: &str, rule: &str, line: usize) -> String {
    match commit {
        Some(c) => format!("{c}:{file}:{rule}:{line}"),
        None => format!("{file}:{rule}:{line}"),
    }
}

pub fn write(w: &mut dyn Write, outcome: &ScanOutcome, opts: ReportOptions) -> std::io::Result<()> {
    let findings: Vec<GitleaksFinding> = outcome
        .findings
        .iter()
        .map(|f| {
            let s = shown(f, opts.show_secrets);
            let c = f.commit.as_ref();
            let entropy = (shannon(f.secret.as_bytes()) * 1e4).round() / 1e4;
            GitleaksFinding {
                rule_id: &f.rule_id,
                description: &f.rule_name,
                start_line: f.line,
                end_line: f.end_line,
                start_column: f.column,
                end_column: f.end_column,
                matched: s.line_text.trim().to_string(),
                secret: s.secret,
                file: &f.path,
                symlink_file: "",
                commit: c.map_or("", |c| c.commit.as_str()),
                link: "",
                entropy,
                author: c.map_or("", |c| c.author.as_str()),
                email: c.map_or("", |c| c.email.as_str()),
                date: c.map_or("", |c| c.date.as_str()),
                message: f.shown_subject(opts.show_secrets).unwrap_or_default(),
                tags: f.location().map(|l| vec![l.as_str()]).unwrap_or_default(),
                fingerprint: gitleaks_fingerprint(
                    c.map(|c| c.commit.as_str()),
                    &f.path,
                    &f.rule_id,
                    f.line,
                ),
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *w, &findings)?;
    writeln!(w)
}
