//! Rendering a scan outcome: human text, JSON, JSON Lines and SARIF.
//!
//! Every format redacts secrets (the secret, its parts, and the matched line) unless the user
//! passed `--show-secrets`; redaction happens here, at the last step, so no earlier stage can
//! forget it.

mod gitleaks_json;
mod html;
pub mod json;
mod outcome;
mod output;
mod sarif;
mod text;

pub use outcome::ScanOutcome;
pub use output::{stdout, write_atomically, Output, PipeGuard, DEFAULT_WIDTH};
pub use text::summary;

use std::io::Write;

use crate::findings::redact::{redact, redact_in};
use crate::findings::Finding;
use crate::rules::RuleSet;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Jsonl,
    // SARIF 2.1.0 for GitHub code scanning: always redacted, even with `--show-secrets`.
    Sarif,
    // One self-contained HTML page: always redacted, even with `--show-secrets`.
    Html,
    // The JSON array gitleaks writes, for CI parsers written for gitleaks.
    GitleaksJson,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Text,
        Format::Json,
        Format::Jsonl,
        Format::Sarif,
        Format::Html,
        Format::GitleaksJson,
    ];

    /// The name `--format` and `format = "..."` use.
    pub const fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Sarif => "sarif",
            Format::Html => "html",
            Format::GitleaksJson => "gitleaks-json",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(name: &str) -> Result<Format, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!("unknown format {name:?} (expected {})", known.join(", "))
            })
    }
}

/// How to render.
#[derive(Debug, Clone, Copy)]
pub struct ReportOptions {
    pub show_secrets: bool,
    pub color: bool,
    /// Columns to wrap long text (the `fix:` advice) to.
    pub width: usize,
    /// No summary line (`--quiet`).
    pub quiet: bool,
}

/// Writes `outcome` in `format`.
pub fn write_report(
    w: &mut dyn Write,
    format: Format,
    outcome: &ScanOutcome,
    rules: &RuleSet,
    opts: ReportOptions,
) -> std::io::Result<()> {
    match format {
        Format::Text => text::write(w, outcome, rules, opts),
        Format::Json => json::write_document(w, outcome, opts),
        Format::Jsonl => json::write_lines(w, outcome, opts),
        Format::Sarif => sarif::write(w, outcome, rules),
        Format::Html => html::write(w, outcome, rules),
        Format::GitleaksJson => gitleaks_json::write(w, outcome, opts),
    }
}

/// A finding's secrets as shown: redacted unless `show_secrets`.
pub(crate) struct Shown {
    pub secret: String,
    pub parts: Vec<(String, String)>,
    pub line_text: String,
}

pub(crate) fn shown(f: &Finding, show_secrets: bool) -> Shown {
    if show_secrets {
        return Shown {
            secret: f.secret.clone(),
            parts: f
                .parts
                .iter()
                .map(|p| (p.name.clone(), p.value.clone()))
                .collect(),
            line_text: f.line_text.clone(),
        };
    }
    let secrets: Vec<&str> = f
        .secret_values()
        .chain(f.snippet_secrets.iter().map(String::as_str))
        .collect();
    Shown {
        secret: redact(&f.secret),
        parts: f
            .parts
            .iter()
            .map(|p| (p.name.clone(), redact(&p.value)))
            .collect(),
        line_text: redact_in(&f.line_text, &secrets),
    }
}
