//! `leakhound scan [PATH...]`: the working-tree scan.

use super::args::ScanArgs;
use super::conclude;
use super::progress::{progress_bar, Bar};
use crate::config::{scan_root, Setup};
use crate::detect::Detector;
use crate::sources::fs::{check_roots, is_stdin, scan_files, FsOptions};

pub fn run(args: ScanArgs) -> anyhow::Result<u8> {
    // The roots first: a typo in PATH is the error to report, not a config elsewhere.
    check_roots(&args.paths)?;
    // Standard input (`-`, `/dev/stdin`) has no folder: the config is looked for from the
    // current folder, as for several PATHs.
    let named: Vec<_> = args
        .paths
        .iter()
        .filter(|p| !is_stdin(p))
        .cloned()
        .collect();
    let root = if named.len() == args.paths.len() {
        scan_root(&args.paths)
    } else {
        scan_root(&[])
    };
    let mut setup = Setup::load(
        Some(&root),
        &args.report.suppress.source.settings(),
        &args.rules.sources(),
    )?;
    let suppressor = setup.suppressor(&args.report.suppress.settings(), false)?;
    let rules = setup.rules.clone();
    let detector = Detector::new(rules.clone())?.with_decoding(!args.rules.no_decode);
    let opts = FsOptions {
        roots: args.paths.clone(),
        max_file_size: setup
            .max_file_size(args.max_file_size, args.report.suppress.given.max_file_size),
        threads: args.threads.unwrap_or(0),
        no_ignore: args.no_ignore,
        excludes: args.exclude.clone(),
        base_excludes: setup.excludes(&root)?,
        no_archives: args.rules.no_archives,
    };
    let bar = progress_bar(&args.report, "files");
    let outcome = match &bar {
        Some(b) => scan_files(&detector, &opts, &Bar(b.clone()))?,
        None => scan_files(&detector, &opts, &())?,
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    conclude(&args.report, &setup, outcome, &suppressor, None)
}
