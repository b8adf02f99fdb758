//! The command line: argument definitions, and `main`, which maps outcomes to exit codes.
//!
//! Exit codes: 0 no findings, 1 findings, 2 error (bad arguments, unreadable root, bad rules).

mod args;
mod baseline_cmd;
mod config_cmd;
mod git_cmd;
mod hook_cmd;
mod ignore_cmd;
mod progress;
mod rules_cmd;
mod scan_cmd;
mod verify_cmd;

use std::process::ExitCode;

pub use args::{Cli, Command};

/// Exit code for a clean run.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code when secrets were found (or rule examples failed).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code for errors.
pub const EXIT_ERROR: u8 = 2;

pub fn main() -> ExitCode {
    let cli = match args::parse_cli() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(EXIT_CLEAN);
            }
            let mut msg = format!("leakhound: error: {err}");
            for cause in err.chain().skip(1) {
                msg += &format!("\n  caused by: {cause}");
            }
            eprintln!("{msg}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Scan(args) => scan_cmd::run(args),
        Command::Git(args) => git_cmd::run(args),
        Command::Hook(args) => hook_cmd::run(args),
        Command::Rules(args) => rules_cmd::run(args),
        Command::Config(args) => config_cmd::run(args),
        Command::Ignore(args) => ignore_cmd::run(args),
        Command::Baseline(args) => baseline_cmd::run(args),
        Command::Verify(args) => verify_cmd::run(args),
    }
}

/// The stages every findings command ends with ([`crate::pipeline::finish`]), with the
/// format resolved against the config, and the verdict mapped to an exit code.
pub(crate) fn conclude(
    args: &args::ReportArgs,
    setup: &crate::config::Setup,
    outcome: crate::sources::SourceOutcome,
    suppressor: &crate::suppress::Suppressor,
    advice: Option<&str>,
) -> anyhow::Result<u8> {
    let format = setup.format(args.out.format, args.suppress.given.format);
    let verdict = crate::pipeline::finish(
        outcome,
        &setup.rules,
        suppressor,
        &args.out.settings(format),
        &args.verify.settings(),
        advice,
    )?;
    Ok(exit_code(verdict))
}

pub(crate) fn exit_code(verdict: crate::pipeline::Verdict) -> u8 {
    match verdict {
        crate::pipeline::Verdict::Clean => EXIT_CLEAN,
        crate::pipeline::Verdict::Findings => EXIT_FINDINGS,
    }
}
