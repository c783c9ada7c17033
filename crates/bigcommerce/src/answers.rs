//! Answers that are not data, turned into errors an operator can read: a redirect
//! that was not followed, and an error body shortened to what it says.

use reqwest::StatusCode;

use crate::error::ClientError;

/// The longest slice of an error body kept in an error message.
const ERROR_BODY_LIMIT: usize = 300;

/// A redirect that was not followed (to another origin): the request fails, naming
/// where it pointed, and the token was not sent there.
pub(crate) fn redirected(
    endpoint: String,
    status: StatusCode,
    headers: &reqwest::header::HeaderMap,
) -> ClientError {
    let location = headers
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("(no Location)");
    ClientError::Status {
        endpoint,
        status: status.as_u16(),
        body: format!(
            "redirect to {} not followed: it leaves the API's host, and the access token is only sent there",
            excerpt(location)
        ),
    }
}

/// What an error body says, short: BigCommerce's JSON errors carry a `title` (and
/// sometimes `errors` per field), which is what an operator needs, not the raw JSON.
pub(crate) fn excerpt(body: &str) -> String {
    let trimmed = body.trim();
    if let Ok(serde_json::Value::Object(json)) = serde_json::from_str::<serde_json::Value>(trimmed)
        && let Some(title) = json.get("title").and_then(|t| t.as_str())
    {
        let fields: Vec<String> = json
            .get("errors")
            .and_then(|e| e.as_object())
            .map(|e| {
                e.iter()
                    .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default();
        let text = if fields.is_empty() {
            title.trim().to_owned()
        } else {
            format!("{} ({})", title.trim(), fields.join("; "))
        };
        return excerpt_text(&text);
    }
    excerpt_text(trimmed)
}

fn excerpt_text(trimmed: &str) -> String {
    match trimmed.char_indices().nth(ERROR_BODY_LIMIT) {
        Some((cut, _)) => format!("{}…", &trimmed[..cut]),
        None => trimmed.to_owned(),
    }
}
