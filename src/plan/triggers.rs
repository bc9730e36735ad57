//! Managed triggers: create, update, adopt or delete the triggers the policy declares, by
//! their ownership marker; never touch anyone else's.
//!
//! Positions are planned by the order step (`order: manage`), not here, and keys Zendesk has that zdpolicy does not send (brand,
//! restriction, …) stay as they are, since an update sends only the managed fields.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::address::{Address, ObjectKind};
use super::definitions::check as check_definitions;
use super::draft::Draft;
use super::fingerprint::{LiveObject, seen};
use super::identity::{Found, claimed_ids, duplicate_ownership, find};
use super::known_ids::known_ids;
use super::model::{Change, ChangeAction, FieldChange};
use super::operation::{CategoryRef, Operation, TriggerWrite};
use super::ownership::{Owners, split_marker};
use super::references::resolve;
use super::reorder::Placed;
use super::trigger_state::{Desired, HeldRules, differing_fields, field_changes, live_view};
use crate::live::LiveState;
use crate::policy::resolve::ResolvedAccount;
use crate::zendesk::model::Trigger;

/// What planning the triggers found out that later steps need.
#[derive(Debug, Default)]
pub(crate) struct TriggerOutcome<'a> {
    /// Every managed trigger planned without a problem, in policy order (for the order step).
    pub placed: Vec<Placed<'a>>,
    /// Unmarked triggers this plan adopts (no longer unmanaged).
    pub adopted: BTreeSet<u64>,
    /// Categories to create, with the keys of the triggers that need them.
    pub new_categories: BTreeMap<String, Vec<String>>,
}

/// Plans every managed trigger, releases the released ones, and deletes marked triggers
/// whose key the policy dropped.
pub(crate) fn plan_triggers<'a>(
    account: &'a ResolvedAccount,
    live: &LiveState,
    owners: &Owners<'_>,
    draft: &mut Draft<'_>,
) -> TriggerOutcome<'a> {
    let mut outcome = TriggerOutcome::default();
    // A change is large (most of a kilobyte): growing the list one push at a time copied an
    // account's changes several times over (13 % of a converged plan's read+plan CPU in a profile).
    draft.changes.reserve(account.triggers().len());
    outcome.placed.reserve(account.triggers().len());
    let claimed = claimed_ids(account, owners);
    for spec in account.triggers() {
        let address = draft.address(ObjectKind::Trigger, spec.key.value.as_str());
        // Names become this account's ids first: everything after compares ids.
        let resolved = match resolve(spec, &live.directory, &address, &account.locator) {
            Ok(resolved) => resolved,
            Err(problems) => {
                draft.diagnostics.extend(problems);
                continue;
            }
        };
        // The order step needs the policy's own trigger (its key, title and placement, which
        // no reference changes), borrowed for as long as the account.
        let written = spec;
        let spec = &*resolved.spec;
        let desired = Desired::new(spec, live);
        let mut warnings = Vec::new();
        let found = find(spec, account, owners, &claimed, &address, &mut warnings);
        draft.diagnostics.extend(warnings);
        let found = match found {
            Err(problem) => {
                draft.error(*problem);
                continue;
            }
            Ok(found) => found,
        };
        let live_trigger = found.trigger().map(|t| (t, HeldRules::of(spec, t)));
        let problems = check_definitions(
            spec,
            live_trigger,
            &live.definitions,
            &address,
            &account.locator,
        );
        if !problems.is_empty() {
            // Nothing is planned for the trigger: the account has errors, so apply writes none
            // of it, and Zendesk never answers 422 halfway through.
            draft.diagnostics.extend(problems);
            continue;
        }
        outcome.placed.push(Placed {
            spec: written,
            id: found.trigger().map(|t| t.id),
            category: desired.category.clone(),
        });
        let held = live_trigger.map(|(_, held)| held);
        let mut change = plan_one(&desired, found, held, address, live, &mut outcome);
        change.references = resolved.references;
        if change.action == ChangeAction::Update
            && let Some(before) = &change.before
        {
            change.before_names = known_ids(before, &live.directory);
        }
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
    plan_releases(account, live, owners, draft);
    plan_deletes(live, owners, &claimed_by_policy(account), draft);
    outcome
}

/// The change for one managed trigger, once it is known which live trigger it is.
fn plan_one(
    desired: &Desired<'_>,
    found: Found<'_>,
    held: Option<HeldRules>,
    address: Address,
    live: &LiveState,
    outcome: &mut TriggerOutcome<'_>,
) -> Change {
    let renamed = |trigger: &Trigger, old: Option<&str>| {
        old.map(|old| {
            format!(
                "renames trigger {} from key `{old}` (previously: [{old}]): zdpolicy rewrites its \
                 marker and keeps the trigger",
                trigger.id
            )
        })
    };
    // A found trigger was compared with the policy already (`held`), for the definitions check.
    let held = |trigger: &Trigger| held.unwrap_or_else(|| desired.held_by(trigger));
    let (trigger, reason, adopting) = match found {
        Found::New => return create(desired, address),
        Found::Marked {
            trigger,
            renamed_from,
        } => (trigger, renamed(trigger, renamed_from), false),
        Found::Pinned {
            trigger,
            renamed_from,
        } => {
            let adopting = super::ownership::marker_key(
                trigger.description.as_ref().and_then(Option::as_deref),
            )
            .is_none();
            if adopting {
                outcome.adopted.insert(trigger.id);
            }
            let reason = renamed(trigger, renamed_from).or_else(|| {
                adopting.then(|| {
                    format!(
                        "adopts trigger {} \"{}\" (pinned in trigger_ids): zdpolicy adds its \
                         ownership marker and manages it from now on",
                        trigger.id, trigger.title
                    )
                })
            });
            (trigger, reason, adopting)
        }
        Found::Adopted(trigger) => {
            outcome.adopted.insert(trigger.id);
            let reason = format!(
                "adopts trigger {} \"{}\" (adopt: true): zdpolicy adds its ownership marker and \
                 manages it from now on",
                trigger.id, trigger.title
            );
            (trigger, Some(reason), true)
        }
    };
    update(
        desired,
        trigger,
        held(trigger),
        address,
        live,
        reason,
        adopting,
    )
}

fn create(desired: &Desired<'_>, address: Address) -> Change {
    Change::create_trigger(address, desired.write())
}

fn update(
    desired: &Desired<'_>,
    trigger: &Trigger,
    held: HeldRules,
    address: Address,
    live: &LiveState,
    reason: Option<String>,
    adopting: bool,
) -> Change {
    let fields = differing_fields(desired, trigger, held, live);
    let only_marker_missing = adopting
        && fields.iter().all(|f| *f == "description")
        && desired
            .same_unmarked_description(trigger.description.as_ref().and_then(Option::as_deref));
    if fields.is_empty() || only_marker_missing {
        // An adopted trigger that already matches is identified by its title until zdpolicy
        // next writes it (and adds the marker): `export` followed by `plan` changes nothing.
        return Change::no_op(address);
    }
    // Views only for a change that shows them: a no-op carries none.
    let before = live_view(trigger, live);
    let after = desired.view(before.get("category").cloned());
    let fields = field_changes(&fields, &before, &after);
    let mut change = Change::new(address, ChangeAction::Update, Some(before), Some(after));
    change.fields = fields;
    change.reason = reason;
    change.seen = seen(live, LiveObject::Trigger { id: trigger.id });
    change.operation = Some(Box::new(Operation::UpdateTrigger {
        id: trigger.id,
        trigger: desired.write(),
    }));
    change
}

/// The keys the policy still accounts for (declared, a previous key of a declared trigger,
/// or released) and the live triggers pinned by id: neither is ever deleted.
fn claimed_by_policy(account: &ResolvedAccount) -> Claimed<'_> {
    let mut keys: BTreeSet<&str> = BTreeSet::new();
    for spec in account.triggers() {
        keys.insert(spec.key.value.as_str());
        keys.extend(spec.previously.iter().map(|k| k.value.as_str()));
    }
    keys.extend(account.released_triggers().iter().map(|k| k.value.as_str()));
    Claimed {
        keys,
        ids: account
            .trigger_ids
            .entries
            .iter()
            .map(|(_, id)| id.value.0)
            .collect(),
    }
}

/// What the policy still accounts for.
struct Claimed<'a> {
    keys: BTreeSet<&'a str>,
    ids: BTreeSet<u64>,
}

/// Released keys: the triggers carrying their marker lose it (the text before the marker is
/// kept byte for byte) and stay in Zendesk, unmanaged from then on. Conditions and actions
/// are sent exactly as read, since Zendesk replaces both on any update that names one.
fn plan_releases(
    account: &ResolvedAccount,
    live: &LiveState,
    owners: &Owners<'_>,
    draft: &mut Draft<'_>,
) {
    for key in account.released_triggers() {
        let key = key.value.as_str();
        let Some(triggers) = owners.managed.get(key) else {
            // Released already, or never zdpolicy's: nothing to do.
            continue;
        };
        let address = draft.address(ObjectKind::Trigger, key);
        let [trigger] = triggers.as_slice() else {
            draft.error(duplicate_ownership(address, key, triggers));
            continue;
        };
        let description = trigger
            .description
            .as_ref()
            .and_then(Option::as_deref)
            .and_then(split_marker)
            .and_then(|marked| marked.text)
            .unwrap_or_default()
            .to_owned();
        let before = live_view(trigger, live);
        let mut after = before.clone();
        after["description"] = Value::String(description.clone());
        let mut change = Change::new(
            address,
            ChangeAction::Update,
            Some(before.clone()),
            Some(after.clone()),
        );
        change.fields.push(FieldChange {
            field: "description".to_owned(),
            before: before["description"].clone(),
            after: after["description"].clone(),
        });
        change.reason = Some(format!(
            "releases trigger {} (released_triggers): zdpolicy removes its marker and leaves the \
             trigger in Zendesk, no longer managed",
            trigger.id
        ));
        change.seen = seen(live, LiveObject::Trigger { id: trigger.id });
        change.operation = Some(Box::new(Operation::UpdateTrigger {
            id: trigger.id,
            trigger: TriggerWrite {
                title: None,
                description: Some(description),
                active: None,
                category: None,
                conditions: trigger.conditions.clone(),
                actions: trigger.actions.clone(),
            },
        }));
        draft.changes.push(change);
    }
}

/// Marked triggers whose key the policy no longer accounts for are deleted; nothing else
/// ever is (not an unmarked trigger, not a pinned one, not a released one).
fn plan_deletes(
    live: &LiveState,
    owners: &Owners<'_>,
    claimed: &Claimed<'_>,
    draft: &mut Draft<'_>,
) {
    for (key, triggers) in &owners.managed {
        if claimed.keys.contains(key) {
            continue;
        }
        let triggers: Vec<&Trigger> = triggers
            .iter()
            .copied()
            .filter(|t| !claimed.ids.contains(&t.id))
            .collect();
        if triggers.is_empty() {
            continue;
        }
        let address = draft.address(ObjectKind::Trigger, key);
        let [trigger] = triggers.as_slice() else {
            draft.error(duplicate_ownership(address, key, &triggers));
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
        change.operation = Some(Box::new(Operation::DeleteTrigger { id: trigger.id }));
        draft.changes.push(change);
    }
}
