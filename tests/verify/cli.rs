//! The command line around verification: loopback-only overrides, `--only-live`, the `verify`
//! subcommand, `git --staged --verify`.

use crate::binance::{self, RESTRICTIONS_READ_ONLY, RESTRICTIONS_WITHDRAW};
use crate::common::mock_server::{Canned, MockServer};
use crate::{
    binance_pair, command, findings, github_token, leakhound, live, tree, verification_of,
};

#[test]
fn non_loopback_overrides_are_refused() {
    let (_, _, text) = binance_pair(1);
    let dir = tree(&[("a/.env", text)]);
    for bad in [
        "https://api.binance.com.evil.example",
        "http://10.0.0.1:80",
        "http://127.0.0.1.nip.io:80",
        "http://127.0.0.1@evil.example",
    ] {
        // The other providers stay on loopback; leakhound must refuse before sending anything.
        let out = command(dir.path(), &[])
            .env("LEAKHOUND_VERIFY_BASE_URL_BINANCE", bad)
            .args(["scan", ".", "--verify"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("refusing LEAKHOUND_VERIFY_BASE_URL_BINANCE"),
            "{stderr}"
        );
        assert!(stderr.contains("loopback"), "{stderr}");
    }
}

#[test]
fn only_live_filters_the_report_but_not_the_exit_code() {
    let (_, _, text) = binance_pair(2);
    let token = github_token(2);
    let dir = tree(&[("a/.env", text), ("b.txt", format!("GH={token}\n"))]);
    let binance = binance::mock(RESTRICTIONS_READ_ONLY);
    let github = MockServer::new()
        .route(
            "GET",
            "/user",
            Canned::json(401, r#"{"message":"Bad credentials"}"#),
        )
        .start();
    let only_live = ["scan", ".", "--verify", "--only-live", "--format", "json"];
    let run = leakhound(
        dir.path(),
        &only_live,
        &[("BINANCE", &binance), ("GITHUB", &github)],
    );
    assert_eq!(run.code, 1);
    let f = findings(&run.json());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["rule_id"], "binance-secret-key");
    // Nothing live: an empty report, and still exit code 1.
    let dir2 = tree(&[("b.txt", format!("GH={token}\n"))]);
    let run = leakhound(dir2.path(), &only_live, &[("GITHUB", &github)]);
    assert_eq!(run.code, 1);
    assert!(findings(&run.json()).is_empty());
    // --only-live without --verify is an error.
    let run = leakhound(dir2.path(), &["scan", ".", "--only-live"], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--only-live needs --verify"),
        "{}",
        run.stderr
    );
}

#[test]
fn verify_subcommand_reads_a_report_written_with_show_secrets() {
    let (key, secret, text) = binance_pair(3);
    let dir = tree(&[("a/.env", text)]);
    let mock = binance::mock(RESTRICTIONS_WITHDRAW);
    // Scan offline (nothing sent), then verify the report.
    let scan = leakhound(
        dir.path(),
        &[
            "scan",
            ".",
            "--format",
            "json",
            "--show-secrets",
            "-o",
            "report.json",
            "--exclude",
            "report.json",
        ],
        &[("BINANCE", &mock)],
    );
    assert_eq!(scan.code, 1, "{}", scan.stderr);
    assert!(mock.requests().is_empty(), "the scan sent a request");
    let run = leakhound(
        dir.path(),
        &["verify", "report.json", "--format", "json"],
        &[("BINANCE", &mock)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.assert_no_secret(&[&key, &secret]);
    live("critical").check(
        "verify report.json",
        &verification_of(&run.json(), "binance-secret-key"),
    );
    // A redacted report cannot be verified, and says why.
    let redacted = leakhound(
        dir.path(),
        &[
            "scan",
            ".",
            "--format",
            "json",
            "-o",
            "redacted.json",
            "--exclude",
            "*.json",
        ],
        &[],
    );
    assert_eq!(redacted.code, 1);
    let run = leakhound(
        dir.path(),
        &["verify", "redacted.json"],
        &[("BINANCE", &mock)],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("redacted"), "{}", run.stderr);
    assert!(run.stderr.contains("--show-secrets"), "{}", run.stderr);
    assert_eq!(mock.requests().len(), 1);
}

#[test]
fn git_staged_verifies_through_the_same_pipeline() {
    let (_, _, text) = binance_pair(4);
    let dir = tree(&[("app/.env", text)]);
    crate::common::git(dir.path(), &["init", "-q"]);
    crate::common::git(dir.path(), &["add", "app/.env"]);
    let mock = binance::mock(RESTRICTIONS_READ_ONLY);
    let run = leakhound(
        dir.path(),
        &["git", "--staged", "--verify", "--format", "json"],
        &[("BINANCE", &mock)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = verification_of(&run.json(), "binance-secret-key");
    assert_eq!(v["status"], "live", "{v}");
    assert_eq!(mock.requests().len(), 1);
}
