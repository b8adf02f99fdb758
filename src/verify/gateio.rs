//! Gate (gate.io) API v4: `GET /api/v4/account/detail`: the account's user id, the key's IP
//! whitelist and mode. Gate does not tell a key its own permissions (only the main account's
//! key list does, and reading it needs more than this key may have), so a live Gate key is
//! assessed as able to trade, not to withdraw, and the advice says to check.
//!
//! Signed as Gate's v4 docs say ("Authentication: API Signature string generation"): `SIGN` =
//! lowercase hex HMAC-SHA512 with the secret over
//! `"GET\n/api/v4/account/detail\n" + query + "\n" + hex(SHA512(body)) + "\n" + timestamp`
//! (empty query and body), with `KEY` and `Timestamp` (unix seconds).

use serde_json::Value;

use super::exchange::{self, dead, ip_locked, mismatch, unsure, Answer, Cred, TimeSync};
use super::http::{BaseUrl, Field, Method, Request, Response};
use super::risk::{self, ExchangeFacts, Menu};
use super::signing;
use super::{Ctx, Provider, Reason, Verification};
use crate::findings::Finding;

const P: Provider = Provider::Gate;
pub const ACCOUNT_DETAIL: &str = "/api/v4/account/detail";
pub const SERVER_TIME: &str = "/api/v4/spot/time";

const SECRET_RULE: &str = "gate-secret-key";
const KEY_RULE: &str = "gate-api-key";

pub const MENU: Menu = Menu {
    exchange: "Gate",
    api_page: "Gate > Account > API Management",
    withdraw: "Withdrawal",
    transfer: "Wallet (transfers)",
    ip_list: "IP Whitelist",
};

pub fn handles(rule_id: &str) -> bool {
    rule_id == SECRET_RULE || rule_id == KEY_RULE
}

pub fn credential(f: &Finding) -> Result<Cred, Verification> {
    if f.rule_id == KEY_RULE {
        return Err(exchange::lone_part(P, f));
    }
    exchange::key_secret(f, P, false)
}

/// `SIGN` for a GET of `path` (full, from `/api/v4`) with `query` and no body.
pub fn sign(secret: &str, timestamp_secs: u64, path: &str, query: &str) -> String {
    let payload = format!(
        "GET\n{path}\n{query}\n{}\n{timestamp_secs}",
        signing::sha512_hex(b"")
    );
    signing::hex(&signing::hmac_sha512(secret.as_bytes(), payload.as_bytes()))
}

pub fn build(cred: &Cred, timestamp_ms: u64) -> Request {
    let secs = timestamp_ms / 1000;
    Request {
        provider: P,
        method: Method::Get,
        path: ACCOUNT_DETAIL,
        query: Vec::new(),
        headers: vec![
            Field::secret("KEY", cred.key.clone()),
            Field::public("Timestamp", secs.to_string()),
            Field::secret("SIGN", sign(&cred.secret, secs, ACCOUNT_DETAIL, "")),
            Field::public("Accept", "application/json"),
        ],
        body: None,
    }
}

pub fn time_request() -> Request {
    exchange::public_get(P, SERVER_TIME)
}

fn server_time(resp: &Response) -> Option<u64> {
    exchange::as_u64(exchange::json(resp)?.get("server_time"))
}

pub(super) fn describe(cred: &Cred, base: &BaseUrl, now_ms: u64) -> String {
    exchange::describe(
        &build(cred, now_ms),
        base,
        "HMAC-SHA512 signature",
        Some((SERVER_TIME, "REQUEST_EXPIRED")),
    )
}

pub fn classify(resp: &Response, now_ms: u64) -> Answer {
    let body = match exchange::json_answer(P, resp) {
        Ok(body) => body,
        Err(answer) => return answer,
    };
    if resp.status == 200 {
        return match &body {
            Value::Object(d) if d.contains_key("user_id") => Answer::Done(live(d, now_ms)),
            _ => unsure(
                P,
                Reason::AmbiguousAnswer,
                "Gate answered HTTP 200 without the account detail",
            ),
        };
    }
    match body.get("label").and_then(Value::as_str) {
        Some("INVALID_KEY") => dead(
            P,
            Reason::Rejected,
            "Gate: INVALID_KEY the API key does not exist",
        ),
        Some("INVALID_SIGNATURE") => mismatch(P, "INVALID_SIGNATURE", "secret"),
        Some("IP_FORBIDDEN") => ip_locked(P, "IP_FORBIDDEN"),
        Some("REQUEST_EXPIRED") => Answer::ClockSkew,
        Some("TOO_MANY_REQUESTS") => unsure(
            P,
            Reason::RateLimited,
            "Gate: TOO_MANY_REQUESTS; not calling Gate again in this run",
        ),
        Some(label) => unsure(
            P,
            Reason::AmbiguousAnswer,
            format!(
                "Gate answered HTTP {} with {}",
                resp.status,
                label.chars().take(40).collect::<String>()
            ),
        ),
        None => unsure(
            P,
            Reason::AmbiguousAnswer,
            format!("Gate answered HTTP {} without an error label", resp.status),
        ),
    }
}

fn live(d: &serde_json::Map<String, Value>, now_ms: u64) -> Verification {
    let ips: Vec<String> = d
        .get("ip_whitelist")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let facts = ExchangeFacts {
        permissions_known: false,
        ip_restricted: Some(!ips.is_empty()),
        ..ExchangeFacts::default()
    };
    let mut v = Verification::live(P, risk::exchange(&facts, &MENU, now_ms));
    v.permissions
        .insert("ipRestrict".into(), Value::Bool(!ips.is_empty()));
    if let Some(mode) = exchange::as_u64(d.get("key").and_then(|k| k.get("mode"))) {
        v.identity.insert(
            "key_mode".into(),
            match mode {
                1 => "classic account".to_string(),
                2 => "portfolio margin account".to_string(),
                m => m.to_string(),
            },
        );
    }
    if !ips.is_empty() {
        v.identity.insert("ip_allow_list".into(), ips.join(", "));
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
