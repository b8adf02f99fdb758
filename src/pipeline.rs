//! The stages every scan ends with, whatever its source: suppression, then verification, then
//! the report. The command line (`crate::cli`) parses flags into the plain settings below, runs
//! a source, and hands its outcome here; a library user can do the same without clap.
//!
//! ```text
//! SourceOutcome ─▶ suppress ─▶ verify (opt-in) ─▶ ScanOutcome ─▶ report
//! ```

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::bail;

use crate::findings::Finding;
use crate::report::{write_report, Format, Output, ReportOptions, ScanOutcome};
use crate::rules::RuleSet;
use crate::sources::{SkipReason, SourceOutcome};
use crate::suppress::Suppressor;
use crate::verify::{verify_findings, Client, VerifyOptions};

/// When the text report is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    Always,
    Never,
}

/// How and where the report is written.
#[derive(Debug, Clone)]
pub struct OutputSettings {
    pub format: Format,
    /// `None`: standard output.
    pub output: Option<PathBuf>,
    pub show_secrets: bool,
    pub color: ColorChoice,
    /// No summary line and no advice (`--quiet`): only the findings.
    pub quiet: bool,
}

impl Default for OutputSettings {
    fn default() -> Self {
        OutputSettings {
            format: Format::Text,
            output: None,
            show_secrets: false,
            color: ColorChoice::Auto,
            quiet: false,
        }
    }
}

/// Liveness verification: nothing at all is sent unless `verify` is set.
#[derive(Debug, Clone, Copy, Default)]
pub struct VerifySettings {
    pub verify: bool,
    /// Print the requests instead of sending them (wins over `verify`).
    pub dry_run: bool,
    /// Keep only live findings in the report (the exit code still counts every finding).
    pub only_live: bool,
    /// Also verify AWS keys of known canary-token accounts.
    pub canaries: bool,
    /// Also verify Kraken keys (with a POST: Kraken has no read-only key-info GET).
    pub kraken: bool,
}

/// What the run found, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    Findings,
}

/// Runs suppression, verification and the report on a source's outcome. `advice` is printed
/// to stderr after a text report that has findings (what to do next).
pub fn finish(
    mut source: SourceOutcome,
    rules: &RuleSet,
    suppressor: &Suppressor,
    output: &OutputSettings,
    verify: &VerifySettings,
    advice: Option<&str>,
) -> anyhow::Result<Verdict> {
    // Suppression: config allow lists, inline comments, the ignore file, the baseline.
    let suppression = suppressor.apply(&mut source.findings);
    if !suppressor.enabled && suppression.counts.config > 0 {
        eprintln!(
            "leakhound: note: --no-suppress: the config's allow lists and excludes still dropped {} finding(s) (--no-config scans without them)",
            suppression.counts.config
        );
    }
    // The exit code counts every finding, also those `--only-live` leaves out of the report.
    let had_findings = !source.findings.is_empty();
    verify_stage(verify, &mut source.findings, rules)?;
    let outcome = ScanOutcome::new(source, suppression);
    emit(output, &outcome, rules)?;
    if !had_findings {
        return Ok(Verdict::Clean);
    }
    if let Some(advice) = advice.filter(|_| output.format == Format::Text && !output.quiet) {
        eprintln!("{advice}");
    }
    Ok(Verdict::Findings)
}

/// The verification stage: nothing at all unless `verify` or `dry_run`.
pub fn verify_stage(
    settings: &VerifySettings,
    findings: &mut Vec<Finding>,
    rules: &RuleSet,
) -> anyhow::Result<()> {
    if settings.only_live && (!settings.verify || settings.dry_run) {
        bail!("--only-live needs --verify (and sends requests, so not with --verify-dry-run)");
    }
    if settings.canaries && !settings.verify && !settings.dry_run {
        bail!("--verify-canaries needs --verify or --verify-dry-run");
    }
    if settings.kraken && !settings.verify && !settings.dry_run {
        bail!("--verify-kraken needs --verify or --verify-dry-run");
    }
    if !settings.verify && !settings.dry_run {
        return Ok(());
    }
    // A refused base-URL override is an error before anything is planned or sent.
    let client = Client::from_env()?;
    if findings.is_empty() {
        return Ok(());
    }
    let opts = VerifyOptions {
        dry_run: settings.dry_run,
        allow_canaries: settings.canaries,
        kraken: settings.kraken,
    };
    let mut log = std::io::stderr().lock();
    if !opts.dry_run {
        writeln!(
            log,
            "leakhound: verifying {} finding{} with their providers (read-only requests; see --verify-dry-run)",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" }
        )?;
    }
    let summary = verify_findings(findings, rules, opts, &client, &mut log)?;
    if !opts.dry_run {
        writeln!(log, "leakhound: {summary}")?;
    }
    if settings.only_live {
        findings.retain(|f| f.verification.as_ref().is_some_and(|v| v.is_live()));
    }
    Ok(())
}

/// Writes the report, and tells stderr what a machine-readable report does not show.
fn emit(args: &OutputSettings, outcome: &ScanOutcome, rules: &RuleSet) -> anyhow::Result<()> {
    let mut out = Output::open(args.output.as_ref(), args.show_secrets)?;
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        // A terminal, unless NO_COLOR; CLICOLOR_FORCE colours a pipe too.
        ColorChoice::Auto => out.auto_color(),
    };
    let opts = ReportOptions {
        show_secrets: args.show_secrets,
        color: color && args.format == Format::Text,
        width: out.width(),
        quiet: args.quiet,
    };
    write_report(out.writer(), args.format, outcome, rules, opts)?;
    out.finish()?;
    if args.format == Format::Jsonl {
        for s in &outcome.skipped {
            if matches!(s.reason, SkipReason::Unreadable { .. }) {
                eprintln!("leakhound: skipped {}: {}", s.path, s.reason);
            }
        }
    }
    if args.format != Format::Text {
        // The text report lists them itself; other formats have them in stats (JSON) or not
        // at all, so stderr says it.
        for u in outcome.unused_ignores.iter().flatten() {
            eprintln!("leakhound: unused ignore entry: {u}");
        }
    }
    if !args.quiet && (args.format != Format::Text || args.output.is_some()) {
        eprintln!("leakhound: {}", crate::report::summary(outcome));
    }
    Ok(())
}
