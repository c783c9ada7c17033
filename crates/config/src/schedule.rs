//! Cron schedules as crontab and Kubernetes CronJobs read them, in UTC.
//!
//! The `cron` crate evaluates them, but its dialect is Quartz's: six or seven fields,
//! day-of-week 1–7 with 1 = Sunday, and day-of-month AND day-of-week. Passing a crontab
//! line straight through would run `0 3 * * 1-5` Sunday to Thursday. So this module
//! reads the day-of-week field itself (0–7, 0 and 7 = Sunday, names, ranges, steps) and
//! hands the crate day names, and keeps crontab's rule that when both day fields are
//! restricted (neither starts with `*`) a day matching either one runs.

use std::fmt;

use chrono::{DateTime, Utc};

/// A parsed schedule: `minute hour day-of-month month day-of-week`, or the same with a
/// seconds field first, or one of `@hourly`, `@daily`, `@midnight`, `@weekly`,
/// `@monthly`, `@yearly`, `@annually`.
#[derive(Clone)]
pub struct Schedule {
    text: String,
    /// One schedule, or two whose union is crontab's "day-of-month OR day-of-week".
    parts: Vec<cron::Schedule>,
}

/// Sunday first, as crontab numbers them; the short names are what `cron` is given.
const DAY_NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const FULL_DAY_NAMES: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

impl Schedule {
    /// Parses a 5-field expression (seconds = 0) or a 6-field one (seconds first).
    /// The error says what is wrong and quotes the expression.
    pub fn parse(expr: &str) -> Result<Schedule, String> {
        let text = expr.trim();
        let fail = |why: String| format!("{text:?} is not a cron expression: {why}");
        let expanded = match text {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            t if t.starts_with('@') => return Err(fail("unknown shorthand".to_owned())),
            t => t,
        };
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        let (seconds, rest) = match fields.len() {
            5 => ("0", &fields[..]),
            6 => (fields[0], &fields[1..]),
            n => {
                return Err(fail(format!(
                    "expected 5 fields (minute hour day-of-month month day-of-week) \
                     or 6 (seconds first), found {n}"
                )));
            }
        };
        let [minute, hour, dom, month, dow] = rest else {
            unreachable!("five fields by construction")
        };
        let days = weekdays(dow).map_err(|why| fail(format!("day-of-week {dow:?}: {why}")))?;
        let dow_cron = if days.iter().all(|&d| d) {
            "*".to_owned()
        } else {
            DAY_NAMES
                .iter()
                .zip(days)
                .filter(|(_, on)| *on)
                .map(|(name, _)| *name)
                .collect::<Vec<_>>()
                .join(",")
        };
        let head = format!("{seconds} {minute} {hour}");
        let exprs = if !dom.starts_with('*') && !dow.starts_with('*') {
            vec![
                format!("{head} {dom} {month} *"),
                format!("{head} * {month} {dow_cron}"),
            ]
        } else {
            vec![format!("{head} {dom} {month} {dow_cron}")]
        };
        let parts = exprs
            .iter()
            .map(|e| e.parse::<cron::Schedule>().map_err(|e| fail(e.to_string())))
            .collect::<Result<Vec<_>, _>>()?;
        let schedule = Schedule {
            text: text.to_owned(),
            parts,
        };
        // `0 0 30 2 *` parses but would leave the store unsynced forever, silently.
        if schedule.next_after(Utc::now()).is_none() {
            return Err(fail(
                "it never fires (no date matches its day-of-month and month)".to_owned(),
            ));
        }
        Ok(schedule)
    }

    /// The expression as written (trimmed).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The first run strictly after `t`; `None` if the schedule never fires again
    /// (`parse` refuses those that never fire from now on, such as `0 0 30 2 *`).
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.parts.iter().filter_map(|s| s.after(&t).next()).min()
    }

    /// The mean time between runs over the next 24 of them (a schedule need not be
    /// regular): what sizes each reconcile pass's sweeps.
    pub fn mean_interval(&self) -> std::time::Duration {
        const RUNS: i32 = 24;
        let Some(first) = self.next_after(Utc::now()) else {
            return std::time::Duration::from_secs(86_400);
        };
        let mut last = first;
        for _ in 0..RUNS {
            match self.next_after(last) {
                Some(next) => last = next,
                None => break,
            }
        }
        ((last - first) / RUNS)
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(86_400))
            .max(std::time::Duration::from_secs(1))
    }
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Schedule({:?})", self.text)
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for Schedule {
    fn eq(&self, other: &Schedule) -> bool {
        self.text == other.text
    }
}

/// The days (index 0 = Sunday) a crontab day-of-week field selects.
fn weekdays(field: &str) -> Result<[bool; 7], String> {
    let mut days = [false; 7];
    for item in field.split(',') {
        let (base, step) = match item.split_once('/') {
            Some((base, step)) => match step.parse::<usize>() {
                Ok(s) if s > 0 => (base, Some(s)),
                _ => return Err(format!("{step:?} is not a step")),
            },
            None => (item, None),
        };
        let (first, last) = if base == "*" {
            (0, 6)
        } else if let Some((a, b)) = base.split_once('-') {
            (day(a)?, day(b)?)
        } else {
            // `N/step` runs from N to the end of the week, as in Vixie cron.
            let d = day(base)?;
            (d, if step.is_some() { 7 } else { d })
        };
        if first > last {
            return Err(format!("{base:?} is a backwards range"));
        }
        for d in (first..=last).step_by(step.unwrap_or(1)) {
            days[d % 7] = true;
        }
    }
    Ok(days)
}

/// One day: 0–7 (0 and 7 are Sunday) or an English name, as crontab accepts.
fn day(s: &str) -> Result<usize, String> {
    if let Ok(n) = s.parse::<usize>() {
        return if n <= 7 {
            Ok(n)
        } else {
            Err(format!("{n} is not a day (0-7)"))
        };
    }
    let lower = s.to_ascii_lowercase();
    FULL_DAY_NAMES
        .iter()
        .zip(DAY_NAMES)
        .position(|(full, short)| lower == *full || lower.eq_ignore_ascii_case(short))
        .ok_or_else(|| format!("{s:?} is not a day"))
}
