//! What git tracks, for the working-tree scan: inside a git work tree `scan` reads every file
//! in the index, whatever `.gitignore` or `.ignore` say (a committed file is published, ignored
//! or not), plus the untracked files git does not ignore. The walk in `fs` honours the ignore
//! files as before; this module lists the tracked files under the walk's roots, is told which
//! ones the walk met ([`Tracked::seen`]), and hands back the rest ([`Tracked::missed`]): the
//! tracked files an ignore rule hid from the walk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use gix::bstr::ByteSlice;

/// The tracked regular files under the walk's folder roots, keyed by the path the walk yields
/// for them (`root.join(relative path)`), each with a flag the walk sets.
#[derive(Debug, Default)]
pub struct Tracked {
    files: HashMap<PathBuf, AtomicBool>,
    /// True when a root is inside a git work tree: `.ignore` files (not git's) then hide no
    /// untracked file either.
    pub in_git: bool,
}

impl Tracked {
    /// The tracked files under each folder root that is inside a git work tree; `None` when
    /// no root is. A repository that cannot be read is treated as no repository (the walk
    /// then honours the ignore files, as outside git).
    pub fn for_roots(roots: &[PathBuf]) -> Option<Tracked> {
        let mut tracked = Tracked::default();
        for root in roots.iter().filter(|r| r.is_dir()) {
            if add_root(&mut tracked, root).is_some() {
                tracked.in_git = true;
            }
        }
        tracked.in_git.then_some(tracked)
    }

    /// The walk met `path` (as it yields it).
    pub fn seen(&self, path: &Path) {
        if let Some(flag) = self.files.get(path) {
            flag.store(true, Ordering::Relaxed);
        }
    }

    /// Tracked regular files the walk did not meet and that exist in the work tree (a file
    /// deleted but not yet staged, or outside a sparse checkout, has nothing to read), sorted.
    pub fn missed(&self) -> Vec<&Path> {
        let mut out: Vec<&Path> = self
            .files
            .iter()
            .filter(|(_, seen)| !seen.load(Ordering::Relaxed))
            .map(|(p, _)| p.as_path())
            .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_file()))
            .collect();
        out.sort();
        out
    }

    /// Whether `path` (as the walk yields it) is a tracked file.
    pub fn contains(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }

    /// How many tracked files there are under the roots.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Adds the index entries under `root`; `None` when `root` is in no work tree.
fn add_root(tracked: &mut Tracked, root: &Path) -> Option<()> {
    let repo = gix::discover(root).ok()?;
    let work_tree = std::fs::canonicalize(repo.workdir()?).ok()?;
    let real_root = std::fs::canonicalize(root).ok()?;
    let prefix = real_root.strip_prefix(&work_tree).ok()?;
    let prefix = prefix.to_str()?.replace(std::path::MAIN_SEPARATOR, "/");
    let index = repo.index_or_empty().ok()?;
    for entry in index.entries() {
        let mode = entry.mode;
        if mode != gix::index::entry::Mode::FILE && mode != gix::index::entry::Mode::FILE_EXECUTABLE
        {
            continue; // symlinks and submodules are the walk's business
        }
        let Ok(path) = entry.path(&index).to_str() else {
            continue; // not UTF-8: the walk meets it under its OS name
        };
        let rel = if prefix.is_empty() {
            Some(path)
        } else {
            path.strip_prefix(prefix.as_str())
                .and_then(|r| r.strip_prefix('/'))
        };
        if let Some(rel) = rel {
            tracked.files.insert(root.join(rel), AtomicBool::new(false));
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let ok = std::process::Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn lists_tracked_files_under_a_root_and_what_the_walk_missed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        git(d, &["init", "-q"]);
        std::fs::create_dir_all(d.join("sub/deep")).unwrap();
        std::fs::write(d.join("top.txt"), "a").unwrap();
        std::fs::write(d.join("sub/deep/x.env"), "b").unwrap();
        std::fs::write(d.join("sub/y.txt"), "c").unwrap();
        git(d, &["add", "-A"]);
        let root = d.join("sub");
        let t = Tracked::for_roots(std::slice::from_ref(&root)).expect("in git");
        assert_eq!(t.len(), 2);
        t.seen(&root.join("y.txt"));
        assert_eq!(t.missed(), vec![root.join("deep/x.env").as_path()]);
        // A tracked file deleted from the work tree has nothing to read.
        std::fs::remove_file(root.join("deep/x.env")).unwrap();
        assert!(t.missed().is_empty());
        let outside = tempfile::tempdir().unwrap();
        assert!(Tracked::for_roots(&[outside.path().to_path_buf()]).is_none());
    }
}
