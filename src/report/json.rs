//! JSON (one document) and JSON Lines (one finding per line) reports.
//!
//! Findings are flat objects, one per occurrence, so consumers stay simple; occurrences of one
//! secret share a `fingerprint`. History findings add `commit`, `author`, `email`, `date`,
//! `subject` and `in_head`.

use std::io::Write;

use serde::Serialize;

use super::{shown, ReportOptions};
use crate::findings::Finding;
use crate::scan::{ScanOutcome, ScanStats};
use crate::sources::Skipped;

/// Bumped only on incompatible changes of this format.
pub const JSON_FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonPart<'a> {
    name: &'a str,
    value: String,
    line: usize,
    column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_id: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    rule_name: &'a str,
    severity: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    secret: String,
    redacted: bool,
    parts: Vec<JsonPart<'a>>,
    snippet: String,
    fingerprint: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    in_head: Option<bool>,
    /// With `--verify`: status, reason, identity, permissions, risk and advice (no secret).
    #[serde(skip_serializing_if = "Option::is_none")]
    verification: Option<&'a crate::verify::Verification>,
}

fn json_finding(f: &Finding, opts: ReportOptions) -> JsonFinding<'_> {
    let s = shown(f, opts.show_secrets);
    let c = f.commit.as_ref();
    JsonFinding {
        rule_id: &f.rule_id,
        rule_name: &f.rule_name,
        severity: f.severity.as_str(),
        path: &f.path,
        line: f.line,
        column: f.column,
        end_line: f.end_line,
        end_column: f.end_column,
        secret: s.secret,
        redacted: !opts.show_secrets,
        parts: f
            .parts
            .iter()
            .zip(s.parts)
            .map(|(p, (_, value))| JsonPart {
                name: &p.name,
                value,
                line: p.line,
                column: p.column,
                rule_id: p.rule_id.as_deref(),
            })
            .collect(),
        snippet: s.line_text,
        fingerprint: &f.fingerprint,
        commit: c.map(|c| c.commit.as_str()),
        author: c.map(|c| c.author.as_str()),
        email: c.map(|c| c.email.as_str()),
        date: c.map(|c| c.date.as_str()),
        subject: c.map(|c| c.subject.as_str()),
        in_head: c.map(|c| c.in_head),
        verification: f.verification.as_ref(),
    }
}

#[derive(Serialize)]
struct JsonStats<'a> {
    #[serde(flatten)]
    scan: &'a ScanStats,
    findings: usize,
    unique_secrets: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    git: Option<&'a crate::sources::git::GitStats>,
    /// Findings dropped by each suppression mechanism (not included in `findings`).
    suppressed: &'a crate::suppress::SuppressedCounts,
    /// With `--report-unused-ignores`: ignore-file and baseline entries that matched nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    unused_ignores: Option<&'a [crate::suppress::UnusedIgnore]>,
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<JsonFinding<'a>>,
    skipped: &'a [Skipped],
    stats: JsonStats<'a>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

pub fn unique_secrets(findings: &[Finding]) -> usize {
    let mut fps: Vec<&str> = findings.iter().map(|f| f.fingerprint.as_str()).collect();
    fps.sort_unstable();
    fps.dedup();
    fps.len()
}

pub fn write_document(
    w: &mut dyn Write,
    outcome: &ScanOutcome,
    opts: ReportOptions,
) -> std::io::Result<()> {
    let doc = JsonDocument {
        version: JSON_FORMAT_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: outcome
            .findings
            .iter()
            .map(|f| json_finding(f, opts))
            .collect(),
        skipped: &outcome.skipped,
        stats: JsonStats {
            scan: &outcome.stats,
            findings: outcome.findings.len(),
            unique_secrets: unique_secrets(&outcome.findings),
            git: outcome.git_stats.as_ref(),
            suppressed: &outcome.suppressed,
            unused_ignores: outcome.unused_ignores.as_deref(),
        },
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}

/// One finding per line. Skipped files are not findings: they go to stderr as warnings.
pub fn write_lines(
    w: &mut dyn Write,
    outcome: &ScanOutcome,
    opts: ReportOptions,
) -> std::io::Result<()> {
    for f in &outcome.findings {
        serde_json::to_writer(&mut *w, &json_finding(f, opts))?;
        writeln!(w)?;
    }
    Ok(())
}
