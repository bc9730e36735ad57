//! What Zendesk's error bodies say: a code and a message for errors, from any of its three
//! body shapes (the wire model's `ErrorBody`) or plain text.
//!
//! - `{"error": "RecordNotFound", "description": "Not found"}` (with `details` for 422
//!   `RecordInvalid`: `{"base": [{"description": "…"}]}`);
//! - `{"error": "Couldn't authenticate you"}` (401);
//! - `{"errors": [{"code": "TriggerCategoryNotEmpty", "title": "…"}]}` (trigger categories).
//!
//! 429 answers may be `text/plain` ("Number of allowed API requests per minute exceeded").
//! (docs/zendesk-notes.md, "Error shapes".)

use serde_json::Value;

use crate::zendesk::model::{ErrorBody, ErrorList, RecordError};

/// What an error body says, in short: a code when there is one, and a readable message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorSummary {
    /// `RecordInvalid`, `TriggerCategoryNotEmpty`, …
    pub code: Option<String>,
    /// The description, details and titles, joined.
    pub message: String,
}

/// Reads an error body of any of Zendesk's shapes (the wire model's [`ErrorBody`]), or plain
/// text; JSON of no known shape is quoted.
pub fn parse(body: &[u8]) -> ErrorSummary {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(ErrorBody::List(list)) => from_list(&list),
        Ok(ErrorBody::Record(record)) => from_record(&record, body),
        Err(_) if serde_json::from_slice::<Value>(body).is_ok() => ErrorSummary {
            code: None,
            message: super::error::snippet(body),
        },
        Err(_) => {
            let text = String::from_utf8_lossy(body).trim().to_owned();
            ErrorSummary {
                code: None,
                message: if text.is_empty() {
                    "(empty body)".into()
                } else {
                    super::error::snippet(text.as_bytes())
                },
            }
        }
    }
}

fn from_list(list: &ErrorList) -> ErrorSummary {
    let message = list
        .errors
        .iter()
        .map(|e| match e.detail.as_deref() {
            Some(detail) if !detail.is_empty() => format!("{}: {detail}", e.title),
            _ => e.title.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ");
    ErrorSummary {
        code: list.errors.first().map(|e| e.code.clone()),
        message,
    }
}

fn from_record(record: &RecordError, body: &[u8]) -> ErrorSummary {
    let error_text = record.error.as_str();
    // The nested form: {"error": {"title", "message"}}.
    let nested = record.error.as_object().map(|e| {
        [e.get("title"), e.get("message")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(": ")
    });
    let mut parts: Vec<String> = record.description.iter().cloned().collect();
    for (field, problems) in record.details.iter().flatten() {
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
    if let Some(nested) = nested.filter(|n| !n.is_empty()) {
        parts.push(nested);
    }
    let message = if parts.is_empty() {
        error_text.map_or_else(|| super::error::snippet(body), str::to_owned)
    } else {
        parts.join("; ")
    };
    ErrorSummary {
        // A sentence (401's "Couldn't authenticate you") is a message, not a code.
        code: error_text
            .filter(|code| !code.contains(' '))
            .map(str::to_owned),
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
            ErrorSummary {
                code: Some("RecordNotFound".into()),
                message: "Not found".into()
            }
        );
        assert_eq!(
            parse(br#"{"error":"Couldn't authenticate you"}"#),
            ErrorSummary {
                code: None,
                message: "Couldn't authenticate you".into()
            }
        );
        assert_eq!(
            parse(br#"{"errors":[{"code":"TriggerCategoryNotEmpty","title":"Category is not empty"}]}"#),
            ErrorSummary { code: Some("TriggerCategoryNotEmpty".into()), message: "Category is not empty".into() }
        );
        assert_eq!(
            parse(b"Number of allowed API requests per minute exceeded"),
            ErrorSummary {
                code: None,
                message: "Number of allowed API requests per minute exceeded".into()
            }
        );
    }

    #[test]
    fn nested_errors_and_json_of_no_known_shape() {
        assert_eq!(
            parse(br#"{"error":{"title":"Forbidden","message":"You do not have access"}}"#),
            ErrorSummary {
                code: None,
                message: "Forbidden: You do not have access".into()
            }
        );
        assert_eq!(
            parse(br#"{"message":"busy"}"#),
            ErrorSummary {
                code: None,
                message: r#"{"message":"busy"}"#.into()
            }
        );
        assert_eq!(
            parse(b"  "),
            ErrorSummary {
                code: None,
                message: "(empty body)".into()
            }
        );
    }
}
