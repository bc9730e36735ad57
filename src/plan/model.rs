//! The plan: one serialisable value that every view reads and apply executes.
//!
//! `before`/`after` mean the same for every action (Terraform's `Change`): the managed view of
//! the object now and after apply, `null` where there is none, and in a no-op, which has
//! nothing to show (see [`Change::no_op`]). Explanations for people live in
//! `reason`, which apply never reads; what apply sends lives in `operation`. A trigger create
//! holds its body once, in `operation`; its `after` is drawn from there where it is shown
//! ([`Change::after_view`]).

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::address::Address;
use super::diagnostic::{PlanDiagnostic, UnmanagedTrigger};
use super::fingerprint::Seen;
use super::manual::{LiveValue, ManualStep};
use super::operation::{Operation, TriggerWrite};
use super::references::ResolvedReference;
use crate::policy::model::{AccountName, Subdomain};
use crate::policy::resolve::SafetyLimits;

/// The version of the plan's JSON view (`plan --format json`).
pub const FORMAT_VERSION: &str = "2.0";

/// The version of the saved-plan file (`plan --out`): the JSON view with each trigger body
/// written once, in a table (see [`super::saved`]). A reader accepts its own major version and
/// refuses a newer minor one.
pub const SAVED_FORMAT_VERSION: &str = "3.0";

/// The zdpolicy version that writes plans.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A plan for every account of a policy, in account-name order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// [`FORMAT_VERSION`]: the version of the JSON view the plan is written as (a saved plan
    /// read back has it too; the file's own version is checked when it is read).
    pub format_version: String,
    /// The zdpolicy version that made the plan.
    pub tool_version: String,
    /// sha256 of the resolved policy the plan was made from (see [`super::policy_hash`]).
    pub policy_hash: String,
    /// The `--target` patterns the plan was narrowed to, sorted; empty (and not written) for
    /// a plan of everything. Apply narrows the plan it makes again by the same targets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    /// One plan per account.
    pub accounts: Vec<AccountPlan>,
}

impl Plan {
    /// Whether any account has an error (it was read or planned only in part).
    pub fn has_errors(&self) -> bool {
        self.accounts.iter().any(AccountPlan::has_errors)
    }
}

/// The plan for one account. Serialised as `super::document` writes it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AccountPlan {
    /// The account's name in the policy.
    #[serde(deserialize_with = "account_name")]
    pub account: AccountName,
    /// Its Zendesk subdomain.
    #[serde(deserialize_with = "subdomain")]
    pub subdomain: Subdomain,
    /// Where the plan read it, e.g. `acme.zendesk.com` or `127.0.0.1:7357/acme` (the base URL
    /// without its scheme); set by the edge that read it, `None` in a plan made from a
    /// given live state. Shown in headers only: apply does not compare it, since the same
    /// account may be reached at another address (a sandbox's port changes between runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The safety limits in force for it.
    pub safety: Limits,
    /// Every managed object, in address order, including those with nothing to do.
    pub changes: Vec<Change>,
    /// Errors and conflicts.
    #[serde(default)]
    pub diagnostics: Vec<PlanDiagnostic>,
    /// Triggers the policy does not manage, when it asks for them (`unmanaged_triggers:
    /// report`); `None` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unmanaged_triggers: Option<Vec<UnmanagedTrigger>>,
}

impl AccountPlan {
    /// Whether the account has an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(PlanDiagnostic::is_error)
    }

    /// How many of its changes are `action`s.
    pub fn count(&self, action: ChangeAction) -> usize {
        self.changes.iter().filter(|c| c.action == action).count()
    }
}

/// The safety limits an account's plan was made under (`safety` in the policy, defaults
/// applied).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Most managed triggers one plan may delete.
    pub max_deletes: u32,
    /// Most managed objects, in percent, one plan may change or delete (checked once the
    /// account has at least 10 managed objects).
    pub max_changed_percent: u32,
}

impl From<SafetyLimits> for Limits {
    fn from(limits: SafetyLimits) -> Self {
        Self {
            max_deletes: limits.max_deletes,
            max_changed_percent: limits.max_changed_percent,
        }
    }
}

/// What a change does: a closed set with fixed meanings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeAction {
    /// Create the object (`before` is `null`).
    Create,
    /// Change the object in place.
    Update,
    /// Delete the object (`after` is `null`); only triggers zdpolicy owns.
    Delete,
    /// Nothing to do: live state matches the policy.
    NoOp,
    /// A person must do it in Admin Center (see [`Change::manual`]).
    Manual,
}

impl ChangeAction {
    /// The action as written in output: `create`, `update`, `delete`, `no-op`, `manual`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
            Self::NoOp => "no-op",
            Self::Manual => "manual",
        }
    }

    /// The action named `s` (as written by [`Self::as_str`]).
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Create,
            Self::Update,
            Self::Delete,
            Self::NoOp,
            Self::Manual,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

/// A field of a managed object whose value changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The field, e.g. `title`, `conditions.all`, `value`.
    pub field: String,
    /// Its value now (`null` when unset).
    pub before: Value,
    /// Its value after apply.
    pub after: Value,
}

/// The planned change of one managed object. Serialised as `super::document` writes it, with
/// `after` from [`Change::after_view`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Change {
    /// Which object.
    pub address: Address,
    /// What happens to it. Written as a one-item list (`["update"]`), as Terraform does.
    #[serde(rename = "actions", deserialize_with = "action_list::deserialize")]
    pub action: ChangeAction,
    /// The managed view of the object now; `null` when it does not exist or cannot be read.
    /// Boxed, like `after`: a value inline is 72 bytes, and the 200,000 no-ops of a converged
    /// plan of 1,000 accounts hold neither.
    pub before: Option<Box<Value>>,
    /// The managed view after apply; `null` when it will not exist. `None` in a trigger
    /// create too, whose view is its operation's trigger: read [`Change::after_view`], which
    /// draws it from there, rather than this field.
    #[serde(default)]
    pub after: Option<Box<Value>>,
    /// For updates: the fields that change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    /// Why, for people (apply does not read it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The live object the change touches and its fingerprint when planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<Box<Seen>>,
    /// What apply sends (creates, updates and deletes only). Boxed, like `seen` and
    /// `manual`, because most changes of a converged plan are no-ops that hold none of
    /// them: inline, the three were 584 of a change's 912 bytes (see docs/performance.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<Box<Operation>>,
    /// The Admin Center step (manual changes only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<Box<ManualStep>>,
    /// The objects a managed trigger names by reference, with the ids they resolved to in
    /// this account (`after` and `operation` hold the ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<ResolvedReference>,
    /// For people reading an update: the ids the live trigger (`before`) holds that name an
    /// object of a list the account read, with its name, so a diff names both sides. Apply
    /// and the stale check never read them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before_names: Vec<ResolvedReference>,
    /// For order changes: each trigger or category that moves, for people (apply sends the
    /// positions in `operation`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub moves: Vec<Move>,
}

/// One trigger (or category) an order change moves. Places count from 1 in execution order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Move {
    /// What moves: a managed trigger's key, or a category's name.
    pub name: String,
    /// Its place now; `None` when it is not in this list yet (created, or moved here from
    /// another category).
    pub from: Option<usize>,
    /// Its place after apply.
    pub to: usize,
    /// The title (or category name) of what it runs right before after apply, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// What it runs right after, when nothing follows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

impl Change {
    /// A no-op: nothing to do, so no documents either. Its `before` and `after` would only
    /// repeat the policy and the live state; at 1,000 accounts × 200 triggers they were most
    /// of a converged plan's size. Staleness of a reviewed no-op is told by what the object
    /// needs now (see `apply::stale`).
    pub fn no_op(address: Address) -> Self {
        Self::new(address, ChangeAction::NoOp, None, None)
    }

    /// The create of a trigger: `write` is held once, as the operation, and shown as `after`
    /// by [`Change::after_view`]. Two copies of every created trigger were half of an
    /// all-creates plan's memory at 1,000 accounts.
    pub fn create_trigger(address: Address, write: TriggerWrite) -> Self {
        let mut change = Self::new(address, ChangeAction::Create, None, None);
        change.operation = Some(Box::new(Operation::CreateTrigger { trigger: write }));
        change
    }

    /// The managed view after apply, as every view shows it: [`Change::after`], or for a
    /// trigger create that holds none, its operation's trigger as a document
    /// ([`TriggerWrite::view`], with no category when it names none: Zendesk picks).
    pub fn after_view(&self) -> Option<Cow<'_, Value>> {
        if let Some(after) = self.after.as_deref() {
            return Some(Cow::Borrowed(after));
        }
        match (self.operation.as_deref(), self.action) {
            (Some(Operation::CreateTrigger { trigger }), ChangeAction::Create) => {
                Some(Cow::Owned(trigger.view(None)))
            }
            _ => None,
        }
    }

    /// A change with no fields, reason, fingerprint, operation or manual step yet.
    pub fn new(
        address: Address,
        action: ChangeAction,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Self {
        Self {
            address,
            action,
            before: before.map(Box::new),
            after: after.map(Box::new),
            fields: Vec::new(),
            reason: None,
            seen: None,
            operation: None,
            manual: None,
            references: Vec::new(),
            before_names: Vec::new(),
            moves: Vec::new(),
        }
    }

    /// Whether apply (or a person) has something to do: creates, updates, deletes, and manual
    /// steps whose live value is known to differ. A manual step whose live value cannot be
    /// read is not counted: it would never go away; nor is a confirmed one.
    pub fn is_pending(&self) -> bool {
        match self.action {
            ChangeAction::Create | ChangeAction::Update | ChangeAction::Delete => true,
            ChangeAction::NoOp => false,
            ChangeAction::Manual => self
                .manual
                .as_ref()
                .is_some_and(|m| m.live_value == LiveValue::Differs),
        }
    }

    /// Whether this is a manual step recorded as done (`messaging.confirmed`).
    pub fn is_confirmed(&self) -> bool {
        self.manual
            .as_ref()
            .is_some_and(|m| m.live_value == LiveValue::Confirmed)
    }
}

mod action_list {
    use super::{ChangeAction, Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<ChangeAction, D::Error> {
        let list = Vec::<String>::deserialize(deserializer)?;
        match list.as_slice() {
            [one] => ChangeAction::parse(one).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "unknown action `{one}` (expected create, update, delete, no-op or manual)"
                ))
            }),
            _ => Err(serde::de::Error::custom(
                "`actions` must hold exactly one action",
            )),
        }
    }
}

fn account_name<'de, D: Deserializer<'de>>(deserializer: D) -> Result<AccountName, D::Error> {
    let text = String::deserialize(deserializer)?;
    AccountName::parse(&text).map_err(serde::de::Error::custom)
}

fn subdomain<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Subdomain, D::Error> {
    let text = String::deserialize(deserializer)?;
    Subdomain::parse(&text).map_err(|(message, _)| serde::de::Error::custom(message))
}

/// Serialises `value` for a plan's `before`/`after`. The wire and model types always
/// serialise (string keys, no non-finite floats), so a failure cannot happen; `null` stands in.
pub(crate) fn json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_holds_inline_only_what_a_no_op_needs() {
        // A converged plan of 1,000 accounts × 200 triggers is 200,000 no-ops: every byte of
        // a change is 200 KB there. Its documents, operation, manual step and fingerprint
        // stay boxed.
        let size = std::mem::size_of::<Change>();
        assert!(size <= 224, "a change is {size} bytes");
    }
}
