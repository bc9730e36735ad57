//! Apply's errors: a reviewed plan that the policy and live state no longer give (nothing is
//! written), and a write that failed (its account stops there).

use thiserror::Error;

use super::failure::{ErrorKind, ErrorReport};
use super::verify::Difference;
use crate::zendesk::client::error::ZendeskError;

/// Why apply wrote nothing at all.
#[derive(Debug, Error)]
pub enum ApplyError {
    /// The reviewed plan is not what the policy and a fresh read of Zendesk give now. (The
    /// difference is part of the message, not a cause of its own.)
    #[error(
        "the plan does not match what the policy and Zendesk give now, so nothing was applied: {0}"
    )]
    PlanDiffers(Difference),
}

/// Why a write (one change, or one request carrying several) did not do what it should.
#[derive(Debug, Error)]
pub enum WriteError {
    /// Zendesk refused it, or it could not be sent.
    #[error(transparent)]
    Zendesk(#[from] ZendeskError),
    /// Zendesk answered with success but ignored some of the keys sent.
    #[error("Zendesk ignored {keys} (X-Zendesk-API-Warn: {warning})")]
    Ignored {
        /// The keys, e.g. `messaging_inactivity.timeout`.
        keys: String,
        /// The header, for the record.
        warning: String,
    },
    /// A trigger or category this apply should have created has no id, so what needs it
    /// (its position) cannot be sent.
    #[error("{0} was not created, so its position cannot be set")]
    NotCreated(String),
}

impl WriteError {
    /// What happened, in words, without the account (the report's `detail`).
    pub fn detail(&self) -> String {
        match self {
            Self::Zendesk(err) => err.detail().to_string(),
            _ => self.to_string(),
        }
    }

    /// The failure as the report keeps it: its kind, Zendesk's status and code, the object
    /// and the message, never the account (the report names it).
    pub fn report(&self) -> ErrorReport {
        match self {
            Self::Zendesk(err) => ErrorReport {
                kind: kind_of(err),
                status: err.status(),
                code: err.error_code().map(str::to_owned),
                object: err.object().map(str::to_owned),
                message: err
                    .zendesk_message()
                    .map_or_else(|| err.detail().to_string(), str::to_owned),
            },
            Self::Ignored { .. } => ErrorReport::ours(ErrorKind::IgnoredKeys, self.to_string()),
            Self::NotCreated(_) => ErrorReport::ours(ErrorKind::NotCreated, self.to_string()),
        }
    }
}

fn kind_of(err: &ZendeskError) -> ErrorKind {
    use ZendeskError as E;
    match err {
        E::BaseUrl(_) | E::Setup(_) => ErrorKind::Setup,
        E::Secret { .. }
        | E::NoCredentials { .. }
        | E::NotSignedIn { .. }
        | E::SignInUnusable { .. }
        | E::Unauthorized { .. } => ErrorKind::Credentials,
        E::Forbidden { .. } => ErrorKind::Forbidden,
        E::AccountNotFound { .. } | E::NotFound { .. } => ErrorKind::NotFound,
        E::Rejected { .. } => ErrorKind::Rejected,
        E::GaveUp { .. } | E::WaitTooLong { .. } => ErrorKind::GaveUp,
        E::Server { .. }
        | E::InvalidResponse { .. }
        | E::BodyTooLarge { .. }
        | E::Transport { .. } => ErrorKind::OutcomeUnknown,
        E::Redirected { .. } | E::Pagination { .. } => ErrorKind::Unexpected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_write_keeps_zendesks_status_code_and_message_without_the_account() {
        let err = WriteError::from(ZendeskError::Rejected {
            account: "acme".into(),
            object: "trigger 7100000000011".into(),
            status: 422,
            code: Some("RecordInvalid".into()),
            message: "Record validation errors; Invalid field 'x'".into(),
        });
        let report = err.report();
        assert_eq!(report.kind, ErrorKind::Rejected);
        assert_eq!(report.status, Some(422));
        assert_eq!(report.code.as_deref(), Some("RecordInvalid"));
        assert_eq!(report.object.as_deref(), Some("trigger 7100000000011"));
        assert_eq!(
            report.message,
            "Record validation errors; Invalid field 'x'"
        );
        assert_eq!(
            err.detail(),
            "trigger 7100000000011: Zendesk refused it (422 RecordInvalid): Record validation \
             errors; Invalid field 'x'"
        );
        // The error itself still names the account where nothing else does.
        assert!(err.to_string().starts_with("acme: trigger 7100000000011: "));
    }

    #[test]
    fn a_connection_failure_has_no_status() {
        let err = WriteError::from(ZendeskError::GaveUp {
            account: "acme".into(),
            object: "trigger 1".into(),
            status: 0,
            waited: std::time::Duration::from_secs(10),
            budget: std::time::Duration::from_secs(10),
        });
        let report = err.report();
        assert_eq!((report.kind, report.status), (ErrorKind::GaveUp, None));
    }
}
