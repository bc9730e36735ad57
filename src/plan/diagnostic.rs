//! Findings a plan reports besides its changes: account errors, ownership conflicts.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::address::Address;
use crate::policy::source::{Location, Locator, Span};

/// How serious a finding is: the same scale as the policy's diagnostics. An account with an
/// error is planned only in part; apply must not run it.
pub use crate::policy::diagnostic::Severity;

/// The kind of finding: a stable, kebab-case code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiagnosticCode {
    /// The account's live state could not be read.
    AccountUnreadable,
    /// The account has no trigger with the messaging CSAT trigger's title.
    CsatTriggerMissing,
    /// Several triggers have the messaging CSAT trigger's title.
    CsatTriggerAmbiguous,
    /// The "Messaging session ended reason" condition is not offered (agents cannot end
    /// sessions) and the policy gives no `session_ended_condition`.
    SessionEndedConditionMissing,
    /// The policy sets a Sunshine Conversations setting but the app was not read.
    SunshineAppNotRead,
    /// End users ending sessions lacks a prerequisite (multi-conversations on, reopening off).
    EndSessionPrerequisite,
    /// A setting needs messaging, which the account does not have (off, or not on its plan).
    MessagingUnavailable,
    /// The CSAT edit needs customer satisfaction, which is off for the account.
    CsatUnavailable,
    /// A managed trigger names a category, and the account has no trigger categories.
    TriggerCategoriesOff,
    /// A setting that does not apply to the account (e.g. routing without omnichannel routing).
    NotApplicable,
    /// A confirmed manual step was confirmed for another value than the policy wants now.
    ConfirmationOutdated,
    /// A confirmation of a manual step whose live value is readable (and differs).
    ConfirmationIgnored,
    /// A trigger zdpolicy does not manage has a managed trigger's title.
    TriggerConflict,
    /// `adopt: true`, but several unmanaged triggers have the title.
    AdoptAmbiguous,
    /// Several triggers carry the ownership marker of one key.
    DuplicateOwnership,
    /// `trigger_ids` pins a key to a trigger id the account does not have.
    PinnedTriggerMissing,
    /// `trigger_ids` pins a key to a trigger that carries another key's marker.
    PinnedTriggerOwned,
    /// A trigger carries the marker of a key that is pinned to another trigger (warning).
    StrayMarker,
    /// A managed trigger's condition or action field is not in the account's definitions.
    FieldNotOffered,
    /// A condition's operator is not one the account's definitions offer for its field.
    OperatorNotOffered,
    /// A value is not one the account's definitions list for its field.
    ValueNotOffered,
    /// A reference names an object the account does not have (or has only inactive).
    ReferenceNotFound,
    /// A reference names an object of which the account has several of that name.
    ReferenceAmbiguous,
    /// A placement's `after`/`before` names no trigger of the category (or placed triggers
    /// name each other in a circle).
    UnknownAnchor,
    /// `trigger_categories` names a category the account does not have.
    UnknownCategory,
}

impl DiagnosticCode {
    /// Every code.
    pub const ALL: &'static [Self] = &[
        Self::AccountUnreadable,
        Self::CsatTriggerMissing,
        Self::CsatTriggerAmbiguous,
        Self::SessionEndedConditionMissing,
        Self::SunshineAppNotRead,
        Self::EndSessionPrerequisite,
        Self::MessagingUnavailable,
        Self::CsatUnavailable,
        Self::TriggerCategoriesOff,
        Self::NotApplicable,
        Self::ConfirmationOutdated,
        Self::ConfirmationIgnored,
        Self::TriggerConflict,
        Self::AdoptAmbiguous,
        Self::DuplicateOwnership,
        Self::PinnedTriggerMissing,
        Self::PinnedTriggerOwned,
        Self::StrayMarker,
        Self::FieldNotOffered,
        Self::OperatorNotOffered,
        Self::ValueNotOffered,
        Self::ReferenceNotFound,
        Self::ReferenceAmbiguous,
        Self::UnknownAnchor,
        Self::UnknownCategory,
    ];

    /// The code as written in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccountUnreadable => "account-unreadable",
            Self::CsatTriggerMissing => "csat-trigger-missing",
            Self::CsatTriggerAmbiguous => "csat-trigger-ambiguous",
            Self::SessionEndedConditionMissing => "session-ended-condition-missing",
            Self::SunshineAppNotRead => "sunshine-app-not-read",
            Self::EndSessionPrerequisite => "end-session-prerequisite",
            Self::MessagingUnavailable => "messaging-unavailable",
            Self::CsatUnavailable => "csat-unavailable",
            Self::TriggerCategoriesOff => "trigger-categories-off",
            Self::NotApplicable => "not-applicable",
            Self::ConfirmationOutdated => "confirmation-outdated",
            Self::ConfirmationIgnored => "confirmation-ignored",
            Self::TriggerConflict => "trigger-conflict",
            Self::AdoptAmbiguous => "adopt-ambiguous",
            Self::DuplicateOwnership => "duplicate-ownership",
            Self::PinnedTriggerMissing => "pinned-trigger-missing",
            Self::PinnedTriggerOwned => "pinned-trigger-owned",
            Self::StrayMarker => "stray-marker",
            Self::FieldNotOffered => "field-not-offered",
            Self::OperatorNotOffered => "operator-not-offered",
            Self::ValueNotOffered => "value-not-offered",
            Self::ReferenceNotFound => "reference-not-found",
            Self::ReferenceAmbiguous => "reference-ambiguous",
            Self::UnknownAnchor => "unknown-anchor",
            Self::UnknownCategory => "unknown-category",
        }
    }
}

impl fmt::Display for DiagnosticCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDiagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// What kind of finding it is.
    pub code: DiagnosticCode,
    /// The object it is about, if any (account-wide findings have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Where in the policy files the problem was written (`file`, `line`, `column`), for
    /// findings about a policy value.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl PlanDiagnostic {
    /// An error.
    pub fn error(
        code: DiagnosticCode,
        address: Option<Address>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            code,
            address,
            message: message.into(),
            help: None,
            location: None,
        }
    }

    /// A warning: worth knowing, the plan is complete.
    pub fn warning(
        code: DiagnosticCode,
        address: Option<Address>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, address, message)
        }
    }

    /// Adds advice.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Says where in the policy the problem was written.
    #[must_use]
    pub fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The errors found in one managed object's written values, each located in the policy
/// where it was written: how the definitions check and reference resolution report.
pub(crate) struct LocatedErrors<'a> {
    address: &'a Address,
    locator: &'a Locator,
    errors: Vec<PlanDiagnostic>,
}

impl<'a> LocatedErrors<'a> {
    /// None yet, about `address`, located through `locator`.
    pub fn new(address: &'a Address, locator: &'a Locator) -> Self {
        Self {
            address,
            locator,
            errors: Vec::new(),
        }
    }

    /// Adds an error with advice, located where `span` of the policy is.
    pub fn push(&mut self, code: DiagnosticCode, span: Span, message: String, help: String) {
        self.errors.push(
            PlanDiagnostic::error(code, Some(self.address.clone()), message)
                .with_help(help)
                .at(self.locator.locate(span)),
        );
    }

    /// Whether none was found.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The errors, in the order found.
    pub fn into_vec(self) -> Vec<PlanDiagnostic> {
        self.errors
    }
}

/// A trigger the policy does not manage, listed when `unmanaged_triggers: report`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmanagedTrigger {
    /// Its id.
    pub id: u64,
    /// Its title, exactly as Zendesk has it.
    pub title: String,
    /// Whether it runs.
    pub active: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_location_is_three_flat_keys_and_optional() {
        let located =
            PlanDiagnostic::error(DiagnosticCode::FieldNotOffered, None, "m").at(Some(Location {
                file: "p.yaml".into(),
                line: 3,
                column: 7,
            }));
        let value = serde_json::to_value(&located).expect("serialise");
        assert_eq!(
            value,
            json!({"severity": "error", "code": "field-not-offered", "message": "m",
                   "file": "p.yaml", "line": 3, "column": 7})
        );
        let back: PlanDiagnostic = serde_json::from_value(value).expect("read back");
        assert_eq!(back, located);
        let plain: PlanDiagnostic = serde_json::from_value(
            json!({"severity": "error", "code": "trigger-conflict", "message": "m"}),
        )
        .expect("read without a location");
        assert_eq!(plain.location, None);
    }
}
