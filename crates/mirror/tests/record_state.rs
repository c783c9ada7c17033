//! Checkpoints of record pages, the reads the sweeps need, and a full page's transaction.

use crate::common;

use bcsync_mirror::testing::fresh_database;
use bcsync_mirror::{RecordPage, Resource, Scope, Tally};
use common::records::{attribute_value, metafield, put};
use common::stats;
use common::{STORE, customer, raw, ts, write};

#[tokio::test]
async fn the_checkpoint_is_set_exactly_as_given_with_the_page() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let mut page = RecordPage {
        store_hash: STORE,
        resource: Resource::Metafields,
        records: &[],
        scope: Scope::Nothing,
        checkpoint: Some(("metafields:sweep", Some(ts(5)), Some(3))),
    };
    assert_eq!(
        mirror.sync_state(STORE, "metafields:sweep").await.unwrap(),
        (None, None)
    );
    mirror.write_records(&page).await.unwrap();
    assert_eq!(
        mirror.sync_state(STORE, "metafields:sweep").await.unwrap(),
        (Some(ts(5)), Some(3))
    );
    // The older readers see the same row.
    assert_eq!(
        mirror.watermark(STORE, "metafields:sweep").await.unwrap(),
        Some(ts(5))
    );
    assert_eq!(
        mirror.sweep_position(STORE, "metafields:sweep").await.unwrap(),
        Some(3)
    );

    let records = [metafield(1, "v")];
    page.records = &records;
    page.checkpoint = Some(("metafields:sweep", None, Some(4)));
    assert_eq!(mirror.write_records(&page).await.unwrap(), stats(1, 0, 0));
    assert_eq!(
        mirror.sync_state(STORE, "metafields:sweep").await.unwrap(),
        (None, Some(4))
    );
    page.checkpoint = None;
    mirror.write_records(&page).await.unwrap();
    assert_eq!(
        mirror.sync_state(STORE, "metafields:sweep").await.unwrap(),
        (None, Some(4))
    );
    assert_eq!(
        mirror.sync_state("other", "metafields:sweep").await.unwrap(),
        (None, None)
    );
}

#[tokio::test]
async fn customer_ids_are_walked_in_order_past_the_deleted() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let customers: Vec<_> = [3, 1, 9, 4, 7, 8, 2].map(|id| raw(customer(id, 0))).to_vec();
    write(mirror, &customers, &[]).await;
    mirror
        .mark_customers_deleted_except(STORE, &[1, 2, 3, 4, 7, 9])
        .await
        .unwrap();
    let other = [raw(customer(5, 0))];
    let page = bcsync_mirror::CustomerPage {
        store_hash: "other",
        customers: &other,
        addresses: &[],
        complete_address_sets_for: &[],
        checkpoint: None,
    };
    mirror.write_customer_page(&page).await.unwrap();

    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let ids = mirror.customer_ids_after(STORE, after, 3).await.unwrap();
        assert!(ids.len() <= 3);
        let Some(&last) = ids.last() else { break };
        seen.extend(ids);
        after = last;
    }
    assert_eq!(seen, [1, 2, 3, 4, 7, 9]);
    assert_eq!(
        mirror.customer_ids_after(STORE, 0, 0).await.unwrap(),
        Vec::<i64>::new()
    );
}

#[tokio::test]
async fn channel_ids_are_those_live_customers_mention() {
    let db = fresh_database().await;
    let mut a = customer(1, 0);
    (a.channel_ids, a.origin_channel_id) = (Some(vec![7, 1]), Some(3));
    let mut b = customer(2, 0);
    b.origin_channel_id = Some(1);
    let mut gone = customer(3, 0);
    gone.channel_ids = Some(vec![99]);
    write(&db.mirror, &[raw(a), raw(b), raw(gone), raw(customer(4, 0))], &[]).await;
    db.mirror
        .mark_customers_deleted_except(STORE, &[1, 2, 4])
        .await
        .unwrap();
    assert_eq!(db.mirror.channel_ids(STORE).await.unwrap(), [1, 3, 7]);
    assert_eq!(db.mirror.channel_ids("other").await.unwrap(), Vec::<i64>::new());
}

/// All rows of a 250-record page, its deletions and its checkpoint carry one
/// transaction id (`xmin`); the command ids (`cmin`) show three writing statements.
#[tokio::test]
async fn a_full_page_is_one_transaction_of_a_few_statements() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let old: Vec<_> = (1001..=1010).map(|id| attribute_value(id, 1, "old")).collect();
    put(mirror, Resource::AttributeValues, &old, Scope::Nothing).await;
    let records: Vec<_> = (1..=250).map(|id| attribute_value(id, id, "v")).collect();
    let page = RecordPage {
        store_hash: STORE,
        resource: Resource::AttributeValues,
        records: &records,
        scope: Scope::Everything,
        checkpoint: Some(("attribute_values", Some(ts(1)), None)),
    };
    assert_eq!(mirror.write_records(&page).await.unwrap(), stats(250, 0, 10));

    let (transactions, inserted_by, commands): (i64, i64, i32) = sqlx::query_as(
        "SELECT count(DISTINCT xmin::text), count(DISTINCT cmin::text) FILTER (WHERE id BETWEEN 1 AND 250), \
         max(cmin::text::int) FROM (\
           SELECT id, xmin, cmin FROM bigcommerce.customer_attribute_values \
           UNION ALL SELECT 0, xmin, cmin FROM bigcommerce.sync_state) AS t",
    )
    .fetch_one(mirror.pool())
    .await
    .unwrap();
    assert_eq!(
        (transactions, inserted_by),
        (1, 1),
        "one transaction; one statement for the rows"
    );
    assert!(commands <= 2, "upsert, delete, checkpoint: {commands}");
    assert_eq!(mirror.write_records(&page).await.unwrap(), Tally::default());
}
