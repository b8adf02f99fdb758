//! The commit walk of a history scan: which commits, and what each one is diffed against.
//!
//! A shallow clone's boundary commits (those listed in `.git/shallow`) have parents that are
//! not in the clone, or that git treats as absent. They are not diffed against their parents:
//! together they form one *snapshot*, each diffed against the previous boundary commit
//! (newest first), so that a file they all hold is seen once, not once per boundary commit.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{bail, Context};
use gix::bstr::ByteSlice;
use gix::ObjectId;

use super::packs::{CommitSource, Packs};
use super::HistoryOptions;
use crate::sources::{SkipReason, Skipped};

/// What a commit is diffed against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bases {
    /// A root commit: everything in it is new.
    Root,
    /// The trees of its parents (a merge has several: what is new to all of them counts).
    Parents(Vec<ObjectId>),
    /// A shallow boundary commit, `rank` 0 the most recent: diffed against the previous
    /// boundary commit's tree (`None` for the first).
    Snapshot {
        rank: u32,
        previous: Option<ObjectId>,
    },
}

/// A commit to diff.
#[derive(Debug, Clone)]
pub struct Walked {
    pub id: ObjectId,
    pub tree: ObjectId,
    /// Committer time, epoch seconds.
    pub time: i64,
    pub bases: Bases,
}

/// The commits to scan, newest first as the walk yields them (leaving out what is reachable
/// from `known`), the problems met (a parent that is missing in a repository that is not
/// shallow), and the tips the walk started from. Each commit to scan is also handed to
/// `each` as it is read, with its raw object.
pub fn walk_commits(
    repo: &gix::Repository,
    packs: &Arc<Packs>,
    opts: &HistoryOptions,
    known: &[ObjectId],
    each: &mut dyn FnMut(ObjectId, &[u8]),
) -> anyhow::Result<(Vec<Walked>, Vec<Skipped>, Vec<ObjectId>)> {
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
    let mut ref_problems = Vec::new();
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
        // Every ref: a ref (or tag) pointing at an object that is missing is skipped with its
        // reason, never an error that ends the scan; one pointing at a blob or a tree is left
        // to the tag pass of `history`.
        let mut tips = Vec::new();
        if let Ok(head) = repo.head_id() {
            if let Some(id) = ref_commit(repo, "HEAD", head.detach(), &mut ref_problems) {
                tips.push(id);
            }
        }
        for r in repo.references()?.all()? {
            let Ok(r) = r else { continue };
            let Some(id) = r.target().try_id().map(|id| id.to_owned()) else {
                continue;
            };
            let name = r.name().as_bstr().to_str_lossy().into_owned();
            if let Some(id) = ref_commit(repo, &name, id, &mut ref_problems) {
                tips.push(id);
            }
        }
        tips.sort();
        tips.dedup();
        tips
    };
    if let Some(since) = &opts.since_commit {
        hidden.push(
            resolve(since).with_context(|| format!("--since-commit {since}: not a commit here"))?,
        );
    }
    hidden.extend(known.iter().copied());
    hidden.sort();
    hidden.dedup();
    let (commits, mut problems) = walk_from(repo, packs, tips.clone(), hidden, opts.since, each)?;
    problems.extend(ref_problems);
    Ok((commits, problems, tips))
}

/// The commit ref `name` (pointing at `id`) leads to, through annotated tags; `None` for a ref
/// to a blob or a tree, and for one whose object (or a tag on the way) is missing or
/// unreadable: that is recorded in `problems`.
fn ref_commit(
    repo: &gix::Repository,
    name: &str,
    mut id: ObjectId,
    problems: &mut Vec<Skipped>,
) -> Option<ObjectId> {
    let mut missing = |id: ObjectId, e: &dyn std::fmt::Display| {
        problems.push(Skipped {
            path: format!("ref {name}"),
            reason: SkipReason::Unreadable {
                error: format!("object {id} is missing or unreadable ({e}): not scanned"),
            },
        });
        None
    };
    // A tag of a tag of ...: a cycle is impossible with real ids, but stay bounded.
    for _ in 0..64 {
        let kind = match repo.find_header(id) {
            Ok(h) => h.kind(),
            Err(e) => return missing(id, &e),
        };
        match kind {
            gix::object::Kind::Commit => return Some(id),
            gix::object::Kind::Tag => {
                let target = repo
                    .find_object(id)
                    .map_err(|e| e.to_string())
                    .and_then(|o| o.try_into_tag().map_err(|e| e.to_string()))
                    .and_then(|t| t.target_id().map_err(|e| e.to_string()));
                match target {
                    Ok(t) => id = t.detach(),
                    Err(e) => return missing(id, &e),
                }
            }
            gix::object::Kind::Blob | gix::object::Kind::Tree => return None,
        }
    }
    None
}

struct Raw {
    id: ObjectId,
    tree: ObjectId,
    time: i64,
    parents: Vec<ObjectId>,
    boundary: bool,
}

fn walk_from(
    repo: &gix::Repository,
    packs: &Arc<Packs>,
    tips: Vec<ObjectId>,
    hidden: Vec<ObjectId>,
    since: Option<i64>,
    each: &mut dyn FnMut(ObjectId, &[u8]),
) -> anyhow::Result<(Vec<Walked>, Vec<Skipped>)> {
    let mut problems = Vec::new();
    let mut tips: Vec<ObjectId> = tips.into_iter().filter(|t| !hidden.contains(t)).collect();
    tips.retain(|t| {
        let present = repo.has_object(t);
        if !present {
            problems.push(Skipped {
                path: format!("commit {t}"),
                reason: SkipReason::Unreadable {
                    error: "the commit is missing: not scanned".to_string(),
                },
            });
        }
        present
    });
    if tips.is_empty() {
        return Ok((Vec::new(), problems));
    }
    let mut shallow: Vec<ObjectId> = repo
        .shallow_commits()?
        .map(|c| c.iter().copied().collect())
        .unwrap_or_default();
    shallow.sort();
    // Our own walk rather than `rev_walk`, whose shallow handling skips a parent of a boundary
    // commit even when another child reaches it (git/gix quirk: such parents exist in real
    // clones), which loses that commit and everything behind it. Here a commit that is not in
    // the object database is simply not walked, and boundary commits are never diffed against
    // their parents.
    let objects = CommitSource::new(repo.clone(), Arc::clone(packs));
    let hidden_present: Vec<ObjectId> = hidden.into_iter().filter(|h| repo.has_object(h)).collect();
    let mut walk = gix::traverse::commit::Simple::filtered(tips, objects, |id| repo.has_object(id))
        .hide(hidden_present)?;
    let mut raw = Vec::new();
    let mut tree_of: HashMap<ObjectId, ObjectId> = HashMap::new();
    while let Some(info) = walk.next() {
        let info = match info {
            Ok(info) => info,
            Err(e) => {
                // An unreadable commit: skipped with its reason; the walk goes on with the
                // commits still queued.
                problems.push(Skipped {
                    path: "commit walk".to_string(),
                    reason: SkipReason::Unreadable {
                        error: format!("{e:#}"),
                    },
                });
                continue;
            }
        };
        let commit = walk.commit_iter();
        let mut tokens = commit;
        let tree = tokens
            .tree_id()
            .with_context(|| format!("commit {}: no tree", info.id))?;
        let time = commit
            .committer()
            .map(|c| c.seconds())
            .or_else(|_| commit.author().map(|a| a.seconds()))
            .unwrap_or(0);
        tree_of.insert(info.id, tree);
        if since.is_some_and(|since| time < since) {
            continue;
        }
        each(info.id, walk.commit_data());
        raw.push(Raw {
            id: info.id,
            tree,
            time,
            parents: info.parent_ids.iter().copied().collect(),
            boundary: shallow.binary_search(&info.id).is_ok(),
        });
    }
    drop(walk);
    let raw = first_parent_chains(raw);

    // Boundary commits, newest first: each is diffed against the one before it.
    let mut boundary: Vec<(i64, ObjectId, ObjectId)> = raw
        .iter()
        .filter(|c| c.boundary)
        .map(|c| (c.time, c.id, c.tree))
        .collect();
    let mut out = Vec::with_capacity(raw.len());
    let mut orphans = Vec::new();
    for c in raw {
        let bases = if c.boundary {
            Bases::Snapshot {
                rank: 0,
                previous: None,
            }
        } else if c.parents.is_empty() {
            Bases::Root
        } else {
            let mut trees = Vec::with_capacity(c.parents.len());
            for p in &c.parents {
                match tree_of.get(p).copied().or_else(|| parent_tree(repo, *p)) {
                    Some(t) => trees.push(t),
                    None => problems.push(Skipped {
                        path: format!("commit {}", c.id),
                        reason: SkipReason::Unreadable {
                            error: format!(
                                "parent {p} is missing: the commit is diffed against its other \
                                 parents, or scanned whole if it has none"
                            ),
                        },
                    }),
                }
            }
            if trees.is_empty() {
                // Every parent is missing: like a boundary commit.
                orphans.push((c.time, c.id, c.tree));
                Bases::Snapshot {
                    rank: 0,
                    previous: None,
                }
            } else {
                Bases::Parents(trees)
            }
        };
        out.push(Walked {
            id: c.id,
            tree: c.tree,
            time: c.time,
            bases,
        });
    }
    boundary.extend(orphans);
    boundary.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let place: HashMap<ObjectId, (u32, Option<ObjectId>)> = boundary
        .iter()
        .enumerate()
        .map(|(i, (_, id, _))| (*id, (i as u32, i.checked_sub(1).map(|p| boundary[p].2))))
        .collect();
    for c in &mut out {
        if let Bases::Snapshot { rank, previous } = &mut c.bases {
            (*rank, *previous) = place[&c.id];
        }
    }
    Ok((out, problems))
}

/// The commits reordered so that each is followed by its first parent wherever that parent is
/// not already placed: from each commit in walk order, its first-parent line is laid out until
/// it meets one placed before. A diff worker takes a contiguous run of this order, so the trees
/// it reads as the old side of one commit are, nine times in ten, the new side of the next,
/// and still in its cache (in the walk's own breadth-first order, six times in ten).
fn first_parent_chains(raw: Vec<Raw>) -> Vec<Raw> {
    let index: HashMap<ObjectId, usize> = raw.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut placed = vec![false; raw.len()];
    let mut order = Vec::with_capacity(raw.len());
    for start in 0..raw.len() {
        let mut i = start;
        while !placed[i] {
            placed[i] = true;
            order.push(i);
            match raw[i].parents.first().and_then(|p| index.get(p)) {
                Some(&parent) => i = parent,
                None => break,
            }
        }
    }
    let mut slots: Vec<Option<Raw>> = raw.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

fn parent_tree(repo: &gix::Repository, commit: ObjectId) -> Option<ObjectId> {
    repo.find_commit(commit)
        .ok()?
        .tree_id()
        .ok()
        .map(|t| t.detach())
}
