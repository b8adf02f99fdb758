//! Sizes as users write them (`--max-file-size 10M`, `max_file_size = "512K"`).

/// Parses `4096`, `512K`, `10M`, `10MiB`, `1G` (binary units).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a size (e.g. 4096, 512K, 10M)"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => return Err(format!("unknown size unit {other:?} (use K, M or G)")),
    };
    n.checked_mul(mult)
        .filter(|&bytes| bytes <= MAX_SIZE)
        .ok_or_else(|| format!("{s:?} is too large (at most 1T)"))
}

/// The largest size accepted anywhere (1 TiB): far above any file a scan reads in one piece,
/// and far enough below `u64::MAX` that `size + 1` and friends cannot wrap.
pub const MAX_SIZE: u64 = 1 << 40;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("512K"), Ok(512 * 1024));
        assert_eq!(parse_size("10MiB"), Ok(10 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5T").is_err());
        assert!(parse_size("18446744073709551615").is_err());
        assert!(parse_size("2048G").is_err());
        assert_eq!(parse_size("1024G"), Ok(MAX_SIZE));
    }
}
