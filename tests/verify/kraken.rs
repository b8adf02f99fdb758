//! Kraken: the opt-in `POST /0/private/GetApiKeyInfo` (a nonce-signed POST, sent only with
//! `LEAKHOUND_VERIFY_KRAKEN=1`), checked as Kraken checks it, and each answer mapped to a
//! verdict.

use sha2::Digest as _;

use crate::common::mock_server::{Canned, Recorded};
use crate::exchanges::{b64, b64_decode, bytes, hmac_sha512, http_cases, Exchange};
use crate::{case, dead, live, unsure};

const GET_API_KEY_INFO: &str = "/0/private/GetApiKeyInfo";

/// Kraken docs, "Spot REST Authentication": base64 HMAC-SHA512 with the base64-decoded
/// private key over `URI path + SHA256(nonce + POST data)`.
fn sign(private_key: &str, path: &str, nonce: &str, data: &str) -> String {
    let mut msg = path.as_bytes().to_vec();
    msg.extend(sha2::Sha256::digest(format!("{nonce}{data}").as_bytes()));
    b64(&hmac_sha512(&b64_decode(private_key), &msg))
}

/// The documented example of that section (its published private key, split so scanners do
/// not report it; nonce 1616492376594; an AddOrder body).
#[test]
fn signature_vector() {
    let private_key = [
        "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRz",
        "BHCd3pd5nE9qa99HAZtuZuj6F1huXg==",
    ]
    .concat();
    let data = "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25";
    assert_eq!(
        sign(&private_key, "/0/private/AddOrder", "1616492376594", data),
        "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ=="
    );
}

fn info(permissions: &str, ips: &str) -> Canned {
    Canned::json(
        200,
        format!(
            r#"{{"error":[],"result":{{"apiKeyName":"bot","apiKey":"k","nonce":"1","nonceWindow":0,"permissions":[{permissions}],"iban":"X","validUntil":"0","queryFrom":"0","queryTo":"0","createdTime":"1666000000","modifiedTime":"1666000000","ipAllowlist":[{ips}],"lastUsed":"1700000000"}}}}"#
        ),
    )
}

fn error(e: &str) -> Canned {
    Canned::json(200, format!(r#"{{"error":["{e}"]}}"#))
}

fn assert_signed(req: &Recorded, key: &str, secret: &str) {
    assert_eq!(
        (req.method.as_str(), req.url.as_str()),
        ("POST", GET_API_KEY_INFO)
    );
    assert_eq!(req.header("API-Key"), Some(key));
    assert!(req
        .header("Content-Type")
        .unwrap()
        .starts_with("application/x-www-form-urlencoded"));
    let nonce = req.body.strip_prefix("nonce=").expect("nonce=<ms> only");
    crate::exchanges::assert_fresh(nonce.parse().unwrap(), req, 5000);
    assert_eq!(
        req.header("API-Sign"),
        Some(sign(secret, GET_API_KEY_INFO, nonce, &req.body).as_str())
    );
}

#[test]
fn answers_with_the_opt_in() {
    let key = b64(&bytes(42, 1));
    let secret = b64(&bytes(64, 2));
    let exchange = Exchange {
        provider: "KRAKEN",
        method: "POST",
        path: GET_API_KEY_INFO,
        files: vec![(
            "bot/.env",
            format!("KRAKEN_API_KEY={key}\nKRAKEN_PRIVATE_KEY={secret}\n"),
        )],
        rule: "kraken-private-key",
        secrets: vec![key.clone(), secret.clone()],
        env: vec![("LEAKHOUND_VERIFY_KRAKEN", "1")],
    };
    let mut cases = vec![
        case(
            "live query-only key",
            info(r#""query-funds","query-open-trades""#, ""),
            live("low")
                .with("/provider", "kraken")
                .with("/identity/created", "2022-10-17T09:46:40Z"),
        ),
        case(
            "live withdraw-capable key",
            info(r#""query-funds","withdraw-funds""#, ""),
            live("critical").with("/permissions/permissions/1", "withdraw-funds"),
        ),
        case(
            "live trading key, no IP restriction",
            info(r#""query-funds","modify-trades""#, ""),
            live("high"),
        ),
        case(
            "live trading key restricted to IPs",
            info(r#""modify-trades""#, r#""203.0.113.7""#),
            live("medium").with("/identity/ip_allow_list", "203.0.113.7"),
        ),
        case(
            "EAPI:Invalid key",
            error("EAPI:Invalid key"),
            dead("rejected"),
        ),
        case(
            "EAPI:Invalid signature",
            error("EAPI:Invalid signature"),
            dead("secret-mismatch"),
        ),
        case(
            "EAPI:Rate limit exceeded",
            error("EAPI:Rate limit exceeded"),
            unsure("rate-limited"),
        ),
        case(
            "EGeneral:Temporary lockout",
            error("EGeneral:Temporary lockout"),
            unsure("ip-banned"),
        ),
        case(
            "EAPI:Invalid nonce (not retried)",
            error("EAPI:Invalid nonce"),
            unsure("clock-skew"),
        ),
    ];
    cases.extend(http_cases());
    exchange.run(cases, |req| assert_signed(req, &key, &secret));
}
