//! Each way a request fails, as the error a user can act on: named account and object, and
//! never a secret or a URL with one.

use super::error::ZendeskError;
use super::{AccountClient, Answer, Api, Target, error_body, redirect};
use crate::zendesk::body::MAX_BODY_BYTES;

impl AccountClient {
    /// A sign-in that cannot authenticate, said so that the person knows to sign in again.
    pub(super) fn sign_in_error(
        &self,
        error: &crate::zendesk::signin::session::SessionError,
    ) -> ZendeskError {
        ZendeskError::SignInUnusable {
            account: self.name.clone(),
            subdomain: self.subdomain.clone(),
            reason: error.to_string(),
        }
    }

    /// A 3xx, refused: it names only the host the redirect points to.
    pub(super) fn redirected(
        &self,
        response: &reqwest::Response,
        target: Target<'_>,
    ) -> ZendeskError {
        ZendeskError::Redirected {
            account: self.name.clone(),
            object: target.object.to_owned(),
            status: response.status().as_u16(),
            location_host: redirect::location_host(response.url(), response.headers()),
        }
    }

    pub(super) fn too_large(&self, target: Target<'_>, announced: Option<u64>) -> ZendeskError {
        ZendeskError::BodyTooLarge {
            account: self.name.clone(),
            object: target.object.to_owned(),
            limit: MAX_BODY_BYTES,
            announced,
        }
    }

    pub(super) fn transport(
        &self,
        target: Target<'_>,
        reason: String,
        outcome_unknown: bool,
    ) -> ZendeskError {
        ZendeskError::Transport {
            account: self.name.clone(),
            object: target.object.to_owned(),
            reason,
            outcome_unknown,
        }
    }

    /// Turns a non-2xx answer into the error a user can act on.
    pub(super) fn status_error(
        &self,
        answer: &Answer,
        api: Api,
        target: Target<'_>,
    ) -> ZendeskError {
        let body = error_body::parse(&answer.body);
        let account = self.name.clone();
        let object = target.object.to_owned();
        let credentials = match api {
            Api::Support => self.auth.source.clone(),
            Api::Sunshine => self
                .sunshine
                .as_ref()
                .map_or_else(String::new, |s| s.source.clone()),
        };
        match answer.status {
            401 => ZendeskError::Unauthorized {
                account,
                credentials,
                status: 401,
            },
            403 => ZendeskError::Forbidden {
                account,
                object,
                credentials,
                code: body.code,
                detail: Some(body.message).filter(|m| !m.is_empty()),
            },
            404 if target.account_wide => ZendeskError::AccountNotFound {
                account,
                subdomain: self.subdomain.clone(),
                base_url: self.base.clone(),
            },
            404 => ZendeskError::NotFound { account, object },
            status if status >= 500 => ZendeskError::Server {
                account,
                object,
                status,
                message: body.message,
            },
            status => ZendeskError::Rejected {
                account,
                object,
                status,
                code: body.code,
                message: body.message,
            },
        }
    }
}

pub(super) trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O",
            serde_json::error::Category::Syntax => "not JSON",
            serde_json::error::Category::Data => "unexpected fields",
            serde_json::error::Category::Eof => "cut short",
        }
    }
}
