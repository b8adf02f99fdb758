//! The findings of each synthetic leak fixture, as a reviewed list: which rule reports what, at
//! which line, and how it was found. `fixtures/config-leaks/` holds config files, scripts,
//! framework settings and dumps as real repositories leak them, `fixtures/credential-files/`
//! the credential files of known tools (fake values), with placeholder lines that must stay
//! silent.

mod common;

use std::path::Path;

use common::leakhound;

/// `path:line rule_id [file_kind] [decoded]`, one finding a line, in report order.
fn findings_of(folder: &str) -> String {
    let out = leakhound(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args([
            "scan",
            folder,
            "--no-config",
            "--no-progress",
            "--format",
            "json",
        ])
        .output()
        .expect("leakhound runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    common::assert_report_schema(&report);
    let mut lines = Vec::new();
    for f in report["findings"].as_array().unwrap() {
        let mut line = format!(
            "{}:{} {}",
            f["path"].as_str().unwrap(),
            f["line"],
            f["rule_id"].as_str().unwrap()
        );
        for extra in ["file_kind", "decoded"] {
            if let Some(v) = f[extra].as_str() {
                line += &format!(" {extra}={v}");
            }
        }
        lines.push(line);
    }
    lines.join("\n") + "\n"
}

/// `fixtures/credential-files/`: one synthetic file per credential-file format (netrc, pgpass,
/// git-credentials, docker and npm configs, FTP/SFTP client configs, FileZilla, DBeaver,
/// JetBrains, PuTTY, kubeconfig, Kubernetes Secrets, Terraform state, notebooks, ...), at the
/// path a real tree would have it; the findings carry the `file_kind` their rule recognised.
#[test]
fn credential_files() {
    insta::assert_snapshot!(findings_of("fixtures/credential-files"));
}

/// `fixtures/encoded/`: secrets inside base64 (a ConfigMap, an "obfuscated" Python constant),
/// hex, percent-encoding and JSON escapes, reported at the encoded text with `decoded`.
#[test]
fn encoded_secrets() {
    insta::assert_snapshot!(findings_of("fixtures/encoded"));
}

#[test]
fn config_leaks() {
    insta::assert_snapshot!(findings_of("fixtures/config-leaks"));
}

/// The noise guard: `fixtures/noise/` is realistic clean code full of values that look random
/// and are not secrets (lockfile integrity hashes, git ids, UUIDs, base64 images and fonts,
/// source maps, test vectors, checksums, public keys and certificates, i18n strings, SQL with
/// password columns, code that reads secrets from the environment, `.env.example`
/// placeholders). Every rule runs against it, so a new rule that is noisy on such code fails
/// here.
#[test]
fn noise_guard_stays_clean() {
    let out = leakhound(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args([
            "scan",
            "fixtures/noise",
            "--no-config",
            "--no-ignore",
            "--no-progress",
            "--format",
            "json",
        ])
        .output()
        .expect("leakhound runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    common::assert_report_schema(&report);
    let findings: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}:{} {}", f["path"], f["line"], f["rule_id"]))
        .collect();
    assert!(
        findings.is_empty(),
        "noise in clean code:\n{}",
        findings.join("\n")
    );
    assert_eq!(out.status.code(), Some(0));
    let files = report["stats"]["files_scanned"].as_u64().unwrap();
    assert!(files >= 70, "only {files} files scanned");
}
