//! Stripe: `GET /v1/balance` with the key as a bearer; a restricted key without the balance
//! permission is still live (Stripe answers 403, not 401).

use crate::common::mock_server::{Canned, Recorded};
use crate::{assert_bearer, case, dead, live, unsure, Scenario};
use leakhound::fake::alnum;

const BALANCE: &str = r#"{"object":"balance","livemode":true,"available":[{"amount":0,"currency":"usd"}],"pending":[]}"#;

fn assert_request(req: &Recorded, key: &str) {
    assert_eq!(
        (req.method.as_str(), req.url.as_str()),
        ("GET", "/v1/balance")
    );
    assert_bearer(req, key);
}

/// A scenario: one live key of `kind` (`sk` secret, `rk` restricted) in `file` as `var`.
fn scenario(
    kind: &str,
    file: &'static str,
    var: &str,
    rule: &'static str,
    seed: u64,
) -> (String, Scenario<'static>) {
    let key = format!("{kind}_{}_{}", "live", alnum(32, seed));
    let scenario = Scenario {
        provider: "STRIPE",
        method: "GET",
        path: "/v1/balance",
        files: vec![(file, format!("{var}={key}\n"))],
        rule,
        secrets: vec![key.clone()],
    };
    (key, scenario)
}

#[test]
fn secret_key_answers() {
    let (key, scenario) = scenario("sk", "s.env", "STRIPE_KEY", "stripe-live-secret-key", 1);
    let cases = vec![
        case(
            "live secret key",
            Canned::json(200, BALANCE),
            live("critical")
                .with("/permissions/key_type", "secret")
                .with("/permissions/mode", "live"),
        ),
        case(
            "401 invalid API key",
            Canned::json(
                401,
                r#"{"error":{"message":"Invalid API Key provided","type":"invalid_request_error"}}"#,
            ),
            dead("rejected"),
        ),
        case(
            "429 rate limited",
            Canned::json(429, r#"{"error":{"type":"rate_limit_error"}}"#),
            unsure("rate-limited"),
        ),
        case(
            "500 from Stripe",
            Canned::json(500, r#"{"error":{"type":"api_error"}}"#),
            unsure("upstream-error"),
        ),
        case(
            "200 without a balance object",
            Canned::json(200, r#"{"object":"list"}"#),
            unsure("ambiguous-answer"),
        ),
    ];
    scenario.run(cases, |req| assert_request(req, &key));
}

#[test]
fn restricted_key_answers() {
    let (key, scenario) = scenario("rk", "r.env", "STRIPE_RK", "stripe-live-restricted-key", 2);
    let cases = vec![case(
        "restricted key without the balance read permission",
        Canned::json(
            403,
            r#"{"error":{"message":"The provided key 'rk_live_***' does not have the required permissions for this endpoint","type":"invalid_request_error"}}"#,
        ),
        live("high").with("/permissions/key_type", "restricted"),
    )];
    scenario.run(cases, |req| assert_request(req, &key));
}
