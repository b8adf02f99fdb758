//! Git's delta format: an object stored as instructions that copy ranges of a base object and
//! insert new bytes (see git's `Documentation/gitformat-pack.txt`, "Deltified representation").
//!
//! gix applies deltas inside its own decoder only; [`super::packs`] resolves delta chains
//! itself so that it can keep every object of a chain, and needs this one step on its own.
//! A delta comes from a file on disk: any inconsistency is an error, never a panic or a read
//! out of bounds.

use anyhow::{bail, ensure, Context};

/// The sizes a delta declares: the base it applies to, and the object it produces.
fn sizes(delta: &[u8]) -> anyhow::Result<(u64, u64, usize)> {
    let (base, used) = varint(delta).context("delta: base size")?;
    let (result, more) = varint(&delta[used..]).context("delta: result size")?;
    Ok((base, result, used + more))
}

/// The object size a delta produces, from its header alone.
pub fn result_size(delta: &[u8]) -> anyhow::Result<u64> {
    Ok(sizes(delta)?.1)
}

/// Applies `delta` to `base` and returns the object it describes.
pub fn apply(base: &[u8], delta: &[u8]) -> anyhow::Result<Vec<u8>> {
    let (base_size, result_size, mut at) = sizes(delta)?;
    ensure!(
        base_size == base.len() as u64,
        "delta: declares a base of {base_size} bytes, the base has {}",
        base.len()
    );
    let result_size = usize::try_from(result_size).context("delta: result too large")?;
    let mut out = Vec::with_capacity(result_size);
    while at < delta.len() {
        let op = delta[at];
        at += 1;
        if op & 0x80 != 0 {
            // Copy from the base: bits 0-3 say which offset bytes follow, bits 4-6 which
            // size bytes; a size of 0 means 0x10000.
            let mut offset = 0usize;
            let mut size = 0usize;
            for bit in 0..7 {
                if op & (1 << bit) == 0 {
                    continue;
                }
                let Some(&byte) = delta.get(at) else {
                    bail!("delta: copy instruction cut short");
                };
                at += 1;
                if bit < 4 {
                    offset |= usize::from(byte) << (8 * bit);
                } else {
                    size |= usize::from(byte) << (8 * (bit - 4));
                }
            }
            if size == 0 {
                size = 0x10000;
            }
            let Some(chunk) = offset
                .checked_add(size)
                .and_then(|end| base.get(offset..end))
            else {
                bail!(
                    "delta: copies bytes {offset}..+{size} of a {}-byte base",
                    base.len()
                );
            };
            out.extend_from_slice(chunk);
        } else if op != 0 {
            let size = usize::from(op);
            let Some(chunk) = delta.get(at..at + size) else {
                bail!("delta: insert instruction cut short");
            };
            at += size;
            out.extend_from_slice(chunk);
        } else {
            bail!("delta: reserved instruction 0");
        }
        ensure!(
            out.len() <= result_size,
            "delta: produces more than the {result_size} bytes it declares"
        );
    }
    ensure!(
        out.len() == result_size,
        "delta: produced {} bytes, declares {result_size}",
        out.len()
    );
    Ok(out)
}

/// A size in the delta header: 7 bits a byte, least significant first, high bit set on all
/// but the last byte.
fn varint(data: &[u8]) -> anyhow::Result<(u64, usize)> {
    let mut value = 0u64;
    for (i, &byte) in data.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok((value, i + 1));
        }
    }
    bail!("truncated or overlong size")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(base: usize, result: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for mut n in [base, result] {
            loop {
                let byte = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    out.push(byte);
                    break;
                }
                out.push(byte | 0x80);
            }
        }
        out
    }

    #[test]
    fn copies_and_inserts_build_the_object() {
        let base = b"the quick brown fox jumps over the lazy dog";
        let mut delta = header(base.len(), 25);
        // copy "the quick " (offset 0, size 10): offset byte omitted, size byte 10
        delta.extend_from_slice(&[0x80 | 0x10, 10]);
        // insert "red "
        delta.push(4);
        delta.extend_from_slice(b"red ");
        // copy "fox jumps" (offset 16, size 9)
        delta.extend_from_slice(&[0x80 | 0x01 | 0x10, 16, 9]);
        delta.push(2);
        delta.extend_from_slice(b"!!");
        assert_eq!(apply(base, &delta).unwrap(), b"the quick red fox jumps!!");
        assert_eq!(result_size(&delta).unwrap(), 25);
    }

    #[test]
    fn a_copy_of_size_zero_means_64_kib() {
        let base = vec![7u8; 0x10000];
        let mut delta = header(base.len(), 0x10000);
        delta.push(0x80); // no offset bytes, no size bytes
        assert_eq!(apply(&base, &delta).unwrap(), base);
    }

    #[test]
    fn broken_deltas_are_errors_not_panics() {
        let base = b"0123456789";
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("empty", vec![]),
            ("wrong base size", [header(9, 1), vec![1, b'x']].concat()),
            (
                "copy past the end",
                [header(10, 4), vec![0x80 | 0x01 | 0x10, 8, 4]].concat(),
            ),
            (
                "copy cut short",
                [header(10, 4), vec![0x80 | 0x01]].concat(),
            ),
            ("insert cut short", [header(10, 4), vec![4, b'a']].concat()),
            ("reserved op", [header(10, 1), vec![0]].concat()),
            ("too long", [header(10, 1), vec![2, b'a', b'b']].concat()),
            ("too short", [header(10, 3), vec![1, b'a']].concat()),
            ("overlong size", vec![0xff; 12]),
        ];
        for (name, delta) in cases {
            assert!(apply(base, &delta).is_err(), "{name}: accepted");
        }
    }
}
