//! Rules about managed triggers: titles used twice, how each trigger is identified in the
//! account (key, pinned id, adoption by title), and the order settings.

use std::collections::HashMap;

use super::super::decode::did_you_mean;
use super::super::diagnostic::{Code, Diagnostic};
use super::super::model::{Located, OrderMode, TriggerKey, TriggerSpec};
use super::super::resolve::ResolvedAccount;

pub(super) fn duplicate_trigger_titles(account: &ResolvedAccount, out: &mut Vec<Diagnostic>) {
    let triggers = account.triggers();
    let pinned = |t: &TriggerSpec| account.trigger_ids.get(t.key.value.as_str()).is_some();
    // Maps of first uses, not a scan before each trigger: accounts may hold thousands. Pinned
    // triggers are told apart by id (real accounts hold same-title triggers), so a pinned
    // trigger only clashes with an earlier unpinned one; an unpinned one with any.
    let mut first_any: HashMap<&str, &TriggerSpec> = HashMap::with_capacity(triggers.len());
    let mut first_unpinned: HashMap<&str, &TriggerSpec> = HashMap::new();
    for trigger in triggers {
        let title = trigger.title.value.as_str();
        let clash = if pinned(trigger) {
            first_unpinned.get(title).copied()
        } else {
            first_any.get(title).copied()
        };
        first_any.entry(title).or_insert(trigger);
        if !pinned(trigger) {
            first_unpinned.entry(title).or_insert(trigger);
        }
        if let Some(first) = clash {
            out.push(
                Diagnostic::warning(
                    Code::DuplicateTriggerTitle,
                    trigger.title.span,
                    format!(
                        "triggers `{}` and `{}` have the same title",
                        first.key.value, trigger.key.value
                    ),
                )
                .with_secondary(first.title.span, "same title here")
                .with_help(
                    "adoption by title cannot tell them apart: pin both in the account's \
                     `trigger_ids`, or give each its own title",
                ),
            );
        }
    }
}

/// `trigger_ids`, `previously` and `released_triggers` must name each trigger once.
pub(super) fn trigger_identity(account: &ResolvedAccount, out: &mut Vec<Diagnostic>) {
    let triggers = account.triggers();
    let declared = |key: &str| triggers.iter().find(|t| t.key.value.as_str() == key);
    let entries = &account.trigger_ids.entries;
    for (i, (key, id)) in entries.iter().enumerate() {
        if declared(key.value.as_str()).is_none() {
            let mut diagnostic = Diagnostic::error(
                Code::UnknownTriggerKey,
                key.span,
                format!(
                    "trigger_ids pins `{}`, which is not a managed trigger of this account",
                    key.value
                ),
            )
            .with_help("pin only keys listed under `triggers` (in any layer)");
            if let Some(best) = did_you_mean(
                key.value.as_str(),
                triggers.iter().map(|t| t.key.value.as_str()),
            ) {
                diagnostic = diagnostic.with_label(format!("did you mean `{best}`?"));
            }
            out.push(diagnostic);
        }
        if let Some((first, _)) = entries[..i]
            .iter()
            .find(|(_, other)| other.value == id.value)
        {
            out.push(
                Diagnostic::error(
                    Code::DuplicateTriggerId,
                    id.span,
                    format!(
                        "trigger {} is pinned to both `{}` and `{}`",
                        id.value, first.value, key.value
                    ),
                )
                .with_secondary(first.span, "pinned here first")
                .with_help("one Zendesk trigger can be one managed trigger only"),
            );
        }
    }
    for released in account.released_triggers() {
        if let Some(spec) = declared(released.value.as_str()) {
            out.push(
                Diagnostic::error(
                    Code::IdentityConflict,
                    released.span,
                    format!(
                        "trigger `{}` is both managed and released",
                        released.value
                    ),
                )
                .with_secondary(spec.key.span, "managed here")
                .with_help("remove it from `triggers` to release it, or from `released_triggers` to keep managing it"),
            );
        }
    }
    let mut claimed: Vec<&Located<TriggerKey>> = Vec::new();
    for spec in triggers {
        for old in &spec.previously {
            let why = if let Some(other) = declared(old.value.as_str()) {
                Some((other.key.span, "a managed trigger has this key"))
            } else if let Some(first) = claimed.iter().find(|c| c.value == old.value) {
                Some((first.span, "also listed here"))
            } else {
                account
                    .released_triggers()
                    .iter()
                    .find(|r| r.value == old.value)
                    .map(|r| (r.span, "released here"))
            };
            if let Some((span, label)) = why {
                out.push(
                    Diagnostic::error(
                        Code::IdentityConflict,
                        old.span,
                        format!(
                            "`{}` cannot be a previous key of `{}`: it is in use",
                            old.value, spec.key.value
                        ),
                    )
                    .with_secondary(span, label)
                    .with_help(
                        "a previous key names a trigger's old key, which no other trigger may use",
                    ),
                );
            }
            claimed.push(old);
        }
    }
}

/// Placements and a category order only mean something with `order: manage`; a trigger
/// cannot be placed next to itself.
pub(super) fn order_settings(account: &ResolvedAccount, out: &mut Vec<Diagnostic>) {
    let managed = account.order_mode() == OrderMode::Manage;
    let help = "add `order: manage` to the account (or a layer it uses), or remove it";
    if !managed && let Some(list) = &account.settings.trigger_categories {
        out.push(
            Diagnostic::warning(
                Code::IneffectiveSetting,
                list.span,
                "trigger_categories has no effect unless order is `manage`",
            )
            .with_help(help),
        );
    }
    for spec in account.triggers() {
        let Some(placement) = &spec.placement else {
            continue;
        };
        if !managed {
            out.push(
                Diagnostic::warning(
                    Code::IneffectiveSetting,
                    placement.span,
                    format!(
                        "the placement of trigger `{}` has no effect unless order is `manage`",
                        spec.key.value
                    ),
                )
                .with_help(help),
            );
        }
        if let Some(anchor) = placement.value.anchor()
            && anchor.value == spec.key.value.as_str()
        {
            out.push(Diagnostic::error(
                Code::InvalidValue,
                anchor.span,
                format!("trigger `{}` is placed next to itself", spec.key.value),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::codes;

    #[test]
    fn duplicate_titles_warn() {
        assert_eq!(
            codes(
                "version: 1\naccounts:\n  a:\n    subdomain: a\n    triggers:\n      - { key: x, title: T, actions: [ { field: status, value: open } ] }\n      - { key: y, title: T, actions: [ { field: status, value: open } ] }\n"
            ),
            ["duplicate-trigger-title"]
        );
    }
}
