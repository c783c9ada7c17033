//! The limiter's pacing and reset waits, on tokio's paused clock.

use super::*;

fn announce(quota: u32, left: u32, reset_ms: u64) -> Announcement {
    Announcement {
        window: Duration::from_millis(1000),
        quota,
        left,
        reset: Duration::from_millis(reset_ms),
    }
}

#[tokio::test(start_paused = true)]
async fn requests_are_spread_evenly_over_the_window() {
    let limiter = RateLimiter::new(1.0);
    limiter.observe(announce(10, 10, 1000));
    let start = Instant::now();
    let mut times = Vec::new();
    for _ in 0..10 {
        let (permit, _) = limiter.acquire().await.unwrap();
        times.push(start.elapsed());
        drop(permit);
    }
    assert_eq!(times[0], Duration::ZERO);
    assert_eq!(times[1], Duration::from_millis(100));
    assert_eq!(times[9], Duration::from_millis(900));
    // The window is spent: the eleventh waits for the reset, then goes at once.
    let (_, waited) = limiter.acquire().await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_millis(1000));
    assert!(waited.for_reset);
}

#[tokio::test(start_paused = true)]
async fn the_share_of_other_apps_is_never_spent() {
    let limiter = RateLimiter::new(0.5);
    limiter.observe(announce(10, 9, 1000));
    let start = Instant::now();
    // left 9, reserve 5: four requests in this window, 250 ms apart.
    for expected in [0, 250, 500, 750] {
        let _ = limiter.acquire().await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_millis(expected));
    }
    let _ = limiter.acquire().await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_millis(1000));
}

#[tokio::test(start_paused = true)]
async fn concurrent_requests_get_distinct_slots() {
    let limiter = std::sync::Arc::new(RateLimiter::new(1.0));
    limiter.observe(announce(4, 4, 400));
    let start = Instant::now();
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let l = limiter.clone();
            tokio::spawn(async move {
                let _ = l.acquire().await.unwrap();
                start.elapsed()
            })
        })
        .collect();
    let mut times = Vec::new();
    for t in tasks {
        times.push(t.await.unwrap());
    }
    times.sort();
    let ms: Vec<u128> = times.iter().map(|d| d.as_millis()).collect();
    assert_eq!(ms, [0, 100, 200, 300]);
}

#[tokio::test(start_paused = true)]
async fn requests_in_flight_count_against_a_stale_announcement() {
    let limiter = RateLimiter::new(1.0);
    limiter.observe(announce(10, 3, 1000));
    let (a, _) = limiter.acquire().await.unwrap();
    let (b, _) = limiter.acquire().await.unwrap();
    // `a` comes back announcing 1 left (another app spent one), and `b` is still
    // unanswered: nothing is left for this window.
    a.observe(announce(10, 1, 900));
    drop(a);
    let start = Instant::now();
    let (_, waited) = limiter.acquire().await.unwrap();
    assert!(waited.for_reset, "b takes the last request of the window");
    assert_eq!(start.elapsed(), Duration::from_millis(900));
    drop(b);
}

#[tokio::test(start_paused = true)]
async fn an_unknown_quota_never_waits() {
    let limiter = RateLimiter::new(1.0);
    let start = Instant::now();
    for _ in 0..100 {
        let _ = limiter.acquire().await.unwrap();
    }
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[test]
fn headers_are_read_case_insensitively_and_missing_ones_give_none() {
    let mut h = HeaderMap::new();
    h.insert("X-Rate-Limit-Time-Window-Ms", "30000".parse().unwrap());
    h.insert("X-Rate-Limit-Time-Reset-Ms", "1500".parse().unwrap());
    h.insert("X-Rate-Limit-Requests-Quota", "150".parse().unwrap());
    assert_eq!(Announcement::from_headers(&h), None);
    h.insert("x-rate-limit-requests-left", "149".parse().unwrap());
    assert_eq!(
        Announcement::from_headers(&h),
        Some(Announcement {
            window: Duration::from_secs(30),
            quota: 150,
            left: 149,
            reset: Duration::from_millis(1500)
        })
    );
}

#[tokio::test(start_paused = true)]
async fn a_quota_of_zero_fails_at_once_instead_of_waiting_forever() {
    let limiter = RateLimiter::new(1.0);
    limiter.observe(announce(0, 0, 1000));
    let start = Instant::now();
    let err = limiter.acquire().await.unwrap_err();
    assert_eq!(err, NoQuota { quota: 0, share: 1.0 });
    assert_eq!(start.elapsed(), Duration::ZERO);
    let msg = err.at("GET /customers").to_string();
    assert!(
        msg.contains("quota of 0") && msg.contains("GET /customers"),
        "{msg}"
    );
    // A share that leaves nothing of a tiny quota is the same dead end.
    let limiter = RateLimiter::new(0.5);
    limiter.observe(announce(1, 1, 1000));
    assert!(limiter.acquire().await.is_err());
}

/// A window (and reset) of 0 must not make `acquire` spin: on paused time a spin
/// never lets the clock move, so the thread would never finish. Run on its own
/// thread and judged by a real-time deadline, the test fails instead of hanging.
#[test]
fn a_window_of_zero_never_spins() {
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        let elapsed = rt.block_on(async {
            let limiter = RateLimiter::new(1.0);
            let zero = Announcement {
                window: Duration::ZERO,
                quota: 5,
                left: 5,
                reset: Duration::ZERO,
            };
            limiter.observe(zero);
            let start = Instant::now();
            for _ in 0..20 {
                let _ = limiter.acquire().await.unwrap();
            }
            start.elapsed()
        });
        let _ = done.send(elapsed);
    });
    let elapsed = finished
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("acquire spun on a window of 0");
    // 20 requests at 5 per (at least) 100 ms window: paced, never instant.
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
}
