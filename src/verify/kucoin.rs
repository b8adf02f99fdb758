//! KuCoin: `GET /api/v1/user/api-key` ("Get API Key Info"): the key's permissions, IP
//! whitelist, version and creation time.
//!
//! Signed as KuCoin's docs say ("Authentication: Signing a Message"): `KC-API-SIGN` = base64
//! HMAC-SHA256 with the secret over `timestamp + "GET" + endpoint` (no body); for key versions
//! 2 and 3 `KC-API-PASSPHRASE` is not the passphrase but base64 HMAC-SHA256 of it under the
//! secret; `KC-API-KEY-VERSION: 2` (what v3 keys are signed with as well: the passphrase is
//! signed the same way), `KC-API-TIMESTAMP` in ms.

use serde_json::Value;

use super::exchange::{self, dead, ip_locked, mismatch, unsure, Answer, Cred, TimeSync};
use super::http::{BaseUrl, Field, Method, Request, Response};
use super::risk::{self, ExchangeFacts, Menu};
use super::signing;
use super::{Ctx, Provider, Reason, Verification};
use crate::findings::Finding;

const P: Provider = Provider::Kucoin;
pub const API_KEY_INFO: &str = "/api/v1/user/api-key";
pub const SERVER_TIME: &str = "/api/v1/timestamp";
pub const KEY_VERSION: &str = "2";

const SECRET_RULE: &str = "kucoin-secret-key";
const COMPANION_RULES: &[&str] = &["kucoin-api-key", "kucoin-passphrase"];

pub const MENU: Menu = Menu {
    exchange: "KuCoin",
    api_page: "KuCoin > Account > API Management",
    withdraw: "Withdrawal",
    transfer: "Transfer",
    ip_list: "IP Restriction",
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

/// `KC-API-SIGN` for a GET of `endpoint` at `timestamp_ms`.
pub fn sign(secret: &str, timestamp_ms: u64, endpoint: &str) -> String {
    let prehash = format!("{timestamp_ms}GET{endpoint}");
    signing::hmac_sha256_base64(secret.as_bytes(), prehash.as_bytes())
}

/// `KC-API-PASSPHRASE` for key versions 2 and 3.
pub fn sign_passphrase(secret: &str, passphrase: &str) -> String {
    signing::hmac_sha256_base64(secret.as_bytes(), passphrase.as_bytes())
}

pub fn build(cred: &Cred, timestamp_ms: u64) -> Request {
    Request {
        provider: P,
        method: Method::Get,
        path: API_KEY_INFO,
        query: Vec::new(),
        headers: vec![
            Field::secret("KC-API-KEY", cred.key.clone()),
            Field::secret(
                "KC-API-SIGN",
                sign(&cred.secret, timestamp_ms, API_KEY_INFO),
            ),
            Field::public("KC-API-TIMESTAMP", timestamp_ms.to_string()),
            Field::secret(
                "KC-API-PASSPHRASE",
                sign_passphrase(&cred.secret, cred.passphrase()),
            ),
            Field::public("KC-API-KEY-VERSION", KEY_VERSION),
        ],
        body: None,
    }
}

pub fn time_request() -> Request {
    exchange::public_get(P, SERVER_TIME)
}

fn server_time(resp: &Response) -> Option<u64> {
    exchange::as_u64(exchange::json(resp)?.get("data"))
}

pub(super) fn describe(cred: &Cred, base: &BaseUrl, now_ms: u64) -> String {
    exchange::describe(
        &build(cred, now_ms),
        base,
        "HMAC-SHA256 signature, signed passphrase, key version 2",
        Some((SERVER_TIME, "400002")),
    )
}

pub fn classify(resp: &Response, now_ms: u64) -> Answer {
    let body = match exchange::json_answer(P, resp) {
        Ok(body) => body,
        Err(answer) => return answer,
    };
    let code = exchange::code(&body);
    match code.as_deref() {
        Some("200000") => match body.get("data") {
            Some(Value::Object(d)) if d.contains_key("permission") => Answer::Done(live(d, now_ms)),
            _ => unsure(
                P,
                Reason::AmbiguousAnswer,
                "KuCoin answered 200000 without the key's permission",
            ),
        },
        Some("400003") => dead(
            P,
            Reason::Rejected,
            "KuCoin: 400003 KC-API-KEY does not exist",
        ),
        Some("411100") => dead(P, Reason::Rejected, "KuCoin: 411100 the user is frozen"),
        Some("400004") => mismatch(P, "400004 invalid KC-API-PASSPHRASE", "passphrase"),
        Some("400005") => mismatch(P, "400005 invalid KC-API-SIGN", "secret"),
        Some("400006") => ip_locked(P, "400006 the IP is not in the key's whitelist"),
        Some("400002") => Answer::ClockSkew,
        Some("429000") => unsure(
            P,
            Reason::RateLimited,
            "KuCoin: 429000 too many requests; not calling KuCoin again in this run",
        ),
        Some(c @ ("400008" | "400009")) => unsure(
            P,
            Reason::UnsupportedKeyFormat,
            format!(
                "KuCoin: {c} this key's version does not match KC-API-KEY-VERSION {KEY_VERSION}"
            ),
        ),
        Some(c) => unsure(
            P,
            Reason::AmbiguousAnswer,
            format!("KuCoin answered HTTP {} with code {c}", resp.status),
        ),
        None => unsure(
            P,
            Reason::AmbiguousAnswer,
            format!("KuCoin answered HTTP {} without a code", resp.status),
        ),
    }
}

/// Permissions that trade, by KuCoin's names.
const TRADING: &[&str] = &[
    "Spot",
    "Margin",
    "Futures",
    "Options",
    "LeadtradeFutures",
    "Unified",
];

fn live(d: &serde_json::Map<String, Value>, now_ms: u64) -> Verification {
    let perms = exchange::split(d.get("permission").and_then(Value::as_str).unwrap_or(""));
    let ips = exchange::split(d.get("ipWhitelist").and_then(Value::as_str).unwrap_or(""));
    let has = |p: &str| perms.iter().any(|x| x.eq_ignore_ascii_case(p));
    let created_ms = exchange::as_u64(d.get("createdAt"));
    let facts = ExchangeFacts {
        withdraw: has("Withdrawal"),
        // "Transfer" moves funds to other (sub-)accounts; "InnerTransfer" only between the
        // account's own wallets.
        transfer: has("Transfer"),
        trading: TRADING.iter().any(|t| has(t)),
        permissions_known: true,
        ip_restricted: Some(!ips.is_empty()),
        created_ms,
        expires_ms: None,
    };
    let mut v = Verification::live(P, risk::exchange(&facts, &MENU, now_ms));
    v.permissions
        .insert("permission".into(), exchange::list(&perms));
    v.permissions
        .insert("ipRestrict".into(), Value::Bool(!ips.is_empty()));
    if let Some(version) = exchange::as_u64(d.get("apiVersion")) {
        v.identity.insert("key_version".into(), version.to_string());
    }
    if !ips.is_empty() {
        v.identity.insert("ip_allow_list".into(), ips.join(", "));
    }
    if let Some(ms) = created_ms {
        v.identity.insert("created".into(), exchange::date(ms));
    }
    if let Some(master) = d.get("isMaster").and_then(Value::as_bool) {
        v.identity.insert(
            "account".into(),
            if master {
                "main account"
            } else {
                "sub-account"
            }
            .into(),
        );
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
