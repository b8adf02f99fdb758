//! Byte offsets to 1-based line and column numbers.
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
                self.line -= memchr::memchr_iter(b'\n', &self.blob[offset..self.offset]).count();
                self.line_start = memchr::memrchr(b'\n', &self.blob[..offset]).map_or(0, |p| p + 1);
                self.column = 1 + chars(&self.blob[self.line_start..offset]);
            }
        } else {
            let stepped = &self.blob[self.offset..offset];
            match memchr::memrchr(b'\n', stepped) {
                None => self.column += chars(stepped),
                Some(last) => {
                    self.line += memchr::memchr_iter(b'\n', stepped).count();
                    self.line_start = self.offset + last + 1;
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
        let line_start = match memchr::memrchr(b'\n', &blob[back..at]) {
            Some(p) => back + p + 1,
            None => back,
        };
        let ahead = (at + max).min(blob.len());
        let line_end = match memchr::memchr(b'\n', &blob[at..ahead]) {
            Some(p) => at + p,
            None => ahead,
        };
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
        let line_begins = start == 0 || blob[start - 1] == b'\n';
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
        let line_ends = end == blob.len() || blob[end] == b'\n' || blob[end..].starts_with(b"\r\n");
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
