//! Managed triggers: create, update, adopt or delete the triggers the policy declares, by
//! their ownership marker; never touch anyone else's.
//!
//! Position is not managed, and keys Zendesk has that zdpolicy does not send (brand,
//! restriction, …) stay as they are, since an update sends only the managed fields.

use std::collections::{BTreeMap, BTreeSet};

use super::address::{Address, ObjectKind};
use super::diagnostic::{DiagnosticCode, PlanDiagnostic};
use super::draft::Draft;
use super::fingerprint::{LiveObject, seen};
use super::model::{Change, ChangeAction};
use super::operation::{CategoryRef, Operation};
use super::ownership::Owners;
use super::trigger_state::{Desired, field_changes, live_view};
use crate::live::LiveState;
use crate::policy::model::TriggerSpec;
use crate::zendesk::wire::Trigger;

/// What planning the triggers found out that later steps need.
#[derive(Debug, Default)]
pub(crate) struct TriggerOutcome {
    /// Unmarked triggers this plan adopts (no longer unmanaged).
    pub adopted: BTreeSet<u64>,
    /// Categories to create, with the keys of the triggers that need them.
    pub new_categories: BTreeMap<String, Vec<String>>,
}

/// Plans every managed trigger, and deletes marked triggers whose key the policy dropped.
pub(crate) fn plan_triggers(
    specs: &[TriggerSpec],
    live: &LiveState,
    owners: &Owners<'_>,
    draft: &mut Draft<'_>,
) -> TriggerOutcome {
    let mut outcome = TriggerOutcome::default();
    for spec in specs {
        let desired = Desired::new(spec, live);
        let address = draft.address(ObjectKind::Trigger, desired.key);
        let adopt = spec.adopt.as_ref().is_some_and(|a| a.value);
        let Some(change) = plan_one(&desired, adopt, address, live, owners, draft, &mut outcome)
        else {
            continue;
        };
        if matches!(change.action, ChangeAction::Create | ChangeAction::Update)
            && let Some(CategoryRef::Planned { name }) = &desired.category
        {
            outcome
                .new_categories
                .entry(name.clone())
                .or_default()
                .push(desired.key.to_owned());
        }
        draft.changes.push(change);
    }
    plan_deletes(specs, live, owners, draft);
    outcome
}

/// The change for one managed trigger, or `None` (with an error recorded) when ownership is
/// unclear.
fn plan_one(
    desired: &Desired<'_>,
    adopt: bool,
    address: Address,
    live: &LiveState,
    owners: &Owners<'_>,
    draft: &mut Draft<'_>,
    outcome: &mut TriggerOutcome,
) -> Option<Change> {
    match owners.managed.get(desired.key).map(Vec::as_slice) {
        Some([trigger]) => return Some(update(desired, trigger, address, live, None)),
        Some(several) if several.len() > 1 => {
            draft.error(duplicate_ownership(address, desired.key, several));
            return None;
        }
        _ => {}
    }
    let same_title: Vec<&Trigger> = owners
        .unmanaged
        .iter()
        .copied()
        .filter(|t| t.title == desired.title)
        .collect();
    match (same_title.as_slice(), adopt) {
        ([], _) => Some(create(desired, address)),
        ([trigger], true) => {
            outcome.adopted.insert(trigger.id);
            let reason = format!(
                "adopts trigger {} \"{}\" (adopt: true): zdpolicy adds its ownership marker and \
                 manages it from now on",
                trigger.id, trigger.title
            );
            Some(update(desired, trigger, address, live, Some(reason)))
        }
        (several, true) => {
            draft.error(
                PlanDiagnostic::error(
                    DiagnosticCode::AdoptAmbiguous,
                    Some(address),
                    format!(
                        "adopt: true, but {} unmanaged triggers are titled \"{}\" (ids {})",
                        several.len(),
                        desired.title,
                        ids(several)
                    ),
                )
                .with_help(
                    "rename or delete the extra triggers in Zendesk so one remains to adopt",
                ),
            );
            None
        }
        (several, false) => {
            draft.error(
                PlanDiagnostic::error(
                    DiagnosticCode::TriggerConflict,
                    Some(address),
                    format!(
                        "trigger {} titled \"{}\" exists and is not managed by zdpolicy; it is left \
                         alone and no second trigger with its title is created",
                        ids(several),
                        desired.title
                    ),
                )
                .with_help(format!(
                    "to let zdpolicy take it over (and overwrite it with the policy), add \
                     `adopt: true` to trigger `{}` in the policy; or give the policy's trigger \
                     another title",
                    desired.key
                )),
            );
            None
        }
    }
}

fn create(desired: &Desired<'_>, address: Address) -> Change {
    let mut change = Change::new(
        address,
        ChangeAction::Create,
        None,
        Some(desired.view(None)),
    );
    change.operation = Some(Operation::CreateTrigger {
        trigger: desired.write(),
    });
    change
}

fn update(
    desired: &Desired<'_>,
    trigger: &Trigger,
    address: Address,
    live: &LiveState,
    reason: Option<String>,
) -> Change {
    let before = live_view(trigger, live);
    let after = desired.view(before.get("category").cloned());
    let fields = field_changes(desired, trigger, live, &before, &after);
    let adopting = reason.is_some();
    let only_marker_missing = adopting
        && fields.iter().all(|f| f.field == "description")
        && desired
            .same_unmarked_description(trigger.description.as_ref().and_then(Option::as_deref));
    if fields.is_empty() || only_marker_missing {
        // An adopted trigger that already matches is identified by its title until zdpolicy
        // next writes it (and adds the marker): `export` followed by `plan` changes nothing.
        return Change::new(address, ChangeAction::NoOp, Some(before), Some(after));
    }
    let mut change = Change::new(address, ChangeAction::Update, Some(before), Some(after));
    change.fields = fields;
    change.reason = reason;
    change.seen = seen(live, LiveObject::Trigger { id: trigger.id });
    change.operation = Some(Operation::UpdateTrigger {
        id: trigger.id,
        trigger: desired.write(),
    });
    change
}

/// Marked triggers whose key is no longer in the policy are deleted; nothing else ever is.
fn plan_deletes(
    specs: &[TriggerSpec],
    live: &LiveState,
    owners: &Owners<'_>,
    draft: &mut Draft<'_>,
) {
    let keys: BTreeSet<&str> = specs.iter().map(|s| s.key.value.as_str()).collect();
    for (key, triggers) in &owners.managed {
        if keys.contains(key) {
            continue;
        }
        let address = draft.address(ObjectKind::Trigger, key);
        let [trigger] = triggers.as_slice() else {
            draft.error(duplicate_ownership(address, key, triggers));
            continue;
        };
        let mut change = Change::new(
            address,
            ChangeAction::Delete,
            Some(live_view(trigger, live)),
            None,
        );
        change.reason = Some(format!(
            "trigger {} carries zdpolicy's marker for key `{key}`, which the policy no longer declares",
            trigger.id
        ));
        change.seen = seen(live, LiveObject::Trigger { id: trigger.id });
        change.operation = Some(Operation::DeleteTrigger { id: trigger.id });
        draft.changes.push(change);
    }
}

fn duplicate_ownership(address: Address, key: &str, triggers: &[&Trigger]) -> PlanDiagnostic {
    PlanDiagnostic::error(
        DiagnosticCode::DuplicateOwnership,
        Some(address),
        format!(
            "{} triggers (ids {}) carry zdpolicy's marker for key `{key}`; zdpolicy changes none \
             of them until one remains",
            triggers.len(),
            ids(triggers)
        ),
    )
    .with_help("delete the copies in Zendesk, or remove the marker line from their descriptions")
}

fn ids(triggers: &[&Trigger]) -> String {
    triggers
        .iter()
        .map(|t| t.id.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
