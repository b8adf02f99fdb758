//! Secrets hidden in encoded text: base64 (standard and URL-safe), hex, percent-encoding,
//! string escapes (`\u002b`, `\/`, `\x41`) and PEM keys split into concatenated string
//! literals. The engine finds candidate tokens here, decodes them, and runs the rules over the
//! decoded text; a finding is reported at the encoded token's place, with how it was encoded.
//!
//! Only candidates are decoded, never whole files: a candidate is a bounded run of the
//! encoding's alphabet (base64 at least 24 characters, hex at least 32, two or more `%XX`
//! escapes), a blob yields at most [`MAX_CANDIDATES`], and decoded bytes are kept only when
//! they are text (random binary, such as an integrity hash, is dropped before any rule runs).

use std::ops::Range;
use std::sync::OnceLock;

use base64::Engine as _;

/// Shortest base64 run worth decoding (18 decoded bytes: shorter holds no credential).
const MIN_BASE64: usize = 24;
/// Shortest hex run worth decoding (16 bytes).
const MIN_HEX: usize = 32;
/// Shortest run of either alphabet that can be a candidate.
const MIN_RUN: usize = if MIN_BASE64 < MIN_HEX {
    MIN_BASE64
} else {
    MIN_HEX
};
/// Longest token decoded (an encoded config file is larger than a key, but not unbounded).
const MAX_TOKEN: usize = 64 * 1024;
/// Candidates decoded per blob, so a file full of base64 costs a bounded amount.
pub const MAX_CANDIDATES: usize = 256;
/// How much text around a `-----BEGIN` is joined when a key is split into string literals.
const MAX_PEM_REGION: usize = 16 * 1024;

/// How a candidate is encoded; its name is what reports show as `decoded`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Base64,
    Hex,
    Percent,
    Escapes,
    /// A PEM block split into concatenated string literals (`"-----BEGIN ...\n" + "MII..."`).
    Concatenated,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Hex => "hex",
            Encoding::Percent => "percent",
            Encoding::Escapes => "escapes",
            Encoding::Concatenated => "concatenated",
        }
    }
}

/// An encoded token in a blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub range: Range<usize>,
    pub encoding: Encoding,
}

const B64: u8 = 1; // A-Z a-z 0-9
const B64_STD: u8 = 2; // + /
const B64_URL: u8 = 4; // - _
const HEX: u8 = 8;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() {
            t[c] |= B64;
        }
        if b.is_ascii_hexdigit() {
            t[c] |= HEX;
        }
        if b == b'+' || b == b'/' {
            t[c] |= B64_STD;
        }
        if b == b'-' || b == b'_' {
            t[c] |= B64_URL;
        }
        c += 1;
    }
    t
};

/// The candidate tokens of `blob`, in order, at most [`MAX_CANDIDATES`].
pub fn candidates(blob: &[u8], out: &mut Vec<Candidate>) {
    out.clear();
    alphabet_runs(blob, out);
    percent_runs(blob, out);
    escaped_strings(blob, out);
    split_pem(blob, out);
    out.sort_by_key(|c| c.range.start);
    out.truncate(MAX_CANDIDATES);
}

/// Runs of the base64 alphabet (either flavour, not both), and runs of hex digits.
/// [`next_long_run`] skips the text between long runs 64 bytes at a time; a run is looked at
/// byte by byte only when it is long enough to be a candidate, which few are.
fn alphabet_runs(blob: &[u8], out: &mut Vec<Candidate>) {
    let class = |b: u8| CLASS[b as usize] != 0;
    let n = blob.len();
    let mut i = 0;
    while out.len() < MAX_CANDIDATES {
        let Some(start) = next_long_run(blob, i) else {
            break;
        };
        let mut end_of_run = start + MIN_RUN;
        while end_of_run < n && class(blob[end_of_run]) {
            end_of_run += 1;
        }
        i = end_of_run;
        let run = &blob[start..i];
        let mut end = i;
        while end < n && end - i < 2 && blob[end] == b'=' {
            end += 1;
        }
        i = end;
        if end - start > MAX_TOKEN {
            continue;
        }
        let seen = run.iter().fold(0u8, |acc, b| acc | CLASS[*b as usize]);
        let all_hex =
            seen & (B64_STD | B64_URL) == 0 && run.iter().all(|b| CLASS[*b as usize] & HEX != 0);
        if all_hex {
            // Hex of printable ASCII: every byte's high nibble is 2 to 7.
            let text_like = run
                .chunks_exact(2)
                .take(8)
                .all(|pair| matches!(pair[0], b'2'..=b'7'));
            if run.len() >= MIN_HEX && run.len().is_multiple_of(2) && text_like {
                out.push(Candidate {
                    range: start..end,
                    encoding: Encoding::Hex,
                });
            }
        } else if run.len() >= MIN_BASE64
            && seen & (B64_STD | B64_URL) != (B64_STD | B64_URL)
            && looks_like_base64_text(run)
            && run.iter().any(u8::is_ascii_uppercase)
            && run.iter().any(u8::is_ascii_lowercase)
        {
            out.push(Candidate {
                range: start..end,
                encoding: Encoding::Base64,
            });
        }
    }
}

/// Where the first run of [`MIN_RUN`] or more alphabet bytes at or after `from` starts.
///
/// Why blocks: walking text byte by byte to find where words end mispredicts a branch at
/// every word, and that scan was 15% of a directory scan. Here each 64-byte block becomes a
/// bit mask with no branch per byte, and a block is skipped unless its mask holds
/// `MIN_RUN` consecutive ones (or continues a run from the block before).
fn next_long_run(blob: &[u8], from: usize) -> Option<usize> {
    let mut pos = from;
    // Length of the alphabet run that ends just before `pos`.
    let mut run = 0usize;
    while pos + 64 <= blob.len() {
        let block: &[u8; 64] = blob[pos..pos + 64].try_into().ok()?;
        let mask = block_mask(block);
        let lead = mask.trailing_ones() as usize;
        if run + lead >= MIN_RUN {
            return Some(pos - run);
        }
        let windows = run_starts(mask);
        if windows != 0 {
            return Some(pos + windows.trailing_zeros() as usize);
        }
        run = mask.leading_ones() as usize;
        pos += 64;
    }
    // The tail, byte by byte.
    let mut start = pos - run;
    for (k, &b) in blob[pos..].iter().enumerate() {
        if CLASS[b as usize] == 0 {
            start = pos + k + 1;
        } else if pos + k + 1 - start >= MIN_RUN {
            return Some(start);
        }
    }
    None
}

/// Bit `k` is set when `block[k]` is in the base64 or hex alphabet.
///
/// On x86_64 this is sixteen bytes per step with SSE2 (part of every x86_64 CPU): the table
/// loop below classified at ~1.7 GB/s, which was still 12% of a directory scan.
#[cfg(target_arch = "x86_64")]
fn block_mask(block: &[u8; 64]) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_loadu_si128,
        _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    // SAFETY: SSE2 is enabled on every x86_64 target, so its intrinsics are available; each
    // load reads 16 bytes of `chunk`, which has 16, and `loadu` needs no alignment.
    unsafe {
        let byte = |c: u8| _mm_set1_epi8(c as i8);
        // Bytes compare as signed: 0x80 and above are negative, so below every range here.
        let within = |v: __m128i, lo: u8, hi: u8| {
            _mm_and_si128(
                _mm_cmpgt_epi8(v, byte(lo - 1)),
                _mm_cmplt_epi8(v, byte(hi + 1)),
            )
        };
        let mut mask = 0u64;
        for (q, chunk) in block.chunks_exact(16).enumerate() {
            let v = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
            let digit = within(v, b'0', b'9');
            let letter = within(_mm_or_si128(v, byte(0x20)), b'a', b'z');
            let symbol = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, byte(b'+')), _mm_cmpeq_epi8(v, byte(b'/'))),
                _mm_or_si128(_mm_cmpeq_epi8(v, byte(b'-')), _mm_cmpeq_epi8(v, byte(b'_'))),
            );
            let class = _mm_or_si128(_mm_or_si128(digit, letter), symbol);
            mask |= u64::from(_mm_movemask_epi8(class) as u16) << (q * 16);
        }
        mask
    }
}

/// Bit `k` is set when `block[k]` is in the base64 or hex alphabet.
#[cfg(not(target_arch = "x86_64"))]
fn block_mask(block: &[u8; 64]) -> u64 {
    block_mask_by_table(block)
}

/// The portable form of [`block_mask`], and its reference in tests.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn block_mask_by_table(block: &[u8; 64]) -> u64 {
    let mut mask = 0u64;
    for (k, &b) in block.iter().enumerate() {
        mask |= u64::from(CLASS[b as usize] != 0) << k;
    }
    mask
}

/// Bit `k` is set when bits `k..k + MIN_RUN` of `mask` are all set (MIN_RUN = 24: doubling
/// to 16, then 8 more).
fn run_starts(mask: u64) -> u64 {
    const _: () = assert!(MIN_RUN == 24);
    let m2 = mask & (mask >> 1);
    let m4 = m2 & (m2 >> 2);
    let m8 = m4 & (m4 >> 4);
    let m16 = m8 & (m8 >> 8);
    m16 & (m8 >> 16)
}

/// True when the first groups of a base64 run could encode ASCII text: the first character
/// of every 4-character group holds a byte's top six bits, which for printable ASCII
/// (0x20-0x7e) is one of `I`-`Z`, `a`-`f`. Identifiers, paths and base64 of random bytes
/// fail here, before anything is decoded.
fn looks_like_base64_text(run: &[u8]) -> bool {
    run.chunks_exact(4)
        .take(6)
        .all(|group| matches!(group[0], b'I'..=b'Z' | b'a'..=b'f'))
}

/// Runs holding two or more `%XX` escapes.
fn percent_runs(blob: &[u8], out: &mut Vec<Candidate>) {
    let stop = |b: u8| b.is_ascii_whitespace() || b"\"'<>`()[]{},;".contains(&b);
    let mut after = 0;
    for p in memchr::memchr_iter(b'%', blob) {
        if p < after || out.len() >= MAX_CANDIDATES {
            continue;
        }
        if !(p + 2 < blob.len()
            && blob[p + 1].is_ascii_hexdigit()
            && blob[p + 2].is_ascii_hexdigit())
        {
            continue;
        }
        let mut start = p;
        while start > 0 && p - start < MAX_TOKEN && !stop(blob[start - 1]) {
            start -= 1;
        }
        let mut end = p;
        while end < blob.len() && end - start < MAX_TOKEN && !stop(blob[end]) {
            end += 1;
        }
        after = end;
        let escapes = blob[start..end]
            .windows(3)
            .filter(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
            .count();
        if escapes >= 2 && end - start >= 16 {
            out.push(Candidate {
                range: start..end,
                encoding: Encoding::Percent,
            });
        }
    }
}

/// Lines holding `\uXXXX`, `\xXX` or `\/` escapes (JSON and JavaScript strings).
fn escaped_strings(blob: &[u8], out: &mut Vec<Candidate>) {
    let finder = memchr::memmem::Finder::new(b"\\");
    let mut after = 0;
    for p in finder.find_iter(blob) {
        if p < after || out.len() >= MAX_CANDIDATES || p + 1 >= blob.len() {
            continue;
        }
        let escape = match blob[p + 1] {
            b'u' => blob
                .get(p + 2..p + 6)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)),
            b'x' => blob
                .get(p + 2..p + 4)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)),
            b'/' => true,
            _ => false,
        };
        if !escape {
            continue;
        }
        let line_start = memchr::memrchr(b'\n', &blob[p.saturating_sub(MAX_TOKEN)..p])
            .map_or(p.saturating_sub(MAX_TOKEN), |q| {
                p.saturating_sub(MAX_TOKEN) + q + 1
            });
        let line_end = memchr::memchr(b'\n', &blob[p..(p + MAX_TOKEN).min(blob.len())])
            .map_or((p + MAX_TOKEN).min(blob.len()), |q| p + q);
        // The string literal holding the escape, when its quotes are on this line; else the
        // line.
        let is_quote =
            |i: usize| matches!(blob[i], b'"' | b'\'' | b'`') && (i == 0 || blob[i - 1] != b'\\');
        let open = (line_start..p).rev().find(|&i| is_quote(i));
        let close = (p + 1..line_end).find(|&i| is_quote(i));
        let (start, end) = match (open, close) {
            (Some(o), Some(c)) => (o + 1, c),
            _ => (line_start, line_end),
        };
        after = end;
        out.push(Candidate {
            range: start..end,
            encoding: Encoding::Escapes,
        });
    }
}

/// A `-----BEGIN` whose block continues in further string literals.
fn split_pem(blob: &[u8], out: &mut Vec<Candidate>) {
    let finder = memchr::memmem::Finder::new(b"-----BEGIN ");
    for p in finder.find_iter(blob) {
        if out.len() >= MAX_CANDIDATES {
            break;
        }
        let end = (p + MAX_PEM_REGION).min(blob.len());
        let region = &blob[p..end];
        let Some(close) = memchr::memmem::find(region, b"-----END ") else {
            continue;
        };
        // The block ends with the dashes that close the END line.
        let label_end = close + "-----END ".len();
        let Some(dashes) = memchr::memmem::find(&region[label_end..], b"-----") else {
            continue;
        };
        let block_end = label_end + dashes + "-----".len();
        // Between the header line and the END marker: only key material, string joints and
        // escapes (base64, quotes, `+ . , & |`, backslashes, blanks). Code or prose there
        // (calls, `;`, parentheses, comments) means this is not a key split into literals.
        let header_end = memchr::memchr(b'\n', &region[..close]).unwrap_or(close);
        let body_ok = region[header_end..close]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b" \t\r\n\"'+/=.,&|\\".contains(&b));
        if body_ok && literal_joint().is_match(&region[..close]) {
            out.push(Candidate {
                range: p..p + block_end,
                encoding: Encoding::Concatenated,
            });
        }
    }
}

/// Where one string literal ends and the next begins: `" + "`, `" .\n  "`, `"\n  "`.
fn literal_joint() -> &'static regex::bytes::Regex {
    static JOINT: OnceLock<regex::bytes::Regex> = OnceLock::new();
    JOINT.get_or_init(|| {
        regex::bytes::Regex::new(
            r#"["'][ \t]*(?:[+.&,]|\|\|)?[ \t]*\\?\r?\n?[ \t]*(?:[+.&]|\|\|)?[ \t]*["']"#,
        )
        .expect("valid regex")
    })
}

/// The decoded bytes of `token`, when they are text; `None` for binary or malformed input.
pub fn decode(encoding: Encoding, token: &[u8]) -> Option<Vec<u8>> {
    let decoded = match encoding {
        Encoding::Base64 => {
            let trimmed = token
                .strip_suffix(b"==")
                .or(token.strip_suffix(b"="))
                .unwrap_or(token);
            let engine = if trimmed.iter().any(|b| *b == b'-' || *b == b'_') {
                &base64::engine::general_purpose::URL_SAFE_NO_PAD
            } else {
                &base64::engine::general_purpose::STANDARD_NO_PAD
            };
            engine.decode(trimmed).ok()?
        }
        Encoding::Hex => token
            .chunks(2)
            .map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
            .collect::<Option<Vec<u8>>>()?,
        Encoding::Percent => percent_encoding::percent_decode(token).collect(),
        Encoding::Escapes => unescape(token),
        Encoding::Concatenated => {
            let joined = literal_joint().replace_all(token, &b""[..]);
            unescape(&joined)
        }
    };
    (decoded.len() >= 8 && decoded != token && is_text(&decoded)).then_some(decoded)
}

/// JSON/JavaScript string escapes: `\uXXXX` (BMP), `\xXX`, `\/`, `\n`, `\r`, `\t`, `\"`,
/// `\'`, `\\`. Anything else is kept as written.
fn unescape(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    let hex = |h: &[u8]| {
        std::str::from_utf8(h)
            .ok()
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    while i < s.len() {
        if s[i] != b'\\' || i + 1 >= s.len() {
            out.push(s[i]);
            i += 1;
            continue;
        }
        let (text, used): (Option<char>, usize) = match s[i + 1] {
            b'u' => (
                s.get(i + 2..i + 6).and_then(hex).and_then(char::from_u32),
                6,
            ),
            b'x' => (
                s.get(i + 2..i + 4).and_then(hex).and_then(char::from_u32),
                4,
            ),
            b'n' => (Some('\n'), 2),
            b'r' => (Some('\r'), 2),
            b't' => (Some('\t'), 2),
            b'/' | b'"' | b'\'' | b'\\' => (Some(s[i + 1] as char), 2),
            _ => (None, 0),
        };
        match text {
            Some(c) => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                i += used;
            }
            None => {
                out.push(s[i]);
                i += 1;
            }
        }
    }
    out
}

/// Mostly printable text (UTF-8 or ASCII with tabs and newlines): at most 1 byte in 20 is a
/// control byte or invalid UTF-8.
fn is_text(bytes: &[u8]) -> bool {
    let bad = bytes
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t') || b == 0x7f)
        .count();
    let invalid = std::str::from_utf8(bytes).map_or_else(|e| bytes.len() - e.valid_up_to(), |_| 0);
    (bad + invalid.min(bytes.len())) * 20 <= bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(blob: &str) -> Vec<(Encoding, String)> {
        let mut out = Vec::new();
        candidates(blob.as_bytes(), &mut out);
        out.into_iter()
            .map(|c| (c.encoding, blob[c.range].to_string()))
            .collect()
    }

    #[test]
    fn block_mask_classifies_every_byte_value() {
        for first in (0..=255u8).step_by(64) {
            let block: [u8; 64] = std::array::from_fn(|k| first.wrapping_add(k as u8));
            assert_eq!(
                block_mask(&block),
                block_mask_by_table(&block),
                "from {first}"
            );
        }
    }

    /// The first run of MIN_RUN alphabet bytes at or after `from`, one byte at a time.
    fn naive_long_run(blob: &[u8], from: usize) -> Option<usize> {
        let mut start = from;
        for (k, &b) in blob.iter().enumerate().skip(from) {
            if CLASS[b as usize] == 0 {
                start = k + 1;
            } else if k + 1 - start >= MIN_RUN {
                return Some(start);
            }
        }
        None
    }

    #[test]
    fn long_runs_are_found_across_block_edges() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for len in [0, 23, 24, 63, 64, 65, 127, 128, 200, 1000] {
            for _ in 0..200 {
                let blob: Vec<u8> = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        // Mostly alphabet, a separator now and then: runs of every length.
                        if x.is_multiple_of(29) {
                            b' '
                        } else {
                            b"aZ09+/-_"[(x % 8) as usize]
                        }
                    })
                    .collect();
                for from in [0, 1, 40, 64, 100] {
                    assert_eq!(
                        next_long_run(&blob, from.min(len)),
                        naive_long_run(&blob, from.min(len)),
                        "len {len} from {from}"
                    );
                }
            }
        }
    }

    #[test]
    fn finds_and_decodes_base64_of_text() {
        let b64 =
            base64::engine::general_purpose::STANDARD.encode("password=Tr0ub4dor&3 user=admin");
        let found = kinds(&format!("data:\n  creds: {b64}\n"));
        assert_eq!(found, vec![(Encoding::Base64, b64.clone())]);
        let text = decode(Encoding::Base64, b64.as_bytes()).unwrap();
        assert_eq!(text, b"password=Tr0ub4dor&3 user=admin");
    }

    #[test]
    fn binary_and_short_runs_are_not_decoded() {
        // An integrity hash: base64 of random bytes.
        let digest: Vec<u8> = (0u8..48)
            .map(|i| i.wrapping_mul(97).wrapping_add(13))
            .collect();
        let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
        assert_eq!(decode(Encoding::Base64, b64.as_bytes()), None);
        assert!(kinds("short aGVsbG8= id").is_empty());
        assert!(kinds("a_very_long_lowercase_identifier_name_here").is_empty());
    }

    #[test]
    fn hex_percent_and_escapes() {
        let hex: String = "token: ghp_secretish_value"
            .bytes()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            decode(Encoding::Hex, hex.as_bytes()).unwrap(),
            b"token: ghp_secretish_value"
        );
        assert_eq!(kinds(&format!("x = \"{hex}\""))[0].0, Encoding::Hex);
        let pct = "https%3A%2F%2Fuser%3Apass%40example.org%2Fpath";
        assert_eq!(kinds(pct), vec![(Encoding::Percent, pct.to_string())]);
        assert_eq!(
            decode(Encoding::Percent, pct.as_bytes()).unwrap(),
            b"https://user:pass@example.org/path"
        );
        let json = r#"{"url": "https:\/\/api.example.org\/v1?key\u003dabc"}"#;
        let found = kinds(json);
        assert_eq!(found[0].0, Encoding::Escapes);
        assert_eq!(
            decode(Encoding::Escapes, json.as_bytes()).unwrap(),
            br#"{"url": "https://api.example.org/v1?key=abc"}"#
        );
    }

    #[test]
    fn joins_a_pem_split_into_literals() {
        let src = "const KEY = \"-----BEGIN PRIVATE KEY-----\\n\" +\n  \"MIIEvAIBADANBgkqhkiG9w0BAQEFAASC\\n\" +\n  \"-----END PRIVATE KEY-----\\n\";\n";
        let found = kinds(src);
        let pem = found
            .iter()
            .find(|(e, _)| *e == Encoding::Concatenated)
            .expect("found");
        let joined = decode(Encoding::Concatenated, pem.1.as_bytes()).unwrap();
        assert_eq!(
            String::from_utf8(joined).unwrap(),
            "-----BEGIN PRIVATE KEY-----\nMIIEvAIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"
        );
    }

    #[test]
    fn candidates_are_bounded() {
        let line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo= ".repeat(MAX_CANDIDATES * 2);
        let mut out = Vec::new();
        candidates(line.as_bytes(), &mut out);
        assert_eq!(out.len(), MAX_CANDIDATES);
    }
}
