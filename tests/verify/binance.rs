//! Binance: a SIGNED `GET /sapi/v1/account/apiRestrictions`, checked as the exchange checks it
//! (API key header, `recvWindow` and `timestamp` only, the timestamp window, the signature over
//! the query), and each documented answer mapped to a verdict.

use base64::Engine as _;
use sha2::Sha256;

use crate::common::fake;
use crate::common::mock_server::{Canned, MockServer, Recorded, RunningMock};
use crate::{
    binance_pair, case, dead, hex, hmac_sha256, leakhound, live, now_ms, tree, unsure,
    verification_of, Scenario, SCAN_VERIFY,
};

pub const API_RESTRICTIONS: &str = "/sapi/v1/account/apiRestrictions";
pub const SERVER_TIME: &str = "/api/v3/time";

pub const RESTRICTIONS_WITHDRAW: &str = r#"{"ipRestrict":false,"createTime":1698645219000,"enableReading":true,"enableWithdrawals":true,"enableInternalTransfer":false,"enableMargin":false,"enableFutures":false,"permitsUniversalTransfer":false,"enableVanillaOptions":false,"enableFixApiTrade":false,"enableFixReadOnly":true,"enableSpotAndMarginTrading":true,"enablePortfolioMarginTrading":false,"tradingAuthorityExpirationTime":1646085600000}"#;
pub const RESTRICTIONS_READ_ONLY: &str = r#"{"ipRestrict":true,"enableReading":true,"enableWithdrawals":false,"enableSpotAndMarginTrading":false}"#;
const RESTRICTIONS_TRADING: &str = r#"{"ipRestrict":false,"enableReading":true,"enableWithdrawals":false,"enableSpotAndMarginTrading":true}"#;

/// Binance's error answer `{"code":code,"msg":msg}`.
fn error(status: u16, code: i32, msg: &str) -> Canned {
    Canned::json(status, format!(r#"{{"code":{code},"msg":"{msg}"}}"#))
}

fn clock_skew() -> Canned {
    error(
        400,
        -1021,
        "Timestamp for this request is outside of the recvWindow.",
    )
}

/// A mock Binance that answers `answer` to `apiRestrictions`.
pub fn mock(answer: &str) -> RunningMock {
    MockServer::new()
        .route("GET", API_RESTRICTIONS, Canned::json(200, answer))
        .start()
}

/// What the exchange verifies the signature with.
pub enum Signer {
    Hmac(String),
    Ed25519(ed25519_dalek::VerifyingKey),
    Rsa(rsa::RsaPublicKey),
}

fn signature_ok(signer: &Signer, payload: &str, signature: &str) -> bool {
    let base64 = || {
        let s = percent_encoding::percent_decode_str(signature)
            .decode_utf8()
            .ok()?;
        base64::engine::general_purpose::STANDARD
            .decode(s.as_bytes())
            .ok()
    };
    match signer {
        Signer::Hmac(secret) => {
            hex(&hmac_sha256(secret.as_bytes(), payload.as_bytes())).eq_ignore_ascii_case(signature)
        }
        Signer::Ed25519(public) => {
            use ed25519_dalek::Verifier as _;
            let Some(raw) = base64() else { return false };
            ed25519_dalek::Signature::from_slice(&raw)
                .is_ok_and(|sig| public.verify(payload.as_bytes(), &sig).is_ok())
        }
        Signer::Rsa(public) => {
            use rsa::signature::Verifier as _;
            let Some(raw) = base64() else { return false };
            rsa::pkcs1v15::Signature::try_from(raw.as_slice()).is_ok_and(|sig| {
                rsa::pkcs1v15::VerifyingKey::<Sha256>::new(public.clone())
                    .verify(payload.as_bytes(), &sig)
                    .is_ok()
            })
        }
    }
}

/// Asserts that `req` is the SIGNED request Binance accepts for `api_key` signed by `signer`,
/// from an exchange whose clock is `ahead_ms` ahead of ours.
pub fn assert_signed(req: &Recorded, api_key: &str, signer: &Signer, ahead_ms: i64) {
    assert_eq!((req.method.as_str(), req.path()), ("GET", API_RESTRICTIONS));
    assert!(req.body.is_empty());
    assert_eq!(req.header("X-MBX-APIKEY"), Some(api_key));
    assert!(req.header("User-Agent").unwrap().starts_with("leakhound/"));
    let (payload, signature) = req
        .query()
        .rsplit_once("&signature=")
        .expect("the signature is the last parameter");
    let params: Vec<&str> = payload.split('&').collect();
    assert_eq!(params.len(), 2, "only recvWindow and timestamp: {payload}");
    assert_eq!(req.query_param("recvWindow"), Some("5000"));
    let timestamp: i64 = req.query_param("timestamp").unwrap().parse().unwrap();
    // Binance's window: not more than 1 s ahead of its clock, at most recvWindow behind.
    let server_time = req.received_ms() + ahead_ms;
    assert!(
        timestamp < server_time + 1000 && server_time - timestamp <= 5000,
        "timestamp {timestamp} outside the window at server time {server_time}"
    );
    assert!(
        signature_ok(signer, payload, signature),
        "bad signature {signature} over {payload}"
    );
}

/// Every documented answer, for one HMAC key + secret pair.
#[test]
fn answers() {
    let (key, secret, text) = binance_pair(1);
    let scenario = Scenario {
        provider: "BINANCE",
        method: "GET",
        path: API_RESTRICTIONS,
        files: vec![("a/.env", text)],
        rule: "binance-secret-key",
        secrets: vec![key.clone(), secret.clone()],
    };
    let html_page = "<html><body>Request blocked</body></html>";
    let cases = vec![
        case(
            "withdraw-capable key",
            Canned::json(200, RESTRICTIONS_WITHDRAW),
            live("critical")
                .with("/provider", "binance")
                .with("/permissions/enableWithdrawals", true)
                .with("/permissions/ipRestrict", false)
                .with("/identity/key_type", "HMAC"),
        ),
        case(
            "IP-locked read-only key",
            Canned::json(200, RESTRICTIONS_READ_ONLY),
            live("low").with("/permissions/ipRestrict", true),
        ),
        case(
            "trading key without an IP lock",
            Canned::json(200, RESTRICTIONS_TRADING),
            live("high"),
        ),
        case(
            "-2014 malformed key",
            error(400, -2014, "API-key format invalid."),
            dead("malformed-key"),
        ),
        case(
            "-2015 invalid key, IP or permissions (Binance does not say which)",
            error(
                401,
                -2015,
                "Invalid API-key, IP, or permissions for action.",
            ),
            unsure("ambiguous-answer"),
        ),
        case(
            "-1022 bad signature: the exchange knows the key with another secret",
            error(400, -1022, "Signature for this request is not valid."),
            unsure("secret-mismatch").detail("key exists but this secret does not match"),
        ),
        case(
            "-1002 not authorized",
            error(
                400,
                -1002,
                "You are not authorized to execute this request.",
            ),
            unsure("ambiguous-answer"),
        ),
        case(
            "451 restricted location",
            error(
                451,
                0,
                "Service unavailable from a restricted location according to 'b. Eligibility'",
            ),
            unsure("geo-blocked"),
        ),
        case(
            "403 WAF page",
            Canned::html(403, html_page),
            unsure("waf-blocked"),
        ),
        case(
            "500 unknown error",
            error(
                500,
                -1000,
                "An unknown error occurred while processing the request.",
            ),
            unsure("upstream-error"),
        ),
        case(
            "502 HTML page",
            Canned::html(502, html_page),
            unsure("upstream-error"),
        ),
        case(
            "200 HTML portal",
            Canned::html(200, "<html>portal</html>"),
            unsure("ambiguous-answer"),
        ),
        case(
            "200 JSON without the permission flags",
            Canned::json(200, r#"{"code":0}"#),
            unsure("ambiguous-answer"),
        ),
        case(
            "200 garbage JSON",
            Canned::json(200, r#"{"ipRestrict":tru"#),
            unsure("ambiguous-answer"),
        ),
        case(
            "429 rate limited",
            error(429, -1003, "Too many requests.").header("Retry-After", "30"),
            unsure("rate-limited").detail("retry after 30 s"),
        ),
        case(
            "418 IP banned",
            error(418, -1003, "Way too many requests; IP banned."),
            unsure("ip-banned"),
        ),
    ];
    scenario.run(cases, |req| {
        assert_signed(req, &key, &Signer::Hmac(secret.clone()), 0);
    });
}

#[test]
fn a_live_key_gets_delete_and_rotate_advice() {
    let (key, secret, text) = binance_pair(2);
    let dir = tree(&[("a/.env", text)]);
    let mock = mock(RESTRICTIONS_WITHDRAW);
    let run = leakhound(dir.path(), SCAN_VERIFY, &[("BINANCE", &mock)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = verification_of(&run.json(), "binance-secret-key");
    let advice: Vec<&str> = v["advice"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(advice[0].starts_with("Delete this key now"), "{advice:?}");
    // createTime is in 2023: more than the rotation age.
    assert!(advice.iter().any(|a| a.starts_with("Rotate")), "{advice:?}");
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 1);
    assert_signed(&reqs[0], &key, &Signer::Hmac(secret), 0);
}

#[test]
fn the_text_report_shows_status_permissions_risk_and_advice() {
    let (key, secret, text) = binance_pair(3);
    let dir = tree(&[("a/.env", text)]);
    let mock = mock(RESTRICTIONS_READ_ONLY);
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify", "--color", "never"],
        &[("BINANCE", &mock)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    for line in [
        "verified:    LIVE at Binance, risk LOW",
        "permissions: enableReading=true",
        "advice:",
    ] {
        assert!(run.stdout.contains(line), "{line}: {}", run.stdout);
    }
    assert!(
        run.stderr.contains("verification: 1 live"),
        "{}",
        run.stderr
    );
    run.assert_no_secret(&[&key, &secret]);
    assert_eq!(mock.requests().len(), 1);
}

#[test]
fn clock_skew_resyncs_once_with_the_server_time() {
    let (key, secret, text) = binance_pair(4);
    let dir = tree(&[("a/.env", text)]);
    // The exchange's clock runs 20 s ahead of ours: the first request is outside its window.
    const AHEAD_MS: i64 = 20_000;
    let started = now_ms();
    let mock = MockServer::new()
        .route_seq(
            "GET",
            API_RESTRICTIONS,
            vec![clock_skew(), Canned::json(200, RESTRICTIONS_READ_ONLY)],
        )
        .route(
            "GET",
            SERVER_TIME,
            Canned::json(200, format!(r#"{{"serverTime":{}}}"#, started + AHEAD_MS)),
        )
        .start();
    let run = leakhound(dir.path(), SCAN_VERIFY, &[("BINANCE", &mock)]);
    let v = verification_of(&run.json(), "binance-secret-key");
    assert_eq!(v["status"], "live", "{v}");
    let reqs = mock.requests();
    let paths: Vec<&str> = reqs.iter().map(Recorded::path).collect();
    assert_eq!(paths, [API_RESTRICTIONS, SERVER_TIME, API_RESTRICTIONS]);
    assert!(
        reqs[1].header("X-MBX-APIKEY").is_none() && reqs[1].query().is_empty(),
        "the time endpoint is public and unsigned"
    );
    // The retry is signed with a timestamp inside the exchange's window.
    let signer = Signer::Hmac(secret);
    assert_signed(&reqs[2], &key, &signer, AHEAD_MS);
}

#[test]
fn persistent_clock_skew_is_indeterminate_after_one_resync() {
    let (_, _, text) = binance_pair(5);
    let dir = tree(&[("a/.env", text)]);
    // A server whose /time lies: every signed request stays outside the window.
    let mock = MockServer::new()
        .route("GET", API_RESTRICTIONS, clock_skew())
        .route(
            "GET",
            SERVER_TIME,
            Canned::json(200, format!(r#"{{"serverTime":{}}}"#, now_ms())),
        )
        .start();
    let run = leakhound(dir.path(), SCAN_VERIFY, &[("BINANCE", &mock)]);
    let v = verification_of(&run.json(), "binance-secret-key");
    crate::unsure("clock-skew").check("persistent skew", &v);
    assert_eq!(mock.requests().len(), 3, "one resync, one retry, no more");
}

/// The `BINANCE_PRIVATE_KEY` PEM of an Ed25519 `seed`, with `\n` escapes as in a `.env` file.
fn ed25519_pem(seed: &[u8; 32]) -> String {
    // PKCS#8 OneAsymmetricKey for Ed25519, then the 32-byte seed.
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(seed);
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let label = "PRIVATE KEY";
    format!("-----BEGIN {label}-----\\n{b64}\\n-----END {label}-----")
}

#[test]
fn ed25519_self_generated_key() {
    let key = fake(64, 6);
    let seed: [u8; 32] = fake(32, 7).as_bytes().try_into().unwrap();
    let signing = ed25519_dalek::SigningKey::from_bytes(&seed);
    let pem = ed25519_pem(&seed);
    let dir = tree(&[(
        "bot/.env",
        format!("BINANCE_API_KEY={key}\nBINANCE_PRIVATE_KEY=\"{pem}\"\n"),
    )]);
    let mock = mock(RESTRICTIONS_READ_ONLY);
    let run = leakhound(dir.path(), SCAN_VERIFY, &[("BINANCE", &mock)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = verification_of(&run.json(), "binance-ed25519-private-key");
    live("low")
        .with("/identity/key_type", "Ed25519")
        .check("Ed25519", &v);
    run.assert_no_secret(&[&key, &pem[40..80]]);
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 1);
    let signer = Signer::Ed25519(signing.verifying_key());
    assert_signed(&reqs[0], &key, &signer, 0);
}

#[test]
fn rsa_self_generated_key_near_the_api_key() {
    use rand_chacha::rand_core::SeedableRng as _;
    use rsa::pkcs8::EncodePrivateKey as _;
    let key = fake(64, 8);
    // A fixed-seed generator: the same 1024-bit key on every run.
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(8);
    let private = rsa::RsaPrivateKey::new(&mut rng, 1024).unwrap();
    let pem = private
        .to_pkcs8_pem(Default::default())
        .unwrap()
        .to_string();
    let dir = tree(&[("keys/binance.txt", format!("BINANCE_API_KEY={key}\n{pem}"))]);
    let mock = mock(RESTRICTIONS_READ_ONLY);
    let run = leakhound(dir.path(), SCAN_VERIFY, &[("BINANCE", &mock)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = run.json();
    // Both findings (the API key and the private key) are the one credential: one request.
    for rule in ["binance-api-key", "private-key-pkcs8"] {
        live("low")
            .with("/identity/key_type", "RSA")
            .check(rule, &verification_of(&doc, rule));
    }
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 1);
    let signer = Signer::Rsa(private.to_public_key());
    assert_signed(&reqs[0], &key, &signer, 0);
}

#[test]
fn lone_parts_are_skipped_as_missing_counterparts() {
    let dir = tree(&[
        ("a/.env", crate::common::binance_key_line(9) + "\n"),
        ("b/.env", crate::common::binance_secret_line(10) + "\n"),
    ]);
    let mock = MockServer::new().fallback(Canned::json(500, "{}")).start();
    let run = leakhound(dir.path(), SCAN_VERIFY, &[("BINANCE", &mock)]);
    let doc = run.json();
    let all = crate::findings(&doc);
    assert_eq!(all.len(), 2, "{doc}");
    for f in all {
        crate::skipped("missing-counterpart").check("lone part", &f["verification"]);
    }
    assert!(mock.requests().is_empty());
}
