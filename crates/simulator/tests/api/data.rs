//! Generated data: determinism, shape, and the per-request hook.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bcsync_simulator::{SimConfig, SimState};

use crate::{Harness, ids};

/// Customers, addresses and every sub-resource are a function of the store size and
/// the seed.
#[test]
fn same_seed_same_data_other_seed_other_data() {
    let a = SimState::generate(900, 5, false);
    let b = SimState::generate(900, 5, false);
    assert_eq!(a.customers(), b.customers());
    assert_eq!(a.addresses(), b.addresses());
    assert_eq!(a.attribute_definitions(), b.attribute_definitions());
    assert_eq!(a.attribute_values(), b.attribute_values());
    assert_eq!(a.form_field_values(), b.form_field_values());
    assert_eq!(a.consents(), b.consents());
    assert_eq!(a.stored_instruments(), b.stored_instruments());
    assert_eq!(a.metafields(), b.metafields());
    assert_eq!(a.settings(), b.settings());
    assert_eq!(a.channel_settings(), b.channel_settings());
    let c = SimState::generate(900, 6, false);
    assert_ne!(a.customers(), c.customers());
    assert_ne!(a.consents(), c.consents());
    assert_ne!(a.stored_instruments(), c.stored_instruments());
    assert_ne!(a.metafields(), c.metafields());
    // Customers keep their instruments whatever the store size.
    let small = SimState::generate(300, 5, false);
    let head: Vec<_> = a
        .stored_instruments()
        .into_iter()
        .filter(|(c, _)| *c <= 300)
        .collect();
    assert_eq!(small.stored_instruments(), head);
}

#[test]
fn generated_rows_look_like_a_real_store() {
    let n = 3000;
    let s = SimState::generate(n, 11, false);
    let customers = s.customers();
    assert_eq!(customers.len(), n);
    assert_eq!(
        customers.iter().map(|c| c.id).collect::<Vec<_>>(),
        (1..=n as i64).collect::<Vec<_>>()
    );
    let emails: HashSet<String> = customers
        .iter()
        .map(|c| c.email.clone().unwrap().to_lowercase())
        .collect();
    assert_eq!(emails.len(), n, "emails are unique");
    let epoch = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
        .unwrap()
        .to_utc();
    assert!(
        customers
            .iter()
            .all(|c| c.date_created <= c.date_modified && c.date_modified < epoch)
    );
    let over_cap = customers.iter().filter(|c| c.address_count.unwrap() > 10).count();
    assert!(
        (10..=60).contains(&over_cap),
        "about 1% have more than 10 addresses: {over_cap}"
    );
    let small = customers.iter().filter(|c| c.address_count.unwrap() <= 3).count();
    assert!(small > n * 95 / 100);
    assert!(
        customers
            .iter()
            .any(|c| c.form_fields.as_ref().is_some_and(|f| !f.is_empty()))
    );
    assert!(
        customers
            .iter()
            .any(|c| c.company.as_deref().is_some_and(|s| !s.is_empty()))
    );
    let burst = bcsync_simulator::burst_date_modified();
    assert_eq!(customers.iter().filter(|c| c.date_modified == burst).count(), 300);
    let addresses = s.addresses();
    assert_eq!(
        addresses.len(),
        customers
            .iter()
            .map(|c| c.address_count.unwrap() as usize)
            .sum::<usize>()
    );
    assert!(addresses.windows(2).all(|w| w[0].id < w[1].id));
}

#[tokio::test]
async fn a_hook_can_change_the_store_in_the_middle_of_a_scan() {
    let h = Harness::start(SimConfig::default().with_customers(600)).await;
    let seen = Arc::new(AtomicU64::new(0));
    let seen_in_hook = seen.clone();
    h.sim.on_request(move |n, state: &mut SimState| {
        assert_eq!(
            n,
            seen_in_hook.fetch_add(1, Ordering::SeqCst) + 1,
            "numbers are 1-based and sequential"
        );
        if n == 2 {
            // The oldest-modified customer jumps to the end of the listing.
            let first = state
                .customers()
                .into_iter()
                .min_by_key(|c| (c.date_modified, c.id))
                .unwrap();
            state.touch_customers(&[first.id]);
        }
    });
    let mut all = Vec::new();
    for page in 1..=3 {
        all.extend(ids(&h
            .get_json(&format!(
                "/customers?sort=date_modified:asc&limit=250&page={page}"
            ))
            .await));
    }
    assert_eq!(seen.load(Ordering::SeqCst), 3);
    assert_eq!(h.sim.request_count(), 3);
    let unique: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), 600);
    assert!(
        unique.len() < 600,
        "offset paging over a moving set repeats a row"
    );
    h.sim.clear_on_request();
}
