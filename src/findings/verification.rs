//! What verification found out about a finding: plain data, so that findings, suppression and
//! reports can carry and show a verdict without depending on the network stage that makes it.
//! The verdicts are made in `crate::verify`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::redact::redact_in;

/// The providers leakhound can verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Binance,
    Aws,
    Github,
    Slack,
    Stripe,
    Bybit,
    Okx,
    Kucoin,
    Bitget,
    Gate,
    Coinbase,
    Kraken,
    Bitfinex,
    Htx,
    Mexc,
}

impl Provider {
    pub const ALL: [Provider; 15] = [
        Provider::Binance,
        Provider::Aws,
        Provider::Github,
        Provider::Slack,
        Provider::Stripe,
        Provider::Bybit,
        Provider::Okx,
        Provider::Kucoin,
        Provider::Bitget,
        Provider::Gate,
        Provider::Coinbase,
        Provider::Kraken,
        Provider::Bitfinex,
        Provider::Htx,
        Provider::Mexc,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Provider::Binance => "Binance",
            Provider::Aws => "AWS",
            Provider::Github => "GitHub",
            Provider::Slack => "Slack",
            Provider::Stripe => "Stripe",
            Provider::Bybit => "Bybit",
            Provider::Okx => "OKX",
            Provider::Kucoin => "KuCoin",
            Provider::Bitget => "Bitget",
            Provider::Gate => "Gate",
            Provider::Coinbase => "Coinbase",
            Provider::Kraken => "Kraken",
            Provider::Bitfinex => "Bitfinex",
            Provider::Htx => "HTX",
            Provider::Mexc => "MEXC",
        }
    }
}

/// The verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The provider accepted the credential.
    Live,
    /// The provider clearly rejected it (unknown, revoked, expired, malformed).
    Dead,
    /// No clear answer (see [`Reason`]); never folded into `Dead`.
    Indeterminate,
    /// Nothing was sent (see [`Reason`]).
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Live => "live",
            Status::Dead => "dead",
            Status::Indeterminate => "indeterminate",
            Status::Skipped => "skipped",
        }
    }
}

/// Why a verification is not `live`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    // dead
    /// The provider does not accept this credential (unknown, revoked, deactivated).
    Rejected,
    /// The provider says the key is not even well formed (likely a false positive).
    MalformedKey,
    /// A temporary credential that has expired.
    Expired,
    // indeterminate
    RateLimited,
    IpBanned,
    Timeout,
    ClockSkew,
    GeoBlocked,
    /// A WAF or security rule answered (Binance HTTP 403).
    WafBlocked,
    /// The provider failed (5xx).
    UpstreamError,
    /// An answer that does not decide (e.g. Binance -2015: dead, IP-locked or unpermitted).
    AmbiguousAnswer,
    /// The key id exists but this secret does not sign for it (Binance -1022, AWS
    /// SignatureDoesNotMatch).
    SecretMismatch,
    /// The key exists but the exchange answers it only from its allow-listed IPs (Bybit 10010,
    /// OKX 50110, KuCoin 400006, ...): what it may do is unknown from here.
    IpRestricted,
    NetworkError,
    /// This run's request budget for the provider is used up.
    BudgetExhausted,
    // skipped
    /// A part needed to sign is missing (a secret without its key, OKX without passphrase).
    MissingCounterpart,
    ProviderNotSupported,
    /// A known canary-token (honeytoken) account: using it would alert its owner.
    CanaryToken,
    /// The key material could not be parsed (encrypted, truncated, unsupported algorithm).
    UnsupportedKeyFormat,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Rejected => "rejected",
            Reason::MalformedKey => "malformed-key",
            Reason::Expired => "expired",
            Reason::RateLimited => "rate-limited",
            Reason::IpBanned => "ip-banned",
            Reason::Timeout => "timeout",
            Reason::ClockSkew => "clock-skew",
            Reason::GeoBlocked => "geo-blocked",
            Reason::WafBlocked => "waf-blocked",
            Reason::UpstreamError => "upstream-error",
            Reason::AmbiguousAnswer => "ambiguous-answer",
            Reason::SecretMismatch => "secret-mismatch",
            Reason::IpRestricted => "ip-restricted",
            Reason::NetworkError => "network-error",
            Reason::BudgetExhausted => "budget-exhausted",
            Reason::MissingCounterpart => "missing-counterpart",
            Reason::ProviderNotSupported => "provider-not-supported",
            Reason::CanaryToken => "canary-token",
            Reason::UnsupportedKeyFormat => "unsupported-key-format",
        }
    }
}

/// What verification found out about one finding. Holds no secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Provider>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// One human sentence: the provider's code and what it means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Who the credential belongs to: account, ARN, login, team, key type...
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub identity: BTreeMap<String, String>,
    /// What the key may do, as the provider reports it (sorted by name).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub permissions: BTreeMap<String, serde_json::Value>,
    /// Only for live credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<RiskLevel>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub advice: Vec<String>,
}

impl Verification {
    pub fn new(
        status: Status,
        provider: Option<Provider>,
        reason: Option<Reason>,
        detail: impl Into<String>,
    ) -> Verification {
        let detail = detail.into();
        Verification {
            status,
            provider,
            reason,
            detail: (!detail.is_empty()).then_some(detail),
            identity: BTreeMap::new(),
            permissions: BTreeMap::new(),
            risk: None,
            advice: Vec::new(),
        }
    }

    pub fn live(provider: Provider, assessment: Assessment) -> Verification {
        let mut v = Verification::new(Status::Live, Some(provider), None, "");
        v.risk = Some(assessment.level);
        v.advice = assessment.advice;
        v
    }

    pub fn dead(provider: Provider, reason: Reason, detail: impl Into<String>) -> Verification {
        Verification::new(Status::Dead, Some(provider), Some(reason), detail)
    }

    pub fn indeterminate(
        provider: Provider,
        reason: Reason,
        detail: impl Into<String>,
    ) -> Verification {
        Verification::new(Status::Indeterminate, Some(provider), Some(reason), detail)
    }

    pub fn skipped(
        provider: Option<Provider>,
        reason: Reason,
        detail: impl Into<String>,
    ) -> Verification {
        Verification::new(Status::Skipped, provider, Some(reason), detail)
    }

    pub fn is_live(&self) -> bool {
        self.status == Status::Live
    }

    /// Removes any of `secrets` from every text field (defence in depth: no field is built
    /// from a secret, but a provider could echo one back).
    pub fn scrub(&mut self, secrets: &[&str]) {
        let clean = |s: &mut String| {
            if secrets.iter().any(|x| !x.is_empty() && s.contains(x)) {
                *s = redact_in(s, secrets);
            }
        };
        if let Some(d) = &mut self.detail {
            clean(d);
        }
        self.identity.values_mut().for_each(clean);
        self.advice.iter_mut().for_each(clean);
        for v in self.permissions.values_mut() {
            if let serde_json::Value::String(s) = v {
                clean(s);
            }
        }
    }
}

/// How dangerous a live credential is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
    Critical,
}

impl RiskLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::Critical => "critical",
        }
    }

    /// A CVSS-like score for SARIF's `security-severity` property (GitHub code scanning maps
    /// >= 9.0 to critical, >= 7.0 to high, >= 4.0 to medium).
    pub fn security_severity(self) -> f64 {
        match self {
            RiskLevel::Low => 3.0,
            RiskLevel::Medium => 5.5,
            RiskLevel::High => 8.0,
            RiskLevel::Critical => 9.5,
        }
    }
}

impl std::fmt::Display for RiskLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A risk level and what to do about it, most urgent first.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub level: RiskLevel,
    pub advice: Vec<String>,
}
