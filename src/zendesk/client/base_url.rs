//! Where an account's API lives: a base-URL template such as `https://{subdomain}.zendesk.com`.

use std::net::IpAddr;

use reqwest::Url;
use thiserror::Error;

use crate::policy::model::Subdomain;

/// Zendesk's own address for an account.
pub const DEFAULT_TEMPLATE: &str = "https://{subdomain}.zendesk.com";

/// A problem with a base-URL template.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum BaseUrlError {
    /// Not a URL once `{subdomain}` is filled in.
    #[error("`{template}` is not a URL: {reason}")]
    Invalid {
        /// The template.
        template: String,
        /// Why.
        reason: String,
    },
    /// Plain HTTP to a host that is not this machine would send credentials in clear text.
    #[error("`{template}` uses plain http:// to a host that is not loopback; use https://")]
    InsecureHttp {
        /// The template.
        template: String,
    },
    /// Neither http nor https.
    #[error("`{template}` must start with https:// (or http:// for a loopback simulator)")]
    UnsupportedScheme {
        /// The template.
        template: String,
    },
}

/// A validated base-URL template. `{subdomain}` may appear in the host (Zendesk) or the path
/// (the simulator, `http://127.0.0.1:7357/{subdomain}`); without it every account shares one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrlTemplate {
    template: String,
}

impl Default for BaseUrlTemplate {
    fn default() -> Self {
        Self {
            template: DEFAULT_TEMPLATE.to_owned(),
        }
    }
}

impl BaseUrlTemplate {
    /// Validates a template.
    ///
    /// # Errors
    /// Fails for something that is not a URL, for schemes other than http(s), and for plain
    /// `http://` to anything but a loopback address.
    pub fn parse(template: &str) -> Result<Self, BaseUrlError> {
        let template = template.trim_end_matches('/').to_owned();
        let url = Url::parse(&template.replace("{subdomain}", "probe")).map_err(|err| {
            BaseUrlError::Invalid {
                template: template.clone(),
                reason: err.to_string(),
            }
        })?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => return Err(BaseUrlError::InsecureHttp { template }),
            _ => return Err(BaseUrlError::UnsupportedScheme { template }),
        }
        Ok(Self { template })
    }

    /// The base URL of one account, without a trailing slash.
    pub fn for_subdomain(&self, subdomain: &Subdomain) -> String {
        self.template.replace("{subdomain}", subdomain.as_str())
    }

    /// The base URL of one account as a person reads it: without the scheme, e.g.
    /// `acme.zendesk.com` or `127.0.0.1:7357/acme`.
    pub fn host_for(&self, subdomain: &Subdomain) -> String {
        let url = self.for_subdomain(subdomain);
        match url.split_once("://") {
            Some((_, rest)) => rest.to_owned(),
            None => url,
        }
    }

    /// The template as given.
    pub fn as_str(&self) -> &str {
        &self.template
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_in_the_subdomain() {
        let acme = Subdomain::parse("acme").unwrap();
        assert_eq!(
            BaseUrlTemplate::default().for_subdomain(&acme),
            "https://acme.zendesk.com"
        );
        let sim = BaseUrlTemplate::parse("http://127.0.0.1:7357/{subdomain}/").unwrap();
        assert_eq!(sim.for_subdomain(&acme), "http://127.0.0.1:7357/acme");
        assert_eq!(sim.host_for(&acme), "127.0.0.1:7357/acme");
        assert_eq!(
            BaseUrlTemplate::default().host_for(&acme),
            "acme.zendesk.com"
        );
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(BaseUrlTemplate::parse("http://localhost:1/{subdomain}").is_ok());
        assert!(BaseUrlTemplate::parse("http://[::1]:1/{subdomain}").is_ok());
        assert_eq!(
            BaseUrlTemplate::parse("http://{subdomain}.zendesk.com"),
            Err(BaseUrlError::InsecureHttp {
                template: "http://{subdomain}.zendesk.com".into()
            })
        );
        assert!(matches!(
            BaseUrlTemplate::parse("ftp://x/{subdomain}"),
            Err(BaseUrlError::UnsupportedScheme { .. })
        ));
        assert!(matches!(
            BaseUrlTemplate::parse("not a url"),
            Err(BaseUrlError::Invalid { .. })
        ));
    }
}
