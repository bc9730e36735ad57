//! Pagination envelopes (offset and cursor) and the paged lists of triggers and categories.

use serde::{Deserialize, Serialize};

use super::category::TriggerCategory;
use super::trigger::Trigger;

/// Offset pagination: `next_page`/`previous_page` URLs (or `null`) and a total `count`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetPagination {
    /// The next page's URL, `null` on the last page.
    #[serde(default)]
    pub next_page: Option<String>,
    /// The previous page's URL, `null` on the first page.
    #[serde(default)]
    pub previous_page: Option<String>,
    /// How many records match, over all pages.
    #[serde(default)]
    pub count: u64,
}

/// Cursor pagination: `meta` and `links`.
///
/// Loop on `meta.has_more`, not on `links.next`: Zendesk has answered a last page with
/// `has_more: false` and a non-null `links.next`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CursorPagination {
    /// Whether more records follow, and the cursors.
    pub meta: CursorMeta,
    /// Ready-made URLs for the neighbouring pages.
    pub links: CursorLinks,
}

/// `meta` of a cursor page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CursorMeta {
    /// Whether another page follows in the direction of travel.
    pub has_more: bool,
    /// Pass as `page[after]` for the next page; `null` on an empty page.
    #[serde(default)]
    pub after_cursor: Option<String>,
    /// Pass as `page[before]` for the previous page; `null` on an empty page.
    #[serde(default)]
    pub before_cursor: Option<String>,
}

/// `links` of a cursor page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CursorLinks {
    /// The next page's URL (may be set even when `meta.has_more` is false).
    #[serde(default)]
    pub next: Option<String>,
    /// The previous page's URL.
    #[serde(default)]
    pub prev: Option<String>,
}

/// A list of triggers with offset pagination (`TriggersResponse`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggersOffsetPage {
    /// The triggers on this page.
    pub triggers: Vec<Trigger>,
    /// Where the neighbouring pages are.
    #[serde(flatten)]
    pub pagination: OffsetPagination,
}

/// A list of triggers with cursor pagination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggersCursorPage {
    /// The triggers on this page.
    pub triggers: Vec<Trigger>,
    /// Where the neighbouring pages are.
    #[serde(flatten)]
    pub pagination: CursorPagination,
}

/// A list of trigger categories; Zendesk answers in cursor form even without `page[size]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerCategoriesPage {
    /// The categories on this page.
    pub trigger_categories: Vec<TriggerCategory>,
    /// Where the neighbouring pages are.
    #[serde(flatten)]
    pub pagination: CursorPagination,
}
