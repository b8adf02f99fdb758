//! JSON (one document) and JSON Lines (one finding per line) reports, written and read back.
//!
//! Findings are flat objects, one per occurrence, so consumers stay simple; occurrences of one
//! secret share a `fingerprint`. History findings add `commit`, `author`, `email`, `date`,
//! `subject` (with the secrets found in the commit's message redacted) and `in_head`, and
//! `location` when the secret is in a commit or tag message rather than a file. [`JsonFinding`] is the one definition of a record: the writers
//! below serialize it, and [`read_report`] (used by `leakhound verify REPORT`) deserializes it.

use std::io::Write;

use anyhow::bail;
use serde::{Deserialize, Serialize};

use super::{shown, ReportOptions, ScanOutcome};
use crate::findings::fingerprint::fingerprint;
use crate::findings::verification::Verification;
use crate::findings::{link_message_secrets, CommitInfo, Finding, Location, Part};
use crate::sources::git::GitStats;
use crate::sources::{ScanStats, Skipped};
use crate::suppress::{SuppressedCounts, UnusedIgnore};

/// Bumped only on incompatible changes of this format.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// A part of a multi-part credential, as reported.
#[derive(Debug, Serialize, Deserialize)]
pub struct JsonPart {
    pub name: String,
    pub value: String,
    #[serde(default)]
    pub line: usize,
    #[serde(default)]
    pub column: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
}

/// One finding (one occurrence of a secret), as reported.
#[derive(Debug, Serialize, Deserialize)]
pub struct JsonFinding {
    pub rule_id: String,
    #[serde(default)]
    pub rule_name: String,
    pub severity: String,
    #[serde(default)]
    pub path: String,
    /// The path's bytes in hex, when the file name is not UTF-8 (`path` then writes each
    /// byte that is not as `\xNN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_bytes: Option<String>,
    #[serde(default)]
    pub line: usize,
    #[serde(default)]
    pub column: usize,
    #[serde(default)]
    pub end_line: usize,
    #[serde(default)]
    pub end_column: usize,
    pub secret: String,
    #[serde(default)]
    pub redacted: bool,
    #[serde(default)]
    pub parts: Vec<JsonPart>,
    #[serde(default)]
    pub snippet: String,
    #[serde(default)]
    pub fingerprint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoded: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_head: Option<bool>,
    /// `commit-message` or `tag-message` when the secret is in a message, not a file; absent
    /// for file content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// With `--verify`: status, reason, identity, permissions, risk and advice (no secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
}

impl JsonFinding {
    /// A finding as reported: its secrets redacted unless `opts.show_secrets`.
    pub fn new(f: &Finding, opts: ReportOptions) -> JsonFinding {
        let s = shown(f, opts.show_secrets);
        let c = f.commit.as_ref();
        JsonFinding {
            rule_id: f.rule_id.clone(),
            rule_name: f.rule_name.clone(),
            severity: f.severity.as_str().to_string(),
            path: f.path.clone(),
            path_bytes: crate::sources::fs::path_bytes(&f.path).map(|b| crate::encoding::hex(&b)),
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
                    name: p.name.clone(),
                    value,
                    line: p.line,
                    column: p.column,
                    rule_id: p.rule_id.clone(),
                })
                .collect(),
            snippet: s.line_text,
            fingerprint: f.fingerprint.clone(),
            file_kind: f.file_kind.clone(),
            decoded: f.decoded.clone(),
            commit: c.map(|c| c.commit.clone()),
            author: c.map(|c| c.author.clone()),
            email: c.map(|c| c.email.clone()),
            date: c.map(|c| c.date.clone()),
            subject: f.shown_subject(opts.show_secrets),
            in_head: c.map(|c| c.in_head),
            location: f.location(),
            verification: f.verification.clone(),
        }
    }

    /// Back to a [`Finding`] (for `leakhound verify REPORT`).
    pub fn into_finding(self) -> anyhow::Result<Finding> {
        let severity = self
            .severity
            .parse()
            .map_err(|e: String| anyhow::anyhow!("finding {}: {e}", self.rule_id))?;
        let fingerprint = if self.fingerprint.is_empty() {
            fingerprint(&self.rule_id, self.secret.as_bytes())
        } else {
            self.fingerprint
        };
        let commit = self.commit.map(|commit| CommitInfo {
            commit,
            author: self.author.unwrap_or_default(),
            email: self.email.unwrap_or_default(),
            date: self.date.unwrap_or_default(),
            subject: self.subject.unwrap_or_default(),
            in_head: self.in_head.unwrap_or(false),
            location: self.location,
            message_secrets: Vec::new(),
        });
        Ok(Finding {
            rule_id: self.rule_id,
            rule_name: self.rule_name,
            severity,
            path: self.path,
            line: self.line,
            column: self.column,
            end_line: self.end_line.max(self.line),
            end_column: self.end_column,
            secret: self.secret,
            parts: self
                .parts
                .into_iter()
                .map(|p| Part {
                    name: p.name,
                    value: p.value,
                    line: p.line,
                    column: p.column,
                    rule_id: p.rule_id,
                })
                .collect(),
            line_text: self.snippet,
            snippet_secrets: Vec::new(),
            fingerprint,
            commit,
            file_kind: self.file_kind,
            decoded: self.decoded,
            allowed_inline: None,
            verification: None,
        })
    }

    fn is_redacted(&self) -> bool {
        self.redacted
            || self.secret.ends_with('…')
            || self.parts.iter().any(|p| p.value.ends_with('…'))
    }
}

/// The `stats` object. What the reader does not need is written only.
#[derive(Debug, Serialize, Deserialize)]
pub struct JsonStats {
    #[serde(flatten)]
    pub scan: ScanStats,
    #[serde(default)]
    pub findings: usize,
    #[serde(default)]
    pub unique_secrets: usize,
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub git: Option<GitStats>,
    /// Findings dropped by each suppression mechanism (not included in `findings`).
    #[serde(skip_deserializing)]
    pub suppressed: SuppressedCounts,
    /// With `--report-unused-ignores`: ignore-file and baseline entries that matched nothing.
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub unused_ignores: Option<Vec<UnusedIgnore>>,
}

/// The whole `--format json` document.
#[derive(Debug, Serialize, Deserialize)]
pub struct JsonDocument {
    #[serde(default)]
    pub version: u32,
    #[serde(default)]
    pub tool: Tool,
    pub findings: Vec<JsonFinding>,
    #[serde(skip_deserializing)]
    pub skipped: Vec<Skipped>,
    #[serde(default)]
    pub stats: Option<JsonStats>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
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
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        findings: outcome
            .findings
            .iter()
            .map(|f| JsonFinding::new(f, opts))
            .collect(),
        skipped: outcome.skipped.clone(),
        stats: Some(JsonStats {
            scan: outcome.stats.clone(),
            findings: outcome.findings.len(),
            unique_secrets: unique_secrets(&outcome.findings),
            git: outcome.git_stats.clone(),
            suppressed: outcome.suppressed,
            unused_ignores: outcome.unused_ignores.clone(),
        }),
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
        serde_json::to_writer(&mut *w, &JsonFinding::new(f, opts))?;
        writeln!(w)?;
    }
    Ok(())
}

/// Findings (and scan counts) from a JSON document or JSON Lines report. Refuses redacted
/// reports: a redacted secret cannot be verified.
pub fn read_report(text: &str) -> anyhow::Result<(Vec<Finding>, ScanStats)> {
    let (raw, stats) = match serde_json::from_str::<JsonDocument>(text) {
        Ok(doc) => (doc.findings, doc.stats.map(|s| s.scan).unwrap_or_default()),
        Err(doc_err) => {
            let mut findings = Vec::new();
            for (n, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                let f = serde_json::from_str::<JsonFinding>(line).map_err(|e| {
                    anyhow::anyhow!(
                        "neither a JSON report ({doc_err}) nor JSON Lines (line {}: {e})",
                        n + 1
                    )
                })?;
                findings.push(f);
            }
            (findings, ScanStats::default())
        }
    };
    let redacted = raw.iter().filter(|f| f.is_redacted()).count();
    if redacted > 0 {
        bail!(
            "{redacted} of its {} findings have redacted secrets, and a redacted secret cannot be verified. \
             Write the report with `--format json --show-secrets` (and keep that file private), \
             or scan with --verify directly",
            raw.len()
        );
    }
    let mut findings = raw
        .into_iter()
        .map(JsonFinding::into_finding)
        .collect::<anyhow::Result<Vec<_>>>()?;
    link_message_secrets(&mut findings);
    Ok((findings, stats))
}
