//! Error answers in Zendesk's three body shapes, and the status codes that go with them.
//!
//! Shapes (docs/zendesk-notes.md, "Error shapes"): `{"error","description","details"}`
//! for records (404 [SEEN], 422 [SEEN]), a bare `{"error": "Couldn't authenticate you"}` for 401
//! [3P], and `{"errors": [{"code","title"}]}` for trigger categories and pagination [SEEN OAS].

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// Zendesk's 403 sentence [3P, exact text unverified].
const FORBIDDEN_DESCRIPTION: &str = "You do not have access to this page. Please contact the account owner of this help desk for further help.";

/// An error answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ApiError {
    /// 404 `{"error":"RecordNotFound","description":"Not found"}`.
    NotFound,
    /// 422 `{"error":"RecordInvalid","description":"Record validation errors","details":{…}}`.
    Invalid(Map<String, Value>),
    /// 400 for a missing root key. Zendesk is a Rails app and answers `ParameterMissing`
    /// [INFERRED: shape not found in Zendesk's docs].
    ParameterMissing(String),
    /// 400 for a body that is not JSON [simulated by choice: Zendesk's answer not found].
    BadJson(String),
    /// 401 `{"error":"Couldn't authenticate you"}`.
    Unauthorized,
    /// 403 for a valid user without the rights for this request.
    Forbidden,
    /// A JSON:API-style list of errors with its status.
    Errors(StatusCode, Vec<(String, String)>),
    /// Any other JSON body with its status (OAuth and Sunshine Conversations errors).
    Json(StatusCode, Value),
}

impl ApiError {
    /// A 422 with one `details` entry: `{field: [{"description": …, "error": …}]}`.
    pub(crate) fn invalid(
        field: &str,
        description: impl Into<String>,
        error: Option<&str>,
    ) -> Self {
        let mut entry = Map::new();
        entry.insert("description".into(), Value::String(description.into()));
        if let Some(error) = error {
            entry.insert("error".into(), Value::String(error.into()));
        }
        let mut details = Map::new();
        details.insert(field.into(), Value::Array(vec![Value::Object(entry)]));
        Self::Invalid(details)
    }

    /// One JSON:API-style error.
    pub(crate) fn coded(status: StatusCode, code: &str, title: impl Into<String>) -> Self {
        Self::Errors(status, vec![(code.to_owned(), title.into())])
    }

    /// The status code of this answer.
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::ParameterMissing(_) | Self::BadJson(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::Errors(status, _) | Self::Json(status, _) => *status,
        }
    }

    /// The JSON body of this answer.
    pub(crate) fn body(&self) -> Value {
        match self {
            Self::NotFound => json!({"error": "RecordNotFound", "description": "Not found"}),
            Self::Invalid(details) => json!({
                "error": "RecordInvalid",
                "description": "Record validation errors",
                "details": details,
            }),
            Self::ParameterMissing(name) => json!({
                "error": "ParameterMissing",
                "description": format!("param is missing or the value is empty: {name}"),
            }),
            Self::BadJson(why) => json!({"error": "InvalidJSON", "description": why}),
            Self::Unauthorized => json!({"error": "Couldn't authenticate you"}),
            Self::Forbidden => json!({"error": "Forbidden", "description": FORBIDDEN_DESCRIPTION}),
            Self::Errors(_, items) => {
                let errors: Vec<Value> = items
                    .iter()
                    .map(|(code, title)| json!({"code": code, "title": title}))
                    .collect();
                json!({ "errors": errors })
            }
            Self::Json(_, body) => body.clone(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status(), &self.body())
    }
}

/// A JSON answer with Zendesk's content type.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    json_text_response(status, serde_json::to_vec(body).unwrap_or_default())
}

/// A JSON answer with Zendesk's content type, of JSON text already written.
pub(crate) fn json_text_response(status: StatusCode, text: Vec<u8>) -> Response {
    let mut response = (status, text).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// A plain-text answer, as Zendesk gives for 429 and as load balancers give for 5xx.
pub(crate) fn text_response(status: StatusCode, body: &'static str) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_match_zendesk() {
        assert_eq!(
            ApiError::NotFound.body(),
            json!({"error": "RecordNotFound", "description": "Not found"})
        );
        assert_eq!(
            ApiError::Unauthorized.body(),
            json!({"error": "Couldn't authenticate you"})
        );
        let invalid = ApiError::invalid("title", "Title cannot be blank", Some("BlankError"));
        assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            invalid.body()["details"],
            json!({"title": [{"description": "Title cannot be blank", "error": "BlankError"}]})
        );
        let coded = ApiError::coded(StatusCode::BAD_REQUEST, "TriggerCategoryNotEmpty", "x");
        assert_eq!(
            coded.body(),
            json!({"errors": [{"code": "TriggerCategoryNotEmpty", "title": "x"}]})
        );
    }
}
