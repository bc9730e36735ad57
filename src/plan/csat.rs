//! CSAT on session end: the documented edit of the messaging CSAT trigger.
//!
//! Zendesk's recipe ("Sending a CSAT survey when a messaging session ends"; docs/zendesk-notes.md,
//! "The CSAT-on-end trigger"): the status condition `status | Changed to | Solved` leaves ALL and
//! joins ANY together with `Messaging session ended reason | Changed to | Ended by agent`. Only
//! those conditions are zdpolicy's; everything else on the trigger (other conditions and their
//! order, actions, extra keys) is kept exactly as read. The session-ended condition's API name is
//! undocumented, so it is looked up by title in the account's trigger definitions, unless the
//! policy gives it.

use serde_json::{Value, json};

use super::address::{Address, ObjectKind};
use super::canonical::{same_condition, same_conditions};
use super::diagnostic::{DiagnosticCode, PlanDiagnostic};
use super::draft::Draft;
use super::fingerprint::{LiveObject, seen};
use super::model::{Change, ChangeAction, FieldChange, json as to_json};
use super::operation::{Operation, TriggerWrite};
use super::preflight::{self, Availability};
use crate::live::{ENDED_BY_AGENT_TITLE, LiveState, SESSION_ENDED_REASON_TITLE};
use crate::policy::resolve::ResolvedAccount;
use crate::zendesk::model::{Condition, Conditions, Trigger};

/// The name of the CSAT object in addresses (`ACCOUNT.csat.survey_on_session_end`).
pub const SURVEY_ON_SESSION_END: &str = "survey_on_session_end";

/// Plans the CSAT edit when the policy sets `csat.survey_on_session_end`. Returns the id of
/// the CSAT trigger it found, so it is not reported as unmanaged.
pub(crate) fn plan_csat(
    desired: &ResolvedAccount,
    live: &LiveState,
    draft: &mut Draft<'_>,
) -> Option<u64> {
    let want = desired.survey_on_session_end()?.value;
    let address = draft.address(ObjectKind::Csat, SURVEY_ON_SESSION_END);
    let trigger = find_trigger(desired.csat_trigger_title(), live, &address, draft)?;
    let ended = session_ended_condition(desired, live);
    let target = match (&ended, want) {
        (Some(ended), true) => turned_on(&trigger.conditions, ended),
        (Some(ended), false) => turned_off(&trigger.conditions, Some(ended)),
        // Without the condition "off" can still be checked: solved in ALL and not in ANY.
        (None, false) if is_plainly_off(&trigger.conditions) => trigger.conditions.clone(),
        (None, _) => {
            draft.error(missing_condition(address, want));
            return Some(trigger.id);
        }
    };
    draft
        .changes
        .push(change(address, live, trigger, ended.as_ref(), want, target));
    Some(trigger.id)
}

/// Whether the account's messaging CSAT trigger already sends the survey on agent-ended
/// sessions, judged as the planner judges it (`export` writes this); why it cannot be told
/// otherwise.
///
/// # Errors
/// When the trigger is missing or ambiguous, or the session-ended condition is unknown.
pub fn survey_on_session_end(desired: &ResolvedAccount, live: &LiveState) -> Result<bool, String> {
    let title = desired.csat_trigger_title();
    let found: Vec<&Trigger> = live.triggers_titled(title).collect();
    let [trigger] = found.as_slice() else {
        return Err(format!("{} triggers are titled \"{title}\"", found.len()));
    };
    let ended = session_ended_condition(desired, live).ok_or_else(|| {
        "Zendesk does not offer the \"Messaging session ended reason\" condition (agents cannot end sessions)"
            .to_owned()
    })?;
    Ok(is_on(&trigger.conditions, &ended))
}

fn find_trigger<'a>(
    title: &'a str,
    live: &'a LiveState,
    address: &Address,
    draft: &mut Draft<'_>,
) -> Option<&'a Trigger> {
    let found: Vec<&Trigger> = live.triggers_titled(title).collect();
    match found.as_slice() {
        [one] => Some(one),
        [] => {
            draft.error(missing_trigger(title, live, address));
            None
        }
        several => {
            let ids: Vec<String> = several.iter().map(|t| t.id.to_string()).collect();
            draft.error(
                PlanDiagnostic::error(
                    DiagnosticCode::CsatTriggerAmbiguous,
                    Some(address.clone()),
                    format!(
                        "{} triggers are titled \"{title}\" (ids {}); zdpolicy does not guess which \
                         one sends the messaging CSAT survey",
                        several.len(),
                        ids.join(", ")
                    ),
                )
                .with_help("rename the others in Zendesk, or set `csat.trigger_title` to a unique title"),
            );
            None
        }
    }
}

/// Why the account has no messaging CSAT trigger, as far as its API shows: no messaging, CSAT
/// off, or (with both on) customizable CSAT absent or the trigger under another title.
fn missing_trigger(title: &str, live: &LiveState, address: &Address) -> PlanDiagnostic {
    if preflight::messaging(live) == Availability::Off {
        return preflight::messaging_off(address.clone(), "csat.survey_on_session_end", true);
    }
    if preflight::csat(live) == Availability::Off {
        return PlanDiagnostic::error(
            DiagnosticCode::CsatUnavailable,
            Some(address.clone()),
            format!(
                "csat.survey_on_session_end cannot apply: {}",
                preflight::CSAT_OFF
            ),
        )
        .with_help(
            "turn on customizable CSAT (Admin Center > Objects and rules > Business rules > \
             Customer satisfaction), or remove the setting for this account",
        );
    }
    PlanDiagnostic::error(
        DiagnosticCode::CsatTriggerMissing,
        Some(address.clone()),
        format!(
            "the account has no trigger titled \"{title}\": customizable CSAT is absent (legacy \
             CSAT has no such trigger), or the trigger has another title (the API does not say which)"
        ),
    )
    .with_help(
        "Zendesk creates this trigger with the customizable CSAT feature (Admin Center > \
         Objects and rules > Business rules > Customer satisfaction); if the account's \
         trigger has another title, set `csat.trigger_title`",
    )
}

/// "Messaging session ended reason | Changed to | Ended by agent": the policy's override, or
/// the account's trigger definitions looked up by title.
fn session_ended_condition(desired: &ResolvedAccount, live: &LiveState) -> Option<Condition> {
    if let Some(given) = desired.session_ended_condition() {
        return Some(condition(
            &given.field.value,
            "value",
            Value::String(given.value.value.clone()),
        ));
    }
    let found = live.session_ended_by_agent()?;
    Some(condition(&found.field, &found.operator, found.value))
}

fn condition(field: &str, operator: &str, value: Value) -> Condition {
    Condition {
        field: field.to_owned(),
        operator: Some(operator.to_owned()),
        value: Some(value),
        extra: serde_json::Map::new(),
    }
}

/// `status | Changed to | Solved` (docs/zendesk-notes.md, "The CSAT-on-end trigger").
fn status_solved() -> Condition {
    condition("status", "value", Value::String("solved".to_owned()))
}

/// The documented edit: solved leaves ALL; ANY holds solved and session-ended. Conditions
/// already in place keep their position and exact spelling.
fn turned_on(live: &Conditions, ended: &Condition) -> Conditions {
    let solved = status_solved();
    let moved = live.all.iter().find(|c| same_condition(c, &solved));
    let all = live
        .all
        .iter()
        .filter(|c| !same_condition(c, &solved))
        .cloned()
        .collect();
    let mut any = live.any.clone();
    if !any.iter().any(|c| same_condition(c, &solved)) {
        any.push(moved.cloned().unwrap_or(solved));
    }
    if !any.iter().any(|c| same_condition(c, ended)) {
        any.push(ended.clone());
    }
    Conditions { all, any }
}

/// The reverse edit: session-ended leaves ANY, solved goes back to the front of ALL (where
/// Zendesk's default trigger has it). ANY keeps whatever else it held, possibly nothing.
fn turned_off(live: &Conditions, ended: Option<&Condition>) -> Conditions {
    let solved = status_solved();
    let moved = live.any.iter().find(|c| same_condition(c, &solved));
    let any = live
        .any
        .iter()
        .filter(|c| !same_condition(c, &solved) && !ended.is_some_and(|e| same_condition(c, e)))
        .cloned()
        .collect();
    let mut all = live.all.clone();
    if !all.iter().any(|c| same_condition(c, &solved)) {
        all.insert(0, moved.cloned().unwrap_or(solved));
    }
    Conditions { all, any }
}

fn is_plainly_off(live: &Conditions) -> bool {
    turned_off(live, None) == *live
}

/// Whether the live conditions already send the survey on session end.
fn is_on(live: &Conditions, ended: &Condition) -> bool {
    let solved = status_solved();
    !live.all.iter().any(|c| same_condition(c, &solved))
        && live.any.iter().any(|c| same_condition(c, &solved))
        && live.any.iter().any(|c| same_condition(c, ended))
}

fn change(
    address: Address,
    live: &LiveState,
    trigger: &Trigger,
    ended: Option<&Condition>,
    want: bool,
    target: Conditions,
) -> Change {
    let now_on = ended.map(|e| is_on(&trigger.conditions, e));
    let before =
        json!({"survey_on_session_end": now_on, "conditions": to_json(&trigger.conditions)});
    let after = json!({"survey_on_session_end": want, "conditions": to_json(&target)});
    let unchanged = same_conditions(&target.all, &trigger.conditions.all)
        && same_conditions(&target.any, &trigger.conditions.any);
    if unchanged {
        return Change::no_op(address);
    }
    let mut change = Change::new(address, ChangeAction::Update, Some(before), Some(after));
    for (field, old, new) in [
        ("conditions.all", &trigger.conditions.all, &target.all),
        ("conditions.any", &trigger.conditions.any, &target.any),
    ] {
        if !same_conditions(old, new) {
            change.fields.push(FieldChange {
                field: field.to_owned(),
                before: to_json(old),
                after: to_json(new),
            });
        }
    }
    change.reason = Some(format!(
        "edits trigger {} \"{}\"; its other conditions and its actions are kept as they are",
        trigger.id, trigger.title
    ));
    change.seen = seen(live, LiveObject::Trigger { id: trigger.id });
    change.operation = Some(Box::new(Operation::UpdateTrigger {
        id: trigger.id,
        trigger: TriggerWrite {
            title: None,
            description: None,
            active: None,
            category: None,
            conditions: target,
            actions: trigger.actions.clone(),
        },
    }));
    change
}

fn missing_condition(address: Address, want: bool) -> PlanDiagnostic {
    let what = if want { "add" } else { "remove" };
    PlanDiagnostic::error(
        DiagnosticCode::SessionEndedConditionMissing,
        Some(address),
        format!(
            "cannot {what} the session-ended condition: the account's trigger definitions have no \
             \"{SESSION_ENDED_REASON_TITLE}\" condition with the value \"{ENDED_BY_AGENT_TITLE}\"; \
             Zendesk offers it only while agents can end messaging sessions"
        ),
    )
    .with_help(
        "turn on \"Agents can end messaging sessions at any time\" (Admin Center > Channels > \
         Messaging and social > Messaging > Manage settings > Advanced > Ending sessions; \
         `messaging.agents_can_end_sessions: true` plans it as a manual step), or give the \
         condition as `csat.session_ended_condition: { field: ..., value: ... }`",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conditions(value: Value) -> Conditions {
        serde_json::from_value(value).expect("conditions")
    }

    fn ended() -> Condition {
        condition("session_end_reason", "value", json!("agent"))
    }

    fn default_trigger() -> Conditions {
        conditions(json!({
            "all": [
                {"field": "status", "operator": "value", "value": "solved"},
                {"field": "via_id", "operator": "is", "value": "75"}
            ],
            "any": []
        }))
    }

    #[test]
    fn turning_on_moves_solved_to_any_with_the_session_ended_condition() {
        let on = turned_on(&default_trigger(), &ended());
        assert_eq!(
            to_json(&on),
            json!({
                "all": [{"field": "via_id", "operator": "is", "value": "75"}],
                "any": [
                    {"field": "status", "operator": "value", "value": "solved"},
                    {"field": "session_end_reason", "operator": "value", "value": "agent"}
                ]
            })
        );
        assert!(is_on(&on, &ended()));
        assert_eq!(
            turned_on(&on, &ended()),
            on,
            "turning on twice changes nothing"
        );
    }

    #[test]
    fn turning_off_restores_the_default_trigger() {
        let on = turned_on(&default_trigger(), &ended());
        assert_eq!(turned_off(&on, Some(&ended())), default_trigger());
        assert!(is_plainly_off(&default_trigger()));
        assert!(!is_plainly_off(&on));
    }

    #[test]
    fn other_any_conditions_stay_in_place() {
        let live = conditions(json!({
            "all": [{"field": "status", "operator": "value", "value": "solved"}],
            "any": [{"field": "priority", "operator": "is", "value": "high"}]
        }));
        let on = turned_on(&live, &ended());
        assert_eq!(on.any.len(), 3);
        assert_eq!(on.any[0].field, "priority");
        let off = turned_off(&on, Some(&ended()));
        assert_eq!(off, live);
    }

    #[test]
    fn the_moved_condition_keeps_its_exact_spelling() {
        let live = conditions(json!({
            "all": [{"field": "status", "operator": "value", "value": ["solved"], "note": 1}],
            "any": []
        }));
        let on = turned_on(&live, &ended());
        assert_eq!(
            to_json(&on.any[0]),
            json!({"field": "status", "operator": "value", "value": ["solved"], "note": 1})
        );
    }
}
