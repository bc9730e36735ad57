//! How an account's plan and a change are written as JSON: one list of keys, in one order,
//! shared by the JSON view (where a trigger create's `after` is drawn from its operation) and
//! the saved plan (where trigger bodies are written once, in a table, and referred to), so the
//! two documents cannot come to list different keys.

use std::borrow::Cow;

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::address::Address;
use super::diagnostic::{PlanDiagnostic, UnmanagedTrigger};
use super::fingerprint::Seen;
use super::manual::ManualStep;
use super::model::{AccountPlan, Change, ChangeAction, FieldChange, Limits, Move, Plan};
use super::references::ResolvedReference;
use super::summary::{Summary, has_changes};
use crate::policy::model::{AccountName, Subdomain};

/// A plan as written: its header, a `summary` for consumers who only need the counts, the
/// table `B` (the saved plan's trigger bodies; `None` in the JSON view), then the accounts
/// as `A` writes them.
#[derive(Serialize)]
pub(crate) struct Document<'a, B, A> {
    format_version: &'a str,
    tool_version: &'a str,
    policy_hash: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    targets: &'a [String],
    summary: DocumentSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    trigger_bodies: Option<B>,
    accounts: A,
}

#[derive(Serialize)]
struct DocumentSummary {
    #[serde(flatten)]
    counts: Summary,
    has_changes: bool,
}

impl<'a> Document<'a, (), &'a [AccountPlan]> {
    /// The JSON view's document.
    pub fn view(plan: &'a Plan) -> Self {
        Document::new(plan, &plan.format_version, None, &plan.accounts)
    }
}

impl<'a, B, A> Document<'a, B, A> {
    /// `plan`'s document as `format_version`, with `trigger_bodies` and `accounts`.
    pub fn new(
        plan: &'a Plan,
        format_version: &'a str,
        trigger_bodies: Option<B>,
        accounts: A,
    ) -> Self {
        Self {
            format_version,
            tool_version: &plan.tool_version,
            policy_hash: &plan.policy_hash,
            targets: &plan.targets,
            summary: DocumentSummary {
                counts: Summary::of(plan),
                has_changes: has_changes(plan),
            },
            trigger_bodies,
            accounts,
        }
    }
}

/// An account's plan as written, its changes written by `C`.
#[derive(Serialize)]
pub(crate) struct AccountDoc<'a, C> {
    account: &'a AccountName,
    subdomain: &'a Subdomain,
    #[serde(skip_serializing_if = "Option::is_none")]
    host: &'a Option<String>,
    safety: &'a Limits,
    changes: C,
    diagnostics: &'a [PlanDiagnostic],
    #[serde(skip_serializing_if = "Option::is_none")]
    unmanaged_triggers: &'a Option<Vec<UnmanagedTrigger>>,
}

impl<'a, C> AccountDoc<'a, C> {
    /// `account` with its changes written by `changes`.
    pub fn of(account: &'a AccountPlan, changes: C) -> Self {
        Self {
            account: &account.account,
            subdomain: &account.subdomain,
            host: &account.host,
            safety: &account.safety,
            changes,
            diagnostics: &account.diagnostics,
            unmanaged_triggers: &account.unmanaged_triggers,
        }
    }
}

/// A change as written: `after` as given (`None` leaves the key out, which only the saved
/// plan does, for a trigger create), its operation written by `O`.
#[derive(Serialize)]
pub(crate) struct ChangeDoc<'a, O> {
    address: &'a Address,
    #[serde(rename = "actions", serialize_with = "actions")]
    action: ChangeAction,
    before: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    after: Option<Option<Cow<'a, Value>>>,
    #[serde(skip_serializing_if = "<[FieldChange]>::is_empty")]
    fields: &'a [FieldChange],
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seen: &'a Option<Box<Seen>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operation: Option<O>,
    #[serde(skip_serializing_if = "Option::is_none")]
    manual: &'a Option<Box<ManualStep>>,
    #[serde(skip_serializing_if = "<[ResolvedReference]>::is_empty")]
    references: &'a [ResolvedReference],
    #[serde(skip_serializing_if = "<[ResolvedReference]>::is_empty")]
    before_names: &'a [ResolvedReference],
    #[serde(skip_serializing_if = "<[Move]>::is_empty")]
    moves: &'a [Move],
}

impl<'a, O> ChangeDoc<'a, O> {
    /// `change` with `after` (`None`: left out) and its operation written as `operation`.
    pub fn of(
        change: &'a Change,
        after: Option<Option<Cow<'a, Value>>>,
        operation: Option<O>,
    ) -> Self {
        Self {
            address: &change.address,
            action: change.action,
            before: change.before.as_deref(),
            after,
            fields: &change.fields,
            reason: &change.reason,
            seen: &change.seen,
            operation,
            manual: &change.manual,
            references: &change.references,
            before_names: &change.before_names,
            moves: &change.moves,
        }
    }
}

/// The action as a one-item list (`["update"]`), as Terraform writes it.
fn actions<S: Serializer>(action: &ChangeAction, serializer: S) -> Result<S::Ok, S::Error> {
    [action.as_str()].serialize(serializer)
}

impl Serialize for Change {
    /// The change as the JSON view shows it, `after` drawn from the operation where the change
    /// holds none of its own (see [`Change::after_view`]).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ChangeDoc::of(self, Some(self.after_view()), self.operation.as_ref()).serialize(serializer)
    }
}

impl Serialize for AccountPlan {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        AccountDoc::of(self, &self.changes).serialize(serializer)
    }
}
