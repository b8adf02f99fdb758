//! End-to-end tests of the `leakhound` binary on `fixtures/` and on temp dirs.

mod common;

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
    // A committed file is scanned although a .ignore file names it (it is published all the
    // same; outside git .ignore still hides it: see `what_a_scan_walks_inside_and_outside_git`);
    // binary files are skipped and counted.
    assert!(rule_ids_at(&doc, "fixtures/tree/ignored-by-dotignore.env")
        .iter()
        .any(|i| i.starts_with("stripe-")));
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

// ---------------------------------------------------------------------------------------------
// CLI manners (issue 13): completions, man page, version, quiet, exit codes, colour, wrapping,
// broken pipes, three-dot ranges, history summaries, config discovery.

/// A temp folder holding one `.env` with a Binance key pair (a finding).
fn dir_with_a_secret() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "app/.env", &common::binance_pair(7));
    dir
}

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef leakhound"),
        ("fish", "complete -c leakhound"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion"),
    ] {
        let out = leakhound().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains(marker),
            "{shell}: {}",
            &text[..text.len().min(200)]
        );
        assert!(text.contains("no-ignore"), "{shell} completes scan's flags");
    }
    leakhound().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_page_on_stdout_and_one_per_command_in_a_folder() {
    let out = leakhound().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH leakhound"),
        "{page}"
    );
    assert!(page.contains("completions"));
    let dir = tempfile::tempdir().unwrap();
    leakhound()
        .args(["man", "--dir"])
        .arg(dir.path().join("man1"))
        .assert()
        .code(0)
        .stderr(predicate::str::contains("man pages into"));
    for name in ["leakhound.1", "leakhound-scan.1", "leakhound-rules-list.1"] {
        let text = std::fs::read_to_string(dir.path().join("man1").join(name)).unwrap();
        assert!(text.contains(".TH"), "{name}");
    }
}

#[test]
fn version_names_the_commit_and_target() {
    let out = leakhound().arg("version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("leakhound {}", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    // Built from a git checkout, the commit is named (and is HEAD's at build time).
    if Path::new(env!("CARGO_MANIFEST_DIR")).join(".git").exists() {
        let commit = regex::Regex::new(r"\(commit [0-9a-f]{12}\)$").unwrap();
        assert!(commit.is_match(first), "{first}");
    }
    assert!(text.contains("target: "), "{text}");
    let v = leakhound().arg("--version").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&v.stdout).trim(), first);
}

#[test]
fn quiet_drops_the_summary_and_exit_code_is_chosen() {
    let dir = dir_with_a_secret();
    let out = common::leakhound(dir.path())
        .args(["scan", ".", "-q", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("binance"), "{stdout}");
    assert!(!stdout.contains("scanned "), "{stdout}");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("leakhound: this"),
        "no advice"
    );
    // JSON to a file: the summary usually goes to stderr, not with --quiet.
    let out = common::leakhound(dir.path())
        .args(["scan", ".", "--quiet", "-f", "json", "-o", "r.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("scanned "));
    for (n, want) in [("0", 0), ("42", 42)] {
        common::leakhound(dir.path())
            .args(["scan", ".", "-q", "--exit-code", n])
            .assert()
            .code(want);
    }
    // A clean scan stays 0, and an error stays 2, whatever --exit-code says.
    let clean = tempfile::tempdir().unwrap();
    common::leakhound(clean.path())
        .args(["scan", ".", "--exit-code", "42"])
        .assert()
        .code(0);
    common::leakhound(clean.path())
        .args(["scan", "missing", "--exit-code", "0"])
        .assert()
        .code(2);
    common::leakhound(clean.path())
        .args(["scan", ".", "--exit-code", "256"])
        .assert()
        .code(2);
}

#[test]
fn colour_follows_no_color_and_clicolor_force() {
    let dir = dir_with_a_secret();
    let run = |env: &[(&str, &str)], args: &[&str]| {
        let mut cmd = common::leakhound(dir.path());
        cmd.env_remove("CLICOLOR_FORCE").env_remove("CLICOLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.args(["scan", "."]).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).contains('\x1b')
    };
    assert!(!run(&[], &[]), "a pipe is not coloured");
    assert!(
        run(&[("CLICOLOR_FORCE", "1")], &[]),
        "CLICOLOR_FORCE colours a pipe"
    );
    assert!(
        !run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &[]),
        "NO_COLOR wins"
    );
    assert!(
        run(&[("NO_COLOR", "1")], &["--color", "always"]),
        "the flag wins"
    );
    assert!(!run(&[("CLICOLOR_FORCE", "1")], &["--color", "never"]));
}

#[test]
fn fix_advice_is_wrapped_to_80_columns_off_a_terminal() {
    let out = leakhound()
        .args(["scan", "fixtures/tree", "--no-config", "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let fix_lines: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("  fix:"))
        .take_while(|l| !l.starts_with("  fingerprint:"))
        .collect();
    assert!(fix_lines.len() > 1, "a long fix is wrapped: {fix_lines:?}");
    for l in &fix_lines {
        assert!(l.chars().count() <= 80, "{l:?}");
    }
    assert!(
        fix_lines[1].starts_with("               "),
        "continuation lines are indented"
    );
}

/// Runs leakhound with stdout a pipe whose reader has gone away, and returns its exit code and
/// stderr.
fn with_closed_stdout(dir: &Path, args: &[&str]) -> (i32, String) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("leakhound"))
        .current_dir(dir)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_broken_pipe_ends_quietly_with_the_findings_exit_code() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, stderr) = with_closed_stdout(repo, &["rules", "list", "--format", "json"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let (code, stderr) = with_closed_stdout(repo, &["rules", "list"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let dir = dir_with_a_secret();
    for format in ["json", "text", "sarif", "jsonl"] {
        let (code, stderr) = with_closed_stdout(dir.path(), &["scan", ".", "-f", format]);
        assert_eq!(code, 1, "{format}: findings still exit 1; {stderr}");
        assert!(!stderr.contains("error"), "{format}: {stderr}");
    }
    let (code, _) = with_closed_stdout(dir.path(), &["completions", "bash"]);
    assert_eq!(code, 0);
}

#[test]
fn errors_name_each_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::leakhound(dir.path())
        .args(["git", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr.contains("caused by: NotFound"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    let mut unique = lines.clone();
    unique.dedup();
    assert_eq!(lines, unique, "{stderr}");
}

#[test]
fn reports_and_baselines_create_their_folders_and_private_reports_are_0600() {
    let dir = dir_with_a_secret();
    common::leakhound(dir.path())
        .args([
            "baseline",
            "create",
            "--output",
            "ci/deep/baseline.json",
            ".",
        ])
        .assert()
        .code(0);
    assert!(dir.path().join("ci/deep/baseline.json").is_file());
    common::leakhound(dir.path())
        .args([
            "scan",
            "app",
            "--show-secrets",
            "-f",
            "json",
            "-o",
            "out/r.json",
        ])
        .assert()
        .code(1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("out/r.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A baseline that cannot be written names the file, not a temporary one.
    std::fs::write(dir.path().join("blocker"), "").unwrap();
    let out = common::leakhound(dir.path())
        .args(["baseline", "create", "-o", "blocker/b.json", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("blocker/b.json") && !stderr.contains("leakhound-tmp"),
        "{stderr}"
    );
}

#[test]
fn three_dot_ranges_and_history_summaries() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::git(d, &["init", "-q"]);
    common::write(d, "README.md", "hello\n");
    common::git(d, &["add", "-A"]);
    common::git(d, &["commit", "-q", "-m", "base"]);
    common::git(d, &["checkout", "-q", "-b", "feature"]);
    common::write(d, "deploy/prod.env", &common::binance_pair(3));
    common::git(d, &["add", "-A"]);
    common::git(d, &["commit", "-q", "-m", "add settings"]);
    // main moves on after the fork: A...B still means "what feature adds".
    common::git(d, &["checkout", "-q", "main"]);
    common::write(d, "CHANGES.md", "more\n");
    common::git(d, &["add", "-A"]);
    common::git(d, &["commit", "-q", "-m", "main moves on"]);
    let three = common::run_json(d, &["git", ".", "--range", "main...feature"]);
    assert_eq!(three.code, 1, "{}", three.stderr);
    assert_eq!(three.doc["stats"]["git"]["commits"], 1);
    let two = common::run_json(d, &["git", ".", "--range", "main..feature"]);
    assert_eq!(two.doc["findings"], three.doc["findings"]);
    let out = common::leakhound(d)
        .args(["git", ".", "--range", "main...nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"nope\""));
    // The summary counts blobs and commits, not files.
    let out = common::leakhound(d)
        .args(["git", ".", "--color", "never"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary = stdout.lines().last().unwrap();
    assert!(
        summary.starts_with("scanned 3 blobs of 3 commits ("),
        "{summary}"
    );
}

/// True when a JSON report has a Binance finding.
fn has_binance(doc: &Value) -> bool {
    findings(doc)
        .iter()
        .any(|f| f["rule_id"].as_str().unwrap().starts_with("binance"))
}

#[test]
fn config_is_found_at_the_repository_root_from_a_subfolder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::git(d, &["init", "-q"]);
    common::write(d, "config/prod.env", &common::binance_pair(5));
    common::write(d, "vendor/lib.env", &common::binance_pair(6));
    common::write(
        d,
        ".leakhound.toml",
        "exclude = [\"vendor/\"]\ndisable_rules = [\"binance-secret-key\", \"binance-api-key\"]\n",
    );
    // `scan config/` honours the root's config, and says which config it uses.
    let run = common::run_json(d, &["scan", "config"]);
    assert!(!has_binance(&run.doc), "{}", run.stderr);
    assert!(
        run.stderr.contains("leakhound: using config")
            && run.stderr.contains(".leakhound.toml")
            && run.stderr.contains("disables 2 rule(s)"),
        "{}",
        run.stderr
    );
    // From inside the subfolder too.
    let run = common::run_json(&d.join("config"), &["scan", "."]);
    assert!(!has_binance(&run.doc), "{}", run.stderr);
    // A nested config is nearer, and wins.
    common::write(d, "config/.leakhound.toml", "# nothing disabled\n");
    let run = common::run_json(d, &["scan", "config"]);
    assert!(has_binance(&run.doc), "{}", run.stderr);
    assert!(
        run.stderr.contains("config/.leakhound.toml"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(d.join("config/.leakhound.toml")).unwrap();
    // The root config's excludes are relative to the root.
    common::write(d, ".leakhound.toml", "exclude = [\"vendor/\"]\n");
    let run = common::run_json(&d.join("config"), &["scan", ".."]);
    let paths: Vec<&str> = findings(&run.doc)
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().all(|p| !p.contains("vendor")), "{paths:?}");
    assert!(paths.iter().any(|p| p.contains("prod.env")), "{paths:?}");
    // ...and a folder they exclude, named on purpose, is scanned whole.
    let run = common::run_json(d, &["scan", "vendor"]);
    assert!(has_binance(&run.doc), "{}", run.stderr);
    assert!(
        run.stderr.contains("scanning it as named"),
        "{}",
        run.stderr
    );
    // LEAKHOUND_CONFIG overrides discovery; --config overrides it; --no-config turns both off.
    common::write(
        d,
        "other.toml",
        "disable_rules = [\"binance-secret-key\", \"binance-api-key\"]\n",
    );
    let env_run = |args: &[&str]| {
        let out = common::leakhound(d)
            .env("LEAKHOUND_CONFIG", d.join("other.toml"))
            .args(["scan", "config", "-f", "json"])
            .args(args)
            .output()
            .unwrap();
        (
            has_binance(&serde_json::from_slice(&out.stdout).unwrap()),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (found, stderr) = env_run(&[]);
    assert!(!found, "{stderr}");
    assert!(
        stderr.contains("other.toml (from LEAKHOUND_CONFIG)"),
        "{stderr}"
    );
    let (found, stderr) = env_run(&["--no-config"]);
    assert!(found, "{stderr}");
    assert!(!stderr.contains("using config"), "{stderr}");
    let (found, stderr) = env_run(&["--config", ".leakhound.toml"]);
    assert!(found, "{stderr}");
    assert!(
        stderr.contains("using config .leakhound.toml (--config)"),
        "{stderr}"
    );
}

#[test]
fn config_discovery_stops_at_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A config above the repository does not apply inside it.
    common::write(
        d,
        ".leakhound.toml",
        "disable_rules = [\"binance-secret-key\", \"binance-api-key\"]\n",
    );
    let repo = d.join("repo");
    std::fs::create_dir(&repo).unwrap();
    common::git(&repo, &["init", "-q"]);
    common::write(&repo, "src/prod.env", &common::binance_pair(9));
    let run = common::run_json(&repo, &["scan", "src"]);
    assert!(has_binance(&run.doc), "{}", run.stderr);
    assert!(!run.stderr.contains("using config"), "{}", run.stderr);
    // Outside any repository, the walk goes up (to the temp dir, not into /tmp).
    let plain = d.join("plain/sub");
    common::write(&plain, "prod.env", &common::binance_pair(9));
    let run = common::run_json(&plain, &["scan", "."]);
    assert!(!has_binance(&run.doc), "{}", run.stderr);
    assert!(run.stderr.contains("using config"), "{}", run.stderr);
}

#[test]
fn what_a_scan_walks_inside_and_outside_git() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (name, seed) in [
        ("committed-ignored.env", 21),
        ("untracked-ignored.env", 22),
        ("untracked-dotignored.env", 23),
        ("vendor/committed.env", 24),
    ] {
        common::write(d, name, &common::binance_pair(seed));
    }
    common::write(d, ".gitignore", "*-ignored.env\n");
    common::write(d, ".ignore", "untracked-dotignored.env\nvendor/\n");
    let files = |dir: &Path, args: &[&str]| -> Vec<String> {
        let run = common::run_json(dir, &[&["scan", "."][..], args].concat());
        let mut files: Vec<String> = findings(&run.doc)
            .iter()
            .map(|f| {
                f["path"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("./")
                    .to_string()
            })
            .collect();
        files.sort();
        files.dedup();
        files
    };
    // Outside git: .gitignore and .ignore are honoured.
    assert_eq!(files(d, &[]), Vec::<String>::new());
    // Inside git: every tracked file (whatever .gitignore/.ignore say), plus the untracked files
    // git does not ignore (.ignore is not git's).
    common::git(d, &["init", "-q"]);
    common::git(
        d,
        &[
            "add",
            "-f",
            "committed-ignored.env",
            "vendor/committed.env",
            ".gitignore",
        ],
    );
    common::git(d, &["commit", "-q", "-m", "c"]);
    assert_eq!(
        files(d, &[]),
        vec![
            "committed-ignored.env",
            "untracked-dotignored.env",
            "vendor/committed.env"
        ]
    );
    // --exclude still applies to tracked files; --no-ignore scans everything.
    assert_eq!(
        files(d, &["--exclude", "vendor/"]),
        vec!["committed-ignored.env", "untracked-dotignored.env"]
    );
    assert_eq!(files(d, &["--no-ignore"]).len(), 4);
    // A sub-folder root of the work tree.
    let sub = files(&d.join("vendor"), &[]);
    assert_eq!(sub, vec!["committed.env"]);
}
