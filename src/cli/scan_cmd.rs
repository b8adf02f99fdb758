//! `leakhound scan [PATH...]`: the working-tree scan.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use super::args::{ColorChoice, ReportArgs, ScanArgs};
use super::{load_rules, shared, Output, EXIT_CLEAN, EXIT_FINDINGS};
use crate::detect::Detector;
use crate::report::{write_report, Format, ReportOptions};
use crate::scan::{scan_files, Progress, ScanOutcome};
use crate::sources::fs::FsOptions;
use crate::sources::SkipReason;

struct Bar(ProgressBar);

impl Progress for Bar {
    fn file_done(&self, _bytes: u64) {
        self.0.inc(1);
    }
}

/// A spinner on stderr, only when stderr is a terminal and not turned off.
pub(crate) fn progress_bar(args: &ReportArgs) -> Option<ProgressBar> {
    if args.no_progress || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} scanning: {pos} files ({per_sec}) {elapsed}")
            .expect("valid progress template"),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

pub fn run(args: ScanArgs) -> anyhow::Result<u8> {
    let rules = shared(load_rules(&args.rules.rules, args.rules.no_builtin_rules)?);
    let detector = Detector::new(rules.clone())?;
    let opts = FsOptions {
        roots: args.paths.clone(),
        max_file_size: args.max_file_size,
        threads: args.threads.unwrap_or(0),
        no_ignore: args.no_ignore,
        excludes: args.exclude.clone(),
    };
    let bar = progress_bar(&args.report);
    let outcome = match &bar {
        Some(b) => scan_files(&detector, &opts, &Bar(b.clone()))?,
        None => scan_files(&detector, &opts, &())?,
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    emit(&args.report, &outcome, &rules)?;
    Ok(if outcome.findings.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

/// Writes the report, and tells stderr what a machine-readable report does not show.
pub(crate) fn emit(
    args: &ReportArgs,
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
    if args.format != Format::Text || args.output.is_some() {
        eprintln!("leakhound: {}", crate::report::summary(outcome));
    }
    Ok(())
}
