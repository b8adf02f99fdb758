//! Which index entries differ from HEAD, without reading all of HEAD.
//!
//! The pre-commit hook runs on every commit, so its cost must not grow with the repository.
//! Comparing the index with HEAD's whole tree meant decoding every tree object: ~70 ms for a
//! 50,000-file repository, most of a pre-commit scan (measured with
//! `../shared/bench/compare.sh --scenarios staged`). Git keeps a *cache tree* in the index:
//! for each directory whose entries have not changed since it was last written, the id of the
//! tree object it would produce. A directory whose cached id equals HEAD's subtree id holds no
//! staged change, so the walk below skips it whole, and decodes only the HEAD trees along the
//! changed paths. Without a (valid) cache tree it compares everything, as before.

use std::collections::HashMap;
use std::ops::Range;

use gix::bstr::{BString, ByteSlice};
use gix::index::extension::Tree as CacheTree;
use gix::index::State;
use gix::objs::FindExt;
use gix::ObjectId;

/// A file whose staged content differs from HEAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedFile {
    pub path: String,
    /// The staged blob.
    pub id: ObjectId,
    /// HEAD's blob at the same path, if HEAD has one.
    pub head_id: Option<ObjectId>,
}

/// The differences between the index and HEAD that a pre-commit scan needs.
#[derive(Debug, Default)]
pub struct IndexDiff {
    /// Regular files (not symlinks, not submodules) added or modified in the index.
    pub changed: Vec<StagedFile>,
    /// HEAD's blobs at paths the index no longer has: where renamed content comes from.
    pub deleted: Vec<(String, ObjectId)>,
    /// Paths with unresolved merge conflicts (not scanned: `git commit` refuses them anyway).
    pub conflicted: u64,
}

/// Compares `index` with the tree `head` (`None` for a repository without commits).
pub fn diff_index_to_head(
    repo: &gix::Repository,
    index: &State,
    head: Option<ObjectId>,
) -> anyhow::Result<IndexDiff> {
    let mut walk = Walk {
        repo,
        index,
        buf: Vec::new(),
        out: IndexDiff::default(),
        last_conflict: None,
    };
    walk.dir(index.tree(), b"", head, 0..index.entries().len())?;
    Ok(walk.out)
}

struct Walk<'a> {
    repo: &'a gix::Repository,
    index: &'a State,
    buf: Vec<u8>,
    out: IndexDiff,
    last_conflict: Option<usize>,
}

/// An entry of a HEAD tree.
struct HeadEntry {
    name: BString,
    is_tree: bool,
    is_blob: bool,
    id: ObjectId,
    seen: bool,
}

impl Walk<'_> {
    fn path(&self, i: usize) -> &[u8] {
        self.index.entries()[i].path(self.index).as_bytes()
    }

    /// Compares the index entries `range` (all under `prefix`) with the HEAD tree `head`.
    fn dir(
        &mut self,
        node: Option<&CacheTree>,
        prefix: &[u8],
        head: Option<ObjectId>,
        range: Range<usize>,
    ) -> anyhow::Result<()> {
        if let (Some(n), Some(h)) = (node, head) {
            if n.num_entries.is_some() && n.id == h {
                return Ok(());
            }
        }
        let mut head_entries = self.head_entries(head)?;
        let by_name: HashMap<BString, usize> = head_entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.name.clone(), i))
            .collect();
        let mut i = range.start;
        while i < range.end {
            let rel = &self.path(i)[prefix.len()..];
            if let Some(slash) = rel.find_byte(b'/') {
                let name: BString = rel[..slash].into();
                let mut sub = prefix.to_vec();
                sub.extend_from_slice(&name);
                sub.push(b'/');
                // Entries under one directory are contiguous in the sorted index.
                let end = i + self.index.entries()[i..range.end]
                    .partition_point(|e| e.path(self.index).starts_with(&sub));
                let child = node.and_then(|n| {
                    n.children
                        .iter()
                        .find(|c| c.name.as_slice() == name.as_slice())
                });
                let head_child = by_name
                    .get(&name)
                    .map(|&h| &mut head_entries[h])
                    .filter(|h| h.is_tree)
                    .map(|h| {
                        h.seen = true;
                        h.id
                    });
                self.dir(child, &sub, head_child, i..end)?;
                i = end;
                continue;
            }
            let entry = &self.index.entries()[i];
            let head_file = by_name
                .get(rel)
                .map(|&h| &mut head_entries[h])
                .filter(|h| !h.is_tree);
            let head_id = head_file.map(|h| {
                h.seen = true;
                h.id
            });
            if entry.stage_raw() != 0 {
                if self
                    .last_conflict
                    .is_none_or(|c| self.path(c) != self.path(i))
                {
                    self.out.conflicted += 1;
                }
                self.last_conflict = Some(i);
            } else if is_regular_file(entry.mode) && head_id != Some(entry.id) {
                self.out.changed.push(StagedFile {
                    path: self.path(i).to_str_lossy().into_owned(),
                    id: entry.id,
                    head_id,
                });
            }
            i += 1;
        }
        for gone in head_entries.into_iter().filter(|e| !e.seen) {
            let mut path = prefix.to_vec();
            path.extend_from_slice(&gone.name);
            if gone.is_blob {
                self.out
                    .deleted
                    .push((path.to_str_lossy().into_owned(), gone.id));
            } else if gone.is_tree {
                self.deleted_tree(&path, gone.id)?;
            }
        }
        Ok(())
    }

    fn head_entries(&mut self, head: Option<ObjectId>) -> anyhow::Result<Vec<HeadEntry>> {
        let Some(head) = head else {
            return Ok(Vec::new());
        };
        let tree = self.repo.objects.find_tree_iter(&head, &mut self.buf)?;
        let mut out = Vec::new();
        for entry in tree {
            let entry = entry?;
            out.push(HeadEntry {
                name: entry.filename.into(),
                is_tree: entry.mode.is_tree(),
                is_blob: entry.mode.is_blob(),
                id: entry.oid.to_owned(),
                seen: false,
            });
        }
        Ok(out)
    }

    /// Every blob of a HEAD directory that the index no longer has.
    fn deleted_tree(&mut self, prefix: &[u8], id: ObjectId) -> anyhow::Result<()> {
        for e in self.head_entries(Some(id))? {
            let mut path = prefix.to_vec();
            path.push(b'/');
            path.extend_from_slice(&e.name);
            if e.is_blob {
                self.out
                    .deleted
                    .push((path.to_str_lossy().into_owned(), e.id));
            } else if e.is_tree {
                self.deleted_tree(&path, e.id)?;
            }
        }
        Ok(())
    }
}

fn is_regular_file(mode: gix::index::entry::Mode) -> bool {
    mode == gix::index::entry::Mode::FILE || mode == gix::index::entry::Mode::FILE_EXECUTABLE
}
