//! Zendesk's three error-body shapes, read defensively.
//!
//! - `{"error": "RecordNotFound", "description": "Not found"}` (with `details` for 422
//!   `RecordInvalid`: `{"base": [{"description": "…"}]}`);
//! - `{"error": "Couldn't authenticate you"}` (401);
//! - `{"errors": [{"code": "TriggerCategoryNotEmpty", "title": "…"}]}` (trigger categories).
//!
//! 429 answers may be `text/plain` ("Number of allowed API requests per minute exceeded").
//! (docs/zendesk-notes.md, "Error shapes".)

use serde_json::Value;

/// What an error body says: a code when there is one, and a readable message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorBody {
    /// `RecordInvalid`, `TriggerCategoryNotEmpty`, …
    pub code: Option<String>,
    /// The description, details and titles, joined.
    pub message: String,
}

/// Reads an error body of any of Zendesk's shapes (or plain text).
pub fn parse(body: &[u8]) -> ErrorBody {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        let text = String::from_utf8_lossy(body).trim().to_owned();
        return ErrorBody {
            code: None,
            message: if text.is_empty() {
                "(empty body)".into()
            } else {
                super::error::snippet(text.as_bytes())
            },
        };
    };
    if let Some(errors) = value.get("errors").and_then(Value::as_array) {
        let code = errors
            .first()
            .and_then(|e| e.get("code"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let message = errors
            .iter()
            .map(|e| {
                let title = e.get("title").and_then(Value::as_str).unwrap_or_default();
                match e.get("detail").and_then(Value::as_str) {
                    Some(detail) if !detail.is_empty() => format!("{title}: {detail}"),
                    _ => title.to_owned(),
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        return ErrorBody { code, message };
    }
    let error = value.get("error");
    let error_text = error.and_then(Value::as_str).map(str::to_owned);
    // Some endpoints nest {"error": {"title", "message"}}.
    let nested = error.filter(|e| e.is_object()).map(|e| {
        [e.get("title"), e.get("message")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(": ")
    });
    let mut parts: Vec<String> = Vec::new();
    if let Some(description) = value.get("description").and_then(Value::as_str) {
        parts.push(description.to_owned());
    }
    if let Some(details) = value.get("details").and_then(Value::as_object) {
        for (field, problems) in details {
            for problem in problems.as_array().into_iter().flatten() {
                if let Some(d) = problem.get("description").and_then(Value::as_str) {
                    parts.push(if field == "base" {
                        d.to_owned()
                    } else {
                        format!("{field}: {d}")
                    });
                }
            }
        }
    }
    if let Some(nested) = nested.filter(|n| !n.is_empty()) {
        parts.push(nested);
    }
    let message = if parts.is_empty() {
        error_text
            .clone()
            .unwrap_or_else(|| super::error::snippet(body))
    } else {
        parts.join("; ")
    };
    ErrorBody {
        code: error_text.filter(|code| !code.contains(' ')),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_invalid_with_details() {
        let body = br#"{"error":"RecordInvalid","description":"Record validation errors","details":{"base":[{"description":"Invalid value 'web' in 'Update via / Is not / web'"}],"title":[{"description":"Title cannot be blank","error":"BlankError"}]}}"#;
        let parsed = parse(body);
        assert_eq!(parsed.code.as_deref(), Some("RecordInvalid"));
        assert_eq!(
            parsed.message,
            "Record validation errors; Invalid value 'web' in 'Update via / Is not / web'; title: Title cannot be blank"
        );
    }

    #[test]
    fn the_three_shapes_and_plain_text() {
        assert_eq!(
            parse(br#"{"error":"RecordNotFound","description":"Not found"}"#),
            ErrorBody {
                code: Some("RecordNotFound".into()),
                message: "Not found".into()
            }
        );
        assert_eq!(
            parse(br#"{"error":"Couldn't authenticate you"}"#),
            ErrorBody {
                code: None,
                message: "Couldn't authenticate you".into()
            }
        );
        assert_eq!(
            parse(br#"{"errors":[{"code":"TriggerCategoryNotEmpty","title":"Category is not empty"}]}"#),
            ErrorBody { code: Some("TriggerCategoryNotEmpty".into()), message: "Category is not empty".into() }
        );
        assert_eq!(
            parse(b"Number of allowed API requests per minute exceeded"),
            ErrorBody {
                code: None,
                message: "Number of allowed API requests per minute exceeded".into()
            }
        );
    }
}
