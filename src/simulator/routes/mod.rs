//! The HTTP routes: the Zendesk endpoints under `/{subdomain}/…` and the simulator's own
//! `/_sim/…` admin routes, with the helpers their handlers share.

pub(crate) mod admin;
pub(crate) mod authorize;
pub(crate) mod categories;
pub(crate) mod oauth;
pub(crate) mod objects;
pub(crate) mod settings;
pub(crate) mod sunshine;
pub(crate) mod trigger_writes;
pub(crate) mod triggers;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{MethodRouter, get, post};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::api_error::{ApiError, json_response, json_text_response};
use super::gate;
use super::shared::Shared;
use crate::zendesk::model::{Trigger, TriggerCategory};

/// Every route of the simulator; the `/_sim` ones only with `admin`.
pub(crate) fn router(shared: Arc<Shared>, admin: bool) -> Router {
    let lists = crate::directory::ListKind::ALL
        .iter()
        .fold(Router::new(), |router, &kind| {
            router.merge(objects::route(kind))
        });
    let support = Router::new()
        .merge(lists)
        .merge(json_route(
            "/{subdomain}/api/v2/triggers",
            get(triggers::list).post(trigger_writes::create),
        ))
        .merge(json_route(
            "/{subdomain}/api/v2/triggers/active",
            get(triggers::active),
        ))
        .merge(json_route(
            "/{subdomain}/api/v2/triggers/search",
            get(triggers::search),
        ))
        .merge(json_route(
            "/{subdomain}/api/v2/triggers/definitions",
            get(triggers::definitions),
        ))
        .merge(json_route(
            "/{subdomain}/api/v2/triggers/update_many",
            axum::routing::put(trigger_writes::update_many),
        ))
        .merge(json_route(
            "/{subdomain}/api/v2/triggers/reorder",
            axum::routing::put(trigger_writes::reorder),
        ))
        .merge(json_route(
            "/{subdomain}/api/v2/triggers/destroy_many",
            axum::routing::delete(trigger_writes::destroy_many),
        ))
        .route(
            "/{subdomain}/api/v2/triggers/{id}",
            get(triggers::show)
                .put(trigger_writes::update)
                .delete(trigger_writes::delete),
        )
        .merge(json_route(
            "/{subdomain}/api/v2/trigger_categories",
            get(categories::list).post(categories::create),
        ))
        .merge(json_route(
            "/{subdomain}/api/v2/trigger_categories/jobs",
            post(categories::jobs),
        ))
        .route(
            "/{subdomain}/api/v2/trigger_categories/{id}",
            get(categories::show)
                .patch(categories::update)
                .delete(categories::delete),
        )
        .merge(json_route(
            "/{subdomain}/api/v2/account/settings",
            get(settings::show).put(settings::update),
        ))
        .merge(json_route("/{subdomain}/api/v2/users/me", get(oauth::me)))
        .route(
            "/{subdomain}/api/v2/oauth/tokens/{id}",
            axum::routing::delete(oauth::revoke),
        )
        .route_layer(from_fn_with_state(shared.clone(), gate::support));
    let oauth = Router::new()
        .route("/{subdomain}/oauth/tokens", post(oauth::issue))
        .route(
            "/{subdomain}/oauth/authorizations/new",
            get(authorize::authorize),
        )
        .route_layer(from_fn_with_state(shared.clone(), gate::oauth));
    let sunshine = Router::new()
        .route(
            "/{subdomain}/sc/v2/apps/{app_id}",
            get(sunshine::show).patch(sunshine::update),
        )
        .route_layer(from_fn_with_state(shared.clone(), gate::sunshine));
    let mut router = Router::new().merge(support).merge(oauth).merge(sunshine);
    if admin {
        router = router.merge(admin::router());
    }
    router.fallback(unknown_endpoint).with_state(shared)
}

/// A route reachable with and without the `.json` suffix, as Zendesk's are.
fn json_route(path: &str, methods: MethodRouter<Arc<Shared>>) -> Router<Arc<Shared>> {
    Router::new()
        .route(path, methods.clone())
        .route(&format!("{path}.json"), methods)
}

/// Zendesk answers unknown API paths with `InvalidEndpoint` [INFERRED: seen in client
/// libraries' error handling, not in Zendesk's docs].
async fn unknown_endpoint() -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        &serde_json::json!({"error": "InvalidEndpoint", "description": "Not found"}),
    )
}

/// Parses a request body as JSON; an empty body reads as `null`.
pub(crate) fn json_body(body: &Bytes) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::BadJson(format!("The request body is not valid JSON: {e}")))
}

/// Reads a JSON body whose root key `key` must be present (400 `ParameterMissing` when it is
/// not) as a `T`; a body that does not fit `T` is the error `invalid` makes of it.
pub(crate) fn root_body<T: DeserializeOwned>(
    body: &Bytes,
    key: &str,
    invalid: impl FnOnce(serde_json::Error) -> ApiError,
) -> Result<T, ApiError> {
    let body = json_body(body)?;
    if body.get(key).is_none() {
        return Err(ApiError::ParameterMissing(key.to_owned()));
    }
    serde_json::from_value(body).map_err(invalid)
}

/// A trigger id from the path (`123` or `123.json`); anything else is not found.
pub(crate) fn trigger_id(raw: &str) -> Result<u64, ApiError> {
    raw.strip_suffix(".json")
        .unwrap_or(raw)
        .parse()
        .map_err(|_| ApiError::NotFound)
}

/// A category id from the path, without a `.json` suffix.
pub(crate) fn category_id(raw: &str) -> &str {
    raw.strip_suffix(".json").unwrap_or(raw)
}

/// A stored trigger as served: with its `url`, as real triggers have
/// (`https://{subdomain}.zendesk.com/api/v2/triggers/{id}.json` [SEEN]).
pub(crate) fn served_trigger(trigger: &Trigger, base: &str) -> Trigger {
    let mut trigger = trigger.clone();
    trigger.url = Some(format!("{base}/api/v2/triggers/{}.json", trigger.id));
    trigger
}

/// A stored category as served, with its `url` (real categories carry one; its exact form is
/// [NOT FOUND], so the simulator follows the triggers' form).
pub(crate) fn served_category(category: &TriggerCategory, base: &str) -> TriggerCategory {
    let mut category = category.clone();
    category.url = Some(format!(
        "{base}/api/v2/trigger_categories/{}.json",
        category.id
    ));
    category
}

/// A JSON answer of anything serialisable.
///
/// Written straight to text: going through a `serde_json::Value` first cost a trigger page
/// twice its serialisation, and was most of the simulator's time serving a read.
pub(crate) fn json_of(status: StatusCode, body: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(text) => json_text_response(status, text),
        Err(_) => json_response(status, &Value::Null),
    }
}

/// Adds a header to an answer when the value is a valid header value.
pub(crate) fn with_header(
    mut response: Response,
    name: &'static str,
    value: Option<String>,
) -> Response {
    if let Some(value) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(name), value);
    }
    response
}
