//! Bybit v5: `GET /v5/user/query-api`, the key's own permissions ("any permission can access
//! this endpoint").
//!
//! Signed as Bybit's v5 guide ("Authentication") says for GET: `X-BAPI-SIGN` = lowercase hex
//! HMAC-SHA256 with the secret over `timestamp + api_key + recv_window + query` (the query is
//! empty here), with `X-BAPI-API-KEY`, `X-BAPI-TIMESTAMP` (ms) and `X-BAPI-RECV-WINDOW`.
//! Self-generated RSA keys are not paired by the rules, so only HMAC keys are verified.

use serde_json::Value;

use super::exchange::{self, dead, ip_locked, mismatch, unsure, Answer, Cred, TimeSync};
use super::http::{BaseUrl, Field, Method, Request, Response};
use super::risk::{self, ExchangeFacts, Menu};
use super::signing;
use super::{Ctx, Provider, Reason, Verification};
use crate::findings::Finding;

const P: Provider = Provider::Bybit;
pub const QUERY_API: &str = "/v5/user/query-api";
pub const SERVER_TIME: &str = "/v5/market/time";
/// Bybit's default; the request is valid for 5 s.
pub const RECV_WINDOW: u32 = 5000;

const SECRET_RULE: &str = "bybit-secret-key";
const KEY_RULE: &str = "bybit-api-key";

pub const MENU: Menu = Menu {
    exchange: "Bybit",
    api_page: "Bybit > Account > API Management",
    withdraw: "Assets > Withdrawal",
    transfer: "Assets > Transfer / Sub-account transfer",
    ip_list: "Only IPs with permissions granted are allowed to access the OpenAPI",
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

/// `X-BAPI-SIGN` for a GET with `query` at `timestamp_ms`.
pub fn sign(secret: &str, api_key: &str, timestamp_ms: u64, query: &str) -> String {
    let payload = format!("{timestamp_ms}{api_key}{RECV_WINDOW}{query}");
    signing::hmac_sha256_hex(secret.as_bytes(), payload.as_bytes())
}

/// The signed `query-api` request at `timestamp_ms`.
pub fn build(cred: &Cred, timestamp_ms: u64) -> Request {
    Request {
        provider: P,
        method: Method::Get,
        path: QUERY_API,
        query: Vec::new(),
        headers: vec![
            Field::secret("X-BAPI-API-KEY", cred.key.clone()),
            Field::public("X-BAPI-TIMESTAMP", timestamp_ms.to_string()),
            Field::public("X-BAPI-RECV-WINDOW", RECV_WINDOW.to_string()),
            Field::secret(
                "X-BAPI-SIGN",
                sign(&cred.secret, &cred.key, timestamp_ms, ""),
            ),
        ],
        body: None,
    }
}

pub fn time_request() -> Request {
    exchange::public_get(P, SERVER_TIME)
}

fn server_time(resp: &Response) -> Option<u64> {
    let v = exchange::json(resp)?;
    exchange::as_u64(v.get("time"))
        .or_else(|| exchange::as_u64(v.pointer("/result/timeSecond")).map(|s| s * 1000))
}

pub(super) fn describe(cred: &Cred, base: &BaseUrl, now_ms: u64) -> String {
    exchange::describe(
        &build(cred, now_ms),
        base,
        "HMAC-SHA256 signature",
        Some((SERVER_TIME, "10002")),
    )
}

/// Maps a response to a verdict (pure; `now_ms` for the key's age).
pub fn classify(resp: &Response, now_ms: u64) -> Answer {
    if let Some(v) = exchange::http_failure(P, resp) {
        return Answer::Done(v);
    }
    let body = exchange::json(resp).unwrap_or(Value::Null);
    let code = body.get("retCode").and_then(Value::as_i64);
    let msg = || {
        body.get("retMsg")
            .and_then(Value::as_str)
            .unwrap_or("")
            .chars()
            .take(120)
            .collect::<String>()
    };
    match code {
        Some(0) => match body.get("result") {
            Some(Value::Object(r)) if r.contains_key("readOnly") || r.contains_key("permissions") => {
                Answer::Done(live(r, now_ms))
            }
            _ => unsure(
                P,
                Reason::AmbiguousAnswer,
                "Bybit answered retCode 0 without the key's permissions",
            ),
        },
        Some(10003) => dead(
            P,
            Reason::Rejected,
            "Bybit: 10003 API key is invalid (unknown on api.bybit.com, mainnet; testnet and demo keys exist only there)",
        ),
        Some(33004) => dead(P, Reason::Expired, "Bybit: 33004 the API key has expired"),
        Some(10004) => mismatch(P, "10004 error sign", "secret"),
        Some(10010) => ip_locked(P, "10010 unmatched IP"),
        Some(10002) => Answer::ClockSkew,
        Some(10006) | Some(10018) => unsure(
            P,
            Reason::RateLimited,
            format!("Bybit: {} too many visits; not calling Bybit again in this run", code.unwrap_or(0)),
        ),
        Some(10009) | Some(10024) => unsure(
            P,
            Reason::GeoBlocked,
            format!("Bybit: {} the service is restricted from this location", code.unwrap_or(0)),
        ),
        Some(code) => unsure(
            P,
            Reason::AmbiguousAnswer,
            format!("Bybit answered HTTP {} with retCode {code}: {}", resp.status, msg()),
        ),
        None if resp.status == 403 => unsure(
            P,
            Reason::RateLimited,
            "Bybit answered 403 (access too frequent, or a US/mainland-China IP); not calling Bybit again in this run",
        ),
        None if body.is_null() => unsure(
            P,
            Reason::AmbiguousAnswer,
            format!("Bybit answered HTTP {} without JSON", resp.status),
        ),
        None => unsure(
            P,
            Reason::AmbiguousAnswer,
            format!("Bybit answered HTTP {} without a retCode", resp.status),
        ),
    }
}

/// The names in a permission group (`"Wallet": ["AccountTransfer", "Withdraw"]`).
fn group(perms: Option<&Value>, name: &str) -> Vec<String> {
    perms
        .and_then(|p| p.get(name))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Groups that trade (orders or positions), by Bybit's names.
const TRADING_GROUPS: &[&str] = &[
    "ContractTrade",
    "Spot",
    "Options",
    "Derivatives",
    "CopyTrading",
    "BlockTrade",
];

fn live(r: &serde_json::Map<String, Value>, now_ms: u64) -> Verification {
    let read_only = exchange::as_u64(r.get("readOnly")) == Some(1);
    let perms = r.get("permissions");
    let wallet = group(perms, "Wallet");
    let trading_perms: Vec<String> = TRADING_GROUPS
        .iter()
        .flat_map(|g| group(perms, g))
        .collect();
    let ips: Vec<String> = r
        .get("ips")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let ip_restricted = !ips.is_empty() && !ips.iter().any(|ip| ip == "*");
    let created_ms = r
        .get("createdAt")
        .and_then(Value::as_str)
        .and_then(exchange::iso_ms);
    let expires_ms = r
        .get("expiredAt")
        .and_then(Value::as_str)
        .and_then(exchange::iso_ms);
    let facts = ExchangeFacts {
        withdraw: !read_only && wallet.iter().any(|w| w == "Withdraw"),
        transfer: !read_only
            && wallet
                .iter()
                .any(|w| w == "AccountTransfer" || w == "SubMemberTransfer"),
        trading: !read_only && !trading_perms.is_empty(),
        permissions_known: true,
        ip_restricted: Some(ip_restricted),
        created_ms,
        expires_ms,
    };
    let mut v = Verification::live(P, risk::exchange(&facts, &MENU, now_ms));
    v.permissions
        .insert("readOnly".into(), Value::Bool(read_only));
    if let Some(Value::Object(groups)) = perms {
        for (name, value) in groups {
            if value.as_array().is_some_and(|a| !a.is_empty()) {
                v.permissions.insert(name.clone(), value.clone());
            }
        }
    }
    v.permissions
        .insert("ipRestrict".into(), Value::Bool(ip_restricted));
    v.identity.insert("key_type".into(), "HMAC".into());
    if ip_restricted {
        v.identity.insert("ip_allow_list".into(), ips.join(", "));
    }
    if let Some(ms) = created_ms {
        v.identity.insert("created".into(), exchange::date(ms));
    }
    if let Some(ms) = expires_ms {
        v.identity.insert("expires".into(), exchange::date(ms));
    }
    if let Some(master) = r.get("isMaster").and_then(Value::as_bool) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::Status;

    /// research/verification.md §5.6 "Bybit GET" (self-computed from the v5 guide's GET
    /// example string, with Binance's documented secret: Bybit publishes no secret).
    #[test]
    fn signature_vector() {
        let secret = [
            "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP",
            "1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
        ]
        .concat();
        let got = sign(
            &secret,
            "XXXXXXXXXX",
            1_658_384_314_791,
            "category=option&symbol=BTC-29JUL22-25000-C",
        );
        assert_eq!(
            got,
            "dbf1ad442dbf4fcc499455ce59c117a079c36dd60c96c220a3560ba7047fd810"
        );
    }

    fn resp(status: u16, body: &str) -> Response {
        Response {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    #[test]
    fn permissions_decide_the_risk() {
        let now = 1_800_000_000_000;
        let body = r#"{"retCode":0,"retMsg":"","result":{"readOnly":0,"ips":["*"],"permissions":{"Wallet":["AccountTransfer"],"Spot":["SpotTrade"]},"createdAt":"2022-10-16T02:24:40Z","expiredAt":"2030-01-01T00:00:00Z","isMaster":true}}"#;
        let Answer::Done(v) = classify(&resp(200, body), now) else {
            panic!()
        };
        assert_eq!(v.status, Status::Live);
        assert_eq!(v.risk, Some(risk::RiskLevel::Critical));
        assert_eq!(v.identity["created"], "2022-10-16T02:24:40Z");
        assert_eq!(
            classify(&resp(200, r#"{"retCode":10002,"retMsg":"timestamp"}"#), now),
            Answer::ClockSkew
        );
    }
}
