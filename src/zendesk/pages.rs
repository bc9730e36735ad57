//! Walking a cursor-paged list so that it always ends: each page's `meta` says whether to go
//! on, and a server that keeps saying "more" (a repeated cursor, an empty page, or simply too
//! many pages) stops the walk with the rule that stopped it. No I/O.

use std::collections::HashSet;
use std::fmt;

use super::model::CursorPagination;

/// Objects per page (`page[size]`): Zendesk's maximum for cursor pagination.
pub const PAGE_SIZE: usize = 100;

/// The most pages one list may take: 1,000 pages of [`PAGE_SIZE`] are 100,000 objects.
/// Zendesk's Triggers API allows an account at most 7,000 active triggers, and at most 500
/// trigger categories (its `ProductLimitExceeded` error); inactive triggers have no documented
/// cap, so the limit leaves room for over 14 times the active maximum.
pub const MAX_PAGES: usize = 1_000;

/// Why a walk stopped before the list said it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStop {
    /// `meta.has_more` is true, but there is no `meta.after_cursor` to go on with.
    MissingCursor {
        /// The page (1-based) that said so.
        page: usize,
    },
    /// A page gave a cursor (or `links.next`) an earlier page already gave: the list loops.
    RepeatedCursor {
        /// The page (1-based) that repeated it.
        page: usize,
    },
    /// A page with nothing on it still says `meta.has_more`.
    EmptyPage {
        /// The page (1-based).
        page: usize,
    },
    /// The list still had more after the most pages zdpolicy reads.
    TooManyPages {
        /// The limit ([`MAX_PAGES`]).
        limit: usize,
    },
}

impl fmt::Display for PageStop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingCursor { page } => write!(
                f,
                "page {page} says meta.has_more but gives no meta.after_cursor"
            ),
            Self::RepeatedCursor { page } => write!(
                f,
                "the pages do not end: page {page} repeats the cursor of an earlier page"
            ),
            Self::EmptyPage { page } => write!(
                f,
                "the pages do not end: page {page} is empty but says meta.has_more"
            ),
            Self::TooManyPages { limit } => write!(
                f,
                "the pages do not end: there are still more after {limit} pages, the most zdpolicy \
                 reads of one list ({} objects)",
                limit * PAGE_SIZE
            ),
        }
    }
}

/// One walk through a paged list.
#[derive(Debug)]
pub struct PageWalk {
    pages: usize,
    limit: usize,
    seen: HashSet<String>,
}

impl Default for PageWalk {
    fn default() -> Self {
        Self::new(MAX_PAGES)
    }
}

impl PageWalk {
    /// A walk of at most `limit` pages.
    pub fn new(limit: usize) -> Self {
        Self {
            pages: 0,
            limit,
            seen: HashSet::new(),
        }
    }

    /// Takes the next page (how many objects it held, and its pagination) and says where to go
    /// on: `Ok(None)` when the list has ended, `Ok(Some(cursor))` for the next page's
    /// `page[after]`.
    ///
    /// # Errors
    /// The rule that stops a list which does not end.
    pub fn next(
        &mut self,
        items: usize,
        pagination: CursorPagination,
    ) -> Result<Option<String>, PageStop> {
        self.pages += 1;
        let page = self.pages;
        if !pagination.meta.has_more {
            return Ok(None);
        }
        if items == 0 {
            return Err(PageStop::EmptyPage { page });
        }
        let Some(cursor) = pagination.meta.after_cursor.filter(|c| !c.is_empty()) else {
            return Err(PageStop::MissingCursor { page });
        };
        // Cursors and next-page URLs share one set: the prefixes keep them apart.
        let next = pagination.links.next.map(|next| format!("next:{next}"));
        for key in [Some(format!("cursor:{cursor}")), next]
            .into_iter()
            .flatten()
        {
            if !self.seen.insert(key) {
                return Err(PageStop::RepeatedCursor { page });
            }
        }
        if page >= self.limit {
            return Err(PageStop::TooManyPages { limit: self.limit });
        }
        Ok(Some(cursor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zendesk::model::{CursorLinks, CursorMeta};

    fn page(has_more: bool, cursor: Option<&str>, next: Option<&str>) -> CursorPagination {
        CursorPagination {
            meta: CursorMeta {
                has_more,
                after_cursor: cursor.map(str::to_owned),
                before_cursor: None,
            },
            links: CursorLinks {
                next: next.map(str::to_owned),
                ..CursorLinks::default()
            },
        }
    }

    #[test]
    fn a_list_ends_when_has_more_is_false_whatever_links_next_says() {
        let mut walk = PageWalk::default();
        assert_eq!(
            walk.next(100, page(true, Some("a"), Some("u1"))),
            Ok(Some("a".into()))
        );
        // Real answers set links.next on the last page too, and may repeat the cursor there.
        assert_eq!(walk.next(3, page(false, Some("a"), Some("u1"))), Ok(None));
    }

    #[test]
    fn an_empty_last_page_ends_the_list() {
        let mut walk = PageWalk::default();
        assert_eq!(walk.next(0, page(false, None, None)), Ok(None));
    }

    #[test]
    fn a_repeated_cursor_stops_the_walk() {
        let mut walk = PageWalk::default();
        assert_eq!(
            walk.next(100, page(true, Some("a"), None)),
            Ok(Some("a".into()))
        );
        assert_eq!(
            walk.next(100, page(true, Some("b"), None)),
            Ok(Some("b".into()))
        );
        assert_eq!(
            walk.next(100, page(true, Some("a"), None)),
            Err(PageStop::RepeatedCursor { page: 3 })
        );
    }

    #[test]
    fn a_repeated_next_link_stops_the_walk_even_with_new_cursors() {
        let mut walk = PageWalk::default();
        assert!(walk.next(1, page(true, Some("a"), Some("same"))).is_ok());
        assert_eq!(
            walk.next(1, page(true, Some("b"), Some("same"))),
            Err(PageStop::RepeatedCursor { page: 2 })
        );
    }

    #[test]
    fn an_empty_page_that_says_more_stops_the_walk() {
        let mut walk = PageWalk::default();
        assert_eq!(
            walk.next(0, page(true, Some("a"), None)),
            Err(PageStop::EmptyPage { page: 1 })
        );
    }

    #[test]
    fn more_without_a_cursor_stops_the_walk() {
        let mut walk = PageWalk::default();
        assert_eq!(
            walk.next(5, page(true, Some(""), None)),
            Err(PageStop::MissingCursor { page: 1 })
        );
    }

    #[test]
    fn the_walk_stops_at_the_page_cap() {
        let mut walk = PageWalk::default();
        for n in 1..MAX_PAGES {
            let cursor = format!("c{n}");
            assert_eq!(
                walk.next(100, page(true, Some(&cursor), None)),
                Ok(Some(cursor.clone()))
            );
        }
        assert_eq!(
            walk.next(100, page(true, Some("last"), None)),
            Err(PageStop::TooManyPages { limit: MAX_PAGES })
        );
    }

    #[test]
    fn the_messages_say_which_rule_stopped_the_walk() {
        assert_eq!(
            PageStop::TooManyPages { limit: MAX_PAGES }.to_string(),
            "the pages do not end: there are still more after 1000 pages, the most zdpolicy reads \
             of one list (100000 objects)"
        );
        assert_eq!(
            PageStop::RepeatedCursor { page: 2 }.to_string(),
            "the pages do not end: page 2 repeats the cursor of an earlier page"
        );
    }
}
