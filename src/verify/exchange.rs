//! What the exchange verifiers share (Bybit, OKX, KuCoin, Bitget, Gate, Coinbase, Kraken,
//! MEXC): the credential taken from a finding's parts, the HTTP-level answers that mean the same
//! on every exchange, and the verify loop with its single clock resync.
//!
//! Each exchange module keeps the same shape as `binance.rs`: `handles`, `credential`, a pure
//! `build(cred, timestamp)` that signs, a pure `classify(response, now)`, `describe` for
//! `--verify-dry-run`, and `verify`, which is [`verify_signed`] with those.

use serde_json::Value;

use super::http::{BaseUrl, Method, Request, Response};
use super::{part, Clock, Ctx, Provider, Reason, Status, Verification};
use crate::findings::Finding;

/// An API key, its secret and, where the exchange has one, the passphrase.
pub struct Cred {
    pub key: String,
    pub secret: String,
    pub passphrase: Option<String>,
}

impl Cred {
    pub fn new(key: &str, secret: &str, passphrase: Option<&str>) -> Cred {
        Cred {
            key: key.to_string(),
            secret: secret.to_string(),
            passphrase: passphrase.map(str::to_string),
        }
    }

    pub(super) fn secrets(&self) -> Vec<&str> {
        let mut out = vec![self.key.as_str(), self.secret.as_str()];
        if let Some(p) = &self.passphrase {
            out.push(p.as_str());
        }
        out
    }

    /// The passphrase (empty if none: only exchanges that require one read it, and their
    /// `credential` refuses a finding without it).
    pub fn passphrase(&self) -> &str {
        self.passphrase.as_deref().unwrap_or("")
    }
}

/// `skipped`: a part needed to sign is missing.
pub(super) fn missing(provider: Provider, detail: String) -> Verification {
    Verification::skipped(Some(provider), Reason::MissingCounterpart, detail)
}

/// The credential of a `<exchange>-secret-key` finding: the secret, its linked `key` part and,
/// when `needs_passphrase`, its linked `passphrase` part (the rule engine links the parts of
/// one credential into one finding; nothing is guessed across findings).
pub(super) fn key_secret(
    f: &Finding,
    provider: Provider,
    needs_passphrase: bool,
) -> Result<Cred, Verification> {
    let name = provider.name();
    let key = part(f, "key").ok_or_else(|| {
        missing(
            provider,
            format!("a {name} secret needs its API key, and none was found with it"),
        )
    })?;
    let passphrase = part(f, "passphrase");
    if needs_passphrase && passphrase.is_none() {
        return Err(missing(
            provider,
            format!(
                "a {name} key and secret need the passphrase chosen when the key was created, and none was found with them"
            ),
        ));
    }
    Ok(Cred::new(key, &f.secret, passphrase))
}

/// `skipped` for a companion part found on its own (an API key or passphrase without its
/// secret): only the secret's finding, which carries every part, is verified.
pub(super) fn lone_part(provider: Provider, f: &Finding) -> Verification {
    missing(
        provider,
        format!(
            "{} alone cannot be verified: the {} secret it belongs with was not found with it",
            f.rule_id,
            provider.name()
        ),
    )
}

/// What one answer means.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Done(Verification),
    /// The exchange rejected the timestamp: resynchronise with its public clock, retry once.
    ClockSkew,
}

pub(super) fn dead(p: Provider, reason: Reason, detail: impl Into<String>) -> Answer {
    Answer::Done(Verification::dead(p, reason, detail))
}

pub(super) fn unsure(p: Provider, reason: Reason, detail: impl Into<String>) -> Answer {
    Answer::Done(Verification::indeterminate(p, reason, detail))
}

/// `indeterminate`: the key exists but is locked to other IPs.
pub(super) fn ip_locked(p: Provider, code: &str) -> Answer {
    unsure(
        p,
        Reason::IpRestricted,
        format!(
            "{}: {code}: the key exists but is restricted to other IP addresses, so what it may do cannot be read from here",
            p.name()
        ),
    )
}

/// `dead`: the key exists, but the secret (or passphrase) found with it does not sign for it.
pub(super) fn mismatch(p: Provider, code: &str, what: &str) -> Answer {
    dead(
        p,
        Reason::SecretMismatch,
        format!(
            "{}: {code}: the API key is known but the {what} found with it is wrong (stale or from another key): this credential does not work",
            p.name()
        ),
    )
}

/// The answers that mean the same on every exchange, before its own error codes: rate limits,
/// bans, geo-blocks, 5xx (never dead), redirects, HTML pages from a WAF or portal.
pub(super) fn http_failure(p: Provider, resp: &Response) -> Option<Verification> {
    let name = p.name();
    let retry = super::retry_after_text(resp);
    let v = |r, d: String| Some(Verification::indeterminate(p, r, d));
    match resp.status {
        429 => v(
            Reason::RateLimited,
            format!("{name} answered 429 (rate limited){retry}; not calling {name} again in this run"),
        ),
        418 => v(
            Reason::IpBanned,
            format!("{name} answered 418 (this IP is banned){retry}; not calling {name} again in this run"),
        ),
        451 => v(
            Reason::GeoBlocked,
            format!("{name} answered 451: the service is unavailable from this location"),
        ),
        500..=599 => v(
            Reason::UpstreamError,
            format!(
                "{name} answered HTTP {} (its side; the outcome is unknown)",
                resp.status
            ),
        ),
        300..=399 => v(
            Reason::AmbiguousAnswer,
            format!(
                "{name} answered a redirect (HTTP {}), which is not followed",
                resp.status
            ),
        ),
        403 if resp.is_html() => v(
            Reason::WafBlocked,
            format!("{name} answered 403 with an HTML page: a firewall or access rule blocked the request"),
        ),
        status if resp.is_html() => v(
            Reason::AmbiguousAnswer,
            format!("an HTML page (HTTP {status}) instead of {name}'s JSON: a proxy, WAF or captive portal"),
        ),
        _ => None,
    }
}

/// The body as JSON, if it is.
pub(super) fn json(resp: &Response) -> Option<Value> {
    serde_json::from_str(&resp.body).ok()
}

/// The JSON body of an answer past the HTTP-level checks ([`http_failure`]), or the verdict
/// when it is a failure or not JSON: the first steps every exchange's `classify` takes.
pub(super) fn json_answer(p: Provider, resp: &Response) -> Result<Value, Answer> {
    if let Some(v) = http_failure(p, resp) {
        return Err(Answer::Done(v));
    }
    json(resp).ok_or_else(|| {
        unsure(
            p,
            Reason::AmbiguousAnswer,
            format!("{} answered HTTP {} without JSON", p.name(), resp.status),
        )
    })
}

/// The body's `code`, given as a string or a number, as text.
pub(super) fn code(body: &Value) -> Option<String> {
    match body.get("code")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A public GET without parameters, such as an exchange's server-time endpoint.
pub(super) fn public_get(provider: Provider, path: &'static str) -> Request {
    Request {
        provider,
        method: Method::Get,
        path,
        query: Vec::new(),
        headers: Vec::new(),
        body: None,
    }
}

/// A number given as a JSON number or a decimal string (exchanges do both).
pub(super) fn as_u64(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An ISO 8601 time (`2022-10-16T02:24:40Z`, fractions allowed) as ms since the epoch.
pub(super) fn iso_ms(s: &str) -> Option<u64> {
    let t = s.trim();
    let (main, _) = t.split_once('.').unwrap_or((t.trim_end_matches('Z'), ""));
    crate::time::parse_since(main)
        .ok()
        .and_then(|secs| u64::try_from(secs).ok())
        .map(|secs| secs * 1000)
}

/// `2020-12-08T09:08:57.715Z` for `ms` (OKX's timestamp format).
pub fn iso_millis(ms: u64) -> String {
    let secs = crate::time::iso8601_utc((ms / 1000) as i64);
    format!("{}.{:03}Z", secs.trim_end_matches('Z'), ms % 1000)
}

/// `YYYY-MM-DDTHH:MM:SSZ` for `ms`.
pub(super) fn date(ms: u64) -> String {
    crate::time::iso8601_utc((ms / 1000) as i64)
}

/// A comma-separated list as a JSON array of its non-empty, trimmed items.
pub(super) fn list(items: &[String]) -> Value {
    Value::Array(items.iter().map(|s| Value::String(s.clone())).collect())
}

/// Splits `a,b, c` into trimmed non-empty items.
pub(super) fn split(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// The public time endpoint of an exchange and how to read its answer (ms since the epoch).
pub(super) struct TimeSync {
    pub request: Request,
    pub read: fn(&Response) -> Option<u64>,
}

/// One signed request; on a timestamp rejection, one resync with the exchange's public clock
/// and one retry. A rate-limit or ban answer in the body trips the provider's breaker like a
/// 429 status does.
pub(super) fn verify_signed(
    p: Provider,
    ctx: &Ctx,
    build: &dyn Fn(u64) -> Request,
    classify: &dyn Fn(&Response, u64) -> Answer,
    time: Option<TimeSync>,
) -> Verification {
    let mut offset_ms: i64 = 0;
    let mut resynced = false;
    loop {
        let now = Clock::now().ms;
        let resp = match ctx.send(&build(now.saturating_add_signed(offset_ms))) {
            Ok(r) => r,
            Err(v) => return v,
        };
        match classify(&resp, now) {
            Answer::Done(v) => {
                if v.status == Status::Indeterminate
                    && matches!(v.reason, Some(Reason::RateLimited | Reason::IpBanned))
                {
                    ctx.trip(
                        p,
                        v.reason.unwrap_or(Reason::RateLimited),
                        format!("{} asked to slow down earlier in this run", p.name()),
                    );
                }
                return v;
            }
            Answer::ClockSkew if !resynced && time.is_some() => {
                resynced = true;
                let Some(sync) = &time else { continue };
                let before = Clock::now().ms;
                let answer = match ctx.send(&sync.request) {
                    Ok(r) => r,
                    Err(v) => return v,
                };
                let Some(server) = (sync.read)(&answer).filter(|_| answer.status == 200) else {
                    return Verification::indeterminate(
                        p,
                        Reason::ClockSkew,
                        format!(
                            "{} rejected the request's timestamp, and its server time could not be read",
                            p.name()
                        ),
                    );
                };
                let after = Clock::now().ms;
                offset_ms = server as i64 - ((before + after) / 2) as i64;
            }
            Answer::ClockSkew => {
                return Verification::indeterminate(
                    p,
                    Reason::ClockSkew,
                    format!(
                        "{} rejected the request's timestamp, even after correcting the clock by {offset_ms} ms",
                        p.name()
                    ),
                )
            }
        }
    }
}

/// The `--verify-dry-run` text: the request (secrets redacted), how it is signed, and the
/// public time request that may follow.
pub(super) fn describe(
    req: &Request,
    base: &BaseUrl,
    signature: &str,
    time: Option<(&str, &str)>,
) -> String {
    let request = req.describe(base);
    let (first, rest) = request.split_once('\n').unwrap_or((&request, ""));
    let mut out = format!("{first}   ({signature})\n{rest}");
    if let Some((path, answer)) = time {
        out += &format!(
            "\n      only if {} answers {answer} (clock skew): GET {}{path} (public), then the request above once more",
            req.provider.name(),
            base.origin()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::gate::Gate;
    use crate::verify::http::{parse_loopback_url, Client};
    use std::collections::HashMap;
    use std::net::TcpListener;
    use std::time::Duration;

    /// Every exchange verifier: a server that accepts and never answers is a timeout
    /// (indeterminate), one request, no retry.
    #[test]
    fn a_silent_exchange_is_a_timeout() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base =
            parse_loopback_url(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        let server = std::thread::spawn(move || {
            let mut held = Vec::new();
            listener.set_nonblocking(true).unwrap();
            let deadline = std::time::Instant::now() + Duration::from_secs(8);
            while std::time::Instant::now() < deadline && held.len() < 7 {
                match listener.accept() {
                    Ok((conn, _)) => held.push(conn),
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
            // Hold the last connection past the client's timeout too.
            std::thread::sleep(Duration::from_millis(1000));
            held.len()
        });
        let exchanges = [
            Provider::Bybit,
            Provider::Okx,
            Provider::Kucoin,
            Provider::Bitget,
            Provider::Gate,
            Provider::Coinbase,
            Provider::Kraken,
        ];
        let client = Client::new(
            exchanges.iter().map(|p| (*p, base.clone())).collect(),
            Duration::from_millis(300),
        );
        let gates: HashMap<Provider, Gate> = exchanges.iter().map(|&p| (p, Gate::new(p))).collect();
        let ctx = Ctx {
            client: &client,
            gates: &gates,
        };
        let cred = || Cred::new("k", "c2VjcmV0", Some("p"));
        let seed = crate::verify::signing::base64(&[7u8; 64]);
        let coinbase = crate::verify::coinbase::Cred::new(
            "id",
            crate::verify::coinbase::Signer::Ed25519(Box::new(
                crate::verify::signing::ed25519_seed_key(&seed).unwrap(),
            )),
            &seed,
        );
        let verdicts = [
            crate::verify::bybit::verify(&cred(), &ctx),
            crate::verify::okx::verify(&cred(), &ctx),
            crate::verify::kucoin::verify(&cred(), &ctx),
            crate::verify::bitget::verify(&cred(), &ctx),
            crate::verify::gateio::verify(&cred(), &ctx),
            crate::verify::coinbase::verify(&coinbase, &ctx),
            crate::verify::kraken::verify(&cred(), &ctx),
        ];
        for (p, v) in exchanges.iter().zip(verdicts) {
            assert_eq!(
                (v.status, v.reason, v.provider),
                (Status::Indeterminate, Some(Reason::Timeout), Some(*p)),
                "{v:?}"
            );
            assert_eq!(gates[p].sent(), 1, "{p:?}: one request, no retry");
        }
        assert_eq!(server.join().unwrap(), 7);
    }

    #[test]
    fn times() {
        assert_eq!(iso_millis(1_607_418_537_715), "2020-12-08T09:08:57.715Z");
        assert_eq!(iso_ms("2020-12-08T09:08:57.715Z"), Some(1_607_418_537_000));
        assert_eq!(iso_ms("2022-10-16T02:24:40Z"), Some(1_665_887_080_000));
        assert_eq!(as_u64(Some(&Value::String("12".into()))), Some(12));
        assert_eq!(split(" a,b ,,c"), ["a", "b", "c"]);
    }
}
