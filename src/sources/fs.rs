//! Files on disk: a parallel walk with the `ignore` crate (ripgrep's walker).
//!
//! Honours `.gitignore` (and `.ignore`) like git does, includes dotfiles such as `.env`,
//! never enters `.git/`, and does not follow symlinks. Every file that is not scanned is
//! reported with its reason; nothing is dropped silently.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{WalkBuilder, WalkState};

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use super::{looks_binary, Progress, ScanStats, SkipReason, Skipped, SourceOutcome};
use crate::detect::Detector;

/// What to walk and how.
#[derive(Debug, Clone)]
pub struct FsOptions {
    pub roots: Vec<PathBuf>,
    pub max_file_size: u64,
    pub threads: usize,
    /// Scan files that `.gitignore`/`.ignore` exclude too.
    pub no_ignore: bool,
    /// gitignore-style globs, relative to each root, of paths never to scan.
    pub excludes: Vec<String>,
    /// gitignore-style globs relative to one base folder (a config file's `exclude`).
    pub base_excludes: Option<BaseExcludes>,
}

/// gitignore-style globs relative to one base folder, matched against paths as a source yields
/// them (as given on the command line, or repository-relative for git sources). The config
/// file's `exclude` list: one base (the scanned root) whatever the number of PATHs.
#[derive(Debug, Clone)]
pub struct BaseExcludes {
    /// The base as given (`""` for the current folder), for paths yielded relative...
    base: PathBuf,
    /// ...and absolute, for paths yielded absolute.
    abs_base: PathBuf,
    matcher: Gitignore,
}

impl BaseExcludes {
    pub fn new(base: &Path, globs: &[String]) -> anyhow::Result<BaseExcludes> {
        // The matcher sees clean relative paths (see `is_excluded`), so its own root is empty.
        let mut b = GitignoreBuilder::new("");
        for glob in globs {
            b.add_line(None, glob)
                .with_context(|| format!("bad exclude pattern {glob:?}"))?;
        }
        let abs_base = std::path::absolute(if base.as_os_str().is_empty() {
            Path::new(".")
        } else {
            base
        })
        .with_context(|| format!("cannot resolve {}", base.display()))?;
        // `.` (the current folder) is written `""` here: the walk yields `src/x` for a PATH of
        // `src`, which does not start with `.` as a path does.
        let base = if base.components().all(|c| c == std::path::Component::CurDir) {
            PathBuf::new()
        } else {
            base.to_path_buf()
        };
        Ok(BaseExcludes {
            base,
            abs_base,
            matcher: b.build()?,
        })
    }

    /// True when `path` is inside the base and matches a glob (or is inside a folder that
    /// does). A path outside the base never matches.
    pub fn is_excluded(&self, path: &Path, is_dir: bool) -> bool {
        let rel = if path.is_absolute() {
            path.strip_prefix(&self.abs_base)
        } else {
            path.strip_prefix(&self.base)
        };
        let Ok(rel) = rel else { return false };
        let mut clean = PathBuf::new();
        for c in rel.components() {
            match c {
                std::path::Component::Normal(part) => clean.push(part),
                std::path::Component::CurDir => {}
                _ => return false,
            }
        }
        !clean.as_os_str().is_empty()
            && self
                .matcher
                .matched_path_or_any_parents(&clean, is_dir)
                .is_ignore()
    }
}

/// One file's content, handed to a worker.
pub struct FileBlob<'a> {
    pub path: &'a str,
    pub data: &'a [u8],
}

/// What a worker receives.
pub enum FsEvent<'a> {
    File(FileBlob<'a>),
    Skipped(Skipped),
}

/// Checks the roots exist before any thread starts, so a typo is a clear error (exit 2).
pub fn check_roots(roots: &[PathBuf]) -> anyhow::Result<()> {
    for root in roots {
        std::fs::metadata(root).with_context(|| format!("cannot scan {}", root.display()))?;
    }
    if roots.is_empty() {
        bail!("nothing to scan");
    }
    Ok(())
}

/// The path as shown in reports: as given, `/`-separated, without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

fn exclude_matchers(opts: &FsOptions) -> anyhow::Result<Vec<(PathBuf, Gitignore)>> {
    opts.roots
        .iter()
        .map(|root| {
            let base = if root.is_dir() {
                root.clone()
            } else {
                root.parent().map(Path::to_path_buf).unwrap_or_default()
            };
            let mut b = GitignoreBuilder::new(&base);
            for glob in &opts.excludes {
                b.add_line(None, glob)
                    .with_context(|| format!("bad --exclude pattern {glob:?}"))?;
            }
            Ok((base, b.build()?))
        })
        .collect()
}

/// Walks the roots in parallel. `make_worker` is called once per thread; the worker it returns
/// gets every file (read into a reused buffer) and every skipped path of that thread.
pub fn walk<W>(opts: &FsOptions, make_worker: impl Fn() -> W + Sync) -> anyhow::Result<()>
where
    W: FnMut(FsEvent<'_>) + Send,
{
    check_roots(&opts.roots)?;
    let excludes = exclude_matchers(opts)?;
    let base_excludes = opts.base_excludes.clone();
    let mut builder = WalkBuilder::new(&opts.roots[0]);
    for root in &opts.roots[1..] {
        builder.add(root);
    }
    builder
        .hidden(false)
        .parents(true)
        .git_ignore(!opts.no_ignore)
        .git_exclude(!opts.no_ignore)
        .git_global(!opts.no_ignore)
        .ignore(!opts.no_ignore)
        .require_git(false)
        .follow_links(false)
        .threads(opts.threads)
        .filter_entry(move |entry| {
            if entry.file_name() == ".git" {
                return false;
            }
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if base_excludes
                .as_ref()
                .is_some_and(|b| b.is_excluded(entry.path(), is_dir))
            {
                return false;
            }
            !excludes.iter().any(|(base, gi)| {
                entry
                    .path()
                    .strip_prefix(base)
                    .ok()
                    .filter(|rel| !rel.as_os_str().is_empty())
                    .is_some_and(|rel| gi.matched_path_or_any_parents(rel, is_dir).is_ignore())
            })
        });
    let max = opts.max_file_size;
    builder.build_parallel().run(|| {
        let mut worker = make_worker();
        let mut buf = Vec::new();
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    let path = match &err {
                        ignore::Error::WithPath { path, .. } => display_path(path),
                        _ => String::new(),
                    };
                    worker(FsEvent::Skipped(Skipped {
                        path,
                        reason: SkipReason::Unreadable {
                            error: err.to_string(),
                        },
                    }));
                    return WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            let path = display_path(entry.path());
            match read_file(entry.path(), max, &mut buf) {
                Ok(()) if looks_binary(&buf) => worker(FsEvent::Skipped(Skipped {
                    path,
                    reason: SkipReason::Binary,
                })),
                Ok(()) => worker(FsEvent::File(FileBlob {
                    path: &path,
                    data: &buf,
                })),
                Err(reason) => worker(FsEvent::Skipped(Skipped { path, reason })),
            }
            WalkState::Continue
        })
    });
    Ok(())
}

fn read_file(path: &Path, max: u64, buf: &mut Vec<u8>) -> Result<(), SkipReason> {
    let unreadable = |e: std::io::Error| SkipReason::Unreadable {
        error: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let size = file.metadata().map_err(unreadable)?.len();
    if size > max {
        return Err(SkipReason::TooLarge { size, limit: max });
    }
    buf.clear();
    // `take` guards against a file that grows while we read it.
    file.take(max + 1).read_to_end(buf).map_err(unreadable)?;
    if buf.len() as u64 > max {
        return Err(SkipReason::TooLarge {
            size: buf.len() as u64,
            limit: max,
        });
    }
    Ok(())
}

/// Scans files and folders on disk.
pub fn scan_files(
    detector: &Detector,
    opts: &FsOptions,
    progress: &dyn Progress,
) -> anyhow::Result<SourceOutcome> {
    let started = Instant::now();
    let findings = Mutex::new(Vec::new());
    let skipped = Mutex::new(Vec::new());
    let files = AtomicU64::new(0);
    let bytes = AtomicU64::new(0);
    walk(opts, || {
        let mut scratch = detector.new_scratch();
        let (findings, skipped, files, bytes) = (&findings, &skipped, &files, &bytes);
        move |event: FsEvent<'_>| match event {
            FsEvent::File(blob) => {
                let found = detector.detect(blob.data, blob.path, &mut scratch);
                if !found.is_empty() {
                    findings.lock().expect("findings lock").extend(found);
                }
                files.fetch_add(1, Ordering::Relaxed);
                bytes.fetch_add(blob.data.len() as u64, Ordering::Relaxed);
                progress.file_done(blob.data.len() as u64);
            }
            FsEvent::Skipped(s) => skipped.lock().expect("skipped lock").push(s),
        }
    })?;
    let mut outcome = SourceOutcome {
        findings: findings.into_inner().expect("findings lock"),
        skipped: skipped.into_inner().expect("skipped lock"),
        stats: ScanStats {
            files_scanned: files.into_inner(),
            bytes_scanned: bytes.into_inner(),
            ..ScanStats::default()
        },
        ..SourceOutcome::default()
    };
    outcome.stats.published_samples = detector.published_samples_dropped();
    outcome.finish(started);
    Ok(outcome)
}
