//! Git as a source: full history (`history`) and the staged index (`staged`), read with gix
//! (no `git` subprocess).

pub mod history;
pub mod index_diff;
pub mod push;
pub mod staged;

use anyhow::Context;
use gix::objs::FindExt;
use gix::ObjectId;
use std::path::Path;

use super::{looks_binary, SkipReason};

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

/// Reads blob `id` into `buf`: its bytes, or why it is not scanned (larger than `max`, binary,
/// or unreadable: a missing or corrupt object is a skip with its reason, never an error). The
/// size comes from the object header first, so an oversized blob is never decompressed.
pub fn read_blob<'a>(
    repo: &gix::Repository,
    id: ObjectId,
    max: u64,
    buf: &'a mut Vec<u8>,
) -> Result<&'a [u8], SkipReason> {
    match find_blob_within(repo, id, max, buf) {
        Err(e) => Err(SkipReason::Unreadable {
            error: format!("object {id}: {e}"),
        }),
        Ok(Some(size)) => Err(SkipReason::TooLarge { size, limit: max }),
        Ok(None) if looks_binary(buf) => Err(SkipReason::Binary),
        Ok(None) => Ok(buf),
    }
}

/// Reads blob `id` into `buf` unless its header says it is larger than `max`: then `Some` of
/// its size, and nothing is decompressed.
pub fn find_blob_within(
    repo: &gix::Repository,
    id: ObjectId,
    max: u64,
    buf: &mut Vec<u8>,
) -> anyhow::Result<Option<u64>> {
    let size = repo.find_header(id)?.size();
    if size > max {
        return Ok(Some(size));
    }
    repo.objects.find_blob(&id, buf)?;
    Ok(None)
}
