//! `--verify` end to end: the binary against loopback mock servers that answer what each provider
//! documents, including its error answers. Each provider module holds a table of
//! (case, canned answer, expected verdict) and checks the exact request leakhound sent: the
//! recomputed HMAC / Ed25519 / RSA / SigV4 signature, the timestamp window, the headers.
//!
//! Safety: every run of the binary points every provider at a loopback address
//! (`LEAKHOUND_VERIFY_BASE_URL_<PROVIDER>`: a mock, or the closed discard port), so no test can
//! reach the network; the mocks stop by themselves (see `common::mock_server`). Keys are made at
//! run time from fixed seeds: the same on every run, and none is written in the source.
//!
//! One test binary with a module per provider (rather than a file per provider under `tests/`):
//! the helpers below are compiled and linked once, and each module uses them without
//! `dead_code` allowances.

#[path = "../common/mod.rs"]
mod common;

mod aws;
mod binance;
mod bitget;
mod budgets;
mod bybit;
mod cli;
mod coinbase;
mod dry_run;
mod exchanges;
mod gate;
mod github;
mod kraken;
mod kucoin;
mod okx;
mod slack;
mod stripe;

use std::path::Path;

use serde_json::Value;

use common::fake;
use common::mock_server::{Canned, MockServer, Recorded, RunningMock};

/// The providers, as their base-URL variables name them.
pub const PROVIDERS: [&str; 15] = [
    "BINANCE", "AWS", "GITHUB", "SLACK", "STRIPE", "BYBIT", "OKX", "KUCOIN", "BITGET", "GATE",
    "COINBASE", "KRAKEN", "BITFINEX", "HTX", "MEXC",
];

/// Where a provider without a mock points: the discard port, closed, on loopback.
pub const DISCARD: &str = "http://127.0.0.1:9";

// ------------------------------------------------------------------------------------------
// Running the binary

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\nstderr: {}", self.stdout, self.stderr))
    }

    /// No secret, whole, in stdout or stderr.
    pub fn assert_no_secret(&self, secrets: &[&str]) {
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

/// leakhound in `dir`, every provider pointed at loopback (its mock in `mocks`, else
/// [`DISCARD`]), with no proxy inherited.
pub fn command(dir: &Path, mocks: &[(&str, &RunningMock)]) -> assert_cmd::Command {
    let mut cmd = common::leakhound(dir);
    for var in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        cmd.env_remove(var);
    }
    for p in PROVIDERS {
        let url = mocks
            .iter()
            .find(|(name, _)| *name == p)
            .map_or(DISCARD, |(_, m)| m.url());
        cmd.env(format!("LEAKHOUND_VERIFY_BASE_URL_{p}"), url);
    }
    cmd
}

/// Runs [`command`] with `args`.
pub fn leakhound(dir: &Path, args: &[&str], mocks: &[(&str, &RunningMock)]) -> Run {
    let out = command(dir, mocks).args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `scan . --verify --format json`.
pub const SCAN_VERIFY: &[&str] = &["scan", ".", "--verify", "--format", "json"];

/// A temporary folder holding `files`.
pub fn tree(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        common::write(dir.path(), name, text);
    }
    dir
}

pub fn findings(doc: &Value) -> Vec<Value> {
    doc["findings"].as_array().unwrap().clone()
}

/// The verification of the (first) `rule` finding.
pub fn verification_of(doc: &Value, rule: &str) -> Value {
    findings(doc)
        .into_iter()
        .find(|f| f["rule_id"] == rule)
        .unwrap_or_else(|| panic!("no {rule} finding in {doc}"))
        .get("verification")
        .unwrap_or_else(|| panic!("no verification for {rule}"))
        .clone()
}

/// The verifications of every `rule` finding.
pub fn verifications_of(doc: &Value, rule: &str) -> Vec<Value> {
    findings(doc)
        .into_iter()
        .filter(|f| f["rule_id"] == rule)
        .map(|f| f["verification"].clone())
        .collect()
}

// ------------------------------------------------------------------------------------------
// Expected verdicts and answer tables

/// The verdict a case expects: status, reason, risk (absent if `None`), and more fields.
pub struct Expect {
    status: &'static str,
    reason: Option<&'static str>,
    risk: Option<&'static str>,
    detail: Option<&'static str>,
    fields: Vec<(&'static str, Value)>,
}

fn expect(
    status: &'static str,
    reason: Option<&'static str>,
    risk: Option<&'static str>,
) -> Expect {
    Expect {
        status,
        reason,
        risk,
        detail: None,
        fields: Vec::new(),
    }
}

/// `live` at `risk`.
pub fn live(risk: &'static str) -> Expect {
    expect("live", None, Some(risk))
}

/// `dead` for `reason`, no risk.
pub fn dead(reason: &'static str) -> Expect {
    expect("dead", Some(reason), None)
}

/// `indeterminate` for `reason`, no risk.
pub fn unsure(reason: &'static str) -> Expect {
    expect("indeterminate", Some(reason), None)
}

/// `skipped` for `reason`, no risk.
pub fn skipped(reason: &'static str) -> Expect {
    expect("skipped", Some(reason), None)
}

impl Expect {
    /// Also expects the value at JSON `pointer` (e.g. `/identity/login`).
    pub fn with(mut self, pointer: &'static str, value: impl Into<Value>) -> Expect {
        self.fields.push((pointer, value.into()));
        self
    }

    /// Also expects `detail` to contain `text`.
    pub fn detail(mut self, text: &'static str) -> Expect {
        self.detail = Some(text);
        self
    }

    pub fn check(&self, case: &str, v: &Value) {
        assert_eq!(v["status"], self.status, "{case}: {v}");
        if let Some(reason) = self.reason {
            assert_eq!(v["reason"], reason, "{case}: {v}");
        }
        match self.risk {
            Some(risk) => assert_eq!(v["risk"], risk, "{case}: {v}"),
            None => assert!(v.get("risk").is_none(), "{case}: no risk expected: {v}"),
        }
        if let Some(text) = self.detail {
            let detail = v["detail"].as_str().unwrap_or_default();
            assert!(detail.contains(text), "{case}: {v}");
        }
        for (pointer, value) in &self.fields {
            assert_eq!(v.pointer(pointer), Some(value), "{case}: {pointer} in {v}");
        }
    }
}

/// One row of a provider's answer table.
pub struct Case {
    pub name: &'static str,
    pub answer: Canned,
    pub expect: Expect,
}

/// A row: `name`, the mock's `answer`, the verdict leakhound must give.
pub fn case(name: &'static str, answer: Canned, expect: Expect) -> Case {
    Case {
        name,
        answer,
        expect,
    }
}

/// One credential in a folder, and the endpoint its provider checks it at.
pub struct Scenario<'a> {
    /// As in `LEAKHOUND_VERIFY_BASE_URL_<PROVIDER>`.
    pub provider: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub files: Vec<(&'a str, String)>,
    /// The finding whose verification is checked.
    pub rule: &'a str,
    /// Must not appear in any output.
    pub secrets: Vec<String>,
}

impl Scenario<'_> {
    /// For each case: a fresh mock answering `case.answer` at the endpoint, one
    /// `scan --verify` run, the expected verdict, exactly one request, and `check_request` on
    /// that request (the exact bytes leakhound sent).
    pub fn run(&self, cases: Vec<Case>, check_request: impl Fn(&Recorded)) {
        let dir = tree(&self.files);
        let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        for case in cases {
            let mock = MockServer::new()
                .route(self.method, self.path, case.answer)
                .start();
            let run = leakhound(dir.path(), SCAN_VERIFY, &[(self.provider, &mock)]);
            assert_eq!(run.code, 1, "{}: {}", case.name, run.stderr);
            run.assert_no_secret(&secrets);
            case.expect
                .check(case.name, &verification_of(&run.json(), self.rule));
            let reqs = mock.requests();
            assert_eq!(reqs.len(), 1, "{}: one request per credential", case.name);
            check_request(&reqs[0]);
        }
    }
}

/// Asserts `Authorization: Bearer <token>`, exactly.
pub fn assert_bearer(req: &Recorded, token: &str) {
    assert_eq!(
        req.header("Authorization"),
        Some(format!("Bearer {token}").as_str())
    );
}

// ------------------------------------------------------------------------------------------
// Fake keys, from fixed seeds

/// `n` decimal digits from `seed`.
pub fn digits(n: usize, seed: u64) -> String {
    fake(n, seed)
        .bytes()
        .map(|b| char::from(b'0' + b % 10))
        .collect()
}

/// `n` in base 62 (`0-9A-Za-z`), `width` digits.
fn base62(mut n: u64, width: usize) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(out).unwrap()
}

/// A GitHub classic token with a valid checksum (the rule validates it).
pub fn github_token(seed: u64) -> String {
    let body = fake(30, seed);
    let crc = base62(u64::from(crc32fast::hash(body.as_bytes())), 6);
    format!("{}{body}{crc}", "ghp_")
}

/// An AWS access key id that encodes `account`, as AWS's do, so canary detection can be tested
/// with made-up ids.
pub fn aws_key_id(account: u64, seed: u64) -> String {
    let noise = u128::from(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let z: u128 = (u128::from(account) << 7) | (noise & 0x7f);
    let bits: u128 = (z << 32) | ((noise >> 7) & 0xffff_ffff);
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let body: String = (0..16)
        .rev()
        .map(|i| char::from(alphabet[((bits >> (i * 5)) & 31) as usize]))
        .collect();
    format!("{}{body}", "AKIA")
}

/// An AWS secret access key.
pub fn aws_secret(seed: u64) -> String {
    fake(40, seed)
}

/// A Binance API key, secret and `.env` text: one `binance-secret-key` finding.
pub fn binance_pair(seed: u64) -> (String, String, String) {
    (
        fake(64, seed),
        common::binance_secret(seed),
        common::binance_pair(seed),
    )
}

pub fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    i64::try_from(since.as_millis()).unwrap()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    use hmac::Mac as _;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}
