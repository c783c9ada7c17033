//! Timestamps as BigCommerce sends and accepts them.
//!
//! Responses carry ISO 8601 with a zone (`Z` or `+00:00`) at second precision;
//! filters accept `YYYY-MM-DDTHH:MM:SS` (read as UTC).

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

/// Formats a timestamp the way the API itself writes them (`2024-01-03T10:00:03Z`).
pub fn to_api(ts: DateTime<Utc>) -> String {
    ts.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Formats a timestamp for a `date_*:min|max` query filter (UTC, no zone suffix).
pub fn to_filter(ts: DateTime<Utc>) -> String {
    ts.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Parses a filter value: RFC 3339, a zone-less date-time (UTC) or a bare date.
pub fn parse_filter(value: &str) -> Option<DateTime<Utc>> {
    if let Ok(ts) = DateTime::parse_from_rfc3339(value) {
        return Some(ts.with_timezone(&Utc));
    }
    if let Ok(naive) = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S") {
        return Some(naive.and_utc());
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| n.and_utc())
}

/// Drops sub-second precision: the API stores and compares whole seconds.
pub fn truncate_to_second(ts: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(ts.timestamp(), 0).unwrap_or(ts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_accepts_the_three_documented_forms() {
        let full = parse_filter("2024-01-03T10:00:03").unwrap();
        assert_eq!(to_api(full), "2024-01-03T10:00:03Z");
        assert_eq!(parse_filter("2024-01-03T10:00:03+00:00"), Some(full));
        assert_eq!(
            to_api(parse_filter("2024-01-03").unwrap()),
            "2024-01-03T00:00:00Z"
        );
        assert_eq!(parse_filter("yesterday"), None);
    }

    #[test]
    fn filter_round_trips() {
        let ts = parse_filter("2024-02-29T23:59:59Z").unwrap();
        assert_eq!(parse_filter(&to_filter(ts)), Some(ts));
    }
}
