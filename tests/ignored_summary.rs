//! The summary says how many paths the ignore rules left out, and why (issue 13, item 2): a
//! git-ignored `.env` is never skipped silently. An ignored folder counts as one path.

mod common;
use common::{assert_report_schema, binance_pair, git, leakhound, write};

use serde_json::json;
use std::path::Path;

/// The summary line of a text scan of `dir` (the last line of stdout), its timing blanked;
/// `home` stands in for the user's home folder (git's global excludes file).
fn summary(dir: &Path, home: &Path, args: &[&str]) -> (i32, String) {
    let out = leakhound(dir)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .args(["scan", ".", "--no-progress", "--color", "never"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    let elapsed = regex::Regex::new(r"in \d+\.\d\d s").unwrap();
    (
        out.status.code().unwrap(),
        elapsed.replace_all(line, "in T s").into_owned(),
    )
}

/// A home folder with no git configuration, so that the user's own excludes never count.
fn empty_home() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// `stats.ignored` of a JSON scan of `dir` (the report checked against the schema), and the
/// paths of its findings.
fn stats_ignored(dir: &Path, home: &Path, args: &[&str]) -> (serde_json::Value, Vec<String>) {
    let out = leakhound(dir)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .args(["scan", ".", "--no-progress", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_report_schema(&doc);
    let paths = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    (doc["stats"]["ignored"].clone(), paths)
}

/// A folder outside git: `.gitignore` hides `.env`, `.ignore` hides `drafts/` (two files, one
/// path), `--exclude` can hide `old.bak`.
fn plain_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".gitignore", ".env\n");
    write(d, ".ignore", "drafts/\n");
    write(d, ".env", &binance_pair(1));
    write(d, "drafts/a.env", &binance_pair(2));
    write(d, "drafts/b.env", &binance_pair(3));
    write(d, "old.bak", "nothing here\n");
    write(d, "readme.txt", "hello\n");
    dir
}

#[test]
fn plain_folder_counts_what_gitignore_and_ignore_files_hide() {
    let dir = plain_folder();
    let home = empty_home();
    let (code, line) = summary(dir.path(), home.path(), &[]);
    assert_eq!(code, 0, "{line}");
    insta::assert_snapshot!("plain_folder", line);

    let (code, line) = summary(dir.path(), home.path(), &["--exclude", "*.bak"]);
    assert_eq!(code, 0, "{line}");
    insta::assert_snapshot!("plain_folder_with_exclude", line);

    let (ignored, paths) = stats_ignored(dir.path(), home.path(), &["--exclude", "*.bak"]);
    assert_eq!(
        ignored,
        json!({"gitignore": 1, "ignore": 1, "git_exclude": 0, "git_global": 0, "exclude": 1})
    );
    assert!(paths.is_empty(), "{paths:?}");
}

#[test]
fn no_ignore_counts_nothing_and_finds_the_secrets() {
    let dir = plain_folder();
    let home = empty_home();
    let (code, line) = summary(dir.path(), home.path(), &["--no-ignore"]);
    assert_eq!(code, 1, "{line}");
    assert!(!line.contains("ignored"), "{line}");
    insta::assert_snapshot!("no_ignore", line);

    let (ignored, mut paths) = stats_ignored(dir.path(), home.path(), &["--no-ignore"]);
    assert_eq!(
        ignored,
        json!({"gitignore": 0, "ignore": 0, "git_exclude": 0, "git_global": 0, "exclude": 0})
    );
    paths.sort();
    assert_eq!(paths, [".env", "drafts/a.env", "drafts/b.env"]);
}

/// A git work tree: a tracked file that `.gitignore` matches is scanned all the same and not
/// counted; the untracked ignored `.env`, the ignored `build/` folder (one path), a file in
/// `.git/info/exclude` and one in the global excludes file are counted, each with its reason.
#[test]
fn git_work_tree_scans_tracked_ignored_files_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let home = empty_home();
    git(d, &["init", "-q"]);
    write(d, ".gitignore", ".env\n*.log\nbuild/\n");
    write(d, "app.txt", "hello\n");
    write(d, "config.log", &binance_pair(4)); // tracked, ignored: scanned
    git(d, &["add", "-f", ".gitignore", "app.txt", "config.log"]);
    git(d, &["commit", "-q", "-m", "initial"]);
    write(d, ".env", &binance_pair(5)); // untracked, ignored: counted
    write(d, "build/out.txt", "artifact\n");
    write(d, "build/more/x.txt", "artifact\n");
    write(d, "local.notes", "mine\n");
    write(d, ".git/info/exclude", "local.notes\n");
    write(d, "scratch.private", "mine\n");
    write(home.path(), ".config/git/ignore", "*.private\n");

    let (code, line) = summary(d, home.path(), &[]);
    assert_eq!(code, 1, "{line}");
    // The insta snapshot names `.git/info/exclude` and `core.excludesFile` too.
    insta::assert_snapshot!("git_work_tree", line);

    let (ignored, paths) = stats_ignored(d, home.path(), &[]);
    assert_eq!(paths, ["config.log"]);
    assert_eq!(
        ignored,
        json!({"gitignore": 2, "ignore": 0, "git_exclude": 1, "git_global": 1, "exclude": 0})
    );

    let (code, line) = summary(d, home.path(), &["--no-ignore"]);
    assert_eq!(code, 1, "{line}");
    assert!(!line.contains("ignored"), "{line}");
    assert!(line.contains("2 findings (2 unique secrets)"), "{line}");
}

/// Inside git, an `.ignore` file hides nothing (git does not read it), so nothing is counted
/// for it; a tracked file under an ignored folder is scanned.
#[test]
fn git_work_tree_ignore_file_hides_nothing_and_tracked_files_in_ignored_folders_are_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let home = empty_home();
    git(d, &["init", "-q"]);
    write(d, ".ignore", "notes.txt\n");
    write(d, ".gitignore", "vendor/\n");
    write(d, "notes.txt", "hello\n");
    write(d, "vendor/keep.env", &binance_pair(6));
    git(
        d,
        &["add", "-f", ".ignore", ".gitignore", "vendor/keep.env"],
    );
    git(d, &["commit", "-q", "-m", "initial"]);

    let (code, line) = summary(d, home.path(), &[]);
    assert_eq!(code, 1, "{line}");
    // `vendor/` is left out as a folder (one path) though its tracked file is scanned.
    insta::assert_snapshot!("git_tracked_in_ignored_folder", line);
}
