//! The apply report: per account, what happened to each change. Written as JSON with
//! `--report FILE`, and always summarised on stderr.

use serde::{Deserialize, Serialize};

use super::failure::render;
pub use super::failure::{ErrorKind, ErrorReport};
use crate::plan::{Change, ChangeAction, ManualStep, PlanDiagnostic};

/// The report's format version. 2.0: `error` is an object (`kind`, `status`, `code`,
/// `object`, `message`) on failed changes and failed accounts, and accounts whose plan has
/// errors list them in `diagnostics`.
pub const REPORT_FORMAT_VERSION: &str = "2.0";

/// What happened to one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Written to Zendesk (or found already written, for a retried create).
    Applied,
    /// Left alone because the object changed in Zendesk since the plan (`--skip-stale`), or
    /// refused with the whole apply for the same reason.
    SkippedStale,
    /// The write failed; the account stopped here.
    Failed,
    /// Not tried: an earlier change of the account failed, the apply was refused or interrupted.
    NotAttempted,
    /// A manual step, listed for a person to do.
    PendingManual,
}

/// One change's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeReport {
    /// The change's address, e.g. `acme-prod.trigger.vip-messaging`.
    pub address: String,
    /// What the plan said to do.
    #[serde(with = "action_name")]
    pub action: ChangeAction,
    /// What happened.
    pub outcome: Outcome,
    /// The Zendesk id of a created object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_id: Option<String>,
    /// Why it failed, was skipped, or was not attempted, in words (never repeating the
    /// account, which the address names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For a failed change: the failure as data (Zendesk's status and code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorReport>,
    /// The Admin Center steps of a manual change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<ManualStep>,
}

impl ChangeReport {
    /// The report of `change` with `outcome` and nothing else known yet.
    pub fn new(change: &Change, outcome: Outcome) -> Self {
        Self {
            address: change.address.to_string(),
            action: change.action,
            outcome,
            created_id: None,
            detail: None,
            error: None,
            manual: change.manual.as_deref().cloned(),
        }
    }
}

/// One account's outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountReport {
    /// The account's name.
    pub account: String,
    /// Each change with something to do, in the order it was (or would have been) applied.
    pub changes: Vec<ChangeReport>,
    /// Why nothing was written to the account (its plan has errors, its live state could
    /// not be read again, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorReport>,
    /// The errors of the account's plan that kept it from being applied, each located in
    /// the policy where it can be.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<PlanDiagnostic>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplyReport {
    /// [`REPORT_FORMAT_VERSION`].
    pub format_version: String,
    /// The zdpolicy version that applied.
    pub tool_version: String,
    /// The policy hash of the plan applied.
    pub policy_hash: String,
    /// Whether the apply was refused before any write (stale objects without `--skip-stale`).
    pub refused: bool,
    /// Whether a signal (Ctrl-C, SIGTERM) stopped it early.
    pub interrupted: bool,
    /// Per account.
    pub accounts: Vec<AccountReport>,
}

/// Counts of outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Applied changes.
    pub applied: usize,
    /// Failed changes.
    pub failed: usize,
    /// Stale changes skipped or refused.
    pub skipped_stale: usize,
    /// Changes not attempted.
    pub not_attempted: usize,
    /// Manual steps left for a person.
    pub pending_manual: usize,
}

impl ApplyReport {
    /// Counts of every outcome.
    pub fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for change in self.accounts.iter().flat_map(|a| &a.changes) {
            match change.outcome {
                Outcome::Applied => tally.applied += 1,
                Outcome::Failed => tally.failed += 1,
                Outcome::SkippedStale => tally.skipped_stale += 1,
                Outcome::NotAttempted => tally.not_attempted += 1,
                Outcome::PendingManual => tally.pending_manual += 1,
            }
        }
        tally
    }

    /// Whether every API change was applied (manual steps are a person's to do).
    pub fn succeeded(&self) -> bool {
        let tally = self.tally();
        !self.refused
            && !self.interrupted
            && tally.failed == 0
            && tally.skipped_stale == 0
            && tally.not_attempted == 0
            && self.accounts.iter().all(|a| a.error.is_none())
    }

    /// The summary printed on stderr: problems, the manual checklist, then one line of counts.
    pub fn summary(&self) -> String {
        let mut out = self.errors();
        self.checklist_and_headline(&mut out);
        out
    }

    /// Only the summary's error lines: accounts that failed, changes that failed or were
    /// stale (what `--quiet` still prints).
    pub fn errors(&self) -> String {
        let mut out = String::new();
        for account in &self.accounts {
            if let Some(error) = &account.error {
                let mut message = format!("{}: {}", account.account, error.message);
                for diagnostic in account.diagnostics.iter().filter(|d| d.is_error()) {
                    message.push_str(&format!("\n{}", located(diagnostic)));
                }
                out.push_str(&render("error", message, error));
            }
            for change in &account.changes {
                let detail = change.detail.as_deref().unwrap_or_default();
                match (change.outcome, &change.error) {
                    (Outcome::Failed, Some(error)) => {
                        let message = format!("{}: {detail}", change.address);
                        out.push_str(&render("failed", message, error));
                    }
                    (Outcome::Failed, None) => {
                        out.push_str(&format!("failed: {}: {detail}\n", change.address));
                    }
                    (Outcome::SkippedStale, _) => {
                        out.push_str(&format!("stale: {detail}\n"));
                    }
                    _ => {}
                }
            }
        }
        out
    }

    /// The accounts that were not applied because their plan has errors.
    pub fn accounts_with_errors(&self) -> impl Iterator<Item = &AccountReport> {
        self.accounts.iter().filter(|a| {
            a.error
                .as_ref()
                .is_some_and(|e| e.kind == ErrorKind::PlanHasErrors)
        })
    }

    fn checklist_and_headline(&self, out: &mut String) {
        let manual: Vec<&ChangeReport> = self
            .accounts
            .iter()
            .flat_map(|a| &a.changes)
            .filter(|c| c.outcome == Outcome::PendingManual)
            .collect();
        if !manual.is_empty() {
            out.push_str("\nManual steps (zdpolicy cannot do these; do them in Admin Center):\n");
            for change in manual {
                if let Some(step) = &change.manual {
                    out.push_str(&format!(
                        "  [ ] {}: {}\n      {}\n",
                        change.address, step.instruction, step.admin_center
                    ));
                }
            }
        }
        let t = self.tally();
        let headline = if self.refused {
            "Apply refused: objects changed in Zendesk since the plan (re-plan, or --skip-stale)."
        } else if self.interrupted {
            "Apply interrupted."
        } else if self.succeeded() {
            "Apply complete."
        } else {
            "Apply incomplete."
        };
        out.push_str(&format!(
            "{headline} {} applied, {} failed, {} skipped (stale), {} not attempted, {} manual step{} pending.",
            t.applied,
            t.failed,
            t.skipped_stale,
            t.not_attempted,
            t.pending_manual,
            if t.pending_manual == 1 { "" } else { "s" }
        ));
        let not_applied: Vec<&str> = self
            .accounts_with_errors()
            .map(|a| a.account.as_str())
            .collect();
        if !not_applied.is_empty() {
            out.push_str(&format!(
                " Not applied (the plan has errors there): {}.",
                not_applied.join(", ")
            ));
        }
        out.push('\n');
    }
}

/// One error of a plan, as the summary lists it: `[CODE] ADDRESS: MESSAGE (FILE:LINE:COLUMN)`.
fn located(diagnostic: &PlanDiagnostic) -> String {
    let mut text = format!("[{}] ", diagnostic.code);
    if let Some(address) = &diagnostic.address {
        text.push_str(&format!("{address}: "));
    }
    text.push_str(&diagnostic.message);
    if let Some(location) = &diagnostic.location {
        text.push_str(&format!(" ({location})"));
    }
    text
}

mod action_name {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::plan::ChangeAction;

    pub fn serialize<S: Serializer>(
        action: &ChangeAction,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(action.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<ChangeAction, D::Error> {
        let name = String::deserialize(deserializer)?;
        ChangeAction::parse(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown action {name}")))
    }
}
