//! What apply does with each change and in which order: the decision made before any write
//! (apply it, or skip it as stale), and the rank that puts categories before the triggers that
//! need them, triggers before positions, and positions before settings.

use crate::plan::{Change, ChangeAction, Operation};

/// What to do with a change, decided before any write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Apply it.
    Apply,
    /// Skip it: stale (the reason).
    Stale(String),
}

/// One change of an account and what to do with it. To apply, the change is the one planned
/// from the policy and a fresh read (never one read from a plan file); to skip, the reviewed
/// one, for the report.
#[derive(Debug, Clone)]
pub struct Step<'a> {
    /// The change.
    pub change: &'a Change,
    /// What to do with it.
    pub decision: Decision,
}

/// The steps in the order apply makes them: categories (which triggers may need), then
/// triggers, then settings, stricter Sunshine Conversations settings first (reopening off
/// before end sessions on, end sessions off before reopening on: Zendesk requires reopening
/// off while end users can end sessions); manual steps and skipped no-ops last. Stable: within
/// a rank, the plan's (address) order.
pub fn in_order(mut steps: Vec<Step<'_>>) -> Vec<Step<'_>> {
    steps.sort_by_key(|s| rank(s.change));
    steps
}

fn rank(change: &Change) -> u8 {
    match change.operation.as_deref() {
        Some(Operation::CreateCategory { .. }) => 0,
        Some(
            Operation::CreateTrigger { .. }
            | Operation::UpdateTrigger { .. }
            | Operation::DeleteTrigger { .. },
        ) => 1,
        Some(Operation::SetPositions { .. }) => 2,
        Some(Operation::UpdateAccountSettings { .. }) => 3,
        Some(Operation::UpdateSunshineApp { settings, .. }) => {
            let stricter = settings.disable_conversation_reopen == Some(true)
                || settings.end_session_enabled == Some(false);
            if stricter { 3 } else { 4 }
        }
        None => 5,
    }
}

/// Whether apply (or a person) has something to do for a change: an operation to send or a
/// manual step to list (not one recorded as done).
pub fn has_work(change: &Change) -> bool {
    change.operation.is_some() || change.action == ChangeAction::Manual && !change.is_confirmed()
}
