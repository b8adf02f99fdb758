//! Bitget v2: `GET /api/v2/spot/account/info` ("Get Account Information"): the key's
//! `authorities` and the `ips` it is bound to.
//!
//! Signed as Bitget's docs say ("Signature"): `ACCESS-SIGN` = base64 HMAC-SHA256 with the
//! secret over `timestamp + "GET" + requestPath` (no query, no body), with `ACCESS-KEY`,
//! `ACCESS-TIMESTAMP` (ms) and `ACCESS-PASSPHRASE` in plain text.
//!
//! Bitget names authorities with short codes that are not all documented, so anything that is
//! not recognisably read-only counts as trading (the safe side), and withdraw/transfer codes
//! are matched by name.

use serde_json::Value;

use super::exchange::{self, dead, ip_locked, mismatch, unsure, Answer, Cred, TimeSync};
use super::http::{BaseUrl, Field, Method, Request, Response};
use super::risk::{self, ExchangeFacts, Menu};
use super::signing;
use super::{Ctx, Provider, Reason, Verification};
use crate::findings::Finding;

const P: Provider = Provider::Bitget;
pub const ACCOUNT_INFO: &str = "/api/v2/spot/account/info";
pub const SERVER_TIME: &str = "/api/v2/public/time";

const SECRET_RULE: &str = "bitget-secret-key";
const COMPANION_RULES: &[&str] = &["bitget-api-key", "bitget-passphrase"];

pub const MENU: Menu = Menu {
    exchange: "Bitget",
    api_page: "Bitget > Profile > API Management",
    withdraw: "Withdraw",
    transfer: "Transfer",
    ip_list: "Bind IP address",
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

/// `ACCESS-SIGN` for a GET of `request_path` at `timestamp_ms`.
pub fn sign(secret: &str, timestamp_ms: u64, request_path: &str) -> String {
    let prehash = format!("{timestamp_ms}GET{request_path}");
    signing::hmac_sha256_base64(secret.as_bytes(), prehash.as_bytes())
}

pub fn build(cred: &Cred, timestamp_ms: u64) -> Request {
    Request {
        provider: P,
        method: Method::Get,
        path: ACCOUNT_INFO,
        query: Vec::new(),
        headers: vec![
            Field::secret("ACCESS-KEY", cred.key.clone()),
            Field::secret(
                "ACCESS-SIGN",
                sign(&cred.secret, timestamp_ms, ACCOUNT_INFO),
            ),
            Field::public("ACCESS-TIMESTAMP", timestamp_ms.to_string()),
            Field::secret("ACCESS-PASSPHRASE", cred.passphrase()),
            Field::public("locale", "en-US"),
        ],
        body: None,
    }
}

pub fn time_request() -> Request {
    exchange::public_get(P, SERVER_TIME)
}

fn server_time(resp: &Response) -> Option<u64> {
    exchange::as_u64(exchange::json(resp)?.pointer("/data/serverTime"))
}

pub(super) fn describe(cred: &Cred, base: &BaseUrl, now_ms: u64) -> String {
    exchange::describe(
        &build(cred, now_ms),
        base,
        "HMAC-SHA256 signature, passphrase",
        Some((SERVER_TIME, "40008")),
    )
}

pub fn classify(resp: &Response, now_ms: u64) -> Answer {
    let body = match exchange::json_answer(P, resp) {
        Ok(body) => body,
        Err(answer) => return answer,
    };
    let code = exchange::code(&body);
    match code.as_deref() {
        Some("00000") => match body.get("data") {
            Some(Value::Object(d)) if d.contains_key("authorities") => {
                Answer::Done(live(d, now_ms))
            }
            _ => unsure(
                P,
                Reason::AmbiguousAnswer,
                "Bitget answered 00000 without the key's authorities",
            ),
        },
        Some("40006") => dead(P, Reason::Rejected, "Bitget: 40006 invalid ACCESS_KEY"),
        Some("40009") => mismatch(P, "40009 sign signature error", "secret"),
        Some("40012") => mismatch(P, "40012 apikey/passphrase incorrect", "passphrase"),
        Some("40018") => ip_locked(P, "40018 invalid IP"),
        Some("40008") => Answer::ClockSkew,
        Some("429") => unsure(
            P,
            Reason::RateLimited,
            "Bitget: 429 too many requests; not calling Bitget again in this run",
        ),
        Some("40085") => unsure(
            P,
            Reason::AmbiguousAnswer,
            "Bitget: 40085 a unified-account key, which the classic account API does not serve",
        ),
        Some(c) => unsure(
            P,
            Reason::AmbiguousAnswer,
            format!("Bitget answered HTTP {} with code {c}", resp.status),
        ),
        None => unsure(
            P,
            Reason::AmbiguousAnswer,
            format!("Bitget answered HTTP {} without a code", resp.status),
        ),
    }
}

/// Read-only authority codes (`readonly`, `..._read`, and Bitget's four-letter `...r` codes).
fn read_only(a: &str) -> bool {
    let a = a.to_ascii_lowercase();
    a.contains("read") || (a.len() == 4 && a.ends_with('r'))
}

fn live(d: &serde_json::Map<String, Value>, now_ms: u64) -> Verification {
    let authorities: Vec<String> = d
        .get("authorities")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let ips = exchange::split(d.get("ips").and_then(Value::as_str).unwrap_or(""));
    let lower: Vec<String> = authorities.iter().map(|a| a.to_ascii_lowercase()).collect();
    let withdraw = lower.iter().any(|a| a.contains("withdraw") || a == "wiw");
    let transfer = lower.iter().any(|a| a.contains("transfer") || a == "taw");
    let trading = lower
        .iter()
        .any(|a| !read_only(a) && !a.contains("withdraw") && !a.contains("transfer"));
    let created_ms = exchange::as_u64(d.get("regisTime"));
    let facts = ExchangeFacts {
        withdraw,
        transfer,
        trading,
        permissions_known: true,
        ip_restricted: Some(!ips.is_empty()),
        created_ms: None,
        expires_ms: None,
    };
    let mut v = Verification::live(P, risk::exchange(&facts, &MENU, now_ms));
    v.permissions
        .insert("authorities".into(), exchange::list(&authorities));
    v.permissions
        .insert("ipRestrict".into(), Value::Bool(!ips.is_empty()));
    if !ips.is_empty() {
        v.identity.insert("ip_allow_list".into(), ips.join(", "));
    }
    if let Some(ms) = created_ms {
        v.identity
            .insert("account_registered".into(), exchange::date(ms));
    }
    if let Some(t) = d.get("traderType").and_then(Value::as_str) {
        v.identity.insert("trader_type".into(), t.to_string());
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
