//! The one place that decides whether a failed request is tried again, and when.
//!
//! Like vector's `RetryLogic`: callers never inspect status codes themselves.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};

use crate::error::ClientError;

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

    #[test]
    fn backoff_grows_is_bounded_and_ends() {
        let delays: Vec<_> = backoff_delays(5).collect();
        assert_eq!(delays.len(), 5);
        assert!(delays.iter().all(|d| *d <= Duration::from_secs(30)));
    }
}
