//! What users read, as snapshots: `--help`, the rule catalogue, `config check`, the dry-run
//! plan of `--verify`, and the error message of each mistake a user can make. A change to any
//! of these shows up as a snapshot diff to review (`cargo insta review`).

mod common;

use std::path::Path;

use common::leakhound;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Exit code, then stdout, then stderr, as one text to snapshot; timings are replaced by `T`.
fn run(args: &[&str], dir: &Path) -> String {
    let out = leakhound(dir).args(args).output().expect("leakhound runs");
    let elapsed = regex::Regex::new(r"in \d+\.\d\d s").unwrap();
    let text = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let timestamp = regex::Regex::new(r"timestamp=\d+").unwrap();
    let text = elapsed.replace_all(&text, "in T s");
    timestamp.replace_all(&text, "timestamp=T").into_owned()
}

#[test]
fn help_texts() {
    for (name, args) in [
        ("help", &["--help"][..]),
        ("scan_help", &["scan", "--help"]),
        ("git_help", &["git", "--help"]),
        ("rules_help", &["rules", "--help"]),
    ] {
        insta::assert_snapshot!(name, run(args, repo()));
    }
}

#[test]
fn rule_catalogue() {
    insta::assert_snapshot!(run(&["rules", "list"], repo()));
}

#[test]
fn config_check() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".leakhound.toml"),
        "format = \"json\"\nexclude = [\"vendor/\"]\ndisable_rules = [\"jwt\"]\n[allow]\nstopwords = [\"sandbox\"]\n",
    )
    .unwrap();
    insta::assert_snapshot!(run(&["config", "check"], dir.path()));
}

#[test]
fn verify_dry_run_plan() {
    insta::assert_snapshot!(run(
        &[
            "scan",
            "fixtures/tree",
            "--no-config",
            "--no-progress",
            "--verify-dry-run",
            "--color",
            "never",
            "-f",
            "json",
            "-o",
            "/dev/null"
        ],
        repo()
    ));
}

#[test]
fn error_messages() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("bad-rules.toml"), "[[rules]]\nid = \"x\"\n").unwrap();
    std::fs::write(d.join("bad-config.toml"), "verify = true\n").unwrap();
    std::fs::write(
        d.join("size.toml"),
        "max_file_size = \"18446744073709551615\"\n",
    )
    .unwrap();
    std::fs::write(d.join("report.json"), "{\"findings\": [{\"rule_id\": \"aws-access-key-id\", \"severity\": \"high\", \"secret\": \"AKIA…\", \"redacted\": true}]}\n").unwrap();
    let cases: &[(&str, &[&str])] = &[
        ("missing_path", &["scan", "does/not/exist"]),
        ("unknown_flag", &["scan", "--bogus-flag"]),
        ("bad_size", &["scan", "--max-file-size", "ten"]),
        (
            "huge_size",
            &["scan", "--max-file-size", "18446744073709551615"],
        ),
        ("bad_format", &["scan", "-f", "xml"]),
        (
            "bad_rules_file",
            &["scan", ".", "--rules", "bad-rules.toml"],
        ),
        (
            "unknown_config_key",
            &["config", "check", "bad-config.toml"],
        ),
        ("config_size_overflow", &["config", "check", "size.toml"]),
        ("not_a_repository", &["git", "."]),
        ("bad_since", &["git", ".", "--since", "2024-02-31"]),
        ("only_live_without_verify", &["scan", ".", "--only-live"]),
        ("verify_redacted_report", &["verify", "report.json"]),
        ("no_rules", &["scan", ".", "--no-builtin-rules"]),
    ];
    for (name, args) in cases {
        insta::assert_snapshot!(*name, run(args, d));
    }
}
