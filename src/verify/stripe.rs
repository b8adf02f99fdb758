//! Stripe: `GET https://api.stripe.com/v1/balance` with the key.
//!
//! A read that changes nothing. The key's prefix tells secret (`sk_`) from restricted (`rk_`)
//! and live from test; the answer's `livemode` confirms the mode. A restricted key without the
//! balance permission gets 403 with Stripe's own JSON error, which still proves the key works
//! (a 403 without Stripe's error body, e.g. a WAF page, proves nothing).

use serde_json::Value;

use super::http::{Field, Method, Request, Response};
use super::{risk, Ctx, Provider, Reason, Verification};
use crate::findings::Finding;

pub const PATH: &str = "/v1/balance";

const RULES: &[&str] = &["stripe-live-secret-key", "stripe-live-restricted-key"];
const WEBHOOK_RULE: &str = "stripe-webhook-secret";

pub fn handles(rule_id: &str) -> bool {
    RULES.contains(&rule_id) || rule_id == WEBHOOK_RULE
}

pub struct Cred {
    pub key: String,
}

pub fn credential(f: &Finding) -> Result<Cred, Verification> {
    if f.rule_id == WEBHOOK_RULE {
        return Err(Verification::skipped(
            Some(Provider::Stripe),
            Reason::ProviderNotSupported,
            "a webhook signing secret is never sent to Stripe, so Stripe cannot be asked about it",
        ));
    }
    Ok(Cred {
        key: f.secret.clone(),
    })
}

pub fn build(cred: &Cred) -> Request {
    Request {
        provider: Provider::Stripe,
        method: Method::Get,
        path: PATH,
        query: Vec::new(),
        headers: vec![Field::secret(
            "Authorization",
            format!("Bearer {}", cred.key),
        )],
        body: None,
    }
}

/// Maps a `/v1/balance` answer to a verdict (pure). `key` only gives the key class.
pub fn classify(resp: &Response, key: &str) -> Verification {
    let restricted = key.starts_with("rk_");
    let key_live = key.contains("_live_");
    let json = serde_json::from_str::<Value>(&resp.body).ok();
    let stripe_error = json
        .as_ref()
        .and_then(|j| j.get("error"))
        .filter(|e| e.is_object());
    let describe = |v: &mut Verification, livemode: bool, balance_read: bool| {
        v.permissions.insert(
            "key_type".into(),
            Value::String(if restricted { "restricted" } else { "secret" }.into()),
        );
        v.permissions.insert(
            "mode".into(),
            Value::String(if livemode { "live" } else { "test" }.into()),
        );
        v.permissions
            .insert("balance_read".into(), Value::Bool(balance_read));
    };
    match resp.status {
        200 => match json
            .as_ref()
            .filter(|j| j.get("object") == Some(&Value::from("balance")))
        {
            Some(j) => {
                let livemode = j
                    .get("livemode")
                    .and_then(Value::as_bool)
                    .unwrap_or(key_live);
                let mut v =
                    Verification::live(Provider::Stripe, risk::stripe(restricted, livemode));
                describe(&mut v, livemode, true);
                v
            }
            None => Verification::indeterminate(
                Provider::Stripe,
                Reason::AmbiguousAnswer,
                "HTTP 200 without a balance object",
            ),
        },
        403 if stripe_error.is_some() => {
            let mut v = Verification::live(Provider::Stripe, risk::stripe(restricted, key_live));
            describe(&mut v, key_live, false);
            v.detail = Some(
                "Stripe accepted the key, which lacks the balance read permission (a restricted key)".into(),
            );
            v
        }
        401 if stripe_error.is_some() => Verification::dead(
            Provider::Stripe,
            Reason::Rejected,
            "Stripe: 401 invalid API key (rolled, deleted or never valid)",
        ),
        _ => super::generic_http_failure(Provider::Stripe, resp).unwrap_or_else(|| {
            Verification::indeterminate(
                Provider::Stripe,
                Reason::AmbiguousAnswer,
                format!("Stripe answered HTTP {}", resp.status),
            )
        }),
    }
}

pub fn verify(cred: &Cred, ctx: &Ctx) -> Verification {
    match ctx.send(&build(cred)) {
        Ok(resp) => classify(&resp, &cred.key),
        Err(v) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::{RiskLevel, Status};

    fn resp(status: u16, body: &str) -> Response {
        Response {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    #[test]
    fn answers() {
        let v = classify(
            &resp(
                200,
                r#"{"object":"balance","livemode":true,"available":[]}"#,
            ),
            "sk_live_x",
        );
        assert_eq!(
            (v.status, v.risk),
            (Status::Live, Some(RiskLevel::Critical))
        );
        assert_eq!(v.permissions["key_type"], "secret");
        assert_eq!(v.permissions["mode"], "live");
        let v = classify(
            &resp(
                403,
                r#"{"error":{"type":"invalid_request_error","message":"The provided key does not have the required permissions"}}"#,
            ),
            "rk_live_x",
        );
        assert_eq!((v.status, v.risk), (Status::Live, Some(RiskLevel::High)));
        assert_eq!(v.permissions["balance_read"], false);
        let v = classify(
            &resp(
                401,
                r#"{"error":{"type":"invalid_request_error","message":"Invalid API Key provided"}}"#,
            ),
            "sk_live_x",
        );
        assert_eq!((v.status, v.reason), (Status::Dead, Some(Reason::Rejected)));
        // A 403 that is not Stripe's own error proves nothing.
        let waf = Response {
            status: 403,
            headers: vec![("content-type".into(), "text/html".into())],
            body: "<html>denied</html>".into(),
        };
        assert_eq!(classify(&waf, "sk_live_x").status, Status::Indeterminate);
        assert_eq!(
            classify(&resp(429, "{}"), "sk_live_x").reason,
            Some(Reason::RateLimited)
        );
        assert_eq!(
            classify(&resp(500, "{}"), "sk_live_x").reason,
            Some(Reason::UpstreamError)
        );
    }
}
