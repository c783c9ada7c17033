//! A server that ignores `date_modified:min` must not make the poller re-read one page
//! forever (one existing connector does exactly that).

use bcsync_mirror::testing::fresh_database;
use bcsync_poller::{Mode, PollError, PollOptions, sync_customers};
use bigcommerce::{BigCommerceClient, ClientConfig};
use secrecy::SecretString;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn customer(id: i64, modified: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "email": format!("c{id}@example.com"), "date_modified": modified,
        "date_created": "2024-01-01T00:00:00Z", "addresses": [], "address_count": 0})
}

fn page(rows: Vec<serde_json::Value>, total_pages: i64) -> serde_json::Value {
    let n = rows.len() as i64;
    serde_json::json!({"data": rows, "meta": {"pagination": {"total": n * total_pages, "count": n,
        "per_page": n, "current_page": 1, "total_pages": total_pages, "links": {"current": "?page=1"}}}})
}

async fn run_against(body: serde_json::Value) -> (Result<(), PollError>, u64) {
    run_mode(body, Mode::Incremental).await
}

async fn run_mode(body: serde_json::Value, mode: Mode) -> (Result<(), PollError>, u64) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/stores/s1/v3/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let db = fresh_database().await;
    let client =
        BigCommerceClient::new(ClientConfig::new(server.uri(), "s1", SecretString::from("t"))).unwrap();
    let opts = PollOptions {
        page_size: 2,
        ..PollOptions::default()
    };
    let result = sync_customers(&client, &db.mirror, mode, &opts).await.map(|_| ());
    (result, client.requests())
}

#[tokio::test]
async fn a_server_ignoring_the_date_filter_fails_the_pass_instead_of_looping() {
    let rows = vec![
        customer(1, "2024-01-02T00:00:00Z"),
        customer(2, "2024-01-03T00:00:00Z"),
    ];
    let (result, requests) = run_against(page(rows, 5)).await;
    let err = result.unwrap_err();
    assert!(matches!(err, PollError::Contract(_)), "{err}");
    assert!(err.to_string().contains("date_modified:min"), "{err}");
    assert!(requests <= 3, "{requests} requests");
}

#[tokio::test]
async fn an_unsorted_listing_is_refused() {
    let rows = vec![
        customer(1, "2024-01-03T00:00:00Z"),
        customer(2, "2024-01-02T00:00:00Z"),
    ];
    let (result, _) = run_against(page(rows, 1)).await;
    let err = result.unwrap_err();
    assert!(err.to_string().contains("out of date_modified order"), "{err}");
}

#[tokio::test]
async fn a_server_ignoring_the_page_number_fails_a_resync_instead_of_looping() {
    // Every page is the same full page, and the pagination claims one page only: the
    // full walk reads on while pages are full (rows created meanwhile), so it must
    // notice the repetition.
    let rows = vec![
        customer(1, "2024-01-02T00:00:00Z"),
        customer(2, "2024-01-03T00:00:00Z"),
    ];
    let (result, requests) = run_mode(page(rows, 1), Mode::Full).await;
    let err = result.unwrap_err();
    assert!(matches!(err, PollError::Contract(_)), "{err}");
    assert!(err.to_string().contains("ignores `page`"), "{err}");
    assert!(requests <= 5, "{requests} requests");
}
