//! `leakhound git [REPO]`: history scans, and `--staged` for the pre-commit hook.

use anyhow::Context;

use super::args::GitArgs;
use super::conclude;
use super::progress::{progress_bar, Bar};
use crate::config::{git_root, Setup};
use crate::detect::Detector;
use crate::sources::git::history::cache::CacheState;
use crate::sources::git::history::{scan_history, HistoryOptions};
use crate::sources::git::staged::scan_staged;
use crate::sources::git::{open_repo, GitStats};

pub fn run(args: GitArgs) -> anyhow::Result<u8> {
    let root = git_root(&args.repo)?;
    let mut setup = Setup::load(
        root.as_deref(),
        &args.report.suppress.source.settings(),
        &args.rules.sources(),
    )?;
    // Git sources yield every path; the config's excludes are applied to the findings.
    let suppressor = setup.suppressor(&args.report.suppress.settings(), true)?;
    let max_file_size =
        setup.max_file_size(args.max_file_size, args.report.suppress.given.max_file_size);
    let rules = setup.rules.clone();
    let detector = Detector::new(rules.clone())?.with_decoding(!args.rules.no_decode);
    let threads = crate::sources::cap_threads(args.threads.unwrap_or(0));
    let outcome = if args.staged {
        let (mut outcome, stats) = scan_staged(&detector, &args.repo, max_file_size)?;
        outcome.git_stats = Some(GitStats::Staged(stats));
        outcome
    } else {
        let opts = HistoryOptions {
            repo: args.repo.clone(),
            branch: args.branch.clone(),
            range: args
                .range
                .as_deref()
                .map(|r| three_dot_range(&args.repo, r))
                .transpose()?,
            since: args.since,
            since_commit: args.since_commit.clone(),
            cache: args.cache.clone(),
            decoding: !args.rules.no_decode,
            no_archives: args.rules.no_archives,
            cache_budget: args.max_memory.map_or(0, |m| m as usize),
            max_file_size,
            threads,
            ..HistoryOptions::default()
        };
        let bar = progress_bar(&args.report, "blobs");
        let scanned = match &bar {
            Some(b) => scan_history(&detector, &opts, &Bar(b.clone())),
            None => scan_history(&detector, &opts, &()),
        };
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        let (mut outcome, stats) = scanned?;
        if stats.shallow {
            eprintln!("leakhound: note: this is a shallow clone; commits before its boundary are not there to scan");
        }
        if stats.cache == Some(CacheState::Stale) {
            eprintln!("leakhound: note: the cache file was written by another leakhound version or for other rules; everything was scanned again");
        }
        if stats.submodules_not_entered > 0 {
            eprintln!("leakhound: note: submodules were not entered ({} gitlink changes); scan them separately", stats.submodules_not_entered);
        }
        let unreadable = outcome
            .skipped
            .iter()
            .filter(|s| matches!(s.reason, crate::sources::SkipReason::Unreadable { .. }))
            .count();
        if unreadable > 0 {
            eprintln!("leakhound: warning: {unreadable} git object(s) missing or unreadable were skipped (each is listed in the report with its id); everything else was scanned");
        }
        outcome.git_stats = Some(GitStats::History(stats));
        outcome
    };
    let advice = if args.staged {
        STAGED_ADVICE
    } else {
        HISTORY_ADVICE
    };
    conclude(&args.report, &setup, outcome, &suppressor, Some(advice))
}

/// `--range A...B` (GitHub's three-dot compare: what B adds since it forked from A) becomes
/// `M..B` with M the merge base of A and B; `A..B` is returned as it is. Both select the
/// commits reachable from B and not from A; the merge base is named so that a base that moved
/// on after the fork is no trouble.
fn three_dot_range(repo_path: &std::path::Path, range: &str) -> anyhow::Result<String> {
    let Some((a, b)) = range.split_once("...") else {
        return Ok(range.to_string());
    };
    let (a, b) = (
        if a.is_empty() { "HEAD" } else { a },
        if b.is_empty() { "HEAD" } else { b },
    );
    let repo = open_repo(repo_path)?;
    let resolve = |rev: &str| -> anyhow::Result<gix::ObjectId> {
        Ok(repo
            .rev_parse_single(rev)
            .with_context(|| format!("--range {range}: cannot resolve {rev:?}"))?
            .object()
            .with_context(|| format!("--range {range}: cannot read {rev:?}"))?
            .peel_to_commit()
            .with_context(|| format!("--range {range}: {rev:?} is not a commit"))?
            .id)
    };
    let (a_id, b_id) = (resolve(a)?, resolve(b)?);
    let base = repo
        .merge_base(a_id, b_id)
        .with_context(|| format!("--range {range}: cannot find the merge base"))?
        .with_context(|| format!("--range {range}: {a} and {b} have no common ancestor"))?;
    Ok(format!("{base}..{b_id}"))
}

const STAGED_ADVICE: &str = "\
leakhound: this commit would add the secrets above.
  - Remove each secret from the staged file and load it at run time instead: an environment
    variable, or a config file that .gitignore excludes. Then `git add` the file again.
  - If a secret was ever pushed or shared, rotate it at the provider: deleting it is not enough.
  - A false positive? Mark its line with a `leakhound:allow` comment (on the line, or on a
    comment line right above it), or add its fingerprint to .leakhoundignore with
    `leakhound ignore add FINGERPRINT --reason TEXT`; or bypass this one commit with
    `git commit --no-verify`.";

const HISTORY_ADVICE: &str = "\
leakhound: secrets in git history stay readable in every clone, even after a later commit
removes them. Rotate (revoke and re-issue) each one at its provider first; removing it from HEAD
is not enough. Rewriting history (git filter-repo) is optional and separate.";
