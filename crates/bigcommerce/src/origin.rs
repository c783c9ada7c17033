//! Where the access token may go: the API URL must be https (or plain http to a
//! loopback host, or with `allow_insecure_http`), and redirects are followed only
//! within the API's own origin.

use crate::error::ClientError;

/// The URL's origin, once it is known to be https, plain http on a loopback host, or
/// plain http with `allow_insecure_http`: the token must not cross a network in clear.
pub(crate) fn check_api_url(api_url: &str, allow_insecure_http: bool) -> Result<url::Origin, ClientError> {
    let url = url::Url::parse(api_url)
        .map_err(|e| ClientError::Config(format!("the API URL `{api_url}` is not a URL: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(ClientError::Config(format!(
                "the API URL `{api_url}` is plain http:// to a host other than loopback, which would send \
                 the access token unencrypted; use https:// (or set allow_insecure_http = true for a \
                 trusted network)"
            )));
        }
        _ => {
            return Err(ClientError::Config(format!(
                "the API URL `{api_url}` must start with http:// or https://"
            )));
        }
    }
    Ok(url.origin())
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Follows redirects within the API's origin only: `X-Auth-Token` is our own header,
/// which reqwest (unlike `Authorization`) would carry to any host. A redirect
/// elsewhere is not followed; its 3xx answer fails the request.
pub(crate) fn same_origin_redirects(origin: url::Origin) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= 5 {
            attempt.error("too many redirects")
        } else if attempt.url().origin() == origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}
