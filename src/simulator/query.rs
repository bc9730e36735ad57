//! A request's query string as ordered pairs, with Zendesk's bracketed keys (`page[size]`)
//! kept as they are, and rebuilding it for `next_page` and `links.next` URLs.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// The decoded query parameters of one request. As a handler argument it reads the request's
/// query string (as [`Query::parse`] does).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::parse(parts.uri.query()))
    }
}

impl Query {
    /// Decodes a raw query string; undecodable input reads as no parameters.
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .and_then(|raw| serde_urlencoded::from_str::<Vec<(String, String)>>(raw).ok())
            .unwrap_or_default();
        Self { pairs }
    }

    /// The first value of a parameter.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A boolean parameter: `true`/`1` or `false`/`0`; anything else reads as absent.
    pub(crate) fn flag(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        }
    }

    /// All parameters, in order.
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The query string with pagination parameters replaced by `page`, encoded.
    pub(crate) fn with_page(&self, page: &[(&str, String)]) -> String {
        let mut pairs: Vec<(String, String)> = self
            .pairs
            .iter()
            .filter(|(k, _)| !k.starts_with("page") && k != "per_page")
            .cloned()
            .collect();
        pairs.extend(page.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_survive_and_pages_are_replaced() {
        let query = Query::parse(Some("active=true&page%5Bsize%5D=2&page[after]=abc%3D"));
        assert_eq!(query.get("page[size]"), Some("2"));
        assert_eq!(query.get("page[after]"), Some("abc="));
        assert_eq!(query.flag("active"), Some(true));
        assert_eq!(
            query.with_page(&[
                ("page[after]", "x=".to_owned()),
                ("page[size]", "2".to_owned())
            ]),
            "active=true&page%5Bafter%5D=x%3D&page%5Bsize%5D=2"
        );
    }
}
