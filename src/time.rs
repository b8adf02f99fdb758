//! Dates as leakhound shows and reads them: ISO 8601 in UTC, for commit metadata, `--since`,
//! key ages and request timestamps. Calendar arithmetic is `jiff`'s, so an impossible date
//! such as `2024-02-31` is refused rather than rolled over into March.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// `2026-11-21T20:54:24Z` for `secs` since the Unix epoch (clamped to jiff's range, years
/// -9999 to 9999, which no git commit date leaves).
pub fn iso8601_utc(secs: i64) -> String {
    let ts = Timestamp::from_second(secs).unwrap_or(if secs < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    });
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DDTHH:MM:SSZ` (UTC) to epoch seconds.
pub fn parse_since(s: &str) -> Result<i64, String> {
    let bad = |why: String| {
        format!("{s:?} is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ): {why}")
    };
    let t = s.trim();
    let t = t.strip_suffix('Z').unwrap_or(t);
    let datetime = if t.len() == 10 {
        t.parse::<Date>()
            .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
            .map_err(|e| bad(e.to_string()))?
    } else {
        t.replacen(' ', "T", 1)
            .parse::<DateTime>()
            .map_err(|e| bad(e.to_string()))?
    };
    datetime
        .to_zoned(TimeZone::UTC)
        .map(|z| z.timestamp().as_second())
        .map_err(|e| bad(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(iso8601_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601_utc(1_499_827_319), "2017-07-12T02:41:59Z");
        assert_eq!(parse_since("2017-07-12T02:41:59Z"), Ok(1_499_827_319));
        assert_eq!(parse_since("2017-07-12 02:41:59"), Ok(1_499_827_319));
        assert_eq!(parse_since("2000-03-01"), Ok(951_868_800));
        assert_eq!(
            iso8601_utc(parse_since("2024-02-29").unwrap()),
            "2024-02-29T00:00:00Z"
        );
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for bad in [
            "yesterday",
            "2024-13-01",
            "2024-02-31",
            "2023-02-29",
            "2024-01-01T25:00:00",
        ] {
            assert!(parse_since(bad).is_err(), "{bad} was accepted");
        }
    }
}
