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
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::archive::{self, ArchiveOptions};
use super::ignored::{IgnoredCounts, Tally};
use super::{
    cap_threads, decode_utf16, looks_binary, sniff_utf16, Progress, ScanStats, SkipReason, Skipped,
    SourceOutcome, TextEncoding,
};
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
    /// Do not look inside archives (`--no-archives`): they are skipped as binary.
    pub no_archives: bool,
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
        let abs;
        let rel = if path.is_absolute() {
            path.strip_prefix(&self.abs_base)
        } else if self.base.is_absolute() {
            // A base above the current folder (a config found in a parent folder, see
            // config::discover) meets paths yielded relative to the current folder.
            abs = std::path::absolute(path).unwrap_or_default();
            abs.strip_prefix(&self.abs_base)
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
    /// The content as UTF-8 (or as the bytes on disk, which need not be UTF-8).
    pub data: &'a [u8],
    /// Set when the file was UTF-16 text, decoded into `data` before scanning.
    pub encoding: Option<TextEncoding>,
}

/// What a worker receives.
pub enum FsEvent<'a> {
    File(FileBlob<'a>),
    Skipped(Skipped),
}

/// How reports name standard input (`scan -`, `scan /dev/stdin`).
pub const STDIN_NAME: &str = "<stdin>";

/// True for a PATH that means standard input: `-` or `/dev/stdin`.
pub fn is_stdin(path: &Path) -> bool {
    path == Path::new("-") || path == Path::new("/dev/stdin")
}

/// Checks the roots exist before any thread starts, so a typo is a clear error (exit 2).
/// Standard input (`-`) always exists.
pub fn check_roots(roots: &[PathBuf]) -> anyhow::Result<()> {
    for root in roots.iter().filter(|r| !is_stdin(r)) {
        std::fs::metadata(root).with_context(|| format!("cannot scan {}", root.display()))?;
    }
    if roots.is_empty() {
        bail!("nothing to scan");
    }
    Ok(())
}

/// The path as shown in reports: as given, `/`-separated, without a leading `./`. A byte of
/// the name that is not UTF-8 is written `\xNN` (not U+FFFD), so that two such names stay
/// apart and the bytes can be read back.
pub fn display_path(path: &Path) -> String {
    let s = slashed_name(path.as_os_str().as_encoded_bytes());
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

/// A name's bytes as text: `\` turned into `/`, and each byte that is not UTF-8 written
/// `\xNN`, so that the bytes can be read back ([`path_bytes`]). Shared by paths on disk and
/// names inside archives.
pub fn slashed_name(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        s.push_str(&chunk.valid().replace('\\', "/"));
        for b in chunk.invalid() {
            s.push_str(&format!("\\x{b:02x}"));
        }
    }
    s
}

/// The bytes of a file name that [`display_path`] wrote with `\xNN` escapes (it was not
/// UTF-8), or `None` for a name that is UTF-8 (its bytes are the path itself). Display paths
/// never hold a backslash of their own (it becomes `/`), so an escape is never ambiguous.
pub fn path_bytes(display: &str) -> Option<Vec<u8>> {
    if !display.contains("\\x") {
        return None;
    }
    let b = display.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 2..i + 4)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (
            b[i],
            b.get(i + 1),
            hex.and_then(|h| u8::from_str_radix(h, 16).ok()),
        ) {
            (b'\\', Some(b'x'), Some(byte)) => {
                out.push(byte);
                i += 4;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    std::str::from_utf8(&out).is_err().then_some(out)
}

/// What to do with a PATH given on the command line.
enum Root {
    /// A folder or regular file: the walker's.
    Walk,
    /// Read it to its end as a stream: standard input, a named pipe, a process substitution
    /// (`<(cmd)`, a pipe under `/dev/fd`). Named on purpose, so read even though it may wait
    /// for a writer.
    Stream,
    /// Not readable as content (a socket, a device): skipped with this reason.
    Special(SkipReason),
}

fn classify_root(root: &Path) -> Root {
    if is_stdin(root) {
        return Root::Stream;
    }
    let Ok(meta) = std::fs::metadata(root) else {
        return Root::Walk; // the walker reports the error with its path
    };
    let ft = meta.file_type();
    if ft.is_dir() || ft.is_file() {
        return Root::Walk;
    }
    match special_kind(ft) {
        ("fifo", _) => Root::Stream,
        (kind, what) => Root::Special(SkipReason::Special {
            kind: kind.to_string(),
            detail: format!("{what}, not a regular file: not read"),
        }),
    }
}

/// The kind of a file that is neither a regular file, a folder nor a symlink: (stable name,
/// words for a reason).
fn special_kind(ft: std::fs::FileType) -> (&'static str, &'static str) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return ("fifo", "a named pipe (FIFO)");
        }
        if ft.is_socket() {
            return ("socket", "a socket");
        }
        if ft.is_char_device() {
            return ("char_device", "a character device");
        }
        if ft.is_block_device() {
            return ("block_device", "a block device");
        }
    }
    let _ = ft;
    ("other", "a special file")
}

/// Why a symlink met while walking is not followed, or `None` when its target is inside one
/// of the scanned folders (the walk scans the target itself, so nothing is lost).
fn symlink_skip(path: &Path, real_roots: &[PathBuf]) -> Option<SkipReason> {
    let target = std::fs::read_link(path)
        .map(|t| display_path(&t))
        .unwrap_or_default();
    let detail = match std::fs::canonicalize(path) {
        Ok(real) if real_roots.iter().any(|r| real.starts_with(r)) => return None,
        Ok(_) => format!(
            "symlink to {target}, outside the scanned folders: not followed (scan the target \
             itself to include it)"
        ),
        Err(e) if e.raw_os_error() == Some(40) => {
            format!("symlink loop ({target}): not followed")
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            format!("broken symlink to {target}: its target does not exist")
        }
        Err(e) => format!("symlink to {target} cannot be resolved: {e}"),
    };
    Some(SkipReason::Special {
        kind: "symlink".to_string(),
        detail,
    })
}

/// The path a walk error is about (a folder that cannot be listed, a loop), however deep the
/// error wraps it.
fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

/// Reads one explicitly named stream (standard input or a pipe) and hands it to `worker`.
fn read_root_stream<W: FnMut(FsEvent<'_>)>(
    root: &Path,
    max: u64,
    archives: Option<&ArchiveOptions>,
    worker: &mut W,
) {
    let mut buf = Vec::new();
    let (path, read) = if is_stdin(root) {
        (
            STDIN_NAME.to_string(),
            read_limited(std::io::stdin().lock(), max, &mut buf),
        )
    } else {
        let read = std::fs::File::open(root)
            .map_err(|e| SkipReason::Unreadable {
                error: e.to_string(),
            })
            .and_then(|f| read_limited(f, max, &mut buf));
        (display_path(root), read)
    };
    match read {
        Ok(()) => hand_over(path, &buf, &mut Vec::new(), archives, worker),
        Err(reason) => worker(FsEvent::Skipped(Skipped { path, reason })),
    }
}

/// Hands read content to `worker`: an archive opened (unless `archives` is `None`), UTF-16
/// text decoded first, binary content skipped.
fn hand_over<W: FnMut(FsEvent<'_>)>(
    path: String,
    data: &[u8],
    decoded: &mut Vec<u8>,
    archives: Option<&ArchiveOptions>,
    worker: &mut W,
) {
    // A few magic bytes at fixed offsets first: no cost for trees without archives.
    if let Some(opts) = archives {
        if let Some(fmt) = archive::sniff(&path, data).filter(|_| looks_binary(data)) {
            return archive::expand(&path, data, fmt, opts, worker);
        }
    }
    let (data, encoding) = match sniff_utf16(data) {
        Some(enc) => {
            decode_utf16(data, enc, decoded);
            (&decoded[..], Some(enc))
        }
        None => (data, None),
    };
    if looks_binary(data) {
        worker(FsEvent::Skipped(Skipped {
            path,
            reason: SkipReason::Binary,
        }));
    } else {
        worker(FsEvent::File(FileBlob {
            path: &path,
            data,
            encoding,
        }));
    }
}

/// Walks the roots in parallel. `make_worker` is called once per thread; the worker it returns
/// gets every file (read into a reused buffer) and every skipped path of that thread. Roots
/// that are streams (standard input, named pipes) are read first, on the calling thread.
/// Returns what ignore files and excludes left out (see [`super::ignored`]).
pub fn walk<W>(
    opts: &FsOptions,
    make_worker: impl Fn() -> W + Sync,
) -> anyhow::Result<IgnoredCounts>
where
    W: FnMut(FsEvent<'_>) + Send,
{
    check_roots(&opts.roots)?;
    let max = opts.max_file_size;
    let archive_opts = (!opts.no_archives).then(|| ArchiveOptions::new(max));
    let archives = archive_opts.as_ref();
    let mut walk_roots = Vec::new();
    for root in &opts.roots {
        match classify_root(root) {
            Root::Walk => walk_roots.push(root.clone()),
            Root::Stream => read_root_stream(root, max, archives, &mut make_worker()),
            Root::Special(reason) => make_worker()(FsEvent::Skipped(Skipped {
                path: display_path(root),
                reason,
            })),
        }
    }
    if walk_roots.is_empty() {
        return Ok(IgnoredCounts::default());
    }
    let opts = &FsOptions {
        roots: walk_roots,
        ..opts.clone()
    };
    let real_roots: Vec<PathBuf> = opts
        .roots
        .iter()
        .filter_map(|r| std::fs::canonicalize(r).ok())
        .collect();
    let excludes = exclude_matchers(opts)?;
    let base_excludes = opts.base_excludes.clone();
    // Inside a git work tree every tracked file is scanned, ignored or not (see `tracked`).
    let tracked = (!opts.no_ignore)
        .then(|| super::tracked::Tracked::for_roots(&opts.roots))
        .flatten();
    let excluded = {
        let excludes = excludes.clone();
        let base_excludes = base_excludes.clone();
        move |path: &Path, is_dir: bool| {
            base_excludes
                .as_ref()
                .is_some_and(|b| b.is_excluded(path, is_dir))
                || excludes.iter().any(|(base, gi)| {
                    path.strip_prefix(base)
                        .ok()
                        .filter(|rel| !rel.as_os_str().is_empty())
                        .is_some_and(|rel| gi.matched_path_or_any_parents(rel, is_dir).is_ignore())
                })
        }
    };
    let dot_ignore = !opts.no_ignore && tracked.as_ref().is_none_or(|t| !t.in_git);
    let tally = Tally::new(!opts.no_ignore, dot_ignore, &opts.roots);
    let filter_tally = Arc::clone(&tally);
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
        .ignore(dot_ignore)
        .require_git(false)
        .follow_links(false)
        .threads(cap_threads(opts.threads))
        .filter_entry(move |entry| {
            filter_tally.seen(entry);
            if entry.file_name() == ".git" {
                return false;
            }
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if base_excludes
                .as_ref()
                .is_some_and(|b| b.is_excluded(entry.path(), is_dir))
            {
                filter_tally.excluded();
                return false;
            }
            let kept = !excludes.iter().any(|(base, gi)| {
                entry
                    .path()
                    .strip_prefix(base)
                    .ok()
                    .filter(|rel| !rel.as_os_str().is_empty())
                    .is_some_and(|rel| gi.matched_path_or_any_parents(rel, is_dir).is_ignore())
            });
            if !kept {
                filter_tally.excluded();
            }
            kept
        });
    let real_roots = &real_roots;
    let tracked = &tracked;
    builder.build_parallel().run(|| {
        let mut worker = make_worker();
        let mut buf = Vec::new();
        let mut decoded = Vec::new();
        let mut lister = tally.lister();
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    let path = error_path(&err).map(display_path).unwrap_or_default();
                    worker(FsEvent::Skipped(Skipped {
                        path,
                        reason: SkipReason::Unreadable {
                            error: err.to_string(),
                        },
                    }));
                    return WalkState::Continue;
                }
            };
            lister.visit(&entry);
            let Some(ft) = entry.file_type() else {
                return WalkState::Continue; // standard input: never yielded by a walk
            };
            if ft.is_dir() {
                return WalkState::Continue;
            }
            if let Some(t) = tracked {
                t.seen(entry.path());
            }
            let path = display_path(entry.path());
            if ft.is_symlink() {
                if let Some(reason) = symlink_skip(entry.path(), real_roots) {
                    worker(FsEvent::Skipped(Skipped { path, reason }));
                }
                return WalkState::Continue;
            }
            if !ft.is_file() {
                // Never opened: a named pipe met while walking could block the scan forever.
                let (kind, what) = special_kind(ft);
                let hint = if kind == "fifo" {
                    " (name it as a PATH to read it)"
                } else {
                    ""
                };
                worker(FsEvent::Skipped(Skipped {
                    path,
                    reason: SkipReason::Special {
                        kind: kind.to_string(),
                        detail: format!("{what}, not a regular file: not read{hint}"),
                    },
                }));
                return WalkState::Continue;
            }
            match read_file(entry.path(), max, &mut buf) {
                Ok(()) => hand_over(path, &buf, &mut decoded, archives, &mut worker),
                Err(reason) => worker(FsEvent::Skipped(Skipped { path, reason })),
            }
            WalkState::Continue
        })
    });
    let ignored = tally.finish(
        |path| tracked.as_ref().is_some_and(|t| t.contains(path)),
        &excluded,
    );
    // The tracked files an ignore rule hid from the walk (`--exclude` and the config's
    // excludes still apply to them).
    if let Some(t) = tracked {
        let mut worker = make_worker();
        let (mut buf, mut decoded) = (Vec::new(), Vec::new());
        for file in t.missed().into_iter().filter(|f| !excluded(f, false)) {
            let path = display_path(file);
            match read_file(file, max, &mut buf) {
                Ok(()) => hand_over(path, &buf, &mut decoded, archives, &mut worker),
                Err(reason) => worker(FsEvent::Skipped(Skipped { path, reason })),
            }
        }
    }
    Ok(ignored)
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
    read_limited(file, max, buf)
}

/// Reads `r` to its end into `buf`, but no more than `max` bytes: a file that grows while it
/// is read, or a stream, that goes over is skipped as too large (its size as far as read).
fn read_limited(r: impl Read, max: u64, buf: &mut Vec<u8>) -> Result<(), SkipReason> {
    buf.clear();
    r.take(max.saturating_add(1))
        .read_to_end(buf)
        .map_err(|e| SkipReason::Unreadable {
            error: e.to_string(),
        })?;
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
    let ignored = walk(opts, || {
        let mut scratch = detector.new_scratch();
        let (findings, skipped, files, bytes) = (&findings, &skipped, &files, &bytes);
        move |event: FsEvent<'_>| match event {
            FsEvent::File(blob) => {
                let mut found = detector.detect(blob.data, blob.path, &mut scratch);
                if let Some(enc) = blob.encoding {
                    for f in &mut found {
                        f.decoded = Some(match f.decoded.take() {
                            Some(inner) => format!("{}+{inner}", enc.name()),
                            None => enc.name().to_string(),
                        });
                    }
                }
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
            ignored: Some(ignored),
            ..ScanStats::default()
        },
        ..SourceOutcome::default()
    };
    outcome.stats.published_samples = detector.published_samples_dropped();
    outcome.finish(started);
    Ok(outcome)
}
