//! The command line: argument definitions, and `main`, which maps outcomes to exit codes.
//!
//! Exit codes: 0 no findings, 1 findings, 2 error (bad arguments, unreadable root, bad rules).

mod args;
mod baseline_cmd;
mod completions_cmd;
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

/// `0.1.0 (commit 0123456789ab)`: the package version and, when the build knew it, the commit
/// (from git at build time, or `.cargo_vcs_info.json` in a packaged crate; see build.rs).
pub const VERSION: &str = env!("LEAKHOUND_VERSION");

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
            eprintln!("{}", error_text(&err));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// `leakhound: error: ...` and one `caused by:` line per cause that adds something: a cause
/// whose text an earlier line already holds, or a bare name such as `NotFound` (an error
/// enum's variant, which says nothing the line above did not), is left out.
fn error_text(err: &anyhow::Error) -> String {
    let mut msg = format!("leakhound: error: {err}");
    let mut said = vec![err.to_string()];
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        let text = text.trim();
        let bare_name = !text.is_empty()
            && !text.contains(char::is_whitespace)
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && text.starts_with(|c: char| c.is_ascii_uppercase());
        if text.is_empty() || bare_name || said.iter().any(|s| s.contains(text)) {
            continue;
        }
        msg += &format!("\n  caused by: {text}");
        said.push(text.to_string());
    }
    msg
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
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
        Command::Completions(args) => completions_cmd::completions(args),
        Command::Man(args) => completions_cmd::man(args),
        Command::Version => completions_cmd::version(),
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
    let output = crate::pipeline::OutputSettings {
        quiet: args.quiet,
        ..args.out.settings(format)
    };
    let verdict = crate::pipeline::finish(
        outcome,
        &setup.rules,
        suppressor,
        &output,
        &args.verify.settings(),
        advice,
    )?;
    Ok(match verdict {
        crate::pipeline::Verdict::Clean => EXIT_CLEAN,
        crate::pipeline::Verdict::Findings => args.exit_code,
    })
}

pub(crate) fn exit_code(verdict: crate::pipeline::Verdict) -> u8 {
    match verdict {
        crate::pipeline::Verdict::Clean => EXIT_CLEAN,
        crate::pipeline::Verdict::Findings => EXIT_FINDINGS,
    }
}

#[cfg(test)]
mod tests {
    use super::error_text;

    #[test]
    fn causes_are_not_repeated() {
        #[derive(Debug)]
        struct NotFound;
        impl std::fmt::Display for NotFound {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("NotFound")
            }
        }
        impl std::error::Error for NotFound {}
        let err = anyhow::Error::new(NotFound)
            .context("Could not find a git repository in \".\"")
            .context("Could not find a git repository in \".\"")
            .context(". is not in a git repository");
        assert_eq!(
            error_text(&err),
            "leakhound: error: . is not in a git repository\n  caused by: Could not find a git repository in \".\""
        );
    }

    #[test]
    fn informative_causes_stay() {
        let err =
            anyhow::anyhow!("No such file or directory (os error 2)").context("cannot scan x");
        assert_eq!(
            error_text(&err),
            "leakhound: error: cannot scan x\n  caused by: No such file or directory (os error 2)"
        );
    }
}
