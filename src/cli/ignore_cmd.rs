//! `leakhound ignore add FINGERPRINT... [--reason TEXT] [--file PATH]`: creates or updates the
//! ignore file, keeping it sorted, deduplicated and commented (see `suppress::ignore_file`).

use std::path::Path;

use anyhow::{bail, Context};

use super::args::{IgnoreArgs, IgnoreCommand};
use super::EXIT_CLEAN;
use crate::suppress::ignore_file::{add_entries, is_fingerprint};

pub fn run(args: IgnoreArgs) -> anyhow::Result<u8> {
    match args.command {
        IgnoreCommand::Add {
            fingerprints,
            reason,
            file,
        } => add(&fingerprints, reason.as_deref(), &file),
    }
}

fn add(fingerprints: &[String], reason: Option<&str>, file: &Path) -> anyhow::Result<u8> {
    let bad: Vec<&str> = fingerprints
        .iter()
        .map(String::as_str)
        .filter(|f| !is_fingerprint(f))
        .collect();
    if !bad.is_empty() {
        bail!(
            "not a fingerprint (32 hex digits, as in a report's `fingerprint`): {}; nothing was written",
            bad.join(", ")
        );
    }
    let old = match std::fs::read_to_string(file) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot read the ignore file {}", file.display()))
        }
    };
    let edited = add_entries(old.as_deref(), fingerprints, reason).with_context(|| {
        format!(
            "{}: not a valid ignore file; nothing was written",
            file.display()
        )
    })?;
    if old.as_deref() != Some(edited.text.as_str()) {
        crate::report::write_atomically(file, &edited.text)?;
    }
    for fp in &edited.added {
        println!("leakhound: ignoring {fp} (in {})", file.display());
    }
    for fp in &edited.already {
        println!("leakhound: {fp} was already in {}", file.display());
    }
    Ok(EXIT_CLEAN)
}
