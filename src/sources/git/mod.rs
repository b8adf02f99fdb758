//! Git as a source: full history (`history`) and the staged index (`staged`), read with gix
//! (no `git` subprocess).

pub mod history;
pub mod index_diff;
pub mod staged;
mod time;

use anyhow::Context;
use std::path::Path;

pub use time::{iso8601_utc, parse_since};

/// Git-specific counts of a scan, shown as `stats.git` in JSON.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(untagged)]
pub enum GitStats {
    History(history::HistoryStats),
    Staged(staged::StagedStats),
}

/// Opens the repository containing `path` (a work tree, a bare repo or a worktree).
pub fn open_repo(path: &Path) -> anyhow::Result<gix::Repository> {
    let mut repo = gix::discover(path)
        .with_context(|| format!("{} is not in a git repository", path.display()))?;
    // Trees and small blobs are read again and again while diffing; a modest object cache
    // pays for itself on every history.
    repo.object_cache_size_if_unset(16 * 1024 * 1024);
    Ok(repo)
}

/// True for a Git LFS pointer file: the content lives on an LFS server, not in the repo.
pub fn is_lfs_pointer(data: &[u8]) -> bool {
    data.len() < 1024 && data.starts_with(b"version https://git-lfs.github.com/spec/v1")
}
