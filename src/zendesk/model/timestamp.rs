//! Zendesk's timestamps (`created_at`, `updated_at`): `2023-09-18T23:37:22Z`, UTC, whole
//! seconds. The one formatter and parser of them, for the simulator's stamps and the
//! planner's simulated writes alike, on jiff's calendar arithmetic.

use jiff::Timestamp;

/// Formats Unix seconds as Zendesk does: `2023-09-18T23:37:22Z` (UTC, whole seconds). Seconds
/// outside jiff's range (years -9999 to 9999) are clamped to its ends: no stamp Zendesk or the
/// simulator makes is near them.
pub fn format_rfc3339(unix: i64) -> String {
    let second = unix.clamp(Timestamp::MIN.as_second(), Timestamp::MAX.as_second());
    let stamp = Timestamp::from_second(second).unwrap_or(Timestamp::UNIX_EPOCH);
    stamp.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Parses the `YYYY-MM-DDTHH:MM:SSZ` form Zendesk writes; other forms (an offset other than
/// `Z`, fractional seconds, a date that does not exist) give `None`.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    // jiff accepts every RFC 3339 form; Zendesk writes only this one, and a stamp in another
    // form is not one the simulator or the planner wrote.
    let b = text.as_bytes();
    if b.len() != 20 || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    text.parse::<Timestamp>().ok().map(Timestamp::as_second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_zendesk_stamps() {
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(1_695_080_242), "2023-09-18T23:37:22Z");
        assert_eq!(format_rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        for t in [0, 1_695_080_242, 951_782_400, 4_102_444_799] {
            assert_eq!(parse_rfc3339(&format_rfc3339(t)), Some(t));
        }
        assert_eq!(parse_rfc3339("2023-09-18 23:37:42"), None);
        assert_eq!(parse_rfc3339("2023-13-18T23:37:42Z"), None);
        assert_eq!(parse_rfc3339("2023-02-31T00:00:00Z"), None, "no such day");
        assert_eq!(parse_rfc3339("2023-09-18T23:37:22+00:00"), None);
        assert_eq!(parse_rfc3339("2023-09-18T23:37:2.5Z"), None);
    }

    proptest::proptest! {
        /// Every second from 1970 to the end of jiff's range (9999-12-30) formats to a stamp
        /// that parses back to it.
        #[test]
        fn every_stamp_parses_back(unix in 0i64..=Timestamp::MAX.as_second()) {
            proptest::prop_assert_eq!(parse_rfc3339(&format_rfc3339(unix)), Some(unix));
        }
    }
}
