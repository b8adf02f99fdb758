//! Bitget v2: a signed `GET /api/v2/spot/account/info` with the passphrase, and each
//! documented answer mapped to a verdict.

use crate::common::fake;
use crate::common::mock_server::{Canned, Recorded};
use crate::exchanges::{assert_fresh, b64, hex_digits, http_cases, Exchange};
use crate::{case, dead, hmac_sha256, live, unsure};

const ACCOUNT_INFO: &str = "/api/v2/spot/account/info";

/// Bitget API docs, "Signature": base64 HMAC-SHA256 with the secret over
/// `timestamp + method + requestPath + ("?" + queryString) + body`.
fn sign(secret: &str, timestamp: &str) -> String {
    b64(&hmac_sha256(
        secret.as_bytes(),
        format!("{timestamp}GET{ACCOUNT_INFO}").as_bytes(),
    ))
}

/// The algorithm above against a vector computed independently (python `hmac`): secret =
/// `hex_digits(64, 145)`, timestamp 1700000000000.
#[test]
fn signature_vector() {
    assert_eq!(
        sign(&hex_digits(64, 145), "1700000000000"),
        "EH4axNwSacBpkmtFglwAAcJX7Lg4OM7vWjE2YkgpOuw="
    );
}

fn files(seed: u64) -> (String, String, String, String) {
    let key = format!("bg_{}", hex_digits(32, seed));
    let secret = hex_digits(64, seed + 100);
    let passphrase = fake(12, seed + 200);
    let text = format!(
        "BITGET_API_KEY={key}\nBITGET_SECRET_KEY={secret}\nBITGET_PASSPHRASE={passphrase}\n"
    );
    (key, secret, passphrase, text)
}

fn info(authorities: &str, ips: &str) -> Canned {
    Canned::json(
        200,
        format!(
            r#"{{"code":"00000","msg":"success","requestTime":1,"data":{{"userId":"1","inviterId":"2","ips":"{ips}","authorities":[{authorities}],"parentId":1,"traderType":"trader","channelCode":"x","channel":"y","regisTime":"1666000000000"}}}}"#
        ),
    )
}

fn error(status: u16, code: &str, msg: &str) -> Canned {
    Canned::json(
        status,
        format!(r#"{{"code":"{code}","msg":"{msg}","requestTime":1,"data":null}}"#),
    )
}

fn assert_signed(req: &Recorded, key: &str, secret: &str, passphrase: &str) {
    assert_eq!(
        (req.method.as_str(), req.url.as_str()),
        ("GET", ACCOUNT_INFO)
    );
    assert_eq!(req.header("ACCESS-KEY"), Some(key));
    assert_eq!(req.header("ACCESS-PASSPHRASE"), Some(passphrase));
    let ts = req.header("ACCESS-TIMESTAMP").unwrap();
    assert_fresh(ts.parse().unwrap(), req, 30_000);
    assert_eq!(req.header("ACCESS-SIGN"), Some(sign(secret, ts).as_str()));
}

#[test]
fn answers() {
    let (key, secret, passphrase, text) = files(1);
    let exchange = Exchange {
        provider: "BITGET",
        method: "GET",
        path: ACCOUNT_INFO,
        files: vec![("bot/.env", text)],
        rule: "bitget-secret-key",
        secrets: vec![key.clone(), secret.clone(), passphrase.clone()],
        env: Vec::new(),
    };
    let mut cases = vec![
        case(
            "live read-only key",
            info(r#""readonly""#, ""),
            live("low").with("/provider", "bitget"),
        ),
        case(
            "live withdraw-capable key",
            info(r#""spot_trade","withdraw""#, "203.0.113.7"),
            live("critical").with("/permissions/authorities/1", "withdraw"),
        ),
        case(
            "live trading key without bound IPs",
            info(r#""spot_trade""#, ""),
            live("high"),
        ),
        case(
            "live trading key bound to IPs",
            info(r#""spot_trade""#, "203.0.113.7"),
            live("medium").with("/identity/ip_allow_list", "203.0.113.7"),
        ),
        case(
            "40018 invalid IP",
            error(400, "40018", "Invalid IP"),
            unsure("ip-restricted"),
        ),
        case(
            "40006 invalid key",
            error(400, "40006", "Invalid ACCESS_KEY"),
            dead("rejected"),
        ),
        case(
            "40009 invalid signature",
            error(400, "40009", "sign signature error"),
            dead("secret-mismatch").detail("secret"),
        ),
        case(
            "40012 wrong passphrase",
            error(400, "40012", "apikey/password is incorrect"),
            dead("secret-mismatch").detail("passphrase"),
        ),
        case(
            "429 in the body",
            error(200, "429", "Too Many Requests"),
            unsure("rate-limited"),
        ),
    ];
    cases.extend(http_cases());
    exchange.run(cases, |req| assert_signed(req, &key, &secret, &passphrase));
}
