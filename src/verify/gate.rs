//! Admission control, one gate per provider: how many requests may be in flight, how far apart
//! they start, how many one run may send, and the circuit breaker that stops calling a provider
//! for the rest of the run after it answers 429 (rate limited) or 418 (IP banned).
//!
//! Exchanges limit per IP, not per key, and escalate: repeated 429s from Binance become a 418
//! ban of 2 minutes to 3 days, which would hit the user's own CI or office network. So
//! verification is deliberately slow and gives up early for those providers.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::{Provider, Reason, Verification};

impl Provider {
    /// How hard leakhound may press on this provider in one run.
    pub(super) fn budget(self) -> Budget {
        match self {
            // Binance limits per IP, escalates 429s into 418 bans (2 minutes to 3 days), and a
            // ban would hit the user's own CI: one request at a time, at most 4 per second.
            Provider::Binance => Budget {
                in_flight: 1,
                min_interval: Duration::from_millis(250),
                max_requests: 30,
            },
            // Exchanges limit per IP (some per UID too) and some escalate into bans: one request
            // in flight each, spaced by at least the exchange's documented limit for the call.
            // Bybit: 600 requests / 5 s per IP; "403 access too frequent" bans for 10 minutes.
            // KuCoin: private pool 30 / 3 s (VIP0). Gate: 200 / 10 s per endpoint. Coinbase:
            // 30 / s private. MEXC: 500 weight / 10 s, and account is weight 10.
            Provider::Bybit
            | Provider::Kucoin
            | Provider::Gate
            | Provider::Coinbase
            | Provider::Mexc => Budget {
                in_flight: 1,
                min_interval: Duration::from_millis(250),
                max_requests: 30,
            },
            // OKX: account/config is limited to 5 requests / 2 s per user id.
            Provider::Okx => Budget {
                in_flight: 1,
                min_interval: Duration::from_millis(500),
                max_requests: 30,
            },
            // Bitget: spot/account/info is limited to 1 request / s per UID.
            Provider::Bitget => Budget {
                in_flight: 1,
                min_interval: Duration::from_millis(1000),
                max_requests: 30,
            },
            // Kraken: too many sequential "Invalid key" answers lock the IP out temporarily,
            // so few requests, well apart (opt-in anyway).
            Provider::Kraken | Provider::Bitfinex | Provider::Htx => Budget {
                in_flight: 1,
                min_interval: Duration::from_millis(1000),
                max_requests: 10,
            },
            Provider::Aws | Provider::Github | Provider::Slack | Provider::Stripe => Budget {
                in_flight: 2,
                min_interval: Duration::ZERO,
                max_requests: 100,
            },
        }
    }
}

/// A per-provider request budget.
#[derive(Debug, Clone, Copy)]
pub(super) struct Budget {
    in_flight: usize,
    min_interval: Duration,
    max_requests: u32,
}

#[derive(Debug, Default)]
struct GateState {
    in_flight: usize,
    sent: u32,
    last_start: Option<Instant>,
    /// Set after a 429 or 418: the provider is not called again this run.
    tripped: Option<(Reason, String)>,
}

/// Admission control for one provider: in-flight limit, spacing, budget, circuit breaker.
pub(super) struct Gate {
    provider: Provider,
    budget: Budget,
    state: Mutex<GateState>,
    cv: Condvar,
}

impl Gate {
    pub(super) fn new(provider: Provider) -> Gate {
        Gate {
            provider,
            budget: provider.budget(),
            state: Mutex::new(GateState::default()),
            cv: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for a slot; refuses when the breaker tripped or the budget is used up.
    pub(super) fn acquire(&self) -> Result<(), Verification> {
        let mut st = self.lock();
        loop {
            if let Some((reason, why)) = &st.tripped {
                return Err(Verification::indeterminate(
                    self.provider,
                    *reason,
                    format!("not sent: {why}"),
                ));
            }
            if st.sent >= self.budget.max_requests {
                return Err(Verification::indeterminate(
                    self.provider,
                    Reason::BudgetExhausted,
                    format!(
                        "not sent: this run's budget of {} {} requests is used up",
                        self.budget.max_requests,
                        self.provider.name()
                    ),
                ));
            }
            if st.in_flight < self.budget.in_flight {
                let wait = st
                    .last_start
                    .map(|t| self.budget.min_interval.saturating_sub(t.elapsed()))
                    .unwrap_or_default();
                if wait.is_zero() {
                    st.in_flight += 1;
                    st.sent += 1;
                    st.last_start = Some(Instant::now());
                    return Ok(());
                }
                st = self
                    .cv
                    .wait_timeout(st, wait)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            } else {
                st = self.cv.wait(st).unwrap_or_else(|e| e.into_inner());
            }
        }
    }

    pub(super) fn release(&self, trip: Option<(Reason, String)>) {
        let mut st = self.lock();
        st.in_flight = st.in_flight.saturating_sub(1);
        if st.tripped.is_none() {
            st.tripped = trip;
        }
        drop(st);
        self.cv.notify_all();
    }

    /// Trips the breaker without a request: an exchange said "rate limited" or "banned" in
    /// its body (Bybit 10006, OKX 50011, Kraken `EAPI:Rate limit exceeded`, ...).
    pub(super) fn trip(&self, reason: Reason, why: String) {
        let mut st = self.lock();
        if st.tripped.is_none() {
            st.tripped = Some((reason, why));
        }
    }

    pub(super) fn sent(&self) -> u32 {
        self.lock().sent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_trips_and_budgets() {
        let gate = Gate::new(Provider::Binance);
        assert!(gate.acquire().is_ok());
        gate.release(Some((Reason::RateLimited, "429".into())));
        let v = gate.acquire().unwrap_err();
        assert_eq!(v.reason, Some(Reason::RateLimited));
        assert_eq!(gate.sent(), 1);

        let gate = Gate::new(Provider::Github);
        for _ in 0..Provider::Github.budget().max_requests {
            gate.acquire().unwrap();
            gate.release(None);
        }
        assert_eq!(
            gate.acquire().unwrap_err().reason,
            Some(Reason::BudgetExhausted)
        );
    }

    #[test]
    fn binance_requests_are_spaced() {
        let gate = Gate::new(Provider::Binance);
        let start = Instant::now();
        for _ in 0..3 {
            gate.acquire().unwrap();
            gate.release(None);
        }
        assert!(start.elapsed() >= Duration::from_millis(500));
    }
}
