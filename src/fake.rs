//! Deterministic fake credential material for tests and benchmarks.
//!
//! The fixtures rule: test and benchmark sources hold no literal secret, not even a fake one,
//! so that scanning this repository stays clean and nothing key-shaped is ever copied from
//! them. Values are made at run time instead, from a seed, so that snapshots and benchmark
//! inputs are the same on every run. Not for anything but tests and benchmarks.

/// `n` alphanumerics from `seed` (xorshift64): the same seed gives the same string.
///
/// ```
/// use leakhound::fake::alnum;
/// assert_eq!(alnum(64, 7), alnum(64, 7));
/// assert_ne!(alnum(64, 7), alnum(64, 8));
/// assert!(alnum(64, 7).bytes().all(|b| b.is_ascii_alphanumeric()));
/// ```
pub fn alnum(n: usize, seed: u64) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ALNUM[(x % ALNUM.len() as u64) as usize] as char
        })
        .collect()
}
