//! Issue 10, part 5: the token stays with the API. A redirect to another host is not
//! followed (so `X-Auth-Token` never reaches it), plain `http://` is refused except on
//! loopback or when allowed, and an announced quota of 0 fails at once (wiremock).

use std::time::Duration;

use bigcommerce::{BigCommerceClient, ClientConfig, ClientError, CustomerQuery};
use secrecy::SecretString;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok-redirect-very-secret";
const CUSTOMERS: &str = "/stores/abc123/v3/customers";
const PAGE: &str = r#"{"data":[],"meta":{"pagination":{"total":0,"count":0,"per_page":250,
"current_page":1,"total_pages":0,"links":{"current":"?page=1"}}}}"#;

fn config(api_url: &str) -> ClientConfig {
    let mut cfg = ClientConfig::new(api_url, "abc123", SecretString::from(TOKEN));
    cfg.max_attempts = 3;
    cfg.max_retry_time = Duration::from_secs(10);
    cfg
}

fn query() -> CustomerQuery {
    CustomerQuery {
        page: 1,
        limit: 250,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_and_the_token_never_reaches_it() {
    let api = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CUSTOMERS))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/steal", elsewhere.uri()).as_str()),
        )
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(PAGE))
        .mount(&elsewhere)
        .await;
    let client = BigCommerceClient::new(config(&api.uri())).unwrap();
    let err = client.list_customers(&query()).await.unwrap_err();
    assert!(matches!(err, ClientError::Status { status: 302, .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("not followed") && msg.contains("/steal"), "{msg}");
    assert!(!msg.contains(TOKEN));
    let stolen = elsewhere.received_requests().await.unwrap();
    assert!(stolen.is_empty(), "the other host was called: {stolen:?}");
    // Not retried: a redirect will not go away by asking again.
    assert_eq!(api.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_redirect_within_the_api_host_is_followed_with_the_token() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CUSTOMERS))
        .respond_with(ResponseTemplate::new(301).insert_header("Location", "/stores/abc123/v3/moved"))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/stores/abc123/v3/moved"))
        .and(header("X-Auth-Token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_string(PAGE))
        .mount(&api)
        .await;
    let client = BigCommerceClient::new(config(&api.uri())).unwrap();
    let page = client.list_customers(&query()).await.unwrap();
    assert!(page.data.is_empty());
}

#[test]
fn plain_http_is_refused_except_on_loopback_or_when_allowed() {
    for url in [
        "http://api.bigcommerce.com",
        "http://10.0.0.7:8080",
        "http://sim:4010",
    ] {
        let err = BigCommerceClient::new(config(url)).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(url) && msg.contains("https://") && msg.contains("allow_insecure_http"),
            "{msg}"
        );
        let mut allowed = config(url);
        allowed.allow_insecure_http = true;
        assert!(
            BigCommerceClient::new(allowed).is_ok(),
            "{url} with allow_insecure_http"
        );
    }
    for url in [
        "https://api.bigcommerce.com",
        "http://127.0.0.1:4010",
        "http://localhost:4010",
        "http://[::1]:4010",
    ] {
        assert!(BigCommerceClient::new(config(url)).is_ok(), "{url}");
    }
    let err = BigCommerceClient::new(config("ftp://api.bigcommerce.com")).unwrap_err();
    assert!(
        err.to_string().contains("must start with http:// or https://"),
        "{err}"
    );
}

#[tokio::test]
async fn an_announced_quota_of_zero_fails_clearly_instead_of_waiting_forever() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CUSTOMERS))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("X-Rate-Limit-Time-Window-Ms", "30000")
                .insert_header("X-Rate-Limit-Time-Reset-Ms", "200")
                .insert_header("X-Rate-Limit-Requests-Quota", "0")
                .insert_header("X-Rate-Limit-Requests-Left", "0"),
        )
        .mount(&api)
        .await;
    let client = BigCommerceClient::new(config(&api.uri())).unwrap();
    let err = tokio::time::timeout(Duration::from_secs(10), client.list_customers(&query()))
        .await
        .expect("the request must fail, not wait forever")
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("quota of 0") && msg.contains("GET /customers"),
        "{msg}"
    );
    assert_eq!(api.received_requests().await.unwrap().len(), 1);
}
