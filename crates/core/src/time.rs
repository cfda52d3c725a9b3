//! Time: stored as UTC instants, shown in Europe/London with the bundled tz database.

use crate::FieldError;
use jiff::{Timestamp, tz::TimeZone};

/// The zone every time is shown in.
pub fn london() -> TimeZone {
    // The tz database is bundled into the binary (jiff's tzdb-bundle-always), so this cannot miss.
    TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC)
}

/// Show an instant as London wall-clock time, such as `2026-11-21 09:30 GMT`.
pub fn show(ts: Timestamp) -> String {
    ts.to_zoned(london())
        .strftime("%Y-%m-%d %H:%M %Z")
        .to_string()
}

/// Parse an instant: RFC 3339 (`2026-11-21T09:30:00Z`) or London wall-clock time (`2026-11-21 09:30`).
pub fn parse_instant(field: &str, s: &str) -> Result<Timestamp, FieldError> {
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Ok(ts);
    }
    let civil = s.replace(' ', "T");
    if let Ok(dt) = civil.parse::<jiff::civil::DateTime>()
        && let Ok(z) = dt.to_zoned(london())
    {
        return Ok(z.timestamp());
    }
    Err(FieldError::new(
        "input",
        field,
        "a date and time such as 2026-11-21T09:30:00Z or 2026-11-21 09:30 (London time)",
        s,
    ))
}

/// Parse a calendar date `YYYY-MM-DD`.
pub fn parse_date(field: &str, s: &str) -> Result<jiff::civil::Date, FieldError> {
    s.parse::<jiff::civil::Date>().map_err(|_| {
        FieldError::new(
            "input",
            field,
            "a date as YYYY-MM-DD (such as 1941-03-02)",
            s,
        )
    })
}

/// Parse a time of day `HH:MM`.
pub fn parse_time_of_day(field: &str, s: &str) -> Result<jiff::civil::Time, FieldError> {
    let ok = s.len() == 5 && s.as_bytes()[2] == b':';
    match (ok, s.parse::<jiff::civil::Time>()) {
        (true, Ok(t)) => Ok(t),
        _ => Err(FieldError::new(
            "input",
            field,
            "a time of day as HH:MM (such as 08:00)",
            s,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn london_wall_clock_respects_summer_time() {
        let summer = parse_instant("at", "2026-07-01 09:00").unwrap();
        assert_eq!(summer.to_string(), "2026-07-01T08:00:00Z");
        let winter = parse_instant("at", "2026-12-01 09:00").unwrap();
        assert_eq!(winter.to_string(), "2026-12-01T09:00:00Z");
        assert_eq!(show(winter), "2026-12-01 09:00 GMT");
        assert!(parse_instant("at", "yesterday").is_err());
        assert!(parse_date("dob", "1941-02-30").is_err());
        assert!(parse_time_of_day("times[0]", "8am").is_err());
    }

    #[test]
    fn a_night_shift_across_the_autumn_clock_change_is_13_hours() {
        let start = parse_instant("s", "2026-10-24 20:00").unwrap();
        let end = parse_instant("e", "2026-10-25 08:00").unwrap();
        assert_eq!(end.duration_since(start).as_hours(), 13);
    }
}
