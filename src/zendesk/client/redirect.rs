//! Redirects are refused, never followed: Zendesk's API does not redirect API calls, and a
//! followed redirect is how a credential leaves its account's origin (reqwest's own policy
//! re-sent `Authorization` to the last hop of a two-hop chain, and a 307 re-posts an OAuth
//! token request, client secret included). What a refusal may say about the target: its host.

use reqwest::Url;
use reqwest::header::{HeaderMap, LOCATION};

/// The host (with its port, when not the scheme's default) that a redirect's `Location` points
/// to, resolved against the URL that was requested. Never the path or query, which may carry
/// anything. `None` when there is no `Location`, or it is no URL with a host.
pub fn location_host(requested: &Url, headers: &HeaderMap) -> Option<String> {
    let location = headers.get(LOCATION)?.to_str().ok()?;
    let target = requested.join(location.trim()).ok()?;
    let host = target.host_str()?;
    Some(match target.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn host(requested: &str, location: &str) -> Option<String> {
        let mut headers = HeaderMap::new();
        headers.insert(LOCATION, HeaderValue::from_str(location).unwrap());
        location_host(&Url::parse(requested).unwrap(), &headers)
    }

    #[test]
    fn names_the_host_and_port_only() {
        assert_eq!(
            host(
                "https://acme.zendesk.com/api/v2/triggers",
                "https://user:pw@evil.example:8443/steal?token=abc#x"
            ),
            Some("evil.example:8443".into())
        );
        assert_eq!(
            host("https://acme.zendesk.com/x", "https://evil.example/steal"),
            Some("evil.example".into())
        );
        assert_eq!(
            host("http://127.0.0.1:1/x", "http://[::1]:9/y"),
            Some("[::1]:9".into())
        );
    }

    #[test]
    fn a_relative_location_stays_on_the_requested_host() {
        assert_eq!(
            host("https://acme.zendesk.com/api/v2/triggers", "/login?next=x"),
            Some("acme.zendesk.com".into())
        );
        assert_eq!(
            host("http://127.0.0.1:7357/acme/x", "//evil.example/y"),
            Some("evil.example".into())
        );
    }

    #[test]
    fn no_location_or_no_host() {
        assert_eq!(
            location_host(&Url::parse("https://a.b/").unwrap(), &HeaderMap::new()),
            None
        );
        assert_eq!(host("https://a.b/", "mailto:someone@example.com"), None);
    }
}
