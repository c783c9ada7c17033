//! The address sweep: rows, deletions within the page's id range, and the position.

use crate::common;

use bcsync_mirror::testing::fresh_database;
use bcsync_mirror::{AddressSweepPage, Table};
use common::{STORE, address, deleted_at, raw, stats, write};

const SWEEP: &str = "customer_addresses:sweep";

#[tokio::test]
async fn a_sweep_page_judges_its_id_range_and_stores_the_position() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    write(mirror, &[], &[5, 10, 15, 20, 30].map(|id| raw(address(id, 1)))).await;
    assert_eq!(mirror.sweep_position(STORE, SWEEP).await.unwrap(), None);

    // First page of the listing: vouches for everything up to its last id (20).
    let listed = [raw(address(10, 1)), raw(address(20, 1)), raw(address(25, 2))];
    let mut page = AddressSweepPage {
        store_hash: STORE,
        addresses: &listed,
        id_range: (i64::MIN, 25),
        resource: SWEEP,
        next_position: 2,
    };
    let written = mirror.write_address_sweep_page(&page).await.unwrap();
    assert_eq!(written, stats(1, 0, 2));
    for (id, gone) in common::GONE_UP_TO_25 {
        assert_eq!(
            deleted_at(mirror, "addresses", id).await.is_some(),
            gone,
            "address {id}"
        );
    }
    assert_eq!(mirror.sweep_position(STORE, SWEEP).await.unwrap(), Some(2));
    assert_eq!(mirror.watermark(STORE, SWEEP).await.unwrap(), None);

    // Past the end of a shrunken listing: nothing judged, the position still moves.
    page.addresses = &[];
    page.id_range = (1, 0);
    page.next_position = 1;
    assert_eq!(
        mirror.write_address_sweep_page(&page).await.unwrap(),
        stats(0, 0, 0)
    );
    assert_eq!(
        mirror.count_live(STORE, Table::CustomerAddresses).await.unwrap(),
        4
    );
    assert_eq!(mirror.sweep_position(STORE, SWEEP).await.unwrap(), Some(1));

    // An empty store: every address of the mirror is gone.
    page.id_range = (i64::MIN, i64::MAX);
    assert_eq!(mirror.write_address_sweep_page(&page).await.unwrap().deleted, 4);
    assert_eq!(
        mirror.count_live(STORE, Table::CustomerAddresses).await.unwrap(),
        0
    );
    assert_eq!(mirror.sweep_position("other", SWEEP).await.unwrap(), None);
}
