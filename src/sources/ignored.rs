//! What a folder walk leaves out by rule, counted without a second walk: the paths that
//! `.gitignore`, `.ignore`, `.git/info/exclude` and git's global excludes file hid from the walk,
//! and the paths `--exclude` and the config's `exclude` left out.
//!
//! The `ignore` crate drops an ignored entry before anything of ours sees it and does not say
//! what it dropped. So each folder the walk enters is listed once more (one `readdir`, no
//! `stat`): [`Lister::visit`] lists the folder when the walker hands it over, and
//! [`Tally::seen`] (called from `WalkBuilder::filter_entry`) marks each child the walker keeps.
//! The walker runs the filter for a folder's children on the thread that visited the folder,
//! right after that visit, so the list lives in a thread-local and needs no lock. Whatever is
//! left unmarked when the thread moves on was dropped by an ignore rule.
//!
//! **An ignored folder counts as one path**: it is not entered, so what it holds is not
//! counted (that would be the second walk this avoids). After the walk, each path left out is
//! matched against the ignore files the way the `ignore` crate does (`.ignore` before
//! `.gitignore` before `.git/info/exclude` before the global file; the deepest folder's file
//! first), which names its reason; a path no rule explains (one created while the walk ran) is
//! not counted.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::{Deserialize, Serialize};

/// Paths a folder scan left out, by reason (the JSON report's `stats.ignored`). An ignored
/// folder counts as one path.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IgnoredCounts {
    /// By a `.gitignore` file.
    #[serde(default)]
    pub gitignore: u64,
    /// By an `.ignore` file (honoured outside git work trees only).
    #[serde(default)]
    pub ignore: u64,
    /// By the repository's `.git/info/exclude`.
    #[serde(default)]
    pub git_exclude: u64,
    /// By git's global excludes file (`core.excludesFile`).
    #[serde(default)]
    pub git_global: u64,
    /// By `--exclude` or the config's `exclude` (`--no-ignore` does not bring these back).
    #[serde(default)]
    pub exclude: u64,
}

impl IgnoredCounts {
    /// Left out by ignore files: what `--no-ignore` would scan.
    pub fn by_ignore_rules(&self) -> u64 {
        self.gitignore + self.ignore + self.git_exclude + self.git_global
    }
}

/// The counts of one walk, shared by its threads.
pub(crate) struct Tally {
    /// Whether the walk honours ignore files at all (not with `--no-ignore`).
    ignore_rules: bool,
    /// Whether `.ignore` files are among them (not inside a git work tree).
    dot_ignore: bool,
    /// The walk's folder roots, as given and canonical.
    roots: Vec<(PathBuf, PathBuf)>,
    left: Mutex<Vec<Left>>,
    /// Folders listed that hold an ignore file or a `.git` (the rest need no look later).
    marked: Mutex<Vec<PathBuf>>,
    excluded: AtomicU64,
}

/// A path the walker dropped, as it would have yielded it.
struct Left {
    path: PathBuf,
    is_dir: bool,
}

/// The folder this thread visited last, with its children and whether the walker kept each.
struct Pending {
    /// The [`Tally`] it belongs to (its address), so that two walks can never mix.
    tally: usize,
    dir: PathBuf,
    children: Vec<Child>,
    /// Where the next child is expected: the walker reads the folder in the same order.
    cursor: usize,
}

struct Child {
    name: OsString,
    is_dir: bool,
    kept: bool,
}

thread_local! {
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
}

impl Tally {
    pub(crate) fn new(ignore_rules: bool, dot_ignore: bool, roots: &[PathBuf]) -> Arc<Tally> {
        let roots = roots
            .iter()
            .filter_map(|r| Some((r.clone(), std::fs::canonicalize(r).ok()?)))
            .collect();
        Arc::new(Tally {
            ignore_rules,
            dot_ignore,
            roots,
            left: Mutex::new(Vec::new()),
            marked: Mutex::new(Vec::new()),
            excluded: AtomicU64::new(0),
        })
    }

    /// `path` (as the walk yields it) made absolute through its root, without a system call;
    /// the walk follows no symlink, so this is its canonical path.
    fn absolute(&self, path: &Path) -> Option<PathBuf> {
        self.roots
            .iter()
            .filter_map(|(root, real)| Some((root, real, path.strip_prefix(root).ok()?)))
            .max_by_key(|(root, _, _)| root.as_os_str().len())
            .map(|(_, real, rel)| real.join(rel))
            .or_else(|| std::fs::canonicalize(path).ok())
    }

    fn id(&self) -> usize {
        self as *const Tally as usize
    }

    /// A per-thread lister; give it every entry the thread's visitor receives.
    pub(crate) fn lister(self: &Arc<Tally>) -> Lister {
        Lister {
            tally: Arc::clone(self),
            left: Vec::new(),
            marked: Vec::new(),
        }
    }

    /// The walker kept `entry` (call first thing in `filter_entry`).
    pub(crate) fn seen(&self, entry: &ignore::DirEntry) {
        if !self.ignore_rules {
            return;
        }
        PENDING.with(|p| {
            let mut p = p.borrow_mut();
            let Some(p) = p.as_mut() else { return };
            if p.tally == self.id() && entry.path().parent() == Some(p.dir.as_path()) {
                p.mark(entry.file_name());
            }
        });
    }

    /// `filter_entry` left a path out for `--exclude` or the config's `exclude`.
    pub(crate) fn excluded(&self) {
        self.excluded.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts, once every thread of the walk has ended. `scanned_anyway(path)` is true for
    /// a path an ignore rule hid that is scanned all the same (a tracked file), and
    /// `excluded(path, is_dir)` for one that an exclude glob leaves out.
    pub(crate) fn finish(
        &self,
        scanned_anyway: impl Fn(&Path) -> bool,
        excluded: impl Fn(&Path, bool) -> bool,
    ) -> IgnoredCounts {
        let mut counts = IgnoredCounts {
            exclude: self.excluded.load(Ordering::Relaxed),
            ..IgnoredCounts::default()
        };
        let left = std::mem::take(&mut *self.left.lock().expect("ignored lock"));
        if left.is_empty() {
            return counts;
        }
        let marked = std::mem::take(&mut *self.marked.lock().expect("ignored lock"));
        let mut rules = Rules::new(self, &marked);
        for l in left {
            if scanned_anyway(&l.path) {
                if excluded(&l.path, l.is_dir) {
                    counts.exclude += 1;
                }
                continue;
            }
            match rules.reason(self, &l.path, l.is_dir) {
                Some(Kind::DotIgnore) => counts.ignore += 1,
                Some(Kind::Gitignore) => counts.gitignore += 1,
                Some(Kind::GitExclude) => counts.git_exclude += 1,
                Some(Kind::GitGlobal) => counts.git_global += 1,
                None => {}
            }
        }
        counts
    }
}

impl Pending {
    fn mark(&mut self, name: &OsStr) {
        let n = self.children.len();
        for k in 0..n {
            let i = (self.cursor + k) % n;
            let c = &mut self.children[i];
            if !c.kept && c.name == name {
                c.kept = true;
                self.cursor = i + 1;
                return;
            }
        }
    }
}

/// One walk thread's side of the [`Tally`].
pub(crate) struct Lister {
    tally: Arc<Tally>,
    left: Vec<Left>,
    marked: Vec<PathBuf>,
}

impl Lister {
    /// The walker handed `entry` to this thread's visitor: the children of the folder visited
    /// before it have all been filtered by now. A folder is listed for its own children.
    pub(crate) fn visit(&mut self, entry: &ignore::DirEntry) {
        if !self.tally.ignore_rules {
            return;
        }
        self.flush();
        if !entry.file_type().is_some_and(|t| t.is_dir()) {
            return;
        }
        let Ok(read) = std::fs::read_dir(entry.path()) else {
            return; // the walker reports a folder it cannot list
        };
        let children = read
            .filter_map(Result::ok)
            .map(|d| Child {
                name: d.file_name(),
                is_dir: d.file_type().is_ok_and(|t| t.is_dir()),
                kept: false,
            })
            .collect::<Vec<_>>();
        if children
            .iter()
            .any(|c| c.name == ".gitignore" || c.name == ".ignore" || c.name == ".git")
        {
            self.marked.push(entry.path().to_path_buf());
        }
        PENDING.with(|p| {
            *p.borrow_mut() = Some(Pending {
                tally: self.tally.id(),
                dir: entry.path().to_path_buf(),
                children,
                cursor: 0,
            })
        });
    }

    fn flush(&mut self) {
        let Some(p) = PENDING.with(|p| p.borrow_mut().take()) else {
            return;
        };
        if p.tally != self.tally.id() {
            return;
        }
        for c in p.children.into_iter().filter(|c| !c.kept) {
            self.left.push(Left {
                path: p.dir.join(&c.name),
                is_dir: c.is_dir,
            });
        }
    }
}

impl Drop for Lister {
    fn drop(&mut self) {
        self.flush();
        if !self.left.is_empty() {
            if let Ok(mut all) = self.tally.left.lock() {
                all.append(&mut self.left);
            }
        }
        if !self.marked.is_empty() {
            if let Ok(mut all) = self.tally.marked.lock() {
                all.append(&mut self.marked);
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    DotIgnore,
    Gitignore,
    GitExclude,
    GitGlobal,
}

/// The ignore files of each folder met, read once, to name why a path was left out.
struct Rules {
    dot_ignore: bool,
    /// The walk's canonical roots: every folder under one was listed...
    inside: Vec<PathBuf>,
    /// ...and only these (canonical) hold an ignore file or a `.git`.
    marked: std::collections::HashSet<PathBuf>,
    /// Per folder met: its `.ignore`, `.gitignore` and `info/exclude` matchers...
    levels: Vec<[Gitignore; 3]>,
    /// ...found by its canonical path.
    index: HashMap<PathBuf, usize>,
    global: Gitignore,
    /// The folder asked about last (paths left out come folder by folder): as yielded, its
    /// canonical path, and its levels from itself up to `/`.
    last: Option<(PathBuf, PathBuf, Vec<usize>)>,
}

impl Rules {
    /// `marked`: the folders (as yielded) the walk found an ignore file or a `.git` in.
    fn new(tally: &Tally, marked: &[PathBuf]) -> Rules {
        Rules {
            dot_ignore: tally.dot_ignore,
            inside: tally.roots.iter().map(|(_, real)| real.clone()).collect(),
            marked: marked.iter().filter_map(|d| tally.absolute(d)).collect(),
            levels: Vec::new(),
            index: HashMap::new(),
            global: Gitignore::global().0,
            last: None,
        }
    }

    fn level(&mut self, dir: &Path) -> usize {
        if let Some(&i) = self.index.get(dir) {
            return i;
        }
        if !self.marked.contains(dir) && self.inside.iter().any(|r| dir.starts_with(r)) {
            // Listed during the walk, and it holds no ignore file: nothing to read.
            self.levels
                .push([Gitignore::empty(), Gitignore::empty(), Gitignore::empty()]);
            self.index.insert(dir.to_path_buf(), self.levels.len() - 1);
            return self.levels.len() - 1;
        }
        let file = |file: Option<PathBuf>| {
            let mut b = GitignoreBuilder::new(dir);
            if let Some(f) = file.filter(|f| f.is_file()) {
                let _ = b.add(f);
            }
            b.build().unwrap_or_else(|_| Gitignore::empty())
        };
        self.levels.push([
            file(self.dot_ignore.then(|| dir.join(".ignore"))),
            file(Some(dir.join(".gitignore"))),
            file(git_common_dir(dir).map(|g| g.join("info/exclude"))),
        ]);
        self.index.insert(dir.to_path_buf(), self.levels.len() - 1);
        self.levels.len() - 1
    }

    /// Which kind of ignore file left `path` out (as the walker would have yielded it).
    fn reason(&mut self, tally: &Tally, path: &Path, is_dir: bool) -> Option<Kind> {
        let parent = path.parent()?;
        if self.last.as_ref().is_none_or(|(p, _, _)| p != parent) {
            let canonical = tally.absolute(parent)?;
            let chain = canonical.ancestors().map(|d| self.level(d)).collect();
            self.last = Some((parent.to_path_buf(), canonical, chain));
        }
        let (_, canonical, chain) = self.last.as_ref()?;
        let abs = canonical.join(path.file_name()?);
        for (i, kind) in [Kind::DotIgnore, Kind::Gitignore, Kind::GitExclude]
            .into_iter()
            .enumerate()
        {
            for &level in chain {
                let m = self.levels[level][i].matched(&abs, is_dir);
                if m.is_ignore() {
                    return Some(kind);
                }
                if m.is_whitelist() {
                    return None;
                }
            }
        }
        let rel = path.strip_prefix("./").unwrap_or(path);
        self.global
            .matched(rel, is_dir)
            .is_ignore()
            .then_some(Kind::GitGlobal)
    }
}

/// The git folder whose `info/exclude` applies to the work tree at `dir`: `dir/.git`, or for
/// a linked worktree or submodule (`.git` is a file saying `gitdir: ...`) the common folder it
/// points to. `None` when `dir` holds no `.git`.
fn git_common_dir(dir: &Path) -> Option<PathBuf> {
    let dot_git = dir.join(".git");
    let meta = std::fs::metadata(&dot_git).ok()?;
    let git_dir = if meta.is_dir() {
        dot_git
    } else {
        let text = std::fs::read_to_string(&dot_git).ok()?;
        dir.join(text.strip_prefix("gitdir:")?.trim())
    };
    match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(common) => Some(git_dir.join(common.trim())),
        Err(_) => Some(git_dir),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reason is the first kind of file with a say, the deepest folder's first, and a
    /// whitelist (`!pattern`) means the crate did not ignore the path.
    #[test]
    fn reasons_follow_the_ignore_crates_precedence() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("sub")).unwrap();
        std::fs::write(d.join(".gitignore"), "*.env\n*.log\ndrafts/\n").unwrap();
        std::fs::write(d.join(".ignore"), "drafts/\n").unwrap();
        std::fs::write(d.join("sub/.gitignore"), "!keep.log\n").unwrap();
        let tally = Tally::new(true, true, &[d.to_path_buf()]);
        let mut rules = Rules::new(&tally, &[d.to_path_buf(), d.join("sub")]);
        let reason = |rules: &mut Rules, p: &str, is_dir| rules.reason(&tally, &d.join(p), is_dir);
        assert_eq!(reason(&mut rules, "a.env", false), Some(Kind::Gitignore));
        assert_eq!(
            reason(&mut rules, "sub/a.env", false),
            Some(Kind::Gitignore)
        );
        assert_eq!(reason(&mut rules, "drafts", true), Some(Kind::DotIgnore));
        assert_eq!(
            reason(&mut rules, "sub/other.log", false),
            Some(Kind::Gitignore)
        );
        assert_eq!(reason(&mut rules, "sub/keep.log", false), None);
        assert_eq!(reason(&mut rules, "readme.txt", false), None);
        // Without `.ignore` files (inside git), `drafts/` is the `.gitignore`'s.
        let tally = Tally::new(true, false, &[d.to_path_buf()]);
        let mut rules = Rules::new(&tally, &[d.to_path_buf()]);
        assert_eq!(
            rules.reason(&tally, &d.join("drafts"), true),
            Some(Kind::Gitignore)
        );
    }

    #[test]
    fn a_linked_worktree_finds_its_common_exclude_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("main/.git/worktrees/wt")).unwrap();
        std::fs::create_dir_all(d.join("wt")).unwrap();
        std::fs::write(d.join("main/.git/worktrees/wt/commondir"), "../..\n").unwrap();
        let gitdir = d.join("main/.git/worktrees/wt");
        std::fs::write(d.join("wt/.git"), format!("gitdir: {}\n", gitdir.display())).unwrap();
        let common = git_common_dir(&d.join("wt")).unwrap();
        assert_eq!(
            std::fs::canonicalize(common).unwrap(),
            std::fs::canonicalize(d.join("main/.git")).unwrap()
        );
        assert_eq!(
            git_common_dir(&d.join("main")).unwrap(),
            d.join("main/.git")
        );
        assert!(git_common_dir(d).is_none());
    }
}
