//! Moving from gitleaks: `config import-gitleaks` converts a realistic `.gitleaks.toml` (custom
//! rules with secretGroup, keywords, entropy and path; rule and global allowlists) into a
//! config that scans the same way and lists what it could not convert; `.gitleaksignore`
//! entries are honoured; `--format gitleaks-json` writes gitleaks' report shape.

mod common;

use common::{fake, leakhound, run_json, write};

const GITLEAKS_TOML: &str = r#"
title = "acme gitleaks config"

[extend]
useDefault = true

[[rules]]
id = "acme-internal-token"
description = "Acme internal API token"
regex = '''(?i)acme[_-]?token\s*[:=]\s*['"]?(acme_[a-z0-9]{24})'''
secretGroup = 1
entropy = 3.0
keywords = ["acme_"]
tags = ["internal"]
[rules.allowlist]
regexes = ['''acme_test[a-z0-9]{20}''']
stopwords = ["sandbox"]
commits = ["0123456789abcdef0123456789abcdef01234567"]

[[rules]]
id = "Acme_Service_Password"
description = "Service password in acme.cfg"
regex = '''service_password\s*=\s*(\S{12,})'''
path = '''acme\.cfg$'''
keywords = ["service_password"]

[[rules]]
id = "pkcs12-file"
description = "PKCS #12 file"
path = '''\.p12$'''

[allowlist]
description = "global"
paths = ['''(?:^|/)vendor/''', '''\.lock$''', '''(.*?)(jpg|png)$''']
regexes = ['''EXAMPLE''']
stopwords = ["dummy"]
regexTarget = "line"
"#;

#[test]
fn a_gitleaks_config_converts_and_scans() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".gitleaks.toml", GITLEAKS_TOML);
    let out = leakhound(d)
        .args(["config", "import-gitleaks"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("2 rules converted"), "{stdout}");
    for unconverted in [
        "\"pkcs12-file\": a path-only rule",
        "1 commit(s)",
        "regexTarget = \"line\"",
        "(.*?)(jpg|png)$",
    ] {
        assert!(
            stdout.contains(unconverted),
            "{unconverted} not reported: {stdout}"
        );
    }
    let config = std::fs::read_to_string(d.join(".leakhound.toml")).unwrap();
    assert!(
        config.contains("exclude = ['vendor/', '*.lock']"),
        "{config}"
    );
    assert!(
        config.contains("[allow.rules.acme-internal-token]"),
        "{config}"
    );
    // A second run refuses to overwrite without --force.
    let again = leakhound(d)
        .args(["config", "import-gitleaks"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));

    // The converted config scans: the custom rules find their secrets, allow lists hold.
    let token = format!("acme_{}", fake(24, 1).to_lowercase());
    let sandbox = format!("acme_sandbox{}", fake(12, 2).to_lowercase());
    let password = fake(16, 3);
    write(
        d,
        "app/settings.py",
        &format!("ACME_TOKEN = '{token}'\nacme_token = '{sandbox}'\n"),
    );
    write(
        d,
        "etc/acme.cfg",
        &format!("service_password = {password}\n"),
    );
    write(
        d,
        "docs/acme.md",
        &format!("service_password = {password}\n"),
    );
    write(
        d,
        "vendor/lib/settings.py",
        &format!("ACME_TOKEN = '{token}'\n"),
    );
    let run = run_json(d, &["scan", ".", "--no-progress"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found: Vec<(String, String)> = run.doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        found
            .iter()
            .any(|(r, p)| r == "acme-internal-token" && p.ends_with("app/settings.py")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(r, p)| r == "acme-service-password" && p.ends_with("etc/acme.cfg")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(_, p)| p.contains("vendor/")),
        "vendor/ is excluded: {found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|(r, p)| r == "acme-service-password" && p.ends_with("docs/acme.md")),
        "the path-limited rule fired outside its path: {found:?}"
    );
    assert_eq!(
        found
            .iter()
            .filter(|(r, _)| r == "acme-internal-token")
            .count(),
        1,
        "the sandbox token is allowed: {found:?}"
    );
}

#[test]
fn gitleaksignore_entries_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "config/.env", &common::binance_pair(4));
    write(d, "other/.env", &common::binance_pair(5));
    let run = run_json(d, &["scan", ".", "--no-progress"]);
    let line = run.doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("config/.env"))
        .expect("finding in config/.env")["line"]
        .as_u64()
        .unwrap();
    write(
        d,
        ".gitleaksignore",
        &format!("# reviewed\nconfig/.env:generic-api-key:{line}\n"),
    );
    let run = run_json(d, &["scan", ".", "--no-progress"]);
    let paths: Vec<&str> = run.doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        !paths.iter().any(|p| p.ends_with("config/.env")),
        "{paths:?}"
    );
    assert!(paths.iter().any(|p| p.ends_with("other/.env")), "{paths:?}");
    assert_eq!(run.doc["stats"]["suppressed"]["ignore_file"], 1);
    // --no-suppress sees it again.
    let audit = run_json(d, &["scan", ".", "--no-progress", "--no-suppress"]);
    assert!(audit.doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["path"].as_str().unwrap().ends_with("config/.env")));
}

#[test]
fn gitleaks_json_has_gitleaks_fields_and_redacts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "config/.env", &common::binance_pair(6));
    let out = leakhound(d)
        .args(["scan", ".", "--no-progress", "--format", "gitleaks-json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &doc.as_array().unwrap()[0];
    for key in [
        "RuleID",
        "Description",
        "StartLine",
        "EndLine",
        "StartColumn",
        "EndColumn",
        "Match",
        "Secret",
        "File",
        "SymlinkFile",
        "Commit",
        "Entropy",
        "Author",
        "Email",
        "Date",
        "Message",
        "Tags",
        "Fingerprint",
    ] {
        assert!(f.get(key).is_some(), "missing {key}: {f}");
    }
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&common::binance_secret(6)));
    let fp = f["Fingerprint"].as_str().unwrap();
    assert!(
        fp.ends_with(&format!(
            ":{}:{}",
            f["RuleID"].as_str().unwrap(),
            f["StartLine"]
        )),
        "{fp}"
    );
}
