//! A TCP proxy in front of the simulator, one per daemon replica, that records when
//! bytes pass in either direction: per-replica request accounting without touching
//! the client or the simulator.

use std::sync::Arc;
use std::time::Instant;

use std::sync::Mutex;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// (when, which replica) of every chunk of request or response bytes.
pub type Traffic = Arc<Mutex<Vec<(Instant, usize)>>>;

/// Listens on 127.0.0.1 and forwards every connection to `target`, recording its
/// traffic under `label`; returns the proxy's base address.
pub async fn start(target: std::net::SocketAddr, label: usize, traffic: Traffic) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let traffic = traffic.clone();
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(target).await else {
                    return;
                };
                let (cr, cw) = client.into_split();
                let (sr, sw) = server.into_split();
                tokio::join!(pipe(cr, sw, label, traffic.clone()), pipe(sr, cw, label, traffic));
            });
        }
    });
    format!("http://{addr}")
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    label: usize,
    traffic: Traffic,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                traffic.lock().unwrap().push((Instant::now(), label));
                if to.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown().await;
}

/// The replicas in the order their traffic came, consecutive repeats folded: `[0, 1]`
/// is a clean handover, `[0, 1, 0]` means both were talking to the API at once.
pub fn turns(traffic: &Traffic) -> Vec<usize> {
    let mut events = traffic.lock().unwrap().clone();
    events.sort_by_key(|(at, _)| *at);
    let mut turns: Vec<usize> = Vec::new();
    for (_, label) in events {
        if turns.last() != Some(&label) {
            turns.push(label);
        }
    }
    turns
}
