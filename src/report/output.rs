//! Where reports and the files leakhound writes go: a report to `--output FILE` or stdout, and
//! the ignore file and baseline through an atomic replace.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Where a report goes: `--output FILE` or stdout.
pub struct Output {
    writer: Box<dyn Write>,
    pub is_terminal: bool,
    to_stdout: bool,
}

impl Output {
    /// Opens `path` (creating its parent folders), or stdout when `None`. A `private` report
    /// (one that holds secrets in full) is created readable by its owner only.
    ///
    /// Standard output goes through [`anstream`] (ANSI colours work on Windows consoles too)
    /// and a [`PipeGuard`]: a reader that goes away (`| head`) ends the report quietly, and the
    /// run still exits with the code its findings call for.
    pub fn open(path: Option<&PathBuf>, private: bool) -> anyhow::Result<Output> {
        Ok(match path {
            Some(p) => Output {
                writer: Box::new(std::io::BufWriter::new(
                    create_file(p, private)
                        .with_context(|| format!("cannot write report to {}", p.display()))?,
                )),
                is_terminal: false,
                to_stdout: false,
            },
            None => Output {
                writer: Box::new(stdout()),
                is_terminal: std::io::stdout().is_terminal(),
                to_stdout: true,
            },
        })
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        &mut self.writer
    }

    /// Whether `--color auto` colours this output: stdout only, as the `NO_COLOR`,
    /// `CLICOLOR`, `CLICOLOR_FORCE` and `TERM` conventions and a terminal say (anstream's rules:
    /// `NO_COLOR` wins, then `CLICOLOR_FORCE`); a file never.
    pub fn auto_color(&self) -> bool {
        self.to_stdout
            && anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
    }

    /// The width to wrap long text to: the terminal's columns when stdout is one, else 80.
    pub fn width(&self) -> usize {
        if self.is_terminal {
            if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
                return usize::from(w).max(40);
            }
        }
        DEFAULT_WIDTH
    }

    pub fn finish(mut self) -> anyhow::Result<()> {
        self.writer.flush().context("cannot write report")
    }
}

/// The wrap width when the output is not a terminal.
pub const DEFAULT_WIDTH: usize = 80;

/// Buffered standard output for the commands' own text (listings, completions, the man page):
/// colours as on a terminal (stripped on Windows consoles that need it), a closed pipe swallowed.
pub fn stdout() -> PipeGuard<std::io::BufWriter<anstream::AutoStream<std::io::Stdout>>> {
    PipeGuard::new(std::io::BufWriter::new(anstream::AutoStream::always(
        std::io::stdout(),
    )))
}

/// A writer that turns a broken pipe into the end of the output: the first `EPIPE` sets
/// [`PipeGuard::broken`] and every later write succeeds without writing. So `leakhound scan |
/// head` ends quietly, with the exit code of its findings, rather than with an error.
pub struct PipeGuard<W: Write> {
    inner: W,
    broken: bool,
}

impl<W: Write> PipeGuard<W> {
    pub fn new(inner: W) -> Self {
        PipeGuard {
            inner,
            broken: false,
        }
    }

    /// True once the reader has gone away.
    pub fn broken(&self) -> bool {
        self.broken
    }

    fn guard<T>(&mut self, r: std::io::Result<T>, done: T) -> std::io::Result<T> {
        match r {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.broken = true;
                Ok(done)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for PipeGuard<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.broken {
            return Ok(buf.len());
        }
        let r = self.inner.write(buf);
        self.guard(r, buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.broken {
            return Ok(());
        }
        let r = self.inner.flush();
        self.guard(r, ())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose reader has gone away.
    struct Closed(usize);

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            self.0 += 1;
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
    }

    #[test]
    fn a_broken_pipe_ends_the_output_quietly() {
        let mut g = PipeGuard::new(Closed(0));
        assert!(!g.broken());
        g.write_all(b"first").unwrap();
        assert!(g.broken());
        g.write_all(b"second").unwrap();
        g.flush().unwrap();
        assert_eq!(g.inner.0, 1, "nothing is written after the pipe broke");
    }

    #[test]
    fn other_errors_still_fail() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut g = PipeGuard::new(Full);
        assert!(g.write_all(b"x").is_err());
        assert!(!g.broken());
    }

    #[test]
    fn files_are_not_coloured_and_wrap_at_80() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/report.txt");
        let out = Output::open(Some(&path), false).unwrap();
        assert!(!out.auto_color());
        assert_eq!(out.width(), DEFAULT_WIDTH);
        out.finish().unwrap();
        assert!(path.is_file(), "parent folders are created");
    }

    #[cfg(unix)]
    #[test]
    fn private_reports_are_0600_even_when_the_file_existed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        Output::open(Some(&path), true).unwrap().finish().unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
