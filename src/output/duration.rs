//! Durations as people read them: `4 ms`, `10 s`, `10.03 s`, `999999 s`, never `10.028407586s`.

use std::time::Duration;

/// A duration rounded for people: milliseconds below a second, whole seconds as they are
/// (`10 s`, also for a server's `Retry-After: 999999`), seconds with two decimals below a
/// minute, and whole seconds above.
pub fn human(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis < 1000 {
        return format!("{millis} ms");
    }
    if duration.subsec_nanos() == 0 {
        return format!("{} s", duration.as_secs());
    }
    let centis = (duration.as_secs_f64() * 100.0).round() / 100.0;
    if centis < 60.0 {
        return format!("{centis:.2} s");
    }
    format!("{} s", duration.as_secs_f64().round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_for_people() {
        assert_eq!(human(Duration::ZERO), "0 ms");
        assert_eq!(human(Duration::from_micros(4_400)), "4 ms");
        assert_eq!(human(Duration::from_millis(999)), "999 ms");
        assert_eq!(human(Duration::from_nanos(10_028_407_586)), "10.03 s");
        assert_eq!(human(Duration::from_secs(1)), "1 s");
        assert_eq!(human(Duration::from_millis(59_996)), "60 s");
        assert_eq!(human(Duration::from_millis(61_500)), "62 s");
        assert_eq!(human(Duration::from_secs(125)), "125 s");
        assert_eq!(human(Duration::from_secs(999_999)), "999999 s");
    }
}
