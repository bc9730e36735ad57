//! Counting a plan: the summary line every view ends with, and the exit-code question "are
//! there changes?".

use serde::{Deserialize, Serialize};

use super::model::{AccountPlan, ChangeAction, Plan};

/// How many changes of each kind a plan (or one account's plan) holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Creates.
    pub add: usize,
    /// Updates.
    pub change: usize,
    /// Deletes.
    pub destroy: usize,
    /// Manual steps (known to be needed or not), not counting confirmed ones.
    pub manual: usize,
    /// Manual steps recorded as done (`messaging.confirmed`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub confirmed: usize,
    /// Accounts (or, for one account, 0 or 1) with errors.
    pub accounts_with_errors: usize,
}

impl Summary {
    /// Counts a whole plan.
    pub fn of(plan: &Plan) -> Self {
        plan.accounts
            .iter()
            .map(Self::of_account)
            .fold(Self::default(), |a, b| Self {
                add: a.add + b.add,
                change: a.change + b.change,
                destroy: a.destroy + b.destroy,
                manual: a.manual + b.manual,
                confirmed: a.confirmed + b.confirmed,
                accounts_with_errors: a.accounts_with_errors + b.accounts_with_errors,
            })
    }

    /// Counts one account.
    pub fn of_account(account: &AccountPlan) -> Self {
        let confirmed = account.changes.iter().filter(|c| c.is_confirmed()).count();
        let count = |action| account.count(action);
        Self {
            add: count(ChangeAction::Create),
            change: count(ChangeAction::Update),
            destroy: count(ChangeAction::Delete),
            manual: count(ChangeAction::Manual) - confirmed,
            confirmed,
            accounts_with_errors: usize::from(account.has_errors()),
        }
    }

    /// Whether there is nothing to do at all (no changes, no manual steps).
    pub fn is_empty(&self) -> bool {
        self.add + self.change + self.destroy + self.manual == 0
    }

    /// `Plan: 2 to add, 3 to change, 0 to destroy, 1 manual step.`, with `, 1 confirmed` before
    /// the full stop when manual steps are recorded as done.
    pub fn line(&self) -> String {
        let steps = if self.manual == 1 { "step" } else { "steps" };
        let confirmed = if self.confirmed > 0 {
            format!(", {} confirmed", self.confirmed)
        } else {
            String::new()
        };
        format!(
            "Plan: {} to add, {} to change, {} to destroy, {} manual {steps}{confirmed}.",
            self.add, self.change, self.destroy, self.manual
        )
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The line a view shows when there is nothing to do.
pub const NO_CHANGES: &str = "No changes. Live state matches the policy.";

/// Whether applying the plan would change anything: a create, update or delete, or a manual
/// step whose live value was read and differs. Manual steps whose live value cannot be read
/// do not count, or a policy with such a setting could never report "no changes".
pub fn has_changes(plan: &Plan) -> bool {
    plan.accounts
        .iter()
        .flat_map(|a| &a.changes)
        .any(super::model::Change::is_pending)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_line_is_stable() {
        let summary = Summary {
            add: 2,
            change: 3,
            destroy: 0,
            manual: 1,
            confirmed: 0,
            accounts_with_errors: 0,
        };
        assert_eq!(
            summary.line(),
            "Plan: 2 to add, 3 to change, 0 to destroy, 1 manual step."
        );
        let confirmed = Summary {
            confirmed: 2,
            ..summary
        };
        assert_eq!(
            confirmed.line(),
            "Plan: 2 to add, 3 to change, 0 to destroy, 1 manual step, 2 confirmed."
        );
        let none = Summary::default();
        assert_eq!(
            none.line(),
            "Plan: 0 to add, 0 to change, 0 to destroy, 0 manual steps."
        );
        assert!(none.is_empty());
    }
}
