//! Byte offsets to 1-based line and column numbers.
//!
//! A line ends at `\n`, at `\r\n` (one break), or at a lone `\r` (old Mac files): a file
//! with CR-only line endings has as many lines as it shows in an editor, so its findings get
//! their own line numbers and one allow marker covers one line, not the whole file.
//!
//! Findings are rare, so this walks the blob lazily: each lookup counts newlines only between
//! the previous offset and this one, in either direction. Callers ask for starts, ends and
//! parts in no particular order; a backward step must not cost a rescan from the top, or a
//! file with many findings would cost findings × file size.

/// A position: 1-based line, 1-based column counted in characters (UTF-8 aware, lossy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Resolves offsets in one blob, cheaply when they are close to each other.
pub struct LineLocator<'a> {
    blob: &'a [u8],
    offset: usize,
    line: usize,
    line_start: usize,
    /// The column of `offset`, kept so that a step along one long line (minified code, a
    /// dump) counts only the characters it moves over.
    column: usize,
}

/// True when byte `i` of `blob` ends a line: a `\n`, or a `\r` not followed by `\n` (the `\n`
/// of a `\r\n` is the break).
pub fn is_break(blob: &[u8], i: usize) -> bool {
    match blob[i] {
        b'\n' => true,
        b'\r' => blob.get(i + 1) != Some(&b'\n'),
        _ => false,
    }
}

/// Line breaks in `blob[from..to]`.
fn count_breaks(blob: &[u8], from: usize, to: usize) -> usize {
    memchr::memchr2_iter(b'\n', b'\r', &blob[from..to])
        .filter(|&i| is_break(blob, from + i))
        .count()
}

/// The offset of the last line break in `blob[from..to]`.
pub fn last_break(blob: &[u8], from: usize, to: usize) -> Option<usize> {
    memchr::memrchr2_iter(b'\n', b'\r', &blob[from..to])
        .map(|i| from + i)
        .find(|&i| is_break(blob, i))
}

/// The offset of the first line break in `blob[from..to]`.
pub fn first_break(blob: &[u8], from: usize, to: usize) -> Option<usize> {
    memchr::memchr2_iter(b'\n', b'\r', &blob[from..to])
        .map(|i| from + i)
        .find(|&i| is_break(blob, i))
}

/// Where the line holding byte `offset` starts.
pub fn line_start(blob: &[u8], offset: usize) -> usize {
    last_break(blob, 0, offset.min(blob.len())).map_or(0, |p| p + 1)
}

/// Where the line holding byte `offset` ends: the offset of its break (or the blob's end).
pub fn line_end(blob: &[u8], offset: usize) -> usize {
    let offset = offset.min(blob.len());
    first_break(blob, offset, blob.len()).unwrap_or(blob.len())
}

/// Characters in `bytes` (UTF-8 lead bytes; invalid bytes count one each).
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

impl<'a> LineLocator<'a> {
    pub fn new(blob: &'a [u8]) -> Self {
        LineLocator {
            blob,
            offset: 0,
            line: 1,
            line_start: 0,
            column: 1,
        }
    }

    /// The position of byte `offset`.
    pub fn position(&mut self, offset: usize) -> Position {
        let offset = offset.min(self.blob.len());
        if offset < self.offset {
            if offset >= self.line_start {
                self.column -= chars(&self.blob[offset..self.offset]);
            } else {
                self.line -= count_breaks(self.blob, offset, self.offset);
                self.line_start = line_start(self.blob, offset);
                self.column = 1 + chars(&self.blob[self.line_start..offset]);
            }
        } else {
            let stepped = &self.blob[self.offset..offset];
            match last_break(self.blob, self.offset, offset) {
                None => self.column += chars(stepped),
                Some(last) => {
                    self.line += count_breaks(self.blob, self.offset, offset);
                    self.line_start = last + 1;
                    self.column = 1 + chars(&self.blob[self.line_start..offset]);
                }
            }
        }
        self.offset = offset;
        Position {
            line: self.line,
            column: self.column,
        }
    }

    /// The text of the line holding `secret` (a byte range), without its newline. A line
    /// longer than `max` bytes is cut to a window of at most `max` bytes around the secret's
    /// start, marked with `…` where it was cut, and a cut never falls inside one of the
    /// `secrets` ranges (sorted by start): a secret is either whole in the snippet, where
    /// reports redact it, or not in it at all, so no part of one is ever shown.
    /// Returns the snippet and the byte range of the blob it shows.
    pub fn snippet(
        &self,
        secret: std::ops::Range<usize>,
        max: usize,
        secrets: &[std::ops::Range<usize>],
    ) -> (String, std::ops::Range<usize>) {
        let blob = self.blob;
        let at = secret.start.min(blob.len());
        let back = at.saturating_sub(max);
        let line_start = last_break(blob, back, at).map_or(back, |p| p + 1);
        let ahead = at.saturating_add(max).min(blob.len());
        let line_end = first_break(blob, at, ahead).unwrap_or(ahead);
        let mut start = line_start;
        if line_end - line_start > max {
            start = start.max(at.saturating_sub(max / 4));
        }
        let mut end = line_end.min(start + max);
        // Never cut through a secret: a cut inside one moves out of it.
        let inside = |cut: usize| {
            let i = secrets.partition_point(|r| r.start < cut);
            secrets[..i]
                .iter()
                .rev()
                .take(64)
                .find(|r| r.end > cut)
                .cloned()
        };
        if start > line_start {
            if let Some(r) = inside(start) {
                start = r.end.min(at);
            }
        }
        if end < line_end {
            if let Some(r) = inside(end) {
                end = r.start.max(start);
            }
        }
        while start < end && start > 0 && (blob[start] & 0xC0) == 0x80 {
            start += 1;
        }
        while end > start && end < blob.len() && (blob[end] & 0xC0) == 0x80 {
            end -= 1;
        }
        let mut text = String::new();
        let line_begins = start == 0 || is_break(blob, start - 1);
        if !line_begins {
            text.push('…');
        }
        let shown = &blob[start..end];
        let shown = if end == line_end {
            shown.strip_suffix(b"\r").unwrap_or(shown)
        } else {
            shown
        };
        text.push_str(&String::from_utf8_lossy(shown));
        let line_ends = end == blob.len() || matches!(blob[end], b'\n' | b'\r');
        if !line_ends {
            text.push('…');
        }
        (text, start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let blob = "ab\ncdé\r\nfg".as_bytes();
        let mut loc = LineLocator::new(blob);
        assert_eq!(loc.position(0), Position { line: 1, column: 1 });
        assert_eq!(loc.position(4), Position { line: 2, column: 2 });
        // 'é' is two bytes but one column.
        assert_eq!(loc.position(7), Position { line: 2, column: 4 });
        assert_eq!(loc.position(9), Position { line: 3, column: 1 });
        assert_eq!(loc.position(1), Position { line: 1, column: 2 });
        // Back and forth, as a caller resolving ends before starts does.
        assert_eq!(loc.position(9), Position { line: 3, column: 1 });
        assert_eq!(loc.position(4), Position { line: 2, column: 2 });
        assert_eq!(loc.position(3), Position { line: 2, column: 1 });
        assert_eq!(loc.position(2), Position { line: 1, column: 3 });
        assert_eq!(loc.snippet(5..6, 100, &[]).0, "cdé");
        assert_eq!(loc.snippet(0..1, 1, &[]).0, "a…");
    }

    #[test]
    fn a_lone_cr_ends_a_line() {
        // Old Mac line endings, mixed with CRLF and LF.
        let blob = b"k1=aaa\rk2=bbb\rk3=ccc\r\nk4=ddd\nk5";
        let mut loc = LineLocator::new(blob);
        assert_eq!(loc.position(3), Position { line: 1, column: 4 });
        assert_eq!(loc.position(10), Position { line: 2, column: 4 });
        assert_eq!(loc.position(17), Position { line: 3, column: 4 });
        assert_eq!(loc.position(25), Position { line: 4, column: 4 });
        assert_eq!(loc.position(30), Position { line: 5, column: 2 });
        assert_eq!(loc.position(10), Position { line: 2, column: 4 });
        assert_eq!(loc.position(3), Position { line: 1, column: 4 });
        assert_eq!(loc.snippet(10..13, 100, &[]).0, "k2=bbb");
        assert_eq!(loc.snippet(17..20, 100, &[]).0, "k3=ccc");
        assert_eq!(line_start(blob, 10), 7);
        assert_eq!(line_end(blob, 10), 13);
        assert_eq!(line_end(blob, 17), 21);
    }

    #[test]
    fn columns_along_one_long_line_are_incremental() {
        let blob = "é".repeat(1000);
        let mut loc = LineLocator::new(blob.as_bytes());
        assert_eq!(loc.position(1000).column, 501);
        assert_eq!(loc.position(1998).column, 1000);
        assert_eq!(loc.position(2).column, 2);
    }

    #[test]
    fn long_lines_are_cut_around_the_secret_and_never_through_a_secret() {
        let line = format!(
            "{}KEY={}{}",
            "x".repeat(500),
            "S".repeat(40),
            "y".repeat(500)
        );
        let loc = LineLocator::new(line.as_bytes());
        let secret = 504..544;
        let (text, range) = loc.snippet(secret.clone(), 100, std::slice::from_ref(&secret));
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert!(
            range.start <= secret.start && range.end >= secret.end,
            "{range:?}"
        );
        assert!(text.contains(&"S".repeat(40)));
        // A window that would end inside another secret stops before it.
        let other = 560..700;
        let (text, range) = loc.snippet(secret.clone(), 100, &[secret.clone(), other.clone()]);
        assert!(range.end <= other.start, "{range:?}");
        assert!(text.ends_with('…'));
        // The secret itself longer than the window: it is left out, never shown in part.
        let long = 504..1000;
        let (text, _) = loc.snippet(long.clone(), 100, std::slice::from_ref(&long));
        assert!(!text.contains('S'), "{text}");
    }
}
