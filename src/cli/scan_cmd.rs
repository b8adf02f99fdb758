//! `leakhound scan [PATH...]`: the working-tree scan.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use super::args::{ReportArgs, ScanArgs};
use super::config_cmd::{scan_root, Setup};
use super::pipeline::finish;
use crate::detect::Detector;
use crate::scan::{scan_files, Progress};
use crate::sources::fs::{check_roots, FsOptions};

/// A progress bar as the sources see it.
pub(crate) struct Bar(pub ProgressBar);

impl Progress for Bar {
    fn file_done(&self, _bytes: u64) {
        self.0.inc(1);
    }
}

/// A spinner on stderr counting `what` (files, blobs), only when stderr is a terminal and
/// progress is not turned off.
pub(crate) fn progress_bar(args: &ReportArgs, what: &str) -> Option<ProgressBar> {
    if args.no_progress || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} scanning: {{human_pos}} {what}, {{elapsed}}"
        ))
        .expect("valid progress template"),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

pub fn run(mut args: ScanArgs) -> anyhow::Result<u8> {
    // The roots first: a typo in PATH is the error to report, not a config elsewhere.
    check_roots(&args.paths)?;
    let root = scan_root(&args.paths);
    let mut setup = Setup::load(Some(&root), &args.report.suppress.source, &args.rules)?;
    setup.apply_format(&mut args.report);
    let suppressor = setup.suppressor(&args.report.suppress, false)?;
    let rules = setup.rules.clone();
    let detector = Detector::new(rules.clone())?;
    let opts = FsOptions {
        roots: args.paths.clone(),
        max_file_size: setup
            .max_file_size(args.max_file_size, args.report.suppress.given.max_file_size),
        threads: args.threads.unwrap_or(0),
        no_ignore: args.no_ignore,
        excludes: args.exclude.clone(),
        base_excludes: setup.excludes(&root)?,
    };
    let bar = progress_bar(&args.report, "files");
    let outcome = match &bar {
        Some(b) => scan_files(&detector, &opts, &Bar(b.clone()))?,
        None => scan_files(&detector, &opts, &())?,
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    finish(&args.report, outcome, &rules, &suppressor, None)
}
