//! Safety: limits that stop a plan changing too much at once, checked as a pure function of
//! the plan, like octoDNS's `Plan.raise_if_unsafe`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::model::{ChangeAction, Plan};
use crate::policy::model::AccountName;

/// Below this many managed objects an account is too small for a percentage to mean much
/// (octoDNS uses the same threshold).
pub const MIN_OBJECTS_FOR_PERCENT: usize = 10;

/// Which limit a plan exceeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SafetyLimit {
    /// `safety.max_deletes`.
    MaxDeletes,
    /// `safety.max_changed_percent`.
    MaxChangedPercent,
}

/// A limit one account's plan exceeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SafetyViolation {
    /// The account.
    pub account: AccountName,
    /// The limit.
    pub limit: SafetyLimit,
    /// What the limit allows (a count, or a percentage).
    pub allowed: u32,
    /// What the plan does: deletes, or changed and deleted objects.
    pub planned: usize,
    /// The account's managed objects that exist now (the base of the percentage).
    pub managed: usize,
}

impl fmt::Display for SafetyViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            account,
            allowed,
            planned,
            managed,
            ..
        } = self;
        match self.limit {
            SafetyLimit::MaxDeletes => write!(
                f,
                "{account}: the plan deletes {planned} managed trigger(s), more than \
                 safety.max_deletes ({allowed}) allows"
            )?,
            SafetyLimit::MaxChangedPercent => write!(
                f,
                "{account}: the plan changes or deletes {planned} of {managed} managed objects, \
                 more than safety.max_changed_percent ({allowed}%) allows"
            )?,
        }
        f.write_str(
            "; review the plan, then raise the limit in the policy or pass --force to override",
        )
    }
}

/// The limits each account's plan exceeds; none with `force`. Managed objects are those that
/// exist now (every change but a create); changed are updates and deletes.
pub fn check_safety(plan: &Plan, force: bool) -> Vec<SafetyViolation> {
    if force {
        return Vec::new();
    }
    let mut violations = Vec::new();
    for account in &plan.accounts {
        let count = |action| account.count(action);
        let deletes = count(ChangeAction::Delete);
        let changed = count(ChangeAction::Update) + deletes;
        let managed = account.changes.len() - count(ChangeAction::Create);
        let limits = account.safety;
        let violation = |limit, allowed, planned| SafetyViolation {
            account: account.account.clone(),
            limit,
            allowed,
            planned,
            managed,
        };
        if deletes > limits.max_deletes as usize {
            violations.push(violation(
                SafetyLimit::MaxDeletes,
                limits.max_deletes,
                deletes,
            ));
        }
        let percent = limits.max_changed_percent as usize;
        if managed >= MIN_OBJECTS_FOR_PERCENT && changed * 100 > percent * managed {
            violations.push(violation(
                SafetyLimit::MaxChangedPercent,
                limits.max_changed_percent,
                changed,
            ));
        }
    }
    violations
}
