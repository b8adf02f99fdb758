//! The command line: argument definitions, and `main`, which maps outcomes to exit codes.
//!
//! Exit codes: 0 no findings, 1 findings, 2 error (bad arguments, unreadable root, bad rules).

mod args;
mod baseline_cmd;
mod config_cmd;
mod git_cmd;
mod hook_cmd;
mod ignore_cmd;
mod pipeline;
mod rules_cmd;
mod scan_cmd;
mod verify_cmd;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

pub use args::{parse_size, Cli, Command};

use crate::rules::{load_path, RuleSet};

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

/// Builtin rules (unless `no_builtin`) plus the user's rule files or folders.
pub(crate) fn load_rules(extra: &[PathBuf], no_builtin: bool) -> anyhow::Result<RuleSet> {
    let set = rule_set(extra, no_builtin)?;
    if set.is_empty() {
        anyhow::bail!("no rules to run (--no-builtin-rules without --rules)");
    }
    Ok(set)
}

/// [`load_rules`] without the check that some rule is left (a config may still add some).
pub(crate) fn rule_set(extra: &[PathBuf], no_builtin: bool) -> anyhow::Result<RuleSet> {
    let mut set = if no_builtin {
        RuleSet::default()
    } else {
        RuleSet::builtin().context("the builtin rules are broken")?
    };
    for path in extra {
        set.extend(load_path(path)?)?;
    }
    Ok(set)
}

/// Where a report goes: `--output FILE` or stdout.
pub(crate) struct Output {
    writer: Box<dyn Write>,
    pub is_terminal: bool,
}

impl Output {
    pub fn open(path: Option<&PathBuf>) -> anyhow::Result<Output> {
        Ok(match path {
            Some(p) => Output {
                writer: Box::new(std::io::BufWriter::new(
                    std::fs::File::create(p)
                        .with_context(|| format!("cannot write report to {}", p.display()))?,
                )),
                is_terminal: false,
            },
            None => Output {
                writer: Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
                is_terminal: std::io::stdout().is_terminal(),
            },
        })
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        &mut self.writer
    }

    pub fn finish(mut self) -> anyhow::Result<()> {
        self.writer.flush().context("cannot write report")
    }
}

pub(crate) fn shared(set: RuleSet) -> Arc<RuleSet> {
    Arc::new(set)
}
