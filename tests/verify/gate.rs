//! Gate API v4: a signed `GET /api/v4/account/detail` (HMAC-SHA512 over method, path, query,
//! body hash and timestamp), and each documented answer mapped to a verdict.

use sha2::Digest as _;

use crate::common::mock_server::{Canned, Recorded};
use crate::exchanges::{assert_fresh, hex_digits, hmac_sha512, http_cases, Exchange};
use crate::{case, dead, hex, live, unsure};

const ACCOUNT_DETAIL: &str = "/api/v4/account/detail";

/// Gate API v4 docs, "Authentication: API Signature string generation": hex HMAC-SHA512 with
/// the secret over `method \n path \n query \n hex(SHA512(body)) \n timestamp`.
fn sign(secret: &str, timestamp: &str) -> String {
    let body_hash = hex(&sha2::Sha512::digest(b""));
    let payload = format!("GET\n{ACCOUNT_DETAIL}\n\n{body_hash}\n{timestamp}");
    hex(&hmac_sha512(secret.as_bytes(), payload.as_bytes()))
}

/// The algorithm above against a vector computed independently (python `hmac`): secret =
/// `hex_digits(64, 146)`, timestamp 1700000000 (seconds).
#[test]
fn signature_vector() {
    assert_eq!(
        sign(&hex_digits(64, 146), "1700000000"),
        "1d29b0adc9d64a0aaf4c6b1409f68d2220411376ce69c54accc9a1f0f2c723b355935f893b573a78b21c19ca591a0bc8a5fde5a081922cddb5cc7dc4fcfa1970"
    );
}

fn detail(ips: &str) -> Canned {
    Canned::json(
        200,
        format!(
            r#"{{"user_id":1667201533,"ip_whitelist":[{ips}],"currency_pairs":[],"key":{{"mode":1}},"tier":2,"copy_trading_role":0}}"#
        ),
    )
}

fn error(status: u16, label: &str) -> Canned {
    Canned::json(status, format!(r#"{{"label":"{label}","message":"x"}}"#))
}

fn assert_signed(req: &Recorded, key: &str, secret: &str) {
    assert_eq!(
        (req.method.as_str(), req.url.as_str()),
        ("GET", ACCOUNT_DETAIL)
    );
    assert_eq!(req.header("KEY"), Some(key));
    let ts = req.header("Timestamp").unwrap();
    assert_fresh(ts.parse::<i64>().unwrap() * 1000, req, 61_000);
    assert_eq!(req.header("SIGN"), Some(sign(secret, ts).as_str()));
}

#[test]
fn answers() {
    let key = hex_digits(32, 1);
    let secret = hex_digits(64, 101);
    let exchange = Exchange {
        provider: "GATE",
        method: "GET",
        path: ACCOUNT_DETAIL,
        files: vec![(
            "bot/.env",
            format!("GATE_API_KEY={key}\nGATE_API_SECRET={secret}\n"),
        )],
        rule: "gate-secret-key",
        secrets: vec![key.clone(), secret.clone()],
        env: Vec::new(),
    };
    // Gate does not tell a key its permissions: a live key counts as able to trade.
    let mut cases = vec![
        case(
            "live key without an IP whitelist",
            detail(""),
            live("high")
                .with("/provider", "gate")
                .with("/identity/key_mode", "classic account"),
        ),
        case(
            "live key with an IP whitelist",
            detail(r#""203.0.113.7""#),
            live("medium").with("/identity/ip_allow_list", "203.0.113.7"),
        ),
        case(
            "IP_FORBIDDEN",
            error(403, "IP_FORBIDDEN"),
            unsure("ip-restricted"),
        ),
        case("INVALID_KEY", error(401, "INVALID_KEY"), dead("rejected")),
        case(
            "INVALID_SIGNATURE",
            error(401, "INVALID_SIGNATURE"),
            dead("secret-mismatch"),
        ),
    ];
    cases.extend(http_cases());
    exchange.run(cases, |req| assert_signed(req, &key, &secret));
}
