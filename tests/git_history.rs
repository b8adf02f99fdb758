//! `leakhound git` on histories with merges and branches, built with `git fast-import`:
//! shallow clones (`git clone --depth N`), attribution under parallel diffs, and incremental
//! scans (`--since-commit`, `--cache`).

mod common;
use common::{binance_pair, binance_secret, git, run_json};

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

/// A small deterministic generator (xorshift64*), so the history is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Planted secrets: the seed of each binance pair, and the file that holds it.
struct Planted {
    seed: u64,
    path: &'static str,
}

const OLD: [Planted; 4] = [
    Planted {
        seed: 101,
        path: "config/prod.env",
    },
    Planted {
        seed: 102,
        path: "deploy/k8s/secrets.env",
    },
    Planted {
        seed: 103,
        path: "app/settings.env",
    },
    // Edited later (a line appended near the end of the history), its secret line untouched.
    Planted {
        seed: 104,
        path: "app/edited.env",
    },
];
/// Added half-way, untouched afterwards (longer than every depth tested).
const MIDDLE: Planted = Planted {
    seed: 105,
    path: "svc/middle.env",
};
/// Added by the last commit of main.
const RECENT: Planted = Planted {
    seed: 106,
    path: "svc/recent.env",
};

/// Writes a history of `n` main-line commits with feature branches that fork and merge back
/// (so a shallow clone has several boundary commits), into a new repository at `dir`.
fn build_history(dir: &Path, n: usize, seed: u64) {
    git(dir, &["init", "-q"]);
    let mut rng = Rng(seed);
    let mut out = String::new();
    let mut mark = 0u32;
    let mut time = 1_700_000_000u64;
    let mut commit = |out: &mut String,
                      branch: &str,
                      parents: &[u32],
                      files: &[(String, String)],
                      msg: &str|
     -> u32 {
        mark += 1;
        time += 600;
        writeln!(out, "commit refs/heads/{branch}\nmark :{mark}").unwrap();
        writeln!(out, "author Ada <ada@example.invalid> {time} +0000").unwrap();
        writeln!(out, "committer Ada <ada@example.invalid> {time} +0000").unwrap();
        writeln!(out, "data {}\n{msg}", msg.len()).unwrap();
        if let Some(first) = parents.first() {
            writeln!(out, "from :{first}").unwrap();
        }
        for p in parents.iter().skip(1) {
            writeln!(out, "merge :{p}").unwrap();
        }
        for (path, data) in files {
            writeln!(out, "M 100644 inline {path}\ndata {}\n{data}", data.len()).unwrap();
        }
        out.push('\n');
        mark
    };
    let mut files: Vec<(String, String)> = OLD
        .iter()
        .map(|p| {
            (
                p.path.to_string(),
                format!("APP=demo\n{}", binance_pair(p.seed)),
            )
        })
        .collect();
    files.push(("README.md".into(), "# demo\n".into()));
    let mut main = commit(&mut out, "main", &[], &files, "initial import");
    let mut open: Vec<(usize, u32)> = Vec::new();
    for i in 0..n {
        let x = rng.below(100);
        if x < 15 {
            open.push((open.len(), main));
        }
        if !open.is_empty() && x > 55 {
            let k = rng.below(open.len() as u64) as usize;
            let (name, tip) = open[k];
            let file = (format!("src/b{name}.txt"), format!("{i}\n"));
            open[k].1 = commit(
                &mut out,
                &format!("b{name}"),
                &[tip],
                &[file],
                "branch work",
            );
        }
        let mut edits = vec![(format!("src/main{}.txt", i % 7), format!("{i}\n"))];
        if i == n / 2 {
            edits.push((
                MIDDLE.path.into(),
                format!("APP=demo\n{}", binance_pair(MIDDLE.seed)),
            ));
        }
        if i == n - 3 {
            edits.push((
                OLD[3].path.into(),
                format!("APP=demo\n{}DEBUG=1\n", binance_pair(OLD[3].seed)),
            ));
        }
        if i == n - 1 {
            edits.push((
                RECENT.path.into(),
                format!("APP=demo\n{}", binance_pair(RECENT.seed)),
            ));
        }
        if !open.is_empty() && x > 88 && i < n - 1 {
            let k = rng.below(open.len() as u64) as usize;
            let (_, tip) = open.remove(k);
            main = commit(&mut out, "main", &[main, tip], &edits, "merge a branch");
        } else {
            main = commit(&mut out, "main", &[main], &edits, &format!("work {i}"));
        }
    }
    let mut child = Command::new("git")
        .current_dir(dir)
        .args(["fast-import", "--quiet"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(out.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    git(dir, &["checkout", "-q", "-f", "main"]);
}

fn findings_with_secret<'a>(
    doc: &'a serde_json::Value,
    secret: &str,
) -> Vec<&'a serde_json::Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["secret"] == secret)
        .collect()
}

fn all_planted() -> Vec<&'static Planted> {
    OLD.iter().chain([&MIDDLE, &RECENT]).collect()
}

/// Each planted secret is reported exactly once, at its path; returns the commit of each.
fn assert_each_secret_once(doc: &serde_json::Value, what: &str) -> Vec<String> {
    let mut commits = Vec::new();
    for p in all_planted() {
        let found = findings_with_secret(doc, &binance_secret(p.seed));
        assert_eq!(
            found.len(),
            1,
            "{what}: {} reported {} times: {found:#?}",
            p.path,
            found.len()
        );
        assert_eq!(found[0]["path"], p.path, "{what}");
        commits.push(found[0]["commit"].as_str().unwrap().to_string());
    }
    assert_eq!(
        doc["findings"].as_array().unwrap().len(),
        all_planted().len(),
        "{what}: nothing else is reported"
    );
    commits
}

fn has_object(repo: &Path, id: &str) -> bool {
    Command::new("git")
        .current_dir(repo)
        .args(["cat-file", "-e", id])
        .status()
        .unwrap()
        .success()
}

#[test]
fn shallow_clones_report_each_secret_once_at_every_depth() {
    let src = tempfile::tempdir().unwrap();
    build_history(src.path(), 300, 7);
    let full = run_json(src.path(), &["git", ".", "--show-secrets"]);
    assert_eq!(full.doc["stats"]["git"]["shallow"], false);
    assert!(full.doc["stats"]["git"]["commits"].as_u64().unwrap() > 300);
    let origins = assert_each_secret_once(&full.doc, "full clone");

    let url = format!("file://{}", src.path().display());
    let (mut several_boundaries, mut present_parent) = (false, false);
    for depth in [1, 5, 20, 50] {
        let dir = tempfile::tempdir().unwrap();
        git(
            dir.path(),
            &["clone", "-q", "--depth", &depth.to_string(), &url, "c"],
        );
        let clone = dir.path().join("c");
        let boundary = std::fs::read_to_string(clone.join(".git/shallow")).unwrap();
        let boundary: Vec<&str> = boundary.lines().collect();
        several_boundaries |= boundary.len() > 1;
        // git sometimes cuts at a commit whose parent is in the clone through another path:
        // that parent must not hide the boundary's files.
        for b in &boundary {
            let parents = git(src.path(), &["rev-parse", &format!("{b}^@")]);
            present_parent |= parents.lines().any(|p| has_object(&clone, p));
        }

        let run = run_json(&clone, &["git", ".", "--show-secrets"]);
        let what = format!("--depth {depth} ({} boundary commits)", boundary.len());
        assert_eq!(run.code, 1, "{what}");
        assert_eq!(run.doc["stats"]["git"]["shallow"], true, "{what}");
        assert_eq!(
            run.doc["stats"]["git"]["shallow_boundary_commits"],
            boundary.len(),
            "{what}"
        );
        assert!(
            run.stderr.contains("shallow clone"),
            "{what}: {}",
            run.stderr
        );
        let commits = assert_each_secret_once(&run.doc, &what);
        // A secret whose commit is in the clone is attributed to it; the others (their real
        // origin is beyond the boundary) to a boundary commit.
        for ((p, c), origin) in all_planted().iter().zip(&commits).zip(&origins) {
            if has_object(&clone, origin) {
                assert_eq!(c, origin, "{what}: {}", p.path);
            } else {
                assert!(boundary.contains(&c.as_str()), "{what}: {} at {c}", p.path);
            }
        }
        assert!(
            !has_object(&clone, &origins[0]),
            "{what}: the oldest secret's commit is beyond the boundary"
        );
        for f in run.doc["findings"].as_array().unwrap() {
            assert_eq!(
                f["in_head"], true,
                "{what}: every planted secret is still at HEAD"
            );
        }
    }
    assert!(
        several_boundaries,
        "the history must give clones several boundary commits"
    );
    assert!(
        present_parent,
        "the history must give a boundary commit a present parent"
    );
}

fn commit_file(dir: &Path, name: &str, text: &str, msg: &str) -> String {
    common::write(dir, name, text);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", msg]);
    git(dir, &["rev-parse", "HEAD"])
}

#[test]
fn a_rescan_with_a_cache_covers_only_the_new_commit() {
    let src = tempfile::tempdir().unwrap();
    let dir = src.path();
    build_history(dir, 120, 3);
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = cache_dir.path().join("scan.cache");
    let cache_arg = cache.to_str().unwrap();

    let first = run_json(dir, &["git", ".", "--show-secrets", "--cache", cache_arg]);
    assert_eq!(first.code, 1);
    assert_each_secret_once(&first.doc, "first scan");
    let git_stats = &first.doc["stats"]["git"];
    assert_eq!(git_stats["cache"], "new");
    let all_blobs = git_stats["blobs_scanned"].as_u64().unwrap();
    assert!(all_blobs > 100, "{git_stats}");
    let text = std::fs::read_to_string(&cache).unwrap();
    assert!(text.starts_with("leakhound git cache 1\nkey "), "{text}");

    // One new commit: an edit of a file, and a new file with a new secret.
    common::write(dir, "src/main0.txt", "edited\n");
    let new = commit_file(
        dir,
        "svc/new.env",
        &format!("APP=demo\n{}", binance_pair(200)),
        "new settings",
    );
    let second = run_json(dir, &["git", ".", "--show-secrets", "--cache", cache_arg]);
    let git_stats = &second.doc["stats"]["git"];
    assert_eq!(git_stats["cache"], "used");
    assert_eq!(git_stats["commits"], 1, "{git_stats}");
    assert_eq!(
        git_stats["blobs_scanned"], 2,
        "only the two new blobs: {git_stats}"
    );
    // Only what the new commit adds is reported; earlier findings are not repeated.
    let all = second.doc["findings"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0]["secret"], binance_secret(200).as_str());
    assert_eq!(all[0]["commit"], new.as_str());
    assert_eq!(second.code, 1);

    // Nothing new: nothing scanned, clean exit.
    let third = run_json(dir, &["git", ".", "--cache", cache_arg]);
    assert_eq!(third.code, 0);
    assert_eq!(third.doc["stats"]["git"]["commits"], 0);
    assert_eq!(third.doc["stats"]["git"]["blobs_scanned"], 0);

    // Other rules (here: decoding off): the cache is stale, everything is scanned again.
    let fourth = run_json(dir, &["git", ".", "--no-decode", "--cache", cache_arg]);
    assert_eq!(fourth.doc["stats"]["git"]["cache"], "stale");
    assert!(fourth.stderr.contains("scanned again"), "{}", fourth.stderr);
    assert_eq!(
        fourth.doc["stats"]["git"]["blobs_scanned"]
            .as_u64()
            .unwrap(),
        all_blobs + 2
    );
    assert_eq!(fourth.code, 1);

    // A file that is not a cache is refused, and left alone.
    std::fs::write(&cache, "notes\n").unwrap();
    common::leakhound(dir)
        .args(["git", ".", "--cache", cache_arg])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a leakhound git cache"));
    assert_eq!(std::fs::read_to_string(&cache).unwrap(), "notes\n");
}

#[test]
fn since_commit_scans_only_the_commits_after_it() {
    let src = tempfile::tempdir().unwrap();
    let dir = src.path();
    build_history(dir, 60, 5);
    let before = git(dir, &["rev-parse", "HEAD"]);
    commit_file(dir, "a.txt", "one\n", "one");
    let new = commit_file(
        dir,
        "b.env",
        &format!("APP=demo\n{}", binance_pair(300)),
        "two",
    );
    // (Other branches' commits are not reachable from `before` either: --branch main.)
    let args = ["git", ".", "--show-secrets", "--branch", "main"];
    let run = run_json(dir, &[&args[..], &["--since-commit", &before]].concat());
    assert_eq!(run.code, 1);
    assert_eq!(run.doc["stats"]["git"]["commits"], 2);
    let all = run.doc["findings"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0]["commit"], new.as_str());
    // A revision that does not resolve is an error.
    common::leakhound(dir)
        .args(["git", ".", "--since-commit", "no-such-rev"])
        .assert()
        .code(2);
}
