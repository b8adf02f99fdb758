//! Helpers shared by the integration tests (each `tests/*.rs` is its own crate and uses a
//! subset, hence the `dead_code` allowance).
#![allow(dead_code)]

use std::path::Path;

pub use leakhound::fake::alnum as fake;

pub mod mock_server;

/// The leakhound binary, run in `dir`, with no colour preference inherited.
pub fn leakhound(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("leakhound").unwrap();
    cmd.current_dir(dir).env_remove("NO_COLOR");
    cmd
}

/// The date every test commit gets unless a test picks another, so commit ids are stable.
pub const GIT_DATE: &str = "2026-01-02T03:04:05Z";

/// Runs git in `dir`, hermetically (no global or system config, fixed identity, `date` as the
/// author and committer date), and returns its trimmed stdout; a failure fails the test.
pub fn git_at(dir: &Path, date: &str, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada Lovelace")
        .env("GIT_AUTHOR_EMAIL", "ada@example.invalid")
        .env("GIT_COMMITTER_NAME", "Ada Lovelace")
        .env("GIT_COMMITTER_EMAIL", "ada@example.invalid")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// [`git_at`] with [`GIT_DATE`].
pub fn git(dir: &Path, args: &[&str]) -> String {
    git_at(dir, GIT_DATE, args)
}

/// A Binance API key line; with [`binance_secret_line`] of the same seed nearby, it is the
/// `key` part of one `binance-secret-key` finding.
pub fn binance_key_line(seed: u64) -> String {
    format!("BINANCE_API_KEY={}", fake(64, seed))
}

/// The Binance secret of `seed`.
pub fn binance_secret(seed: u64) -> String {
    fake(64, seed + 1000)
}

/// A Binance secret line, detected as `binance-secret-key`.
pub fn binance_secret_line(seed: u64) -> String {
    format!("BINANCE_SECRET_KEY={}", binance_secret(seed))
}

/// A Binance key + secret pair as `.env` text: one finding.
pub fn binance_pair(seed: u64) -> String {
    format!(
        "{}\n{}\n",
        binance_key_line(seed),
        binance_secret_line(seed)
    )
}

/// Writes `text` to `dir/name`, creating folders.
pub fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// The outcome of a leakhound run with a JSON report.
pub struct Run {
    pub code: i32,
    pub doc: serde_json::Value,
    pub stderr: String,
}

/// `leakhound ARGS --format json` in `dir`, with the report parsed.
pub fn run_json(dir: &Path, args: &[&str]) -> Run {
    let out = leakhound(dir)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}); stderr: {stderr}"));
    assert_report_schema(&doc);
    Run {
        code: out.status.code().unwrap(),
        doc,
        stderr,
    }
}

/// Fails unless `doc` is valid against `schema/report.schema.json`, the published contract of
/// the JSON report. Every report the tests read through [`run_json`] is checked.
pub fn assert_report_schema(doc: &serde_json::Value) {
    static SCHEMA: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    let validator = SCHEMA.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/report.schema.json");
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        jsonschema::validator_for(&schema).expect("the report schema compiles")
    });
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report does not match schema/report.schema.json:\n{}",
        errors.join("\n")
    );
}
