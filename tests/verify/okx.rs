//! OKX v5: a signed `GET /api/v5/account/config` carrying all three parts of the credential
//! (key, signature by the secret, passphrase) from one finding, and each documented answer
//! mapped to a verdict.

use crate::common::mock_server::{Canned, Recorded};
use crate::exchanges::{assert_fresh, b64, hex_digits, http_cases, okx_files, Exchange};
use crate::{case, dead, hmac_sha256, live, unsure};

const ACCOUNT_CONFIG: &str = "/api/v5/account/config";

/// OKX v5 docs, "REST Authentication: Signature": base64 HMAC-SHA256 with the secret over
/// `timestamp + method + requestPath + body`.
fn sign(secret: &str, timestamp: &str, path: &str) -> String {
    b64(&hmac_sha256(
        secret.as_bytes(),
        format!("{timestamp}GET{path}").as_bytes(),
    ))
}

/// The algorithm above against a vector computed independently (python `hmac`): secret =
/// `hex_digits(32, 142)` upper-cased, timestamp 2023-11-14T22:13:20.000Z.
#[test]
fn signature_vector() {
    let secret = hex_digits(32, 142).to_ascii_uppercase();
    assert_eq!(
        sign(&secret, "2023-11-14T22:13:20.000Z", ACCOUNT_CONFIG),
        "RZlwRVb2T+Nm2dS7jmRvjf1Su+9bOhJ+aS/lUVIofkw="
    );
}

fn config(perm: &str, ip: &str) -> Canned {
    Canned::json(
        200,
        format!(
            r#"{{"code":"0","msg":"","data":[{{"acctLv":"2","autoLoan":false,"ctIsoMode":"automatic","label":"bot","level":"Lv1","mainUid":"44705892343619584","perm":"{perm}","ip":"{ip}","posMode":"long_short_mode","uid":"44705892343619584"}}]}}"#
        ),
    )
}

fn error(status: u16, code: &str, msg: &str) -> Canned {
    Canned::json(status, format!(r#"{{"msg":"{msg}","code":"{code}"}}"#))
}

fn assert_signed(req: &Recorded, key: &str, secret: &str, passphrase: &str) {
    assert_eq!(
        (req.method.as_str(), req.url.as_str()),
        ("GET", ACCOUNT_CONFIG)
    );
    assert_eq!(req.header("OK-ACCESS-KEY"), Some(key));
    assert_eq!(req.header("OK-ACCESS-PASSPHRASE"), Some(passphrase));
    let ts = req.header("OK-ACCESS-TIMESTAMP").unwrap();
    assert!(
        ts.len() == 24 && ts.ends_with('Z') && ts.as_bytes()[19] == b'.',
        "{ts}"
    );
    let parsed: jiff::Timestamp = ts.parse().unwrap();
    assert_fresh(parsed.as_millisecond(), req, 30_000);
    assert_eq!(
        req.header("OK-ACCESS-SIGN"),
        Some(sign(secret, ts, ACCOUNT_CONFIG).as_str())
    );
}

#[test]
fn answers() {
    let (key, secret, passphrase, text) = okx_files(1);
    let exchange = Exchange {
        provider: "OKX",
        method: "GET",
        path: ACCOUNT_CONFIG,
        files: vec![("bot/.env", text)],
        rule: "okx-secret-key",
        secrets: vec![key.clone(), secret.clone(), passphrase.clone()],
        env: Vec::new(),
    };
    let mut cases = vec![
        case(
            "live read-only key",
            config("read_only", ""),
            live("low")
                .with("/provider", "okx")
                .with("/permissions/perm/0", "read_only"),
        ),
        case(
            "live withdraw-capable key",
            config("read_only,trade,withdraw", "203.0.113.7"),
            live("critical").with("/permissions/perm/2", "withdraw"),
        ),
        case(
            "live trading key without bound IPs",
            config("read_only,trade", ""),
            live("high").with("/permissions/ipRestrict", false),
        ),
        case(
            "live trading key bound to IPs",
            config("read_only,trade", "203.0.113.7,198.51.100.1"),
            live("medium").with("/identity/ip_allow_list", "203.0.113.7, 198.51.100.1"),
        ),
        case(
            "50110 IP not whitelisted",
            error(
                401,
                "50110",
                "Your IP 1.2.3.4 is not included in your API key's IP whitelist.",
            ),
            unsure("ip-restricted"),
        ),
        case(
            "50111 invalid key",
            error(401, "50111", "Invalid OK-ACCESS-KEY"),
            dead("rejected"),
        ),
        case(
            "50113 invalid signature",
            error(401, "50113", "Invalid Sign"),
            dead("secret-mismatch").detail("secret"),
        ),
        case(
            "50105 wrong passphrase",
            error(
                401,
                "50105",
                "Request header OK-ACCESS-PASSPHRASE incorrect.",
            ),
            dead("secret-mismatch").detail("passphrase"),
        ),
        case(
            "50011 rate limit in the body",
            error(429, "50011", "Rate limit reached."),
            unsure("rate-limited"),
        ),
        case(
            "50011 rate limit with HTTP 200",
            error(200, "50011", "Rate limit reached."),
            unsure("rate-limited"),
        ),
    ];
    cases.extend(http_cases());
    exchange.run(cases, |req| assert_signed(req, &key, &secret, &passphrase));
}

#[test]
fn a_secret_without_its_passphrase_is_skipped() {
    let (key, secret, _, _) = okx_files(3);
    let dir = crate::tree(&[(
        "bot/.env",
        format!("OKX_API_KEY={key}\nOKX_SECRET_KEY={secret}\n"),
    )]);
    let run = crate::exchanges::run(dir.path(), crate::SCAN_VERIFY, &[], &[]);
    crate::skipped("missing-counterpart")
        .detail("passphrase")
        .check(
            "no passphrase",
            &crate::verification_of(&run.json(), "okx-secret-key"),
        );
}
