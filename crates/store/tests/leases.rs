//! Store leases between daemon replicas.

mod common;

use std::time::Duration;

use bcsync_store::testing::fresh_database;
use common::STORE;

const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn of_two_contending_holders_exactly_one_wins() {
    let db = fresh_database().await;
    let store = &db.store;
    for n in 0..20 {
        let hash = format!("store-{n}");
        let (a, b) = tokio::join!(
            store.claim_lease(&hash, "replica-a", MINUTE),
            store.claim_lease(&hash, "replica-b", MINUTE),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(a ^ b, "{hash}: a {a}, b {b}");
        let (holder, _) = store.lease(&hash).await.unwrap().unwrap();
        assert_eq!(holder, if a { "replica-a" } else { "replica-b" });
    }
}

#[tokio::test]
async fn the_holder_renews_and_others_stay_out() {
    let db = fresh_database().await;
    let store = &db.store;
    assert_eq!(store.lease(STORE).await.unwrap(), None);
    assert!(store.claim_lease(STORE, "a", MINUTE).await.unwrap());
    let (_, first) = store.lease(STORE).await.unwrap().unwrap();
    assert!(!store.claim_lease(STORE, "b", MINUTE).await.unwrap());

    assert!(store.claim_lease(STORE, "a", 2 * MINUTE).await.unwrap());
    let (holder, renewed) = store.lease(STORE).await.unwrap().unwrap();
    assert_eq!(holder, "a");
    assert!(renewed > first, "{renewed} > {first}");
    assert!(!store.claim_lease(STORE, "b", MINUTE).await.unwrap());
}

#[tokio::test]
async fn an_expired_lease_goes_to_the_next_claimant() {
    let db = fresh_database().await;
    let store = &db.store;
    assert!(
        store
            .claim_lease(STORE, "a", Duration::from_secs(1))
            .await
            .unwrap()
    );
    assert!(!store.claim_lease(STORE, "b", MINUTE).await.unwrap());
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(store.claim_lease(STORE, "b", MINUTE).await.unwrap());
    assert!(!store.claim_lease(STORE, "a", MINUTE).await.unwrap());
    assert_eq!(store.lease(STORE).await.unwrap().unwrap().0, "b");
}

#[tokio::test]
async fn a_released_lease_is_free_at_once() {
    let db = fresh_database().await;
    let store = &db.store;
    assert!(store.claim_lease(STORE, "a", MINUTE).await.unwrap());
    // Only the holder releases.
    store.release_lease(STORE, "b").await.unwrap();
    assert!(!store.claim_lease(STORE, "b", MINUTE).await.unwrap());

    store.release_lease(STORE, "a").await.unwrap();
    assert_eq!(store.lease(STORE).await.unwrap(), None);
    assert!(store.claim_lease(STORE, "b", MINUTE).await.unwrap());
    // Releasing what one does not hold is harmless.
    store.release_lease("nobody's", "a").await.unwrap();
}
