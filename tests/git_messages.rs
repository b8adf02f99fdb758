//! `leakhound git`: secrets in commit and annotated-tag messages are findings with their own
//! location kind, commit subjects are redacted in every format, tags of blobs and trees are
//! scanned, and a missing object is skipped with its reason instead of ending the scan.

mod common;
use common::{binance_pair, binance_secret, binance_secret_line, git, leakhound, run_json};

use serde_json::Value;
use std::path::Path;

fn new_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    dir
}

fn commit_file(dir: &Path, name: &str, text: &str, msg: &str) -> String {
    common::write(dir, name, text);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", msg]);
    git(dir, &["rev-parse", "HEAD"])
}

fn with_secret<'a>(doc: &'a Value, secret: &str) -> Vec<&'a Value> {
    let prefix = &secret[..4];
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["secret"].as_str() == Some(secret)
                || (f["redacted"] == true && f["secret"].as_str() == Some(&format!("{prefix}…")))
        })
        .collect()
}

/// Removes a loose object (tests commit with git, which writes objects loose).
fn delete_object(dir: &Path, id: &str) {
    std::fs::remove_file(dir.join(".git/objects").join(&id[..2]).join(&id[2..]))
        .unwrap_or_else(|e| panic!("object {id}: {e}"));
}

fn skipped_paths(doc: &Value) -> Vec<String> {
    doc["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {}", s["path"], s["error"]))
        .collect()
}

#[test]
fn a_secret_in_a_commit_message_body_is_a_finding_with_its_own_location() {
    let repo = new_repo();
    let dir = repo.path();
    commit_file(dir, "README.md", "hello\n", "init");
    let msg = format!(
        "rotate the keys\n\nthe old one was\n{}\n",
        binance_secret_line(7)
    );
    let id = commit_file(dir, "notes.txt", "nothing here\n", &msg);

    let run = run_json(dir, &["git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = with_secret(&run.doc, &binance_secret(7));
    assert_eq!(found.len(), 1, "{:#}", run.doc);
    let f = found[0];
    assert_eq!(f["location"], "commit-message");
    assert_eq!(f["path"], format!("{} (commit message)", &id[..12]));
    assert_eq!(f["commit"], id.as_str());
    assert_eq!(f["subject"], "rotate the keys");
    // Line 1 is the subject; the secret is on line 4, after `BINANCE_SECRET_KEY=`.
    assert_eq!(f["line"], 4);
    assert_eq!(f["column"], 20);
    assert_eq!(run.doc["stats"]["git"]["messages_scanned"], 2);

    // A file finding keeps its JSON shape: no `location`.
    common::write(dir, "app.env", &binance_pair(8));
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "app"]);
    let run = run_json(dir, &["git", "."]);
    let file = with_secret(&run.doc, &binance_secret(8));
    assert_eq!(file.len(), 1);
    assert!(file[0].get("location").is_none(), "{:#}", file[0]);

    // Each message once: more refs to the same commits add no finding.
    git(dir, &["branch", "other"]);
    git(dir, &["tag", "light"]);
    let run = run_json(dir, &["git", "."]);
    assert_eq!(with_secret(&run.doc, &binance_secret(7)).len(), 1);
    assert_eq!(run.doc["stats"]["git"]["messages_scanned"], 3);
}

#[test]
fn a_secret_in_a_commit_subject_is_redacted_in_every_format() {
    let repo = new_repo();
    let dir = repo.path();
    let subject = format!("oops {}", binance_secret_line(11));
    // The same commit also adds a file with another secret: its finding prints the subject.
    let id = commit_file(dir, "app.env", &binance_pair(12), &subject);
    let secret = binance_secret(11);
    let file_secret = binance_secret(12);

    for format in ["text", "json", "jsonl", "html", "sarif", "gitleaks-json"] {
        let out = leakhound(dir)
            .args(["git", ".", "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            !text.contains(&secret),
            "{format} prints the secret:\n{text}"
        );
        assert!(!text.contains(&secret[..16]), "{format}:\n{text}");
        assert!(!text.contains(&file_secret), "{format}");
        if format != "sarif" {
            assert!(
                text.contains("oops BINANCE_SECRET_KEY="),
                "{format}:\n{text}"
            );
        }
    }

    // The file finding's subject is redacted too, not only the message finding's.
    let run = run_json(dir, &["git", "."]);
    let file = with_secret(&run.doc, &file_secret);
    assert_eq!(file.len(), 1);
    assert_eq!(
        file[0]["subject"],
        format!("oops BINANCE_SECRET_KEY={}…", &secret[..4])
    );
    let message = with_secret(&run.doc, &secret);
    assert_eq!(message.len(), 1);
    assert_eq!(message[0]["location"], "commit-message");
    assert_eq!(message[0]["line"], 1);
    assert_eq!(message[0]["commit"], id.as_str());

    // With --show-secrets, JSON shows them, and `verify` reads the location back.
    let out = leakhound(dir)
        .args(["git", ".", "--format", "json", "--show-secrets"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&subject));
    let (findings, _) = leakhound::report::json::read_report(&text).unwrap();
    let back = findings
        .iter()
        .find(|f| f.secret == secret)
        .expect("the message finding is read back");
    assert_eq!(
        back.location(),
        Some(leakhound::findings::Location::CommitMessage)
    );
    let file_back = findings.iter().find(|f| f.secret == file_secret).unwrap();
    assert!(!file_back.shown_subject(false).unwrap().contains(&secret));
}

#[test]
fn a_secret_in_an_annotated_tag_message_is_a_finding() {
    let repo = new_repo();
    let dir = repo.path();
    let commit = commit_file(dir, "README.md", "hello\n", "init");
    let msg = format!("release 1\n\ndeploy with {}\n", binance_secret_line(21));
    git(dir, &["tag", "-a", "v1", "-m", &msg]);
    let tag = git(dir, &["rev-parse", "v1"]);
    assert_ne!(tag, commit);

    let run = run_json(dir, &["git", "."]);
    assert_eq!(run.code, 1);
    let found = with_secret(&run.doc, &binance_secret(21));
    assert_eq!(found.len(), 1, "{:#}", run.doc);
    let f = found[0];
    assert_eq!(f["location"], "tag-message");
    assert_eq!(f["path"], "refs/tags/v1 (tag message)");
    assert_eq!(f["commit"], tag.as_str(), "the tag object's id");
    assert_eq!(f["author"], "Ada Lovelace", "the tagger");
    assert_eq!(f["subject"], "release 1");
    assert_eq!(f["line"], 3);
    assert_eq!(run.doc["stats"]["git"]["messages_scanned"], 2);

    // SARIF says where it is, under a valid relative URI.
    let out = leakhound(dir)
        .args(["git", ".", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["location"], "tag-message");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "refs/tags/v1%20(tag%20message)"
    );
    assert!(result["message"]["text"]
        .as_str()
        .unwrap()
        .contains("tag message"));

    // A branch or range scan names no tags: their messages are not scanned.
    let run = run_json(dir, &["git", ".", "--branch", "main"]);
    assert_eq!(run.code, 0, "{:#}", run.doc);
}

#[test]
fn tags_of_blobs_and_trees_are_scanned_and_counted() {
    let repo = new_repo();
    let dir = repo.path();
    commit_file(dir, "README.md", "hello\n", "init");
    // A blob no commit holds, tagged directly.
    std::fs::write(dir.join("loose.env"), binance_pair(31)).unwrap();
    let blob = git(dir, &["hash-object", "-w", "loose.env"]);
    git(dir, &["tag", "lightweight-blob", &blob]);
    // A tree no commit holds, tagged with an annotated tag.
    std::fs::remove_file(dir.join("loose.env")).unwrap();
    common::write(dir, "t/deploy/prod.env", &binance_pair(32));
    git(dir, &["add", "t/deploy/prod.env"]);
    let tree = git(dir, &["write-tree", "--prefix=t/"]);
    git(dir, &["rm", "-q", "--cached", "t/deploy/prod.env"]);
    git(dir, &["tag", "-a", "tree-tag", "-m", "a tree", &tree]);

    let run = run_json(dir, &["git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let b = with_secret(&run.doc, &binance_secret(31));
    assert_eq!(b.len(), 1, "{:#}", run.doc);
    assert_eq!(b[0]["path"], "refs/tags/lightweight-blob");
    assert!(b[0].get("commit").is_none(), "no commit holds it");
    let t = with_secret(&run.doc, &binance_secret(32));
    assert_eq!(t.len(), 1, "{:#}", run.doc);
    assert_eq!(t[0]["path"], "refs/tags/tree-tag:deploy/prod.env");
    assert!(t[0].get("commit").is_none());
    let stats = &run.doc["stats"]["git"];
    assert_eq!(stats["tagged_blobs"], 2, "{stats:#}");
    // README.md (history) + the two tagged blobs.
    assert_eq!(stats["blobs_scanned"], 3, "{stats:#}");
    assert_eq!(run.doc["stats"]["files_scanned"], 3);
}

#[test]
fn a_missing_tip_commit_is_skipped_and_the_rest_is_reported() {
    let repo = new_repo();
    let dir = repo.path();
    commit_file(dir, "app.env", &binance_pair(41), "app");
    git(dir, &["checkout", "-q", "-b", "other"]);
    let lost = commit_file(dir, "other.env", &binance_pair(42), "other");
    git(dir, &["checkout", "-q", "main"]);
    // A tag of a blob that is gone.
    std::fs::write(dir.join("gone.txt"), "gone\n").unwrap();
    let gone = git(dir, &["hash-object", "-w", "gone.txt"]);
    std::fs::remove_file(dir.join("gone.txt")).unwrap();
    git(dir, &["tag", "gone-blob", &gone]);
    delete_object(dir, &lost);
    delete_object(dir, &gone);

    let run = run_json(dir, &["git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(with_secret(&run.doc, &binance_secret(41)).len(), 1);
    let skipped = skipped_paths(&run.doc);
    assert!(
        skipped
            .iter()
            .any(|s| s.contains("ref refs/heads/other") && s.contains(&lost)),
        "{skipped:#?}"
    );
    assert!(
        skipped
            .iter()
            .any(|s| s.contains("ref refs/tags/gone-blob") && s.contains(&gone)),
        "{skipped:#?}"
    );
    assert_eq!(run.doc["stats"]["skipped_unreadable"], 2);
    assert!(
        run.stderr.contains("missing or unreadable"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_parent_commit_is_skipped_and_its_child_scanned_whole() {
    let repo = new_repo();
    let dir = repo.path();
    let parent = commit_file(dir, "a.env", &binance_pair(51), "a");
    let child = commit_file(dir, "b.env", &binance_pair(52), "b");
    delete_object(dir, &parent);

    let run = run_json(dir, &["git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The child holds both files: with its parent gone, both are new to it.
    for seed in [51, 52] {
        let f = with_secret(&run.doc, &binance_secret(seed));
        assert_eq!(f.len(), 1, "{:#}", run.doc);
        assert_eq!(f[0]["commit"], child.as_str());
    }
    let skipped = skipped_paths(&run.doc);
    assert!(
        skipped
            .iter()
            .any(|s| s.contains(&format!("commit {child}")) && s.contains(&parent)),
        "{skipped:#?}"
    );
    assert_eq!(run.doc["stats"]["skipped_unreadable"], 1);
    assert!(
        run.stderr.contains("missing or unreadable"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_tree_skips_its_commit_and_the_child_still_finds_everything() {
    let repo = new_repo();
    let dir = repo.path();
    let first = commit_file(dir, "a.env", &binance_pair(61), "a");
    let first_tree = git(dir, &["rev-parse", "HEAD^{tree}"]);
    let child = commit_file(dir, "b.env", &binance_pair(62), "b");
    delete_object(dir, &first_tree);

    let run = run_json(dir, &["git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for seed in [61, 62] {
        let f = with_secret(&run.doc, &binance_secret(seed));
        assert_eq!(f.len(), 1, "{:#}", run.doc);
        assert_eq!(f[0]["commit"], child.as_str());
    }
    let skipped = skipped_paths(&run.doc);
    assert!(
        skipped
            .iter()
            .any(|s| s.contains(&format!("commit {first}")) && s.contains(&first_tree)),
        "{skipped:#?}"
    );
    assert_eq!(run.doc["stats"]["skipped_unreadable"], 1);
}

#[test]
fn a_missing_blob_is_skipped_and_the_rest_is_reported() {
    let repo = new_repo();
    let dir = repo.path();
    commit_file(dir, "a.env", &binance_pair(71), "a");
    commit_file(dir, "notes.txt", "notes\n", "notes");
    let blob = git(dir, &["rev-parse", "HEAD:notes.txt"]);
    delete_object(dir, &blob);

    let run = run_json(dir, &["git", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(with_secret(&run.doc, &binance_secret(71)).len(), 1);
    let skipped = skipped_paths(&run.doc);
    assert!(
        skipped
            .iter()
            .any(|s| s.contains(&format!("notes.txt (blob {blob})"))),
        "{skipped:#?}"
    );
    assert_eq!(run.doc["stats"]["skipped_unreadable"], 1);
    assert!(
        run.stderr.contains("missing or unreadable"),
        "{}",
        run.stderr
    );
}
