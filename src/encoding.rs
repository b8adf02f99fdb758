//! Text encodings of numbers and bytes that several stages print or check: lowercase hex
//! (fingerprints, signatures) and base62 (GitHub token checksums).

const HEX: &[u8; 16] = b"0123456789abcdef";
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Lowercase hex of `bytes`.
///
/// ```
/// assert_eq!(leakhound::encoding::hex(&[0x00, 0xab, 0xff]), "00abff");
/// ```
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0xf)] as char);
    }
    out
}

/// Base62 of `n` (digits, then upper case, then lower case), left-padded with '0' to `width`
/// characters.
///
/// ```
/// assert_eq!(leakhound::encoding::base62(61, 3), "00z");
/// ```
pub fn base62(mut n: u64, width: usize) -> String {
    let mut digits = Vec::with_capacity(width);
    while n > 0 {
        digits.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    while digits.len() < width {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8(digits).expect("base62 digits are ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_matches_format() {
        let bytes: Vec<u8> = (0..=255).collect();
        let expected: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex(&bytes), expected);
    }

    #[test]
    fn base62_pads_and_encodes() {
        assert_eq!(base62(0, 6), "000000");
        assert_eq!(base62(62, 2), "10");
        assert_eq!(base62(61, 2), "0z");
    }
}
