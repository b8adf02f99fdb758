//! Archives and packed files: one blob (a file on disk, a git blob) in, the blobs it holds out.
//!
//! Formats, recognised by their content's magic bytes (the name is only a hint, for a `.tar`
//! without the `ustar` magic and for the name of a `.gz`'s content):
//! - zip and its family (`.zip`, `.jar`, `.war`, `.ear`, `.whl`, `.nupkg`, `.apk`, `.aar`):
//!   stored and deflated entries (the `zip` crate); other methods are skipped with a reason;
//! - gzip (`.gz`, and `.tgz`/`.tar.gz` whose content is a tar), via `flate2`;
//! - tar (`tar`).
//!
//! An entry is handed on like a file read from disk: UTF-16 text decoded, binary content
//! skipped as binary, an archive opened in turn (up to [`ArchiveOptions::max_depth`] archives
//! deep). Paths are `outer!inner`: `release.zip!config/app.env`, `a.zip!b.tgz!x.env`.
//!
//! Bounded, so a hostile archive costs neither unbounded memory nor time: an entry larger than
//! the file-size limit is skipped (never read past the limit), every top-level archive has a
//! budget of decompressed bytes and of entries, and a stream that inflates more than
//! [`MAX_RATIO`] times its compressed size is stopped (a zip bomb). Every bound that stops an
//! archive or an entry is a [`SkipReason::Archive`] with its reason, never silent; what was
//! found before stays found.

use std::cell::Cell;
use std::io::{self, Read};

use super::fs::{FileBlob, FsEvent};
use super::{decode_utf16, looks_binary, sniff_utf16, SkipReason, Skipped};
use crate::detect::{Detector, DetectorScratch};
use crate::findings::Finding;

/// Archives opened inside each other at most (the top-level one counts as 1).
pub const DEFAULT_MAX_DEPTH: u32 = 3;
/// Decompressed bytes one top-level archive may produce, nested archives included.
pub const DEFAULT_BUDGET: u64 = 256 << 20;
/// Entries one top-level archive may hold, nested archives included.
pub const DEFAULT_MAX_ENTRIES: u64 = 100_000;
/// A compressed stream that inflates more than this many times its compressed size is a bomb
/// (Apache POI's default minimum inflate ratio of 1%). Checked once a stream has produced
/// [`RATIO_GRACE`] bytes, so small, very repetitive files are fine.
pub const MAX_RATIO: u64 = 100;
/// Bytes a stream may produce before [`MAX_RATIO`] applies.
pub const RATIO_GRACE: u64 = 1 << 20;

/// Limits for opening archives.
#[derive(Debug, Clone)]
pub struct ArchiveOptions {
    /// Entries larger than this are skipped as too large (the file-size limit).
    pub max_entry_size: u64,
    pub max_depth: u32,
    pub budget: u64,
    pub max_entries: u64,
    pub max_ratio: u64,
}

impl ArchiveOptions {
    /// The defaults, with entries limited to `max_file_size` bytes.
    pub fn new(max_file_size: u64) -> ArchiveOptions {
        ArchiveOptions {
            max_entry_size: max_file_size,
            max_depth: DEFAULT_MAX_DEPTH,
            budget: DEFAULT_BUDGET,
            max_entries: DEFAULT_MAX_ENTRIES,
            max_ratio: MAX_RATIO,
        }
    }
}

/// An archive format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Zip,
    Gzip,
    Tar,
}

/// The archive format of `data` (the content of `path`), from its magic bytes; `None` for
/// anything else. Constant time: it looks at a few bytes at fixed offsets.
pub fn sniff(path: &str, data: &[u8]) -> Option<Format> {
    match data {
        // A local file header, or the end record of an empty zip.
        [b'P', b'K', 3, 4, ..] | [b'P', b'K', 5, 6, ..] => return Some(Format::Zip),
        [0x1f, 0x8b, 8, ..] => return Some(Format::Gzip),
        _ => {}
    }
    if is_tar(data) || (path.to_ascii_lowercase().ends_with(".tar") && tar_checksum_ok(data)) {
        return Some(Format::Tar);
    }
    None
}

/// The POSIX (`ustar\0`) or GNU (`ustar  `) magic of a tar header.
fn is_tar(data: &[u8]) -> bool {
    data.get(257..262) == Some(b"ustar")
}

/// A first 512-byte block whose header checksum adds up: an old (v7) tar without magic.
fn tar_checksum_ok(data: &[u8]) -> bool {
    let Some(block) = data.get(..512) else {
        return false;
    };
    let field = &block[148..156];
    let digits: String = field
        .iter()
        .take_while(|b| **b != 0 && **b != b' ')
        .map(|b| *b as char)
        .skip_while(|c| *c == ' ')
        .collect();
    let Ok(want) = u32::from_str_radix(digits.trim(), 8) else {
        return false;
    };
    let sum: u32 = block
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if (148..156).contains(&i) {
                32
            } else {
                *b as u32
            }
        })
        .sum();
    !digits.is_empty() && sum == want
}

/// What stopped a stream or an archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// The top-level archive's decompressed-bytes budget is spent: stop everything.
    Budget,
    /// The top-level archive's entry budget is spent: stop everything.
    Entries,
    /// This stream inflates too much: stop it (an entry, or a whole `.gz`/`.tgz`).
    Ratio,
}

/// Counts shared by everything opened under one top-level archive.
struct Budget<'o> {
    opts: &'o ArchiveOptions,
    used: Cell<u64>,
    entries: Cell<u64>,
    /// Set when a bound stopped the whole top-level archive; nothing more is read.
    stopped: Cell<bool>,
}

impl Budget<'_> {
    /// Counts one more entry; false (and stopped) when over the entry budget.
    fn entry(&self) -> bool {
        self.entries.set(self.entries.get() + 1);
        if self.entries.get() > self.opts.max_entries {
            self.stopped.set(true);
            return false;
        }
        true
    }
}

/// The compressed bytes behind a stream, for its ratio.
#[derive(Clone, Copy)]
enum Compressed<'c> {
    /// Not compressed: no ratio.
    No,
    /// A known size (a zip entry's, which its reader never reads past).
    Size(u64),
    /// As many as a [`Counting`] reader has fed the decompressor so far.
    Counted(&'c Cell<u64>),
}

/// Counts the compressed bytes a decompressor reads.
struct Counting<'c, R> {
    inner: R,
    count: &'c Cell<u64>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// A reader of decompressed bytes that counts them against the budget and checks their ratio
/// to the compressed bytes behind them. It fails with an I/O error once a bound is hit;
/// `tripped` says which.
struct Guard<'b, 'o, R> {
    inner: R,
    budget: &'b Budget<'o>,
    compressed: Compressed<'b>,
    produced: u64,
    tripped: Option<Stop>,
}

impl<'b, 'o, R: Read> Guard<'b, 'o, R> {
    fn new(inner: R, budget: &'b Budget<'o>, compressed: Compressed<'b>) -> Self {
        Guard {
            inner,
            budget,
            compressed,
            produced: 0,
            tripped: None,
        }
    }
}

impl<R: Read> Read for Guard<'_, '_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(stop) = self.tripped {
            return Err(io::Error::other(format!("{stop:?}")));
        }
        let n = self.inner.read(buf)?;
        self.produced += n as u64;
        let used = self.budget.used.get() + n as u64;
        self.budget.used.set(used);
        let opts = self.budget.opts;
        let compressed = match self.compressed {
            Compressed::No => None,
            Compressed::Size(n) => Some(n),
            Compressed::Counted(c) => Some(c.get()),
        };
        let stop = if used > opts.budget {
            self.budget.stopped.set(true);
            Some(Stop::Budget)
        } else if compressed.is_some_and(|c| {
            self.produced > RATIO_GRACE && self.produced > c.max(1).saturating_mul(opts.max_ratio)
        }) {
            Some(Stop::Ratio)
        } else {
            None
        };
        if let Some(stop) = stop {
            self.tripped = Some(stop);
            return Err(io::Error::other(format!("{stop:?}")));
        }
        Ok(n)
    }
}

/// Reads `r` to its end into `out`, at most `max` bytes: `Err(size so far)` when over.
fn read_capped(r: impl Read, max: u64, out: &mut Vec<u8>) -> io::Result<Result<(), u64>> {
    out.clear();
    r.take(max.saturating_add(1)).read_to_end(out)?;
    Ok(if out.len() as u64 > max {
        Err(out.len() as u64)
    } else {
        Ok(())
    })
}

/// A name inside an archive as reports show it: `/`-separated, without a leading `/` or
/// `./`, bytes that are not UTF-8 written `\xNN` (as [`super::fs::display_path`] does).
fn entry_name(raw: &[u8]) -> String {
    let s = super::fs::slashed_name(raw);
    let mut t = s.as_str();
    loop {
        if let Some(rest) = t.strip_prefix("./") {
            t = rest;
        } else if let Some(rest) = t.strip_prefix('/') {
            t = rest;
        } else {
            break;
        }
    }
    t.to_string()
}

/// The words of a [`SkipReason::Archive`].
fn skip(path: String, kind: &str, detail: String) -> Skipped {
    Skipped {
        path,
        reason: SkipReason::Archive {
            kind: kind.to_string(),
            detail,
        },
    }
}

/// Opens the archive `data` (the content of `path`, in format `fmt`) and hands every entry
/// to `sink`, as the walk hands files: [`FsEvent::File`] for text (`path!entry`),
/// [`FsEvent::Skipped`] with the reason for anything not scanned.
pub fn expand(
    path: &str,
    data: &[u8],
    fmt: Format,
    opts: &ArchiveOptions,
    sink: &mut dyn FnMut(FsEvent<'_>),
) {
    let budget = Budget {
        opts,
        used: Cell::new(0),
        entries: Cell::new(0),
        stopped: Cell::new(false),
    };
    Opener {
        budget: &budget,
        sink,
    }
    .open(path, data, fmt, 1);
}

struct Opener<'b, 'o, 's> {
    budget: &'b Budget<'o>,
    sink: &'s mut dyn FnMut(FsEvent<'_>),
}

impl Opener<'_, '_, '_> {
    fn skipped(&mut self, s: Skipped) {
        (self.sink)(FsEvent::Skipped(s));
    }

    /// The message for a bound that stopped the archive at `path`.
    fn stopped(&mut self, path: &str, stop: Stop) {
        let opts = self.budget.opts;
        let (kind, detail) = match stop {
            Stop::Budget => (
                "budget",
                format!(
                    "archive stopped: over {} decompressed bytes for one archive; the rest is \
                     not scanned",
                    opts.budget
                ),
            ),
            Stop::Entries => (
                "entries",
                format!(
                    "archive stopped: over {} entries for one archive; the rest is not scanned",
                    opts.max_entries
                ),
            ),
            Stop::Ratio => (
                "ratio",
                format!(
                    "stopped: inflates over {} times its compressed size (a zip bomb?)",
                    opts.max_ratio
                ),
            ),
        };
        self.skipped(skip(path.to_string(), kind, detail));
    }

    fn open(&mut self, path: &str, data: &[u8], fmt: Format, depth: u32) {
        match fmt {
            Format::Zip => self.zip(path, data, depth),
            Format::Tar => self.tar(path, Guard::new(data, self.budget, Compressed::No), depth),
            Format::Gzip => self.gzip(path, data, depth),
        }
    }

    /// One entry's content, handed on like a file read from disk.
    fn entry(&mut self, path: String, data: &[u8], depth: u32) {
        if let Some(fmt) = sniff(&path, data).filter(|_| looks_binary(data)) {
            if depth < self.budget.opts.max_depth {
                self.open(&path, data, fmt, depth + 1);
            } else {
                let detail = format!(
                    "archive nested over {} deep: not opened",
                    self.budget.opts.max_depth
                );
                self.skipped(skip(path, "depth", detail));
            }
            return;
        }
        let mut decoded = Vec::new();
        let (data, encoding) = match sniff_utf16(data) {
            Some(enc) => {
                decode_utf16(data, enc, &mut decoded);
                (&decoded[..], Some(enc))
            }
            None => (data, None),
        };
        if looks_binary(data) {
            self.skipped(Skipped {
                path,
                reason: SkipReason::Binary,
            });
        } else {
            (self.sink)(FsEvent::File(FileBlob {
                path: &path,
                data,
                encoding,
            }));
        }
    }

    fn zip(&mut self, path: &str, data: &[u8], depth: u32) {
        let mut archive = match zip::ZipArchive::new(io::Cursor::new(data)) {
            Ok(a) => a,
            Err(e) => {
                let detail = format!("corrupt zip archive: {e}");
                return self.skipped(skip(path.to_string(), "corrupt", detail));
            }
        };
        let max = self.budget.opts.max_entry_size;
        let mut buf = Vec::new();
        for i in 0..archive.len() {
            if self.budget.stopped.get() {
                return;
            }
            let Ok(meta) = archive.by_index_raw(i) else {
                let detail = format!("corrupt zip archive: entry {i} cannot be read");
                return self.skipped(skip(path.to_string(), "corrupt", detail));
            };
            if meta.is_dir() {
                continue;
            }
            if !self.budget.entry() {
                return self.stopped(path, Stop::Entries);
            }
            let inner = format!("{path}!{}", entry_name(meta.name_raw()));
            let (size, compressed) = (meta.size(), meta.compressed_size());
            if meta.encrypted() {
                drop(meta);
                let detail = "encrypted entry: not scanned".to_string();
                self.skipped(skip(inner, "encrypted", detail));
                continue;
            }
            drop(meta);
            if size > max {
                self.skipped(Skipped {
                    path: inner,
                    reason: SkipReason::TooLarge { size, limit: max },
                });
                continue;
            }
            let file = match archive.by_index(i) {
                Ok(f) => f,
                Err(e) => {
                    let (kind, detail) = match e {
                        zip::result::ZipError::UnsupportedArchive(what) => {
                            ("unsupported", format!("not scanned: {what}"))
                        }
                        e => ("corrupt", format!("corrupt zip entry: {e}")),
                    };
                    self.skipped(skip(inner, kind, detail));
                    continue;
                }
            };
            let mut guard = Guard::new(file, self.budget, Compressed::Size(compressed));
            let read = read_capped(&mut guard, max, &mut buf);
            let tripped = guard.tripped;
            drop(guard);
            match (read, tripped) {
                (_, Some(stop)) => {
                    self.stopped(&inner, stop);
                    if stop != Stop::Ratio {
                        return;
                    }
                }
                (Ok(Ok(())), None) => self.entry(inner, &buf, depth),
                (Ok(Err(size)), None) => self.skipped(Skipped {
                    path: inner,
                    reason: SkipReason::TooLarge { size, limit: max },
                }),
                (Err(e), None) => {
                    let detail = format!("corrupt zip entry: {e}");
                    self.skipped(skip(inner, "corrupt", detail));
                }
            }
        }
    }

    fn gzip(&mut self, path: &str, data: &[u8], depth: u32) {
        let max = self.budget.opts.max_entry_size;
        // The first block tells a tar inside (a `.tgz`) from a single packed file.
        let mut head = Vec::new();
        let count = Cell::new(0);
        let counting = Counting {
            inner: data,
            count: &count,
        };
        let mut probe = Guard::new(
            flate2::read::MultiGzDecoder::new(counting),
            self.budget,
            Compressed::Counted(&count),
        );
        let probed = (&mut probe).take(512).read_to_end(&mut head);
        let (tripped, name) = (probe.tripped, gz_name(path, probe.inner.header()));
        drop(probe);
        if let Some(stop) = tripped {
            return self.stopped(path, stop);
        }
        if let Err(e) = probed {
            let detail = format!("corrupt gzip stream: {e}");
            return self.skipped(skip(path.to_string(), "corrupt", detail));
        }
        count.set(0);
        let counting = Counting {
            inner: data,
            count: &count,
        };
        let decoder = flate2::read::MultiGzDecoder::new(counting);
        let mut guard = Guard::new(decoder, self.budget, Compressed::Counted(&count));
        if is_tar(&head) || (name.to_ascii_lowercase().ends_with(".tar") && tar_checksum_ok(&head))
        {
            return self.tar(path, guard, depth);
        }
        let inner = format!("{path}!{name}");
        let mut buf = Vec::new();
        let read = read_capped(&mut guard, max, &mut buf);
        match (read, guard.tripped) {
            (_, Some(stop)) => self.stopped(path, stop),
            (Ok(Ok(())), None) => {
                if self.budget.entry() {
                    self.entry(inner, &buf, depth);
                } else {
                    self.stopped(path, Stop::Entries);
                }
            }
            (Ok(Err(size)), None) => self.skipped(Skipped {
                path: inner,
                reason: SkipReason::TooLarge { size, limit: max },
            }),
            (Err(e), None) => {
                let detail = format!("corrupt gzip stream: {e}");
                self.skipped(skip(path.to_string(), "corrupt", detail));
            }
        }
    }

    /// A tar read from `reader` (the archive's bytes, or a decompressor over them).
    fn tar<R: Read>(&mut self, path: &str, reader: Guard<'_, '_, R>, depth: u32) {
        let max = self.budget.opts.max_entry_size;
        let mut archive = tar::Archive::new(reader);
        let mut buf = Vec::new();
        let mut failed = None;
        match archive.entries() {
            Err(e) => failed = Some(e),
            Ok(entries) => {
                for entry in entries {
                    if self.budget.stopped.get() {
                        break;
                    }
                    let entry = match entry {
                        Ok(e) => e,
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    };
                    let kind = entry.header().entry_type();
                    if !(kind.is_file() || kind.is_contiguous()) {
                        continue; // folders, links, devices: no content
                    }
                    if !self.budget.entry() {
                        self.stopped(path, Stop::Entries);
                        return;
                    }
                    let inner = format!("{path}!{}", entry_name(&entry.path_bytes()));
                    let size = entry.size();
                    if size > max {
                        // Never read: the archive skips over it (counted against the budget
                        // when it must be decompressed to be skipped).
                        self.skipped(Skipped {
                            path: inner,
                            reason: SkipReason::TooLarge { size, limit: max },
                        });
                        continue;
                    }
                    match read_capped(entry, max, &mut buf) {
                        Ok(Ok(())) => self.entry(inner, &buf, depth),
                        Ok(Err(size)) => self.skipped(Skipped {
                            path: inner,
                            reason: SkipReason::TooLarge { size, limit: max },
                        }),
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    }
                }
            }
        }
        let tripped = archive.into_inner().tripped;
        match (tripped, failed) {
            (Some(stop), _) => self.stopped(path, stop),
            (None, Some(e)) => {
                let detail = format!("corrupt tar archive: {e}");
                self.skipped(skip(path.to_string(), "corrupt", detail));
            }
            (None, None) => {}
        }
    }
}

/// The name of a `.gz`'s content: the name stored in its header, else its own name without
/// `.gz` (`.tgz` gives `.tar`).
fn gz_name(path: &str, header: Option<&flate2::GzHeader>) -> String {
    if let Some(name) = header.and_then(|h| h.filename()).filter(|n| !n.is_empty()) {
        return entry_name(name);
    }
    let base = path.rsplit(['/', '!']).next().unwrap_or(path);
    let lower = base.to_ascii_lowercase();
    if lower.ends_with(".tgz") {
        format!("{}.tar", &base[..base.len() - 4])
    } else if lower.ends_with(".gz") && base.len() > 3 {
        base[..base.len() - 3].to_string()
    } else {
        base.to_string()
    }
}

/// What [`scan_blob`] found in one archive.
#[derive(Debug, Default)]
pub struct ArchiveScan {
    pub findings: Vec<Finding>,
    pub skipped: Vec<Skipped>,
    /// Entries scanned, and their bytes.
    pub entries: u64,
    pub bytes: u64,
}

/// Scans the archive `data` (the content of `path`) with `detector`, or `None` when `data`
/// is not an archive. For the sources that scan one blob at a time (git history).
pub fn scan_blob(
    detector: &Detector,
    scratch: &mut DetectorScratch,
    path: &str,
    data: &[u8],
    opts: &ArchiveOptions,
) -> Option<ArchiveScan> {
    let fmt = sniff(path, data).filter(|_| looks_binary(data))?;
    let mut out = ArchiveScan::default();
    expand(path, data, fmt, opts, &mut |event| match event {
        FsEvent::File(blob) => {
            let mut found = detector.detect(blob.data, blob.path, scratch);
            if let Some(enc) = blob.encoding {
                for f in &mut found {
                    f.decoded = Some(match f.decoded.take() {
                        Some(inner) => format!("{}+{inner}", enc.name()),
                        None => enc.name().to_string(),
                    });
                }
            }
            out.findings.extend(found);
            out.entries += 1;
            out.bytes += blob.data.len() as u64;
        }
        FsEvent::Skipped(s) => out.skipped.push(s),
    });
    Some(out)
}

/// Git paths never hold a NUL: a history scan marks where a finding's path inside an archive
/// begins with one, so that the finding can be moved to each path the blob appears at.
pub const INNER_MARK: char = '\0';

/// The path of a finding of a blob that appears at `at`: `at` itself, or for a finding inside
/// an archive (its path marked with [`INNER_MARK`]) `at!entry`.
pub fn at_path(finding_path: &str, at: &str) -> String {
    match finding_path.split_once(INNER_MARK) {
        Some((_, inner)) => format!("{at}{inner}"),
        None => at.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_magic_not_names() {
        assert_eq!(sniff("x.txt", b"PK\x03\x04rest"), Some(Format::Zip));
        assert_eq!(sniff("x.zip", b"PK but text"), None);
        assert_eq!(sniff("x", &[0x1f, 0x8b, 8, 0]), Some(Format::Gzip));
        let mut tar = vec![0u8; 512];
        tar[257..263].copy_from_slice(b"ustar\0");
        assert_eq!(sniff("anything", &tar), Some(Format::Tar));
        assert_eq!(sniff("plain.tar", &[0u8; 512]), None);
    }

    #[test]
    fn names_are_clean() {
        assert_eq!(entry_name(b"./a\\b/c.env"), "a/b/c.env");
        assert_eq!(entry_name(b"/etc/x"), "etc/x");
        assert_eq!(entry_name(b"caf\xe9"), "caf\\xe9");
        assert_eq!(gz_name("dir/app.env.gz", None), "app.env");
        assert_eq!(gz_name("a.zip!b.TGZ", None), "b.tar");
    }

    /// Runs [`expand`] and returns (scanned paths, (skipped path, reason kind)).
    fn events(data: &[u8], opts: &ArchiveOptions) -> (Vec<String>, Vec<(String, String)>) {
        let (mut files, mut skips) = (Vec::new(), Vec::new());
        let fmt = sniff("t.tar", data).expect("an archive");
        expand("t.tar", data, fmt, opts, &mut |e| match e {
            FsEvent::File(b) => files.push(b.path.to_string()),
            FsEvent::Skipped(s) => {
                let kind = match &s.reason {
                    SkipReason::Archive { kind, .. } => kind.clone(),
                    r => r.kind().to_string(),
                };
                skips.push((s.path, kind));
            }
        });
        (files, skips)
    }

    fn tar_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (name, data) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, name, &data[..]).unwrap();
        }
        b.into_inner().unwrap()
    }

    #[test]
    fn the_budget_stops_the_archive_and_keeps_what_was_read() {
        let text = vec![b'a'; 600 << 10];
        let data = tar_of(&[
            ("1.txt", text.clone()),
            ("2.txt", text.clone()),
            ("3.txt", text),
        ]);
        let opts = ArchiveOptions {
            budget: 1 << 20,
            ..ArchiveOptions::new(10 << 20)
        };
        let (files, skips) = events(&data, &opts);
        assert_eq!(files, ["t.tar!1.txt"]);
        assert_eq!(skips, [("t.tar".to_string(), "budget".to_string())]);
    }

    #[test]
    fn the_entry_budget_and_size_limit() {
        let data = tar_of(&[
            ("a", b"1".to_vec()),
            ("big", vec![b'b'; 100]),
            ("c", b"3".to_vec()),
        ]);
        let opts = ArchiveOptions {
            max_entries: 2,
            ..ArchiveOptions::new(10)
        };
        let (files, skips) = events(&data, &opts);
        assert_eq!(files, ["t.tar!a"]);
        assert_eq!(
            skips,
            [
                ("t.tar!big".to_string(), "too_large".to_string()),
                ("t.tar".to_string(), "entries".to_string())
            ]
        );
    }

    #[test]
    fn moves_inner_paths() {
        assert_eq!(at_path("old.zip\0!a.env", "new.zip"), "new.zip!a.env");
        assert_eq!(at_path("old.env", "new.env"), "new.env");
    }
}
