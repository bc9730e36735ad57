//! A failure as the apply report keeps it (`error: {kind, status, code, object, message}`),
//! what people are told to do about it, and how the summary on stderr shows it (with miette,
//! like every other zdpolicy error).

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};
use serde::{Deserialize, Serialize};

/// What kind of failure it is: a stable kebab-case code for CI to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// Zendesk refused the write as sent (a 4xx validation error such as 422 `RecordInvalid`).
    Rejected,
    /// 403: the credentials are not allowed to write this (or the account's plan forbids it).
    Forbidden,
    /// The credentials could not be found, resolved, or were refused (401).
    Credentials,
    /// 404: the object (or the account) is not there.
    NotFound,
    /// Zendesk kept rate limiting or failing until the retry budget was spent.
    GaveUp,
    /// The write may or may not have happened (a broken connection, a 5xx, an unreadable
    /// answer).
    OutcomeUnknown,
    /// Zendesk answered in a way its API does not (a redirect, a list that does not end).
    Unexpected,
    /// The HTTP client could not be set up (the base URL, TLS).
    Setup,
    /// Zendesk answered success but ignored keys it was sent (`X-Zendesk-API-Warn`).
    IgnoredKeys,
    /// Something this apply should have created first was not.
    NotCreated,
    /// The account's plan has errors (its `diagnostics`), so nothing was written there.
    PlanHasErrors,
    /// The policy no longer has the account.
    NotInPolicy,
    /// The account could not be read again before writing, so nothing was written there.
    NotRead,
}

impl ErrorKind {
    /// The code, as written in the report.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rejected => "rejected",
            Self::Forbidden => "forbidden",
            Self::Credentials => "credentials",
            Self::NotFound => "not-found",
            Self::GaveUp => "gave-up",
            Self::OutcomeUnknown => "outcome-unknown",
            Self::Unexpected => "unexpected",
            Self::Setup => "setup",
            Self::IgnoredKeys => "ignored-keys",
            Self::NotCreated => "not-created",
            Self::PlanHasErrors => "plan-has-errors",
            Self::NotInPolicy => "not-in-policy",
            Self::NotRead => "not-read",
        }
    }
}

/// A failure of one change or of a whole account, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorReport {
    /// What kind of failure it is.
    pub kind: ErrorKind,
    /// The HTTP status Zendesk answered, when it answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Zendesk's error code (`RecordInvalid`, `TriggerCategoryNotEmpty`), when it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// What was being written (`trigger 7100000000011`), when one object was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// What Zendesk said, when its answer said something; else zdpolicy's words. Never the
    /// account's name: the report names the account.
    pub message: String,
}

impl ErrorReport {
    /// A failure zdpolicy found itself: no status, code or object.
    pub fn ours(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            status: None,
            code: None,
            object: None,
            message: message.into(),
        }
    }

    /// What to do about it. Zendesk's errors are told apart by their code, never by their
    /// message, which is for people and may change.
    pub fn help(&self) -> &'static str {
        match (self.kind, self.code.as_deref()) {
            (ErrorKind::Rejected, Some("TriggerCategoryNotEmpty")) => {
                "a category holding active triggers cannot be deleted: move or deactivate them first, then apply again"
            }
            (ErrorKind::Rejected, Some("InvalidTriggerCategory" | "TriggerCategoryNotFound")) => {
                "the trigger category changed in Zendesk while applying: run `zdpolicy plan` again and review it"
            }
            (ErrorKind::Forbidden, Some("ProductLimitExceeded")) => {
                "the account's Zendesk plan allows no more of these: remove some in Zendesk or from the policy"
            }
            (ErrorKind::Rejected, _) => {
                "Zendesk refused the write as sent (its reason is quoted above): fix that in the policy, then plan and apply again"
            }
            (ErrorKind::Forbidden, _) => {
                "the user behind the credentials must be a Zendesk admin, and an OAuth token needs the write scope"
            }
            (ErrorKind::Credentials, _) => {
                "fix the account's `credentials:` (docs/sign-in.md), then apply again"
            }
            (ErrorKind::NotFound, _) => {
                "the object was deleted in Zendesk while applying: run `zdpolicy plan` again and review it"
            }
            (ErrorKind::GaveUp, _) => {
                "Zendesk kept limiting or failing: apply again later (what was applied stays, and a re-run converges), or raise --retry-budget"
            }
            (ErrorKind::OutcomeUnknown, _) => {
                "the write may have reached Zendesk: `zdpolicy plan` shows what it holds now; apply again (a create is checked first, never made twice)"
            }
            (ErrorKind::Unexpected, _) => {
                "Zendesk answered as its API does not: check --api-url and the subdomain, then apply again"
            }
            (ErrorKind::Setup, _) => "check --api-url (or ZDPOLICY_API_URL) and the TLS set-up",
            (ErrorKind::IgnoredKeys, _) => {
                "Zendesk dropped the setting: the account may not offer it (its plan, or a feature not turned on); the next plan shows the change again"
            }
            (ErrorKind::NotCreated, _) => {
                "an earlier create of this account failed (above): fix that and apply again"
            }
            (ErrorKind::PlanHasErrors, _) => {
                "fix these errors in the policy or in Zendesk, then plan and apply again: the account is applied then, and the others have nothing left to do"
            }
            (ErrorKind::NotInPolicy, _) => {
                "the plan names an account the policy no longer has: make a new plan with `zdpolicy plan --out`"
            }
            (ErrorKind::NotRead, _) => {
                "nothing was written to this account: fix the cause and apply again"
            }
        }
    }
}

/// One failure in the summary: `failed[rejected]` (a change) or `error[not-read]` (an
/// account) above the message, then what to do.
#[derive(Debug)]
struct Shown<'a> {
    code: String,
    message: String,
    error: &'a ErrorReport,
}

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(self.error.help()))
    }
}

/// Renders a failure for the summary: `what` is `failed` or `error`, `message` the line
/// people read first. Never coloured (the summary is plain text) and never wrapped, so a
/// message can be searched for in a CI log.
pub(crate) fn render(what: &str, message: String, error: &ErrorReport) -> String {
    let shown = Shown {
        code: format!("{what}[{}]", error.kind.as_str()),
        message,
        error,
    };
    let mut out = String::new();
    let rendered = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .without_cause_chain()
        .with_wrap_lines(false)
        .render_report(&mut out, &shown);
    if rendered.is_err() {
        out = format!(
            "{}: {}\n  help: {}\n",
            shown.code,
            shown.message,
            error.help()
        );
    }
    // A blank line ends the block, as between the compiler-style errors of `validate`.
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_follows_zendesks_code_not_its_message() {
        let mut error = ErrorReport::ours(ErrorKind::Rejected, "TriggerCategoryNotEmpty");
        assert!(
            error
                .help()
                .starts_with("Zendesk refused the write as sent")
        );
        error.code = Some("TriggerCategoryNotEmpty".into());
        assert!(
            error
                .help()
                .starts_with("a category holding active triggers")
        );
    }

    #[test]
    fn a_failure_renders_with_its_kind_and_help() {
        let error = ErrorReport {
            kind: ErrorKind::Rejected,
            status: Some(422),
            code: Some("RecordInvalid".into()),
            object: Some("trigger 1".into()),
            message: "Record validation errors".into(),
        };
        let text = render(
            "failed",
            "acme.trigger.t1: trigger 1: refused".into(),
            &error,
        );
        assert_eq!(
            text,
            "failed[rejected]\n\n  × acme.trigger.t1: trigger 1: refused\n  help: Zendesk refused \
             the write as sent (its reason is quoted above): fix that in the policy, then plan \
             and apply again\n\n"
        );
    }
}
