//! The API's clock reaches the caller: every page carries the `Date` of its answer.
//! And what a client counts of the requests sent through it and its clones.

use bigcommerce::{BigCommerceClient, ClientConfig, CustomerQuery};
use chrono::{TimeZone, Utc};
use secrecy::SecretString;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PAGE: &str = r#"{"data":[{"id":7,"email":"x@example.com","date_modified":"2030-01-03T10:00:03Z",
"date_created":"2024-01-01T00:00:00Z"}],"meta":{"pagination":{"total":1,"count":1,"per_page":250,
"current_page":1,"total_pages":1,"links":{"current":"?page=1"}}}}"#;

#[tokio::test]
async fn a_page_carries_the_date_the_api_answered_at() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/stores/abc123/v3/customers"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Date", "Wed, 02 Dec 2026 06:21:14 GMT")
                .set_body_string(PAGE),
        )
        .mount(&server)
        .await;
    let cfg = ClientConfig::new(server.uri(), "abc123", SecretString::from("t"));
    let client = BigCommerceClient::new(cfg).unwrap();
    assert_eq!(client.api_time(), None);
    let q = CustomerQuery {
        page: 1,
        limit: 250,
        ..Default::default()
    };
    let want = Utc.with_ymd_and_hms(2026, 12, 2, 6, 21, 14).unwrap();
    let strict = client.list_customers(&q).await.unwrap();
    assert_eq!(strict.served_at, Some(want));
    let lenient = client.list_customers_lenient(&q).await.unwrap();
    assert_eq!(lenient.served_at, Some(want));
    assert_eq!(client.api_time(), Some(want));
}

/// Steps that run at once each count their own requests on a `counted` clone; the
/// client they came from counts them all.
#[tokio::test]
async fn a_counted_clone_counts_its_own_requests_and_its_parent_all() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/stores/abc123/v3/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_string(PAGE))
        .mount(&server)
        .await;
    let cfg = ClientConfig::new(server.uri(), "abc123", SecretString::from("t"));
    let client = BigCommerceClient::new(cfg).unwrap();
    let q = CustomerQuery {
        page: 1,
        limit: 250,
        ..Default::default()
    };
    let (a, b) = (client.counted(), client.counted());
    let nested = a.counted();
    client.list_customers(&q).await.unwrap();
    a.list_customers(&q).await.unwrap();
    nested.list_customers(&q).await.unwrap();
    b.clone().list_customers(&q).await.unwrap();
    assert_eq!(
        (client.requests(), a.requests(), nested.requests(), b.requests()),
        (4, 2, 1, 1)
    );
}
