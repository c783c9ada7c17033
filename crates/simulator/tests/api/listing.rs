//! Listings: paging, filters, sorts and the include caps.

use std::collections::BTreeSet;

use bcsync_simulator::SimConfig;
use bigcommerce_models::time::{to_api, to_filter};
use serde_json::Value;

use crate::{Harness, ids};

fn cfg(n: usize) -> SimConfig {
    SimConfig::default().with_customers(n).with_seed(7)
}

#[tokio::test]
async fn paging_totals_links_and_a_page_past_the_end() {
    let h = Harness::start(cfg(620)).await;
    let first = h.get_json("/customers?limit=250").await;
    let p = &first["meta"]["pagination"];
    assert_eq!(
        (p["total"].as_i64(), p["count"].as_i64(), p["per_page"].as_i64()),
        (Some(620), Some(250), Some(250))
    );
    assert_eq!(
        (p["current_page"].as_i64(), p["total_pages"].as_i64()),
        (Some(1), Some(3))
    );
    assert_eq!(p["links"]["current"], "?page=1&limit=250");
    assert_eq!(p["links"]["next"], "?page=2&limit=250");
    assert!(p["links"].get("previous").is_none());
    assert_eq!(ids(&first), (1..=250).collect::<Vec<_>>());

    let last = h.get_json("/customers?limit=250&page=3").await;
    let p = &last["meta"]["pagination"];
    assert_eq!(p["count"], 120);
    assert_eq!(p["links"]["previous"], "?page=2&limit=250");
    assert!(p["links"].get("next").is_none());

    let past = h.get_json("/customers?limit=250&page=9").await;
    assert_eq!(past["data"], Value::Array(vec![]));
    assert_eq!(past["meta"]["pagination"]["total"], 620);
    assert_eq!(past["meta"]["pagination"]["total_pages"], 3);

    let default = h.get_json("/customers").await;
    assert_eq!(default["meta"]["pagination"]["per_page"], 50);
    let filtered = h
        .get_json("/customers?date_modified:min=2023-01-01&limit=100")
        .await;
    assert_eq!(
        filtered["meta"]["pagination"]["links"]["next"],
        "?date_modified%3Amin=2023-01-01&page=2&limit=100"
    );
}

#[tokio::test]
async fn date_modified_min_is_inclusive_and_sort_asc_orders_by_time_then_id() {
    let h = Harness::start(cfg(700)).await;
    let truth = h.sim.customers();
    let mut times: Vec<_> = truth.iter().map(|c| c.date_modified).collect();
    times.sort();
    let pivot = times[times.len() / 3];
    let expected: Vec<(chrono::DateTime<chrono::Utc>, i64)> = {
        let mut v: Vec<_> = truth
            .iter()
            .filter(|c| c.date_modified >= pivot)
            .map(|c| (c.date_modified, c.id))
            .collect();
        v.sort();
        v
    };
    let mut got = Vec::new();
    for page in 1.. {
        let path = format!(
            "/customers?sort=date_modified:asc&date_modified:min={}&limit=250&page={page}",
            to_filter(pivot)
        );
        let body = h.get_json(&path).await;
        assert_eq!(
            body["meta"]["pagination"]["total"].as_u64(),
            Some(expected.len() as u64)
        );
        for c in body["data"].as_array().unwrap() {
            let t = chrono::DateTime::parse_from_rfc3339(c["date_modified"].as_str().unwrap())
                .unwrap()
                .to_utc();
            got.push((t, c["id"].as_i64().unwrap()));
        }
        if body["meta"]["pagination"]["links"].get("next").is_none() {
            break;
        }
    }
    assert_eq!(got, expected);
    assert!(
        got.iter().any(|(t, _)| *t == pivot),
        "the pivot second itself is included"
    );

    // Descending keeps ties in ascending id order.
    let burst = bcsync_simulator::burst_date_modified();
    let desc = h
        .get_json(&format!(
            "/customers?sort=date_modified:desc&date_modified:max={}&limit=250",
            to_api(burst)
        ))
        .await;
    let desc_ids = ids(&desc);
    let tied: Vec<i64> = desc_ids
        .iter()
        .copied()
        .take_while(|id| truth[(*id - 1) as usize].date_modified == burst)
        .collect();
    assert!(tied.len() > 200 && tied.windows(2).all(|w| w[0] < w[1]));
}

#[tokio::test]
async fn more_than_a_page_shares_one_date_modified_second() {
    let h = Harness::start(cfg(650)).await;
    let burst = to_filter(bcsync_simulator::burst_date_modified());
    let body = h
        .get_json(&format!("/customers?date_modified={burst}&limit=250"))
        .await;
    let total = body["meta"]["pagination"]["total"].as_u64().unwrap();
    assert!(total > 250, "{total}");
    assert_eq!(total, bcsync_simulator::burst_size(650) as u64);
    let bounded = h
        .get_json(&format!(
            "/customers?date_modified:min={burst}&date_modified:max={burst}&limit=1"
        ))
        .await;
    assert_eq!(bounded["meta"]["pagination"]["total"].as_u64(), Some(total));
}

#[tokio::test]
async fn include_caps_addresses_and_attributes_at_ten_with_counts() {
    let h = Harness::start(cfg(1500)).await;
    let truth = h.sim.customers();
    let big = truth
        .iter()
        .find(|c| c.address_count.unwrap() > 10)
        .expect("a customer with > 10 addresses");
    let body = h
        .get_json(&format!(
            "/customers?id:in={}&include=addresses,formfields",
            big.id
        ))
        .await;
    let c = &body["data"][0];
    assert_eq!(
        c["address_count"].as_i64(),
        Some(i64::from(big.address_count.unwrap()))
    );
    let got: Vec<i64> = c["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    let all: Vec<i64> = big.addresses.as_ref().unwrap().iter().map(|a| a.id).collect();
    assert_eq!(got, all[..10].to_vec());
    assert!(c["addresses"][0]["form_fields"].is_array());
    assert!(c.get("attributes").is_none() && c.get("attribute_count").is_none());

    let rich = truth
        .iter()
        .find(|c| c.attribute_count.unwrap() > 10)
        .expect("a customer with > 10 attributes");
    let body = h
        .get_json(&format!("/customers?id:in={}&include=attributes", rich.id))
        .await;
    assert_eq!(body["data"][0]["attributes"].as_array().unwrap().len(), 10);
    assert_eq!(
        body["data"][0]["attribute_count"].as_i64(),
        Some(i64::from(rich.attribute_count.unwrap()))
    );

    // The addresses endpoint has them all.
    let page = h
        .get_json(&format!(
            "/customers/addresses?customer_id:in={}&limit=250&include=formfields",
            big.id
        ))
        .await;
    assert_eq!(ids(&page), all);
    let plain = h.get_json("/customers?limit=5").await;
    assert!(plain["data"][0].get("addresses").is_none() && plain["data"][0].get("address_count").is_none());
}

#[tokio::test]
async fn filters_match_the_truth() {
    let h = Harness::start(cfg(400)).await;
    let truth = h.sim.customers();
    let c = &truth[41];
    let email = c.email.clone().unwrap().to_uppercase();
    assert_eq!(
        ids(&h.get_json(&format!("/customers?email:in={email}")).await),
        vec![c.id]
    );
    let name = format!(
        "{} {}",
        c.first_name.as_ref().unwrap(),
        c.last_name.as_ref().unwrap()
    );
    let expected: BTreeSet<i64> = truth
        .iter()
        .filter(|o| o.first_name == c.first_name && o.last_name == c.last_name)
        .map(|o| o.id)
        .collect();
    let url = format!("/customers?name:in={}&limit=250", name.replace(' ', "%20"));
    assert_eq!(
        ids(&h.get_json(&url).await).into_iter().collect::<BTreeSet<_>>(),
        expected
    );
    let group: Vec<i64> = truth
        .iter()
        .filter(|o| o.customer_group_id == Some(2))
        .map(|o| o.id)
        .collect();
    assert_eq!(
        ids(&h.get_json("/customers?customer_group_id:in=2&limit=250").await),
        group
    );
    let by_id = h
        .get_json("/customers?id:in=5,3,99999&sort=date_created:desc")
        .await;
    assert_eq!(ids(&by_id), vec![5, 3]);
    let names = h.get_json("/customers?sort=last_name:asc&limit=250").await;
    let lasts: Vec<String> = names["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["last_name"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(lasts.windows(2).all(|w| w[0] <= w[1]));
    let created = truth[100].date_created;
    let body = h
        .get_json(&format!("/customers?date_created={}", to_filter(created)))
        .await;
    assert!(ids(&body).contains(&101));
}
