//! Where content comes from. Each source turns its inputs into blobs for the engine and says
//! what it could not scan, and why.

pub mod fs;
pub mod git;

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

/// Something a source did not scan.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    #[serde(flatten)]
    pub reason: SkipReason,
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
}

impl SkipReason {
    /// Short stable name, used for counting.
    pub fn kind(&self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge { .. } => "too_large",
            SkipReason::Unreadable { .. } => "unreadable",
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
    /// Candidates dropped because their vendor publishes them as samples.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub published_samples: u64,
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
        self.skipped_binary + self.skipped_too_large + self.skipped_unreadable
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
                _ => self.stats.skipped_unreadable += 1,
            }
        }
        self.stats.elapsed = started.elapsed();
    }
}
