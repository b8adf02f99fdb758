//! Slack: `POST /api/auth.test` with the token as a bearer, and its answers mapped to verdicts
//! (Slack answers HTTP 200 with `"ok": false` for most errors).

use crate::common::mock_server::Canned;
use crate::{assert_bearer, case, dead, digits, live, unsure, Scenario};
use leakhound::fake::alnum;

/// A Slack bot token.
fn bot_token(seed: u64) -> String {
    format!(
        "{}-{}-{}-{}",
        "xoxb",
        digits(11, seed),
        digits(12, seed + 1),
        alnum(24, seed + 2)
    )
}

fn not_ok(error: &str) -> Canned {
    Canned::json(200, format!(r#"{{"ok":false,"error":"{error}"}}"#))
}

#[test]
fn answers() {
    let token = bot_token(1);
    let scenario = Scenario {
        provider: "SLACK",
        method: "POST",
        path: "/api/auth.test",
        files: vec![("slack.cfg", format!("token: {token}\n"))],
        rule: "slack-bot-token",
        secrets: vec![token.clone()],
    };
    let cases = vec![
        case(
            "bot token that can write and read history",
            Canned::json(
                200,
                r#"{"ok":true,"url":"https://acme.slack.com/","team":"Acme","user":"deploybot","team_id":"T0001","user_id":"U0001","bot_id":"B0001"}"#,
            )
            .header("x-oauth-scopes", "chat:write,channels:history"),
            live("high")
                .with("/identity/team", "Acme")
                .with("/identity/token_type", "bot"),
        ),
        case("invalid_auth", not_ok("invalid_auth"), dead("rejected")),
        case("token_expired", not_ok("token_expired"), dead("expired")),
        case("ratelimited", not_ok("ratelimited"), unsure("rate-limited")),
        case(
            "500 from Slack",
            Canned::json(500, "{}"),
            unsure("upstream-error"),
        ),
        case(
            "200 garbage JSON",
            Canned::json(200, "not json"),
            unsure("ambiguous-answer"),
        ),
    ];
    scenario.run(cases, |req| {
        assert_eq!(
            (req.method.as_str(), req.url.as_str()),
            ("POST", "/api/auth.test")
        );
        assert_bearer(req, &token);
    });
}
