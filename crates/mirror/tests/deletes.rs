//! Soft deletes: complete address sets and resyncs.

use crate::common;

use bcsync_mirror::testing::fresh_database;
use bcsync_mirror::{CustomerPage, Table, Tallies};
use common::{STORE, address, customer, deleted_at, page_stats, raw, synced_at, write, write_complete};

#[tokio::test]
async fn a_complete_set_soft_deletes_the_missing_address_and_it_comes_back() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let all = [
        raw(address(10, 1)),
        raw(address(11, 1)),
        raw(address(20, 2)),
        raw(address(21, 2)),
    ];
    write(mirror, &[raw(customer(1, 0)), raw(customer(2, 0))], &all).await;
    let before = synced_at(mirror, "addresses", 11).await;

    // Customer 1's set is complete without 11; customer 2's set is partial (not listed).
    let stats = write_complete(mirror, &[], &[raw(address(10, 1)), raw(address(20, 2))], &[1]).await;
    assert_eq!(stats, page_stats((0, 0), (0, 0, 1)));
    assert!(deleted_at(mirror, "addresses", 11).await.is_some());
    assert!(
        synced_at(mirror, "addresses", 11).await > before,
        "a deletion is a change"
    );
    assert!(deleted_at(mirror, "addresses", 10).await.is_none());
    assert!(deleted_at(mirror, "addresses", 21).await.is_none());
    assert_eq!(
        mirror.count_live(STORE, Table::CustomerAddresses).await.unwrap(),
        3
    );

    // Deleting again finds nothing more.
    let stats = write_complete(mirror, &[], &[raw(address(10, 1))], &[1]).await;
    assert_eq!(stats, Tallies::default());

    // It reappears with the same content: undeleted, counted as an update.
    let stats = write_complete(mirror, &[], &[raw(address(10, 1)), raw(address(11, 1))], &[1]).await;
    assert_eq!(stats, page_stats((0, 0), (0, 1, 0)));
    assert!(deleted_at(mirror, "addresses", 11).await.is_none());
    assert_eq!(
        mirror.count_live(STORE, Table::CustomerAddresses).await.unwrap(),
        4
    );

    // An empty complete set deletes them all.
    let stats = write_complete(mirror, &[], &[], &[2]).await;
    assert_eq!(stats.addresses.deleted, 2);
}

#[tokio::test]
async fn an_address_moved_to_another_customer_is_not_deleted_by_its_old_owner() {
    let db = fresh_database().await;
    write(&db.mirror, &[], &[raw(address(10, 1)), raw(address(11, 1))]).await;
    // Address 11 now belongs to customer 2; both sets are complete on this page.
    let stats = write_complete(
        &db.mirror,
        &[],
        &[raw(address(10, 1)), raw(address(11, 2))],
        &[1, 2],
    )
    .await;
    assert_eq!(stats, page_stats((0, 0), (0, 1, 0)));
    assert!(deleted_at(&db.mirror, "addresses", 11).await.is_none());
}

#[tokio::test]
async fn a_resync_marks_missing_customers_and_their_addresses() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let customers: Vec<_> = (1..=5).map(|id| raw(customer(id, id))).collect();
    let addresses: Vec<_> = (1..=5).map(|id| raw(address(id * 10, id))).collect();
    write(mirror, &customers, &addresses).await;
    let other = [raw(customer(2, 0))];
    let page = CustomerPage {
        store_hash: "other",
        customers: &other,
        addresses: &[],
        complete_address_sets_for: &[],
        checkpoint: None,
    };
    mirror.write_customer_page(&page).await.unwrap();

    assert_eq!(
        mirror
            .mark_customers_deleted_except(STORE, &[1, 3, 5])
            .await
            .unwrap(),
        2
    );
    for id in [2, 4] {
        assert!(
            deleted_at(mirror, "customers", id).await.is_some(),
            "customer {id}"
        );
        assert!(
            deleted_at(mirror, "addresses", id * 10).await.is_some(),
            "address of {id}"
        );
    }
    for id in [1, 3, 5] {
        assert!(
            deleted_at(mirror, "customers", id).await.is_none(),
            "customer {id}"
        );
        assert!(
            deleted_at(mirror, "addresses", id * 10).await.is_none(),
            "address of {id}"
        );
    }
    assert_eq!(mirror.count_live(STORE, Table::Customers).await.unwrap(), 3);
    assert_eq!(
        mirror.count_live(STORE, Table::CustomerAddresses).await.unwrap(),
        3
    );
    assert_eq!(
        mirror.count_live("other", Table::Customers).await.unwrap(),
        1,
        "other stores untouched"
    );

    // Already deleted rows are not marked twice.
    assert_eq!(
        mirror
            .mark_customers_deleted_except(STORE, &[1, 3, 5])
            .await
            .unwrap(),
        0
    );

    // Customer 2 reappears unchanged: undeleted (an update, not an insert).
    let stats = write(mirror, &[raw(customer(2, 2))], &[raw(address(20, 2))]).await;
    assert_eq!(stats, page_stats((0, 1), (0, 1, 0)));
    assert!(deleted_at(mirror, "customers", 2).await.is_none());
    assert!(deleted_at(mirror, "addresses", 20).await.is_none());

    // An empty listing means every customer is gone.
    assert_eq!(mirror.mark_customers_deleted_except(STORE, &[]).await.unwrap(), 4);
}

#[tokio::test]
async fn a_resync_takes_a_large_id_set_in_one_bind() {
    let db = fresh_database().await;
    let customers: Vec<_> = (1..=1000).map(|id| raw(customer(id, 0))).collect();
    write(&db.mirror, &customers, &[]).await;
    // A million ids seen (most unknown to the mirror), all but customer 500 among them.
    let seen: Vec<i64> = (1..=1_000_000).filter(|id| *id != 500).collect();
    assert_eq!(
        db.mirror
            .mark_customers_deleted_except(STORE, &seen)
            .await
            .unwrap(),
        1
    );
    assert!(deleted_at(&db.mirror, "customers", 500).await.is_some());
}
