//! What the exchange verifiers' tests share (Bybit, OKX, KuCoin, Bitget, Gate, Coinbase,
//! Kraken), and the tests about all of them at once: the dry run lists every request redacted,
//! and the exchanges without a read-only check are `skipped` with their reason.
//!
//! Every run points every provider, the exchanges included, at loopback (a mock or the closed
//! discard port), so nothing reaches the network. Keys are made at run time from fixed seeds.

use std::path::Path;

use crate::common::fake;
use crate::common::mock_server::{Canned, MockServer, Recorded, RunningMock};
use crate::{tree, verification_of, Case, Run, DISCARD, SCAN_VERIFY};

/// The exchanges, as their base-URL variables name them.
pub const EXCHANGES: [&str; 10] = [
    "BYBIT", "OKX", "KUCOIN", "BITGET", "GATE", "COINBASE", "KRAKEN", "BITFINEX", "HTX", "MEXC",
];

/// leakhound with `args` in `dir`: every provider at loopback, `mocks` where given, `env` set.
pub fn run(dir: &Path, args: &[&str], mocks: &[(&str, &RunningMock)], env: &[(&str, &str)]) -> Run {
    let mut cmd = crate::command(dir, mocks);
    for p in EXCHANGES {
        let url = mocks
            .iter()
            .find(|(name, _)| *name == p)
            .map_or(DISCARD, |(_, m)| m.url());
        cmd.env(format!("LEAKHOUND_VERIFY_BASE_URL_{p}"), url);
    }
    cmd.env_remove("LEAKHOUND_VERIFY_KRAKEN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `n` lowercase hex digits from `seed`.
pub fn hex_digits(n: usize, seed: u64) -> String {
    fake(n, seed)
        .bytes()
        .map(|b| char::from(b"0123456789abcdef"[usize::from(b % 16)]))
        .collect()
}

/// A UUID-shaped value from `seed`.
pub fn uuid(seed: u64) -> String {
    let h = hex_digits(32, seed);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// `n` pseudo-random bytes from `seed`.
pub fn bytes(n: usize, seed: u64) -> Vec<u8> {
    let a = fake(n, seed);
    let b = fake(n, seed + 7);
    a.bytes()
        .zip(b.bytes())
        .map(|(x, y)| x.wrapping_mul(31) ^ y.rotate_left(3))
        .collect()
}

pub fn hmac_sha512(key: &[u8], msg: &[u8]) -> Vec<u8> {
    use hmac::Mac as _;
    let mut mac = hmac::Hmac::<sha2::Sha512>::new_from_slice(key).unwrap();
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn b64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

/// Asserts that a timestamp (ms) is within `window_ms` of when the mock received it.
pub fn assert_fresh(ts_ms: i64, req: &Recorded, window_ms: i64) {
    let at = req.received_ms();
    assert!(
        (at - ts_ms).abs() <= window_ms,
        "timestamp {ts_ms} is {} ms from the mock's clock",
        at - ts_ms
    );
}

/// One exchange credential in a folder, and the endpoint its verifier checks it at.
pub struct Exchange<'a> {
    pub provider: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub files: Vec<(&'a str, String)>,
    pub rule: &'a str,
    pub secrets: Vec<String>,
    pub env: Vec<(&'a str, &'a str)>,
}

impl Exchange<'_> {
    /// For each case: a fresh mock answering `case.answer`, one `scan --verify`, the expected
    /// verdict, exactly one request, no secret in any output, and `check` on the request.
    pub fn run(&self, cases: Vec<Case>, check: impl Fn(&Recorded)) {
        let dir = tree(&self.files);
        let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        for case in cases {
            let mock = MockServer::new()
                .route(self.method, self.path, case.answer)
                .start();
            let run = run(
                dir.path(),
                SCAN_VERIFY,
                &[(self.provider, &mock)],
                &self.env,
            );
            assert_eq!(run.code, 1, "{}: {}", case.name, run.stderr);
            run.assert_no_secret(&secrets);
            case.expect
                .check(case.name, &verification_of(&run.json(), self.rule));
            let reqs = mock.requests();
            assert_eq!(reqs.len(), 1, "{}: one request per credential", case.name);
            check(&reqs[0]);
        }
    }
}

/// The answers every exchange gives the same way: 5xx (never dead), an HTML page, a 429.
pub fn http_cases() -> Vec<Case> {
    use crate::{case, unsure};
    vec![
        case(
            "500 internal error (never dead)",
            Canned::json(500, r#"{"error":"internal"}"#),
            unsure("upstream-error"),
        ),
        case(
            "503 HTML page (never dead)",
            Canned::html(503, "<html>maintenance</html>"),
            unsure("upstream-error"),
        ),
        case(
            "403 WAF page",
            Canned::html(403, "<html>blocked</html>"),
            unsure("waf-blocked"),
        ),
        case(
            "429 with Retry-After",
            Canned::json(429, r#"{"msg":"too many requests"}"#).header("Retry-After", "30"),
            unsure("rate-limited").detail("retry after 30 s"),
        ),
        case(
            "200 garbage JSON",
            Canned::json(200, r#"{"result":{"readOnly":"#),
            unsure("ambiguous-answer"),
        ),
    ]
}

/// The text of a Bybit pair (`bybit-secret-key` with its `key` part).
pub fn bybit_files(seed: u64) -> (String, String, String) {
    let key = fake(18, seed);
    let secret = fake(36, seed + 100);
    let text = format!("BYBIT_API_KEY={key}\nBYBIT_API_SECRET={secret}\n");
    (key, secret, text)
}

/// An OKX key, secret and passphrase as `.env` text (one `okx-secret-key` finding).
pub fn okx_files(seed: u64) -> (String, String, String, String) {
    let key = uuid(seed);
    let secret = hex_digits(32, seed + 100).to_ascii_uppercase();
    let passphrase = format!("{}-{}", fake(6, seed + 200), fake(5, seed + 201));
    let text = format!("OKX_API_KEY={key}\nOKX_SECRET_KEY={secret}\nOKX_PASSPHRASE={passphrase}\n");
    (key, secret, passphrase, text)
}

#[test]
fn dry_run_lists_every_exchange_request_redacted() {
    let (bkey, bsecret, btext) = bybit_files(1);
    let (okey, osecret, opass, otext) = okx_files(2);
    let kraken_key = b64(&bytes(42, 3));
    let kraken_secret = b64(&bytes(64, 4));
    let dir = tree(&[
        ("bybit/.env", btext),
        ("okx/.env", otext),
        (
            "kraken/.env",
            format!("KRAKEN_API_KEY={kraken_key}\nKRAKEN_PRIVATE_KEY={kraken_secret}\n"),
        ),
    ]);
    let mock = MockServer::new().fallback(Canned::json(500, "{}")).start();
    // Kraken's POST is planned only with --verify-kraken (or LEAKHOUND_VERIFY_KRAKEN=1).
    let args = [
        "scan",
        ".",
        "--verify-dry-run",
        "--verify-kraken",
        "--format",
        "json",
    ];
    let run = run(dir.path(), &args, &[("BYBIT", &mock), ("OKX", &mock)], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let bybit = format!(
        "GET {}/v5/user/query-api   (HMAC-SHA256 signature)",
        mock.url()
    );
    let okx = format!("GET {}/api/v5/account/config", mock.url());
    for line in [
        bybit.as_str(),
        "headers: X-BAPI-API-KEY, X-BAPI-TIMESTAMP, X-BAPI-RECV-WINDOW, X-BAPI-SIGN, User-Agent",
        "only if Bybit answers 10002 (clock skew)",
        okx.as_str(),
        "headers: OK-ACCESS-KEY, OK-ACCESS-SIGN, OK-ACCESS-TIMESTAMP, OK-ACCESS-PASSPHRASE, User-Agent",
        "POST http://127.0.0.1:9/0/private/GetApiKeyInfo",
        "body: nonce=",
        "headers: API-Key, API-Sign, Content-Type, User-Agent",
    ] {
        assert!(run.stderr.contains(line), "{line}: {}", run.stderr);
    }
    run.assert_no_secret(&[
        &bkey,
        &bsecret,
        &okey,
        &osecret,
        &opass,
        &kraken_key,
        &kraken_secret,
    ]);
    assert!(mock.requests().is_empty());
}

#[test]
fn kraken_is_skipped_without_its_opt_in() {
    let kraken_key = b64(&bytes(42, 5));
    let kraken_secret = b64(&bytes(64, 6));
    let dir = tree(&[(
        "kraken/.env",
        format!("KRAKEN_API_KEY={kraken_key}\nKRAKEN_PRIVATE_KEY={kraken_secret}\n"),
    )]);
    let mock = MockServer::new().fallback(Canned::json(500, "{}")).start();
    let run = run(dir.path(), SCAN_VERIFY, &[("KRAKEN", &mock)], &[]);
    let v = verification_of(&run.json(), "kraken-private-key");
    crate::skipped("provider-not-supported")
        .detail("--verify-kraken")
        .with("/provider", "kraken")
        .check("kraken without opt-in", &v);
    assert!(mock.requests().is_empty());
}

#[test]
fn exchanges_without_a_read_only_check_are_skipped_with_the_reason() {
    let dir = tree(&[
        (
            "mexc/.env",
            format!(
                "MEXC_API_KEY=mx0vgl{}\nMEXC_API_SECRET={}\n",
                fake(12, 7),
                hex_digits(32, 8)
            ),
        ),
        (
            "htx/.env",
            format!(
                "HUOBI_ACCESS_KEY={}-{}-{}-{}\nHUOBI_SECRET_KEY={}-{}-{}-{}\n",
                hex_digits(8, 9),
                hex_digits(8, 10),
                hex_digits(8, 11),
                hex_digits(5, 12),
                hex_digits(8, 13),
                hex_digits(8, 14),
                hex_digits(8, 15),
                hex_digits(5, 16)
            ),
        ),
    ]);
    let run = run(dir.path(), SCAN_VERIFY, &[], &[]);
    let doc = run.json();
    crate::skipped("provider-not-supported")
        .with("/provider", "mexc")
        .detail("no key-introspection endpoint")
        .check("mexc", &verification_of(&doc, "mexc-secret-key"));
    crate::skipped("provider-not-supported")
        .with("/provider", "htx")
        .detail("needs the account uid")
        .check("htx", &verification_of(&doc, "htx-secret-key"));
}
