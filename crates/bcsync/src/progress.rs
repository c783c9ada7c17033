//! `bcsync resync`'s progress: a bar with rows, rate and ETA redrawn on a terminal
//! (stderr), or a plain log line every 10 s when stderr is a file or a pipe.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bcsync_poller::Progress;

const BAR: usize = 30;
const LOG_EVERY: Duration = Duration::from_secs(10);
const DRAW_EVERY: Duration = Duration::from_millis(200);

#[derive(Debug)]
pub struct ResyncProgress {
    store: String,
    terminal: bool,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    total: u64,
    done: u64,
    started: Instant,
    last_output: Option<Instant>,
}

impl ResyncProgress {
    pub fn new(store: &str) -> Self {
        ResyncProgress {
            store: store.to_owned(),
            terminal: std::io::stderr().is_terminal(),
            state: Mutex::new(State {
                total: 0,
                done: 0,
                started: Instant::now(),
                last_output: None,
            }),
        }
    }

    fn line(&self, s: &State) -> String {
        let secs = s.started.elapsed().as_secs_f64();
        let head = format!(
            "{}/{} customers ({:.0}%)",
            s.done,
            s.total,
            100.0 * s.done as f64 / s.total.max(1) as f64
        );
        if secs < 1.0 {
            // Too early for a rate worth showing.
            return head;
        }
        let rate = s.done as f64 / secs;
        let left = s.total.saturating_sub(s.done);
        let eta = if rate > 0.0 { left as f64 / rate } else { 0.0 };
        format!("{head}, {rate:.0}/s, ETA {}", clock(eta))
    }

    fn output(&self, s: &mut State, force: bool) {
        let every = if self.terminal { DRAW_EVERY } else { LOG_EVERY };
        if !force && s.last_output.is_some_and(|t| t.elapsed() < every) {
            return;
        }
        s.last_output = Some(Instant::now());
        if self.terminal {
            let filled = (BAR as u64 * s.done / s.total.max(1)).min(BAR as u64) as usize;
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\rresync {} [{}{}] {}   ",
                self.store,
                "#".repeat(filled),
                "-".repeat(BAR - filled),
                self.line(s)
            );
            let _ = err.flush();
        } else {
            tracing::info!(store = %self.store, "resync: {}", self.line(s));
        }
    }
}

impl Progress for ResyncProgress {
    fn started(&self, total: u64) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.total = total;
        s.started = Instant::now();
    }

    fn advanced(&self, rows: u64) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.done += rows;
        self.output(&mut s, false);
    }

    fn finished(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        self.output(&mut s, true);
        if self.terminal {
            eprintln!();
        }
    }
}

fn clock(secs: f64) -> String {
    let s = secs.round() as u64;
    format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}
