//! Where content comes from. Each source turns its inputs into blobs for the engine and says
//! what it could not scan, and why.

pub mod fs;
pub mod git;

use serde::Serialize;
use std::fmt;

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
