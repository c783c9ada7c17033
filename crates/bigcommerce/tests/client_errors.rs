//! Narrow client edge cases against wiremock: what is retried, what is not, and how
//! errors read. (End-to-end behaviour is tested against the simulator elsewhere.)

use std::time::Duration;

use bigcommerce::{BigCommerceClient, ClientConfig, ClientError, CustomerQuery};
use secrecy::SecretString;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok-4f1c-very-secret";

const PAGE: &str = r#"{"data":[{"id":7,"email":"x@example.com","date_modified":"2024-01-03T10:00:03Z",
"date_created":"2024-01-01T00:00:00Z"}],"meta":{"pagination":{"total":1,"count":1,"per_page":250,
"current_page":1,"total_pages":1,"links":{"current":"?page=1"}}}}"#;

fn client(server: &MockServer) -> BigCommerceClient {
    let mut cfg = ClientConfig::new(server.uri(), "abc123", SecretString::from(TOKEN));
    cfg.max_attempts = 4;
    cfg.max_retry_time = Duration::from_secs(20);
    BigCommerceClient::new(cfg).unwrap()
}

fn query() -> CustomerQuery {
    CustomerQuery {
        page: 1,
        limit: 250,
        ..Default::default()
    }
}

fn rate_headers(t: ResponseTemplate, left: u32, reset_ms: u32) -> ResponseTemplate {
    t.insert_header("X-Rate-Limit-Time-Window-Ms", "30000")
        .insert_header("X-Rate-Limit-Time-Reset-Ms", reset_ms.to_string().as_str())
        .insert_header("X-Rate-Limit-Requests-Quota", "150")
        .insert_header("X-Rate-Limit-Requests-Left", left.to_string().as_str())
}

const CUSTOMERS: &str = "/stores/abc123/v3/customers";

#[tokio::test]
async fn a_5xx_is_retried_and_the_token_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CUSTOMERS))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(CUSTOMERS))
        .and(header("X-Auth-Token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_string(PAGE))
        .mount(&server)
        .await;
    let c = client(&server);
    let page = c.list_customers(&query()).await.unwrap();
    assert_eq!(page.data[0].value.id, 7);
    assert_eq!(c.requests(), 3);
}

#[tokio::test]
async fn a_wrong_token_fails_at_once_with_a_clear_message_and_no_secret() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c.list_customers(&query()).await.unwrap_err();
    assert!(matches!(err, ClientError::Unauthorized { .. }), "{err:?}");
    assert_eq!(c.requests(), 1, "a 401 is never retried");
    let shown = format!("{err} {err:?} {c:?}");
    assert!(shown.contains("GET /customers"), "{shown}");
    assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
}

#[tokio::test]
async fn a_422_is_not_retried_and_its_body_is_shown() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(422).set_body_string(r#"{"title":"limit too large"}"#))
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c.list_customers(&query()).await.unwrap_err();
    assert_eq!(c.requests(), 1);
    assert!(
        err.to_string().contains("HTTP 422") && err.to_string().contains("limit too large"),
        "{err}"
    );
}

#[tokio::test]
async fn a_truncated_body_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(&PAGE[..PAGE.len() / 2]))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(PAGE))
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(c.list_customers(&query()).await.unwrap().data.len(), 1);
    assert_eq!(c.requests(), 2);
}

#[tokio::test]
async fn a_wrong_type_is_fatal_and_names_endpoint_and_field() {
    let server = MockServer::start().await;
    let bad = PAGE.replace(r#""id":7"#, r#""id":"seven""#);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(bad))
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c.list_customers(&query()).await.unwrap_err().to_string();
    assert!(
        err.contains("GET /customers") && err.contains("data[0].id"),
        "{err}"
    );
    assert_eq!(c.requests(), 1);
}

#[tokio::test]
async fn a_quota_429_waits_for_the_announced_reset() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(rate_headers(ResponseTemplate::new(429), 0, 400))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(rate_headers(
            ResponseTemplate::new(200).set_body_string(PAGE),
            149,
            30000,
        ))
        .mount(&server)
        .await;
    let c = client(&server);
    let started = std::time::Instant::now();
    c.list_customers(&query()).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(c.requests(), 2);
}

#[tokio::test]
async fn a_run_of_5xx_gives_up_within_the_bound_naming_the_endpoint() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c.list_customers(&query()).await.unwrap_err();
    assert!(matches!(err, ClientError::GaveUp { attempts: 4, .. }), "{err:?}");
    assert!(err.to_string().contains("HTTP 502"), "{err}");
    assert_eq!(c.requests(), 4);
}

#[tokio::test]
async fn a_request_that_times_out_is_retried() {
    let server = MockServer::start().await;
    // The first answer comes after the client's timeout; the second at once.
    Mock::given(method("GET"))
        .and(path(CUSTOMERS))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(PAGE)
                .set_delay(Duration::from_secs(3)),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(CUSTOMERS))
        .respond_with(ResponseTemplate::new(200).set_body_string(PAGE))
        .mount(&server)
        .await;
    let mut cfg = ClientConfig::new(server.uri(), "abc123", SecretString::from(TOKEN));
    cfg.request_timeout = Duration::from_millis(300);
    let c = BigCommerceClient::new(cfg).unwrap();
    let page = c.list_customers(&query()).await.unwrap();
    assert_eq!(page.data[0].value.id, 7);
    assert_eq!(c.requests(), 2, "one timeout, one success");
}
