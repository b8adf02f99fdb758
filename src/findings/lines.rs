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
}

impl<'a> LineLocator<'a> {
    pub fn new(blob: &'a [u8]) -> Self {
        LineLocator {
            blob,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// The position of byte `offset`.
    pub fn position(&mut self, offset: usize) -> Position {
        let offset = offset.min(self.blob.len());
        if offset < self.offset {
            self.line -= memchr::memchr_iter(b'\n', &self.blob[offset..self.offset]).count();
            self.line_start = memchr::memrchr(b'\n', &self.blob[..offset]).map_or(0, |p| p + 1);
        } else {
            for nl in memchr::memchr_iter(b'\n', &self.blob[self.offset..offset]) {
                self.line += 1;
                self.line_start = self.offset + nl + 1;
            }
        }
        self.offset = offset;
        let column = 1 + self.blob[self.line_start..offset]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count();
        Position {
            line: self.line,
            column,
        }
    }

    /// The text of the line containing `offset`, without its newline, at most `max` bytes
    /// (cut at a character boundary).
    pub fn line_text(&self, offset: usize, max: usize) -> String {
        let offset = offset.min(self.blob.len());
        let start = memchr::memrchr(b'\n', &self.blob[..offset]).map_or(0, |p| p + 1);
        let end =
            memchr::memchr(b'\n', &self.blob[offset..]).map_or(self.blob.len(), |p| offset + p);
        let line = &self.blob[start..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let text = String::from_utf8_lossy(line);
        if text.len() <= max {
            return text.into_owned();
        }
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}…", &text[..cut])
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
        assert_eq!(loc.line_text(5, 100), "cdé");
        assert_eq!(loc.line_text(0, 1), "a…");
    }
}
