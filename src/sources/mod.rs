//! Where content comes from. Each source turns its inputs into blobs for the engine and says
//! what it could not scan, and why.

pub mod archive;
pub mod fs;
pub mod git;
pub mod ignored;
pub mod tracked;

use serde::Serialize;
use std::fmt;
use std::time::{Duration, Instant};

use crate::findings::Finding;

/// Bytes of a blob sniffed for a NUL to call it binary (the same heuristic git and ripgrep use).
pub const BINARY_SNIFF_LEN: usize = 8192;

/// True when `data` looks binary: a NUL byte in its first [`BINARY_SNIFF_LEN`] bytes.
pub fn looks_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_SNIFF_LEN)]).is_some()
}

/// A text encoding other than UTF-8 that a source decodes before scanning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf16Le,
    Utf16Be,
}

impl TextEncoding {
    /// The name reports give it (in a finding's `decoded`).
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
        }
    }
}

/// Bytes sniffed for UTF-16 without a byte order mark.
const UTF16_SNIFF_LEN: usize = 512;

/// Whether `data` is UTF-16 text, which [`looks_binary`] would call binary since every ASCII
/// character carries a NUL: only content with a NUL in its first 8 KiB is a candidate (a
/// Latin-1 file that happens to start with `ÿþ` stays as it is), and it must then start with a
/// byte order mark or, without one, have NULs in every other byte of its first bytes (at
/// least 90% of the high bytes NUL, at most 10% of the low bytes) as ASCII-range text in
/// UTF-16 has. Cheap: it looks at 8 KiB at most.
pub fn sniff_utf16(data: &[u8]) -> Option<TextEncoding> {
    if !looks_binary(data) {
        return None;
    }
    match data {
        [0xFF, 0xFE, ..] => return Some(TextEncoding::Utf16Le),
        [0xFE, 0xFF, ..] => return Some(TextEncoding::Utf16Be),
        _ => {}
    }
    let head = &data[..data.len().min(UTF16_SNIFF_LEN) & !1];
    let units = head.len() / 2;
    if units < 2 {
        return None;
    }
    let (mut even_nul, mut odd_nul) = (0, 0);
    for pair in head.chunks_exact(2) {
        even_nul += usize::from(pair[0] == 0);
        odd_nul += usize::from(pair[1] == 0);
    }
    let mostly = |n: usize| n * 10 >= units * 9;
    let rarely = |n: usize| n * 10 <= units;
    if mostly(odd_nul) && rarely(even_nul) {
        Some(TextEncoding::Utf16Le)
    } else if mostly(even_nul) && rarely(odd_nul) {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

/// `data` (UTF-16 in `enc`, with or without a byte order mark) as UTF-8, written into `out`.
/// Unpaired surrogates and an odd last byte become U+FFFD, as lossy UTF-8 decoding does.
pub fn decode_utf16(data: &[u8], enc: TextEncoding, out: &mut Vec<u8>) {
    out.clear();
    out.reserve(data.len() / 2 + data.len() / 8);
    let units = data.chunks_exact(2).map(|p| match enc {
        TextEncoding::Utf16Le => u16::from_le_bytes([p[0], p[1]]),
        TextEncoding::Utf16Be => u16::from_be_bytes([p[0], p[1]]),
    });
    let mut units = units.peekable();
    if units.peek() == Some(&0xFEFF) {
        units.next();
    }
    let mut tmp = [0u8; 4];
    for c in char::decode_utf16(units) {
        let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
        out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
    }
    if data.len() % 2 == 1 {
        out.extend_from_slice("\u{FFFD}".as_bytes());
    }
}

/// The most scanning threads a `-j N` gets: four per core (scanning is CPU-bound; more only
/// helps to hide slow disks), and never more than [`MAX_THREADS`]. `-j 100000` once spawned
/// 9,084 threads and used 22.8 GB.
pub fn thread_cap() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores * 4).min(MAX_THREADS)
}

/// The hard ceiling of [`thread_cap`].
pub const MAX_THREADS: usize = 64;

/// `requested` threads (0: one per core) within [`thread_cap`]; a capped request is said on
/// stderr, so `-j` never silently means something else.
pub fn cap_threads(requested: usize) -> usize {
    let cap = thread_cap();
    if requested > cap {
        eprintln!(
            "leakhound: note: -j {requested} capped at {cap} threads (4 per core, at most {MAX_THREADS})"
        );
        return cap;
    }
    requested
}

/// Something a source did not scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
}

/// As reports write it: the path, its bytes in hex when the name is not UTF-8 (see
/// [`fs::path_bytes`]), then the reason's fields.
impl Serialize for Skipped {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Out<'a> {
            path: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            path_bytes: Option<String>,
            #[serde(flatten)]
            reason: &'a SkipReason,
        }
        Out {
            path: &self.path,
            path_bytes: fs::path_bytes(&self.path).map(|b| crate::encoding::hex(&b)),
            reason: &self.reason,
        }
        .serialize(s)
    }
}

/// Why something was not scanned.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum SkipReason {
    /// A NUL byte in the first 8 KiB.
    Binary,
    /// Larger than `--max-file-size`.
    TooLarge { size: u64, limit: u64 },
    /// Could not be read (permissions, vanished, I/O error, broken object).
    Unreadable { error: String },
    /// Not a regular file: a named pipe or socket found while walking a folder, a device, a
    /// symlink leading out of the scanned folders (or nowhere). `kind` says which
    /// (`fifo`, `socket`, `char_device`, `block_device`, `symlink`), `detail` why.
    Special { kind: String, detail: String },
    /// Inside an archive (see [`archive`]): an entry or an archive not opened or not read to
    /// its end. `kind` says why (`encrypted`, `corrupt`, `unsupported`, `depth`, and the
    /// bounds `ratio`, `budget`, `entries`), `detail` in words.
    Archive { kind: String, detail: String },
}

impl SkipReason {
    /// Short stable name, used for counting.
    pub fn kind(&self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge { .. } => "too_large",
            SkipReason::Unreadable { .. } => "unreadable",
            SkipReason::Special { .. } => "special",
            SkipReason::Archive { .. } => "archive",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Binary => f.write_str("binary file"),
            SkipReason::TooLarge { size, limit } => {
                write!(
                    f,
                    "file is {size} bytes, over the {limit}-byte limit (--max-file-size)"
                )
            }
            SkipReason::Unreadable { error } => write!(f, "cannot read: {error}"),
            SkipReason::Special { detail, .. } | SkipReason::Archive { detail, .. } => {
                f.write_str(detail)
            }
        }
    }
}

/// What a source produced: its findings (before suppression), what it skipped, and counts.
#[derive(Debug, Default)]
pub struct SourceOutcome {
    pub findings: Vec<Finding>,
    pub skipped: Vec<Skipped>,
    pub stats: ScanStats,
    /// Set by the git sources (history or staged scans).
    pub git_stats: Option<git::GitStats>,
}

/// Counts for the summary line and the JSON `stats` object.
#[derive(Debug, Default, Clone, Serialize, serde::Deserialize)]
pub struct ScanStats {
    #[serde(default)]
    pub files_scanned: u64,
    #[serde(default)]
    pub bytes_scanned: u64,
    #[serde(default)]
    pub skipped_binary: u64,
    #[serde(default)]
    pub skipped_too_large: u64,
    #[serde(default)]
    pub skipped_unreadable: u64,
    /// Not regular files (pipes, sockets, devices, symlinks not followed); see
    /// [`SkipReason::Special`].
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skipped_special: u64,
    /// Archive entries, or archives, not read (see [`SkipReason::Archive`]).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skipped_archive: u64,
    /// Candidates dropped because their vendor publishes them as samples.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub published_samples: u64,
    /// Paths a folder scan left out by ignore files and excludes, by reason (an ignored
    /// folder counts as one path); `None` for git sources, which have no such rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignored: Option<ignored::IgnoredCounts>,
    #[serde(with = "millis", rename = "elapsed_ms", default)]
    pub elapsed: Duration,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

mod millis {
    use std::time::Duration;

    pub fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let ms: u64 = serde::Deserialize::deserialize(d)?;
        Ok(Duration::from_millis(ms))
    }
}

impl ScanStats {
    pub fn skipped_total(&self) -> u64 {
        self.skipped_binary
            + self.skipped_too_large
            + self.skipped_unreadable
            + self.skipped_special
            + self.skipped_archive
    }
}

/// Something to tell about progress (a progress bar, or nothing).
pub trait Progress: Sync {
    fn file_done(&self, bytes: u64);
}

impl Progress for () {
    fn file_done(&self, _: u64) {}
}

impl SourceOutcome {
    /// Sorts everything into a stable order and fills in the derived counts.
    pub fn finish(&mut self, started: Instant) {
        self.findings.sort_by(|a, b| {
            (&a.path, a.line, a.column, &a.rule_id).cmp(&(&b.path, b.line, b.column, &b.rule_id))
        });
        self.skipped.sort_by(|a, b| a.path.cmp(&b.path));
        for s in &self.skipped {
            match s.reason.kind() {
                "binary" => self.stats.skipped_binary += 1,
                "too_large" => self.stats.skipped_too_large += 1,
                "special" => self.stats.skipped_special += 1,
                "archive" => self.stats.skipped_archive += 1,
                _ => self.stats.skipped_unreadable += 1,
            }
        }
        self.stats.elapsed = started.elapsed();
    }
}
