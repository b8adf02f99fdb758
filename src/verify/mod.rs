//! Liveness verification: asks each provider, with one read-only call, whether a found
//! credential still works, and if so what it can do.
//!
//! Off by default: nothing here runs, and nothing is sent, unless the user passes `--verify`
//! (or runs `leakhound verify REPORT.json`). `--verify-dry-run` prints the requests instead.
//!
//! The safety rules, and where each one lives:
//! - Fixed hosts and endpoints, HTTPS only, no redirects, short timeouts: [`http`]. Hosts are
//!   constants in [`http::host`]; requests name an endpoint from [`http::ENDPOINTS`], never a
//!   URL. Rules and config files have no field that could add one.
//! - Dispatch is by builtin rule id, in code ([`plan`]): a user rule cannot opt a pattern into
//!   verification, so a crafted rule or file cannot make leakhound send a secret anywhere.
//! - Each distinct credential is verified once per run (deduplicated by a credential
//!   fingerprint before anything is sent), through a global concurrency limit and per-provider
//!   budgets ([`Gate`]): Binance gets one request in flight and a small budget, because its
//!   limits are per IP and a 418 ban would hit the user's own CI. After a 429 or 418 a provider
//!   is not called again for the rest of the run.
//! - Four statuses ([`Status`]); rate limits, timeouts, 5xx, HTML pages and ambiguous codes are
//!   `indeterminate`, never `dead`.
//! - Secrets never reach a [`Verification`]: details are built from constants and provider
//!   fields, and [`verify_findings`] redacts the finding's own secrets from them once more.

pub mod aws;
pub mod binance;
pub mod bitget;
pub mod bybit;
pub mod coinbase;
pub mod exchange;
mod gate;
pub mod gateio;
pub mod github;
pub mod http;
pub mod kraken;
pub mod kucoin;
pub mod okx;
pub mod risk;
pub mod signing;
pub mod slack;
pub mod stripe;

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::findings::redact::redact_in;
pub use crate::findings::verification::{Provider, Reason, RiskLevel, Status, Verification};
use crate::findings::Finding;
use crate::rules::RuleSet;
use gate::Gate;
pub use http::Client;
use http::{BaseUrl, Request, Response, TransportError};

/// A shared HTTP-level outcome → verdict mapping for bearer-token APIs.
fn generic_http_failure(provider: Provider, resp: &Response) -> Option<Verification> {
    let v = |r, d: String| Some(Verification::indeterminate(provider, r, d));
    match resp.status {
        429 => v(
            Reason::RateLimited,
            format!(
                "{} answered 429 (rate limited){}",
                provider.name(),
                retry_after_text(resp)
            ),
        ),
        500..=599 => v(
            Reason::UpstreamError,
            format!("{} answered HTTP {}", provider.name(), resp.status),
        ),
        300..=399 => v(
            Reason::AmbiguousAnswer,
            format!(
                "{} answered a redirect (HTTP {}), which is not followed",
                provider.name(),
                resp.status
            ),
        ),
        _ if resp.is_html() => v(
            Reason::AmbiguousAnswer,
            format!(
                "an HTML page (HTTP {}) instead of {}'s API answer: a proxy, WAF or captive portal",
                resp.status,
                provider.name()
            ),
        ),
        _ => None,
    }
}

fn retry_after_text(resp: &Response) -> String {
    resp.retry_after()
        .map(|s| format!("; retry after {s} s"))
        .unwrap_or_default()
}

/// A credential ready to verify: one per provider module.
pub enum Credential {
    Binance(binance::Cred),
    Aws(aws::Cred),
    Github(github::Cred),
    Slack(slack::Cred),
    Stripe(stripe::Cred),
    Bybit(exchange::Cred),
    Okx(exchange::Cred),
    Kucoin(exchange::Cred),
    Bitget(exchange::Cred),
    Gate(exchange::Cred),
    Coinbase(coinbase::Cred),
    Kraken(exchange::Cred),
}

impl Credential {
    pub fn provider(&self) -> Provider {
        match self {
            Credential::Binance(_) => Provider::Binance,
            Credential::Aws(_) => Provider::Aws,
            Credential::Github(_) => Provider::Github,
            Credential::Slack(_) => Provider::Slack,
            Credential::Stripe(_) => Provider::Stripe,
            Credential::Bybit(_) => Provider::Bybit,
            Credential::Okx(_) => Provider::Okx,
            Credential::Kucoin(_) => Provider::Kucoin,
            Credential::Bitget(_) => Provider::Bitget,
            Credential::Gate(_) => Provider::Gate,
            Credential::Coinbase(_) => Provider::Coinbase,
            Credential::Kraken(_) => Provider::Kraken,
        }
    }

    /// Every secret value the credential holds, for the cache key and for scrubbing.
    fn secrets(&self) -> Vec<&str> {
        match self {
            Credential::Binance(c) => c.secrets(),
            Credential::Aws(c) => c.secrets(),
            Credential::Github(c) => vec![c.token.as_str()],
            Credential::Slack(c) => vec![c.token.as_str()],
            Credential::Stripe(c) => vec![c.key.as_str()],
            Credential::Bybit(c)
            | Credential::Okx(c)
            | Credential::Kucoin(c)
            | Credential::Bitget(c)
            | Credential::Gate(c)
            | Credential::Kraken(c) => c.secrets(),
            Credential::Coinbase(c) => c.secrets(),
        }
    }

    /// Identifies the credential (provider + all its parts) without holding it: a
    /// domain-separated hash, so the cache never stores a secret.
    fn cache_key(&self) -> String {
        let joined = self.secrets().join("\0");
        crate::findings::fingerprint::fingerprint(
            &format!("verify:{}", self.provider().name()),
            joined.as_bytes(),
        )
    }

    /// The request(s) `--verify` would send, described with every secret redacted.
    fn describe(&self, client: &Client, now: Clock) -> String {
        let base = client.base(self.provider());
        match self {
            Credential::Binance(c) => binance::describe(c, &base, now.ms),
            Credential::Aws(c) => aws::build(c, &base.authority, now.secs()).describe(&base),
            Credential::Github(c) => github::build(c).describe(&base),
            Credential::Slack(c) => slack::build(c).describe(&base),
            Credential::Stripe(c) => stripe::build(c).describe(&base),
            Credential::Bybit(c) => bybit::describe(c, &base, now.ms),
            Credential::Okx(c) => okx::describe(c, &base, now.ms),
            Credential::Kucoin(c) => kucoin::describe(c, &base, now.ms),
            Credential::Bitget(c) => bitget::describe(c, &base, now.ms),
            Credential::Gate(c) => gateio::describe(c, &base, now.ms),
            Credential::Coinbase(c) => coinbase::describe(c, &base, now.ms),
            Credential::Kraken(c) => kraken::describe(c, &base, now.ms),
        }
    }

    fn verify(&self, ctx: &Ctx) -> Verification {
        match self {
            Credential::Binance(c) => binance::verify(c, ctx),
            Credential::Aws(c) => aws::verify(c, ctx),
            Credential::Github(c) => github::verify(c, ctx),
            Credential::Slack(c) => slack::verify(c, ctx),
            Credential::Stripe(c) => stripe::verify(c, ctx),
            Credential::Bybit(c) => bybit::verify(c, ctx),
            Credential::Okx(c) => okx::verify(c, ctx),
            Credential::Kucoin(c) => kucoin::verify(c, ctx),
            Credential::Bitget(c) => bitget::verify(c, ctx),
            Credential::Gate(c) => gateio::verify(c, ctx),
            Credential::Coinbase(c) => coinbase::verify(c, ctx),
            Credential::Kraken(c) => kraken::verify(c, ctx),
        }
    }
}

/// Wall-clock time for signatures and key ages.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub ms: u64,
}

impl Clock {
    pub fn now() -> Clock {
        Clock {
            ms: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0),
        }
    }
    pub fn secs(self) -> i64 {
        (self.ms / 1000) as i64
    }
}

/// What a provider module gets to talk to the network: admission control + the client.
pub struct Ctx<'a> {
    client: &'a Client,
    gates: &'a HashMap<Provider, Gate>,
}

impl Ctx<'_> {
    /// Sends `req` through its provider's gate. `Err` is already the verdict (not sent,
    /// timeout, network failure).
    pub fn send(&self, req: &Request) -> Result<Response, Verification> {
        let p = req.provider;
        let gate = self.gates.get(&p).ok_or_else(|| {
            Verification::indeterminate(p, Reason::NetworkError, "not sent: no gate")
        })?;
        gate.acquire()?;
        let result = self.client.send(req);
        let trip = match &result {
            Ok(r) if r.status == 429 => Some((
                Reason::RateLimited,
                format!(
                    "{} answered 429 (rate limited) earlier in this run{}",
                    p.name(),
                    retry_after_text(r)
                ),
            )),
            Ok(r) if r.status == 418 => Some((
                Reason::IpBanned,
                format!(
                    "{} banned this IP (418) earlier in this run{}",
                    p.name(),
                    retry_after_text(r)
                ),
            )),
            _ => None,
        };
        gate.release(trip);
        result.map_err(|e| match e {
            TransportError::Timeout => Verification::indeterminate(
                p,
                Reason::Timeout,
                format!(
                    "{} did not answer within {} s",
                    p.name(),
                    http::REQUEST_TIMEOUT.as_secs()
                ),
            ),
            TransportError::Network(why) | TransportError::Refused(why) => {
                Verification::indeterminate(p, Reason::NetworkError, why)
            }
        })
    }

    pub fn base(&self, provider: Provider) -> BaseUrl {
        self.client.base(provider)
    }

    /// Stops calling `provider` for the rest of the run: it said "rate limited" or "banned"
    /// in its answer's body rather than with a 429/418 status.
    pub fn trip(&self, provider: Provider, reason: Reason, why: String) {
        if let Some(gate) = self.gates.get(&provider) {
            gate.trip(reason, why);
        }
    }
}

/// How verification runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct VerifyOptions {
    /// Describe the requests on the log and send nothing.
    pub dry_run: bool,
    /// Verify AWS keys of known canary-token accounts too (alerts their owner).
    pub allow_canaries: bool,
    /// Verify Kraken keys too (`--verify-kraken`): Kraken's only key-info call is a POST.
    pub kraken: bool,
}

/// How many credentials went to the network at once, across providers.
pub const GLOBAL_CONCURRENCY: usize = 4;

/// Counts for the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub live: usize,
    pub dead: usize,
    pub indeterminate: usize,
    pub skipped: usize,
    /// Distinct credentials planned for the network.
    pub credentials: usize,
    /// Requests sent per host.
    pub requests: BTreeMap<String, u32>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "verification: {} live, {} dead, {} indeterminate, {} skipped",
            self.live, self.dead, self.indeterminate, self.skipped
        )?;
        let sent: Vec<String> = self
            .requests
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(h, n)| format!("{h} {n}"))
            .collect();
        if sent.is_empty() {
            write!(f, "; no request sent")
        } else {
            write!(f, "; requests sent: {}", sent.join(", "))
        }
    }
}

/// Verifies every finding in place (`finding.verification`), each distinct credential once.
/// With `opts.dry_run`, writes what would be sent to `log` instead and sends nothing.
pub fn verify_findings(
    findings: &mut [Finding],
    rules: &RuleSet,
    opts: VerifyOptions,
    client: &Client,
    log: &mut dyn Write,
) -> anyhow::Result<Summary> {
    let plans: Vec<Result<Credential, Verification>> = (0..findings.len())
        .map(|i| plan(findings, i, rules, opts.allow_canaries, opts.kraken))
        .collect();
    // Deduplicate: one job per distinct credential, in first-seen order.
    let mut job_of: Vec<Option<usize>> = vec![None; findings.len()];
    let mut jobs: Vec<&Credential> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, p) in plans.iter().enumerate() {
        if let Ok(cred) = p {
            let key = cred.cache_key();
            let j = *index.entry(key).or_insert_with(|| {
                jobs.push(cred);
                jobs.len() - 1
            });
            job_of[i] = Some(j);
        }
    }
    let mut summary = Summary {
        credentials: jobs.len(),
        ..Summary::default()
    };
    if opts.dry_run {
        write_dry_run(findings, &plans, &job_of, client, log)?;
        return Ok(summary);
    }
    let gates: HashMap<Provider, Gate> = Provider::ALL.iter().map(|&p| (p, Gate::new(p))).collect();
    let results = run_jobs(&jobs, client, &gates);
    for p in Provider::ALL {
        let sent = gates.get(&p).map(Gate::sent).unwrap_or(0);
        if sent > 0 {
            summary.requests.insert(client.base(p).authority, sent);
        }
    }
    for (i, plan) in plans.into_iter().enumerate() {
        let mut v = match (plan, job_of[i]) {
            (Ok(_), Some(j)) => results[j].clone(),
            (Err(v), _) => v,
            (Ok(c), None) => Verification::skipped(
                Some(c.provider()),
                Reason::ProviderNotSupported,
                "internal: no job",
            ),
        };
        let secrets: Vec<&str> = findings[i].secret_values().collect();
        v.scrub(&secrets);
        match v.status {
            Status::Live => summary.live += 1,
            Status::Dead => summary.dead += 1,
            Status::Indeterminate => summary.indeterminate += 1,
            Status::Skipped => summary.skipped += 1,
        }
        findings[i].verification = Some(v);
    }
    Ok(summary)
}

/// Runs the jobs on at most [`GLOBAL_CONCURRENCY`] threads; the gates do the rest.
fn run_jobs(
    jobs: &[&Credential],
    client: &Client,
    gates: &HashMap<Provider, Gate>,
) -> Vec<Verification> {
    let slots: Vec<Mutex<Option<Verification>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let workers = GLOBAL_CONCURRENCY.min(jobs.len());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                let ctx = Ctx { client, gates };
                loop {
                    let j = next.fetch_add(1, Ordering::Relaxed);
                    let Some(cred) = jobs.get(j) else { break };
                    let mut v = cred.verify(&ctx);
                    v.scrub(&cred.secrets());
                    *slots[j].lock().unwrap_or_else(|e| e.into_inner()) = Some(v);
                }
            });
        }
    });
    slots
        .into_iter()
        .zip(jobs)
        .map(|(slot, cred)| {
            slot.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .unwrap_or_else(|| {
                    Verification::indeterminate(
                        cred.provider(),
                        Reason::NetworkError,
                        "the verification thread failed",
                    )
                })
        })
        .collect()
}

fn write_dry_run(
    findings: &[Finding],
    plans: &[Result<Credential, Verification>],
    job_of: &[Option<usize>],
    client: &Client,
    log: &mut dyn Write,
) -> anyhow::Result<()> {
    let now = Clock::now();
    writeln!(
        log,
        "leakhound: --verify-dry-run: nothing is sent. For each finding, the request --verify would send (secrets and signatures redacted):"
    )?;
    let mut first_of_job: HashMap<usize, usize> = HashMap::new();
    let mut hosts: Vec<String> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        writeln!(log, "  {}:{} {}", f.path, f.line, f.rule_id)?;
        match (&plans[i], job_of[i]) {
            (Ok(cred), Some(j)) => {
                if let Some(&first) = first_of_job.get(&j) {
                    let g = &findings[first];
                    writeln!(
                        log,
                        "    the same credential as {}:{}: verified once",
                        g.path, g.line
                    )?;
                } else {
                    first_of_job.insert(j, i);
                    writeln!(log, "    {}", cred.describe(client, now))?;
                    let host = client.base(cred.provider()).authority;
                    if !hosts.contains(&host) {
                        hosts.push(host);
                    }
                }
            }
            (Err(v), _) => {
                let reason = v.reason.map(Reason::as_str).unwrap_or("skipped");
                let detail = v.detail.as_deref().unwrap_or("");
                let secrets: Vec<&str> = f.secret_values().collect();
                writeln!(
                    log,
                    "    nothing sent ({reason}): {}",
                    redact_in(detail, &secrets)
                )?;
            }
            (Ok(_), None) => {}
        }
    }
    if hosts.is_empty() {
        writeln!(log, "leakhound: --verify would contact no host")?;
    } else {
        writeln!(
            log,
            "leakhound: --verify would contact: {}",
            hosts.join(", ")
        )?;
    }
    Ok(())
}

/// Decides, offline, what to do with finding `i`: a credential to verify, or why not.
/// Dispatch is by builtin rule id only (see the module docs).
fn plan(
    findings: &[Finding],
    i: usize,
    rules: &RuleSet,
    allow_canaries: bool,
    kraken: bool,
) -> Result<Credential, Verification> {
    let f = &findings[i];
    let id = f.rule_id.as_str();
    if binance::handles(id) {
        return binance::credential(findings, i).map(Credential::Binance);
    }
    if aws::handles(id) {
        return aws::credential(findings, i, allow_canaries).map(Credential::Aws);
    }
    if github::handles(id) {
        return github::credential(f).map(Credential::Github);
    }
    if slack::handles(id) {
        return slack::credential(f).map(Credential::Slack);
    }
    if stripe::handles(id) {
        return stripe::credential(f).map(Credential::Stripe);
    }
    if bybit::handles(id) {
        return bybit::credential(f).map(Credential::Bybit);
    }
    if okx::handles(id) {
        return okx::credential(f).map(Credential::Okx);
    }
    if kucoin::handles(id) {
        return kucoin::credential(f).map(Credential::Kucoin);
    }
    if bitget::handles(id) {
        return bitget::credential(f).map(Credential::Bitget);
    }
    if gateio::handles(id) {
        return gateio::credential(f).map(Credential::Gate);
    }
    if coinbase::handles(id) {
        return coinbase::credential(f).map(Credential::Coinbase);
    }
    if kraken::handles(id) {
        return kraken::credential(f, kraken || kraken::opted_in()).map(Credential::Kraken);
    }
    if let Some(v) = not_verifiable(id) {
        return Err(v);
    }
    Err(unsupported(f, rules))
}

/// Exchanges that are detected but have no read-only way to ask what a key may do: `skipped`,
/// with the reason, whatever parts were found.
fn not_verifiable(rule_id: &str) -> Option<Verification> {
    let (provider, why) = match rule_id.split('-').next()? {
        "bitfinex" => (
            Provider::Bitfinex,
            "Bitfinex is not verified: its key-permission call (POST /v2/auth/r/permissions) is, like every authenticated Bitfinex call, a nonce-signed POST that moves the key's nonce and can break the owner's client; there is no read-only GET",
        ),
        "htx" => (
            Provider::Htx,
            "HTX is not verified: its key-information call (GET /v2/user/api-key) needs the account uid, which takes a second signed request (GET /v2/user/uid); leakhound sends one request per credential",
        ),
        "mexc" => (
            Provider::Mexc,
            "MEXC is not verified: it has no key-introspection endpoint; GET /api/v3/account returns balances and account-level flags, not what this key may do",
        ),
        _ => return None,
    };
    Some(Verification::skipped(
        Some(provider),
        Reason::ProviderNotSupported,
        why,
    ))
}

/// `skipped`: a missing counterpart when the rule's provider has parts this finding lacks
/// (an OKX secret without its passphrase), otherwise provider-not-supported.
fn unsupported(f: &Finding, rules: &RuleSet) -> Verification {
    let provider = rules.get(&f.rule_id).and_then(|r| r.provider.clone());
    if let Some(provider) = provider {
        let mut needed: Vec<String> = rules
            .rules()
            .iter()
            .filter(|r| r.provider.as_deref() == Some(provider.as_str()) && r.is_companion_part())
            .filter_map(|r| r.part.clone())
            .collect();
        needed.sort();
        needed.dedup();
        let own_part = rules.get(&f.rule_id).and_then(|r| r.part.clone());
        let missing: Vec<String> = needed
            .into_iter()
            .filter(|n| Some(n) != own_part.as_ref() && !f.parts.iter().any(|p| &p.name == n))
            .collect();
        if !missing.is_empty() && rules.get(&f.rule_id).is_some_and(|r| r.is_primary_part()) {
            return Verification::skipped(
                None,
                Reason::MissingCounterpart,
                format!(
                    "no {} was found with it, and it cannot be verified without (nor does leakhound verify {provider} credentials yet)",
                    missing.join(" or ")
                ),
            );
        }
        return Verification::skipped(
            None,
            Reason::ProviderNotSupported,
            format!("leakhound does not verify {provider} credentials"),
        );
    }
    Verification::skipped(
        None,
        Reason::ProviderNotSupported,
        "leakhound does not verify this kind of secret",
    )
}

/// The value of part `name` of a finding.
pub(crate) fn part<'a>(f: &'a Finding, name: &str) -> Option<&'a str> {
    f.parts
        .iter()
        .find(|p| p.name == name)
        .map(|p| p.value.as_str())
}

/// How far (in lines) a separately reported counterpart may be, for pairings the rule engine
/// does not link (a Binance API key with an RSA key, an AWS session token).
pub(crate) const PAIR_MAX_LINES: usize = 8;

/// The nearest other finding of one of `rule_ids` in the same file (and commit), within
/// [`PAIR_MAX_LINES`] of finding `i`'s span.
pub(crate) fn nearby(findings: &[Finding], i: usize, rule_ids: &[&str]) -> Option<usize> {
    let f = &findings[i];
    let commit = |x: &Finding| x.commit.as_ref().map(|c| c.commit.clone());
    findings
        .iter()
        .enumerate()
        .filter(|(j, g)| {
            *j != i
                && rule_ids.contains(&g.rule_id.as_str())
                && g.path == f.path
                && commit(g) == commit(f)
        })
        .map(|(j, g)| {
            // Lines between the two spans; 0 when they overlap.
            let distance = if g.end_line < f.line {
                f.line - g.end_line
            } else {
                g.line.saturating_sub(f.end_line)
            };
            (distance, j)
        })
        .filter(|(d, _)| *d <= PAIR_MAX_LINES)
        .min()
        .map(|(_, j)| j)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_fixed_constants() {
        let hosts: Vec<&str> = Provider::ALL.iter().map(|p| http::host(*p)).collect();
        assert_eq!(
            hosts,
            [
                "api.binance.com",
                "sts.amazonaws.com",
                "api.github.com",
                "slack.com",
                "api.stripe.com",
                "api.bybit.com",
                "www.okx.com",
                "api.kucoin.com",
                "api.bitget.com",
                "api.gateio.ws",
                "api.coinbase.com",
                "api.kraken.com",
                "api.bitfinex.com",
                "api.huobi.pro",
                "api.mexc.com"
            ]
        );
    }

    #[test]
    fn serialises_compactly() {
        let v = Verification::indeterminate(Provider::Binance, Reason::RateLimited, "x");
        let j = serde_json::to_value(&v).unwrap();
        assert_eq!(
            j,
            serde_json::json!({"status": "indeterminate", "provider": "binance", "reason": "rate-limited", "detail": "x"})
        );
        assert_eq!(Reason::IpBanned.as_str(), "ip-banned");
        assert_eq!(
            serde_json::to_value(Reason::IpBanned).unwrap(),
            serde_json::json!("ip-banned")
        );
    }

    #[test]
    fn scrub_removes_secrets() {
        let mut v = Verification::indeterminate(
            Provider::Github,
            Reason::AmbiguousAnswer,
            "echoed ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        );
        v.scrub(&["ghp_abcdefghijklmnopqrstuvwxyz0123456789"]);
        assert_eq!(v.detail.as_deref(), Some("echoed ghp_…"));
    }
}
