//! Off by default, and `--verify-dry-run`: what would be sent is printed (redacted), and
//! nothing is sent.

use crate::binance::{self, RESTRICTIONS_WITHDRAW};
use crate::{binance_pair, findings, github_token, leakhound, tree, PROVIDERS};

#[test]
fn nothing_is_sent_without_verify() {
    let (_, _, text) = binance_pair(1);
    let dir = tree(&[("a/.env", text)]);
    let mock = binance::mock(RESTRICTIONS_WITHDRAW);
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--format", "json"],
        &[("BINANCE", &mock)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(findings(&run.json())
        .iter()
        .all(|f| f.get("verification").is_none()));
    let text = leakhound(dir.path(), &["scan", "."], &[("BINANCE", &mock)]);
    assert_eq!(text.code, 1);
    assert!(!text.stdout.contains("verified:"));
    assert!(
        mock.requests().is_empty(),
        "a request was sent without --verify"
    );
}

#[test]
fn dry_run_prints_redacted_requests_and_sends_nothing() {
    let (key, secret, text) = binance_pair(2);
    let token = github_token(2);
    let dir = tree(&[("a/.env", text), ("b/gh.txt", format!("token = {token}\n"))]);
    let mock = binance::mock(RESTRICTIONS_WITHDRAW);
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify-dry-run", "--format", "json"],
        &[("BINANCE", &mock)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let binance_request = format!(
        "GET {}/sapi/v1/account/apiRestrictions?recvWindow=5000&timestamp=",
        mock.url()
    );
    for line in [
        binance_request.as_str(),
        "&signature=<redacted>",
        "headers: X-MBX-APIKEY, User-Agent",
        // GitHub has no mock: it points at the discard port.
        "GET http://127.0.0.1:9/user",
        "headers: Authorization, Accept",
    ] {
        assert!(run.stderr.contains(line), "{line}: {}", run.stderr);
    }
    run.assert_no_secret(&[&key, &secret, &token]);
    // No signature either: nothing 64-hex long.
    assert!(!run
        .stderr
        .split(|c: char| !c.is_ascii_hexdigit())
        .any(|w| w.len() >= 64));
    assert!(findings(&run.json())
        .iter()
        .all(|f| f.get("verification").is_none()));
    assert!(mock.requests().is_empty());
}

#[test]
fn dry_run_lists_the_real_hosts() {
    let (_, _, text) = binance_pair(3);
    let dir = tree(&[("a/.env", text)]);
    // No override at all: the dry run shows the production host (and still sends nothing).
    let mut cmd = crate::common::leakhound(dir.path());
    for p in PROVIDERS {
        cmd.env_remove(format!("LEAKHOUND_VERIFY_BASE_URL_{p}"));
    }
    let out = cmd
        .args(["scan", ".", "--verify-dry-run"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    for line in [
        "GET https://api.binance.com/sapi/v1/account/apiRestrictions?recvWindow=5000&timestamp=",
        "--verify would contact: api.binance.com",
    ] {
        assert!(stderr.contains(line), "{line}: {stderr}");
    }
}
