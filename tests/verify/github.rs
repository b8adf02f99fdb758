//! GitHub: `GET /user` with the token as a bearer, and its answers mapped to verdicts.

use crate::common::mock_server::{Canned, Recorded};
use crate::{assert_bearer, case, dead, github_token, live, unsure, Scenario};

fn assert_request(req: &Recorded, token: &str) {
    assert_eq!((req.method.as_str(), req.url.as_str()), ("GET", "/user"));
    assert_eq!(req.header("Accept"), Some("application/vnd.github+json"));
    assert_bearer(req, token);
}

#[test]
fn answers() {
    let token = github_token(1);
    let scenario = Scenario {
        provider: "GITHUB",
        method: "GET",
        path: "/user",
        files: vec![("a.txt", format!("GH={token}\n"))],
        rule: "github-pat-classic",
        secrets: vec![token.clone()],
    };
    let bad_credentials = Canned::json(
        401,
        r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}"#,
    );
    let cases = vec![
        case(
            "classic token with repo and admin:org",
            Canned::json(200, r#"{"login":"octocat","id":1,"type":"User"}"#)
                .header("X-OAuth-Scopes", "repo, admin:org"),
            live("critical")
                .with("/identity/login", "octocat")
                .with("/identity/token_type", "classic")
                .with(
                    "/permissions/scopes",
                    serde_json::json!(["repo", "admin:org"]),
                ),
        ),
        case("401 Bad credentials", bad_credentials, dead("rejected")),
        case(
            "403 with the rate limit spent",
            Canned::json(403, r#"{"message":"API rate limit exceeded"}"#)
                .header("X-RateLimit-Remaining", "0"),
            unsure("rate-limited"),
        ),
        case(
            "502 from GitHub",
            Canned::html(502, "<html>Unicorn!</html>"),
            unsure("upstream-error"),
        ),
        case(
            "200 without a login",
            Canned::json(200, r#"{"id":1"#),
            unsure("ambiguous-answer"),
        ),
    ];
    scenario.run(cases, |req| assert_request(req, &token));
}
