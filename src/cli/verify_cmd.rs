//! Verification on the command line: the `--verify` stage every scan passes through
//! ([`stage`], called by `pipeline::finish`), and `leakhound verify REPORT.json`, which verifies
//! the findings of an earlier JSON report (so CI can scan offline and verify separately).

use std::io::Write as _;
use std::time::Duration;

use anyhow::{bail, Context};
use serde::Deserialize;

use super::args::{ReportArgs, SuppressArgs, VerifyArgs, VerifyCmdArgs};
use super::load_rules;
use super::pipeline::finish;
use crate::findings::fingerprint::fingerprint;
use crate::findings::{CommitInfo, Finding, Part};
use crate::rules::RuleSet;
use crate::scan::{ScanOutcome, ScanStats};
use crate::suppress::Suppressor;
use crate::verify::{verify_findings, Client, VerifyOptions};

/// The verification stage: nothing at all unless `--verify` or `--verify-dry-run`.
/// `--only-live` then keeps only live findings in the report (the caller counts findings for
/// the exit code before this runs).
pub(crate) fn stage(
    args: &VerifyArgs,
    outcome: &mut ScanOutcome,
    rules: &RuleSet,
) -> anyhow::Result<()> {
    if args.only_live && (!args.verify || args.verify_dry_run) {
        bail!("--only-live needs --verify (and sends requests, so not with --verify-dry-run)");
    }
    if args.verify_canaries && !args.verify && !args.verify_dry_run {
        bail!("--verify-canaries needs --verify or --verify-dry-run");
    }
    if !args.verify && !args.verify_dry_run {
        return Ok(());
    }
    // A refused base-URL override is an error before anything is planned or sent.
    let client = Client::from_env()?;
    if outcome.findings.is_empty() {
        return Ok(());
    }
    let opts = VerifyOptions {
        dry_run: args.verify_dry_run,
        allow_canaries: args.verify_canaries,
    };
    let mut log = std::io::stderr().lock();
    if !opts.dry_run {
        writeln!(
            log,
            "leakhound: verifying {} finding{} with their providers (read-only requests; see --verify-dry-run)",
            outcome.findings.len(),
            if outcome.findings.len() == 1 { "" } else { "s" }
        )?;
    }
    let summary = verify_findings(&mut outcome.findings, rules, opts, &client, &mut log)?;
    if !opts.dry_run {
        writeln!(log, "leakhound: {summary}")?;
    }
    if args.only_live {
        outcome
            .findings
            .retain(|f| f.verification.as_ref().is_some_and(|v| v.is_live()));
    }
    Ok(())
}

/// `leakhound verify REPORT.json`.
pub fn run(args: VerifyCmdArgs) -> anyhow::Result<u8> {
    let text = std::fs::read_to_string(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let (findings, stats) = parse_report(&text)
        .with_context(|| format!("{} is not a usable leakhound report", args.input.display()))?;
    let rules = load_rules(&[], false)?;
    let report = ReportArgs {
        out: args.out,
        no_progress: true,
        suppress: SuppressArgs::default(),
        verify: VerifyArgs {
            verify: !args.verify_dry_run,
            verify_dry_run: args.verify_dry_run,
            only_live: args.only_live,
            verify_canaries: args.verify_canaries,
        },
    };
    let outcome = ScanOutcome {
        findings,
        stats,
        ..ScanOutcome::default()
    };
    // The report was suppressed when it was written; nothing is suppressed again.
    finish(&report, outcome, &rules, &Suppressor::default(), None)
}

#[derive(Deserialize)]
struct InPart {
    name: String,
    value: String,
    #[serde(default)]
    line: usize,
    #[serde(default)]
    column: usize,
    #[serde(default)]
    rule_id: Option<String>,
}

#[derive(Deserialize)]
struct InFinding {
    rule_id: String,
    #[serde(default)]
    rule_name: String,
    severity: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    line: usize,
    #[serde(default)]
    column: usize,
    #[serde(default)]
    end_line: usize,
    #[serde(default)]
    end_column: usize,
    secret: String,
    #[serde(default)]
    redacted: bool,
    #[serde(default)]
    parts: Vec<InPart>,
    #[serde(default)]
    snippet: String,
    #[serde(default)]
    fingerprint: String,
    commit: Option<String>,
    author: Option<String>,
    email: Option<String>,
    date: Option<String>,
    subject: Option<String>,
    in_head: Option<bool>,
}

#[derive(Deserialize, Default)]
struct InStats {
    #[serde(default)]
    files_scanned: u64,
    #[serde(default)]
    bytes_scanned: u64,
    #[serde(default)]
    skipped_binary: u64,
    #[serde(default)]
    skipped_too_large: u64,
    #[serde(default)]
    skipped_unreadable: u64,
    #[serde(default)]
    elapsed_ms: u64,
}

#[derive(Deserialize)]
struct InDocument {
    findings: Vec<InFinding>,
    #[serde(default)]
    stats: Option<InStats>,
}

/// Findings (and scan counts) from a JSON document or JSON Lines report. Refuses redacted
/// reports: a redacted secret cannot be verified.
fn parse_report(text: &str) -> anyhow::Result<(Vec<Finding>, ScanStats)> {
    let (raw, stats) = match serde_json::from_str::<InDocument>(text) {
        Ok(doc) => (doc.findings, doc.stats.unwrap_or_default()),
        Err(doc_err) => {
            let mut findings = Vec::new();
            for (n, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                let f = serde_json::from_str::<InFinding>(line).map_err(|e| {
                    anyhow::anyhow!(
                        "neither a JSON report ({doc_err}) nor JSON Lines (line {}: {e})",
                        n + 1
                    )
                })?;
                findings.push(f);
            }
            (findings, InStats::default())
        }
    };
    let redacted = raw
        .iter()
        .filter(|f| {
            f.redacted || f.secret.ends_with('…') || f.parts.iter().any(|p| p.value.ends_with('…'))
        })
        .count();
    if redacted > 0 {
        bail!(
            "{redacted} of its {} findings have redacted secrets, and a redacted secret cannot be verified. \
             Write the report with `--format json --show-secrets` (and keep that file private), \
             or scan with --verify directly",
            raw.len()
        );
    }
    let findings = raw
        .into_iter()
        .map(into_finding)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let stats = ScanStats {
        files_scanned: stats.files_scanned,
        bytes_scanned: stats.bytes_scanned,
        skipped_binary: stats.skipped_binary,
        skipped_too_large: stats.skipped_too_large,
        skipped_unreadable: stats.skipped_unreadable,
        elapsed: Duration::from_millis(stats.elapsed_ms),
    };
    Ok((findings, stats))
}

fn into_finding(f: InFinding) -> anyhow::Result<Finding> {
    let severity = f
        .severity
        .parse()
        .map_err(|e: String| anyhow::anyhow!("finding {}: {e}", f.rule_id))?;
    let fingerprint = if f.fingerprint.is_empty() {
        fingerprint(&f.rule_id, f.secret.as_bytes())
    } else {
        f.fingerprint
    };
    let commit = f.commit.map(|commit| CommitInfo {
        commit,
        author: f.author.unwrap_or_default(),
        email: f.email.unwrap_or_default(),
        date: f.date.unwrap_or_default(),
        subject: f.subject.unwrap_or_default(),
        in_head: f.in_head.unwrap_or(false),
    });
    Ok(Finding {
        rule_id: f.rule_id,
        rule_name: f.rule_name,
        severity,
        path: f.path,
        line: f.line,
        column: f.column,
        end_line: f.end_line.max(f.line),
        end_column: f.end_column,
        secret: f.secret,
        parts: f
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
        line_text: f.snippet,
        fingerprint,
        commit,
        allowed_inline: None,
        verification: None,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_report;

    #[test]
    fn refuses_redacted_reports() {
        let doc = r#"{"findings":[{"rule_id":"github-pat-classic","severity":"critical","path":"a","line":1,"column":1,"end_line":1,"end_column":2,"secret":"ghp_…","redacted":true,"parts":[],"snippet":"","fingerprint":"00"}]}"#;
        let err = parse_report(doc).unwrap_err().to_string();
        assert!(err.contains("redacted"), "{err}");
        assert!(err.contains("--show-secrets"), "{err}");
    }

    #[test]
    fn reads_documents_and_lines() {
        let line = r#"{"rule_id":"x-rule","severity":"high","path":"a","line":2,"column":1,"end_line":2,"end_column":9,"secret":"s3cr3tvalue","redacted":false,"parts":[{"name":"key","value":"k3yvalue","line":1,"column":1}],"snippet":"s3cr3tvalue","fingerprint":""}"#;
        let (f, _) = parse_report(line).unwrap();
        assert_eq!(f[0].parts[0].name, "key");
        assert_eq!(f[0].fingerprint.len(), 32);
        let doc =
            format!(r#"{{"findings":[{line}],"stats":{{"files_scanned":3,"elapsed_ms":5}}}}"#);
        let (f, stats) = parse_report(&doc).unwrap();
        assert_eq!((f.len(), stats.files_scanned), (1, 3));
        assert!(parse_report("nonsense").is_err());
    }
}
