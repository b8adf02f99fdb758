//! Coinbase CDP keys: `GET /api/v3/brokerage/key_permissions` with a JWT signed by the key
//! (EdDSA for Ed25519 keys, ES256 for ECDSA keys), checked as Coinbase checks it, and each
//! answer mapped to a verdict.

use ring::signature::KeyPair as _;
use serde_json::Value;

use crate::common::mock_server::{Canned, Recorded};
use crate::exchanges::{b64, bytes, hex_digits, http_cases, uuid, Exchange};
use crate::{case, dead, live, now_ms, unsure};

const KEY_PERMISSIONS: &str = "/api/v3/brokerage/key_permissions";
const URI: &str = "GET api.coinbase.com/api/v3/brokerage/key_permissions";

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn b64url_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap()
}

/// CDP docs, "JWT Authentication": header `{alg, kid, nonce, typ: "JWT"}`, claims `{sub, iss:
/// "cdp", nbf, exp: nbf + 120, uri: "GET host/path"}`, each base64url, joined by a dot.
fn signing_input(alg: &str, name: &str, nonce: &str, nbf: u64) -> String {
    let header = format!(r#"{{"alg":"{alg}","kid":"{name}","nonce":"{nonce}","typ":"JWT"}}"#);
    let claims = format!(
        r#"{{"sub":"{name}","iss":"cdp","nbf":{nbf},"exp":{},"uri":"{URI}"}}"#,
        nbf + 120
    );
    format!(
        "{}.{}",
        b64url(header.as_bytes()),
        b64url(claims.as_bytes())
    )
}

/// The EdDSA JWT signature against a vector computed independently (python `cryptography`):
/// seed `bytes(32, 147)`, key id `uuid(148)`, nonce `hex_digits(32, 149)`, nbf 1700000000.
#[test]
fn signature_vector() {
    let seed: [u8; 32] = bytes(32, 147).try_into().unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    let input = signing_input("EdDSA", &uuid(148), &hex_digits(32, 149), 1_700_000_000);
    use ed25519_dalek::Signer as _;
    assert_eq!(
        b64url(&key.sign(input.as_bytes()).to_bytes()),
        "szq_ev9F2YtN477FHva8aKc3XDdm_ZPFfU42E1NWjKA4mvtCvbeEOLd_Kv-_yYAgb08_K4yVfQrrhqdobclNDw"
    );
}

fn permissions(view: bool, trade: bool, transfer: bool) -> Canned {
    Canned::json(
        200,
        format!(
            r#"{{"can_view":{view},"can_trade":{trade},"can_transfer":{transfer},"portfolio_uuid":"p","portfolio_type":"DEFAULT"}}"#
        ),
    )
}

/// The JWT's header, claims, signing input and signature, after checking the claims.
fn jwt_parts(req: &Recorded, name: &str, alg: &str) -> (String, Vec<u8>) {
    assert_eq!(
        (req.method.as_str(), req.url.as_str()),
        ("GET", KEY_PERMISSIONS)
    );
    let token = req
        .header("Authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .expect("a bearer JWT");
    let mut parts = token.split('.');
    let (h, c, s) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let header: Value = serde_json::from_slice(&b64url_decode(h)).unwrap();
    let claims: Value = serde_json::from_slice(&b64url_decode(c)).unwrap();
    assert_eq!(header["alg"], alg);
    assert_eq!(header["kid"], name);
    assert_eq!(header["typ"], "JWT");
    assert_eq!(header["nonce"].as_str().unwrap().len(), 32);
    assert_eq!(claims["sub"], name);
    assert_eq!(claims["iss"], "cdp");
    assert_eq!(claims["uri"], URI);
    let nbf = claims["nbf"].as_i64().unwrap();
    assert_eq!(claims["exp"].as_i64().unwrap(), nbf + 120);
    assert!((now_ms() / 1000 - nbf).abs() <= 30, "nbf {nbf} is not now");
    (format!("{h}.{c}"), b64url_decode(s))
}

#[test]
fn ed25519_key_answers() {
    let seed: [u8; 32] = bytes(32, 1).try_into().unwrap();
    let signing = ed25519_dalek::SigningKey::from_bytes(&seed);
    let mut raw = seed.to_vec();
    raw.extend_from_slice(signing.verifying_key().as_bytes());
    let secret = b64(&raw);
    let id = uuid(2);
    let exchange = Exchange {
        provider: "COINBASE",
        method: "GET",
        path: KEY_PERMISSIONS,
        files: vec![(
            "cdp/.env",
            format!("CDP_API_KEY_ID={id}\nCDP_API_KEY_SECRET={secret}\n"),
        )],
        rule: "coinbase-cdp-api-key-secret",
        secrets: vec![secret.clone()],
        env: Vec::new(),
    };
    let mut cases = vec![
        case(
            "live view-only key",
            permissions(true, false, false),
            live("low")
                .with("/provider", "coinbase")
                .with("/permissions/can_view", true)
                .with("/identity/portfolio_type", "DEFAULT"),
        ),
        case(
            "live transfer-capable key",
            permissions(true, true, true),
            live("critical").with("/permissions/can_transfer", true),
        ),
        // The answer does not say whether the key has an IP allowlist: trading counts as open.
        case(
            "live trading key",
            permissions(true, true, false),
            live("high"),
        ),
        case(
            "401 unknown key or wrong private key",
            Canned::new(401, "text/plain", "Unauthorized\n"),
            dead("rejected"),
        ),
        case(
            "403 forbidden (IP allowlist?)",
            Canned::json(403, r#"{"error":"PERMISSION_DENIED"}"#),
            unsure("ambiguous-answer"),
        ),
    ];
    cases.extend(http_cases());
    exchange.run(cases, |req| {
        let (input, sig) = jwt_parts(req, &id, "EdDSA");
        // Ed25519 is deterministic: the exact bytes are known.
        use ed25519_dalek::Signer as _;
        assert_eq!(sig, signing.sign(input.as_bytes()).to_bytes().to_vec());
    });
}

/// A P-256 key as CDP's JSON download holds it: SEC1 PEM with `\n` escapes.
fn ec_key() -> (ring::signature::EcdsaKeyPair, String) {
    let rng = ring::rand::SystemRandom::new();
    let alg = &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING;
    let pkcs8 = ring::signature::EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
    let der = pkcs8.as_ref();
    // PKCS#8 { version, AlgorithmIdentifier (21 bytes), OCTET STRING { ECPrivateKey } }.
    assert_eq!(der[27], 0x04);
    let sec1 = &der[29..29 + usize::from(der[28])];
    let body = b64(sec1);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let label = "EC PRIVATE KEY";
    let pem = format!(
        "-----BEGIN {label}-----\\n{}\\n-----END {label}-----\\n",
        lines.join("\\n")
    );
    let pair = ring::signature::EcdsaKeyPair::from_pkcs8(alg, der, &rng).unwrap();
    (pair, pem)
}

#[test]
fn ecdsa_key_answers() {
    let (pair, pem) = ec_key();
    let name = format!("organizations/{}/apiKeys/{}", uuid(3), uuid(4));
    let exchange = Exchange {
        provider: "COINBASE",
        method: "GET",
        path: KEY_PERMISSIONS,
        files: vec![(
            "cdp_api_key.json",
            format!("{{\n   \"name\": \"{name}\",\n   \"privateKey\": \"{pem}\"\n}}\n"),
        )],
        rule: "coinbase-cdp-api-key",
        secrets: vec![pem[40..100].to_string()],
        env: Vec::new(),
    };
    let cases = vec![
        case(
            "live view-only key",
            permissions(true, false, false),
            live("low"),
        ),
        case(
            "401",
            Canned::new(401, "text/plain", "Unauthorized\n"),
            dead("rejected"),
        ),
        case(
            "502 (never dead)",
            Canned::html(502, "<html>bad gateway</html>"),
            unsure("upstream-error"),
        ),
    ];
    let public = pair.public_key().as_ref().to_vec();
    exchange.run(cases, |req| {
        let (input, sig) = jwt_parts(req, &name, "ES256");
        // ECDSA is randomised: verify with the public key.
        ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, &public)
            .verify(input.as_bytes(), &sig)
            .expect("a valid ES256 signature");
    });
}
