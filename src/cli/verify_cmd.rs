//! `leakhound verify REPORT.json`: verifies the findings of an earlier JSON report (so CI can
//! scan offline and verify separately). The verification stage itself is
//! `crate::pipeline::verify_stage`, which every scan passes through.

use anyhow::Context;

use super::args::VerifyCmdArgs;
use super::exit_code;
use crate::config::load_rules;
use crate::pipeline::{finish, VerifySettings};
use crate::report::json::read_report;
use crate::sources::SourceOutcome;
use crate::suppress::Suppressor;

pub fn run(args: VerifyCmdArgs) -> anyhow::Result<u8> {
    let text = std::fs::read_to_string(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let (findings, stats) = read_report(&text)
        .with_context(|| format!("{} is not a usable leakhound report", args.input.display()))?;
    let rules = load_rules(&[], false)?;
    let verify = VerifySettings {
        verify: !args.verify_dry_run,
        dry_run: args.verify_dry_run,
        only_live: args.only_live,
        canaries: args.verify_canaries,
        kraken: args.verify_kraken,
    };
    let outcome = SourceOutcome {
        findings,
        stats,
        ..SourceOutcome::default()
    };
    // The report was suppressed when it was written; nothing is suppressed again.
    let verdict = finish(
        outcome,
        &rules,
        &Suppressor::default(),
        &args.out.settings(args.out.format),
        &verify,
        None,
    )?;
    Ok(exit_code(verdict))
}
