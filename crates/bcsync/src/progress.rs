//! `bcsync resync`'s progress: an `indicatif` bar (customers, rate, ETA) on a terminal,
//! or a plain log line every 10 s when stderr is a file or a pipe.
//!
//! Log lines written while a bar is drawn go through [`LogWriter`], which hides the bar
//! for the length of the line, so a warning never lands in the middle of the bar.

use std::io::{IsTerminal, Write};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use bcsync_poller::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

const LOG_EVERY: Duration = Duration::from_secs(10);

/// The bar being drawn, if any: the log writer suspends it around each line.
static ACTIVE: OnceLock<Mutex<Option<ProgressBar>>> = OnceLock::new();

fn active() -> &'static Mutex<Option<ProgressBar>> {
    ACTIVE.get_or_init(|| Mutex::new(None))
}

#[derive(Debug)]
pub struct ResyncProgress {
    store: String,
    /// `Some` on a terminal.
    bar: Option<ProgressBar>,
    /// Off a terminal: counts for the periodic log line.
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    total: u64,
    done: u64,
    started: Instant,
    last_log: Option<Instant>,
}

impl ResyncProgress {
    pub fn new(store: &str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "resync {prefix} [{bar:30}] {human_pos}/{human_len} customers ({percent}%), {per_sec}, ETA {eta_precise}",
                )
                .expect("a valid template")
                .progress_chars("#>-"),
            );
            bar.set_prefix(store.to_owned());
            bar
        });
        ResyncProgress {
            store: store.to_owned(),
            bar,
            state: Mutex::new(State {
                total: 0,
                done: 0,
                started: Instant::now(),
                last_log: None,
            }),
        }
    }

    fn log(&self, s: &mut State, force: bool) {
        if !force && s.last_log.is_some_and(|t| t.elapsed() < LOG_EVERY) {
            return;
        }
        s.last_log = Some(Instant::now());
        let secs = s.started.elapsed().as_secs_f64();
        let pct = 100.0 * s.done as f64 / s.total.max(1) as f64;
        let mut line = format!("{}/{} customers ({pct:.0}%)", s.done, s.total);
        if secs >= 1.0 {
            let rate = s.done as f64 / secs;
            let left = s.total.saturating_sub(s.done) as f64;
            let eta = if rate > 0.0 { left / rate } else { 0.0 };
            line.push_str(&format!(", {rate:.0}/s, ETA {}", clock(eta)));
        }
        tracing::info!(store = %self.store, "resync: {line}");
    }
}

impl Progress for ResyncProgress {
    fn started(&self, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total);
            bar.reset_elapsed();
            *active().lock().unwrap_or_else(|e| e.into_inner()) = Some(bar.clone());
            return;
        }
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.total = total;
        s.started = Instant::now();
    }

    fn advanced(&self, rows: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(rows);
            return;
        }
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.done += rows;
        self.log(&mut s, false);
    }

    fn finished(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
            *active().lock().unwrap_or_else(|e| e.into_inner()) = None;
            return;
        }
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        self.log(&mut s, true);
    }
}

fn clock(secs: f64) -> String {
    let s = secs.round() as u64;
    format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

/// stderr for the log, hiding the progress bar (if one is drawn) while a line is
/// written: `tracing_subscriber::fmt().with_writer(progress::LogWriter)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let bar = active().lock().unwrap_or_else(|e| e.into_inner()).clone();
        match bar {
            Some(bar) => bar
                .suspend(|| std::io::stderr().write_all(buf))
                .map(|()| buf.len()),
            None => std::io::stderr().write_all(buf).map(|()| buf.len()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter {
    type Writer = LogWriter;

    fn make_writer(&'a self) -> Self::Writer {
        LogWriter
    }
}
