//! The lists of account objects triggers name by id: `/api/v2/groups`, `/ticket_fields`,
//! `/ticket_forms`, `/brands`, `/business_hours/schedules`, `/custom_statuses`, `/webhooks`,
//! each in cursor pages ordered by id. Inactive and deleted objects are listed too, with
//! their flags, as Zendesk lists inactive fields, forms and brands.

use std::sync::Arc;

use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::super::api_error::ApiError;
use super::super::gate::AccountCtx;
use super::super::objects::served;
use super::super::pagination::{KeyPart, PageRequest, SortKey, cursor_page, page_request};
use super::super::query::Query;
use super::super::shared::Shared;
use super::json_of;
use crate::directory::ListKind;

/// `GET` of one list.
pub(crate) async fn list(
    kind: ListKind,
    shared: Arc<Shared>,
    ctx: AccountCtx,
    query: Query,
) -> Result<Response, ApiError> {
    let PageRequest::Cursor {
        size,
        after,
        before,
    } = page_request(&query, true)?
    else {
        return Err(ApiError::NotFound);
    };
    let mut keyed: Vec<(SortKey, Value)> = shared
        .read_account(&ctx.subdomain, |account| {
            account
                .objects
                .get(&kind)
                .into_iter()
                .flatten()
                .map(|o| (sort_key(o), served(kind, o, &ctx.base)))
                .collect()
        })
        .ok_or(ApiError::NotFound)?;
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let url = |param: &str, cursor: &str| {
        let page = [(param, cursor.to_owned()), ("page[size]", size.to_string())];
        format!(
            "{}{}.json?{}",
            ctx.base,
            kind.path(),
            query.with_page(&page)
        )
    };
    let (items, pagination) = cursor_page(
        &keyed,
        |(k, _)| k.clone(),
        false,
        "id",
        (size, after.as_deref(), before.as_deref()),
        url,
    )?;
    let mut body = Map::new();
    body.insert(
        kind.root().to_owned(),
        Value::Array(items.into_iter().map(|(_, o)| o).collect()),
    );
    body.insert("meta".into(), json!(pagination.meta));
    body.insert("links".into(), json!(pagination.links));
    Ok(json_of(StatusCode::OK, &Value::Object(body)))
}

fn sort_key(object: &Value) -> SortKey {
    match &object["id"] {
        Value::Number(n) => vec![KeyPart::Int(n.as_i64().unwrap_or(i64::MAX))],
        Value::String(s) => vec![KeyPart::Text(s.clone())],
        _ => Vec::new(),
    }
}

/// The route of one list, with and without `.json`.
pub(crate) fn route(kind: ListKind) -> axum::Router<Arc<Shared>> {
    super::json_route(
        &format!("/{{subdomain}}{}", kind.path()),
        axum::routing::get(
            move |State(shared): State<Arc<Shared>>,
                  Extension(ctx): Extension<AccountCtx>,
                  query: Query| list(kind, shared, ctx, query),
        ),
    )
}
