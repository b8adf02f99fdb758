//! Full git history: every blob ever committed, each scanned once, each finding attributed to
//! the commit(s) that introduced the secret.
//!
//! How (after Nosey Parker, see `../shared/research/rust-stack.md` §1.5, §3.1):
//! 1. Walk the commits reachable from the chosen tips (all refs by default), keeping for each
//!    only its id, tree, time and what it is diffed against, and lay them out so that a commit
//!    is followed by its first parent ([`walk`]).
//! 2. Workers (one per thread) take contiguous runs of that order ([`runs`]) and diff each
//!    commit's tree against its parent's (a merge: against all its parents at once, keeping
//!    only what is new to every one) ([`tree_diff`]). Each reads trees and blobs from the pack
//!    files itself, with positioned reads, keeping every object of a delta chain it decodes
//!    within its share of `--max-memory` ([`packs`]). Each blob a commit adds or
//!    changes at a path is an *appearance* (commit, path, the blob it replaced).
//! 3. The first worker to meet a blob claims it and scans it at once; the others only note
//!    its appearances, and only while it is being scanned or when it holds a secret
//!    ([`blob_table`]). So diffs and scans run in parallel, and memory holds a compact set of
//!    blob ids plus the appearances of the few blobs with secrets: it does not keep every
//!    (commit, path, blob) of the history.
//! 4. An appearance reports the secrets in its blob that were not already in the blob it
//!    replaced, so a secret is attributed to the commit that added it, not to every later
//!    commit that edited the same file.
//! 5. A shallow clone's boundary commits form one snapshot: each (path, secret) in them is
//!    reported once, attributed to the most recent boundary commit that has it, and only when
//!    no commit of the visible history introduced it.
//! 6. A secret is *still present at HEAD* when a blob of HEAD's tree holds the same fingerprint.
//! 7. Each commit's message is scanned from the raw commit the walk read, on a second thread
//!    while the walk goes on ([`messages`]; a finding there has the location
//!    `commit-message`); after the diffs, annotated-tag messages and the blobs
//!    that only a tag reaches (tags of blobs and trees) are scanned once, serially
//!    ([`scan_tags`]).
//! 8. A missing object (a ref's target, a parent, a tree, a blob) is a skipped item with its
//!    id; everything else is still scanned.

mod blob_table;
pub mod cache;
mod delta;
mod inflate;
mod messages;
mod packs;
mod recent_cache;
#[cfg(test)]
mod test_git;
mod tree_diff;
mod walk;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use gix::bstr::ByteSlice;
use gix::ObjectId;
use serde::Serialize;

use super::{is_lfs_pointer, open_repo, read_blob};
use crate::detect::{Detector, DetectorScratch};
use crate::findings::{link_message_secrets, CommitInfo, Finding, Location};
use crate::sources::archive::{at_path, ArchiveOptions};
use crate::sources::{looks_binary, SkipReason, Skipped};
use crate::sources::{Progress, SourceOutcome};
use crate::time::iso8601_utc;
use blob_table::{Appearance, BlobTable, SeenIds, Visit};
use packs::{BlobRead, PackReader, Packs};
use tree_diff::BlobChange;
use walk::{walk_commits, Bases, Walked};

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
    /// Only commits not reachable from this revision (`--since-commit`).
    pub since_commit: Option<String>,
    /// Explicit walk: commits reachable from these revisions... (used by the pre-push hook)
    pub tips: Vec<String>,
    /// ...and not from these.
    pub hidden: Vec<String>,
    /// A cache file (`--cache`): what earlier scans covered is not scanned again, and the file
    /// is updated (see [`cache`]).
    pub cache: Option<PathBuf>,
    /// Whether the detector decodes encoded tokens (part of the cache's key).
    pub decoding: bool,
    pub max_file_size: u64,
    pub threads: usize,
    /// Memory for the decoded-object caches of all threads together, bytes (0:
    /// [`DEFAULT_CACHE_BUDGET`]).
    pub cache_budget: usize,
    /// Do not look inside blobs that are archives (`--no-archives`).
    pub no_archives: bool,
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
    /// Commit and annotated-tag messages scanned (each once).
    pub messages_scanned: u64,
    /// Blobs that only a tag reaches (a tag of a blob, or of a tree), scanned; also counted in
    /// `blobs_scanned`.
    #[serde(skip_serializing_if = "is_zero")]
    pub tagged_blobs: u64,
    /// True for a shallow clone: history before the shallow boundary is not there to scan.
    pub shallow: bool,
    /// Boundary commits of a shallow clone, scanned together as one snapshot.
    #[serde(skip_serializing_if = "is_zero")]
    pub shallow_boundary_commits: u64,
    /// How the cache file (`--cache`) was used, if one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache: Option<cache::CacheState>,
    /// Commits left out because the cache file lists them (or an ancestor) as scanned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached_tips: Option<u64>,
    /// Blobs the cache file lists as scanned clean (never read again).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached_clean_blobs: Option<u64>,
    /// Time per phase, when `LEAKHOUND_GIT_PHASES` is set in the environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phases_ms: Option<Phases>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Where the time goes. `walk` (which includes opening the packs), `attribution` (which
/// includes the tag pass) and `head` are wall time on one thread; `diff`, `read` and `scan`
/// are summed over the worker threads; `messages` runs alongside the walk.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Phases {
    pub walk: u64,
    pub diff: u64,
    pub read: u64,
    pub scan: u64,
    /// Parsing and scanning commit messages, on their own thread during the walk.
    pub messages: u64,
    pub attribution: u64,
    pub head: u64,
    pub threads: u64,
}

#[derive(Default)]
struct Counters {
    diff_ns: AtomicU64,
    read_ns: AtomicU64,
    scan_ns: AtomicU64,
    appearances: AtomicU64,
    scanned: AtomicU64,
    bytes: AtomicU64,
    lfs: AtomicU64,
    submodules: AtomicU64,
}

fn add(counter: &AtomicU64, n: u64) {
    counter.fetch_add(n, Ordering::Relaxed);
}

fn since(t: Instant) -> u64 {
    t.elapsed().as_nanos() as u64
}

enum BlobOutcome {
    Clean(u64),
    Findings(u64, Vec<Finding>),
    Skipped(SkipReason),
    Lfs,
}

/// Default memory for the decoded-object caches of all threads together (`--max-memory`).
pub const DEFAULT_CACHE_BUDGET: usize = 64 << 20;

/// The shortest run of commits a worker takes at once (see [`runs`]).
const MIN_RUN: usize = 64;

/// The walk's order cut into contiguous runs for `threads` workers, longest first: each run is
/// a share of the commits still left, down to [`MIN_RUN`]. Long runs keep a worker's caches
/// warm (a run's first commit reads its trees cold; within a run, commit *i*'s old side is
/// commit *i + 1*'s new side, see `walk`), and short runs at the end let the workers finish
/// together. With 32 runs of one length, the last one alone kept one of two cores busy for
/// the last 0.4 s of a 6 s scan of the bench history.
fn runs(commits: usize, threads: usize) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    while start < commits {
        let len = ((commits - start) / (2 * threads.max(1))).max(MIN_RUN);
        let end = (start + len).min(commits);
        runs.push(start..end);
        start = end;
    }
    runs
}

/// Scans the history; the outcome's findings carry [`CommitInfo`].
pub fn scan_history(
    detector: &Detector,
    opts: &HistoryOptions,
    progress: &dyn Progress,
) -> anyhow::Result<(SourceOutcome, HistoryStats)> {
    let started = Instant::now();
    let timing = std::env::var_os("LEAKHOUND_GIT_PHASES").is_some();
    let mut repo = open_repo(&opts.repo)?;
    // This handle resolves refs and reads what the packs do not serve; the walk reads commits
    // and the workers trees and blobs through `packs`, with caches of their own.
    repo.object_cache_size(0);
    let mut stats = HistoryStats {
        shallow: repo.is_shallow().unwrap_or(false),
        ..HistoryStats::default()
    };
    let mut phases = Phases::default();

    let t = Instant::now();
    let packs = Packs::open(&repo);
    let key = opts
        .cache
        .as_ref()
        .map(|_| cache::cache_key(detector.rules(), opts.decoding, opts.max_file_size));
    let prior = match (&opts.cache, &key) {
        (Some(path), Some(key)) => {
            let (state, prior) = match cache::read_cache(path)? {
                None => (cache::CacheState::New, None),
                Some((v, c)) if v == cache::VERSION && &c.key == key => {
                    (cache::CacheState::Used, Some(c))
                }
                Some(_) => (cache::CacheState::Stale, None),
            };
            stats.cache = Some(state);
            let mut prior = prior.unwrap_or_default();
            prior.tips.retain(|t| repo.has_object(t));
            stats.cached_tips = Some(prior.tips.len() as u64);
            stats.cached_clean_blobs = Some(prior.clean.len() as u64);
            Some(prior)
        }
        _ => None,
    };
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        opts.threads
    };
    let known = prior.as_ref().map_or(&[][..], |p| &p.tips[..]);
    let (walked, messages) =
        messages::scan_during(detector, repo.object_hash(), threads > 1, |each| {
            walk_commits(&repo, &packs, opts, known, each)
        });
    let (commits, mut skipped, tips) = walked?;
    skipped.extend(messages.problems);
    stats.messages_scanned = messages.scanned;
    phases.messages = messages.ns;
    phases.walk = since(t);
    stats.commits = commits.len() as u64;
    stats.shallow_boundary_commits = commits
        .iter()
        .filter(|c| matches!(c.bases, Bases::Snapshot { .. }))
        .count() as u64;

    let table = BlobTable::default();
    for id in prior.iter().flat_map(|p| &p.clean) {
        table.preload(id);
    }
    let preloaded = table.len() as u64;
    let counters = Counters::default();
    let problems = Mutex::new(Vec::new());
    let skipped_blobs = Mutex::new(Vec::new());

    // Diff and scan, in parallel over contiguous runs of commits.
    phases.threads = threads as u64;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let sync_repo = repo.clone().into_sync();
    let budget = if opts.cache_budget == 0 {
        DEFAULT_CACHE_BUDGET
    } else {
        opts.cache_budget
    };
    let per_thread = budget / threads;
    let ctx = Ctx {
        detector,
        table: &table,
        counters: &counters,
        problems: &problems,
        skipped_blobs: &skipped_blobs,
        progress,
        max_file_size: opts.max_file_size,
        archives: (!opts.no_archives).then(|| ArchiveOptions::new(opts.max_file_size)),
        timing,
    };
    // One worker per thread, each taking the next run of the walk's order (see `runs`) until
    // none is left.
    let runs = runs(commits.len(), threads);
    let next_run = AtomicUsize::new(0);
    pool.broadcast(|_| {
        let mut worker = Worker::new(&sync_repo, &packs, detector.new_scratch(), per_thread);
        while let Some(run) = runs.get(next_run.fetch_add(1, Ordering::Relaxed)) {
            for i in run.clone() {
                worker.commit(&ctx, i as u32, &commits[i]);
            }
        }
    });
    skipped.extend(problems.into_inner().unwrap_or_else(|e| e.into_inner()));
    stats.unique_blobs = table.len() as u64 - preloaded;
    stats.blobs_scanned = counters.scanned.load(Ordering::Relaxed);
    stats.blob_appearances = counters.appearances.load(Ordering::Relaxed);
    stats.lfs_pointers_skipped = counters.lfs.load(Ordering::Relaxed);
    stats.submodules_not_entered = counters.submodules.load(Ordering::Relaxed);
    phases.diff = counters.diff_ns.load(Ordering::Relaxed);
    phases.read = counters.read_ns.load(Ordering::Relaxed);
    phases.scan = counters.scan_ns.load(Ordering::Relaxed);

    let t = Instant::now();
    let (per_blob, seen) = table.into_parts();
    let mut attribution = Attribution {
        repo: &repo,
        detector,
        scratch: detector.new_scratch(),
        buf: Vec::new(),
        max_file_size: opts.max_file_size,
        per_blob: &per_blob,
        seen: &seen,
    };
    let mut findings = Vec::new();
    let mut snapshot: HashMap<(String, String), (u32, Finding, u32)> = HashMap::new();
    let mut infos: HashMap<u32, CommitInfo> = HashMap::new();
    let mut ranked: Vec<_> = per_blob.iter().collect();
    ranked.sort_by_key(|(id, _)| **id);
    for (_, (blob_findings, appearances)) in ranked {
        for app in appearances {
            let c = &commits[app.commit as usize];
            if app.snapshot {
                let Bases::Snapshot { rank, .. } = c.bases else {
                    continue;
                };
                for f in blob_findings {
                    let key = (at_path(&f.path, &app.path), f.fingerprint.clone());
                    if snapshot.get(&key).is_none_or(|(r, _, _)| rank < *r) {
                        snapshot.insert(key, (rank, f.clone(), app.commit));
                    }
                }
                continue;
            }
            let before = app
                .replaced
                .map(|r| attribution.fingerprints_of(r, &app.path))
                .unwrap_or_default();
            for f in blob_findings
                .iter()
                .filter(|f| !before.contains(&f.fingerprint))
            {
                let mut f = f.clone();
                f.path = at_path(&f.path, &app.path);
                f.commit = Some(commit_info(&repo, &mut infos, app.commit, c));
                findings.push(f);
            }
        }
    }
    // The snapshot reports what no visible commit introduced.
    let introduced: HashSet<(&str, &str)> = findings
        .iter()
        .map(|f| (f.path.as_str(), f.fingerprint.as_str()))
        .collect();
    let mut from_snapshot = Vec::new();
    for ((path, fingerprint), (_, f, ci)) in &snapshot {
        if introduced.contains(&(path.as_str(), fingerprint.as_str())) {
            continue;
        }
        let mut f = f.clone();
        f.path.clone_from(path);
        f.commit = Some(commit_info(&repo, &mut infos, *ci, &commits[*ci as usize]));
        from_snapshot.push(f);
    }
    findings.extend(from_snapshot);
    // Secrets in commit messages: attributed to their commit.
    let mut in_messages = messages.found;
    for (ci, c) in commits.iter().enumerate() {
        if in_messages.is_empty() {
            break;
        }
        let Some(found) = in_messages.remove(&c.id) else {
            continue;
        };
        let info = commit_info(&repo, &mut infos, ci as u32, c);
        for mut f in found {
            f.commit = Some(CommitInfo {
                location: Some(Location::CommitMessage),
                ..info.clone()
            });
            findings.push(f);
        }
    }
    // Annotated-tag messages, and blobs and trees that only a tag reaches: only when every ref
    // is scanned (a branch, a range or a time limit does not name tags).
    let mut tag_clean = Vec::new();
    if opts.branch.is_none()
        && opts.range.is_none()
        && opts.tips.is_empty()
        && opts.since.is_none()
        && opts.since_commit.is_none()
    {
        let tagged = scan_tags(&repo, &mut attribution, progress);
        stats.messages_scanned += tagged.messages;
        stats.tagged_blobs = tagged.blobs;
        stats.blobs_scanned += tagged.blobs;
        add(&counters.bytes, tagged.bytes);
        findings.extend(tagged.findings);
        skipped.extend(tagged.skipped);
        tag_clean = tagged.clean;
    }
    link_message_secrets(&mut findings);
    phases.attribution = since(t);

    if let (Some(path), Some(key), Some(prior)) = (&opts.cache, key, prior) {
        // Tips are recorded only when the whole of their history was scanned without error.
        let whole = opts.since.is_none()
            && opts.range.is_none()
            && opts.since_commit.is_none()
            && opts.tips.is_empty()
            && !skipped.iter().any(|s| s.path.starts_with("commit "));
        let mut new = cache::HistoryCache {
            key,
            tips: prior.tips,
            clean: Vec::new(),
        };
        if whole {
            new.tips.extend(tips);
        }
        let not_clean: HashSet<ObjectId> = per_blob
            .keys()
            .copied()
            .chain(
                skipped_blobs
                    .into_inner()
                    .unwrap_or_else(|e| e.into_inner()),
            )
            .collect();
        new.clean = seen.ids().filter(|id| !not_clean.contains(id)).collect();
        new.clean.extend(tag_clean);
        cache::write_cache(path, &new)?;
    }

    let t = Instant::now();
    if !findings.is_empty() {
        let head = head_fingerprints(&repo, &mut attribution);
        for f in &mut findings {
            if let Some(c) = &mut f.commit {
                c.in_head = head.contains(&f.fingerprint);
            }
        }
    }
    phases.head = since(t);
    if timing {
        let ms = |ns: u64| ns / 1_000_000;
        stats.phases_ms = Some(Phases {
            walk: ms(phases.walk),
            diff: ms(phases.diff),
            read: ms(phases.read),
            scan: ms(phases.scan),
            messages: ms(phases.messages),
            attribution: ms(phases.attribution),
            head: ms(phases.head),
            threads: phases.threads,
        });
    }

    let mut outcome = SourceOutcome {
        findings,
        skipped,
        ..SourceOutcome::default()
    };
    outcome.stats.files_scanned = stats.blobs_scanned;
    outcome.stats.bytes_scanned = counters.bytes.load(Ordering::Relaxed);
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

/// Author, date and subject of a commit with a finding (read once per such commit).
fn commit_info(
    repo: &gix::Repository,
    infos: &mut HashMap<u32, CommitInfo>,
    index: u32,
    c: &Walked,
) -> CommitInfo {
    infos
        .entry(index)
        .or_insert_with(|| {
            let (author, email, time, subject) = match repo.find_commit(c.id) {
                Ok(commit) => {
                    let (author, email, time) = match commit.author() {
                        Ok(a) => (
                            a.name.to_str_lossy().trim().to_string(),
                            a.email.to_str_lossy().trim().to_string(),
                            a.seconds(),
                        ),
                        Err(_) => (String::new(), String::new(), c.time),
                    };
                    let subject = commit
                        .message()
                        .map(|m| m.summary().to_str_lossy().into_owned())
                        .unwrap_or_default();
                    (author, email, time, subject)
                }
                Err(_) => (String::new(), String::new(), c.time, String::new()),
            };
            CommitInfo {
                commit: c.id.to_string(),
                author,
                email,
                date: iso8601_utc(time),
                subject,
                in_head: false,
                location: None,
                message_secrets: Vec::new(),
            }
        })
        .clone()
}

/// What every worker shares.
struct Ctx<'a> {
    detector: &'a Detector,
    table: &'a BlobTable,
    counters: &'a Counters,
    problems: &'a Mutex<Vec<Skipped>>,
    skipped_blobs: &'a Mutex<Vec<ObjectId>>,
    progress: &'a dyn Progress,
    max_file_size: u64,
    /// How to open blobs that are archives (`None`: `--no-archives`).
    archives: Option<ArchiveOptions>,
    timing: bool,
}

impl Ctx<'_> {
    /// Records what could not be scanned, with its reason; the scan goes on.
    fn skip(&self, path: String, reason: SkipReason) {
        self.problems
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Skipped { path, reason });
    }
}

/// One thread's object reader, caches and buffers.
struct Worker {
    /// Trees and blobs, from the packs (see [`packs`]).
    objects: PackReader,
    scratch: DetectorScratch,
}

impl Worker {
    /// `budget`: this worker's share of `--max-memory`, for decoded objects.
    fn new(
        sync: &gix::ThreadSafeRepository,
        packs: &Arc<Packs>,
        scratch: DetectorScratch,
        budget: usize,
    ) -> Self {
        let mut repo = sync.to_thread_local();
        repo.object_cache_size(0);
        Worker {
            objects: PackReader::new(repo, Arc::clone(packs), budget),
            scratch,
        }
    }

    /// Diffs one commit and scans the blobs it introduces that nobody has claimed yet.
    fn commit(&mut self, ctx: &Ctx, index: u32, c: &Walked) {
        let t = ctx.timing.then(Instant::now);
        let introduced = self.introduced(c);
        if let Some(t) = t {
            add(&ctx.counters.diff_ns, since(t));
        }
        let (changes, snapshot, submodules) = match introduced {
            Ok(x) => x,
            Err(e) => {
                let error = format!("{e:#}");
                ctx.skip(format!("commit {}", c.id), SkipReason::Unreadable { error });
                return;
            }
        };
        add(&ctx.counters.appearances, changes.len() as u64);
        add(&ctx.counters.submodules, submodules);
        for ch in changes {
            let claim = ctx.table.visit(ch.oid, || Appearance {
                commit: index,
                path: ch.path.to_str_lossy().into_owned(),
                replaced: ch.replaced,
                snapshot,
            });
            if let Visit::Claimed = claim {
                let path = ch.path.to_str_lossy();
                let found = self.scan(ctx, ch.oid, &path);
                ctx.table.finish(&ch.oid, found);
            }
        }
    }

    fn scan(&mut self, ctx: &Ctx, id: ObjectId, path: &str) -> Vec<Finding> {
        let t = ctx.timing.then(Instant::now);
        let read = self.objects.blob(&id, ctx.max_file_size);
        if let Some(t) = t {
            add(&ctx.counters.read_ns, since(t));
        }
        let t = ctx.timing.then(Instant::now);
        let outcome = match read {
            Err(e) => BlobOutcome::Skipped(SkipReason::Unreadable {
                error: format!("object {id}: {e:#}"),
            }),
            Ok(BlobRead::TooLarge(size)) => BlobOutcome::Skipped(SkipReason::TooLarge {
                size,
                limit: ctx.max_file_size,
            }),
            Ok(BlobRead::Data(data)) if looks_binary(&data) => {
                archive_outcome(ctx, id, path, &data, &mut self.scratch)
            }
            Ok(BlobRead::Data(data)) if is_lfs_pointer(&data) => BlobOutcome::Lfs,
            Ok(BlobRead::Data(data)) => {
                let data = &data[..];
                let found = ctx.detector.detect(data, path, &mut self.scratch);
                if found.is_empty() {
                    BlobOutcome::Clean(data.len() as u64)
                } else {
                    BlobOutcome::Findings(data.len() as u64, found)
                }
            }
        };
        if let Some(t) = t {
            add(&ctx.counters.scan_ns, since(t));
        }
        add(&ctx.counters.scanned, 1);
        ctx.progress.file_done(0);
        match outcome {
            BlobOutcome::Clean(bytes) => {
                add(&ctx.counters.bytes, bytes);
                Vec::new()
            }
            BlobOutcome::Findings(bytes, f) => {
                add(&ctx.counters.bytes, bytes);
                f
            }
            BlobOutcome::Lfs => {
                add(&ctx.counters.lfs, 1);
                Vec::new()
            }
            BlobOutcome::Skipped(reason) => {
                ctx.skipped_blobs
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(id);
                ctx.skip(format!("{path} (blob {id})"), reason);
                Vec::new()
            }
        }
    }

    /// The blobs commit `c` adds or changes relative to its bases (to *every* parent, for a
    /// merge), whether they belong to the shallow snapshot, and how many gitlinks (submodule
    /// entries) it adds or changes relative to its first base.
    fn introduced(&mut self, c: &Walked) -> anyhow::Result<(Vec<BlobChange>, bool, u64)> {
        let (bases, snapshot): (&[ObjectId], bool) = match &c.bases {
            Bases::Root => (&[], false),
            Bases::Snapshot { previous, .. } => (previous.as_slice(), true),
            Bases::Parents(trees) => (trees, false),
        };
        let changes = match tree_diff::diff(&mut self.objects, bases, &c.tree) {
            // A base whose tree (or one of its subtrees) is missing or unreadable counts as
            // empty, so that everything in this commit is new rather than nothing; the commit
            // that owns that base reports the missing object.
            Err(_) if !bases.is_empty() => tree_diff::diff(&mut self.objects, &[], &c.tree)?,
            diffed => diffed?,
        };
        Ok((changes.blobs, snapshot, changes.submodules))
    }
}

/// What the tag pass found: secrets in annotated-tag messages, and in blobs that only a tag
/// reaches (a tag of a blob, or of a tree).
#[derive(Default)]
struct Tagged {
    findings: Vec<Finding>,
    skipped: Vec<Skipped>,
    /// Tag objects scanned, and tagged blobs scanned clean: what `--cache` need not read again.
    clean: Vec<ObjectId>,
    messages: u64,
    /// Blobs met only through tags.
    blobs: u64,
    bytes: u64,
}

/// Follows every ref through its annotated tags: scans each tag's message once, and each blob
/// that a tag (or a tagged tree) holds and no scanned commit had, with the path
/// `refs/tags/NAME` (a tagged blob) or `refs/tags/NAME:PATH` (a blob of a tagged tree). Such
/// blobs belong to no commit: their findings carry no commit information. An object that is
/// missing was reported by the walk, which follows the same refs.
fn scan_tags(repo: &gix::Repository, att: &mut Attribution, progress: &dyn Progress) -> Tagged {
    let mut out = Tagged::default();
    let mut refs: Vec<(String, ObjectId)> = match repo.references() {
        Ok(platform) => match platform.all() {
            Ok(all) => all
                .filter_map(Result::ok)
                .filter_map(|r| {
                    let id = r.target().try_id()?.to_owned();
                    Some((r.name().as_bstr().to_str_lossy().into_owned(), id))
                })
                .collect(),
            Err(_) => return out,
        },
        Err(_) => return out,
    };
    refs.sort();
    let mut visited: HashSet<ObjectId> = HashSet::new();
    for (name, mut id) in refs {
        for _ in 0..64 {
            if !visited.insert(id) {
                break;
            }
            let Ok(kind) = repo.find_header(id).map(|h| h.kind()) else {
                break;
            };
            match kind {
                gix::object::Kind::Commit => break,
                gix::object::Kind::Tag => {
                    let Ok(obj) = repo.find_object(id) else { break };
                    let Ok(tag) = obj.try_into_tag() else { break };
                    let Ok(decoded) = tag.decode() else { break };
                    let target = decoded.target();
                    if !att.seen.contains(&id) {
                        out.messages += 1;
                        out.clean.push(id);
                        let path = format!("{name} (tag message)");
                        let found = att
                            .detector
                            .detect(decoded.message, &path, &mut att.scratch);
                        if !found.is_empty() {
                            let info = tag_info(id, &decoded);
                            out.findings.extend(found.into_iter().map(|mut f| {
                                f.commit = Some(info.clone());
                                f
                            }));
                        }
                    }
                    id = target;
                }
                gix::object::Kind::Blob => {
                    tagged_blob(att, &mut out, progress, id, name.clone());
                    break;
                }
                gix::object::Kind::Tree => {
                    let mut rec = gix::traverse::tree::Recorder::default();
                    let walked = repo.find_tree(id).map_err(|e| e.to_string()).and_then(|t| {
                        t.traverse()
                            .breadthfirst(&mut rec)
                            .map_err(|e| e.to_string())
                    });
                    if let Err(e) = walked {
                        out.skipped.push(Skipped {
                            path: format!("{name} (tree {id})"),
                            reason: SkipReason::Unreadable {
                                error: format!("tagged tree: {e}"),
                            },
                        });
                    }
                    for e in rec.records.iter().filter(|e| e.mode.is_blob()) {
                        if visited.insert(e.oid) {
                            let path = format!("{name}:{}", e.filepath.to_str_lossy());
                            tagged_blob(att, &mut out, progress, e.oid, path);
                        }
                    }
                    break;
                }
            }
        }
    }
    out
}

/// Scans blob `id`, met through a tag at `path`, unless the history (or the cache) had it.
fn tagged_blob(
    att: &mut Attribution,
    out: &mut Tagged,
    progress: &dyn Progress,
    id: ObjectId,
    path: String,
) {
    if att.seen.contains(&id) {
        return;
    }
    out.blobs += 1;
    progress.file_done(0);
    match read_blob(att.repo, id, att.max_file_size, &mut att.buf) {
        Err(reason) => out.skipped.push(Skipped {
            path: format!("{path} (blob {id})"),
            reason,
        }),
        Ok(data) if is_lfs_pointer(data) => out.clean.push(id),
        Ok(data) => {
            out.bytes += data.len() as u64;
            let found = att.detector.detect(data, &path, &mut att.scratch);
            if found.is_empty() {
                out.clean.push(id);
            }
            out.findings.extend(found);
        }
    }
}

/// What a tag-message finding says of its tag: the tag object's id in `commit`, the tagger as
/// author, the tag date, and the message's first line as subject.
fn tag_info(id: ObjectId, tag: &gix::objs::TagRef<'_>) -> CommitInfo {
    let (author, email, time) = match tag.tagger() {
        Ok(Some(t)) => (
            t.name.to_str_lossy().trim().to_string(),
            t.email.to_str_lossy().trim().to_string(),
            t.seconds(),
        ),
        _ => (String::new(), String::new(), 0),
    };
    CommitInfo {
        commit: id.to_string(),
        author,
        email,
        date: iso8601_utc(time),
        subject: gix::objs::commit::MessageRef::from_bytes(tag.message)
            .summary()
            .to_str_lossy()
            .into_owned(),
        in_head: false,
        location: Some(Location::TagMessage),
        message_secrets: Vec::new(),
    }
}

/// Looks up the fingerprints of blobs during attribution.
struct Attribution<'a> {
    repo: &'a gix::Repository,
    detector: &'a Detector,
    scratch: DetectorScratch,
    buf: Vec<u8>,
    max_file_size: u64,
    per_blob: &'a blob_table::Found,
    seen: &'a SeenIds,
}

impl Attribution<'_> {
    /// The fingerprints of the secrets in blob `id`: known from the scan, nothing for a blob
    /// scanned clean, else (a blob outside the scanned commits: the parent side of a range's
    /// first commit, or HEAD outside the range) scanned now.
    fn fingerprints_of(&mut self, id: ObjectId, path: &str) -> HashSet<String> {
        if let Some((f, _)) = self.per_blob.get(&id) {
            return f.iter().map(|f| f.fingerprint.clone()).collect();
        }
        if self.seen.contains(&id) {
            return HashSet::new();
        }
        match read_blob(self.repo, id, self.max_file_size, &mut self.buf) {
            Ok(data) if !is_lfs_pointer(data) => self
                .detector
                .detect(data, path, &mut self.scratch)
                .into_iter()
                .map(|f| f.fingerprint)
                .collect(),
            _ => HashSet::new(),
        }
    }
}

/// Fingerprints of the secrets in HEAD's tree.
fn head_fingerprints(repo: &gix::Repository, attribution: &mut Attribution) -> HashSet<String> {
    let Ok(tree) = repo.head_tree() else {
        return HashSet::new();
    };
    let mut rec = gix::traverse::tree::Recorder::default();
    if tree.traverse().breadthfirst(&mut rec).is_err() {
        return HashSet::new();
    }
    let mut out = HashSet::new();
    for e in rec.records.iter().filter(|e| e.mode.is_blob()) {
        out.extend(attribution.fingerprints_of(e.oid, &e.filepath.to_str_lossy()));
    }
    out
}

/// A binary blob: scanned inside when it is an archive (see [`crate::sources::archive`]), its
/// findings' paths marked so that each appearance of the blob names its own path; what inside
/// it was not scanned is listed (and the blob never recorded clean in the cache).
fn archive_outcome(
    ctx: &Ctx,
    id: ObjectId,
    path: &str,
    data: &[u8],
    scratch: &mut DetectorScratch,
) -> BlobOutcome {
    let Some(scan) = ctx.archives.as_ref().and_then(|opts| {
        crate::sources::archive::scan_blob(ctx.detector, scratch, path, data, opts)
    }) else {
        return BlobOutcome::Skipped(SkipReason::Binary);
    };
    if !scan.skipped.is_empty() {
        ctx.skipped_blobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(id);
        ctx.problems
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(scan.skipped.into_iter().map(|s| Skipped {
                path: format!("{} (blob {id})", s.path),
                reason: s.reason,
            }));
    }
    let mut findings = scan.findings;
    for f in &mut findings {
        if let Some(inner) = f.path.strip_prefix(path) {
            f.path = format!("{path}{}{inner}", crate::sources::archive::INNER_MARK);
        }
    }
    if findings.is_empty() {
        BlobOutcome::Clean(scan.bytes)
    } else {
        BlobOutcome::Findings(scan.bytes, findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_the_walk_once_in_order_longest_first() {
        for (commits, threads) in [
            (0, 2),
            (1, 2),
            (63, 1),
            (64, 2),
            (1000, 2),
            (50_016, 2),
            (7, 8),
        ] {
            let runs = runs(commits, threads);
            let mut next = 0;
            for run in &runs {
                assert_eq!(run.start, next, "{commits} commits, {threads} threads");
                assert!(run.end > run.start);
                next = run.end;
            }
            assert_eq!(next, commits);
            // Non-increasing, but for the last run, which takes what is left.
            let lens: Vec<usize> = runs.iter().map(|r| r.len()).collect();
            let body = &lens[..lens.len().saturating_sub(1)];
            assert!(body.windows(2).all(|w| w[0] >= w[1]), "{lens:?}");
            assert!(body.iter().all(|&l| l >= MIN_RUN), "{lens:?}");
        }
        // The first run is a quarter of the walk with two threads; the end is in short runs.
        let runs = runs(50_016, 2);
        assert_eq!(runs[0], 0..12_504);
        assert!(runs.len() < 40, "{} runs", runs.len());
        assert!(runs[runs.len() - 2].len() == MIN_RUN);
    }
}
