//! KuCoin: a signed `GET /api/v1/user/api-key` with the passphrase itself signed (key version
//! 2), and each documented answer mapped to a verdict.

use crate::common::fake;
use crate::common::mock_server::{Canned, Recorded};
use crate::exchanges::{assert_fresh, b64, hex_digits, http_cases, uuid, Exchange};
use crate::{case, dead, hmac_sha256, live, unsure};

const API_KEY_INFO: &str = "/api/v1/user/api-key";

/// KuCoin docs, "Authentication: Signing a Message": base64 HMAC-SHA256 with the secret over
/// `timestamp + method + endpoint + body`; for key versions 2 and 3 the `KC-API-PASSPHRASE`
/// header is base64 HMAC-SHA256 of the passphrase with the secret.
fn sign(secret: &str, msg: &str) -> String {
    b64(&hmac_sha256(secret.as_bytes(), msg.as_bytes()))
}

/// The algorithm above against vectors computed independently (python `hmac`): secret =
/// `uuid(143)`, timestamp 1700000000000, passphrase `fake(10, 144)`.
#[test]
fn signature_vector() {
    let secret = uuid(143);
    assert_eq!(
        sign(&secret, &format!("1700000000000GET{API_KEY_INFO}")),
        "KEvGYqz0LXmfj9iA8UqgUlfXvNcBu/gQK+cP8pvf7UM="
    );
    assert_eq!(
        sign(&secret, &fake(10, 144)),
        "AjEusi/jKMXnCGxDKN+EClA4Uhcc14KMBwasaYGokXs="
    );
}

fn files(seed: u64) -> (String, String, String, String) {
    let key = hex_digits(24, seed);
    let secret = uuid(seed + 100);
    let passphrase = format!("{}_{}", fake(5, seed + 200), fake(5, seed + 201));
    let text = format!(
        "KUCOIN_API_KEY={key}\nKUCOIN_API_SECRET={secret}\nKUCOIN_API_PASSPHRASE={passphrase}\n"
    );
    (key, secret, passphrase, text)
}

fn info(permission: &str, ips: &str) -> Canned {
    Canned::json(
        200,
        format!(
            r#"{{"code":"200000","data":{{"remark":"bot","apiKey":"k","apiVersion":3,"permission":"{permission}","ipWhitelist":"{ips}","createdAt":1666000000000,"uid":1,"isMaster":true}}}}"#
        ),
    )
}

fn error(status: u16, code: &str, msg: &str) -> Canned {
    Canned::json(status, format!(r#"{{"code":"{code}","msg":"{msg}"}}"#))
}

fn assert_signed(req: &Recorded, key: &str, secret: &str, passphrase: &str) {
    assert_eq!(
        (req.method.as_str(), req.url.as_str()),
        ("GET", API_KEY_INFO)
    );
    assert_eq!(req.header("KC-API-KEY"), Some(key));
    assert_eq!(req.header("KC-API-KEY-VERSION"), Some("2"));
    let ts = req.header("KC-API-TIMESTAMP").unwrap();
    assert_fresh(ts.parse().unwrap(), req, 5000);
    assert_eq!(
        req.header("KC-API-SIGN"),
        Some(sign(secret, &format!("{ts}GET{API_KEY_INFO}")).as_str())
    );
    assert_eq!(
        req.header("KC-API-PASSPHRASE"),
        Some(sign(secret, passphrase).as_str()),
        "the passphrase is sent signed, never in clear"
    );
}

#[test]
fn answers() {
    let (key, secret, passphrase, text) = files(1);
    let exchange = Exchange {
        provider: "KUCOIN",
        method: "GET",
        path: API_KEY_INFO,
        files: vec![("bot/.env", text)],
        rule: "kucoin-secret-key",
        secrets: vec![key.clone(), secret.clone(), passphrase.clone()],
        env: Vec::new(),
    };
    let mut cases = vec![
        case(
            "live read-only key",
            info("General", ""),
            live("low")
                .with("/provider", "kucoin")
                .with("/identity/key_version", "3")
                .with("/identity/created", "2022-10-17T09:46:40Z"),
        ),
        case(
            "live withdraw-capable key",
            info("General,Spot,Withdrawal", "203.0.113.7"),
            live("critical").with("/permissions/permission/2", "Withdrawal"),
        ),
        case(
            "live trading key without an IP restriction",
            info("General,Spot,Futures", ""),
            live("high"),
        ),
        case(
            "live trading key restricted to IPs",
            info("General,Spot", "203.0.113.7"),
            live("medium").with("/identity/ip_allow_list", "203.0.113.7"),
        ),
        case(
            "400006 IP not whitelisted",
            error(
                401,
                "400006",
                "Invalid request ip, the current clientIp is:1.2.3.4",
            ),
            unsure("ip-restricted"),
        ),
        case(
            "400003 unknown key",
            error(401, "400003", "KC-API-KEY not exists"),
            dead("rejected"),
        ),
        case(
            "400005 invalid signature",
            error(401, "400005", "Signature verification failed"),
            dead("secret-mismatch").detail("secret"),
        ),
        case(
            "400004 wrong passphrase",
            error(401, "400004", "Invalid KC-API-PASSPHRASE"),
            dead("secret-mismatch").detail("passphrase"),
        ),
        case(
            "429000 rate limited",
            error(200, "429000", "Too Many Requests"),
            unsure("rate-limited"),
        ),
    ];
    cases.extend(http_cases());
    exchange.run(cases, |req| assert_signed(req, &key, &secret, &passphrase));
}
