//! Embeds every `rules/*.toml` rule file in the binary, so a new rule file cannot be forgotten
//! in a hand-kept list. `filters.toml` and `published-samples.toml` are data
//! for the global filters, embedded separately by `src/detect/filters.rs`.
//!
//! Also sets `LEAKHOUND_VERSION` (`0.1.0 (commit 0123456789ab)`) and `LEAKHOUND_TARGET` for
//! `leakhound version`. The commit comes from, in order: `LEAKHOUND_BUILD_COMMIT` (for builds
//! without `.git`, such as a Docker build), `git` when this crate is the top of a work tree, and
//! `.cargo_vcs_info.json`, which `cargo package` writes into a packaged crate. Without any of
//! them the version is the package version alone: the build never fails over it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    embed_rules(&manifest);
    let version = env!("CARGO_PKG_VERSION");
    let full = match commit(&manifest) {
        Some(c) => format!("{version} (commit {c})"),
        None => version.to_string(),
    };
    println!("cargo:rustc-env=LEAKHOUND_VERSION={full}");
    println!(
        "cargo:rustc-env=LEAKHOUND_TARGET={}",
        std::env::var("TARGET").unwrap_or_default()
    );
}

fn embed_rules(manifest: &Path) {
    let dir = manifest.join("rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("rules/ folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml") && n != "filters.toml" && n != "published-samples.toml")
        .collect();
    names.sort();
    let mut out = String::from("/// (file name, contents) of every builtin rule file.\npub const FILES: &[(&str, &str)] = &[\n");
    for name in &names {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin_rules.rs");
    std::fs::write(dest, out).unwrap();
}

/// The short (12-digit) commit this build is made from, if anything tells.
fn commit(manifest: &Path) -> Option<String> {
    println!("cargo:rerun-if-env-changed=LEAKHOUND_BUILD_COMMIT");
    let short = |c: &str| -> Option<String> {
        let c = c.trim();
        (c.len() >= 7 && c.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| c[..c.len().min(12)].to_ascii_lowercase())
    };
    if let Some(c) = std::env::var("LEAKHOUND_BUILD_COMMIT")
        .ok()
        .as_deref()
        .and_then(short)
    {
        return Some(c);
    }
    if let Some(c) = git_head(manifest).as_deref().and_then(short) {
        return Some(c);
    }
    let vcs_info = manifest.join(".cargo_vcs_info.json");
    let text = std::fs::read_to_string(vcs_info).ok()?;
    let rest = &text[text.find("\"sha1\"")? + "\"sha1\"".len()..];
    let start = rest.find('"')? + 1;
    let end = start + rest[start..].find('"')?;
    short(&rest[start..end])
}

/// `git rev-parse HEAD`, only when the crate is the top of a git work tree (an unpacked crate
/// inside some other repository must not take that repository's commit).
fn git_head(manifest: &Path) -> Option<String> {
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(manifest)
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let top = git(&["rev-parse", "--show-toplevel"])?;
    if std::fs::canonicalize(top).ok()? != std::fs::canonicalize(manifest).ok()? {
        return None;
    }
    // Rebuild when HEAD moves: HEAD itself, the branch it points to, and packed refs (as git
    // places them, also in a linked worktree); a file that does not exist is not named, since
    // cargo would then rerun this script on every build.
    let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
    watched.extend(git(&["symbolic-ref", "-q", "HEAD"]));
    for name in watched {
        if let Some(p) = git(&["rev-parse", "--git-path", &name]) {
            let p = manifest.join(p);
            if p.exists() {
                println!("cargo:rerun-if-changed={}", p.display());
            }
        }
    }
    git(&["rev-parse", "HEAD"])
}
