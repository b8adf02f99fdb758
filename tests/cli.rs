//! End-to-end tests of the `leakhound` binary on `fixtures/` and on temp dirs.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

fn leakhound() -> Command {
    let mut cmd = Command::cargo_bin("leakhound").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR");
    cmd
}

fn scan_json(args: &[&str]) -> (i32, Value) {
    let out = leakhound()
        .arg("scan")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (code, doc)
}

fn findings(doc: &Value) -> &Vec<Value> {
    doc["findings"].as_array().unwrap()
}

fn rule_ids_at(doc: &Value, path: &str) -> Vec<String> {
    findings(doc)
        .iter()
        .filter(|f| f["path"] == path)
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect()
}

/// The fixture's planted secrets, read from the files themselves so the test never repeats them.
fn env_value(file: &str, name: &str) -> String {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("{name} not in {file}"))
        .to_string()
}

#[test]
fn finds_the_planted_secrets_in_the_fixture_tree() {
    let (code, doc) = scan_json(&["fixtures/tree"]);
    assert_eq!(code, 1, "findings mean exit 1");
    let env = rule_ids_at(&doc, "fixtures/tree/.env");
    assert!(
        env.contains(&"aws-secret-access-key".to_string()),
        "{env:?}"
    );
    assert!(env.iter().any(|id| id == "binance-secret-key"), "{env:?}");
    assert_eq!(
        rule_ids_at(&doc, "fixtures/tree/src/app.py")
            .iter()
            .filter(|i| *i == "github-pat-classic")
            .count(),
        2
    );
    assert!(rule_ids_at(&doc, "fixtures/tree/config/slack.json")
        .iter()
        .any(|i| i.starts_with("slack-")));
    assert!(rule_ids_at(&doc, "fixtures/tree/config/exchanges.yaml")
        .iter()
        .any(|i| i.starts_with("okx-")));
    assert!(!rule_ids_at(&doc, "fixtures/tree/keys/deploy_key.pem").is_empty());
    // Invalid UTF-8 does not stop the scan.
    assert!(rule_ids_at(&doc, "fixtures/tree/data/latin1.txt")
        .iter()
        .any(|i| i.starts_with("stripe-")));
    // Placeholders and documented example keys are not secrets.
    assert_eq!(
        rule_ids_at(&doc, "fixtures/tree/docs/setup.md"),
        Vec::<String>::new()
    );
    // .ignore'd files are not scanned; binary files are skipped and counted.
    assert!(rule_ids_at(&doc, "fixtures/tree/ignored-by-dotignore.env").is_empty());
    assert_eq!(doc["stats"]["skipped_binary"], 1);
    let skipped = doc["skipped"].as_array().unwrap();
    assert!(skipped
        .iter()
        .any(|s| s["path"] == "fixtures/tree/data/blob.bin" && s["reason"] == "binary"));
    assert_eq!(
        doc["stats"]["findings"].as_u64().unwrap() as usize,
        findings(&doc).len()
    );
}

#[test]
fn multi_part_credentials_carry_their_parts() {
    let (_, doc) = scan_json(&["fixtures/tree"]);
    let all = findings(&doc);
    let aws = all
        .iter()
        .find(|f| f["rule_id"] == "aws-secret-access-key")
        .unwrap();
    let parts = aws["parts"].as_array().unwrap();
    assert!(
        parts
            .iter()
            .any(|p| p["name"] == "key" && p["rule_id"] == "aws-access-key-id"),
        "{aws:#}"
    );
    // The key id is attached to its secret, not reported again on its own.
    assert!(!all
        .iter()
        .any(|f| f["rule_id"] == "aws-access-key-id" && f["path"] == "fixtures/tree/.env"));
    let binance = all
        .iter()
        .find(|f| f["rule_id"] == "binance-secret-key")
        .unwrap();
    assert!(binance["parts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "key"));
    let okx = all.iter().find(|f| {
        f["path"] == "fixtures/tree/config/exchanges.yaml"
            && f["parts"].as_array().unwrap().len() >= 2
    });
    assert!(
        okx.is_some(),
        "OKX secret should carry key and passphrase: {:#}",
        Value::Array(all.clone())
    );
}

#[test]
fn secrets_are_redacted_unless_asked() {
    let secret = env_value("fixtures/tree/.env", "BINANCE_SECRET_KEY");
    let key = env_value("fixtures/tree/.env", "BINANCE_API_KEY");
    for format in ["text", "json", "jsonl"] {
        let out = leakhound()
            .args(["scan", "fixtures/tree", "--format", format])
            .output()
            .unwrap();
        let all = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(
            !all.contains(&secret) && !all.contains(&key),
            "{format} leaks a secret"
        );
        assert!(
            !all.contains(&secret[4..20]),
            "{format} leaks part of a secret"
        );
    }
    let out = leakhound()
        .args([
            "scan",
            "fixtures/tree",
            "--format",
            "json",
            "--show-secrets",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(&secret));
}

#[test]
fn one_fingerprint_for_the_same_secret_in_two_places() {
    let (_, doc) = scan_json(&["fixtures/tree"]);
    let gh: Vec<&Value> = findings(&doc)
        .iter()
        .filter(|f| f["rule_id"] == "github-pat-classic")
        .collect();
    assert_eq!(gh.len(), 2);
    assert_eq!(gh[0]["fingerprint"], gh[1]["fingerprint"]);
    assert_ne!(gh[0]["line"], gh[1]["line"]);
    let text = leakhound()
        .args(["scan", "fixtures/tree/src", "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("found at (×2):"), "{text}");
    assert!(text.contains("fixtures/tree/src/app.py:3:"), "{text}");
}

#[test]
fn jsonl_is_one_finding_per_line() {
    let out = leakhound()
        .args(["scan", "fixtures/tree", "--format", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (_, doc) = scan_json(&["fixtures/tree"]);
    assert_eq!(lines.len(), findings(&doc).len());
    assert!(lines
        .iter()
        .all(|l| l["fingerprint"].as_str().unwrap().len() == 32));
    assert!(String::from_utf8_lossy(&out.stderr).contains("scanned"));
}

#[test]
fn text_report_has_blocks_and_summary() {
    leakhound()
        .args(["scan", "fixtures/tree", "--color", "never"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("CRITICAL"))
        .stdout(predicate::str::contains("fix:"))
        .stdout(predicate::str::contains("fingerprint:"))
        .stdout(predicate::str::contains("skipped 1 (1 binary)"))
        .stdout(predicate::str::contains("\x1b[").not());
    leakhound()
        .args(["scan", "fixtures/tree", "--color", "always"])
        .assert()
        .stdout(predicate::str::contains("\x1b["));
}

#[test]
fn clean_tree_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.rs"),
        "fn main() { let token = std::env::var(\"TOKEN\"); }\n",
    )
    .unwrap();
    leakhound()
        .args(["scan", dir.path().to_str().unwrap()])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no secrets found"));
}

#[test]
fn errors_exit_two_with_a_message() {
    leakhound()
        .args(["scan", "does/not/exist"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot scan does/not/exist"));
    leakhound().args(["scan", "--bogus-flag"]).assert().code(2);
    leakhound()
        .args(["scan", "--max-file-size", "ten"])
        .assert()
        .code(2);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[rules]]\nid = \"x\"\n").unwrap();
    leakhound()
        .args(["scan", "fixtures/tree", "--rules", bad.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml"));
    leakhound()
        .args([
            "scan",
            "fixtures/tree",
            "--output",
            "Cargo.toml/report.json",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write report"));
}

#[test]
fn gitignore_no_ignore_and_exclude() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join(".gitignore"), "secret.env\n").unwrap();
    let line =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tree/.env"))
            .unwrap();
    std::fs::write(root.join("secret.env"), &line).unwrap();
    std::fs::create_dir(root.join("vendor")).unwrap();
    std::fs::write(root.join("vendor/lib.env"), &line).unwrap();
    let count = |extra: &[&str]| {
        let mut args = vec![root.to_str().unwrap()];
        args.extend_from_slice(extra);
        let (_, doc) = scan_json(&args);
        let files: std::collections::BTreeSet<String> = findings(&doc)
            .iter()
            .map(|f| {
                f["path"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        files.into_iter().collect::<Vec<_>>()
    };
    assert_eq!(count(&[]), vec!["lib.env"]);
    assert_eq!(count(&["--no-ignore"]), vec!["lib.env", "secret.env"]);
    assert_eq!(
        count(&["--no-ignore", "--exclude", "vendor/"]),
        vec!["secret.env"]
    );
}

#[test]
fn max_file_size_skips_and_counts() {
    let (_, doc) = scan_json(&["fixtures/tree", "--max-file-size", "64"]);
    assert!(doc["stats"]["skipped_too_large"].as_u64().unwrap() >= 3);
    let s = doc["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["reason"] == "too_large")
        .unwrap();
    assert_eq!(s["limit"], 64);
}

#[test]
fn output_file_gets_the_report_and_stderr_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    leakhound()
        .args([
            "scan",
            "fixtures/tree",
            "--format",
            "json",
            "--output",
            out.to_str().unwrap(),
        ])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("scanned"));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert!(!findings(&doc).is_empty());
}

#[test]
fn rules_list_and_check() {
    let out = leakhound()
        .args(["rules", "list", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(list.as_array().unwrap().len() >= 80);
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "binance-secret-key"));
    leakhound()
        .args(["rules", "list"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("binance-api-key"));
    leakhound()
        .args(["rules", "check"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(" 0 failures"));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.toml");
    let rule = |example: &str| {
        format!(
            "[[rules]]\nid = \"acme-token\"\nname = \"Acme token\"\ndescription = \"d\"\nseverity = \"high\"\nkeywords = [\"acme_\"]\nregex = '''\\b(?P<secret>acme_[a-z0-9]{{12}})\\b'''\nremediation = \"Revoke it.\"\ntags = [\"acme\"]\n[[rules.examples]]\ntext = \"T={example}\"\nsecret = \"{example}\"\n[[rules.counter_examples]]\ntext = \"T=acme_short\"\n"
        )
    };
    std::fs::write(&file, rule("acme_q8zr1mnc4vbx")).unwrap();
    leakhound()
        .args(["rules", "check", file.to_str().unwrap()])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "1 rules, 2 examples checked, 0 failures",
        ));
    std::fs::write(&file, rule("acme_TOOSHORT")).unwrap();
    leakhound()
        .args(["rules", "check", file.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAIL acme-token"));
    // A user rule file also drives a scan.
    std::fs::write(dir.path().join("app.txt"), "T=acme_q8zr1mnc4vbx\n").unwrap();
    std::fs::write(&file, rule("acme_q8zr1mnc4vbx")).unwrap();
    let (code, doc) = scan_json(&[
        dir.path().join("app.txt").to_str().unwrap(),
        "--rules",
        file.to_str().unwrap(),
        "--no-builtin-rules",
    ]);
    assert_eq!(code, 1);
    assert_eq!(findings(&doc)[0]["rule_id"], "acme-token");
}

#[test]
fn json_report_snapshot() {
    let (_, doc) = scan_json(&["fixtures/tree"]);
    insta::assert_json_snapshot!("fixture_tree_report", doc, {
        ".stats.elapsed_ms" => "[elapsed]",
        ".tool.version" => "[version]",
    });
}
