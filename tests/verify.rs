//! `--verify` end to end, against loopback mock servers that check each request exactly as the
//! provider does (recompute the HMAC / Ed25519 / RSA / SigV4 signature over what was received,
//! check the timestamp window and the headers) and replay each documented answer, including
//! the error cases.
//!
//! Safety: every run of the binary points every provider at a loopback address (a mock, or the
//! closed discard port), so no test can reach the network. Each mock serves a bounded number of
//! requests and stops by itself. All keys are made up at run time.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use assert_cmd::Command;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::{Digest, Sha256};

const PROVIDERS: [&str; 5] = ["BINANCE", "AWS", "GITHUB", "SLACK", "STRIPE"];

// ------------------------------------------------------------------------------------------
// Fake keys

static SEED: AtomicU64 = AtomicU64::new(0);

fn rand_u64() -> u64 {
    if SEED.load(Ordering::Relaxed) == 0 {
        let t = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64;
        let _ = SEED.compare_exchange(0, t | 1, Ordering::Relaxed, Ordering::Relaxed);
    }
    // splitmix64
    let mut z = SEED.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn rand_from(alphabet: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| alphabet[(rand_u64() % alphabet.len() as u64) as usize] as char)
        .collect()
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn alnum(n: usize) -> String {
    rand_from(ALNUM, n)
}

fn base62(mut n: u64, width: usize) -> String {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = ALNUM[52..]
            .iter()
            .chain(&ALNUM[..26])
            .chain(&ALNUM[26..52])
            .nth((n % 62) as usize)
            .copied()
            .unwrap();
        n /= 62;
    }
    String::from_utf8(out).unwrap()
}

/// A GitHub classic token with a valid checksum (the rule validates it).
fn github_token() -> String {
    let body = alnum(30);
    format!(
        "ghp_{body}{}",
        base62(u64::from(crc32fast::hash(body.as_bytes())), 6)
    )
}

/// An AWS key id encoding `account` (as AWS does), so canary detection can be tested with
/// made-up ids.
fn aws_key_id(account: u64) -> String {
    let z: u128 = ((account as u128) << 7) | (rand_u64() as u128 & 0x7f);
    let bits: u128 = (z << 32) | (rand_u64() as u128 & 0xffff_ffff);
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let body: String = (0..16)
        .rev()
        .map(|i| alphabet[((bits >> (i * 5)) & 31) as usize] as char)
        .collect();
    format!("AKIA{body}")
}

fn ed25519_pem(seed: &[u8; 32]) -> String {
    let mut der = hex_decode("302e020100300506032b657004220420");
    der.extend_from_slice(seed);
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    format!("-----BEGIN PRIVATE KEY-----\\n{b64}\\n-----END PRIVATE KEY-----")
}

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

// ------------------------------------------------------------------------------------------
// The loopback mock server

#[derive(Debug, Clone)]
struct Req {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Req {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
}

fn json(status: u16, body: &str) -> Reply {
    Reply {
        status,
        headers: vec![("Content-Type", "application/json".into())],
        body: body.into(),
    }
}

fn html(status: u16) -> Reply {
    Reply {
        status,
        headers: vec![("Content-Type", "text/html".into())],
        body: "<html><body>Request blocked</body></html>".into(),
    }
}

type Handler = Box<dyn FnMut(&Req) -> Reply + Send>;

/// A plain-HTTP server on 127.0.0.1:0 in a thread. It serves at most `MAX_REQUESTS`
/// requests, one per connection, and stops when told, or after `LIFETIME` by itself.
struct Mock {
    url: String,
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<Vec<Req>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

const MAX_REQUESTS: usize = 32;
const LIFETIME: Duration = Duration::from_secs(60);

impl Mock {
    fn start(mut handler: Handler) -> Mock {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (stop2, seen2) = (stop.clone(), seen.clone());
        let thread = std::thread::spawn(move || {
            let start = Instant::now();
            let mut served = 0;
            while !stop2.load(Ordering::Relaxed)
                && start.elapsed() < LIFETIME
                && served < MAX_REQUESTS
            {
                match listener.accept() {
                    Ok((mut conn, _)) => {
                        served += 1;
                        conn.set_nonblocking(false).unwrap();
                        conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                        let Some(req) = read_request(&mut conn) else {
                            continue;
                        };
                        seen2.lock().unwrap().push(req.clone());
                        let reply = handler(&req);
                        let mut head = format!(
                            "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                            reply.status,
                            reply.body.len()
                        );
                        for (k, v) in &reply.headers {
                            head += &format!("{k}: {v}\r\n");
                        }
                        head += "\r\n";
                        let _ = conn.write_all(head.as_bytes());
                        let _ = conn.write_all(reply.body.as_bytes());
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Mock {
            url,
            stop,
            seen,
            thread: Some(thread),
        }
    }

    /// Stops the server and returns what it received.
    fn requests(mut self) -> Vec<Req> {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn read_request(conn: &mut std::net::TcpStream) -> Option<Req> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[header_end + 4..].to_vec();
    while body.len() < len {
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target, String::new()),
    };
    Some(Req {
        method,
        path,
        query,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    })
}

// ------------------------------------------------------------------------------------------
// Binance, as the exchange checks a SIGNED request

enum BinanceKey {
    Hmac(String),
    Ed25519(ed25519_dalek::VerifyingKey),
    Rsa(rsa::RsaPublicKey),
}

fn signature_ok(key: &BinanceKey, payload: &str, signature: &str) -> bool {
    let b64 = || {
        let s = percent_encoding::percent_decode_str(signature)
            .decode_utf8()
            .ok()?;
        base64::engine::general_purpose::STANDARD
            .decode(s.as_bytes())
            .ok()
    };
    match key {
        BinanceKey::Hmac(secret) => {
            hex(&hmac_sha256(secret.as_bytes(), payload.as_bytes())).eq_ignore_ascii_case(signature)
        }
        BinanceKey::Ed25519(public) => {
            use ed25519_dalek::Verifier as _;
            let Some(raw) = b64() else { return false };
            let Ok(sig) = ed25519_dalek::Signature::from_slice(&raw) else {
                return false;
            };
            public.verify(payload.as_bytes(), &sig).is_ok()
        }
        BinanceKey::Rsa(public) => {
            use rsa::signature::Verifier as _;
            let Some(raw) = b64() else { return false };
            let Ok(sig) = rsa::pkcs1v15::Signature::try_from(raw.as_slice()) else {
                return false;
            };
            rsa::pkcs1v15::VerifyingKey::<Sha256>::new(public.clone())
                .verify(payload.as_bytes(), &sig)
                .is_ok()
        }
    }
}

/// Checks a request to `/sapi/v1/account/apiRestrictions` the way Binance does; `Err` is
/// Binance's own error answer.
fn binance_check(
    req: &Req,
    api_key: &str,
    key: &BinanceKey,
    clock_offset_ms: i64,
) -> Result<(), Reply> {
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/sapi/v1/account/apiRestrictions");
    assert!(req.body.is_empty());
    if req.header("X-MBX-APIKEY") != Some(api_key) {
        return Err(json(
            401,
            r#"{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}"#,
        ));
    }
    let Some((payload, signature)) = req.query.rsplit_once("&signature=") else {
        return Err(json(
            400,
            r#"{"code":-1102,"msg":"Mandatory parameter 'signature' was not sent."}"#,
        ));
    };
    let params: HashMap<&str, &str> = payload
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .collect();
    assert_eq!(
        params.len(),
        2,
        "only recvWindow and timestamp are sent: {payload}"
    );
    let recv_window: i64 = params["recvWindow"].parse().unwrap();
    assert_eq!(recv_window, 5000);
    let timestamp: i64 = params["timestamp"].parse().unwrap();
    let server_time = now_ms() + clock_offset_ms;
    if !(timestamp < server_time + 1000 && server_time - timestamp <= recv_window) {
        return Err(json(
            400,
            r#"{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}"#,
        ));
    }
    if !signature_ok(key, payload, signature) {
        return Err(json(
            400,
            r#"{"code":-1022,"msg":"Signature for this request is not valid."}"#,
        ));
    }
    Ok(())
}

const RESTRICTIONS_WITHDRAW: &str = r#"{"ipRestrict":false,"createTime":1698645219000,"enableReading":true,"enableWithdrawals":true,"enableInternalTransfer":false,"enableMargin":false,"enableFutures":false,"permitsUniversalTransfer":false,"enableVanillaOptions":false,"enableFixApiTrade":false,"enableFixReadOnly":true,"enableSpotAndMarginTrading":true,"enablePortfolioMarginTrading":false,"tradingAuthorityExpirationTime":1646085600000}"#;
const RESTRICTIONS_READ_ONLY: &str = r#"{"ipRestrict":true,"enableReading":true,"enableWithdrawals":false,"enableSpotAndMarginTrading":false}"#;

/// A mock Binance that accepts `api_key` signed by `key` and answers `on_success`.
fn binance_mock(
    api_key: &str,
    key: BinanceKey,
    clock_offset_ms: i64,
    on_success: &'static str,
) -> Mock {
    let api_key = api_key.to_string();
    Mock::start(Box::new(move |req| {
        if req.path == "/api/v3/time" {
            assert_eq!(req.method, "GET");
            assert!(
                req.header("X-MBX-APIKEY").is_none(),
                "the time endpoint is unsigned"
            );
            return json(
                200,
                &format!(r#"{{"serverTime":{}}}"#, now_ms() + clock_offset_ms),
            );
        }
        match binance_check(req, &api_key, &key, clock_offset_ms) {
            Ok(()) => json(200, on_success),
            Err(reply) => reply,
        }
    }))
}

// ------------------------------------------------------------------------------------------
// Running the binary

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\nstderr: {}", self.stdout, self.stderr))
    }
    fn assert_no_secret(&self, secrets: &[&str]) {
        for s in secrets {
            assert!(
                !self.stdout.contains(s),
                "a secret in stdout: {}",
                self.stdout
            );
            assert!(
                !self.stderr.contains(s),
                "a secret in stderr: {}",
                self.stderr
            );
        }
    }
}

/// Runs leakhound with every provider pointed at loopback: at the given mocks, and the others
/// at the closed discard port, so nothing can ever leave the machine.
fn leakhound(dir: &Path, args: &[&str], mocks: &[(&str, &Mock)]) -> Run {
    let mut cmd = Command::cargo_bin("leakhound").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy");
    for p in PROVIDERS {
        let url = mocks
            .iter()
            .find(|(name, _)| *name == p)
            .map(|(_, m)| m.url.clone())
            .unwrap_or_else(|| "http://127.0.0.1:9".into());
        cmd.env(format!("LEAKHOUND_VERIFY_BASE_URL_{p}"), url);
    }
    let out = cmd.args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn tree(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn findings(doc: &Value) -> Vec<Value> {
    doc["findings"].as_array().unwrap().clone()
}

fn verification_of<'a>(doc: &'a Value, rule: &str) -> &'a Value {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == rule)
        .unwrap_or_else(|| panic!("no {rule} finding in {doc}"))
        .get("verification")
        .unwrap_or_else(|| panic!("no verification for {rule}"))
}

fn binance_pair() -> (String, String, String) {
    let key = alnum(64);
    let secret = alnum(64);
    let text = format!("BINANCE_API_KEY={key}\nBINANCE_SECRET_KEY={secret}\n");
    (key, secret, text)
}

// ------------------------------------------------------------------------------------------
// Off by default

#[test]
fn nothing_is_sent_without_verify() {
    let (key, secret, text) = binance_pair();
    let dir = tree(&[("a/.env", text)]);
    let mock = binance_mock(
        &key,
        BinanceKey::Hmac(secret.clone()),
        0,
        RESTRICTIONS_WITHDRAW,
    );
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--format", "json"],
        &[("BINANCE", &mock)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(findings(&run.json())
        .iter()
        .all(|f| f.get("verification").is_none()));
    let text = leakhound(dir.path(), &["scan", "."], &[("BINANCE", &mock)]);
    assert_eq!(text.code, 1);
    assert!(!text.stdout.contains("verified:"));
    assert!(
        mock.requests().is_empty(),
        "a request was sent without --verify"
    );
}

#[test]
fn dry_run_prints_redacted_requests_and_sends_nothing() {
    let (key, secret, text) = binance_pair();
    let token = github_token();
    let dir = tree(&[("a/.env", text), ("b/gh.txt", format!("token = {token}\n"))]);
    let mock = binance_mock(
        &key,
        BinanceKey::Hmac(secret.clone()),
        0,
        RESTRICTIONS_WITHDRAW,
    );
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify-dry-run", "--format", "json"],
        &[("BINANCE", &mock)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let expected = format!(
        "GET {}/sapi/v1/account/apiRestrictions?recvWindow=5000&timestamp=",
        mock.url
    );
    assert!(run.stderr.contains(&expected), "{}", run.stderr);
    assert!(
        run.stderr.contains("&signature=<redacted>"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("headers: X-MBX-APIKEY, User-Agent"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("GET http://127.0.0.1:9/user"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("headers: Authorization, Accept"),
        "{}",
        run.stderr
    );
    run.assert_no_secret(&[&key, &secret, &token]);
    // No signature either: nothing 64-hex long.
    assert!(!run
        .stderr
        .split(|c: char| !c.is_ascii_hexdigit())
        .any(|w| w.len() >= 64));
    assert!(findings(&run.json())
        .iter()
        .all(|f| f.get("verification").is_none()));
    assert!(mock.requests().is_empty());
}

#[test]
fn dry_run_lists_the_real_hosts() {
    let (_, _, text) = binance_pair();
    let dir = tree(&[("a/.env", text)]);
    // No override at all: the dry run shows the production host (and still sends nothing).
    let mut cmd = Command::cargo_bin("leakhound").unwrap();
    for p in PROVIDERS {
        cmd.env_remove(format!("LEAKHOUND_VERIFY_BASE_URL_{p}"));
    }
    let out = cmd
        .current_dir(dir.path())
        .args(["scan", ".", "--verify-dry-run"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("GET https://api.binance.com/sapi/v1/account/apiRestrictions?recvWindow=5000&timestamp="),
        "{stderr}"
    );
    assert!(
        stderr.contains("--verify would contact: api.binance.com"),
        "{stderr}"
    );
}

// ------------------------------------------------------------------------------------------
// Binance

#[test]
fn binance_hmac_live_with_permissions_risk_and_a_single_request_per_credential() {
    let (key, secret, text) = binance_pair();
    // The same credential twice (two files): verified once.
    let dir = tree(&[("a/.env", text.clone()), ("b/.env", text)]);
    let mock = binance_mock(
        &key,
        BinanceKey::Hmac(secret.clone()),
        0,
        RESTRICTIONS_WITHDRAW,
    );
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify", "--format", "json"],
        &[("BINANCE", &mock)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.assert_no_secret(&[&key, &secret]);
    let doc = run.json();
    let secrets: Vec<Value> = findings(&doc)
        .into_iter()
        .filter(|f| f["rule_id"] == "binance-secret-key")
        .map(|f| f["verification"].clone())
        .collect();
    assert_eq!(secrets.len(), 2);
    for v in &secrets {
        assert_eq!(v["status"], "live");
        assert_eq!(v["provider"], "binance");
        assert_eq!(v["risk"], "critical");
        assert_eq!(v["permissions"]["enableWithdrawals"], true);
        assert_eq!(v["permissions"]["ipRestrict"], false);
        assert_eq!(v["identity"]["key_type"], "HMAC");
        let advice = v["advice"].as_array().unwrap();
        assert!(advice[0]
            .as_str()
            .unwrap()
            .starts_with("Delete this key now"));
        assert!(advice
            .iter()
            .any(|a| a.as_str().unwrap().starts_with("Rotate")));
    }
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 1, "each credential is verified once per run");
    assert!(reqs[0]
        .header("User-Agent")
        .unwrap()
        .starts_with("leakhound/"));
}

#[test]
fn binance_text_report_shows_status_permissions_risk_and_advice() {
    let (key, secret, text) = binance_pair();
    let dir = tree(&[("a/.env", text)]);
    let mock = binance_mock(
        &key,
        BinanceKey::Hmac(secret.clone()),
        0,
        RESTRICTIONS_READ_ONLY,
    );
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify", "--color", "never"],
        &[("BINANCE", &mock)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("verified:    LIVE at Binance, risk MEDIUM"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("permissions: enableReading=true"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("advice:"), "{}", run.stdout);
    assert!(
        run.stderr.contains("verification: 1 live"),
        "{}",
        run.stderr
    );
    run.assert_no_secret(&[&key, &secret]);
    assert_eq!(mock.requests().len(), 1);
}

#[test]
fn binance_documented_error_answers() {
    // (reply, expected status, expected reason)
    let cases: Vec<(Reply, &str, &str)> = vec![
        (
            json(400, r#"{"code":-2014,"msg":"API-key format invalid."}"#),
            "dead",
            "malformed-key",
        ),
        (
            json(
                401,
                r#"{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}"#,
            ),
            "indeterminate",
            "ambiguous-answer",
        ),
        (
            json(
                451,
                r#"{"code":0,"msg":"Service unavailable from a restricted location according to 'b. Eligibility'"}"#,
            ),
            "indeterminate",
            "geo-blocked",
        ),
        (html(403), "indeterminate", "waf-blocked"),
        (
            json(
                500,
                r#"{"code":-1000,"msg":"An unknown error occurred while processing the request."}"#,
            ),
            "indeterminate",
            "upstream-error",
        ),
        (html(502), "indeterminate", "upstream-error"),
        (
            Reply {
                status: 200,
                headers: vec![("Content-Type", "text/html".into())],
                body: "<html>portal</html>".into(),
            },
            "indeterminate",
            "ambiguous-answer",
        ),
        (
            json(
                400,
                r#"{"code":-1002,"msg":"You are not authorized to execute this request."}"#,
            ),
            "indeterminate",
            "ambiguous-answer",
        ),
    ];
    for (reply, status, reason) in cases {
        let (_, _, text) = binance_pair();
        let dir = tree(&[("a/.env", text)]);
        let reply = Arc::new(Mutex::new(Some(reply)));
        let mock = Mock::start(Box::new(move |_| {
            reply.lock().unwrap().take().expect("one request")
        }));
        let run = leakhound(
            dir.path(),
            &["scan", ".", "--verify", "--format", "json"],
            &[("BINANCE", &mock)],
        );
        assert_eq!(run.code, 1);
        let v = verification_of(&run.json(), "binance-secret-key").clone();
        assert_eq!(
            (v["status"].as_str(), v["reason"].as_str()),
            (Some(status), Some(reason)),
            "{v}"
        );
        assert!(v.get("risk").is_none());
        assert_eq!(mock.requests().len(), 1);
    }
}

#[test]
fn binance_wrong_secret_is_key_exists_secret_mismatch() {
    let (key, _, text) = binance_pair();
    let dir = tree(&[("a/.env", text)]);
    // The exchange knows the key, with another secret: the recomputed HMAC differs.
    let mock = binance_mock(&key, BinanceKey::Hmac(alnum(64)), 0, RESTRICTIONS_WITHDRAW);
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify", "--format", "json"],
        &[("BINANCE", &mock)],
    );
    let v = verification_of(&run.json(), "binance-secret-key").clone();
    assert_eq!(v["status"], "indeterminate");
    assert_eq!(v["reason"], "secret-mismatch");
    assert!(v["detail"]
        .as_str()
        .unwrap()
        .contains("key exists but this secret does not match"));
    assert_eq!(mock.requests().len(), 1);
}

#[test]
fn binance_clock_skew_resyncs_once_with_the_server_time() {
    let (key, secret, text) = binance_pair();
    let dir = tree(&[("a/.env", text)]);
    // The exchange's clock runs 20 s ahead of ours.
    let mock = binance_mock(
        &key,
        BinanceKey::Hmac(secret.clone()),
        20_000,
        RESTRICTIONS_READ_ONLY,
    );
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify", "--format", "json"],
        &[("BINANCE", &mock)],
    );
    let v = verification_of(&run.json(), "binance-secret-key").clone();
    assert_eq!(v["status"], "live", "{v}");
    let paths: Vec<String> = mock.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/sapi/v1/account/apiRestrictions",
            "/api/v3/time",
            "/sapi/v1/account/apiRestrictions"
        ]
    );
}

#[test]
fn binance_persistent_clock_skew_is_indeterminate() {
    let (key, secret, text) = binance_pair();
    let dir = tree(&[("a/.env", text)]);
    let key2 = key.clone();
    // A server whose /time lies: every signed request stays outside the window.
    let mock = Mock::start(Box::new(move |req| {
        if req.path == "/api/v3/time" {
            return json(200, &format!(r#"{{"serverTime":{}}}"#, now_ms()));
        }
        binance_check(req, &key2, &BinanceKey::Hmac(secret.clone()), 60_000)
            .err()
            .unwrap_or_else(|| json(200, RESTRICTIONS_READ_ONLY))
    }));
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify", "--format", "json"],
        &[("BINANCE", &mock)],
    );
    let v = verification_of(&run.json(), "binance-secret-key").clone();
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("indeterminate"), Some("clock-skew"))
    );
    assert_eq!(mock.requests().len(), 3, "one resync, one retry, no more");
}

fn rate_limit_stops_binance(status: u16, reason: &str) {
    let mut files = Vec::new();
    for i in 0..3 {
        let (_, _, text) = binance_pair();
        files.push((["a/.env", "b/.env", "c/.env"][i], text));
    }
    let dir = tree(&files);
    let mock = Mock::start(Box::new(move |_| Reply {
        status,
        headers: vec![
            ("Retry-After", "120".into()),
            ("Content-Type", "application/json".into()),
        ],
        body: r#"{"code":-1003,"msg":"Way too many requests; IP banned until 1700000000000."}"#
            .into(),
    }));
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify", "--format", "json"],
        &[("BINANCE", &mock)],
    );
    assert_eq!(run.code, 1);
    let doc = run.json();
    let vs: Vec<Value> = findings(&doc)
        .into_iter()
        .filter(|f| f["rule_id"] == "binance-secret-key")
        .map(|f| f["verification"].clone())
        .collect();
    assert_eq!(vs.len(), 3);
    for v in &vs {
        assert_eq!(
            (v["status"].as_str(), v["reason"].as_str()),
            (Some("indeterminate"), Some(reason)),
            "{v}"
        );
    }
    assert!(vs
        .iter()
        .any(|v| v["detail"].as_str().unwrap().contains("retry after 120 s")));
    assert!(
        vs.iter()
            .filter(|v| v["detail"].as_str().unwrap().starts_with("not sent"))
            .count()
            == 2
    );
    assert_eq!(
        mock.requests().len(),
        1,
        "Binance was called again after {status}"
    );
}

#[test]
fn binance_429_stops_binance_for_the_run() {
    rate_limit_stops_binance(429, "rate-limited");
}

#[test]
fn binance_418_stops_binance_for_the_run() {
    rate_limit_stops_binance(418, "ip-banned");
}

#[test]
fn binance_ed25519_self_generated_key() {
    let key = alnum(64);
    let seed: [u8; 32] = std::array::from_fn(|_| rand_u64() as u8);
    let signing = ed25519_dalek::SigningKey::from_bytes(&seed);
    let pem = ed25519_pem(&seed);
    let dir = tree(&[(
        "bot/.env",
        format!("BINANCE_API_KEY={key}\nBINANCE_PRIVATE_KEY=\"{pem}\"\n"),
    )]);
    let mock = binance_mock(
        &key,
        BinanceKey::Ed25519(signing.verifying_key()),
        0,
        RESTRICTIONS_READ_ONLY,
    );
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify", "--format", "json"],
        &[("BINANCE", &mock)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = verification_of(&run.json(), "binance-ed25519-private-key").clone();
    assert_eq!(v["status"], "live", "{v}");
    assert_eq!(v["identity"]["key_type"], "Ed25519");
    run.assert_no_secret(&[&key, &pem[40..80]]);
    assert_eq!(mock.requests().len(), 1);
}

#[test]
fn binance_rsa_self_generated_key_near_the_api_key() {
    use rsa::pkcs8::EncodePrivateKey as _;
    let key = alnum(64);
    let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).unwrap();
    let pem = private
        .to_pkcs8_pem(Default::default())
        .unwrap()
        .to_string();
    let dir = tree(&[("keys/binance.txt", format!("BINANCE_API_KEY={key}\n{pem}"))]);
    let mock = binance_mock(
        &key,
        BinanceKey::Rsa(private.to_public_key()),
        0,
        RESTRICTIONS_READ_ONLY,
    );
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify", "--format", "json"],
        &[("BINANCE", &mock)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = run.json();
    // Both findings (the API key and the private key) are the one credential: one request.
    for rule in ["binance-api-key", "private-key-pkcs8"] {
        let v = verification_of(&doc, rule);
        assert_eq!(v["status"], "live", "{rule}: {v}");
        assert_eq!(v["identity"]["key_type"], "RSA");
    }
    assert_eq!(mock.requests().len(), 1);
}

#[test]
fn lone_parts_are_skipped_as_missing_counterparts() {
    let dir = tree(&[
        ("a/.env", format!("BINANCE_API_KEY={}\n", alnum(64))),
        ("b/.env", format!("BINANCE_SECRET_KEY={}\n", alnum(64))),
    ]);
    let mock = Mock::start(Box::new(|_| json(500, "{}")));
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify", "--format", "json"],
        &[("BINANCE", &mock)],
    );
    let doc = run.json();
    for f in findings(&doc) {
        let v = &f["verification"];
        assert_eq!(
            (v["status"].as_str(), v["reason"].as_str()),
            (Some("skipped"), Some("missing-counterpart")),
            "{f}"
        );
    }
    assert!(mock.requests().is_empty());
}

// ------------------------------------------------------------------------------------------
// AWS

/// SigV4 as STS checks it, written out independently of leakhound's signer.
fn sigv4_expected(req: &Req, key_id: &str, secret: &str) -> String {
    let date = req.header("X-Amz-Date").unwrap();
    let signed = ["content-type", "host", "x-amz-date"];
    let canonical_headers: String = signed
        .iter()
        .map(|h| format!("{h}:{}\n", req.header(h).unwrap().trim()))
        .collect();
    let canonical = format!(
        "POST\n/\n\n{canonical_headers}\n{}\n{}",
        signed.join(";"),
        hex(&Sha256::digest(req.body.as_bytes()))
    );
    let scope = format!("{}/us-east-1/sts/aws4_request", &date[..8]);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let mut k = hmac_sha256(format!("AWS4{secret}").as_bytes(), &date.as_bytes()[..8]);
    for part in ["us-east-1", "sts", "aws4_request"] {
        k = hmac_sha256(&k, part.as_bytes());
    }
    format!(
        "AWS4-HMAC-SHA256 Credential={key_id}/{scope}, SignedHeaders={}, Signature={}",
        signed.join(";"),
        hex(&hmac_sha256(&k, to_sign.as_bytes()))
    )
}

fn sts_error(code: &str) -> Reply {
    Reply {
        status: 403,
        headers: vec![("Content-Type", "text/xml".into())],
        body: format!("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>"),
    }
}

fn sts_mock(key_id: &str, secret: &str) -> Mock {
    let (key_id, secret) = (key_id.to_string(), secret.to_string());
    Mock::start(Box::new(move |req| {
        assert_eq!((req.method.as_str(), req.path.as_str()), ("POST", "/"));
        assert_eq!(req.body, "Action=GetCallerIdentity&Version=2011-06-15");
        let auth = req.header("Authorization").unwrap_or_default();
        if !auth.contains(&format!("Credential={key_id}/")) {
            return sts_error("InvalidClientTokenId");
        }
        if auth != sigv4_expected(req, &key_id, &secret) {
            return sts_error("SignatureDoesNotMatch");
        }
        Reply {
            status: 200,
            headers: vec![("Content-Type", "text/xml".into())],
            body: "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/deploy</Arn><UserId>AIDAEXAMPLEUSERID</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>".into(),
        }
    }))
}

fn aws_file(key_id: &str, secret: &str) -> String {
    format!("AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\n")
}

fn aws_secret() -> String {
    rand_from(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+",
        40,
    )
}

#[test]
fn aws_get_caller_identity_reports_account_and_arn() {
    let key_id = aws_key_id(123_456_789_012);
    let secret = aws_secret();
    let other_secret = aws_secret();
    let dead_key = aws_key_id(210_987_654_321);
    let dir = tree(&[
        ("live/.env", aws_file(&key_id, &secret)),
        ("mismatch/.env", aws_file(&key_id, &other_secret)),
        ("dead/.env", aws_file(&dead_key, &aws_secret())),
    ]);
    let mock = sts_mock(&key_id, &secret);
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify", "--format", "json"],
        &[("AWS", &mock)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.assert_no_secret(&[&secret, &other_secret]);
    let doc = run.json();
    let by_path = |p: &str| {
        findings(&doc)
            .into_iter()
            .find(|f| {
                f["path"].as_str().unwrap().starts_with(p)
                    && f["rule_id"] == "aws-secret-access-key"
            })
            .unwrap()["verification"]
            .clone()
    };
    let live = by_path("live/");
    assert_eq!(live["status"], "live", "{live}");
    assert_eq!(live["identity"]["account"], "123456789012");
    assert_eq!(
        live["identity"]["arn"],
        "arn:aws:iam::123456789012:user/deploy"
    );
    assert_eq!(live["risk"], "high");
    let mismatch = by_path("mismatch/");
    assert_eq!(
        (mismatch["status"].as_str(), mismatch["reason"].as_str()),
        (Some("indeterminate"), Some("secret-mismatch"))
    );
    let dead = by_path("dead/");
    assert_eq!(
        (dead["status"].as_str(), dead["reason"].as_str()),
        (Some("dead"), Some("rejected"))
    );
    assert_eq!(mock.requests().len(), 3);
}

#[test]
fn aws_canary_accounts_are_skipped_unless_asked() {
    // 534261010715 is a canarytokens.org account; the key id is made up around it.
    let key_id = aws_key_id(534_261_010_715);
    let secret = aws_secret();
    let dir = tree(&[("c/.env", aws_file(&key_id, &secret))]);
    let mock = sts_mock(&key_id, &secret);
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify", "--format", "json"],
        &[("AWS", &mock)],
    );
    let v = verification_of(&run.json(), "aws-secret-access-key").clone();
    assert_eq!(
        (v["status"].as_str(), v["reason"].as_str()),
        (Some("skipped"), Some("canary-token")),
        "{v}"
    );
    assert_eq!(v["identity"]["account"], "534261010715");
    let with = leakhound(
        dir.path(),
        &[
            "scan",
            ".",
            "--verify",
            "--verify-canaries",
            "--format",
            "json",
        ],
        &[("AWS", &mock)],
    );
    let v = verification_of(&with.json(), "aws-secret-access-key").clone();
    assert_eq!(v["status"], "live");
    assert_eq!(
        mock.requests().len(),
        1,
        "only the --verify-canaries run sends"
    );
}

// ------------------------------------------------------------------------------------------
// GitHub, Slack, Stripe

#[test]
fn github_user_reports_login_and_scopes() {
    let live = github_token();
    let dead = github_token();
    let dir = tree(&[
        ("a.txt", format!("GH={live}\n")),
        ("b.txt", format!("GH={dead}\n")),
    ]);
    let live2 = live.clone();
    let mock = Mock::start(Box::new(move |req| {
        assert_eq!((req.method.as_str(), req.path.as_str()), ("GET", "/user"));
        assert_eq!(req.header("Accept"), Some("application/vnd.github+json"));
        if req.header("Authorization") == Some(format!("Bearer {live2}").as_str()) {
            let mut r = json(200, r#"{"login":"octocat","id":1,"type":"User"}"#);
            r.headers.push(("X-OAuth-Scopes", "repo, admin:org".into()));
            r
        } else {
            json(
                401,
                r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}"#,
            )
        }
    }));
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify", "--format", "json"],
        &[("GITHUB", &mock)],
    );
    run.assert_no_secret(&[&live, &dead]);
    let doc = run.json();
    let v = |path: &str| {
        findings(&doc)
            .into_iter()
            .find(|f| f["path"] == path)
            .unwrap()["verification"]
            .clone()
    };
    let l = v("a.txt");
    assert_eq!(l["status"], "live");
    assert_eq!(l["identity"]["login"], "octocat");
    assert_eq!(l["identity"]["token_type"], "classic");
    assert_eq!(
        l["permissions"]["scopes"],
        serde_json::json!(["repo", "admin:org"])
    );
    assert_eq!(l["risk"], "critical");
    let d = v("b.txt");
    assert_eq!(
        (d["status"].as_str(), d["reason"].as_str()),
        (Some("dead"), Some("rejected"))
    );
    assert_eq!(mock.requests().len(), 2);
}

#[test]
fn slack_auth_test_is_a_post_with_the_bearer_token() {
    let token = format!(
        "xoxb-{}-{}-{}",
        rand_from(b"0123456789", 11),
        rand_from(b"0123456789", 12),
        alnum(24)
    );
    let dir = tree(&[("slack.cfg", format!("token: {token}\n"))]);
    let t2 = token.clone();
    let mock = Mock::start(Box::new(move |req| {
        assert_eq!(
            (req.method.as_str(), req.path.as_str()),
            ("POST", "/api/auth.test")
        );
        if req.header("Authorization") != Some(format!("Bearer {t2}").as_str()) {
            return json(200, r#"{"ok":false,"error":"invalid_auth"}"#);
        }
        let mut r = json(
            200,
            r#"{"ok":true,"url":"https://acme.slack.com/","team":"Acme","user":"deploybot","team_id":"T0001","user_id":"U0001","bot_id":"B0001"}"#,
        );
        r.headers
            .push(("x-oauth-scopes", "chat:write,channels:history".into()));
        r
    }));
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify", "--format", "json"],
        &[("SLACK", &mock)],
    );
    run.assert_no_secret(&[&token]);
    let v = verification_of(&run.json(), "slack-bot-token").clone();
    assert_eq!(v["status"], "live", "{v}");
    assert_eq!(v["identity"]["team"], "Acme");
    assert_eq!(v["identity"]["token_type"], "bot");
    assert_eq!(v["risk"], "high");
    assert_eq!(mock.requests().len(), 1);
}

#[test]
fn stripe_secret_and_restricted_keys() {
    let sk = format!("sk_live_{}", alnum(32));
    let rk = format!("rk_live_{}", alnum(32));
    let dir = tree(&[
        ("s.env", format!("STRIPE_KEY={sk}\n")),
        ("r.env", format!("STRIPE_RK={rk}\n")),
    ]);
    let (sk2, rk2) = (sk.clone(), rk.clone());
    let mock = Mock::start(Box::new(move |req| {
        assert_eq!(
            (req.method.as_str(), req.path.as_str()),
            ("GET", "/v1/balance")
        );
        let auth = req.header("Authorization").unwrap_or_default();
        if auth == format!("Bearer {sk2}") {
            json(
                200,
                r#"{"object":"balance","livemode":true,"available":[{"amount":0,"currency":"usd"}],"pending":[]}"#,
            )
        } else if auth == format!("Bearer {rk2}") {
            json(
                403,
                r#"{"error":{"message":"The provided key 'rk_live_***' does not have the required permissions for this endpoint","type":"invalid_request_error"}}"#,
            )
        } else {
            json(
                401,
                r#"{"error":{"message":"Invalid API Key provided","type":"invalid_request_error"}}"#,
            )
        }
    }));
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify", "--format", "json"],
        &[("STRIPE", &mock)],
    );
    run.assert_no_secret(&[&sk, &rk]);
    let doc = run.json();
    let s = verification_of(&doc, "stripe-live-secret-key");
    assert_eq!(
        (s["status"].as_str(), s["risk"].as_str()),
        (Some("live"), Some("critical"))
    );
    assert_eq!(s["permissions"]["key_type"], "secret");
    assert_eq!(s["permissions"]["mode"], "live");
    let r = verification_of(&doc, "stripe-live-restricted-key");
    assert_eq!(
        (r["status"].as_str(), r["risk"].as_str()),
        (Some("live"), Some("high"))
    );
    assert_eq!(r["permissions"]["key_type"], "restricted");
    assert_eq!(mock.requests().len(), 2);
}

// ------------------------------------------------------------------------------------------
// Safety rules and the CLI

#[test]
fn non_loopback_overrides_are_refused() {
    let (_, _, text) = binance_pair();
    let dir = tree(&[("a/.env", text)]);
    for bad in [
        "https://api.binance.com.evil.example",
        "http://10.0.0.1:80",
        "http://127.0.0.1.nip.io:80",
        "http://127.0.0.1@evil.example",
    ] {
        let out = Command::cargo_bin("leakhound")
            .unwrap()
            .current_dir(dir.path())
            .env("LEAKHOUND_VERIFY_BASE_URL_BINANCE", bad)
            .args(["scan", ".", "--verify"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("refusing LEAKHOUND_VERIFY_BASE_URL_BINANCE"),
            "{stderr}"
        );
        assert!(stderr.contains("loopback"), "{stderr}");
    }
}

#[test]
fn only_live_filters_the_report_but_not_the_exit_code() {
    let (key, secret, text) = binance_pair();
    let token = github_token();
    let dir = tree(&[("a/.env", text), ("b.txt", format!("GH={token}\n"))]);
    let mock = binance_mock(
        &key,
        BinanceKey::Hmac(secret.clone()),
        0,
        RESTRICTIONS_READ_ONLY,
    );
    let gh = Mock::start(Box::new(|_| json(401, r#"{"message":"Bad credentials"}"#)));
    let run = leakhound(
        dir.path(),
        &["scan", ".", "--verify", "--only-live", "--format", "json"],
        &[("BINANCE", &mock), ("GITHUB", &gh)],
    );
    assert_eq!(run.code, 1);
    let f = findings(&run.json());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["rule_id"], "binance-secret-key");
    // Nothing live: an empty report, and still exit code 1.
    let dir2 = tree(&[("b.txt", format!("GH={token}\n"))]);
    let run = leakhound(
        dir2.path(),
        &["scan", ".", "--verify", "--only-live", "--format", "json"],
        &[("GITHUB", &gh)],
    );
    assert_eq!(run.code, 1);
    assert!(findings(&run.json()).is_empty());
    let _ = (mock.requests(), gh.requests());
    // --only-live without --verify is an error.
    let run = leakhound(dir2.path(), &["scan", ".", "--only-live"], &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--only-live needs --verify"),
        "{}",
        run.stderr
    );
}

#[test]
fn verify_subcommand_reads_a_report_written_with_show_secrets() {
    let (key, secret, text) = binance_pair();
    let dir = tree(&[("a/.env", text)]);
    let mock = binance_mock(
        &key,
        BinanceKey::Hmac(secret.clone()),
        0,
        RESTRICTIONS_WITHDRAW,
    );
    // Scan offline (nothing sent), then verify the report.
    let scan = leakhound(
        dir.path(),
        &[
            "scan",
            ".",
            "--format",
            "json",
            "--show-secrets",
            "-o",
            "report.json",
            "--exclude",
            "report.json",
        ],
        &[("BINANCE", &mock)],
    );
    assert_eq!(scan.code, 1, "{}", scan.stderr);
    let run = leakhound(
        dir.path(),
        &["verify", "report.json", "--format", "json"],
        &[("BINANCE", &mock)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.assert_no_secret(&[&key, &secret]);
    let v = verification_of(&run.json(), "binance-secret-key").clone();
    assert_eq!(
        (v["status"].as_str(), v["risk"].as_str()),
        (Some("live"), Some("critical"))
    );
    // A redacted report cannot be verified, and says why.
    let redacted = leakhound(
        dir.path(),
        &[
            "scan",
            ".",
            "--format",
            "json",
            "-o",
            "redacted.json",
            "--exclude",
            "*.json",
        ],
        &[],
    );
    assert_eq!(redacted.code, 1);
    let run = leakhound(
        dir.path(),
        &["verify", "redacted.json"],
        &[("BINANCE", &mock)],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("redacted"), "{}", run.stderr);
    assert!(run.stderr.contains("--show-secrets"), "{}", run.stderr);
    assert_eq!(mock.requests().len(), 1);
}

#[test]
fn git_staged_verifies_through_the_same_pipeline() {
    let (key, secret, text) = binance_pair();
    let dir = tree(&[("app/.env", text)]);
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(dir.path())
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "app/.env"]);
    let mock = binance_mock(
        &key,
        BinanceKey::Hmac(secret.clone()),
        0,
        RESTRICTIONS_READ_ONLY,
    );
    let run = leakhound(
        dir.path(),
        &["git", "--staged", "--verify", "--format", "json"],
        &[("BINANCE", &mock)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = verification_of(&run.json(), "binance-secret-key").clone();
    assert_eq!(v["status"], "live");
    assert_eq!(mock.requests().len(), 1);
}
