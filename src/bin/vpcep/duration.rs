//! The durations that flags take: a number of seconds or a duration with units, more than zero
//! and at most a day (or, where a flag allows it, zero).

use std::time::Duration;

/// The longest duration a flag takes: one day.
pub const MAX_DURATION: Duration = Duration::from_secs(24 * 60 * 60);

/// A duration: a number of seconds (`30`, `2.5`) or with units (`90s`, `5m`, `1h30m`), more
/// than zero and at most [`MAX_DURATION`] (one day).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = match text.trim().parse::<f64>() {
        Ok(seconds) => Duration::try_from_secs_f64(seconds)
            .map_err(|_| format!("{text:?} is not a positive number of seconds"))?,
        Err(_) => humantime::parse_duration(text.trim())
            .map_err(|e| format!("{text:?} is not a duration such as 30, 90s, 5m or 1h ({e})"))?,
    };
    if duration.is_zero() {
        return Err(format!("{text:?} is not more than zero"));
    }
    if duration > MAX_DURATION {
        return Err(format!(
            "{text:?} is longer than one day ({} seconds)",
            MAX_DURATION.as_secs()
        ));
    }
    Ok(duration)
}

/// A duration as [`parse_duration`] reads it, or `0` (the flags whose zero means "none").
pub fn parse_duration_or_zero(text: &str) -> Result<Duration, String> {
    match text.trim() {
        "0" => Ok(Duration::ZERO),
        other => parse_duration(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_seconds_or_units_up_to_a_day() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2.5"), Ok(Duration::from_millis(2500)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("86400"), Ok(MAX_DURATION));
        for bad in [
            "0", "-1", "soon", "0s", "NaN", "1e19", "86400.5", "25h", "inf",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_duration_or_zero("0"), Ok(Duration::ZERO));
    }
}
