//! The staged index (pre-commit mode): what `git commit` would record, compared to HEAD.
//!
//! The index blob is scanned, never the work-tree file, so `git add -p` and files edited after
//! staging are judged by what will actually be committed. Only secrets on *added* lines are
//! reported: a line counts as added when its exact content is not among the lines of the file
//! at HEAD (so a line that only moved is not new). A file staged under a new path whose content
//! is a blob HEAD had at a path the commit deletes (a pure rename) adds nothing; for a
//! renamed-and-edited file, secrets that HEAD held in a file the commit deletes are not new
//! either. Which entries changed comes from [`super::index_diff`], which reads only the parts
//! of HEAD along the changed paths.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use gix::bstr::ByteSlice;
use gix::ObjectId;

use super::index_diff::{diff_index_to_head, StagedFile};
use super::{is_lfs_pointer, open_repo, read_blob};
use crate::detect::Detector;
use crate::findings::Finding;
use crate::sources::Skipped;
use crate::sources::SourceOutcome;

/// Staged-scan counts, in the JSON `stats.git` object.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct StagedStats {
    pub staged_files: u64,
    pub unborn_head: bool,
    pub conflicted_paths: u64,
}

/// Scans the staged changes of the repository containing `dir`.
pub fn scan_staged(
    detector: &Detector,
    dir: &Path,
    max_size: u64,
) -> anyhow::Result<(SourceOutcome, StagedStats)> {
    let started = Instant::now();
    let repo = open_repo(dir)?;
    let index = repo.index_or_empty()?;
    let mut stats = StagedStats::default();

    let head_tree = match repo.head_tree_id() {
        Ok(id) => Some(id.detach()),
        Err(_) => {
            stats.unborn_head = true;
            None
        }
    };
    let diff = diff_index_to_head(&repo, &index, head_tree)?;
    stats.conflicted_paths = diff.conflicted;
    let deleted = diff.deleted;
    let renamed_from: HashSet<ObjectId> = deleted.iter().map(|(_, id)| *id).collect();

    let mut scratch = detector.new_scratch();
    let mut buf = Vec::new();
    let mut old_buf = Vec::new();
    let mut findings = Vec::new();
    let mut skipped = Vec::new();
    let mut bytes = 0u64;
    let mut deleted_fps: Option<HashSet<String>> = None;
    for StagedFile { path, id, head_id } in diff.changed {
        stats.staged_files += 1;
        if head_id.is_none() && renamed_from.contains(&id) {
            continue; // a pure rename: content HEAD had at a path this commit deletes
        }
        let data = match read_blob(&repo, id, max_size, &mut buf) {
            Ok(d) => d,
            Err(reason) => {
                skipped.push(Skipped { path, reason });
                continue;
            }
        };
        if is_lfs_pointer(data) {
            continue;
        }
        bytes += data.len() as u64;
        let found = detector.detect(data, &path, &mut scratch);
        if found.is_empty() {
            continue;
        }
        let kept: Vec<Finding> = match head_id {
            Some(old_id) => {
                let old = read_blob(&repo, old_id, max_size, &mut old_buf).unwrap_or(&[]);
                let added = added_lines(old, data);
                // New when any line it spans is added: a rotated PEM key keeps its
                // `-----BEGIN` line, and a rotated secret may keep its key id's line.
                found
                    .into_iter()
                    .filter(|f| {
                        (f.line..=f.end_line.max(f.line)).any(|l| added.contains(&l))
                            || f.parts.iter().any(|p| added.contains(&p.line))
                    })
                    .collect()
            }
            None => {
                let before = deleted_fps.get_or_insert_with(|| {
                    let mut fps = HashSet::new();
                    for (dpath, did) in &deleted {
                        if let Ok(d) = read_blob(&repo, *did, max_size, &mut old_buf) {
                            fps.extend(
                                detector
                                    .detect(d, dpath, &mut scratch)
                                    .into_iter()
                                    .map(|f| f.fingerprint),
                            );
                        }
                    }
                    fps
                });
                found
                    .into_iter()
                    .filter(|f| !before.contains(&f.fingerprint))
                    .collect()
            }
        };
        findings.extend(kept);
    }
    let mut outcome = SourceOutcome {
        findings,
        skipped,
        ..SourceOutcome::default()
    };
    outcome.stats.files_scanned = stats.staged_files;
    outcome.stats.bytes_scanned = bytes;
    outcome.stats.published_samples = detector.published_samples_dropped();
    outcome.finish(started);
    Ok((outcome, stats))
}

/// 1-based numbers of the lines of `new` whose content is not a line of `old` (each old line
/// can account for one new line).
pub fn added_lines(old: &[u8], new: &[u8]) -> HashSet<usize> {
    let mut available: HashMap<&[u8], usize> = HashMap::new();
    for line in old.lines() {
        *available.entry(line).or_default() += 1;
    }
    let mut added = HashSet::new();
    for (i, line) in new.lines().enumerate() {
        match available.get_mut(line) {
            Some(n) if *n > 0 => *n -= 1,
            _ => {
                added.insert(i + 1);
            }
        }
    }
    added
}

#[cfg(test)]
mod tests {
    use super::added_lines;

    #[test]
    fn added_lines_ignores_moves_and_counts_duplicates() {
        let old = b"a\nb\nc\n";
        let new = b"b\na\nx\nc\nc\n";
        let mut got: Vec<_> = added_lines(old, new).into_iter().collect();
        got.sort();
        assert_eq!(got, vec![3, 5]);
        assert_eq!(added_lines(b"", b"k\n").len(), 1);
    }
}
