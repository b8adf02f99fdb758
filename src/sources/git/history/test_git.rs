//! Running git in the unit tests of the history scan, which build their repositories with
//! git's own plumbing so that what they read is what git writes.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `git args` in `dir` with `input` on stdin (and no user or system config), asserts
/// that it succeeds, and returns its output, trimmed.
pub fn git(dir: &Path, args: &[&str], input: Option<&[u8]>) -> String {
    let mut child = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("git runs");
    if let Some(input) = input {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Packs every object of the repository in `dir` into one pack, removes the loose copies, and
/// returns `git verify-pack -v` of the pack.
pub fn pack_everything(dir: &Path) -> String {
    // Objects no ref reaches are packed too: list them by name.
    let all = git(
        dir,
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objectname)",
        ],
        None,
    );
    git(
        dir,
        &["pack-objects", "-q", ".git/objects/pack/pack"],
        Some(all.as_bytes()),
    );
    git(dir, &["prune-packed"], None);
    let loose = git(dir, &["count-objects", "-v"], None);
    assert!(loose.starts_with("count: 0"), "{loose}");
    let idx = pack_file(dir, "idx");
    git(dir, &["verify-pack", "-v", idx.to_str().unwrap()], None)
}

/// The one pack file of the repository in `dir` with extension `ext` (`idx` or `pack`).
pub fn pack_file(dir: &Path, ext: &str) -> std::path::PathBuf {
    std::fs::read_dir(dir.join(".git/objects/pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == ext))
        .unwrap()
}
