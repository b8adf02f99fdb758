//! Full git history: every blob ever committed, each scanned once, each finding attributed to
//! the commit(s) that introduced the secret.
//!
//! How (after Nosey Parker, see `../shared/research/rust-stack.md` §1.5, §3.1):
//! 1. Walk the commits reachable from the chosen tips (all refs by default).
//! 2. Diff each commit's tree against its first parent (merges: against every parent, keeping
//!    only what is new to all of them), recording each blob a commit adds or changes at a path:
//!    an *appearance* (commit, path, the blob it replaced).
//! 3. Scan each unique blob once, in parallel, streaming blobs to the workers (memory stays
//!    bounded by the number of threads, not the size of the history).
//! 4. An appearance reports the secrets in its blob that were not already in the blob it
//!    replaced, so a secret is attributed to the commit that added it, not to every later
//!    commit that edited the same file.
//! 5. A secret is *still present at HEAD* when a blob of HEAD's tree holds the same fingerprint.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context};
use gix::bstr::ByteSlice;
use gix::diff::tree::recorder::Change;
use gix::objs::FindExt;
use gix::ObjectId;
use rayon::prelude::*;
use serde::Serialize;

use super::{is_lfs_pointer, open_repo, read_blob};
use crate::detect::Detector;
use crate::findings::{CommitInfo, Finding};
use crate::sources::{Progress, SourceOutcome};
use crate::sources::{SkipReason, Skipped};
use crate::time::iso8601_utc;

/// What part of the history to scan.
#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    pub repo: PathBuf,
    /// Only commits reachable from this revision (default: all refs and HEAD).
    pub branch: Option<String>,
    /// `A..B`: commits reachable from B and not from A (what a pull request adds).
    pub range: Option<String>,
    /// Only commits committed at or after this time (epoch seconds).
    pub since: Option<i64>,
    /// Explicit walk: commits reachable from these revisions... (used by the pre-push hook)
    pub tips: Vec<String>,
    /// ...and not from these.
    pub hidden: Vec<String>,
    pub max_file_size: u64,
    pub threads: usize,
}

/// History-specific counts, reported in the JSON `stats.git` object.
#[derive(Debug, Default, Clone, Serialize)]
pub struct HistoryStats {
    pub commits: u64,
    /// Distinct blobs seen in the scanned commits.
    pub unique_blobs: u64,
    /// Blobs actually decoded and scanned (each unique blob once).
    pub blobs_scanned: u64,
    /// (commit, path, blob) introductions found by the tree diffs.
    pub blob_appearances: u64,
    pub lfs_pointers_skipped: u64,
    pub submodules_not_entered: u64,
    /// True for a shallow clone: history before the shallow boundary is not there to scan.
    pub shallow: bool,
}

struct CommitMeta {
    id: ObjectId,
    tree: ObjectId,
    parents: Vec<ObjectId>,
    author: String,
    email: String,
    time: i64,
    subject: String,
}

/// A blob added or changed at a path by a commit.
struct Appearance {
    commit: usize,
    path: String,
    replaced: Option<ObjectId>,
}

enum BlobOutcome {
    Clean(u64),
    Findings(u64, Vec<Finding>),
    Skipped(SkipReason),
    Lfs,
}

/// Scans the history; the outcome's findings carry [`CommitInfo`].
pub fn scan_history(
    detector: &Detector,
    opts: &HistoryOptions,
    progress: &dyn Progress,
) -> anyhow::Result<(SourceOutcome, HistoryStats)> {
    let started = Instant::now();
    let repo = open_repo(&opts.repo)?;
    let mut stats = HistoryStats {
        shallow: repo.is_shallow().unwrap_or(false),
        ..HistoryStats::default()
    };
    let commits = walk_commits(&repo, opts)?;
    stats.commits = commits.len() as u64;

    // Tree diffs: which blob appears where, introduced by which commit.
    let mut appearances: HashMap<ObjectId, Vec<Appearance>> = HashMap::new();
    let tree_of: HashMap<ObjectId, ObjectId> = commits.iter().map(|c| (c.id, c.tree)).collect();
    let mut differ = TreeDiffer::default();
    let mut skipped = Vec::new();
    for (ci, c) in commits.iter().enumerate() {
        let parent_trees: Vec<Option<ObjectId>> = if c.parents.is_empty() {
            vec![None]
        } else {
            c.parents
                .iter()
                .map(|p| tree_of.get(p).copied().or_else(|| parent_tree(&repo, *p)))
                .collect()
        };
        match differ.introduced(&repo, &parent_trees, c.tree) {
            Ok((changes, submodules)) => {
                stats.submodules_not_entered += submodules;
                for (path, blob, replaced) in changes {
                    stats.blob_appearances += 1;
                    appearances.entry(blob).or_default().push(Appearance {
                        commit: ci,
                        path,
                        replaced,
                    });
                }
            }
            Err(e) => skipped.push(Skipped {
                path: format!("commit {}", c.id),
                reason: SkipReason::Unreadable {
                    error: format!("{e:#}"),
                },
            }),
        }
    }
    stats.unique_blobs = appearances.len() as u64;

    // Scan every unique blob once, in parallel.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()?;
    let sync_repo = repo.clone().into_sync();
    let blob_ids: Vec<ObjectId> = appearances.keys().copied().collect();
    let first_path = |id: &ObjectId| appearances[id][0].path.clone();
    let results: Vec<(ObjectId, BlobOutcome)> = pool.install(|| {
        blob_ids
            .par_iter()
            .map_init(
                || {
                    (
                        sync_repo.to_thread_local(),
                        detector.new_scratch(),
                        Vec::new(),
                    )
                },
                |(repo, scratch, buf), id| {
                    let outcome = scan_blob(
                        repo,
                        detector,
                        scratch,
                        buf,
                        *id,
                        &first_path(id),
                        opts.max_file_size,
                    );
                    progress.file_done(0);
                    (*id, outcome)
                },
            )
            .collect()
    });
    stats.blobs_scanned = results.len() as u64;

    let mut per_blob: HashMap<ObjectId, Vec<Finding>> = HashMap::new();
    let mut bytes_scanned = 0;
    for (id, outcome) in results {
        match outcome {
            BlobOutcome::Clean(bytes) => bytes_scanned += bytes,
            BlobOutcome::Findings(bytes, f) => {
                bytes_scanned += bytes;
                per_blob.insert(id, f);
            }
            BlobOutcome::Lfs => stats.lfs_pointers_skipped += 1,
            BlobOutcome::Skipped(reason) => skipped.push(Skipped {
                path: format!("{} (blob {id})", first_path(&id)),
                reason,
            }),
        }
    }

    // Fingerprints of a blob outside the scanned set (the parent side of a range's first
    // commit, or HEAD outside the range), scanned on demand.
    let mut extra_scratch = detector.new_scratch();
    let mut extra_buf = Vec::new();
    let mut fingerprints_of =
        |id: ObjectId, path: &str, per_blob: &HashMap<ObjectId, Vec<Finding>>| -> HashSet<String> {
            if appearances.contains_key(&id) {
                return per_blob
                    .get(&id)
                    .map(|f| f.iter().map(|f| f.fingerprint.clone()).collect())
                    .unwrap_or_default();
            }
            match scan_blob(
                &repo,
                detector,
                &mut extra_scratch,
                &mut extra_buf,
                id,
                path,
                opts.max_file_size,
            ) {
                BlobOutcome::Findings(_, f) => f.into_iter().map(|f| f.fingerprint).collect(),
                _ => HashSet::new(),
            }
        };

    let head_fingerprints = head_fingerprints(&repo, &per_blob, &mut fingerprints_of);

    let mut findings = Vec::new();
    for (blob, blob_findings) in &per_blob {
        for app in &appearances[blob] {
            let before = app
                .replaced
                .map(|r| fingerprints_of(r, &app.path, &per_blob))
                .unwrap_or_default();
            let c = &commits[app.commit];
            for f in blob_findings
                .iter()
                .filter(|f| !before.contains(&f.fingerprint))
            {
                let mut f = f.clone();
                f.path.clone_from(&app.path);
                f.commit = Some(CommitInfo {
                    commit: c.id.to_string(),
                    author: c.author.clone(),
                    email: c.email.clone(),
                    date: iso8601_utc(c.time),
                    subject: c.subject.clone(),
                    in_head: head_fingerprints.contains(&f.fingerprint),
                });
                findings.push(f);
            }
        }
    }

    let mut outcome = SourceOutcome {
        findings,
        skipped,
        ..SourceOutcome::default()
    };
    outcome.stats.files_scanned = stats.blobs_scanned;
    outcome.stats.bytes_scanned = bytes_scanned;
    outcome.stats.published_samples = detector.published_samples_dropped();
    outcome.finish(started);
    // History order: oldest introduction first, then by place.
    outcome.findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            f.commit
                .as_ref()
                .map(|c| c.date.clone())
                .unwrap_or_default()
        };
        (key(a), &a.path, a.line, a.column, &a.rule_id).cmp(&(
            key(b),
            &b.path,
            b.line,
            b.column,
            &b.rule_id,
        ))
    });
    Ok((outcome, stats))
}

fn parent_tree(repo: &gix::Repository, commit: ObjectId) -> Option<ObjectId> {
    repo.find_commit(commit)
        .ok()?
        .tree_id()
        .ok()
        .map(|t| t.detach())
}

/// Commits to scan, newest first as the walk yields them.
fn walk_commits(repo: &gix::Repository, opts: &HistoryOptions) -> anyhow::Result<Vec<CommitMeta>> {
    let resolve = |spec: &str| -> anyhow::Result<ObjectId> {
        let id = repo
            .rev_parse_single(spec.as_bytes().as_bstr())
            .with_context(|| format!("cannot resolve {spec:?} in {}", opts.repo.display()))?;
        Ok(id
            .object()?
            .peel_to_commit()
            .with_context(|| format!("{spec:?} is not a commit"))?
            .id)
    };
    let mut hidden = Vec::new();
    let tips: Vec<ObjectId> = if !opts.tips.is_empty() {
        for h in &opts.hidden {
            hidden.push(resolve(h)?);
        }
        opts.tips
            .iter()
            .map(|t| resolve(t))
            .collect::<anyhow::Result<_>>()?
    } else if let Some(range) = &opts.range {
        let Some((from, to)) = range.split_once("..") else {
            bail!("--range takes A..B, got {range:?}");
        };
        let to = if to.is_empty() { "HEAD" } else { to };
        hidden.push(resolve(from)?);
        vec![resolve(to)?]
    } else if let Some(branch) = &opts.branch {
        vec![resolve(branch)?]
    } else {
        let mut tips = Vec::new();
        if let Ok(head) = repo.head_id() {
            tips.push(head.detach());
        }
        for r in repo.references()?.all()? {
            let Ok(mut r) = r else { continue };
            if let Ok(commit) = r.peel_to_commit() {
                tips.push(commit.id);
            }
        }
        tips.sort();
        tips.dedup();
        tips
    };
    if tips.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for info in repo.rev_walk(tips).with_hidden(hidden).all()? {
        let info = info?;
        let commit = info.object()?;
        let author = commit.author()?;
        let time = author.seconds();
        if opts
            .since
            .is_some_and(|since| commit.time().map(|t| t.seconds).unwrap_or(time) < since)
        {
            continue;
        }
        out.push(CommitMeta {
            id: info.id,
            tree: commit.tree_id()?.detach(),
            parents: info.parent_ids.iter().copied().collect(),
            author: author.name.to_str_lossy().trim().to_string(),
            email: author.email.to_str_lossy().trim().to_string(),
            time,
            subject: commit.message()?.summary().to_str_lossy().into_owned(),
        });
    }
    Ok(out)
}

/// Reusable buffers for tree diffs.
#[derive(Default)]
struct TreeDiffer {
    state: gix::diff::tree::State,
    old_buf: Vec<u8>,
    new_buf: Vec<u8>,
}

type Introduced = Vec<(String, ObjectId, Option<ObjectId>)>;

impl TreeDiffer {
    /// Blobs `tree` adds or changes relative to `parents` (to *every* parent, for a merge),
    /// as (path, blob, replaced blob); plus the number of submodule entries it changes.
    fn introduced(
        &mut self,
        repo: &gix::Repository,
        parents: &[Option<ObjectId>],
        tree: ObjectId,
    ) -> anyhow::Result<(Introduced, u64)> {
        let mut result: Option<Introduced> = None;
        let mut submodules = 0;
        for parent in parents {
            let changes = self.diff(repo, *parent, tree)?;
            let mut blobs = Vec::new();
            for change in changes {
                let (mode, oid, path, replaced) = match change {
                    Change::Addition {
                        entry_mode,
                        oid,
                        path,
                        ..
                    } => (entry_mode, oid, path, None),
                    Change::Modification {
                        entry_mode,
                        oid,
                        path,
                        previous_oid,
                        previous_entry_mode,
                    } => {
                        let replaced = previous_entry_mode.is_blob().then_some(previous_oid);
                        (entry_mode, oid, path, replaced)
                    }
                    Change::Deletion { .. } => continue,
                };
                if mode.is_commit() {
                    submodules += 1;
                } else if mode.is_blob() {
                    blobs.push((path.to_str_lossy().into_owned(), oid, replaced));
                }
            }
            result = Some(match result {
                None => blobs,
                Some(prev) => prev
                    .into_iter()
                    .filter(|(p, o, _)| blobs.iter().any(|(bp, bo, _)| bp == p && bo == o))
                    .collect(),
            });
        }
        Ok((result.unwrap_or_default(), submodules))
    }

    fn diff(
        &mut self,
        repo: &gix::Repository,
        old: Option<ObjectId>,
        new: ObjectId,
    ) -> anyhow::Result<Vec<Change>> {
        let new_iter = repo.objects.find_tree_iter(&new, &mut self.new_buf)?;
        let old_iter = match old {
            Some(old) => repo.objects.find_tree_iter(&old, &mut self.old_buf)?,
            None => gix::objs::TreeRefIter::from_bytes(&[], repo.object_hash()),
        };
        let mut recorder = gix::diff::tree::Recorder::default();
        gix::diff::tree(
            old_iter,
            new_iter,
            &mut self.state,
            &repo.objects,
            &mut recorder,
        )?;
        Ok(recorder.records)
    }
}

/// Reads and scans one blob. Never fails: a broken object is a skip with its reason.
fn scan_blob(
    repo: &gix::Repository,
    detector: &Detector,
    scratch: &mut crate::detect::DetectorScratch,
    buf: &mut Vec<u8>,
    id: ObjectId,
    path: &str,
    max_size: u64,
) -> BlobOutcome {
    let data = match read_blob(repo, id, max_size, buf) {
        Ok(data) => data,
        Err(reason) => return BlobOutcome::Skipped(reason),
    };
    if is_lfs_pointer(data) {
        return BlobOutcome::Lfs;
    }
    let found = detector.detect(data, path, scratch);
    let bytes = data.len() as u64;
    if found.is_empty() {
        BlobOutcome::Clean(bytes)
    } else {
        BlobOutcome::Findings(bytes, found)
    }
}

/// Fingerprints of the secrets in HEAD's tree.
fn head_fingerprints(
    repo: &gix::Repository,
    per_blob: &HashMap<ObjectId, Vec<Finding>>,
    fingerprints_of: &mut impl FnMut(
        ObjectId,
        &str,
        &HashMap<ObjectId, Vec<Finding>>,
    ) -> HashSet<String>,
) -> HashSet<String> {
    let Ok(tree) = repo.head_tree() else {
        return HashSet::new();
    };
    let mut rec = gix::traverse::tree::Recorder::default();
    if tree.traverse().breadthfirst(&mut rec).is_err() {
        return HashSet::new();
    }
    let mut out = HashSet::new();
    for e in rec.records.iter().filter(|e| e.mode.is_blob()) {
        out.extend(fingerprints_of(e.oid, &e.filepath.to_str_lossy(), per_blob));
    }
    out
}
