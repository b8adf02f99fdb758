//! What a report shows: what the sources found and skipped, after suppression (with its
//! counts) and verification.

use crate::findings::Finding;
use crate::sources::git::GitStats;
use crate::sources::{ScanStats, Skipped, SourceOutcome};
use crate::suppress::{SuppressedCounts, Suppression, UnusedIgnore};

/// Everything a report is made from.
#[derive(Debug, Default)]
pub struct ScanOutcome {
    pub findings: Vec<Finding>,
    pub skipped: Vec<Skipped>,
    pub stats: ScanStats,
    /// Set by the git sources (history or staged scans).
    pub git_stats: Option<GitStats>,
    /// Findings the suppression stage dropped, by mechanism.
    pub suppressed: SuppressedCounts,
    /// Ignore-file and baseline entries that matched nothing (`--report-unused-ignores`).
    pub unused_ignores: Option<Vec<UnusedIgnore>>,
}

impl ScanOutcome {
    /// A source's outcome whose findings went through `suppression`.
    pub fn new(source: SourceOutcome, suppression: Suppression) -> ScanOutcome {
        ScanOutcome {
            findings: source.findings,
            skipped: source.skipped,
            stats: source.stats,
            git_stats: source.git_stats,
            suppressed: suppression.counts,
            unused_ignores: suppression.unused,
        }
    }
}
