//! The one place that decides whether a failed request is tried again, and when.
//!
//! Like vector's `RetryLogic`: callers never inspect status codes themselves.

use std::time::Duration;

use std::future::Future;

use backon::{BackoffBuilder, ExponentialBuilder};
use tokio::time::Instant;

use crate::error::ClientError;

/// How long one request may keep trying.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Attempts, the first one included.
    pub max_attempts: u32,
    /// Time spent retrying, waits included: a 429 storm or a run of 5xx ends here.
    pub max_retry_time: Duration,
}

/// Runs `attempt` until it succeeds, [`decide`] calls its error fatal, or `limits` are
/// reached ([`ClientError::GaveUp`], naming the endpoint and the last error).
pub async fn with_retries<R, F, Fut>(limits: Limits, endpoint: &str, mut attempt: F) -> Result<R, ClientError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<R, ClientError>>,
{
    let started = Instant::now();
    let mut delays = backoff_delays(limits.max_attempts);
    let mut attempts = 0;
    loop {
        attempts += 1;
        let err = match attempt().await {
            Ok(r) => return Ok(r),
            Err(err) => err,
        };
        let wait = match decide(&err) {
            Decision::Fatal => return Err(err),
            Decision::WaitFor(d) => d,
            Decision::Backoff => delays.next().unwrap_or(limits.max_retry_time),
        };
        let elapsed = started.elapsed();
        if attempts >= limits.max_attempts || elapsed + wait > limits.max_retry_time {
            return Err(ClientError::GaveUp {
                endpoint: endpoint.to_owned(),
                attempts,
                elapsed,
                last: Box::new(err),
            });
        }
        tracing::warn!(%endpoint, attempt = attempts, wait_ms = wait.as_millis() as u64, error = %err, "retrying");
        tokio::time::sleep(wait).await;
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Retrying cannot help (bad token, missing scope, a 4xx, a body of the wrong shape).
    Fatal,
    /// The server said how long to wait (a 429 with `X-Rate-Limit-Time-Reset-Ms`).
    WaitFor(Duration),
    /// A transient fault (5xx, 429 without headers, timeout, reset or truncated body):
    /// wait the next exponential, jittered delay.
    Backoff,
}

/// A little slack after the announced reset so the next request lands in the new window.
const RESET_MARGIN: Duration = Duration::from_millis(50);

pub fn decide(err: &ClientError) -> Decision {
    match err {
        ClientError::RateLimited {
            reset: Some(reset),
            with_headers: true,
            ..
        } => Decision::WaitFor(*reset + RESET_MARGIN),
        ClientError::RateLimited { .. } => Decision::Backoff,
        ClientError::Status { status, .. } if *status >= 500 || *status == 408 => Decision::Backoff,
        ClientError::Transport { source, .. } if !source.is_builder() => Decision::Backoff,
        ClientError::Decode { source, .. } if source.malformed => Decision::Backoff,
        _ => Decision::Fatal,
    }
}

/// Exponential delays with full jitter: 250 ms doubling up to 15 s.
pub fn backoff_delays(max_attempts: u32) -> impl Iterator<Item = Duration> {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(250))
        .with_max_delay(Duration::from_secs(15))
        .with_factor(2.0)
        .with_jitter()
        .with_max_times(max_attempts as usize)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bigcommerce_models::DecodeError;

    fn status(code: u16) -> ClientError {
        ClientError::Status {
            endpoint: "GET /customers".into(),
            status: code,
            body: String::new(),
        }
    }

    #[test]
    fn server_faults_back_off_and_client_faults_do_not() {
        assert_eq!(decide(&status(503)), Decision::Backoff);
        assert_eq!(decide(&status(500)), Decision::Backoff);
        assert_eq!(decide(&status(422)), Decision::Fatal);
        assert_eq!(decide(&status(404)), Decision::Fatal);
        assert_eq!(
            decide(&ClientError::Unauthorized { endpoint: "x".into() }),
            Decision::Fatal
        );
        assert_eq!(
            decide(&ClientError::Forbidden { endpoint: "x".into() }),
            Decision::Fatal
        );
    }

    #[test]
    fn a_quota_429_waits_for_the_reset_and_a_load_429_backs_off() {
        let quota = ClientError::RateLimited {
            endpoint: "x".into(),
            with_headers: true,
            reset: Some(Duration::from_millis(1200)),
        };
        assert_eq!(decide(&quota), Decision::WaitFor(Duration::from_millis(1250)));
        let load = ClientError::RateLimited {
            endpoint: "x".into(),
            with_headers: false,
            reset: None,
        };
        assert_eq!(decide(&load), Decision::Backoff);
    }

    #[test]
    fn truncated_bodies_are_retried_but_wrong_shapes_are_not() {
        let decode = |malformed| ClientError::Decode {
            endpoint: "x".into(),
            source: DecodeError {
                path: "data[0].id".into(),
                message: "m".into(),
                malformed,
            },
        };
        assert_eq!(decide(&decode(true)), Decision::Backoff);
        assert_eq!(decide(&decode(false)), Decision::Fatal);
    }

    fn limits(max_attempts: u32, secs: u64) -> Limits {
        Limits {
            max_attempts,
            max_retry_time: Duration::from_secs(secs),
        }
    }

    /// An attempt that fails with `errors` in turn, then succeeds.
    fn scripted(errors: Vec<ClientError>) -> impl FnMut() -> std::future::Ready<Result<u32, ClientError>> {
        let mut errors = errors.into_iter();
        let mut calls = 0;
        move || {
            calls += 1;
            std::future::ready(match errors.next() {
                Some(e) => Err(e),
                None => Ok(calls),
            })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_quota_429_waits_exactly_the_announced_reset() {
        let quota = ClientError::RateLimited {
            endpoint: "x".into(),
            with_headers: true,
            reset: Some(Duration::from_millis(1200)),
        };
        let start = Instant::now();
        let calls = with_retries(limits(8, 120), "GET /customers", scripted(vec![quota]))
            .await
            .unwrap();
        assert_eq!(calls, 2);
        assert_eq!(start.elapsed(), Duration::from_millis(1250));
    }

    #[tokio::test(start_paused = true)]
    async fn server_errors_back_off_with_growing_waits_then_succeed() {
        let start = Instant::now();
        let calls = with_retries(
            limits(8, 120),
            "x",
            scripted(vec![status(503), status(502), status(500)]),
        )
        .await
        .unwrap();
        assert_eq!(calls, 4);
        // Three jittered waits, each at most its exponential step (250, 500, 1000 ms)
        // plus its jitter.
        assert!(
            start.elapsed() <= Duration::from_millis(3500),
            "{:?}",
            start.elapsed()
        );
        assert!(start.elapsed() > Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_storm_gives_up_within_the_bound_naming_the_endpoint() {
        let storm: Vec<ClientError> = (0..1000).map(|_| status(503)).collect();
        let start = Instant::now();
        let err = with_retries(limits(1000, 20), "GET /customers?page=3", scripted(storm))
            .await
            .unwrap_err();
        assert!(start.elapsed() <= Duration::from_secs(20));
        match &err {
            ClientError::GaveUp {
                endpoint, attempts, ..
            } => {
                assert_eq!(endpoint, "GET /customers?page=3");
                assert!(*attempts > 3 && *attempts < 1000, "{attempts}");
            }
            other => panic!("expected GaveUp, got {other:?}"),
        }
        assert!(err.to_string().contains("GET /customers?page=3"), "{err}");
    }

    #[tokio::test(start_paused = true)]
    async fn client_errors_are_not_retried() {
        let start = Instant::now();
        let err = with_retries(limits(8, 120), "x", scripted(vec![status(404)]))
            .await
            .unwrap_err();
        assert!(matches!(err, ClientError::Status { status: 404, .. }));
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[test]
    fn backoff_grows_is_bounded_and_ends() {
        let delays: Vec<_> = backoff_delays(5).collect();
        assert_eq!(delays.len(), 5);
        assert!(delays.iter().all(|d| *d <= Duration::from_secs(30)));
    }
}
