//! Request signing, as each provider specifies it, with no I/O so every scheme is pinned by the
//! providers' own published test vectors (see the tests at the bottom).
//!
//! - HMAC-SHA256, lowercase hex (Binance system-generated keys).
//! - Ed25519, pure RFC 8032 (Binance self-generated keys), base64 then percent-encoded.
//! - RSASSA-PKCS1-v1_5 with SHA-256 (Binance self-generated RSA keys), base64 then
//!   percent-encoded.
//! - AWS Signature Version 4 (STS `GetCallerIdentity`).
//! - HMAC-SHA256 base64 (OKX, KuCoin, Bitget), HMAC-SHA512 hex (Gate), HMAC-SHA512 base64 over
//!   a SHA-256 (Kraken), ES256 and Ed25519 JWTs (Coinbase CDP), all on `ring`.
//!
//! HMAC, SHA-2, ECDSA P-256 and the Ed25519 of the exchanges use `ring` (already in the tree
//! through rustls). Binance's Ed25519/RSA keys still go through ed25519-dalek and rsa: ring
//! refuses RSA keys under 2048 bits, which Binance accepts.
//!
//! Private keys found in files arrive as text in many shapes (PEM with real line breaks, PEM
//! with `\n` escapes inside a JSON or `.env` string, indented YAML blocks, bare base64), so
//! [`pem_body_der`] normalises them before parsing.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
// One trait each for both key types: ed25519-dalek and rsa share pkcs8 0.10 and signature 2.
use ed25519_dalek::pkcs8::DecodePrivateKey as _;
use ed25519_dalek::Signer as _;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair as _};
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::signature::SignatureEncoding as _;
use sha2::Sha256;

pub use crate::encoding::hex;

fn ring_hmac(alg: ring::hmac::Algorithm, key: &[u8], msg: &[u8]) -> Vec<u8> {
    let key = ring::hmac::Key::new(alg, key);
    ring::hmac::sign(&key, msg).as_ref().to_vec()
}

/// Raw HMAC-SHA256 of `msg` under `key`.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&ring_hmac(ring::hmac::HMAC_SHA256, key, msg));
    out
}

/// Raw HMAC-SHA512 of `msg` under `key` (Gate, Kraken).
pub fn hmac_sha512(key: &[u8], msg: &[u8]) -> Vec<u8> {
    ring_hmac(ring::hmac::HMAC_SHA512, key, msg)
}

/// Base64 (standard alphabet, padded) HMAC-SHA256: OKX, KuCoin and Bitget signatures.
pub fn hmac_sha256_base64(key: &[u8], msg: &[u8]) -> String {
    BASE64.encode(hmac_sha256(key, msg))
}

/// Raw SHA-256.
pub fn sha256(data: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .to_vec()
}

/// Lowercase hex SHA-512 (Gate's body hash).
pub fn sha512_hex(data: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA512, data).as_ref())
}

/// Standard base64, padded.
pub fn base64(data: &[u8]) -> String {
    BASE64.encode(data)
}

/// Standard base64 decoding (whitespace ignored); `None` if it is not base64.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    BASE64.decode(clean.as_bytes()).ok()
}

/// URL-safe base64 without padding, as JWTs use.
pub fn base64url(data: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}

/// `n` random bytes as lowercase hex (JWT nonces).
pub fn random_hex(n: usize) -> String {
    use ring::rand::SecureRandom as _;
    let mut bytes = vec![0u8; n];
    // The system RNG does not fail on supported platforms; a zero nonce is still valid.
    let _ = ring::rand::SystemRandom::new().fill(&mut bytes);
    hex(&bytes)
}

/// DER length bytes.
fn der_len(n: usize) -> Vec<u8> {
    if n < 0x80 {
        vec![n as u8]
    } else if n < 0x100 {
        vec![0x81, n as u8]
    } else {
        vec![0x82, (n >> 8) as u8, n as u8]
    }
}

/// Wraps a SEC1 `ECPrivateKey` (`BEGIN EC PRIVATE KEY`) for P-256 into PKCS#8, which is what
/// `ring` reads. The SEC1 key must carry its public key, as Coinbase's do.
fn sec1_p256_to_pkcs8(sec1: &[u8]) -> Vec<u8> {
    // AlgorithmIdentifier { id-ecPublicKey, prime256v1 }
    const ALG: &[u8] = &[
        0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86,
        0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
    ];
    let mut octets = vec![0x04];
    octets.extend(der_len(sec1.len()));
    octets.extend_from_slice(sec1);
    let mut body = vec![0x02, 0x01, 0x00];
    body.extend_from_slice(ALG);
    body.extend(octets);
    let mut der = vec![0x30];
    der.extend(der_len(body.len()));
    der.extend(body);
    der
}

/// An ECDSA P-256 key (Coinbase CDP "ECDSA" keys) from a SEC1 or PKCS#8 PEM, in any wrapping.
pub fn es256_key(text: &str) -> Result<EcdsaKeyPair, KeyError> {
    let der = pem_body_der(text)?;
    let der = if text.contains("EC PRIVATE KEY") {
        sec1_p256_to_pkcs8(&der)
    } else {
        der
    };
    let rng = ring::rand::SystemRandom::new();
    EcdsaKeyPair::from_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        &der,
        &rng,
    )
    .map_err(|_| KeyError::Unparsable("not an unencrypted P-256 EC private key"))
}

/// ES256 (ECDSA P-256 SHA-256) signature of `msg` in the fixed `r || s` form JWTs use.
/// Randomised, as ECDSA is: verify it with the public key, do not compare bytes.
pub fn es256_sign(key: &EcdsaKeyPair, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
    let rng = ring::rand::SystemRandom::new();
    key.sign(&rng, msg)
        .map(|sig| sig.as_ref().to_vec())
        .map_err(|_| KeyError::Unparsable("ECDSA signing failed"))
}

/// The uncompressed public point of an ES256 key (for tests and identities).
pub fn es256_public(key: &EcdsaKeyPair) -> Vec<u8> {
    key.public_key().as_ref().to_vec()
}

/// An Ed25519 key from base64 of its 32-byte seed or of seed + public key (64 bytes, as
/// Coinbase CDP hands them out).
pub fn ed25519_seed_key(text: &str) -> Result<Ed25519KeyPair, KeyError> {
    let raw = base64_decode(text.trim().trim_matches(['"', '\'']))
        .ok_or(KeyError::Unparsable("the key is not valid base64"))?;
    if raw.len() != 32 && raw.len() != 64 {
        return Err(KeyError::Unparsable(
            "an Ed25519 key is 32 or 64 bytes of base64",
        ));
    }
    Ed25519KeyPair::from_seed_unchecked(&raw[..32])
        .map_err(|_| KeyError::Unparsable("not an Ed25519 seed"))
}

/// Pure Ed25519 signature (RFC 8032) of `msg`.
pub fn ed25519_seed_sign(key: &Ed25519KeyPair, msg: &[u8]) -> Vec<u8> {
    key.sign(msg).as_ref().to_vec()
}

/// Lowercase hex HMAC-SHA256: Binance's `signature` for HMAC keys.
pub fn hmac_sha256_hex(key: &[u8], msg: &[u8]) -> String {
    hex(&hmac_sha256(key, msg))
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&sha256(data))
}

/// RFC 3986 unreserved characters stay as they are; everything else is `%XX`. This is what
/// both Binance (for base64 signatures: `+`, `/`, `=`) and AWS SigV4 (for canonical query
/// strings) expect.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes `s` (RFC 3986: only unreserved characters are kept).
pub fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, NOT_UNRESERVED).to_string()
}

/// Why a private key could not be used to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// Not base64 / not DER / not the expected algorithm. Never carries key material.
    Unparsable(&'static str),
}

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyError::Unparsable(why) => f.write_str(why),
        }
    }
}

/// The DER bytes inside a PEM block (or bare base64), whatever wraps it: real or escaped
/// (`\n`, `\r`) line breaks, indentation, quotes.
pub fn pem_body_der(text: &str) -> Result<Vec<u8>, KeyError> {
    let mut body = String::with_capacity(text.len());
    for line in text.replace("\\r", "\n").replace("\\n", "\n").lines() {
        let line = line.trim().trim_matches(['"', '\'']);
        if line.starts_with("-----") || line.is_empty() {
            continue;
        }
        body.push_str(line);
    }
    let body: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    BASE64
        .decode(body.as_bytes())
        .map_err(|_| KeyError::Unparsable("the key's body is not valid base64"))
}

/// An Ed25519 signing key from PKCS#8 (PEM or bare base64), as Binance's key generator and
/// `openssl genpkey -algorithm ed25519` write it.
pub fn ed25519_key(text: &str) -> Result<ed25519_dalek::SigningKey, KeyError> {
    let der = pem_body_der(text)?;
    ed25519_dalek::SigningKey::from_pkcs8_der(&der)
        .map_err(|_| KeyError::Unparsable("not an unencrypted PKCS#8 Ed25519 private key"))
}

/// Ed25519 signature of `msg`, base64 (standard alphabet, padded), not yet percent-encoded.
pub fn ed25519_sign_base64(key: &ed25519_dalek::SigningKey, msg: &[u8]) -> String {
    BASE64.encode(key.sign(msg).to_bytes())
}

/// An RSA private key from PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`).
pub fn rsa_key(text: &str) -> Result<rsa::RsaPrivateKey, KeyError> {
    let der = pem_body_der(text)?;
    let key = if text.contains("RSA PRIVATE KEY") {
        rsa::RsaPrivateKey::from_pkcs1_der(&der).ok()
    } else {
        rsa::RsaPrivateKey::from_pkcs8_der(&der).ok()
    };
    key.ok_or(KeyError::Unparsable("not an unencrypted RSA private key"))
}

/// RSASSA-PKCS1-v1_5 SHA-256 signature of `msg`, base64, not yet percent-encoded.
/// Deterministic (PKCS#1 v1.5 needs no randomness).
pub fn rsa_sign_base64(key: &rsa::RsaPrivateKey, msg: &[u8]) -> String {
    let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(key.clone());
    BASE64.encode(signer.sign(msg).to_bytes())
}

/// AWS Signature Version 4, for one request with a body in memory.
///
/// Follows docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html;
/// pinned by the AWS SigV4 test suite (`get-vanilla`, `get-vanilla-query-order-key-case`,
/// `post-vanilla`).
pub struct SigV4<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub region: &'a str,
    pub service: &'a str,
    /// `YYYYMMDDTHHMMSSZ`.
    pub amz_date: &'a str,
}

impl SigV4<'_> {
    /// Canonical request: method, URI, sorted query, sorted lowercase headers (which must
    /// include `host` and `x-amz-date`), signed header names, payload hash.
    pub fn canonical_request(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
        payload: &[u8],
    ) -> (String, String) {
        let uri = if path.is_empty() {
            "/".to_string()
        } else {
            path.split('/')
                .map(percent_encode)
                .collect::<Vec<_>>()
                .join("/")
        };
        let mut q: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| (percent_encode(k), percent_encode(v)))
            .collect();
        q.sort();
        let canonical_query = q
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        let mut h: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| {
                (
                    k.to_ascii_lowercase(),
                    v.split_whitespace().collect::<Vec<_>>().join(" "),
                )
            })
            .collect();
        h.sort();
        let canonical_headers: String = h.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
        let signed_headers = h
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>()
            .join(";");
        let request = format!(
            "{method}\n{uri}\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{}",
            sha256_hex(payload)
        );
        (request, signed_headers)
    }

    fn scope(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            &self.amz_date[..8.min(self.amz_date.len())],
            self.region,
            self.service
        )
    }

    /// The string to sign for a canonical request.
    pub fn string_to_sign(&self, canonical_request: &str) -> String {
        format!(
            "AWS4-HMAC-SHA256\n{}\n{}\n{}",
            self.amz_date,
            self.scope(),
            sha256_hex(canonical_request.as_bytes())
        )
    }

    /// The derived signing key: HMAC chain over date, region, service, `aws4_request`.
    pub fn signing_key(&self) -> [u8; 32] {
        let date = &self.amz_date[..8.min(self.amz_date.len())];
        let k_date = hmac_sha256(
            format!("AWS4{}", self.secret_access_key).as_bytes(),
            date.as_bytes(),
        );
        let k_region = hmac_sha256(&k_date, self.region.as_bytes());
        let k_service = hmac_sha256(&k_region, self.service.as_bytes());
        hmac_sha256(&k_service, b"aws4_request")
    }

    /// The `Authorization` header value for the request.
    pub fn authorization(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
        payload: &[u8],
    ) -> String {
        let (canonical, signed_headers) =
            self.canonical_request(method, path, query, headers, payload);
        let signature = hex(&hmac_sha256(
            &self.signing_key(),
            self.string_to_sign(&canonical).as_bytes(),
        ));
        format!(
            "AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={signed_headers}, Signature={signature}",
            self.access_key_id,
            self.scope()
        )
    }
}

/// `20150830T123600Z` for `secs` since the Unix epoch (UTC).
pub fn amz_date(secs: i64) -> String {
    crate::time::iso8601_utc(secs).replace(['-', ':'], "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::Verifier as _;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// Binance's documented HMAC example ("SIGNED Endpoint Examples for POST /api/v3/order").
    #[test]
    fn binance_hmac_documented_example() {
        let secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
        let payload = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
        assert_eq!(
            hmac_sha256_hex(secret.as_bytes(), payload.as_bytes()),
            "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
        );
        // The same documentation's non-ASCII example: percent-encode before signing.
        let payload = format!(
            "symbol={}&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559",
            percent_encode("１２３４５６")
        );
        assert!(payload.starts_with("symbol=%EF%BC%91%EF%BC%92"));
        assert_eq!(
            hmac_sha256_hex(secret.as_bytes(), payload.as_bytes()),
            "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3"
        );
    }

    /// RFC 8032 section 7.1, TEST 1 and TEST 2.
    #[test]
    fn ed25519_rfc8032_vectors() {
        for (seed, public, msg, sig) in [
            (
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                "",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            ),
            (
                "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
                "72",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
            ),
        ] {
            let seed: [u8; 32] = unhex(seed).try_into().unwrap();
            let key = ed25519_dalek::SigningKey::from_bytes(&seed);
            assert_eq!(hex(key.verifying_key().as_bytes()), public);
            let b64 = ed25519_sign_base64(&key, &unhex(msg));
            assert_eq!(hex(&BASE64.decode(b64).unwrap()), sig);
        }
    }

    /// The RFC 8032 TEST 1 secret as PKCS#8, in the shapes files hold it.
    #[test]
    fn ed25519_key_from_pkcs8_in_any_wrapping() {
        let body = "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g";
        let public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
        for text in [
            body.to_string(),
            format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----"),
            format!("-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----"),
            format!("-----BEGIN PRIVATE KEY-----\n    {body}\n    -----END PRIVATE KEY-----"),
        ] {
            let key = ed25519_key(&text).unwrap();
            assert_eq!(hex(key.verifying_key().as_bytes()), public);
        }
        assert!(ed25519_key("-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END").is_err());
    }

    #[test]
    fn rsa_signature_verifies_with_the_public_key() {
        use rsa::pkcs8::EncodePrivateKey as _;
        use rsa::signature::Verifier as _;
        let mut rng = rsa::rand_core::OsRng;
        let key = rsa::RsaPrivateKey::new(&mut rng, 1024).unwrap();
        let pem = key.to_pkcs8_pem(Default::default()).unwrap().to_string();
        let parsed = rsa_key(&pem).unwrap();
        let msg = b"recvWindow=5000&timestamp=1499827319559";
        let sig = BASE64.decode(rsa_sign_base64(&parsed, msg)).unwrap();
        let verifier = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key.to_public_key());
        let sig = rsa::pkcs1v15::Signature::try_from(sig.as_slice()).unwrap();
        verifier.verify(msg, &sig).unwrap();
        // Deterministic: the same message signs the same.
        assert_eq!(rsa_sign_base64(&parsed, msg), rsa_sign_base64(&parsed, msg));
    }

    #[test]
    fn ed25519_signature_verifies() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
        let msg = b"recvWindow=5000&timestamp=1";
        let sig = BASE64.decode(ed25519_sign_base64(&key, msg)).unwrap();
        let sig = ed25519_dalek::Signature::from_slice(&sig).unwrap();
        key.verifying_key().verify(msg, &sig).unwrap();
    }

    #[test]
    fn percent_encoding_is_rfc3986() {
        assert_eq!(percent_encode("a+b/c=="), "a%2Bb%2Fc%3D%3D");
        assert_eq!(percent_encode("A-z_0.9~"), "A-z_0.9~");
        assert_eq!(percent_encode("a b"), "a%20b");
    }

    fn suite() -> SigV4<'static> {
        SigV4 {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            region: "us-east-1",
            service: "service",
            amz_date: "20150830T123600Z",
        }
    }

    /// AWS SigV4 test suite: `get-vanilla`.
    #[test]
    fn sigv4_get_vanilla() {
        let s = suite();
        let headers = [
            ("Host", "example.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
        ];
        let (canonical, signed) = s.canonical_request("GET", "/", &[], &headers, b"");
        assert_eq!(
            canonical,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(signed, "host;x-amz-date");
        assert_eq!(
            s.string_to_sign(&canonical),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
        );
        assert_eq!(
            hex(&s.signing_key()),
            "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75"
        );
        assert_eq!(
            s.authorization("GET", "/", &[], &headers, b""),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    /// AWS SigV4 test suite: `get-vanilla-query-order-key-case` (query sorted by name).
    #[test]
    fn sigv4_get_vanilla_query_order() {
        let headers = [
            ("Host", "example.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
        ];
        let auth = suite().authorization(
            "GET",
            "/",
            &[("Param2", "value2"), ("Param1", "value1")],
            &headers,
            b"",
        );
        assert!(auth.ends_with(
            "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        ));
    }

    /// AWS SigV4 test suite: `post-vanilla`.
    #[test]
    fn sigv4_post_vanilla() {
        let headers = [
            ("Host", "example.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
        ];
        let auth = suite().authorization("POST", "/", &[], &headers, b"");
        assert!(auth.ends_with(
            "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        ));
    }

    #[test]
    fn amz_dates() {
        assert_eq!(amz_date(1_440_938_160), "20150830T123600Z");
    }
}
