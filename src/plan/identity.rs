//! Which live trigger a managed trigger is: pinned by id in the account's `trigger_ids`,
//! carrying the ownership marker of its key (or of a key it had `previously`), adopted by a
//! unique title, or none yet. Titles are never trusted where an id or a marker can speak.

use std::collections::BTreeSet;

use super::address::Address;
use super::diagnostic::{DiagnosticCode, PlanDiagnostic};
use super::ownership::Owners;
use crate::policy::model::TriggerSpec;
use crate::policy::resolve::ResolvedAccount;
use crate::zendesk::model::Trigger;

/// How a managed trigger was found in Zendesk.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Found<'a> {
    /// It carries the marker of its key, or of `renamed_from`, one of its previous keys.
    Marked {
        /// The trigger.
        trigger: &'a Trigger,
        /// The previous key its marker names, when it is being renamed.
        renamed_from: Option<&'a str>,
    },
    /// The account pins it by id (it may carry the marker already, or an old key's).
    Pinned {
        /// The trigger.
        trigger: &'a Trigger,
        /// The previous key its marker names, when it is being renamed.
        renamed_from: Option<&'a str>,
    },
    /// `adopt: true` and the only unclaimed, unmarked trigger with its title.
    Adopted(&'a Trigger),
    /// Not in Zendesk yet.
    New,
}

impl<'a> Found<'a> {
    /// The live trigger, unless it is new.
    pub(crate) fn trigger(&self) -> Option<&'a Trigger> {
        match *self {
            Self::Marked { trigger, .. }
            | Self::Pinned { trigger, .. }
            | Self::Adopted(trigger) => Some(trigger),
            Self::New => None,
        }
    }
}

/// The live triggers the policy's identities claim before any title is looked at: pinned ids
/// and marked triggers, so adoption by title never takes a trigger that is someone's.
pub(crate) fn claimed_ids(account: &ResolvedAccount, owners: &Owners<'_>) -> BTreeSet<u64> {
    let pinned = account.trigger_ids.entries.iter().map(|(_, id)| id.value.0);
    let marked = owners.managed.values().flatten().map(|t| t.id);
    pinned.chain(marked).collect()
}

/// Finds the live trigger `spec` is.
///
/// # Errors
/// A plan error when its identity is unclear: a pinned id that does not exist or carries
/// another key's marker, several triggers marked for it, or a title that is not unique.
/// Warnings (a marked copy of a pinned trigger, left alone) go to `warnings`.
pub(crate) fn find<'a>(
    spec: &'a TriggerSpec,
    account: &ResolvedAccount,
    owners: &Owners<'a>,
    claimed: &BTreeSet<u64>,
    address: &Address,
    warnings: &mut Vec<PlanDiagnostic>,
) -> Result<Found<'a>, Box<PlanDiagnostic>> {
    let key = spec.key.value.as_str();
    let marked = marked_for(spec, owners);
    if let Some(id) = account.trigger_ids.get(key) {
        return pinned(spec, id.0, owners, &marked, address, warnings);
    }
    match marked.as_slice() {
        [(trigger, renamed_from)] => {
            return Ok(Found::Marked {
                trigger,
                renamed_from: *renamed_from,
            });
        }
        [] => {}
        several => {
            let triggers: Vec<&Trigger> = several.iter().map(|(t, _)| *t).collect();
            return Err(Box::new(duplicate_ownership(
                address.clone(),
                key,
                &triggers,
            )));
        }
    }
    by_title(spec, owners, claimed, address)
}

/// The triggers marked for `spec`'s key or one of its previous keys, with the previous key.
fn marked_for<'a>(
    spec: &'a TriggerSpec,
    owners: &Owners<'a>,
) -> Vec<(&'a Trigger, Option<&'a str>)> {
    let own = std::iter::once((spec.key.value.as_str(), None));
    let old = spec
        .previously
        .iter()
        .map(|k| (k.value.as_str(), Some(k.value.as_str())));
    own.chain(old)
        .flat_map(|(key, renamed)| {
            owners
                .managed
                .get(key)
                .into_iter()
                .flatten()
                .map(move |t| (*t, renamed))
        })
        .collect()
}

fn pinned<'a>(
    spec: &'a TriggerSpec,
    id: u64,
    owners: &Owners<'a>,
    marked: &[(&'a Trigger, Option<&'a str>)],
    address: &Address,
    warnings: &mut Vec<PlanDiagnostic>,
) -> Result<Found<'a>, Box<PlanDiagnostic>> {
    let key = spec.key.value.as_str();
    let Some(trigger) = owners.all.iter().copied().find(|t| t.id == id) else {
        return Err(Box::new(PlanDiagnostic::error(
            DiagnosticCode::PinnedTriggerMissing,
            Some(address.clone()),
            format!("trigger_ids pins `{key}` to trigger {id}, which the account does not have"),
        )
        .with_help(
            "correct the id, or remove the pin to have zdpolicy create the trigger (it may have \
             been deleted in Zendesk)",
        )));
    };
    let renamed_from = match super::ownership::marker_key(description(trigger)) {
        None => None,
        Some(own) if own == key => None,
        Some(old) => match spec.previously.iter().find(|k| k.value.as_str() == old) {
            Some(previous) => Some(previous.value.as_str()),
            None => {
                return Err(Box::new(PlanDiagnostic::error(
                    DiagnosticCode::PinnedTriggerOwned,
                    Some(address.clone()),
                    format!(
                        "trigger_ids pins `{key}` to trigger {id}, which carries zdpolicy's \
                         marker for key `{old}`"
                    ),
                )
                .with_help(format!(
                    "if `{key}` is `{old}` renamed, add `previously: [{old}]` to trigger `{key}`; \
                     otherwise pin another trigger"
                ))));
            }
        },
    };
    for (copy, _) in marked.iter().filter(|(t, _)| t.id != id) {
        warnings.push(PlanDiagnostic::warning(
            DiagnosticCode::StrayMarker,
            Some(address.clone()),
            format!(
                "trigger {} \"{}\" also carries the marker of `{key}`, which is pinned to trigger \
                 {id}; zdpolicy leaves it alone",
                copy.id, copy.title
            ),
        )
        .with_help(
            "it is probably a copy made in Zendesk: remove the marker line from its description",
        ));
    }
    Ok(Found::Pinned {
        trigger,
        renamed_from,
    })
}

/// `adopt: true` takes the one unclaimed, unmarked trigger with the title; without it a
/// same-title trigger is a conflict (zdpolicy would otherwise create a second one).
fn by_title<'a>(
    spec: &'a TriggerSpec,
    owners: &Owners<'a>,
    claimed: &BTreeSet<u64>,
    address: &Address,
) -> Result<Found<'a>, Box<PlanDiagnostic>> {
    let title = spec.title.value.as_str();
    let key = spec.key.value.as_str();
    let adopt = spec.adopt.as_ref().is_some_and(|a| a.value);
    let same_title: Vec<&Trigger> = owners
        .unmanaged
        .iter()
        .copied()
        .filter(|t| t.title == title && !claimed.contains(&t.id))
        .collect();
    match (same_title.as_slice(), adopt) {
        ([], _) => Ok(Found::New),
        ([trigger], true) => Ok(Found::Adopted(trigger)),
        (several, true) => Err(Box::new(PlanDiagnostic::error(
            DiagnosticCode::AdoptAmbiguous,
            Some(address.clone()),
            format!(
                "adopt: true, but {} unmanaged triggers are titled \"{title}\" (ids {})",
                several.len(),
                ids(several)
            ),
        )
        .with_help(format!(
            "pin the one to adopt by id in the account's `trigger_ids` (`{key}: ID`); \
             `zdpolicy export` writes these pins"
        )))),
        (several, false) => Err(Box::new(PlanDiagnostic::error(
            DiagnosticCode::TriggerConflict,
            Some(address.clone()),
            format!(
                "trigger {} titled \"{title}\" exists and is not managed by zdpolicy; it is left \
                 alone and no second trigger with its title is created",
                ids(several)
            ),
        )
        .with_help(format!(
            "to let zdpolicy take it over (and overwrite it with the policy), add `adopt: true` \
             to trigger `{key}` in the policy, or pin it in the account's `trigger_ids`; or give \
             the policy's trigger another title"
        )))),
    }
}

fn description(trigger: &Trigger) -> Option<&str> {
    trigger.description.as_ref().and_then(Option::as_deref)
}

/// Several triggers carry the marker of one key: zdpolicy changes none of them.
pub(crate) fn duplicate_ownership(
    address: Address,
    key: &str,
    triggers: &[&Trigger],
) -> PlanDiagnostic {
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
    .with_help(
        "pin the right one in the account's `trigger_ids`, delete the copies in Zendesk, or \
         remove the marker line from their descriptions",
    )
}

/// Trigger ids for messages: `1, 2, 3`.
pub(crate) fn ids(triggers: &[&Trigger]) -> String {
    triggers
        .iter()
        .map(|t| t.id.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
