//! Store leases between daemon replicas.

use crate::common;

use std::time::Duration;

use bcsync_mirror::testing::fresh_database;
use bcsync_mirror::{Counted, CustomerPage, Fence, HeldLease, MirrorError};
use common::{STORE, customer, raw, ts};

const MINUTE: Duration = Duration::from_secs(60);

/// Replica "a" holds the store's lease for one second.
async fn claim_for_a_second(mirror: &bcsync_mirror::Mirror) {
    assert!(
        mirror
            .claim_lease(STORE, "a", Duration::from_secs(1))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn of_two_contending_holders_exactly_one_wins() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    for n in 0..20 {
        let hash = format!("store-{n}");
        let (a, b) = tokio::join!(
            mirror.claim_lease(&hash, "replica-a", MINUTE),
            mirror.claim_lease(&hash, "replica-b", MINUTE),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(a ^ b, "{hash}: a {a}, b {b}");
        let (holder, _) = mirror.lease(&hash).await.unwrap().unwrap();
        assert_eq!(holder, if a { "replica-a" } else { "replica-b" });
    }
}

#[tokio::test]
async fn the_holder_renews_and_others_stay_out() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    assert_eq!(mirror.lease(STORE).await.unwrap(), None);
    assert!(mirror.claim_lease(STORE, "a", MINUTE).await.unwrap());
    let (_, first) = mirror.lease(STORE).await.unwrap().unwrap();
    assert!(!mirror.claim_lease(STORE, "b", MINUTE).await.unwrap());

    assert!(mirror.claim_lease(STORE, "a", 2 * MINUTE).await.unwrap());
    let (holder, renewed) = mirror.lease(STORE).await.unwrap().unwrap();
    assert_eq!(holder, "a");
    assert!(renewed > first, "{renewed} > {first}");
    assert!(!mirror.claim_lease(STORE, "b", MINUTE).await.unwrap());
}

#[tokio::test]
async fn an_expired_lease_goes_to_the_next_claimant() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    claim_for_a_second(mirror).await;
    assert!(!mirror.claim_lease(STORE, "b", MINUTE).await.unwrap());
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(mirror.claim_lease(STORE, "b", MINUTE).await.unwrap());
    assert!(!mirror.claim_lease(STORE, "a", MINUTE).await.unwrap());
    assert_eq!(mirror.lease(STORE).await.unwrap().unwrap().0, "b");
}

#[tokio::test]
async fn a_released_lease_is_free_at_once() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    assert!(mirror.claim_lease(STORE, "a", MINUTE).await.unwrap());
    // Only the holder releases.
    mirror.release_lease(STORE, "b").await.unwrap();
    assert!(!mirror.claim_lease(STORE, "b", MINUTE).await.unwrap());

    mirror.release_lease(STORE, "a").await.unwrap();
    assert_eq!(mirror.lease(STORE).await.unwrap(), None);
    assert!(mirror.claim_lease(STORE, "b", MINUTE).await.unwrap());
    // Releasing what one does not hold is harmless.
    mirror.release_lease("nobody's", "a").await.unwrap();
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i}")).collect()
}

#[tokio::test]
async fn the_epoch_changes_with_every_holder_and_stays_across_renewals() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let short = Duration::from_secs(1);
    assert!(mirror.claim_lease(STORE, "a", short).await.unwrap());
    let first = mirror.lease_epoch(STORE).await.unwrap().unwrap();
    assert!(mirror.claim_lease(STORE, "a", short).await.unwrap());
    let renewed = mirror
        .renew_leases(&[STORE.to_owned()], "a", short)
        .await
        .unwrap();
    assert_eq!(
        renewed,
        [HeldLease {
            store_hash: STORE.into(),
            epoch: first.epoch
        }]
    );
    assert_eq!(mirror.lease_epoch(STORE).await.unwrap().unwrap(), first);

    tokio::time::sleep(Duration::from_millis(1200)).await;
    // Expired: not renewed, even by its holder; only a new claim (new epoch) takes it.
    assert!(
        mirror
            .renew_leases(&[STORE.to_owned()], "a", MINUTE)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(mirror.claim_lease(STORE, "b", MINUTE).await.unwrap());
    let second = mirror.lease_epoch(STORE).await.unwrap().unwrap();
    assert_eq!(second.holder, "b");
    assert!(second.epoch > first.epoch, "{second:?} after {first:?}");
    // A release deletes the row; the next claim still gets a larger epoch.
    mirror.release_lease(STORE, "b").await.unwrap();
    assert!(mirror.claim_lease(STORE, "a", MINUTE).await.unwrap());
    let third = mirror.lease_epoch(STORE).await.unwrap().unwrap();
    assert!(third.epoch > second.epoch, "{third:?} after {second:?}");
}

#[tokio::test]
async fn a_fenced_store_writes_while_its_epoch_holds_and_nothing_once_another_replica_took_it() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    claim_for_a_second(mirror).await;
    let epoch = mirror.lease_epoch(STORE).await.unwrap().unwrap().epoch;
    let fenced = mirror.fenced(Fence {
        store_hash: STORE.into(),
        holder: "a".into(),
        epoch,
    });
    let page = |ids: &'static [i64]| ids.iter().map(|&id| raw(customer(id, id))).collect::<Vec<_>>();
    let first = page(&[1, 2]);
    fenced
        .write_customer_page(&CustomerPage {
            store_hash: STORE,
            customers: &first,
            addresses: &[],
            complete_address_sets_for: &[],
            checkpoint: Some(("customers", ts(2))),
        })
        .await
        .unwrap();

    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(mirror.claim_lease(STORE, "b", MINUTE).await.unwrap());
    let late = page(&[3]);
    let err = fenced
        .write_customer_page(&CustomerPage {
            store_hash: STORE,
            customers: &late,
            addresses: &[],
            complete_address_sets_for: &[],
            checkpoint: Some(("customers", ts(3))),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, MirrorError::LeaseLost { epoch: e, .. } if e == epoch),
        "{err}"
    );
    assert!(err.to_string().contains("no longer holds its lease"), "{err}");
    let err = fenced
        .mark_deleted(STORE, Counted::Customers, &[1])
        .await
        .unwrap_err();
    assert!(matches!(err, MirrorError::LeaseLost { .. }), "{err}");
    let err = fenced.clear_watermark(STORE, "customers").await.unwrap_err();
    assert!(matches!(err, MirrorError::LeaseLost { .. }), "{err}");

    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM bigcommerce.customers WHERE deleted_at IS NULL ORDER BY id")
            .fetch_all(mirror.pool())
            .await
            .unwrap();
    assert_eq!(ids, [1, 2], "nothing of the late pages was written");
    assert_eq!(mirror.watermark(STORE, "customers").await.unwrap(), Some(ts(2)));

    // Even the same holder, had it claimed again, writes under the new epoch only.
    mirror.release_lease(STORE, "b").await.unwrap();
    assert!(mirror.claim_lease(STORE, "a", MINUTE).await.unwrap());
    let err = fenced.clear_watermark(STORE, "customers").await.unwrap_err();
    assert!(matches!(err, MirrorError::LeaseLost { .. }), "{err}");
}

#[tokio::test]
async fn replicas_claiming_free_stores_at_once_never_share_one_and_respect_their_limit() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let stores = names("s", 30);
    let (a, b, c) = tokio::join!(
        mirror.claim_free_leases(&stores, "a", MINUTE, 12),
        mirror.claim_free_leases(&stores, "b", MINUTE, 12),
        mirror.claim_free_leases(&stores, "c", MINUTE, 12),
    );
    let (a, b, c) = (a.unwrap(), b.unwrap(), c.unwrap());
    assert!(a.len() <= 12 && b.len() <= 12 && c.len() <= 12);
    let mut all: Vec<&str> = a
        .iter()
        .chain(&b)
        .chain(&c)
        .map(|h| h.store_hash.as_str())
        .collect();
    all.sort_unstable();
    let total = all.len();
    all.dedup();
    assert_eq!(all.len(), total, "a store claimed twice");
    // Whatever the race left free, a later claim takes; none is left behind.
    let rest = mirror.claim_free_leases(&stores, "a", MINUTE, 30).await.unwrap();
    assert_eq!(total + rest.len(), 30);
    assert!(
        mirror
            .claim_free_leases(&stores, "d", MINUTE, 30)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_heartbeat_lists_the_live_replicas_in_name_order() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    assert_eq!(mirror.replica_heartbeat("b", MINUTE).await.unwrap(), ["b"]);
    mirror
        .replica_heartbeat("c", Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(
        mirror.replica_heartbeat("a", MINUTE).await.unwrap(),
        ["a", "b", "c"]
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(mirror.replica_heartbeat("a", MINUTE).await.unwrap(), ["a", "b"]);
    mirror.replica_leave("b").await.unwrap();
    assert_eq!(mirror.replica_heartbeat("a", MINUTE).await.unwrap(), ["a"]);
}
