//! Issue "reconciler", rate-limit discipline: a full resync at a quota draws no 429 and
//! never runs faster than the quota allows. How close it comes to the bound is a timing
//! goal, measured by `bench/quota.sh`, not asserted here.

use crate::common;

use std::time::Instant;

use bcsync_simulator::SimConfig;
use common::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quota_bound_resync_draws_no_429_and_never_outpaces_the_quota() {
    // Not a multiple of 250: the last page is partial, so no empty page is read after
    // it. 10 requests a second, which a debug build keeps up with.
    const N: usize = 19_900;
    const QUOTA: u32 = 20;
    const WINDOW_MS: u64 = 2_000;
    let app = spawn_app(
        SimConfig::default()
            .with_customers(N)
            .with_seed(3)
            .with_quota(Some(QUOTA))
            .with_window_ms(WINDOW_MS)
            // Customers with more than 10 addresses cost extra address requests
            // beyond N/250; the benchmark measures those, this test the bound itself.
            .with_max_addresses(10),
    )
    .await;
    // The simulator is generated; migrate outside the measured run.
    app.run_ok_with(&["migrate"], &[]).await;
    let env = [("BCSYNC_QUOTA_SHARE", "1.0")];
    let start = Instant::now();
    app.run_ok_with(&["resync", "--resource", "customers"], &env)
        .await;
    let wall = start.elapsed().as_secs_f64();
    let bound = (N as f64 / 250.0) / f64::from(QUOTA) * (WINDOW_MS as f64 / 1000.0);
    let requests = app.sim.request_count();
    eprintln!(
        "resync of {N}: {wall:.2}s, bound {bound:.2}s, ratio {:.3}, {requests} requests, {} 429s",
        wall / bound,
        app.sim.count_429()
    );
    assert_eq!(app.sim.count_429(), 0, "a paced resync draws no 429");
    // Never faster than the quota allows (that would be spending other apps' share).
    // How close to the bound it gets is a timing goal: bench/quota.sh measures it.
    assert!(
        wall >= bound * 0.9,
        "wall {wall:.2}s beats the quota bound {bound:.2}s ({requests} requests): not paced"
    );
    app.assert_mirror_exact().await;
}
