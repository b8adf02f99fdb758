//! `leakhound git` (history) and `leakhound git --staged` on real repositories made with the
//! git CLI in temp dirs.

mod common;
use common::{fake, git};

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

fn commit_all(dir: &Path, msg: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", msg]);
    git(dir, &["rev-parse", "HEAD"])
}

fn new_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    std::fs::write(dir.path().join("README.md"), "# demo\n").unwrap();
    commit_all(dir.path(), "initial");
    dir
}

/// A Binance key/secret pair as an .env text; returns (text, secret).
fn binance_env(seed: u64) -> (String, String) {
    let secret = fake(64, seed * 2 + 1);
    (
        format!(
            "APP=demo\nBINANCE_API_KEY={}\nBINANCE_SECRET_KEY={secret}\n",
            fake(64, seed * 2)
        ),
        secret,
    )
}

fn run_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = Command::cargo_bin("leakhound")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .args(["--format", "json", "--show-secrets"])
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), doc)
}

fn findings_with_secret<'a>(doc: &'a Value, secret: &str) -> Vec<&'a Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["secret"] == secret)
        .collect()
}

#[test]
fn history_attributes_secrets_to_the_commit_that_added_them() {
    let repo = new_repo();
    let dir = repo.path();
    let (env, removed_secret) = binance_env(1);
    std::fs::write(dir.join(".env"), &env).unwrap();
    let c_add = commit_all(dir, "add settings");
    std::fs::write(dir.join(".env"), format!("{env}DEBUG=1\n")).unwrap();
    commit_all(dir, "edit settings");
    std::fs::remove_file(dir.join(".env")).unwrap();
    commit_all(dir, "remove settings");

    // A secret on a branch that is tagged and merged back.
    git(dir, &["checkout", "-q", "-b", "feature"]);
    let (env2, merged_secret) = binance_env(2);
    std::fs::create_dir_all(dir.join("deploy")).unwrap();
    std::fs::write(dir.join("deploy/prod.env"), &env2).unwrap();
    let c_feature = commit_all(dir, "deploy config");
    git(dir, &["tag", "v1"]);
    git(dir, &["checkout", "-q", "main"]);
    std::fs::write(dir.join("main.txt"), "main work\n").unwrap();
    commit_all(dir, "main work");
    git(
        dir,
        &["merge", "-q", "--no-ff", "-m", "merge feature", "feature"],
    );

    let (code, doc) = run_json(dir, &["git", "."]);
    assert_eq!(code, 1);
    let removed = findings_with_secret(&doc, &removed_secret);
    assert_eq!(
        removed.len(),
        1,
        "attributed once, to the commit that added it: {removed:#?}"
    );
    let f = removed[0];
    assert_eq!(f["rule_id"], "binance-secret-key");
    assert_eq!(f["commit"], c_add.as_str());
    assert_eq!(f["path"], ".env");
    assert_eq!(f["line"], 3);
    assert_eq!(f["author"], "Ada Lovelace");
    assert_eq!(f["email"], "ada@example.invalid");
    assert_eq!(f["date"], "2026-01-02T03:04:05Z");
    assert_eq!(f["subject"], "add settings");
    assert_eq!(f["in_head"], false);

    let merged = findings_with_secret(&doc, &merged_secret);
    assert_eq!(
        merged.len(),
        1,
        "not again for the merge commit: {merged:#?}"
    );
    assert_eq!(merged[0]["commit"], c_feature.as_str());
    assert_eq!(merged[0]["path"], "deploy/prod.env");
    assert_eq!(merged[0]["in_head"], true);

    // The text report explains what follows for history-only secrets.
    let out = Command::cargo_bin("leakhound")
        .unwrap()
        .current_dir(dir)
        .args(["git", ".", "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("only in history") && text.contains("still present at HEAD"),
        "{text}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("Rotate"));
    assert!(!text.contains(&removed_secret));
}

#[test]
fn history_scope_branch_range_and_since() {
    let repo = new_repo();
    let dir = repo.path();
    let base = git(dir, &["rev-parse", "HEAD"]);
    git(dir, &["checkout", "-q", "-b", "topic"]);
    let (env, secret) = binance_env(3);
    std::fs::write(dir.join("topic.env"), env).unwrap();
    commit_all(dir, "topic secret");
    git(dir, &["checkout", "-q", "main"]);

    // All refs by default: the topic branch is scanned.
    assert_eq!(
        findings_with_secret(&run_json(dir, &["git", "."]).1, &secret).len(),
        1
    );
    // --branch main: it is not.
    let (code, doc) = run_json(dir, &["git", ".", "--branch", "main"]);
    assert_eq!((code, findings_with_secret(&doc, &secret).len()), (0, 0));
    // --range base..topic: only what topic adds.
    let range = format!("{base}..topic");
    let (_, doc) = run_json(dir, &["git", ".", "--range", &range]);
    assert_eq!(findings_with_secret(&doc, &secret).len(), 1);
    assert_eq!(doc["stats"]["git"]["commits"], 1);
    // --since after every commit: nothing.
    let (code, doc) = run_json(dir, &["git", ".", "--since", "2030-01-01"]);
    assert_eq!(
        (code, doc["stats"]["git"]["commits"].as_u64()),
        (0, Some(0))
    );
    // Bad revisions are errors.
    Command::cargo_bin("leakhound")
        .unwrap()
        .current_dir(dir)
        .args(["git", ".", "--range", "nope..main"])
        .assert()
        .code(2);
    Command::cargo_bin("leakhound")
        .unwrap()
        .args(["git", "/"])
        .assert()
        .code(2);
}

#[test]
fn the_same_blob_in_100_commits_is_scanned_once() {
    let repo = new_repo();
    let dir = repo.path();
    let (env, secret) = binance_env(4);
    for i in 0..100 {
        std::fs::write(dir.join(format!("copy{i:03}.env")), &env).unwrap();
        commit_all(dir, &format!("copy {i}"));
    }
    let (_, doc) = run_json(dir, &["git", "."]);
    let git_stats = &doc["stats"]["git"];
    assert_eq!(git_stats["commits"], 101);
    assert!(git_stats["blob_appearances"].as_u64().unwrap() >= 100);
    assert_eq!(
        git_stats["unique_blobs"], 2,
        "README.md and the one .env blob"
    );
    assert_eq!(git_stats["blobs_scanned"], 2);
    let found = findings_with_secret(&doc, &secret);
    assert_eq!(found.len(), 100, "one finding per place it was introduced");
    assert!(found
        .iter()
        .all(|f| f["fingerprint"] == found[0]["fingerprint"]));
    assert_eq!(doc["stats"]["unique_secrets"], 1);
}

#[test]
fn bare_shallow_lfs_submodule_and_broken_objects() {
    let repo = new_repo();
    let dir = repo.path();
    let (env, secret) = binance_env(5);
    std::fs::write(dir.join("app.env"), &env).unwrap();
    std::fs::write(dir.join("model.bin"), "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n").unwrap();
    commit_all(dir, "app");
    let head = git(dir, &["rev-parse", "HEAD"]);
    git(
        dir,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{head},vendor/lib"),
        ],
    );
    git(dir, &["commit", "-q", "-m", "add submodule"]);

    let (_, doc) = run_json(dir, &["git", "."]);
    assert_eq!(doc["stats"]["git"]["lfs_pointers_skipped"], 1);
    assert_eq!(doc["stats"]["git"]["submodules_not_entered"], 1);

    // A bare clone.
    let bare = tempfile::tempdir().unwrap();
    git(
        bare.path(),
        &["clone", "-q", "--bare", dir.to_str().unwrap(), "b.git"],
    );
    let (_, doc) = run_json(&bare.path().join("b.git"), &["git", "."]);
    assert_eq!(findings_with_secret(&doc, &secret).len(), 1);

    // A shallow clone: scan what is there, and say so.
    let shallow = tempfile::tempdir().unwrap();
    git(
        shallow.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            &format!("file://{}", dir.display()),
            "s",
        ],
    );
    let (_, doc) = run_json(&shallow.path().join("s"), &["git", "."]);
    assert_eq!(doc["stats"]["git"]["shallow"], true);
    assert_eq!(findings_with_secret(&doc, &secret).len(), 1);

    // A missing blob is a skipped item with its id; the scan goes on.
    let blob = git(dir, &["rev-parse", "HEAD:README.md"]);
    std::fs::remove_file(dir.join(".git/objects").join(&blob[..2]).join(&blob[2..])).unwrap();
    let (code, doc) = run_json(dir, &["git", "."]);
    assert_eq!(code, 1);
    assert_eq!(findings_with_secret(&doc, &secret).len(), 1);
    let skipped = doc["skipped"].as_array().unwrap();
    assert!(
        skipped
            .iter()
            .any(|s| s["path"].as_str().unwrap().contains(&blob)),
        "{skipped:#?}"
    );
}

#[test]
fn staged_reports_only_added_lines_of_the_index_content() {
    let repo = new_repo();
    let dir = repo.path();
    let (env, old_secret) = binance_env(6);
    std::fs::write(dir.join("old.env"), &env).unwrap();
    std::fs::write(dir.join("moved.env"), binance_env(7).0).unwrap();
    commit_all(dir, "old secrets");

    // Nothing staged: clean.
    let (code, _) = run_json(dir, &["git", "--staged"]);
    assert_eq!(code, 0);

    // An unrelated edit of a file that already holds a secret: nothing new.
    std::fs::write(dir.join("old.env"), format!("{env}LOG=debug\n")).unwrap();
    // A rename: nothing new.
    git(dir, &["mv", "moved.env", "renamed.env"]);
    // A new line with a new secret in an existing file, staged.
    let (env8, new_secret) = binance_env(8);
    std::fs::write(dir.join("README.md"), format!("# demo\n\n{env8}")).unwrap();
    git(dir, &["add", "-A"]);
    // Then the work tree changes again (like `git add -p`): the index is what counts.
    let (unstaged_env, unstaged_secret) = binance_env(9);
    std::fs::write(dir.join("README.md"), format!("# demo\n{unstaged_env}")).unwrap();

    let (code, doc) = run_json(dir, &["git", "--staged"]);
    assert_eq!(code, 1);
    let all = doc["findings"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0]["secret"], new_secret.as_str());
    assert_eq!(all[0]["path"], "README.md");
    assert_eq!(all[0]["line"], 5);
    assert!(findings_with_secret(&doc, &old_secret).is_empty());
    assert!(findings_with_secret(&doc, &unstaged_secret).is_empty());
}

/// A fake PEM RSA key: the header and footer, and a body of 64-character lines.
fn fake_pem(seed: u64) -> String {
    let body: Vec<String> = (0..8).map(|i| fake(64, seed * 100 + i)).collect();
    format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
        body.join("\n")
    )
}

#[test]
fn staged_reports_a_rotated_key_whose_first_line_is_unchanged() {
    // The finding starts on the `-----BEGIN` line, which HEAD already has: it is new all
    // the same, because the lines after it are added.
    let repo = new_repo();
    let dir = repo.path();
    std::fs::write(dir.join("deploy.pem"), fake_pem(1)).unwrap();
    commit_all(dir, "old key");
    let rotated = fake_pem(2);
    std::fs::write(dir.join("deploy.pem"), &rotated).unwrap();
    git(dir, &["add", "-A"]);

    let (code, doc) = run_json(dir, &["git", "--staged"]);
    assert_eq!(code, 1, "{doc:#?}");
    let all = doc["findings"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0]["rule_id"], "private-key-rsa");
    assert_eq!(all[0]["line"], 1);
    assert_eq!(all[0]["secret"], rotated.trim_end());
}

#[test]
fn staged_in_a_repo_without_commits_and_with_deletions_and_binaries() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    git(dir, &["init", "-q"]);
    let (env, secret) = binance_env(10);
    std::fs::write(dir.join("first.env"), &env).unwrap();
    std::fs::write(dir.join("image.bin"), b"\x00\x01binary\x00").unwrap();
    git(dir, &["add", "-A"]);
    let (code, doc) = run_json(dir, &["git", "--staged"]);
    assert_eq!(code, 1);
    assert_eq!(findings_with_secret(&doc, &secret).len(), 1);
    assert_eq!(doc["stats"]["git"]["unborn_head"], true);
    assert_eq!(doc["stats"]["skipped_binary"], 1);

    git(dir, &["commit", "-q", "--no-verify", "-m", "first"]);
    git(dir, &["rm", "-q", "first.env"]);
    let (code, _) = run_json(dir, &["git", "--staged"]);
    assert_eq!(code, 0, "a deletion adds no secret");
}

#[test]
fn staged_in_nested_directories_with_a_renamed_directory() {
    let repo = new_repo();
    let dir = repo.path();
    std::fs::create_dir_all(dir.join("svc/api/conf")).unwrap();
    std::fs::create_dir_all(dir.join("old/deep")).unwrap();
    let (old_env, old_secret) = binance_env(11);
    std::fs::write(dir.join("old/deep/prod.env"), &old_env).unwrap();
    std::fs::write(dir.join("svc/api/conf/app.env"), "APP=demo\n").unwrap();
    for i in 0..30 {
        std::fs::write(dir.join(format!("svc/file{i}.txt")), format!("{i}\n")).unwrap();
    }
    commit_all(dir, "tree");
    // A whole directory moves (content unchanged): nothing new.
    git(dir, &["mv", "old", "moved"]);
    // A new secret deep in an existing directory; git has a cache tree for the rest.
    let (env, secret) = binance_env(12);
    std::fs::write(dir.join("svc/api/conf/app.env"), format!("APP=demo\n{env}")).unwrap();
    git(dir, &["add", "-A"]);
    let (code, doc) = run_json(dir, &["git", "--staged"]);
    assert_eq!(code, 1);
    let all = doc["findings"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0]["secret"], secret.as_str());
    assert_eq!(all[0]["path"], "svc/api/conf/app.env");
    assert_eq!(all[0]["line"], 4);
    assert!(findings_with_secret(&doc, &old_secret).is_empty());
    assert_eq!(
        doc["stats"]["git"]["staged_files"], 2,
        "app.env and the moved file"
    );
}
