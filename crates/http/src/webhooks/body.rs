//! Reading a delivery's body without ever holding more than the limit.
//!
//! The route reads the body itself rather than behind a limit layer, because a layer
//! answers 413 before the handler runs and the rejection would go uncounted.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::HeaderMap;
use axum::http::header::CONTENT_LENGTH;
use futures::{Stream, StreamExt};

use super::Rejection;

/// A real delivery is a few hundred bytes sent at once; a body still arriving after
/// this is a stuck or hostile client, and waiting longer would also hold up a
/// graceful shutdown.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// After refusing an oversized body, how much more of it is read and thrown away
/// (what nginx calls a lingering close). hyper closes a connection whose body was
/// left unread, and closing a socket with unread data sends a reset that can reach
/// the client before it has read our 413; it then sees only "connection reset" and
/// BigCommerce would log a network error instead of the status. Memory stays
/// constant since each chunk is dropped at once, and only a sender that passed the
/// secret check gets this far.
const DISCARD_BYTES: usize = 16 * 1024 * 1024;
const DISCARD_TIME: Duration = Duration::from_secs(5);

pub(super) async fn read_bounded(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, Rejection> {
    let mut stream = body.into_data_stream();
    // A declared length over the limit is refused before reading any of it.
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        discard(&mut stream).await;
        return Err(Rejection::TooLarge { limit });
    }

    let mut buf = Vec::new();
    let read = async {
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|err| Rejection::BodyRead(err.to_string()))?;
            if buf.len() + chunk.len() > limit {
                return Err(Rejection::TooLarge { limit });
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(())
    };
    match tokio::time::timeout(READ_TIMEOUT, read).await {
        Ok(Ok(())) => Ok(Bytes::from(buf)),
        Ok(Err(rejection @ Rejection::TooLarge { .. })) => {
            discard(&mut stream).await;
            Err(rejection)
        }
        Ok(Err(rejection)) => Err(rejection),
        Err(_elapsed) => Err(Rejection::BodyTimeout),
    }
}

async fn discard<S, E>(stream: &mut S)
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    let drain = async {
        let mut seen = 0usize;
        while let Some(Ok(chunk)) = stream.next().await {
            seen += chunk.len();
            if seen > DISCARD_BYTES {
                break;
            }
        }
    };
    // Either bound ends it; what remains unread is the client's problem.
    let _ = tokio::time::timeout(DISCARD_TIME, drain).await;
}
