//! Slack: `POST https://slack.com/api/auth.test` with the token.
//!
//! Slack documents `auth.test` as checking authentication and telling the identity, with no
//! side effect. Slack answers HTTP 200 even on failure, with `{"ok": false, "error": …}`; only
//! the errors that mean "this token does not work" count as dead. Webhook URLs, app-level and
//! refresh tokens are skipped: there is no read-only call for them (calling a webhook posts a
//! message).

use serde_json::Value;

use super::http::{Body, Field, Method, Request, Response};
use super::{risk, Ctx, Provider, Reason, Verification};
use crate::findings::Finding;

pub const PATH: &str = "/api/auth.test";

const RULES: &[&str] = &[
    "slack-bot-token",
    "slack-user-token",
    "slack-legacy-workspace-token",
    "slack-legacy-token",
    "slack-config-access-token",
];
const NO_READ_ONLY_CALL: &[&str] = &[
    "slack-config-refresh-token",
    "slack-app-token",
    "slack-webhook-url",
    "slack-workflow-webhook-url",
];

/// `ok: false` errors that mean the token is unusable.
const DEAD_ERRORS: &[&str] = &[
    "invalid_auth",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "team_disabled",
    "user_removed_from_team",
];

pub fn handles(rule_id: &str) -> bool {
    RULES.contains(&rule_id) || NO_READ_ONLY_CALL.contains(&rule_id)
}

pub struct Cred {
    pub token: String,
}

pub fn credential(f: &Finding) -> Result<Cred, Verification> {
    if NO_READ_ONLY_CALL.contains(&f.rule_id.as_str()) {
        return Err(Verification::skipped(
            Some(Provider::Slack),
            Reason::ProviderNotSupported,
            "Slack has no read-only check for this kind of secret (calling a webhook posts a message)",
        ));
    }
    Ok(Cred {
        token: f.secret.clone(),
    })
}

pub fn build(cred: &Cred) -> Request {
    Request {
        provider: Provider::Slack,
        method: Method::Post,
        path: PATH,
        query: Vec::new(),
        headers: vec![Field::secret(
            "Authorization",
            format!("Bearer {}", cred.token),
        )],
        body: Some(Body {
            content_type: "application/x-www-form-urlencoded",
            text: String::new(),
        }),
    }
}

/// Maps an `auth.test` answer to a verdict (pure).
pub fn classify(resp: &Response) -> Verification {
    if let Some(v) = super::generic_http_failure(Provider::Slack, resp) {
        return v;
    }
    let json = serde_json::from_str::<Value>(&resp.body).ok();
    let get = |k: &str| {
        json.as_ref()
            .and_then(|j| j.get(k))
            .and_then(Value::as_str)
            .map(String::from)
    };
    let ok = json
        .as_ref()
        .and_then(|j| j.get("ok"))
        .and_then(Value::as_bool);
    match (resp.status, ok) {
        (200, Some(true)) => {
            let bot = get("bot_id").is_some();
            let scopes: Vec<String> = resp
                .header("x-oauth-scopes")
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            let mut v = Verification::live(Provider::Slack, risk::slack(!bot, &scopes));
            for (field, name) in [
                ("team", "team"),
                ("team_id", "team_id"),
                ("user", "user"),
                ("user_id", "user_id"),
                ("bot_id", "bot_id"),
                ("url", "url"),
                ("enterprise_id", "enterprise_id"),
            ] {
                if let Some(value) = get(field) {
                    v.identity.insert(name.into(), value);
                }
            }
            v.identity
                .insert("token_type".into(), if bot { "bot" } else { "user" }.into());
            if resp.header("x-oauth-scopes").is_some() {
                v.permissions.insert(
                    "scopes".into(),
                    Value::Array(scopes.into_iter().map(Value::String).collect()),
                );
            }
            v
        }
        (200, Some(false)) => {
            let error = get("error").unwrap_or_default();
            if DEAD_ERRORS.contains(&error.as_str()) {
                let reason = if error == "token_expired" {
                    Reason::Expired
                } else {
                    Reason::Rejected
                };
                Verification::dead(Provider::Slack, reason, format!("Slack: {error}"))
            } else if error == "ratelimited" {
                Verification::indeterminate(
                    Provider::Slack,
                    Reason::RateLimited,
                    "Slack: ratelimited",
                )
            } else {
                Verification::indeterminate(
                    Provider::Slack,
                    Reason::AmbiguousAnswer,
                    format!(
                        "Slack: {}",
                        if error.is_empty() { "ok=false" } else { &error }
                    ),
                )
            }
        }
        (status, _) => Verification::indeterminate(
            Provider::Slack,
            Reason::AmbiguousAnswer,
            format!("Slack answered HTTP {status} without an auth.test result"),
        ),
    }
}

pub fn verify(cred: &Cred, ctx: &Ctx) -> Verification {
    match ctx.send(&build(cred)) {
        Ok(resp) => classify(&resp),
        Err(v) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::Status;

    fn resp(status: u16, body: &str) -> Response {
        Response {
            status,
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("x-oauth-scopes".into(), "chat:write,channels:read".into()),
            ],
            body: body.into(),
        }
    }

    #[test]
    fn answers() {
        let v = classify(&resp(
            200,
            r#"{"ok":true,"url":"https://acme.slack.com/","team":"Acme","user":"bot","team_id":"T1","user_id":"U1","bot_id":"B1"}"#,
        ));
        assert_eq!(v.status, Status::Live);
        assert_eq!(v.identity["team"], "Acme");
        assert_eq!(v.identity["token_type"], "bot");
        assert_eq!(
            v.permissions["scopes"],
            serde_json::json!(["chat:write", "channels:read"])
        );
        for (body, status, reason) in [
            (
                r#"{"ok":false,"error":"invalid_auth"}"#,
                Status::Dead,
                Reason::Rejected,
            ),
            (
                r#"{"ok":false,"error":"token_revoked"}"#,
                Status::Dead,
                Reason::Rejected,
            ),
            (
                r#"{"ok":false,"error":"account_inactive"}"#,
                Status::Dead,
                Reason::Rejected,
            ),
            (
                r#"{"ok":false,"error":"ratelimited"}"#,
                Status::Indeterminate,
                Reason::RateLimited,
            ),
            (
                r#"{"ok":false,"error":"not_authed"}"#,
                Status::Indeterminate,
                Reason::AmbiguousAnswer,
            ),
            ("not json", Status::Indeterminate, Reason::AmbiguousAnswer),
        ] {
            let v = classify(&resp(200, body));
            assert_eq!((v.status, v.reason), (status, Some(reason)), "{body}");
        }
        let v = classify(&resp(429, ""));
        assert_eq!(v.reason, Some(Reason::RateLimited));
        let v = classify(&resp(503, ""));
        assert_eq!(v.reason, Some(Reason::UpstreamError));
    }
}
