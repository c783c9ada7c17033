//! `/customers/settings` and `/customers/settings/channels/{id}`.

use bcsync_simulator::SimConfig;
use bigcommerce_models::resources::{CustomerGroupSettings, CustomerSettings, PrivacySettings};
use reqwest::Method;
use serde_json::json;

use crate::Harness;

#[tokio::test]
async fn global_and_channel_settings_read_and_merge() {
    let h = Harness::start(SimConfig::default().with_customers(300)).await;
    let global = h.get_json("/customers/settings").await;
    assert!(global.get("allow_global_logins").is_none() && global.get("data").is_none());
    assert_eq!(
        serde_json::from_value::<CustomerSettings>(global).unwrap(),
        h.sim.settings()
    );

    let body = json!({"privacy_settings": {"policy_url": "https://x.test/p"}});
    let merged: CustomerSettings =
        serde_json::from_value(h.put_ok("/customers/settings", body).await).unwrap();
    let privacy = merged.privacy_settings.clone().unwrap();
    assert_eq!(privacy.policy_url.as_deref(), Some("https://x.test/p"));
    assert_eq!(
        privacy.ask_shopper_for_tracking_consent,
        Some(true),
        "untouched fields stay"
    );
    assert_eq!(h.sim.settings(), merged);
    let bad = json!({"customer_group_settings": {"guest_customer_group_id": "x"}});
    assert_eq!(
        h.send_json(Method::PUT, "/customers/settings", bad)
            .await
            .status(),
        422
    );

    let channels: Vec<i64> = h.sim.channel_settings().iter().map(|(id, _)| *id).collect();
    assert_eq!(channels, [1, 2]);
    let one = h.get_json("/customers/settings/channels/1").await;
    assert_eq!(one["allow_global_logins"], true);
    assert!(one["privacy_settings"].is_null(), "no override: inherited");
    let two: CustomerSettings =
        serde_json::from_value(h.get_json("/customers/settings/channels/2").await).unwrap();
    assert_eq!(two, h.sim.channel_settings()[1].1);
    for path in ["/customers/settings/channels/3", "/customers/settings/channels/x"] {
        assert_eq!(h.get(path).await.status(), 404, "{path}");
    }
    h.send_expect(
        Method::PUT,
        "/customers/settings/channels/3",
        json!({"allow_global_logins": false}),
        404,
    )
    .await;

    let body = h
        .put_ok(
            "/customers/settings/channels/2",
            json!({"privacy_settings": null, "allow_global_logins": true}),
        )
        .await;
    assert!(body["privacy_settings"].is_null());
    assert_eq!(body["allow_global_logins"], true);
    assert_eq!(body["customer_group_settings"]["default_customer_group_id"], 2);
    h.send_expect(
        Method::PUT,
        "/customers/settings/channels/2",
        json!({"allow_global_logins": "yes"}),
        422,
    )
    .await;

    // A customer on a new channel makes the channel known.
    let c = json!([{"email": "c7@example.com", "first_name": "C", "last_name": "S", "channel_ids": [7], "origin_channel_id": 7}]);
    assert_eq!(h.send_json(Method::POST, "/customers", c).await.status(), 200);
    assert_eq!(h.get("/customers/settings/channels/7").await.status(), 200);

    let custom = CustomerSettings {
        privacy_settings: Some(PrivacySettings {
            ask_shopper_for_tracking_consent: Some(false),
            policy_url: None,
        }),
        customer_group_settings: Some(CustomerGroupSettings {
            guest_customer_group_id: Some(3),
            default_customer_group_id: Some(4),
        }),
        allow_global_logins: Some(false),
    };
    h.sim.set_channel_settings(9, custom.clone());
    let nine: CustomerSettings =
        serde_json::from_value(h.get_json("/customers/settings/channels/9").await).unwrap();
    assert_eq!(nine, custom);
    h.sim.set_settings(custom.clone());
    assert_eq!(h.sim.settings().allow_global_logins, None);
    assert_eq!(
        h.sim
            .channel_settings()
            .iter()
            .map(|(id, _)| *id)
            .collect::<Vec<_>>(),
        [1, 2, 7, 9]
    );
}
