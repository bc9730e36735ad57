//! Durations as people read them: `4 ms`, `10.03 s`, `2 min 5 s`, never `10.028407586s`.

use std::time::Duration;

/// A duration rounded for people: milliseconds below a second, seconds with two decimals
/// below a minute, whole minutes and seconds above.
pub fn human(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis < 1000 {
        return format!("{millis} ms");
    }
    let centis = (duration.as_secs_f64() * 100.0).round() / 100.0;
    if centis < 60.0 {
        return format!("{centis:.2} s");
    }
    let secs = duration.as_secs_f64().round() as u64;
    match (secs / 60, secs % 60) {
        (minutes, 0) => format!("{minutes} min"),
        (minutes, seconds) => format!("{minutes} min {seconds} s"),
    }
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
        assert_eq!(human(Duration::from_secs(1)), "1.00 s");
        assert_eq!(human(Duration::from_millis(59_996)), "1 min");
        assert_eq!(human(Duration::from_secs(125)), "2 min 5 s");
        assert_eq!(human(Duration::from_secs(3600)), "60 min");
    }
}
