//! What a push publishes: the commits a pre-push hook must scan, from the lines git gives the
//! hook on standard input, minus what the remote already has.

use std::io::BufRead;

use anyhow::{bail, Context};
use gix::ObjectId;

/// One line of a pre-push hook's standard input. A null id (all zeros) stands for "none": the
/// local side of a deletion, the remote side of a new branch.
#[derive(Debug, PartialEq, Eq)]
pub struct PushedRef {
    pub local_ref: String,
    pub local: ObjectId,
    pub remote: ObjectId,
}

impl PushedRef {
    /// A deletion (`git push origin --delete x`, `git push origin :x`) publishes no commit.
    pub fn is_deletion(&self) -> bool {
        self.local.is_null()
    }
}

fn parse_id(sha: &str, line: usize) -> anyhow::Result<ObjectId> {
    ObjectId::from_hex(sha.as_bytes())
        .with_context(|| format!("line {line} of standard input: {sha:?} is not an object id"))
}

/// Parses `<local ref> <local sha> <remote ref> <remote sha>` lines; blank lines are ignored.
pub fn parse_push_lines(input: impl BufRead) -> anyhow::Result<Vec<PushedRef>> {
    let mut refs = Vec::new();
    for (n, line) in input.lines().enumerate() {
        let line = line.context("cannot read the pushed refs from standard input")?;
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields[..] {
            [] => continue,
            [local_ref, local, _remote_ref, remote] => refs.push(PushedRef {
                local_ref: local_ref.to_string(),
                local: parse_id(local, n + 1)?,
                remote: parse_id(remote, n + 1)?,
            }),
            _ => bail!(
                "line {} of standard input is not `<local ref> <local sha> <remote ref> <remote sha>`: {line:?} \
                 (`leakhound hook pre-push` reads what git gives a pre-push hook)",
                n + 1
            ),
        }
    }
    Ok(refs)
}

/// The commit an id names locally (peeling an annotated tag), if the object is here.
fn local_commit(repo: &gix::Repository, id: ObjectId) -> Option<ObjectId> {
    let object = repo.try_find_object(id).ok()??;
    object.peel_to_commit().ok().map(|c| c.id)
}

/// The commits behind `refs/remotes/<remote>/*`: what the remote had at the last fetch or push.
fn remote_tracking_commits(repo: &gix::Repository, remote: &str) -> anyhow::Result<Vec<ObjectId>> {
    let prefix = format!("refs/remotes/{remote}/");
    let mut out = Vec::new();
    for r in repo.references()?.remote_branches()? {
        let Ok(mut r) = r else { continue };
        if !r.name().as_bstr().starts_with(prefix.as_bytes()) {
            continue;
        }
        if let Ok(commit) = r.peel_to_commit() {
            out.push(commit.id);
        }
    }
    Ok(out)
}

/// The walk that covers what the push publishes: from every pushed commit, hiding what the
/// remote already has (the refs' old values, and the remote-tracking refs of the remote).
///
/// One walk for all refs rather than one per ref: anything reachable from any ref's old value
/// is already on the remote, and a shared history is then scanned once, not once per branch.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PushWalk {
    pub tips: Vec<ObjectId>,
    pub hidden: Vec<ObjectId>,
}

pub fn plan_walk(
    repo: &gix::Repository,
    remote: Option<&str>,
    refs: &[PushedRef],
) -> anyhow::Result<PushWalk> {
    let mut walk = PushWalk::default();
    for r in refs.iter().filter(|r| !r.is_deletion()) {
        let Some(tip) = local_commit(repo, r.local) else {
            eprintln!(
                "leakhound: note: {} ({}) is not a commit here; not scanned",
                r.local_ref, r.local
            );
            continue;
        };
        walk.tips.push(tip);
        // A remote value we do not have (someone else pushed since our last fetch) cannot be
        // hidden; the remote-tracking refs below still hide what we know the remote has.
        if !r.remote.is_null() {
            if let Some(old) = local_commit(repo, r.remote) {
                walk.hidden.push(old);
            }
        }
    }
    // When the push named a URL rather than a configured remote, git passes the URL as the
    // name: no remote-tracking ref matches it, and a new branch is scanned down to its root.
    if let Some(remote) = remote {
        if !walk.tips.is_empty() {
            walk.hidden.extend(remote_tracking_commits(repo, remote)?);
        }
    }
    for list in [&mut walk.tips, &mut walk.hidden] {
        list.sort();
        list.dedup();
    }
    Ok(walk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_push_lines() {
        let z = "0".repeat(40);
        let a = "a".repeat(40);
        let input =
            format!("refs/heads/main {a} refs/heads/main {z}\n\n(delete) {z} refs/heads/old {a}\n");
        let refs = parse_push_lines(input.as_bytes()).unwrap();
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[0].local_ref, "refs/heads/main");
        assert_eq!(refs[0].local.to_string(), a);
        assert!(!refs[0].is_deletion());
        assert!(refs[0].remote.is_null());
        assert!(refs[1].is_deletion());
        assert!(parse_push_lines("just two fields\n".as_bytes()).is_err());
        assert!(parse_push_lines("four words but no\n".as_bytes()).is_err());
        assert!(parse_push_lines("".as_bytes()).unwrap().is_empty());
    }
}
