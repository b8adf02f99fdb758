//! Request budgets: each credential is verified once per run, and a rate limit or IP ban stops
//! all further requests to that provider for the run.

use crate::binance::{self, Signer, RESTRICTIONS_WITHDRAW};
use crate::common::mock_server::{Canned, MockServer};
use crate::{binance_pair, leakhound, live, tree, unsure, verifications_of, SCAN_VERIFY};

#[test]
fn a_credential_found_twice_is_verified_once() {
    let (key, secret, text) = binance_pair(1);
    let dir = tree(&[("a/.env", text.clone()), ("b/.env", text)]);
    let mock = binance::mock(RESTRICTIONS_WITHDRAW);
    let run = leakhound(dir.path(), SCAN_VERIFY, &[("BINANCE", &mock)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.assert_no_secret(&[&key, &secret]);
    let vs = verifications_of(&run.json(), "binance-secret-key");
    assert_eq!(vs.len(), 2);
    for v in &vs {
        live("critical").check("each copy", v);
    }
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 1, "each credential is verified once per run");
    binance::assert_signed(&reqs[0], &key, &Signer::Hmac(secret), 0);
}

#[test]
fn a_rate_limit_or_ban_stops_the_provider_for_the_run() {
    // (Binance's status, the reason every credential gets)
    for (status, reason) in [(429, "rate-limited"), (418, "ip-banned")] {
        let files: Vec<(&str, String)> = ["a/.env", "b/.env", "c/.env"]
            .into_iter()
            .zip(10..)
            .map(|(name, seed)| (name, binance_pair(seed).2))
            .collect();
        let dir = tree(&files);
        let mock = MockServer::new()
            .fallback(
                Canned::json(
                    status,
                    r#"{"code":-1003,"msg":"Way too many requests; IP banned until 1700000000000."}"#,
                )
                .header("Retry-After", "120"),
            )
            .start();
        let run = leakhound(dir.path(), SCAN_VERIFY, &[("BINANCE", &mock)]);
        assert_eq!(run.code, 1);
        let vs = verifications_of(&run.json(), "binance-secret-key");
        assert_eq!(vs.len(), 3);
        for v in &vs {
            unsure(reason).check(reason, v);
        }
        let detail = |v: &serde_json::Value| v["detail"].as_str().unwrap().to_string();
        assert!(
            vs.iter().any(|v| detail(v).contains("retry after 120 s")),
            "{vs:?}"
        );
        let not_sent = vs.iter().filter(|v| detail(v).starts_with("not sent"));
        assert_eq!(not_sent.count(), 2, "{vs:?}");
        assert_eq!(
            mock.requests().len(),
            1,
            "Binance was called again after {status}"
        );
    }
}
