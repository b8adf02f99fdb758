//! GitHub: `GET https://api.github.com/user` with the token.
//!
//! 200 tells the login; a classic token (or OAuth app token) lists its scopes in
//! `X-OAuth-Scopes`, a fine-grained or GitHub App token has no such header (its permissions
//! are per repository and cannot be listed without probing, which leakhound does not do).
//! An App installation token cannot read `/user` and gets 403 "Resource not accessible by
//! integration", which still proves it authenticated. Refresh tokens (`ghr_`) cannot call the
//! API at all: using one means minting a new token, so they are skipped.

use serde_json::Value;

use super::http::{Field, Method, Request, Response};
use super::risk::{self, GithubKind};
use super::{Ctx, Provider, Reason, Verification};
use crate::findings::Finding;

pub const PATH: &str = "/user";

const RULES: &[&str] = &[
    "github-pat-classic",
    "github-oauth-access-token",
    "github-app-user-token",
    "github-app-installation-token",
    "github-app-installation-token-stateless",
    "github-pat-fine-grained",
];
const REFRESH_RULE: &str = "github-app-refresh-token";

pub fn handles(rule_id: &str) -> bool {
    RULES.contains(&rule_id) || rule_id == REFRESH_RULE
}

pub struct Cred {
    pub token: String,
}

pub fn credential(f: &Finding) -> Result<Cred, Verification> {
    if f.rule_id == REFRESH_RULE {
        return Err(Verification::skipped(
            Some(Provider::Github),
            Reason::ProviderNotSupported,
            "a refresh token cannot call the API; checking it would mint a new access token",
        ));
    }
    Ok(Cred {
        token: f.secret.clone(),
    })
}

pub fn build(cred: &Cred) -> Request {
    Request {
        provider: Provider::Github,
        method: Method::Get,
        path: PATH,
        query: Vec::new(),
        headers: vec![
            Field::secret("Authorization", format!("Bearer {}", cred.token)),
            Field::public("Accept", "application/vnd.github+json"),
            Field::public("X-GitHub-Api-Version", "2022-11-28"),
        ],
        body: None,
    }
}

fn kind_of(token: &str) -> GithubKind {
    if token.starts_with("github_pat_") {
        GithubKind::FineGrained
    } else if token.starts_with("ghs_") || token.starts_with("ghu_") {
        GithubKind::App
    } else {
        GithubKind::Classic
    }
}

/// Maps a `/user` answer to a verdict (pure). `token` only decides the token class.
pub fn classify(resp: &Response, token: &str) -> Verification {
    let json = serde_json::from_str::<Value>(&resp.body).ok();
    let message = json
        .as_ref()
        .and_then(|j| j.get("message"))
        .and_then(Value::as_str)
        .unwrap_or("");
    match resp.status {
        200 => {
            let Some(login) = json
                .as_ref()
                .and_then(|j| j.get("login"))
                .and_then(Value::as_str)
            else {
                return Verification::indeterminate(
                    Provider::Github,
                    Reason::AmbiguousAnswer,
                    "HTTP 200 without a login",
                );
            };
            let scopes_header = resp.header("x-oauth-scopes");
            let kind = if scopes_header.is_some() {
                GithubKind::Classic
            } else {
                match kind_of(token) {
                    GithubKind::Classic => GithubKind::FineGrained,
                    k => k,
                }
            };
            let scopes: Vec<String> = scopes_header
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            let mut v = Verification::live(Provider::Github, risk::github(kind, &scopes));
            v.identity.insert("login".into(), login.to_string());
            if let Some(t) = json
                .as_ref()
                .and_then(|j| j.get("type"))
                .and_then(Value::as_str)
            {
                v.identity.insert("account_type".into(), t.to_string());
            }
            let token_type = match kind {
                GithubKind::Classic => "classic",
                GithubKind::FineGrained => "fine-grained",
                GithubKind::App => "github-app",
            };
            v.identity.insert("token_type".into(), token_type.into());
            if let Some(exp) = resp.header("github-authentication-token-expiration") {
                v.identity.insert("expires".into(), exp.to_string());
            }
            if kind == GithubKind::Classic {
                v.permissions.insert(
                    "scopes".into(),
                    Value::Array(scopes.into_iter().map(Value::String).collect()),
                );
            }
            v
        }
        401 => Verification::dead(
            Provider::Github,
            Reason::Rejected,
            "GitHub: 401 Bad credentials (revoked, expired or never valid)",
        ),
        403 | 429
            if resp.header("x-ratelimit-remaining") == Some("0")
                || resp.header("retry-after").is_some() =>
        {
            Verification::indeterminate(
                Provider::Github,
                Reason::RateLimited,
                format!("GitHub rate limit{}", super::retry_after_text(resp)),
            )
        }
        403 if message.contains("Resource not accessible by integration") => {
            let mut v = Verification::live(Provider::Github, risk::github(GithubKind::App, &[]));
            v.identity.insert("token_type".into(), "github-app".into());
            v.detail = Some(
                "GitHub accepted the token (an App installation token cannot read /user)".into(),
            );
            v
        }
        _ => super::generic_http_failure(Provider::Github, resp).unwrap_or_else(|| {
            Verification::indeterminate(
                Provider::Github,
                Reason::AmbiguousAnswer,
                format!("GitHub answered HTTP {}", resp.status),
            )
        }),
    }
}

pub fn verify(cred: &Cred, ctx: &Ctx) -> Verification {
    match ctx.send(&build(cred)) {
        Ok(resp) => classify(&resp, &cred.token),
        Err(v) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::{RiskLevel, Status};

    fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.into(),
        }
    }

    #[test]
    fn classic_tokens_report_scopes() {
        let r = resp(
            200,
            &[("x-oauth-scopes", "repo, read:org")],
            r#"{"login":"octocat","type":"User"}"#,
        );
        let v = classify(&r, "ghp_x");
        assert_eq!(v.status, Status::Live);
        assert_eq!(v.identity["login"], "octocat");
        assert_eq!(v.identity["token_type"], "classic");
        assert_eq!(
            v.permissions["scopes"],
            serde_json::json!(["repo", "read:org"])
        );
        assert_eq!(v.risk, Some(RiskLevel::High));
    }

    #[test]
    fn fine_grained_and_failures() {
        let v = classify(&resp(200, &[], r#"{"login":"octocat"}"#), "github_pat_x");
        assert_eq!(v.identity["token_type"], "fine-grained");
        assert!(!v.permissions.contains_key("scopes"));
        let v = classify(&resp(401, &[], r#"{"message":"Bad credentials"}"#), "ghp_x");
        assert_eq!((v.status, v.reason), (Status::Dead, Some(Reason::Rejected)));
        let v = classify(
            &resp(
                403,
                &[("x-ratelimit-remaining", "0")],
                r#"{"message":"API rate limit exceeded"}"#,
            ),
            "ghp_x",
        );
        assert_eq!(v.reason, Some(Reason::RateLimited));
        let v = classify(
            &resp(
                403,
                &[],
                r#"{"message":"Resource not accessible by integration"}"#,
            ),
            "ghs_x",
        );
        assert_eq!(v.status, Status::Live);
        let v = classify(&resp(403, &[], r#"{"message":"Forbidden"}"#), "ghp_x");
        assert_eq!(v.status, Status::Indeterminate);
        let v = classify(&resp(502, &[], "<html>bad gateway</html>"), "ghp_x");
        assert_eq!(v.reason, Some(Reason::UpstreamError));
    }
}
