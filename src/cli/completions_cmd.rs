//! `leakhound completions SHELL`, `leakhound man [--dir DIR]` and `leakhound version`: what a
//! packager or a shell needs to know about the command line, generated from the same clap
//! definitions that parse it (so they cannot drift).

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use clap::CommandFactory;

use super::args::{Cli, CompletionsArgs, ManArgs};
use super::{EXIT_CLEAN, VERSION};

pub fn completions(args: CompletionsArgs) -> anyhow::Result<u8> {
    let mut out = crate::report::stdout();
    clap_complete::generate(args.shell, &mut Cli::command(), "leakhound", &mut out);
    out.flush()?;
    Ok(EXIT_CLEAN)
}

pub fn man(args: ManArgs) -> anyhow::Result<u8> {
    let mut cmd = Cli::command();
    // Subcommands get their full name (`leakhound scan`) in their usage lines.
    cmd.build();
    match &args.dir {
        None => {
            let mut out = crate::report::stdout();
            clap_mangen::Man::new(cmd).render(&mut out)?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let written = write_pages(&cmd, "leakhound", dir)?;
            eprintln!(
                "leakhound: wrote {written} man pages into {}",
                dir.display()
            );
        }
    }
    Ok(EXIT_CLEAN)
}

/// Writes `name.1` for `cmd` and, recursively, `name-sub.1` for each visible subcommand;
/// returns how many pages were written.
fn write_pages(cmd: &clap::Command, name: &str, dir: &Path) -> anyhow::Result<usize> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .title(name.to_string())
        .render(&mut page)?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, page).with_context(|| format!("cannot write {}", path.display()))?;
    let mut written = 1;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() == "help" {
            continue;
        }
        written += write_pages(sub, &format!("{name}-{}", sub.get_name()), dir)?;
    }
    Ok(written)
}

pub fn version() -> anyhow::Result<u8> {
    let mut out = crate::report::stdout();
    writeln!(out, "leakhound {VERSION}")?;
    writeln!(out, "target: {}", env!("LEAKHOUND_TARGET"))?;
    out.flush()?;
    Ok(EXIT_CLEAN)
}
