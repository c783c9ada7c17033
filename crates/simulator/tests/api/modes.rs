//! Production conditions: the `Date` header, listings that lag, a crowded second
//! edited on every read, customers stamped ahead of the clock.

use bcsync_simulator::SimConfig;
use bigcommerce_models::time::to_filter;
use chrono::{DateTime, TimeDelta, Utc};

use crate::{Harness, ids, now_s};

#[tokio::test]
async fn every_answer_carries_the_simulator_clock_in_a_date_header() {
    let h = Harness::start(SimConfig::default().with_customers(10)).await;
    for path in ["/customers?limit=1", "/customers/addresses?limit=1", "/nope"] {
        let r = h.get(path).await;
        let date = r.headers().get("date").expect("a Date header").to_str().unwrap();
        let t = DateTime::parse_from_rfc2822(date).unwrap().with_timezone(&Utc);
        assert!((t - now_s()).num_seconds().abs() <= 2, "{path}: {date}");
    }
}

#[tokio::test]
async fn a_lagging_listing_leaves_out_a_row_its_total_still_counts() {
    let h = Harness::start(SimConfig::default().with_customers(50).with_listing_lag(1.0)).await;
    let page = h.get_json("/customers?limit=250").await;
    assert_eq!(page["meta"]["pagination"]["total"], 50);
    assert_eq!(ids(&page).len(), 49);
    let lookup = h.get_json("/customers?id:in=1,2,3&limit=250").await;
    assert_eq!(lookup["meta"]["pagination"]["total"], 3);
    assert_eq!(ids(&lookup).len(), 2);
    assert_eq!(h.sim.with_state(|s| s.lagged_rows()), 2);
    h.sim.with_state(|s| s.set_listing_lag(0.0));
    assert_eq!(ids(&h.get_json("/customers?limit=250").await).len(), 50);
}

#[tokio::test]
async fn a_churned_second_loses_rows_on_every_read_of_it_and_stamps_go_anywhere() {
    let h = Harness::start(SimConfig::default().with_customers(100)).await;
    let second = now_s() - TimeDelta::seconds(30);
    let ids_40: Vec<i64> = (1..=40).collect();
    assert_eq!(h.sim.with_state(|s| s.stamp_customers(&ids_40, second)), 40);
    h.sim.with_state(|s| s.set_second_churn(Some(second), 3));
    let at = to_filter(second);
    let path = format!("/customers?date_modified:min={at}&date_modified:max={at}&limit=250");
    let first = h.get_json(&path).await;
    assert_eq!(first["meta"]["pagination"]["total"], 37);
    let second_read = h.get_json(&path).await;
    assert_eq!(second_read["meta"]["pagination"]["total"], 34);
    // Listings without a date_modified window are not churned.
    h.get_json("/customers?limit=1").await;
    assert_eq!(h.get_json(&path).await["meta"]["pagination"]["total"], 31);

    let ahead = now_s() + TimeDelta::hours(1);
    assert_eq!(h.sim.with_state(|s| s.stamp_customers(&[99], ahead)), 1);
    assert_eq!(h.sim.customer(99).unwrap().date_modified, ahead);
}
