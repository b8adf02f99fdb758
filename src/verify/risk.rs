//! What a live credential can do, as one risk level plus advice in the provider's own terms.
//!
//! The levels answer "how bad is it if an attacker has this right now", so they are about the
//! key's capabilities, not about the rule that found it: a read-only Binance key is low even
//! though every Binance secret is a critical finding. All advice text lives here, in one place,
//! so reports, SARIF and docs say the same thing.

pub use crate::findings::verification::{Assessment, RiskLevel};

/// Keys older than this should be rotated whatever they can do.
pub const ROTATE_AFTER_DAYS: u64 = 90;
const DAY_MS: u64 = 86_400_000;

/// The facts about a live Binance key that decide its risk (from `apiRestrictions`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BinanceFacts {
    pub withdrawals: bool,
    /// Spot/margin, futures, margin, options, portfolio-margin or FIX trading.
    pub trading: bool,
    /// Internal or universal transfers between accounts/wallets.
    pub transfer: bool,
    pub ip_restricted: bool,
    /// `createTime`, ms since the epoch.
    pub created_ms: Option<u64>,
    /// Spot and margin trading permission has lapsed (`tradingAuthorityExpirationTime` past).
    pub trading_expired: bool,
    /// Signed with the HMAC secret (Binance deprecated HMAC keys in favour of Ed25519).
    pub hmac: bool,
}

/// Binance, on the levels every exchange shares ([`exchange`]): withdrawals or transfers →
/// critical; trading without an IP restriction → high; IP-locked trading → medium; read-only →
/// low. Advice follows Binance's own
/// API-key safety guidance: least privilege, IP allow-lists, withdrawals off, delete unused or
/// exposed keys, never share or commit them.
pub fn binance(f: &BinanceFacts, now_ms: u64) -> Assessment {
    let mut advice = Vec::new();
    // The levels every exchange shares (see `exchange`): withdrawals or transfers critical,
    // trading without an IP allow-list high, IP-locked trading medium, read-only low.
    let level = if f.withdrawals || f.transfer {
        advice.push(
            "Delete this key now (Binance > Account > API Management); recreate it with least \
             privilege: withdrawals and transfers disabled, only the permissions your code needs, \
             restricted to trusted IPs."
                .to_string(),
        );
        advice.push(
            "Check the account's withdrawal, transfer and order history for activity you did not make."
                .to_string(),
        );
        RiskLevel::Critical
    } else if f.trading && !f.ip_restricted {
        advice.push(
            "Restrict this key to trusted IPs, or better, since it leaked: delete it and recreate it \
             restricted to trusted IPs with only the permissions your code needs (an unrestricted \
             trading key can be drained by trading into illiquid pairs)."
                .to_string(),
        );
        advice.push(
            "Check the account's order and transfer history for activity you did not make."
                .to_string(),
        );
        RiskLevel::High
    } else if f.trading {
        advice.push(
            "Delete this key and recreate it: it leaked, and although it is locked to trusted IPs \
             it can trade from them."
                .to_string(),
        );
        RiskLevel::Medium
    } else {
        advice.push(
            "Delete this key and recreate it: it leaked, and it can at least read balances, orders \
             and account details."
                .to_string(),
        );
        RiskLevel::Low
    };
    if f.ip_restricted {
        advice.push(
            "The key is restricted to trusted IPs, yet it answered this machine: this network (or its \
             NAT/CI egress) is on the key's allow-list."
                .to_string(),
        );
    }
    if let Some(created) = f.created_ms {
        let age_days = now_ms.saturating_sub(created) / DAY_MS;
        if age_days > ROTATE_AFTER_DAYS {
            advice.push(format!(
                "Rotate: the key is {age_days} days old (more than {ROTATE_AFTER_DAYS}); replace it with a new one."
            ));
        }
    }
    if f.trading_expired {
        advice.push(
            "Its spot and margin trading permission has expired (tradingAuthorityExpirationTime)."
                .to_string(),
        );
    }
    if f.hmac {
        advice.push(
            "Prefer a self-generated Ed25519 key for the replacement: Binance has deprecated HMAC keys."
                .to_string(),
        );
    }
    advice.push(
        "Keep the new key out of source code: an environment variable, a git-ignored config file or a secret manager."
            .to_string(),
    );
    Assessment { level, advice }
}

/// The facts about a live exchange key that decide its risk, normalised from each exchange's
/// own answer (Bybit `query-api`, OKX `account/config`, KuCoin `user/api-key`, ...).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExchangeFacts {
    /// Withdrawals to outside addresses.
    pub withdraw: bool,
    /// Internal or universal transfers (to sub-accounts or other users).
    pub transfer: bool,
    /// Spot, margin, futures or options trading.
    pub trading: bool,
    /// `false` when the exchange does not say what the key may do (Gate): the key is then
    /// assumed able to trade, but not to withdraw.
    pub permissions_known: bool,
    /// Bound to an IP allow-list: `None` when the exchange does not say.
    pub ip_restricted: Option<bool>,
    /// Creation and expiry, ms since the epoch.
    pub created_ms: Option<u64>,
    pub expires_ms: Option<u64>,
}

/// Where things are in an exchange's own interface, for advice in its users' terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Menu {
    pub exchange: &'static str,
    /// The page that lists, edits and deletes API keys.
    pub api_page: &'static str,
    /// The permission that allows withdrawals, as the key editor names it.
    pub withdraw: &'static str,
    /// The transfer permission(s), as the key editor names them.
    pub transfer: &'static str,
    /// The IP allow-list setting, as the key editor names it.
    pub ip_list: &'static str,
}

/// Every exchange (Binance's facts are read in [`binance`], on the same levels): withdraw or transfer →
/// critical; trading without an IP allow-list → high; trading locked to IPs → medium;
/// read-only → low. Advice follows the key-safety rules exchange users know: least
/// privilege, withdrawals off, IP allow-list on, rotate, delete unused keys, never hardcode.
pub fn exchange(f: &ExchangeFacts, m: &Menu, now_ms: u64) -> Assessment {
    let trading = f.trading || !f.permissions_known;
    let locked = f.ip_restricted == Some(true);
    let mut advice = Vec::new();
    let level = if f.withdraw || f.transfer {
        let what = match (f.withdraw, f.transfer) {
            (true, true) => "withdraw and transfer funds",
            (true, false) => "withdraw funds",
            _ => "transfer funds to other accounts",
        };
        advice.push(format!(
            "Delete this key now ({}): it can {what}. If you need a key, create a new one with \
             least privilege: \"{}\" and \"{}\" off, only the permissions your code needs, and \
             \"{}\" set to your servers' addresses.",
            m.api_page, m.withdraw, m.transfer, m.ip_list
        ));
        advice.push(format!(
            "Check the {} account's withdrawal, transfer and order history for activity you did not make.",
            m.exchange
        ));
        RiskLevel::Critical
    } else if trading && !locked {
        advice.push(format!(
            "Delete this key ({}) and recreate it with \"{}\" set to your servers' addresses and \
             only the permissions your code needs: a trading key without an IP allow-list can be \
             drained by trading into illiquid pairs.",
            m.api_page, m.ip_list
        ));
        advice.push(format!(
            "Check the {} account's order history for trades you did not make.",
            m.exchange
        ));
        RiskLevel::High
    } else if trading {
        advice.push(format!(
            "Delete this key ({}) and recreate it: it leaked, and it can trade from the addresses \
             in \"{}\".",
            m.api_page, m.ip_list
        ));
        RiskLevel::Medium
    } else {
        advice.push(format!(
            "Delete this key ({}): it leaked, and it can read balances, orders and account details.",
            m.api_page
        ));
        RiskLevel::Low
    };
    if !f.permissions_known {
        advice.push(format!(
            "{} does not report this key's permissions to the key itself; check them in {}.",
            m.exchange, m.api_page
        ));
    }
    if locked {
        advice.push(
            "The key is restricted to trusted IPs, yet it answered this machine: this network (or its \
             NAT/CI egress) is on the key's allow-list."
                .to_string(),
        );
    }
    if let Some(created) = f.created_ms {
        let age_days = now_ms.saturating_sub(created) / DAY_MS;
        if age_days > ROTATE_AFTER_DAYS {
            advice.push(format!(
                "Rotate: the key is {age_days} days old (more than {ROTATE_AFTER_DAYS}); replace it with a new one."
            ));
        }
    }
    advice.push(
        "Keep the new key out of source code: an environment variable, a git-ignored config file or a secret manager."
            .to_string(),
    );
    Assessment { level, advice }
}

/// AWS: `GetCallerIdentity` needs no permission, so it proves the key works, not what it may
/// do. A root-account key can do everything.
pub fn aws(arn: &str) -> Assessment {
    if arn.ends_with(":root") {
        return Assessment {
            level: RiskLevel::Critical,
            advice: vec![
                "This is a root-account access key: delete it now (IAM > Security credentials); \
                 root keys should not exist."
                    .to_string(),
                "Review CloudTrail for activity you did not make.".to_string(),
            ],
        };
    }
    Assessment {
        level: RiskLevel::High,
        advice: vec![
            "Deactivate and delete this access key (IAM > Users > Security credentials), then \
             create a new one if it is still needed. Its permissions are unknown: \
             GetCallerIdentity needs none."
                .to_string(),
            "Review CloudTrail for activity by this key you did not make.".to_string(),
        ],
    }
}

/// GitHub token classes, from the token prefix and the `/user` answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GithubKind {
    Classic,
    FineGrained,
    App,
}

const GITHUB_CRITICAL_SCOPES: &[&str] = &[
    "admin:org",
    "admin:enterprise",
    "admin:repo_hook",
    "admin:org_hook",
    "admin:public_key",
    "admin:gpg_key",
    "delete_repo",
    "site_admin",
];
const GITHUB_HIGH_SCOPES: &[&str] = &[
    "repo",
    "public_repo",
    "workflow",
    "write:packages",
    "delete:packages",
    "write:org",
    "user",
    "codespace",
];

/// GitHub: admin or delete scopes → critical; write to code/workflows/packages → high; other
/// classic scopes → medium; fine-grained and app tokens → high (their permissions are not
/// listed by `/user`, and probing them would need write attempts).
pub fn github(kind: GithubKind, scopes: &[String]) -> Assessment {
    let revoke = "Revoke the token now (GitHub > Settings > Developer settings), then check the \
                  security log and the repositories it can reach for changes you did not make.";
    let level = match kind {
        GithubKind::Classic => {
            if scopes
                .iter()
                .any(|s| GITHUB_CRITICAL_SCOPES.contains(&s.as_str()))
            {
                RiskLevel::Critical
            } else if scopes
                .iter()
                .any(|s| GITHUB_HIGH_SCOPES.contains(&s.as_str()))
            {
                RiskLevel::High
            } else {
                RiskLevel::Medium
            }
        }
        GithubKind::FineGrained | GithubKind::App => RiskLevel::High,
    };
    let mut advice = vec![revoke.to_string()];
    if kind != GithubKind::Classic {
        advice.push(
            "Its repository and organization permissions are not listed by /user; check them on GitHub."
                .to_string(),
        );
    }
    Assessment { level, advice }
}

const SLACK_SENSITIVE_SCOPES: &[&str] = &[
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
    "files:read",
    "chat:write",
    "users:read.email",
];

/// Slack: admin scopes → critical; a user token, or a bot that can read history/files or post
/// → high; other bots → medium.
pub fn slack(user_token: bool, scopes: &[String]) -> Assessment {
    let level = if scopes.iter().any(|s| s.starts_with("admin")) {
        RiskLevel::Critical
    } else if user_token
        || scopes
            .iter()
            .any(|s| SLACK_SENSITIVE_SCOPES.contains(&s.as_str()))
    {
        RiskLevel::High
    } else {
        RiskLevel::Medium
    };
    let mut advice = vec![
        "Revoke the token now (api.slack.com/apps > your app > OAuth & Permissions, or \
         auth.revoke), then reinstall the app to get a new one."
            .to_string(),
    ];
    if user_token {
        advice.push(
            "A user token acts as that person: it can read what they can read. Review the workspace's access logs."
                .to_string(),
        );
    }
    Assessment { level, advice }
}

/// Stripe: a live secret key → critical (charges, refunds, payouts, customer data); a live
/// restricted key → high; test mode → low.
pub fn stripe(restricted: bool, livemode: bool) -> Assessment {
    let level = match (livemode, restricted) {
        (false, _) => RiskLevel::Low,
        (true, false) => RiskLevel::Critical,
        (true, true) => RiskLevel::High,
    };
    Assessment {
        level,
        advice: vec![
            "Roll the key now (Stripe Dashboard > Developers > API keys) and deploy the new one; \
             then review recent payments, refunds, payouts and API request logs."
                .to_string(),
            "Prefer restricted keys (rk_) with only the permissions each service needs."
                .to_string(),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000_000;

    #[test]
    fn binance_levels() {
        let withdraw = BinanceFacts {
            withdrawals: true,
            ip_restricted: true,
            ..Default::default()
        };
        let a = binance(&withdraw, NOW);
        assert_eq!(a.level, RiskLevel::Critical);
        assert!(a.advice[0].starts_with("Delete this key now"));
        assert!(a.advice[0].contains("least"));

        let trading_open = BinanceFacts {
            trading: true,
            ..Default::default()
        };
        let a = binance(&trading_open, NOW);
        assert_eq!(a.level, RiskLevel::High);
        assert!(a.advice[0].contains("trusted IPs"));

        let transfer_open = BinanceFacts {
            transfer: true,
            ..Default::default()
        };
        assert_eq!(binance(&transfer_open, NOW).level, RiskLevel::Critical);

        let trading_locked = BinanceFacts {
            trading: true,
            ip_restricted: true,
            ..Default::default()
        };
        assert_eq!(binance(&trading_locked, NOW).level, RiskLevel::Medium);
        assert_eq!(binance(&BinanceFacts::default(), NOW).level, RiskLevel::Low);
    }

    const MENU: Menu = Menu {
        exchange: "Test",
        api_page: "Test > API",
        withdraw: "Withdraw",
        transfer: "Transfer",
        ip_list: "IP allow-list",
    };

    #[test]
    fn exchange_levels() {
        let known = ExchangeFacts {
            permissions_known: true,
            ..Default::default()
        };
        let level = |f: ExchangeFacts| exchange(&f, &MENU, NOW).level;
        let with = |withdraw, transfer, trading, ip: Option<bool>| ExchangeFacts {
            withdraw,
            transfer,
            trading,
            ip_restricted: ip,
            ..known.clone()
        };
        assert_eq!(
            level(with(true, false, false, Some(true))),
            RiskLevel::Critical
        );
        assert_eq!(
            level(with(false, true, true, Some(true))),
            RiskLevel::Critical
        );
        assert_eq!(
            level(with(false, false, true, Some(false))),
            RiskLevel::High
        );
        assert_eq!(level(with(false, false, true, None)), RiskLevel::High);
        assert_eq!(
            level(with(false, false, true, Some(true))),
            RiskLevel::Medium
        );
        assert_eq!(
            level(with(false, false, false, Some(false))),
            RiskLevel::Low
        );
        // Unknown permissions count as trading, not as withdrawals.
        assert_eq!(level(ExchangeFacts::default()), RiskLevel::High);
        let a = exchange(&with(true, false, false, None), &MENU, NOW);
        assert!(a.advice[0].contains("Test > API") && a.advice[0].contains("\"Withdraw\" and"));
        let old = ExchangeFacts {
            created_ms: Some(NOW - 400 * DAY_MS),
            ..known
        };
        assert!(exchange(&old, &MENU, NOW)
            .advice
            .iter()
            .any(|a| a.contains("400 days old")));
    }

    #[test]
    fn old_binance_keys_get_rotate_advice() {
        let old = BinanceFacts {
            created_ms: Some(NOW - 91 * DAY_MS),
            ..Default::default()
        };
        assert!(binance(&old, NOW)
            .advice
            .iter()
            .any(|a| a.starts_with("Rotate")));
        let young = BinanceFacts {
            created_ms: Some(NOW - 10 * DAY_MS),
            ..Default::default()
        };
        assert!(!binance(&young, NOW)
            .advice
            .iter()
            .any(|a| a.starts_with("Rotate")));
    }

    #[test]
    fn other_providers() {
        assert_eq!(
            aws("arn:aws:iam::123456789012:root").level,
            RiskLevel::Critical
        );
        assert_eq!(
            aws("arn:aws:iam::123456789012:user/ci").level,
            RiskLevel::High
        );
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            github(GithubKind::Classic, &s(&["repo", "delete_repo"])).level,
            RiskLevel::Critical
        );
        assert_eq!(
            github(GithubKind::Classic, &s(&["repo"])).level,
            RiskLevel::High
        );
        assert_eq!(
            github(GithubKind::Classic, &s(&["read:user"])).level,
            RiskLevel::Medium
        );
        assert_eq!(github(GithubKind::FineGrained, &[]).level, RiskLevel::High);
        assert_eq!(
            slack(false, &s(&["admin.users:read"])).level,
            RiskLevel::Critical
        );
        assert_eq!(slack(true, &[]).level, RiskLevel::High);
        assert_eq!(
            slack(false, &s(&["reactions:read"])).level,
            RiskLevel::Medium
        );
        assert_eq!(stripe(false, true).level, RiskLevel::Critical);
        assert_eq!(stripe(true, true).level, RiskLevel::High);
        assert_eq!(stripe(false, false).level, RiskLevel::Low);
        assert!(RiskLevel::Critical.security_severity() >= 9.0);
    }
}
