//! Time: stored as UTC instants, shown in Europe/London with the bundled tz database.

use crate::FieldError;
use jiff::{Timestamp, tz::TimeZone};

/// The zone every time is shown in.
pub fn london() -> TimeZone {
    // The tz database is bundled into the binary (jiff's tzdb-bundle-always), so this cannot miss.
    TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC)
}

/// Show an instant as people read a time: London wall-clock time with the weekday, such as
/// `Tue 1 Dec 2026 13:51`. The zone is named (`01:30 BST`, `01:30 GMT`) only in the hour the
/// clocks go back, when the same wall-clock time happens twice.
pub fn show(ts: Timestamp) -> String {
    let z = ts.to_zoned(london());
    let base = z.strftime("%a %-d %b %Y %H:%M").to_string();
    if london().to_ambiguous_zoned(z.datetime()).is_ambiguous() {
        format!("{base} {}", z.strftime("%Z"))
    } else {
        base
    }
}

/// A London calendar date as people read it, such as `Tue 1 Dec 2026`.
pub fn show_date(d: jiff::civil::Date) -> String {
    d.strftime("%a %-d %b %Y").to_string()
}

/// The London clock time of an instant to the second, such as `13:51:20` (how fresh a live page
/// is).
pub fn show_clock(ts: Timestamp) -> String {
    ts.to_zoned(london()).strftime("%H:%M:%S").to_string()
}

/// Parse an instant: RFC 3339 (`2026-11-21T09:30:00Z`) or London wall-clock time (`2026-11-21 09:30`).
/// Years a time typed into Lantern may fall in: anything else is a typing slip (year 0000,
/// 20226), never a real event of adult social care.
pub const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i16> = 1900..=2200;

pub fn parse_instant(field: &str, s: &str) -> Result<Timestamp, FieldError> {
    let parsed = s.parse::<Timestamp>().ok().or_else(|| {
        let civil = s.replace(' ', "T");
        civil
            .parse::<jiff::civil::DateTime>()
            .ok()
            .and_then(|dt| dt.to_zoned(london()).ok())
            .map(|z| z.timestamp())
    });
    if let Some(ts) = parsed {
        let year = ts.to_zoned(TimeZone::UTC).year();
        if !PLAUSIBLE_YEARS.contains(&year) {
            return Err(FieldError::new(
                "input",
                field,
                format!(
                    "a date and time between the years {} and {}",
                    PLAUSIBLE_YEARS.start(),
                    PLAUSIBLE_YEARS.end()
                ),
                s,
            ));
        }
        return Ok(ts);
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
    let t = s.trim();
    let uk = || -> Option<jiff::civil::Date> {
        // As a UK user (and Excel in a UK locale) writes it: day/month/year.
        let mut it = t.split('/');
        let (d, m, y) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() || y.len() != 4 || d.len() > 2 || m.len() > 2 {
            return None;
        }
        jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
    };
    t.parse::<jiff::civil::Date>()
        .ok()
        .or_else(uk)
        .ok_or_else(|| {
            FieldError::new(
                "input",
                field,
                "a date as YYYY-MM-DD or DD/MM/YYYY (such as 1941-03-02 or 02/03/1941)",
                s,
            )
        })
}

/// Parse a time of day `HH:MM`.
pub fn parse_time_of_day(field: &str, s: &str) -> Result<jiff::civil::Time, FieldError> {
    // HH:MM, or as spreadsheets write it: H:MM, HH:MM:SS.
    let t = s.trim();
    let parts: Vec<&str> = t.split(':').collect();
    let num = |p: &str, max: i8| -> Option<i8> {
        (!p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_digit()))
            .then(|| p.parse::<i8>().ok())
            .flatten()
            .filter(|n| *n <= max)
    };
    let time = match parts.as_slice() {
        [h, m] if m.len() == 2 => num(h, 23).zip(num(m, 59)).map(|(h, m)| (h, m, 0)),
        [h, m, sec] if m.len() == 2 && sec.len() == 2 => num(h, 23)
            .zip(num(m, 59))
            .zip(num(sec, 59))
            .map(|((h, m), s)| (h, m, s)),
        _ => None,
    };
    time.and_then(|(h, m, sec)| jiff::civil::Time::new(h, m, sec, 0).ok())
        .ok_or_else(|| {
            FieldError::new(
                "input",
                field,
                "a time of day as HH:MM (such as 08:00; 8:00 and 08:00:00 are read too)",
                s,
            )
        })
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
        assert_eq!(show(winter), "Tue 1 Dec 2026 09:00");
        assert_eq!(show(summer), "Wed 1 Jul 2026 09:00");
        // The hour the clocks go back happens twice: the zone tells which.
        let first = "2026-10-25T00:30:00Z".parse::<Timestamp>().unwrap();
        let second = "2026-10-25T01:30:00Z".parse::<Timestamp>().unwrap();
        assert_eq!(show(first), "Sun 25 Oct 2026 01:30 BST");
        assert_eq!(show(second), "Sun 25 Oct 2026 01:30 GMT");
        assert!(parse_instant("at", "yesterday").is_err());
        assert!(parse_date("dob", "1941-02-30").is_err());
        assert!(parse_time_of_day("times[0]", "8am").is_err());
    }

    #[test]
    fn dates_and_times_are_read_as_a_uk_user_and_excel_write_them() {
        let d = |s: &str| parse_date("d", s).map(|d| d.to_string());
        assert_eq!(
            d("01/02/1950").unwrap(),
            "1950-02-01",
            "day first, as in the UK"
        );
        assert_eq!(d("1/2/1950").unwrap(), "1950-02-01");
        assert_eq!(d("1950-02-01").unwrap(), "1950-02-01");
        assert!(d("31/02/1950").is_err() && d("02/01/50").is_err() && d("1/2/3/1950").is_err());
        let t = |s: &str| parse_time_of_day("t", s).map(|t| t.to_string());
        assert_eq!(t("8:00").unwrap(), "08:00:00");
        assert_eq!(t("08:00:00").unwrap(), "08:00:00");
        assert_eq!(t("22:30").unwrap(), "22:30:00");
        for bad in ["24:00", "8", "8:0", "08:60", "8am", "-1:00", "08:00:00:00"] {
            assert!(t(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_night_shift_across_the_autumn_clock_change_is_13_hours() {
        let start = parse_instant("s", "2026-10-24 20:00").unwrap();
        let end = parse_instant("e", "2026-10-25 08:00").unwrap();
        assert_eq!(end.duration_since(start).as_hours(), 13);
    }
}
