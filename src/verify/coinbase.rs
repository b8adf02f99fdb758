//! Coinbase Advanced Trade with CDP keys: `GET /api/v3/brokerage/key_permissions`: the key's
//! own `can_view`, `can_trade`, `can_transfer` and portfolio.
//!
//! Authenticated as the CDP docs say ("JWT Authentication"): `Authorization: Bearer <JWT>`,
//! the JWT signed with the key's private key, ES256 for ECDSA keys (a key name
//! `organizations/{org}/apiKeys/{id}` and a P-256 PEM) or EdDSA for Ed25519 keys (a key id and
//! base64 of seed + public key). Header `{alg, kid: key name, nonce, typ: "JWT"}`, claims
//! `{sub: key name, iss: "cdp", nbf: now, exp: now + 120, uri: "GET
//! api.coinbase.com/api/v3/brokerage/key_permissions"}`.
//!
//! Not verified: legacy Coinbase App v2 keys and Coinbase Exchange (Pro) keys, which use other
//! hosts and HMAC schemes that Advanced Trade no longer accepts, and CDP wallet secrets, which
//! sign wallet transactions, not API requests.

use ring::signature::{EcdsaKeyPair, Ed25519KeyPair};
use serde_json::Value;

use super::exchange::{self, dead, unsure, Answer};
use super::http::{BaseUrl, Field, Method, Request, Response};
use super::risk::{self, ExchangeFacts, Menu};
use super::signing::{self, KeyError};
use super::{part, Clock, Ctx, Provider, Reason, Verification};
use crate::findings::Finding;

const P: Provider = Provider::Coinbase;
pub const KEY_PERMISSIONS: &str = "/api/v3/brokerage/key_permissions";
/// The `uri` claim names the production host even when a test points the request elsewhere.
pub const URI_CLAIM: &str = "GET api.coinbase.com/api/v3/brokerage/key_permissions";
/// The JWT "expires after 2 minutes".
pub const JWT_LIFETIME_SECS: u64 = 120;

const ECDSA_RULE: &str = "coinbase-cdp-api-key";
const ED25519_RULES: &[&str] = &[
    "coinbase-cdp-ed25519-api-key",
    "coinbase-cdp-api-key-secret",
];
const KEY_ID_RULE: &str = "coinbase-cdp-api-key-id";
const LEGACY_RULES: &[&str] = &[
    "coinbase-api-key",
    "coinbase-api-secret",
    "coinbase-passphrase",
];
const WALLET_RULE: &str = "coinbase-cdp-wallet-secret";

pub const MENU: Menu = Menu {
    exchange: "Coinbase",
    api_page: "Coinbase Developer Platform > API Keys (portal.cdp.coinbase.com)",
    withdraw: "Transfer",
    transfer: "Transfer",
    ip_list: "IP allowlist",
};

pub fn handles(rule_id: &str) -> bool {
    rule_id == ECDSA_RULE
        || ED25519_RULES.contains(&rule_id)
        || rule_id == KEY_ID_RULE
        || LEGACY_RULES.contains(&rule_id)
        || rule_id == WALLET_RULE
}

/// What signs the JWT.
pub enum Signer {
    Es256(Box<EcdsaKeyPair>),
    Ed25519(Box<Ed25519KeyPair>),
}

impl Signer {
    pub fn alg(&self) -> &'static str {
        match self {
            Signer::Es256(_) => "ES256",
            Signer::Ed25519(_) => "EdDSA",
        }
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
        match self {
            Signer::Es256(k) => signing::es256_sign(k, msg),
            Signer::Ed25519(k) => Ok(signing::ed25519_seed_sign(k, msg)),
        }
    }
}

pub struct Cred {
    /// `organizations/{org}/apiKeys/{id}` or, for Ed25519 keys, the key id.
    pub key_name: String,
    pub signer: Signer,
    material: String,
}

impl Cred {
    pub fn new(key_name: &str, signer: Signer, material: &str) -> Cred {
        Cred {
            // JSON files escape the slashes (`organizations\/...`).
            key_name: key_name.replace("\\/", "/"),
            signer,
            material: material.to_string(),
        }
    }

    pub(super) fn secrets(&self) -> Vec<&str> {
        vec![self.key_name.as_str(), self.material.as_str()]
    }
}

fn unusable(e: KeyError) -> Verification {
    Verification::skipped(
        Some(P),
        Reason::UnsupportedKeyFormat,
        format!("the private key cannot sign Coinbase JWTs: {e}"),
    )
}

pub fn credential(f: &Finding) -> Result<Cred, Verification> {
    let id = f.rule_id.as_str();
    if LEGACY_RULES.contains(&id) {
        return Err(Verification::skipped(
            Some(P),
            Reason::ProviderNotSupported,
            "legacy Coinbase App (v2 HMAC) and Coinbase Exchange keys are not verified: Advanced Trade accepts only CDP keys, and Exchange keys live on another host",
        ));
    }
    if id == WALLET_RULE {
        return Err(Verification::skipped(
            Some(P),
            Reason::ProviderNotSupported,
            "a CDP wallet secret signs wallet transactions, not API requests: there is nothing read-only to ask with it alone",
        ));
    }
    if id == KEY_ID_RULE {
        return Err(exchange::lone_part(P, f));
    }
    let key_name = part(f, "key_name").ok_or_else(|| {
        exchange::missing(
            P,
            "a CDP private key needs its key name (organizations/.../apiKeys/... or the key id), and none was found with it".into(),
        )
    })?;
    let signer = if id == ECDSA_RULE {
        Signer::Es256(Box::new(signing::es256_key(&f.secret).map_err(unusable)?))
    } else {
        Signer::Ed25519(Box::new(
            signing::ed25519_seed_key(&f.secret).map_err(unusable)?,
        ))
    };
    Ok(Cred::new(key_name, signer, &f.secret))
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The JWT's signing input (`base64url(header) + "." + base64url(claims)`).
pub fn signing_input(key_name: &str, alg: &str, now_secs: u64, nonce: &str) -> String {
    let name = json_str(key_name);
    let header = format!(
        r#"{{"alg":"{alg}","kid":{name},"nonce":{},"typ":"JWT"}}"#,
        json_str(nonce)
    );
    let claims = format!(
        r#"{{"sub":{name},"iss":"cdp","nbf":{now_secs},"exp":{},"uri":{}}}"#,
        now_secs + JWT_LIFETIME_SECS,
        json_str(URI_CLAIM)
    );
    format!(
        "{}.{}",
        signing::base64url(header.as_bytes()),
        signing::base64url(claims.as_bytes())
    )
}

/// The signed JWT.
pub fn jwt(cred: &Cred, now_secs: u64, nonce: &str) -> Result<String, KeyError> {
    let input = signing_input(&cred.key_name, cred.signer.alg(), now_secs, nonce);
    let sig = cred.signer.sign(input.as_bytes())?;
    Ok(format!("{input}.{}", signing::base64url(&sig)))
}

pub fn build(cred: &Cred, now_secs: u64, nonce: &str) -> Result<Request, KeyError> {
    Ok(Request {
        provider: P,
        method: Method::Get,
        path: KEY_PERMISSIONS,
        query: Vec::new(),
        headers: vec![Field::secret(
            "Authorization",
            format!("Bearer {}", jwt(cred, now_secs, nonce)?),
        )],
        body: None,
    })
}

pub(super) fn describe(cred: &Cred, base: &BaseUrl, now_ms: u64) -> String {
    match build(cred, now_ms / 1000, "0") {
        Ok(req) => exchange::describe(
            &req,
            base,
            &format!("{} JWT, valid {JWT_LIFETIME_SECS} s", cred.signer.alg()),
            None,
        ),
        Err(e) => format!("nothing sent: {e}"),
    }
}

pub fn classify(resp: &Response, now_ms: u64) -> Answer {
    if let Some(v) = exchange::http_failure(P, resp) {
        return Answer::Done(v);
    }
    match resp.status {
        200 => match exchange::json(resp) {
            Some(Value::Object(d)) if d.contains_key("can_view") => Answer::Done(live(&d, now_ms)),
            _ => unsure(
                P,
                Reason::AmbiguousAnswer,
                "Coinbase answered HTTP 200 without the key's permissions",
            ),
        },
        401 => dead(
            P,
            Reason::Rejected,
            "Coinbase: 401 Unauthorized: the key is unknown or revoked, or this private key does not belong to it",
        ),
        status => unsure(
            P,
            Reason::AmbiguousAnswer,
            format!("Coinbase answered HTTP {status}"),
        ),
    }
}

fn live(d: &serde_json::Map<String, Value>, now_ms: u64) -> Verification {
    let flag = |n: &str| d.get(n).and_then(Value::as_bool).unwrap_or(false);
    let facts = ExchangeFacts {
        withdraw: false,
        transfer: flag("can_transfer"),
        trading: flag("can_trade"),
        permissions_known: true,
        // The answer does not say whether the key has an IP allowlist.
        ip_restricted: None,
        created_ms: None,
        expires_ms: None,
    };
    let mut v = Verification::live(P, risk::exchange(&facts, &MENU, now_ms));
    for name in ["can_view", "can_trade", "can_transfer"] {
        v.permissions.insert(name.into(), Value::Bool(flag(name)));
    }
    if let Some(t) = d.get("portfolio_type").and_then(Value::as_str) {
        v.identity.insert("portfolio_type".into(), t.to_string());
    }
    v
}

pub fn verify(cred: &Cred, ctx: &Ctx) -> Verification {
    let now = Clock::now();
    let req = match build(cred, now.ms / 1000, &signing::random_hex(16)) {
        Ok(r) => r,
        Err(e) => return unusable(e),
    };
    let resp = match ctx.send(&req) {
        Ok(r) => r,
        Err(v) => return v,
    };
    match classify(&resp, now.ms) {
        Answer::Done(v) => {
            if v.reason == Some(Reason::RateLimited) {
                ctx.trip(
                    P,
                    Reason::RateLimited,
                    "Coinbase answered 429 earlier in this run".into(),
                );
            }
            v
        }
        Answer::ClockSkew => {
            Verification::indeterminate(P, Reason::ClockSkew, "Coinbase: clock skew")
        }
    }
}
