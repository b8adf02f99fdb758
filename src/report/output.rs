//! Where reports and the files leakhound writes go: a report to `--output FILE` or stdout, and
//! the ignore file and baseline through an atomic replace.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Where a report goes: `--output FILE` or stdout.
pub struct Output {
    writer: Box<dyn Write>,
    pub is_terminal: bool,
}

impl Output {
    /// Opens `path` (creating its parent folders), or stdout when `None`. A `private` report
    /// (one that holds secrets in full) is created readable by its owner only.
    pub fn open(path: Option<&PathBuf>, private: bool) -> anyhow::Result<Output> {
        Ok(match path {
            Some(p) => Output {
                writer: Box::new(std::io::BufWriter::new(
                    create_file(p, private)
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

/// Creates (or truncates) `path`, creating missing parent folders; mode 0600 when `private`.
fn create_file(path: &Path, private: bool) -> std::io::Result<std::fs::File> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        // An existing file keeps its mode through `open`: narrow it too.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        return Ok(file);
    }
    #[cfg(not(unix))]
    let _ = private;
    options.open(path)
}

/// Writes through a temporary file and a rename, so an interrupted write never leaves half a
/// file (an ignore file or baseline that would then un-ignore findings, or fail to parse).
/// Missing parent folders are created. Errors name `path`, not the temporary file.
pub fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".leakhound-tmp");
    let tmp = PathBuf::from(tmp);
    let written = create_file(&tmp, false)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}
