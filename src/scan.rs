//! Orchestration of a working-tree scan: files → detector → findings, with counts.
//!
//! Each walker thread owns its detector scratch; findings and skips are rare, so they go to
//! shared vectors under a lock, and the per-file counters are atomics.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::detect::Detector;
use crate::findings::Finding;
use crate::sources::fs::{self, FsEvent, FsOptions};
use crate::sources::Skipped;

/// Everything a scan produced.
#[derive(Debug, Default)]
pub struct ScanOutcome {
    pub findings: Vec<Finding>,
    pub skipped: Vec<Skipped>,
    pub stats: ScanStats,
    /// Set by the git sources (history or staged scans).
    pub git_stats: Option<crate::sources::git::GitStats>,
    /// Findings the suppression stage dropped, by mechanism.
    pub suppressed: crate::suppress::SuppressedCounts,
    /// Ignore-file and baseline entries that matched nothing (`--report-unused-ignores`).
    pub unused_ignores: Option<Vec<crate::suppress::UnusedIgnore>>,
}

/// Counts for the summary line and the JSON `stats` object.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ScanStats {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub skipped_binary: u64,
    pub skipped_too_large: u64,
    pub skipped_unreadable: u64,
    #[serde(serialize_with = "as_millis")]
    #[serde(rename = "elapsed_ms")]
    pub elapsed: Duration,
}

fn as_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
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

/// Scans files and folders on disk.
pub fn scan_files(
    detector: &Detector,
    opts: &FsOptions,
    progress: &dyn Progress,
) -> anyhow::Result<ScanOutcome> {
    let started = Instant::now();
    let findings = Mutex::new(Vec::new());
    let skipped = Mutex::new(Vec::new());
    let files = AtomicU64::new(0);
    let bytes = AtomicU64::new(0);
    fs::walk(opts, || {
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
    let mut outcome = ScanOutcome {
        findings: findings.into_inner().expect("findings lock"),
        skipped: skipped.into_inner().expect("skipped lock"),
        stats: ScanStats {
            files_scanned: files.into_inner(),
            bytes_scanned: bytes.into_inner(),
            ..ScanStats::default()
        },
        ..ScanOutcome::default()
    };
    outcome.finish(started);
    Ok(outcome)
}

impl ScanOutcome {
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
