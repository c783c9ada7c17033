//! Schedules read as crontab and Kubernetes CronJobs read them, in UTC.

use bcsync_config::Schedule;
use chrono::{DateTime, Utc};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn next(expr: &str, after: &str) -> String {
    Schedule::parse(expr)
        .unwrap()
        .next_after(t(after))
        .unwrap()
        .to_rfc3339()
}

// 2026-01-01 is a Thursday.

#[test]
fn five_fields_run_at_second_zero() {
    assert_eq!(
        next("*/5 * * * *", "2026-01-01T10:02:30Z"),
        "2026-01-01T10:05:00+00:00"
    );
    // strictly after
    assert_eq!(
        next("*/5 * * * *", "2026-01-01T10:05:00Z"),
        "2026-01-01T10:10:00+00:00"
    );
    assert_eq!(
        next("0 3 * * *", "2026-01-01T04:00:00Z"),
        "2026-01-02T03:00:00+00:00"
    );
    assert_eq!(
        next(" 0 3 * * * ", "2026-01-01T02:59:59Z"),
        "2026-01-01T03:00:00+00:00"
    );
}

#[test]
fn six_fields_start_with_seconds() {
    assert_eq!(
        next("*/10 * * * * *", "2026-01-01T10:00:03Z"),
        "2026-01-01T10:00:10+00:00"
    );
    assert_eq!(
        next("30 0 3 * * *", "2026-01-01T04:00:00Z"),
        "2026-01-02T03:00:30+00:00"
    );
}

#[test]
fn day_of_week_is_numbered_as_in_crontab() {
    // 1-5 is Monday to Friday (Quartz would read Sunday to Thursday)
    assert_eq!(
        next("0 3 * * 1-5", "2026-01-03T00:00:00Z"),
        "2026-01-05T03:00:00+00:00"
    );
    // 0 and 7 are both Sunday
    assert_eq!(
        next("0 0 * * 0", "2026-01-01T00:00:00Z"),
        "2026-01-04T00:00:00+00:00"
    );
    assert_eq!(
        next("0 0 * * 7", "2026-01-01T00:00:00Z"),
        "2026-01-04T00:00:00+00:00"
    );
    assert_eq!(
        next("0 0 * * sun", "2026-01-01T00:00:00Z"),
        "2026-01-04T00:00:00+00:00"
    );
    assert_eq!(
        next("0 0 * * MON-FRI", "2026-01-03T00:00:00Z"),
        "2026-01-05T00:00:00+00:00"
    );
    // 6-7 is Saturday and Sunday
    assert_eq!(
        next("0 0 * * 6-7", "2026-01-01T00:00:00Z"),
        "2026-01-03T00:00:00+00:00"
    );
    assert_eq!(
        next("0 0 * * 6-7", "2026-01-03T00:00:00Z"),
        "2026-01-04T00:00:00+00:00"
    );
    // steps: */2 is Sunday, Tuesday, Thursday, Saturday
    assert_eq!(
        next("0 0 * * */2", "2026-01-01T00:00:00Z"),
        "2026-01-03T00:00:00+00:00"
    );
    // the 6-field form numbers days the same way
    assert_eq!(
        next("0 0 3 * * 1", "2026-01-01T00:00:00Z"),
        "2026-01-05T03:00:00+00:00"
    );
}

#[test]
fn restricted_day_of_month_or_day_of_week_runs_on_either() {
    // crontab: the 13th, and every Friday
    assert_eq!(
        next("0 0 13 * 5", "2026-01-01T00:00:00Z"),
        "2026-01-02T00:00:00+00:00"
    );
    assert_eq!(
        next("0 0 13 * 5", "2026-01-10T00:00:00Z"),
        "2026-01-13T00:00:00+00:00"
    );
    // with `*` in one field the other restricts alone
    assert_eq!(
        next("0 0 13 * *", "2026-01-01T00:00:00Z"),
        "2026-01-13T00:00:00+00:00"
    );
}

#[test]
fn shorthands() {
    assert_eq!(
        next("@hourly", "2026-01-01T10:30:00Z"),
        "2026-01-01T11:00:00+00:00"
    );
    assert_eq!(
        next("@daily", "2026-01-01T10:30:00Z"),
        "2026-01-02T00:00:00+00:00"
    );
    assert_eq!(
        next("@weekly", "2026-01-01T10:30:00Z"),
        "2026-01-04T00:00:00+00:00"
    );
    assert_eq!(
        next("@monthly", "2026-01-01T10:30:00Z"),
        "2026-02-01T00:00:00+00:00"
    );
    assert_eq!(
        next("@yearly", "2026-01-01T10:30:00Z"),
        "2027-01-01T00:00:00+00:00"
    );
}

#[test]
fn keeps_the_text_as_written() {
    let s = Schedule::parse("  */2 * * * *\n").unwrap();
    assert_eq!(s.as_str(), "*/2 * * * *");
    assert_eq!(s.to_string(), "*/2 * * * *");
    assert_eq!(format!("{s:?}"), "Schedule(\"*/2 * * * *\")");
}

#[test]
fn bad_expressions_are_rejected_with_a_reason() {
    for (expr, reason) in [
        ("*/5 * *", "expected 5 fields"),
        ("* * * * * * *", "found 7"),
        ("", "found 0"),
        ("61 * * * *", ""),
        ("* 24 * * *", ""),
        ("0 0 * * 8", "8 is not a day"),
        ("0 0 * * funday", "\"funday\" is not a day"),
        ("0 0 * * 5-1", "backwards"),
        ("0 0 * * */0", "not a step"),
        ("@reboot", "unknown shorthand"),
    ] {
        let e = Schedule::parse(expr).expect_err(expr);
        assert!(
            e.starts_with(&format!("{:?} is not a cron expression: ", expr.trim())),
            "{e}"
        );
        assert!(e.contains(reason), "{expr}: {e}");
    }
}

#[test]
fn a_schedule_that_never_fires_is_refused() {
    for expr in ["0 0 30 2 *", "0 0 31 4 *", "0 0 31 2,4,6,9,11 *"] {
        let e = Schedule::parse(expr).unwrap_err();
        assert!(e.contains("never fires"), "{expr}: {e}");
    }
    // 29 February fires in leap years, so it is a schedule.
    assert!(Schedule::parse("0 0 29 2 *").is_ok());
}
