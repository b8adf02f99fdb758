//! What happens to a scan's outcome, whatever the source: suppression, then verification,
//! then the report and the exit code. Every command that reports findings ends here, so the
//! stages apply the same way to `scan`, `git`, `git --staged` and the pre-push hook.

use super::args::{ColorChoice, OutputArgs, ReportArgs};
use super::{Output, EXIT_CLEAN, EXIT_FINDINGS};
use crate::report::{write_report, Format, ReportOptions};
use crate::rules::RuleSet;
use crate::scan::ScanOutcome;
use crate::sources::SkipReason;
use crate::suppress::Suppressor;

/// Runs the post-scan stages, writes the report, and returns the exit code. `advice` is printed
/// to stderr after a text report that has findings (what to do next).
pub(crate) fn finish(
    args: &ReportArgs,
    mut outcome: ScanOutcome,
    rules: &RuleSet,
    suppressor: &Suppressor,
    advice: Option<&str>,
) -> anyhow::Result<u8> {
    // Suppression: config allow lists, inline comments, the ignore file, the baseline.
    suppressor.apply(&mut outcome);
    if !suppressor.enabled && outcome.suppressed.config > 0 {
        eprintln!(
            "leakhound: note: --no-suppress: the config's allow lists and excludes still dropped {} finding(s) (--no-config scans without them)",
            outcome.suppressed.config
        );
    }
    // The exit code counts every finding, also those `--only-live` leaves out of the report.
    let had_findings = !outcome.findings.is_empty();
    super::verify_cmd::stage(&args.verify, &mut outcome, rules)?;
    emit(&args.out, &outcome, rules)?;
    if !had_findings {
        return Ok(EXIT_CLEAN);
    }
    if let Some(advice) = advice.filter(|_| args.out.format == Format::Text) {
        eprintln!("{advice}");
    }
    Ok(EXIT_FINDINGS)
}

/// Writes the report, and tells stderr what a machine-readable report does not show.
fn emit(
    args: &OutputArgs,
    outcome: &ScanOutcome,
    rules: &crate::rules::RuleSet,
) -> anyhow::Result<()> {
    let mut out = Output::open(args.output.as_ref())?;
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            out.is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let opts = ReportOptions {
        show_secrets: args.show_secrets,
        color: color && args.format == Format::Text,
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
    if args.format != Format::Text || args.output.is_some() {
        eprintln!("leakhound: {}", crate::report::summary(outcome));
    }
    Ok(())
}
