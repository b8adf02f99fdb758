//! Kraken (spot): `POST /0/private/GetApiKeyInfo` ("API Key Permissions Required: None"):
//! the key's permissions, IP allow-list, creation and expiry.
//!
//! Kraken has no GET for private data: every private call is a POST with a nonce. This one is
//! read-only, but a successful call moves the key's nonce high-water mark, which can break the
//! owner's bot if it uses a smaller nonce scheme, and repeated invalid keys lock the IP out. So
//! Kraken is verified only on explicit opt-in ([`OPT_IN_VAR`]`=1`), once per key, with
//! `nonce` = unix ms.
//!
//! Signed as Kraken's docs say ("Spot REST Authentication"): `API-Sign` = base64
//! HMAC-SHA512 with the base64-decoded private key over
//! `URI path + SHA256(nonce + POST data)`, and the public key in `API-Key`.

use serde_json::Value;

use super::exchange::{self, dead, mismatch, unsure, Answer, Cred};
use super::http::{BaseUrl, Body, Field, Method, Request, Response};
use super::risk::{self, ExchangeFacts, Menu};
use super::signing;
use super::{Clock, Ctx, Provider, Reason, Verification};
use crate::findings::Finding;

const P: Provider = Provider::Kraken;
pub const GET_API_KEY_INFO: &str = "/0/private/GetApiKeyInfo";
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
/// Set to `1` to verify Kraken keys (a POST that moves the key's nonce).
pub const OPT_IN_VAR: &str = "LEAKHOUND_VERIFY_KRAKEN";

const SECRET_RULE: &str = "kraken-private-key";
const KEY_RULE: &str = "kraken-api-key";

pub const MENU: Menu = Menu {
    exchange: "Kraken",
    api_page: "Kraken > Settings > API",
    withdraw: "Funds permissions > Withdraw Funds",
    transfer: "Funds permissions > Withdraw Funds",
    ip_list: "IP address restrictions",
};

pub fn handles(rule_id: &str) -> bool {
    rule_id == SECRET_RULE || rule_id == KEY_RULE
}

/// Whether the user opted in to Kraken's POST.
pub fn opted_in() -> bool {
    std::env::var(OPT_IN_VAR).is_ok_and(|v| v.trim() == "1")
}

pub fn credential(f: &Finding, opted_in: bool) -> Result<Cred, Verification> {
    if f.rule_id == KEY_RULE {
        return Err(exchange::lone_part(P, f));
    }
    let cred = exchange::key_secret(f, P, false)?;
    if !opted_in {
        return Err(Verification::skipped(
            Some(P),
            Reason::ProviderNotSupported,
            format!(
                "Kraken is verified only on request (--verify-kraken, or {OPT_IN_VAR}=1): its only key-info call is a POST that moves the key's nonce, which can break the owner's client"
            ),
        ));
    }
    if signing::base64_decode(&cred.secret).is_none() {
        return Err(Verification::skipped(
            Some(P),
            Reason::UnsupportedKeyFormat,
            "the Kraken private key is not valid base64",
        ));
    }
    Ok(cred)
}

/// `API-Sign` for a POST of `post_data` (which holds `nonce=<nonce>`) to `uri_path`.
pub fn sign(private_key_b64: &str, uri_path: &str, nonce: u64, post_data: &str) -> String {
    let key = signing::base64_decode(private_key_b64).unwrap_or_default();
    let mut msg = uri_path.as_bytes().to_vec();
    msg.extend(signing::sha256(format!("{nonce}{post_data}").as_bytes()));
    signing::base64(&signing::hmac_sha512(&key, &msg))
}

pub fn build(cred: &Cred, nonce: u64) -> Request {
    let body = format!("nonce={nonce}");
    Request {
        provider: P,
        method: Method::Post,
        path: GET_API_KEY_INFO,
        query: Vec::new(),
        headers: vec![
            Field::secret("API-Key", cred.key.clone()),
            Field::secret(
                "API-Sign",
                sign(&cred.secret, GET_API_KEY_INFO, nonce, &body),
            ),
        ],
        body: Some(Body {
            content_type: CONTENT_TYPE,
            text: body,
        }),
    }
}

pub(super) fn describe(cred: &Cred, base: &BaseUrl, now_ms: u64) -> String {
    exchange::describe(
        &build(cred, now_ms),
        base,
        "HMAC-SHA512 signature; a POST, sent only with LEAKHOUND_VERIFY_KRAKEN=1: it moves the key's nonce",
        None,
    )
}

/// Seconds or ms since the epoch (Kraken documents seconds) as ms.
fn epoch_ms(v: Option<&Value>) -> Option<u64> {
    let n = exchange::as_u64(v).or_else(|| {
        v.and_then(Value::as_f64)
            .filter(|f| *f > 0.0)
            .map(|f| f as u64)
    })?;
    (n > 0).then_some(if n > 10_000_000_000 { n } else { n * 1000 })
}

pub fn classify(resp: &Response, now_ms: u64) -> Answer {
    if let Some(v) = exchange::http_failure(P, resp) {
        return Answer::Done(v);
    }
    let Some(body) = exchange::json(resp) else {
        return unsure(
            P,
            Reason::AmbiguousAnswer,
            format!("Kraken answered HTTP {} without JSON", resp.status),
        );
    };
    let errors: Vec<String> = body
        .get("error")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if let Some(e) = errors.first() {
        return match e.as_str() {
            "EAPI:Invalid key" => dead(P, Reason::Rejected, "Kraken: EAPI:Invalid key"),
            "EAPI:Invalid signature" => mismatch(P, "EAPI:Invalid signature", "private key"),
            "EAPI:Invalid nonce" => unsure(
                P,
                Reason::ClockSkew,
                "Kraken: EAPI:Invalid nonce: the key has seen a larger nonce (its owner's client uses another nonce scheme); not retried",
            ),
            "EAPI:Rate limit exceeded" => unsure(
                P,
                Reason::RateLimited,
                "Kraken: EAPI:Rate limit exceeded; not calling Kraken again in this run",
            ),
            "EGeneral:Temporary lockout" => unsure(
                P,
                Reason::IpBanned,
                "Kraken: EGeneral:Temporary lockout; not calling Kraken again in this run",
            ),
            "EGeneral:Permission denied" => unsure(
                P,
                Reason::IpRestricted,
                "Kraken: EGeneral:Permission denied: the key exists but may not be used from here",
            ),
            other => unsure(
                P,
                Reason::AmbiguousAnswer,
                format!(
                    "Kraken answered {}",
                    other.chars().take(60).collect::<String>()
                ),
            ),
        };
    }
    match body.get("result") {
        Some(Value::Object(r)) if r.contains_key("permissions") && resp.status == 200 => {
            Answer::Done(live(r, now_ms))
        }
        _ => unsure(
            P,
            Reason::AmbiguousAnswer,
            format!(
                "Kraken answered HTTP {} without the key's permissions",
                resp.status
            ),
        ),
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn live(r: &serde_json::Map<String, Value>, now_ms: u64) -> Verification {
    let perms = strings(r.get("permissions"));
    let ips = strings(r.get("ipAllowlist"));
    let has = |p: &str| perms.iter().any(|x| x == p);
    let created_ms = epoch_ms(r.get("createdTime"));
    let expires_ms = epoch_ms(r.get("validUntil"));
    let facts = ExchangeFacts {
        withdraw: has("withdraw-funds"),
        transfer: false,
        trading: has("modify-trades") || has("cancel-close-trades"),
        permissions_known: true,
        ip_restricted: Some(!ips.is_empty()),
        created_ms,
        expires_ms,
    };
    let mut v = Verification::live(P, risk::exchange(&facts, &MENU, now_ms));
    v.permissions
        .insert("permissions".into(), exchange::list(&perms));
    v.permissions
        .insert("ipRestrict".into(), Value::Bool(!ips.is_empty()));
    if !ips.is_empty() {
        v.identity.insert("ip_allow_list".into(), ips.join(", "));
    }
    if let Some(ms) = created_ms {
        v.identity.insert("created".into(), exchange::date(ms));
    }
    if let Some(ms) = expires_ms {
        v.identity.insert("expires".into(), exchange::date(ms));
    }
    v
}

/// One POST, no retry (a retry would move the nonce again).
pub fn verify(cred: &Cred, ctx: &Ctx) -> Verification {
    let now = Clock::now().ms;
    let resp = match ctx.send(&build(cred, now)) {
        Ok(r) => r,
        Err(v) => return v,
    };
    match classify(&resp, now) {
        Answer::Done(v) => {
            if let Some(r @ (Reason::RateLimited | Reason::IpBanned)) = v.reason {
                ctx.trip(P, r, "Kraken asked to slow down earlier in this run".into());
            }
            v
        }
        Answer::ClockSkew => {
            Verification::indeterminate(P, Reason::ClockSkew, "Kraken rejected the nonce")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kraken's documented example ("Spot REST Authentication", Examples), the private key
    /// split so that scanners do not report it.
    #[test]
    fn documented_signature() {
        let private_key = [
            "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRz",
            "BHCd3pd5nE9qa99HAZtuZuj6F1huXg==",
        ]
        .concat();
        let nonce = 1_616_492_376_594;
        let data =
            "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25";
        assert_eq!(
            sign(&private_key, "/0/private/AddOrder", nonce, data),
            "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ=="
        );
    }
}
