//! Shannon entropy of a candidate secret, in bits per byte.
//!
//! Only candidates are measured (a handful per file), so the simple 256-entry count table is
//! plenty fast.

/// ```
/// use leakhound::detect::entropy::shannon;
/// assert_eq!(shannon(b"aaaa"), 0.0);
/// assert!((shannon(b"abcdefgh") - 3.0).abs() < 1e-9);
/// ```
pub fn shannon(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let len = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::shannon;

    #[test]
    fn known_values() {
        assert_eq!(shannon(b""), 0.0);
        assert_eq!(shannon(b"aaaa"), 0.0);
        assert!((shannon(b"abab") - 1.0).abs() < 1e-9);
        assert!((shannon(b"abcdefgh") - 3.0).abs() < 1e-9);
        // 64 random alphanumerics sit around 5.5 bits; English words well under 4.
        assert!(shannon(b"k3J9vQ2xLm8ZpR4tWn7YcB1dF6gHs0Ae5Uo2Ix9Kq4Vz8Tr3Nl6Mj1Pb7Sw0Gy5C") > 5.0);
        assert!(shannon(b"password") < 3.0);
    }
}
