//! When the backup service runs: a time of day in Paris (summer time included).

use chrono::{DateTime, TimeDelta, Utc};

/// France's offset from UTC at `at`: +2 h from the last Sunday of March 01:00 UTC to the last Sunday of
/// October 01:00 UTC (the EU rule), +1 h otherwise. Enough to schedule in Europe/Paris without a time zone
/// database.
pub fn paris_offset(at: DateTime<Utc>) -> TimeDelta {
    use chrono::{Datelike, NaiveDate, Weekday};
    let last_sunday = |month: u32| -> Option<DateTime<Utc>> {
        let first_of_next = NaiveDate::from_ymd_opt(at.year(), month + 1, 1)?;
        let mut day = first_of_next.pred_opt()?;
        while day.weekday() != Weekday::Sun {
            day = day.pred_opt()?;
        }
        Some(day.and_hms_opt(1, 0, 0)?.and_utc())
    };
    match (last_sunday(3), last_sunday(10)) {
        (Some(start), Some(end)) if at >= start && at < end => TimeDelta::hours(2),
        _ => TimeDelta::hours(1),
    }
}

/// `HH:MM`, a time of day in Europe/Paris (`JOBBOT_BACKUP_AT`).
pub fn parse_time_of_day(raw: &str) -> Option<chrono::NaiveTime> {
    chrono::NaiveTime::parse_from_str(raw.trim(), "%H:%M").ok()
}

/// The first moment after `now` at which Paris' clocks show `at`.
pub fn next_run(now: DateTime<Utc>, at: chrono::NaiveTime) -> DateTime<Utc> {
    let paris_day = (now + paris_offset(now)).date_naive();
    for days in 0..3 {
        let Some(day) = paris_day.checked_add_days(chrono::Days::new(days)) else {
            break;
        };
        let local = day.and_time(at);
        // The offset of that moment (guessed from the offset an hour either side of a change is the same).
        let guess = local.and_utc() - TimeDelta::hours(1);
        let candidate = local.and_utc() - paris_offset(guess);
        if candidate > now {
            return candidate;
        }
    }
    now + TimeDelta::days(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(raw: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(raw)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn paris_time_follows_summer_time() {
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(paris_offset(utc("2026-01-15T12:00:00Z")), TimeDelta::hours(1));
        assert_eq!(paris_offset(utc("2026-03-29T00:59:00Z")), TimeDelta::hours(1));
        assert_eq!(paris_offset(utc("2026-03-29T01:00:00Z")), TimeDelta::hours(2));
        assert_eq!(paris_offset(utc("2026-07-14T12:00:00Z")), TimeDelta::hours(2));
        assert_eq!(paris_offset(utc("2026-10-25T00:59:00Z")), TimeDelta::hours(2));
        assert_eq!(paris_offset(utc("2026-10-25T01:00:00Z")), TimeDelta::hours(1));
    }

    #[test]
    fn the_next_run_is_at_paris_time() {
        let at = parse_time_of_day("02:30").expect("time");
        // Winter: 02:30 in Paris is 01:30 UTC; summer: 00:30 UTC.
        for (now, next) in [
            ("2026-11-26T05:00:00Z", "2026-11-27T01:30:00Z"),
            ("2026-11-26T01:00:00Z", "2026-11-26T01:30:00Z"),
            ("2026-07-01T00:00:00Z", "2026-07-01T00:30:00Z"),
            ("2026-07-01T00:31:00Z", "2026-07-02T00:30:00Z"),
            // Across the change of 25 October: 02:30 on the 26th is winter time.
            ("2026-10-25T12:00:00Z", "2026-10-26T01:30:00Z"),
        ] {
            assert_eq!(next_run(utc(now), at), utc(next), "after {now}");
        }
        assert_eq!(parse_time_of_day("25:00"), None);
    }
}
