//! Every resource table of the mirror against the simulator's truth (beyond the
//! customers and addresses of `mirror`).

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sqlx::Row;

use super::App;

async fn rows(app: &App, sql: &str) -> Vec<Value> {
    let sql = format!("SELECT to_jsonb(t) AS j FROM ({sql}) t");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(app.pool())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.get::<Value, _>("j"))
        .collect()
}

/// Every live row of every resource table equals the simulator's truth.
pub async fn assert_resources_exact(app: &App) {
    let sim = &app.sim;
    let live = "store_hash = 'abc123' AND deleted_at IS NULL";

    let want: Vec<Value> = sim
        .attribute_definitions()
        .iter()
        .map(|a| json!({"id": a.id, "name": a.name, "type": a.attribute_type}))
        .collect();
    let got = rows(
        app,
        &format!("SELECT id, name, type FROM bigcommerce.customer_attributes WHERE {live} ORDER BY id"),
    )
    .await;
    assert_eq!(got, want, "customer_attributes");

    let want: Vec<Value> = sim
        .attribute_values()
        .iter()
        .map(|v| json!({"id": v.id, "attribute_id": v.attribute_id, "customer_id": v.customer_id, "attribute_value": v.attribute_value}))
        .collect();
    let got = rows(
        app,
        &format!("SELECT id, attribute_id, customer_id, attribute_value FROM bigcommerce.customer_attribute_values WHERE {live} ORDER BY id"),
    )
    .await;
    assert_eq!(got.len(), want.len(), "customer_attribute_values count");
    assert_eq!(got, want, "customer_attribute_values");

    let mut want: Vec<Value> = sim
        .form_field_values()
        .iter()
        .map(|f| json!({"customer_id": f.customer_id, "address_id": f.address_id, "name": f.name, "value": f.value}))
        .collect();
    want.sort_by_key(|v| v.to_string());
    let mut got = rows(
        app,
        &format!("SELECT customer_id, address_id, name, value FROM bigcommerce.customer_form_field_values WHERE {live}"),
    )
    .await;
    got.sort_by_key(|v| v.to_string());
    assert_eq!(got, want, "customer_form_field_values");

    let want: Vec<Value> = sim
        .consents()
        .iter()
        .map(|(id, c)| json!({"customer_id": id, "allow": c.allow.clone().unwrap_or_default(), "deny": c.deny.clone().unwrap_or_default()}))
        .collect();
    let got = rows(
        app,
        &format!("SELECT customer_id, coalesce(allow, '{{}}') AS allow, coalesce(deny, '{{}}') AS deny FROM bigcommerce.customer_consents WHERE {live} ORDER BY customer_id"),
    )
    .await;
    assert_eq!(got, want, "customer_consents");

    let mut want: Vec<Value> = sim
        .stored_instruments()
        .iter()
        .map(|(id, i)| json!({"customer_id": id, "token": i["token"], "type": i["type"], "is_default": i["is_default"]}))
        .collect();
    want.sort_by_key(|v| v.to_string());
    let mut got = rows(
        app,
        &format!("SELECT customer_id, token, type, is_default FROM bigcommerce.customer_stored_instruments WHERE {live}"),
    )
    .await;
    got.sort_by_key(|v| v.to_string());
    assert_eq!(got, want, "customer_stored_instruments");

    let want: Vec<Value> = sim
        .metafields()
        .iter()
        .map(|m| json!({"id": m.id, "key": m.key, "value": m.value, "namespace": m.namespace, "resource_id": m.resource_id}))
        .collect();
    let got = rows(
        app,
        &format!("SELECT id, key, value, namespace, resource_id FROM bigcommerce.customer_metafields WHERE {live} ORDER BY id"),
    )
    .await;
    assert_eq!(got, want, "customer_metafields");

    let s = sim.settings();
    let got = rows(
        app,
        &format!(
            "SELECT privacy_settings, customer_group_settings FROM bigcommerce.customer_settings WHERE {live}"
        ),
    )
    .await;
    assert_eq!(
        got,
        vec![
            json!({"privacy_settings": s.privacy_settings, "customer_group_settings": s.customer_group_settings})
        ],
        "customer_settings"
    );

    let want: BTreeMap<i64, Value> = sim
        .channel_settings()
        .into_iter()
        .map(|(id, s)| {
            (
                id,
                json!({"allow_global_logins": s.allow_global_logins, "privacy_settings": s.privacy_settings}),
            )
        })
        .collect();
    let got: BTreeMap<i64, Value> = rows(
        app,
        &format!("SELECT channel_id, allow_global_logins, privacy_settings FROM bigcommerce.customer_channel_settings WHERE {live}"),
    )
    .await
    .into_iter()
    .map(|mut v| (v["channel_id"].as_i64().unwrap(), { v.as_object_mut().unwrap().remove("channel_id"); v }))
    .collect();
    assert_eq!(got, want, "customer_channel_settings");
}
