//! `leakhound baseline create [--output FILE] [--git] [PATH]`: scans PATH (its files, or its git
//! history with `--git`) and writes what the scan would report as a baseline file (see
//! `suppress::baseline` for the format). Later scans given `--baseline FILE` report only
//! findings that are not in it.
//!
//! The scan is the one `leakhound scan PATH` (or `leakhound git PATH`) runs: the same config,
//! rules, allow comments and ignore file, so the baseline holds exactly what would be reported.

use anyhow::Context;

use super::args::{BaselineArgs, BaselineCommand};
use super::EXIT_CLEAN;
use crate::config::{git_root, scan_root, Setup, SuppressSettings};
use crate::detect::Detector;
use crate::report::write_atomically;
use crate::sources::fs::{display_path, scan_files, FsOptions};
use crate::sources::git::history::{scan_history, HistoryOptions};
use crate::suppress::baseline::Baseline;

/// Default for `--max-file-size` (the scan commands' default).
const DEFAULT_MAX_FILE_SIZE: u64 = 10 << 20;

pub fn run(args: BaselineArgs) -> anyhow::Result<u8> {
    let BaselineCommand::Create {
        path,
        output,
        git,
        source,
        rules,
        max_file_size,
    } = args.command;
    let root = if git {
        git_root(&path)?
    } else {
        Some(scan_root(std::slice::from_ref(&path)))
    };
    let mut setup = Setup::load(root.as_deref(), &source.settings(), &rules.sources())?;
    let max_file_size = setup.max_file_size(
        max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
        max_file_size.is_some(),
    );
    let detector = Detector::new(setup.rules.clone())?.with_decoding(!rules.no_decode);
    let mut outcome = if git {
        let opts = HistoryOptions {
            repo: path.clone(),
            max_file_size,
            no_archives: rules.no_archives,
            ..HistoryOptions::default()
        };
        scan_history(&detector, &opts, &())?.0
    } else {
        let base = root.clone().unwrap_or_default();
        let opts = FsOptions {
            roots: vec![path.clone()],
            max_file_size,
            threads: 0,
            no_ignore: false,
            excludes: Vec::new(),
            base_excludes: setup.excludes(&base)?,
            no_archives: rules.no_archives,
        };
        scan_files(&detector, &opts, &())?
    };
    let suppressor = setup.suppressor(&SuppressSettings::default(), git)?;
    let suppression = suppressor.apply(&mut outcome.findings);

    // Working-tree paths are recorded relative to PATH, so the file is the same whichever
    // folder it was created from; history paths are already repository-relative.
    let prefix = if git || !path.is_dir() {
        None
    } else {
        Some(format!("{}/", display_path(&path).trim_end_matches('/')))
    };
    let relative = |p: &str| -> String {
        prefix
            .as_deref()
            .and_then(|pre| p.strip_prefix(pre))
            .unwrap_or(p)
            .to_string()
    };
    let baseline = Baseline::from_findings(&outcome.findings, relative);
    write_atomically(&output, &baseline.to_json()?).context("cannot write the baseline")?;
    eprintln!(
        "leakhound: wrote {} ({} secret{} in {} finding{}{})",
        output.display(),
        baseline.findings.len(),
        if baseline.findings.len() == 1 {
            ""
        } else {
            "s"
        },
        outcome.findings.len(),
        if outcome.findings.len() == 1 { "" } else { "s" },
        if suppression.counts.total() > 0 {
            format!("; {} already suppressed", suppression.counts.total())
        } else {
            String::new()
        }
    );
    Ok(EXIT_CLEAN)
}
