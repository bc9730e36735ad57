//! Zendesk's two pagination styles over an already-ordered list: offset (`page`, `per_page`,
//! `next_page`, `count`) and cursor (`page[size]`, `page[after]`, `page[before]`, `meta`,
//! `links`) (docs/zendesk-notes.md, "Pagination").
//!
//! Cursors carry the sort key of the item they point at (base64 of JSON, like Zendesk's own
//! `eyJvIjoi…` cursors), so pages stay correct while objects are added or deleted in between.

use std::cmp::Ordering;

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::api_error::ApiError;
use super::query::Query;
use crate::zendesk::model::{CursorLinks, CursorMeta, CursorPagination, OffsetPagination};

/// Records per page when the request does not say, and at most ("Returns a maximum of 100
/// records per page" [SEEN OAS]).
pub(crate) const MAX_PAGE_SIZE: usize = 100;

/// One part of a sort key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub(crate) enum KeyPart {
    /// A number (position, id).
    Int(i64),
    /// A text (lowercased title, timestamp).
    Text(String),
}

/// A sort key: compared part by part.
pub(crate) type SortKey = Vec<KeyPart>;

/// Orders keyed items by their keys, ascending or descending (a stable sort: equal keys keep
/// their order).
pub(crate) fn sort_keyed<T>(keyed: &mut [(SortKey, T)], descending: bool) {
    keyed.sort_by(|a, b| {
        if descending {
            b.0.cmp(&a.0)
        } else {
            a.0.cmp(&b.0)
        }
    });
}

/// Which page a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PageRequest {
    /// `page` (1-based) and `per_page`.
    Offset {
        /// The page number.
        page: usize,
        /// Records per page.
        per_page: usize,
    },
    /// `page[size]` with `page[after]` or `page[before]`.
    Cursor {
        /// Records per page.
        size: usize,
        /// Continue after this cursor.
        after: Option<String>,
        /// Continue before this cursor.
        before: Option<String>,
    },
}

/// Reads the pagination parameters. Any `page[…]` parameter selects cursor pagination;
/// otherwise offset pagination, unless `cursor_by_default` (trigger categories answer in cursor
/// form even without `page[size]` [SEEN zendesk_api_client_rb comment]).
///
/// # Errors
/// 400 `InvalidPaginationParameter` for a non-numeric or out-of-range size. Zendesk's answer
/// to `page[size]` above 100 is [NOT FOUND]; the simulator refuses it so clients that rely
/// on a larger page fail here.
pub(crate) fn page_request(
    query: &Query,
    cursor_by_default: bool,
) -> Result<PageRequest, ApiError> {
    let cursor = query.pairs().iter().any(|(k, _)| k.starts_with("page["));
    if cursor || cursor_by_default {
        let size = match query.get("page[size]") {
            Some(text) => parse_size("page[size]", text)?,
            None => MAX_PAGE_SIZE,
        };
        return Ok(PageRequest::Cursor {
            size,
            after: query.get("page[after]").map(str::to_owned),
            before: query.get("page[before]").map(str::to_owned),
        });
    }
    offset_request(query)
}

/// Reads offset pagination parameters only (`page`, `per_page`), as search endpoints do.
///
/// # Errors
/// 400 `InvalidPaginationParameter` for a page or page size that is not a positive number.
pub(crate) fn offset_request(query: &Query) -> Result<PageRequest, ApiError> {
    let page = match query.get("page") {
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(|| invalid("page"))?,
        None => 1,
    };
    let per_page = match query.get("per_page") {
        // Offset pages larger than the maximum are cut to it [simulated by choice].
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| invalid("per_page"))?
            .min(MAX_PAGE_SIZE),
        None => MAX_PAGE_SIZE,
    };
    Ok(PageRequest::Offset { page, per_page })
}

fn parse_size(name: &str, text: &str) -> Result<usize, ApiError> {
    text.parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
        .ok_or_else(|| invalid(name))
}

fn invalid(name: &str) -> ApiError {
    ApiError::coded(
        StatusCode::BAD_REQUEST,
        "InvalidPaginationParameter",
        format!("{name} is not valid"),
    )
}

/// One offset page of `items`, with the envelope's fields.
pub(crate) fn offset_page<T: Clone>(
    items: &[T],
    page: usize,
    per_page: usize,
    url: impl Fn(usize) -> String,
) -> (Vec<T>, OffsetPagination) {
    let start = page
        .saturating_sub(1)
        .saturating_mul(per_page)
        .min(items.len());
    let end = start.saturating_add(per_page).min(items.len());
    let pagination = OffsetPagination {
        next_page: (end < items.len()).then(|| url(page + 1)),
        previous_page: (page > 1).then(|| url(page - 1)),
        count: items.len() as u64,
    };
    (items[start..end].to_vec(), pagination)
}

/// One cursor page of `items` (in list order, which is `key` ascending, or descending when
/// `descending`). `sort` names the order and is checked when a cursor comes back.
///
/// `links.next`/`links.prev` are set whenever the page has items, even on the last page, as
/// Zendesk does (a real last page had `has_more: false` with a non-null `links.next` [SEEN]).
///
/// # Errors
/// 400 `InvalidPaginationParameter` for a cursor that is not one of ours or was made for
/// another sort.
pub(crate) fn cursor_page<T: Clone>(
    items: &[T],
    key: impl Fn(&T) -> SortKey,
    descending: bool,
    sort: &str,
    request: (usize, Option<&str>, Option<&str>),
    url: impl Fn(&str, &str) -> String,
) -> Result<(Vec<T>, CursorPagination), ApiError> {
    let (size, after, before) = request;
    let order = |a: &SortKey, b: &SortKey| if descending { b.cmp(a) } else { a.cmp(b) };
    let (page, has_more) = if let Some(cursor) = before {
        let cursor = decode(cursor, sort).ok_or_else(|| invalid("page[before]"))?;
        let end = items
            .iter()
            .position(|it| order(&key(it), &cursor) != Ordering::Less)
            .unwrap_or(items.len());
        let start = end.saturating_sub(size);
        (&items[start..end], start > 0)
    } else {
        let start = match after {
            Some(cursor) => {
                let cursor = decode(cursor, sort).ok_or_else(|| invalid("page[after]"))?;
                items
                    .iter()
                    .position(|it| order(&key(it), &cursor) == Ordering::Greater)
                    .unwrap_or(items.len())
            }
            None => 0,
        };
        let end = start.saturating_add(size).min(items.len());
        (&items[start..end], end < items.len())
    };
    let after_cursor = page.last().map(|it| encode(&key(it), sort));
    let before_cursor = page.first().map(|it| encode(&key(it), sort));
    let pagination = CursorPagination {
        links: CursorLinks {
            next: after_cursor.as_deref().map(|c| url("page[after]", c)),
            prev: before_cursor.as_deref().map(|c| url("page[before]", c)),
        },
        meta: CursorMeta {
            has_more,
            after_cursor,
            before_cursor,
        },
    };
    Ok((page.to_vec(), pagination))
}

#[derive(Serialize, Deserialize)]
struct Cursor {
    o: String,
    v: SortKey,
}

fn encode(key: &SortKey, sort: &str) -> String {
    let cursor = Cursor {
        o: sort.to_owned(),
        v: key.clone(),
    };
    STANDARD.encode(serde_json::to_vec(&cursor).unwrap_or_default())
}

fn decode(text: &str, sort: &str) -> Option<SortKey> {
    let bytes = STANDARD.decode(text).ok()?;
    let cursor: Cursor = serde_json::from_slice(&bytes).ok()?;
    (cursor.o == sort).then_some(cursor.v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers() -> Vec<i64> {
        (1..=5).collect()
    }

    fn page(
        after: Option<&str>,
        before: Option<&str>,
        size: usize,
    ) -> (Vec<i64>, CursorPagination) {
        cursor_page(
            &numbers(),
            |n| vec![KeyPart::Int(*n)],
            false,
            "id",
            (size, after, before),
            |k, v| format!("{k}={v}"),
        )
        .expect("valid cursor")
    }

    #[test]
    fn cursor_walks_forward_and_back() {
        let (first, p1) = page(None, None, 2);
        assert_eq!(first, vec![1, 2]);
        assert!(p1.meta.has_more);
        let (second, p2) = page(p1.meta.after_cursor.as_deref(), None, 2);
        assert_eq!(second, vec![3, 4]);
        let (last, p3) = page(p2.meta.after_cursor.as_deref(), None, 2);
        assert_eq!(last, vec![5]);
        assert!(!p3.meta.has_more);
        assert!(
            p3.links.next.is_some(),
            "Zendesk keeps links.next on the last page"
        );
        let (back, pb) = page(None, p3.meta.before_cursor.as_deref(), 2);
        assert_eq!(back, vec![3, 4]);
        assert!(pb.meta.has_more);
        let (empty, pe) = page(p3.meta.after_cursor.as_deref(), None, 2);
        assert!(empty.is_empty());
        assert_eq!(pe.meta.after_cursor, None);
        assert_eq!(pe.links.next, None);
    }

    #[test]
    fn foreign_cursors_are_refused() {
        let result = cursor_page(
            &numbers(),
            |n| vec![KeyPart::Int(*n)],
            false,
            "id",
            (2, Some("nonsense"), None),
            |_, _| String::new(),
        );
        assert_eq!(
            result.map(|_| ()).expect_err("bad cursor").status(),
            StatusCode::BAD_REQUEST
        );
        let other_sort = encode(&vec![KeyPart::Int(1)], "title");
        let result = cursor_page(
            &numbers(),
            |n| vec![KeyPart::Int(*n)],
            false,
            "id",
            (2, Some(&other_sort), None),
            |_, _| String::new(),
        );
        assert!(result.is_err());
    }

    #[test]
    fn offset_pages_link_their_neighbours() {
        let (items, p) = offset_page(&numbers(), 2, 2, |n| format!("page={n}"));
        assert_eq!(items, vec![3, 4]);
        assert_eq!(p.next_page.as_deref(), Some("page=3"));
        assert_eq!(p.previous_page.as_deref(), Some("page=1"));
        assert_eq!(p.count, 5);
        let (items, p) = offset_page(&numbers(), 9, 2, |n| format!("page={n}"));
        assert!(items.is_empty());
        assert_eq!(p.next_page, None);
    }
}
