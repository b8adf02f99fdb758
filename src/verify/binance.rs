//! Binance: `GET /sapi/v1/account/apiRestrictions`, the key's own permission flags.
//!
//! Weight 1 and no balances in the answer, unlike `/api/v3/account` (weight 20, balances, and
//! `canWithdraw` there describes the account, not the key). Signed as Binance's REST docs say:
//! `signature` over the exact query string `recvWindow=5000&timestamp=<ms>`, with
//! - an HMAC key: lowercase hex HMAC-SHA256 with the secret key;
//! - a self-generated Ed25519 key: base64 of the Ed25519 signature, percent-encoded;
//! - a self-generated RSA key: base64 of RSASSA-PKCS1-v1_5/SHA-256, percent-encoded;
//!
//! and the API key in `X-MBX-APIKEY`. A private key can only be used with the API key Binance
//! issued for it (it cannot be derived), so a lone secret or private key is `skipped`.

use serde_json::Value;

use super::http::{BaseUrl, Field, Method, Request, Response};
use super::risk::{self, BinanceFacts};
use super::signing::{self, percent_encode};
use super::{nearby, part, Clock, Ctx, Provider, Reason, Verification};
use crate::findings::Finding;

pub const API_RESTRICTIONS: &str = "/sapi/v1/account/apiRestrictions";
pub const SERVER_TIME: &str = "/api/v3/time";
/// Binance's default; the request is valid for 5 s after `timestamp`.
pub const RECV_WINDOW: u32 = 5000;

const SECRET_RULE: &str = "binance-secret-key";
const ED25519_RULE: &str = "binance-ed25519-private-key";
const API_KEY_RULE: &str = "binance-api-key";
/// Generic private-key findings that pair with a lone Binance API key nearby.
const PRIVATE_KEY_RULES: &[&str] = &[
    "private-key-rsa",
    "private-key-pkcs8",
    "private-key-ed25519",
];

/// Whether this module decides for findings of `rule_id`.
pub fn handles(rule_id: &str) -> bool {
    [SECRET_RULE, ED25519_RULE, API_KEY_RULE].contains(&rule_id)
        || PRIVATE_KEY_RULES.contains(&rule_id)
}

/// How the request is signed.
pub enum Signer {
    Hmac(String),
    Ed25519(Box<ed25519_dalek::SigningKey>),
    Rsa(Box<rsa::RsaPrivateKey>),
}

impl Signer {
    fn kind(&self) -> &'static str {
        match self {
            Signer::Hmac(_) => "HMAC",
            Signer::Ed25519(_) => "Ed25519",
            Signer::Rsa(_) => "RSA",
        }
    }
}

/// An API key and what signs for it.
pub struct Cred {
    pub api_key: String,
    pub signer: Signer,
    /// The secret or private-key text as found (cache key and scrubbing only).
    material: String,
}

impl Cred {
    pub fn new(api_key: &str, signer: Signer, material: &str) -> Cred {
        Cred {
            api_key: api_key.to_string(),
            signer,
            material: material.to_string(),
        }
    }

    pub(super) fn secrets(&self) -> Vec<&str> {
        vec![self.api_key.as_str(), self.material.as_str()]
    }

    /// The `signature` parameter for `payload`, ready to put in the query.
    pub fn sign(&self, payload: &str) -> String {
        match &self.signer {
            Signer::Hmac(secret) => signing::hmac_sha256_hex(secret.as_bytes(), payload.as_bytes()),
            Signer::Ed25519(k) => {
                percent_encode(&signing::ed25519_sign_base64(k, payload.as_bytes()))
            }
            Signer::Rsa(k) => percent_encode(&signing::rsa_sign_base64(k, payload.as_bytes())),
        }
    }
}

fn missing(detail: &str) -> Verification {
    Verification::skipped(Some(Provider::Binance), Reason::MissingCounterpart, detail)
}

fn signer_from_private_key(text: &str) -> Result<Signer, Verification> {
    if let Ok(k) = signing::ed25519_key(text) {
        return Ok(Signer::Ed25519(Box::new(k)));
    }
    signing::rsa_key(text)
        .map(|k| Signer::Rsa(Box::new(k)))
        .map_err(|e| {
            Verification::skipped(
                Some(Provider::Binance),
                Reason::UnsupportedKeyFormat,
                format!("the private key cannot sign Binance requests: {e} (Binance accepts Ed25519 and RSA)"),
            )
        })
}

/// The credential for finding `i`, or why it cannot be verified.
pub fn credential(findings: &[Finding], i: usize) -> Result<Cred, Verification> {
    let f = &findings[i];
    match f.rule_id.as_str() {
        SECRET_RULE => {
            let key = part(f, "key").ok_or_else(|| {
                missing("a Binance secret key needs its API key (X-MBX-APIKEY), and none was found near it")
            })?;
            Ok(Cred::new(key, Signer::Hmac(f.secret.clone()), &f.secret))
        }
        ED25519_RULE => {
            let key = part(f, "key").ok_or_else(|| {
                missing("an Ed25519 private key needs the API key Binance issued for it, and none was found near it")
            })?;
            let signer = signer_from_private_key(&f.secret)?;
            Ok(Cred::new(key, signer, &f.secret))
        }
        API_KEY_RULE => match nearby(findings, i, PRIVATE_KEY_RULES) {
            Some(j) => {
                let signer = signer_from_private_key(&findings[j].secret)?;
                Ok(Cred::new(&f.secret, signer, &findings[j].secret))
            }
            None => Err(missing(
                "an API key alone cannot be verified: its secret key (or Ed25519/RSA private key) was not found near it",
            )),
        },
        _ => match nearby(findings, i, &[API_KEY_RULE]) {
            Some(j) => {
                let signer = signer_from_private_key(&f.secret)?;
                Ok(Cred::new(&findings[j].secret, signer, &f.secret))
            }
            None => Err(Verification::skipped(
                None,
                Reason::ProviderNotSupported,
                "a private key on its own has no provider to ask",
            )),
        },
    }
}

/// The signed `apiRestrictions` request at `timestamp_ms`.
pub fn build(cred: &Cred, timestamp_ms: u64) -> Request {
    let payload = format!("recvWindow={RECV_WINDOW}&timestamp={timestamp_ms}");
    let signature = cred.sign(&payload);
    Request {
        provider: Provider::Binance,
        method: Method::Get,
        path: API_RESTRICTIONS,
        query: vec![
            Field::public("recvWindow", RECV_WINDOW.to_string()),
            Field::public("timestamp", timestamp_ms.to_string()),
            Field::secret("signature", signature),
        ],
        headers: vec![Field::secret("X-MBX-APIKEY", cred.api_key.clone())],
        body: None,
    }
}

/// The public, unsigned server-time request (only after a -1021 answer).
pub fn time_request() -> Request {
    Request {
        provider: Provider::Binance,
        method: Method::Get,
        path: SERVER_TIME,
        query: Vec::new(),
        headers: Vec::new(),
        body: None,
    }
}

pub(super) fn describe(cred: &Cred, base: &BaseUrl, now_ms: u64) -> String {
    let request = build(cred, now_ms).describe(base);
    let (first, rest) = request.split_once('\n').unwrap_or((&request, ""));
    format!(
        "{first}   ({} signature)\n{rest}\n      only if Binance answers -1021 (clock skew): GET {}{SERVER_TIME} (public), then the request above once more",
        cred.signer.kind(),
        base.origin()
    )
}

/// What an `apiRestrictions` answer means.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Done(Verification),
    /// -1021: resynchronise with the server clock and retry once.
    ClockSkew,
}

fn indeterminate(reason: Reason, detail: impl Into<String>) -> Answer {
    Answer::Done(Verification::indeterminate(
        Provider::Binance,
        reason,
        detail,
    ))
}

/// Maps a response to a verdict (pure: no I/O; `now_ms` for the key's age).
pub fn classify(resp: &Response, signer_kind: &str, now_ms: u64) -> Answer {
    let retry = super::retry_after_text(resp);
    match resp.status {
        200 if !resp.is_html() => match serde_json::from_str::<Value>(&resp.body) {
            Ok(Value::Object(map))
                if map.contains_key("ipRestrict") || map.contains_key("enableReading") =>
            {
                Answer::Done(live(&map, signer_kind, now_ms))
            }
            _ => indeterminate(
                Reason::AmbiguousAnswer,
                "HTTP 200 without the expected permission flags",
            ),
        },
        429 => indeterminate(
            Reason::RateLimited,
            format!("Binance answered 429 (request rate limit for this IP){retry}; not calling Binance again in this run"),
        ),
        418 => indeterminate(
            Reason::IpBanned,
            format!("Binance answered 418: this IP is banned for repeated rate-limit violations{retry}; not calling Binance again in this run"),
        ),
        403 => indeterminate(
            Reason::WafBlocked,
            "Binance answered 403: its web application firewall blocked the request",
        ),
        451 => indeterminate(
            Reason::GeoBlocked,
            "Binance answered 451: the service is unavailable from this location",
        ),
        500..=599 => indeterminate(
            Reason::UpstreamError,
            format!(
                "Binance answered HTTP {} (its side; the outcome is unknown)",
                resp.status
            ),
        ),
        status => {
            if resp.is_html() {
                return indeterminate(
                    Reason::AmbiguousAnswer,
                    format!("an HTML page (HTTP {status}) instead of Binance's JSON: a proxy, WAF or captive portal"),
                );
            }
            let code = serde_json::from_str::<Value>(&resp.body)
                .ok()
                .and_then(|v| v.get("code").and_then(Value::as_i64));
            match code {
                Some(-2014) => Answer::Done(Verification::dead(
                    Provider::Binance,
                    Reason::MalformedKey,
                    "Binance: -2014 API-key format invalid (probably not a real key)",
                )),
                Some(-2015) => indeterminate(
                    Reason::AmbiguousAnswer,
                    "Binance: -2015 invalid API key, IP or permissions: the key is dead, or locked to other IPs, or lacks permission (Binance does not tell which)",
                ),
                Some(-1022) => indeterminate(
                    Reason::SecretMismatch,
                    "Binance: -1022 invalid signature: the API key exists but this secret does not match it",
                ),
                Some(-1021) => Answer::ClockSkew,
                Some(-1002) => indeterminate(
                    Reason::AmbiguousAnswer,
                    "Binance: -1002 not authorized for this request",
                ),
                Some(-1003) => indeterminate(
                    Reason::RateLimited,
                    format!("Binance: -1003 too many requests{retry}"),
                ),
                Some(code) => indeterminate(
                    Reason::AmbiguousAnswer,
                    format!("Binance answered HTTP {status} with code {code}"),
                ),
                None => indeterminate(
                    Reason::AmbiguousAnswer,
                    format!("Binance answered HTTP {status} without an error code"),
                ),
            }
        }
    }
}

fn flag(map: &serde_json::Map<String, Value>, name: &str) -> bool {
    map.get(name).and_then(Value::as_bool).unwrap_or(false)
}

/// A live verdict from the permission flags. Unknown fields are kept (booleans and numbers)
/// and missing ones tolerated.
fn live(map: &serde_json::Map<String, Value>, signer_kind: &str, now_ms: u64) -> Verification {
    const TRADING: &[&str] = &[
        "enableSpotAndMarginTrading",
        "enableFutures",
        "enableMargin",
        "enableVanillaOptions",
        "enablePortfolioMarginTrading",
        "enableFixApiTrade",
    ];
    let created_ms = map.get("createTime").and_then(Value::as_u64);
    let trading_expired = map
        .get("tradingAuthorityExpirationTime")
        .and_then(Value::as_u64)
        .is_some_and(|t| t > 0 && t < now_ms);
    let trading = TRADING
        .iter()
        .any(|name| flag(map, name) && !(trading_expired && *name == "enableSpotAndMarginTrading"));
    let facts = BinanceFacts {
        withdrawals: flag(map, "enableWithdrawals"),
        trading,
        transfer: flag(map, "enableInternalTransfer") || flag(map, "permitsUniversalTransfer"),
        ip_restricted: flag(map, "ipRestrict"),
        created_ms,
        trading_expired,
        hmac: signer_kind == "HMAC",
    };
    let mut v = Verification::live(Provider::Binance, risk::binance(&facts, now_ms));
    for (name, value) in map {
        if value.is_boolean() || value.is_u64() || value.is_i64() {
            v.permissions.insert(name.clone(), value.clone());
        }
    }
    v.identity
        .insert("key_type".into(), signer_kind.to_string());
    if let Some(ms) = created_ms {
        v.identity.insert(
            "created".into(),
            crate::time::iso8601_utc((ms / 1000) as i64),
        );
    }
    v
}

/// Verifies with at most one resync: -1021 → `GET /api/v3/time`, correct the offset, retry.
pub fn verify(cred: &Cred, ctx: &Ctx) -> Verification {
    let mut offset_ms: i64 = 0;
    for attempt in 0..2 {
        let now = Clock::now().ms;
        let timestamp = now.saturating_add_signed(offset_ms);
        let resp = match ctx.send(&build(cred, timestamp)) {
            Ok(r) => r,
            Err(v) => return v,
        };
        match classify(&resp, cred.signer.kind(), now) {
            Answer::Done(v) => return v,
            Answer::ClockSkew if attempt == 0 => {
                let before = Clock::now().ms;
                let time = match ctx.send(&time_request()) {
                    Ok(r) => r,
                    Err(v) => return v,
                };
                let server = serde_json::from_str::<Value>(&time.body)
                    .ok()
                    .and_then(|v| v.get("serverTime").and_then(Value::as_u64));
                let Some(server) = server.filter(|_| time.status == 200) else {
                    return Verification::indeterminate(
                        Provider::Binance,
                        Reason::ClockSkew,
                        "Binance: -1021 timestamp outside the recvWindow, and its server time could not be read",
                    );
                };
                let after = Clock::now().ms;
                offset_ms = server as i64 - ((before + after) / 2) as i64;
            }
            Answer::ClockSkew => {
                return Verification::indeterminate(
                    Provider::Binance,
                    Reason::ClockSkew,
                    format!(
                        "Binance: -1021 timestamp outside the recvWindow, even after correcting the clock by {offset_ms} ms"
                    ),
                )
            }
        }
    }
    Verification::indeterminate(Provider::Binance, Reason::ClockSkew, "Binance: -1021")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::Status;

    const DOC_KEY: &str = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
    const DOC_SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
    const NOW: u64 = 1_800_000_000_000;

    fn resp(status: u16, body: &str) -> Response {
        Response {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    fn done(a: Answer) -> Verification {
        match a {
            Answer::Done(v) => v,
            Answer::ClockSkew => panic!("clock skew"),
        }
    }

    #[test]
    fn the_request_is_signed_over_the_exact_query() {
        let cred = Cred::new(DOC_KEY, Signer::Hmac(DOC_SECRET.into()), DOC_SECRET);
        let req = build(&cred, 1_499_827_319_559);
        assert_eq!(req.path, "/sapi/v1/account/apiRestrictions");
        assert_eq!(req.method, Method::Get);
        // Binance's documented secret over our endpoint's payload (research notes, computed).
        assert_eq!(
            req.query_string(),
            "recvWindow=5000&timestamp=1499827319559&signature=82f4e72e95e63d666b6da651e82a701722ad8a785a169318d91f36f279c55821"
        );
        assert_eq!(req.headers[0].name, "X-MBX-APIKEY");
        assert_eq!(req.headers[0].value, DOC_KEY);
    }

    #[test]
    fn ed25519_signatures_are_base64_then_percent_encoded() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
        let cred = Cred::new(DOC_KEY, Signer::Ed25519(Box::new(key)), "x");
        let sig = cred.sign("recvWindow=5000&timestamp=1");
        assert!(!sig.contains(['+', '/', '=']));
        let decoded = percent_encoding::percent_decode_str(&sig)
            .decode_utf8()
            .unwrap();
        use base64::Engine as _;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(decoded.as_bytes())
            .unwrap();
        assert_eq!(raw.len(), 64);
    }

    #[test]
    fn live_answers_carry_permissions_and_risk() {
        let body = r#"{"ipRestrict":false,"createTime":1698645219000,"enableReading":true,
            "enableWithdrawals":true,"enableInternalTransfer":false,"enableMargin":false,
            "enableFutures":false,"permitsUniversalTransfer":false,"enableVanillaOptions":false,
            "enableFixApiTrade":false,"enableFixReadOnly":true,"enableSpotAndMarginTrading":false,
            "enablePortfolioMarginTrading":true,"tradingAuthorityExpirationTime":1646085600000,
            "someFutureFlag":true,"note":"ignored"}"#;
        let v = done(classify(&resp(200, body), "HMAC", NOW));
        assert_eq!(v.status, Status::Live);
        assert_eq!(v.risk, Some(risk::RiskLevel::Critical));
        assert_eq!(v.permissions["enableWithdrawals"], Value::Bool(true));
        assert_eq!(v.permissions["someFutureFlag"], Value::Bool(true));
        assert!(!v.permissions.contains_key("note"));
        assert!(v.advice.iter().any(|a| a.starts_with("Rotate")));
        assert_eq!(v.identity["key_type"], "HMAC");

        // Missing fields are tolerated: a read-only key.
        let v = done(classify(
            &resp(200, r#"{"ipRestrict":true,"enableReading":true}"#),
            "Ed25519",
            NOW,
        ));
        assert_eq!(v.risk, Some(risk::RiskLevel::Low));
        let v = done(classify(
            &resp(
                200,
                r#"{"ipRestrict":false,"enableReading":true,"enableSpotAndMarginTrading":true}"#,
            ),
            "Ed25519",
            NOW,
        ));
        assert_eq!(v.risk, Some(risk::RiskLevel::High));
    }

    #[test]
    fn error_answers_are_never_dead_unless_binance_says_so() {
        let cases = [
            (
                400,
                r#"{"code":-2014,"msg":"API-key format invalid."}"#,
                Status::Dead,
                Reason::MalformedKey,
            ),
            (
                401,
                r#"{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}"#,
                Status::Indeterminate,
                Reason::AmbiguousAnswer,
            ),
            (
                400,
                r#"{"code":-1022,"msg":"Signature for this request is not valid."}"#,
                Status::Indeterminate,
                Reason::SecretMismatch,
            ),
            (
                429,
                r#"{"code":-1003,"msg":"Too many requests"}"#,
                Status::Indeterminate,
                Reason::RateLimited,
            ),
            (
                418,
                r#"{"code":-1003,"msg":"banned"}"#,
                Status::Indeterminate,
                Reason::IpBanned,
            ),
            (403, "", Status::Indeterminate, Reason::WafBlocked),
            (
                451,
                r#"{"code":0,"msg":"Service unavailable from a restricted location"}"#,
                Status::Indeterminate,
                Reason::GeoBlocked,
            ),
            (502, "", Status::Indeterminate, Reason::UpstreamError),
            (
                503,
                r#"{"code":-1001,"msg":"Internal error"}"#,
                Status::Indeterminate,
                Reason::UpstreamError,
            ),
            (
                200,
                "not json",
                Status::Indeterminate,
                Reason::AmbiguousAnswer,
            ),
            (
                400,
                r#"{"code":-1100,"msg":"Illegal characters"}"#,
                Status::Indeterminate,
                Reason::AmbiguousAnswer,
            ),
        ];
        for (status, body, want_status, want_reason) in cases {
            let v = done(classify(&resp(status, body), "HMAC", NOW));
            assert_eq!(
                (v.status, v.reason),
                (want_status, Some(want_reason)),
                "{status} {body}"
            );
        }
        let html = Response {
            status: 401,
            headers: vec![("content-type".into(), "text/html".into())],
            body: "<html>blocked</html>".into(),
        };
        let v = done(classify(&html, "HMAC", NOW));
        assert_eq!(
            (v.status, v.reason),
            (Status::Indeterminate, Some(Reason::AmbiguousAnswer))
        );
        assert_eq!(
            classify(
                &resp(
                    400,
                    r#"{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}"#
                ),
                "HMAC",
                NOW
            ),
            Answer::ClockSkew
        );
    }

    #[test]
    fn retry_after_is_reported() {
        let r = Response {
            status: 429,
            headers: vec![("retry-after".into(), "120".into())],
            body: String::new(),
        };
        let v = done(classify(&r, "HMAC", NOW));
        assert!(v.detail.unwrap().contains("retry after 120 s"));
    }
}
