//! The messaging settings: those with a public API (the account settings' inactivity object,
//! see [`super::inactivity`]; the Sunshine Conversations app, see [`super::sunshine`]) and
//! two that only Admin Center can change (docs/zendesk-notes.md, "Settings only Admin Center
//! changes").
//! Settings the policy leaves unset are not managed and get no change at all.

use serde_json::Value;

use super::address::ObjectKind;
use super::diagnostic::{DiagnosticCode, PlanDiagnostic};
use super::draft::Draft;
use super::inactivity::plan_inactivity;
use super::manual::{self, Confirmation, LiveValue, ManualStep};
use super::model::{Change, ChangeAction};
use super::preflight::{self, Availability};
use super::sunshine::plan_sunshine;
use crate::live::LiveState;
use crate::policy::model::{Confirmed, RouteAs};
use crate::policy::resolve::ResolvedAccount;

/// `setting.end_session_after_inactivity`.
pub const END_SESSION_AFTER_INACTIVITY: &str = "end_session_after_inactivity";
pub use super::sunshine::{END_USERS_CAN_END_SESSIONS, END_USERS_CAN_REOPEN_CONVERSATIONS};
/// `setting.agents_can_end_sessions`.
pub const AGENTS_CAN_END_SESSIONS: &str = "agents_can_end_sessions";
/// `setting.agent_ended_sessions_route_as`.
pub const AGENT_ENDED_SESSIONS_ROUTE_AS: &str = "agent_ended_sessions_route_as";

/// Plans every setting the policy sets.
pub(crate) fn plan_settings(desired: &ResolvedAccount, live: &LiveState, draft: &mut Draft<'_>) {
    let messaging = desired.messaging();
    plan_inactivity(&messaging, live, draft);
    plan_sunshine(&messaging, live, draft);
    if let Some(want) = messaging.agents_can_end_sessions {
        agents_can_end_sessions(want.value, live, draft);
    }
    if let Some(route) = messaging.agent_ended_sessions_route_as {
        route_as(route.value, live, draft);
    }
    if let Some(confirmed) = &messaging.confirmed {
        confirm(confirmed, draft);
    }
}

/// Marks the manual steps a person recorded as done (`messaging.confirmed`): a step whose live
/// value cannot be read, confirmed for the value the policy wants, is not repeated. A
/// confirmation of another value, or of a step whose live value was read, changes nothing and
/// says why.
fn confirm(confirmed: &Confirmed, draft: &mut Draft<'_>) {
    let mut findings = Vec::new();
    for (name, confirmation) in &confirmed.0 {
        let Some(change) = draft
            .changes
            .iter_mut()
            .find(|c| c.address.kind == ObjectKind::Setting && c.address.name == *name)
        else {
            continue;
        };
        let (Some(step), Some(after)) = (change.manual.as_mut(), change.after.as_deref()) else {
            continue;
        };
        let date = &confirmation.date.value;
        let value = &confirmation.value.value;
        let address = Some(change.address.clone());
        match step.live_value {
            LiveValue::Unknown if value == after => {
                step.live_value = LiveValue::Confirmed;
                step.confirmed = Some(Confirmation {
                    value: value.clone(),
                    date: date.clone(),
                });
            }
            LiveValue::Unknown => findings.push(
                PlanDiagnostic::warning(
                    DiagnosticCode::ConfirmationOutdated,
                    address,
                    format!(
                        "the step was confirmed on {date} for {value}, but the policy now wants {after}"
                    ),
                )
                .with_help(format!(
                    "do the step, then record it as `confirmed: {{ {name}: {{ value: {after}, date: YYYY-MM-DD }} }}`"
                )),
            ),
            LiveValue::Differs => findings.push(
                PlanDiagnostic::warning(
                    DiagnosticCode::ConfirmationIgnored,
                    address,
                    format!(
                        "the confirmation of {date} is ignored: Zendesk's API shows the live value, and it differs"
                    ),
                )
                .with_help("do the step again; a readable value needs no confirmation"),
            ),
            LiveValue::Confirmed => {}
        }
    }
    draft.diagnostics.extend(findings);
}

/// No public API; the live value shows as the "Messaging session ended reason" condition in
/// the trigger definitions, which Zendesk offers only while the setting is on. On an account
/// without messaging there is no such value to show.
fn agents_can_end_sessions(want: bool, live: &LiveState, draft: &mut Draft<'_>) {
    let address = draft.address(ObjectKind::Setting, AGENTS_CAN_END_SESSIONS);
    if preflight::messaging(live) == Availability::Off {
        draft.error(preflight::messaging_off(
            address,
            AGENTS_CAN_END_SESSIONS,
            want,
        ));
        return;
    }
    let have = live.agents_can_end_sessions();
    if have == want {
        draft.changes.push(Change::no_op(address));
        return;
    }
    let step = manual::agents_can_end_sessions(want);
    draft
        .changes
        .push(manual_change(address, Some(have.into()), want.into(), step));
}

/// No public API to read or write: a manual step of unknown need, on accounts with messaging
/// and omnichannel routing (the control is in the routing configuration); elsewhere it does
/// not apply, and the plan says so.
fn route_as(route: RouteAs, live: &LiveState, draft: &mut Draft<'_>) {
    let address = draft.address(ObjectKind::Setting, AGENT_ENDED_SESSIONS_ROUTE_AS);
    let not_applicable = if preflight::messaging(live) == Availability::Off {
        Some(preflight::MESSAGING_OFF)
    } else if preflight::routing(live) == Availability::Off {
        Some(preflight::ROUTING_OFF)
    } else {
        None
    };
    if let Some(why) = not_applicable {
        draft.error(
            PlanDiagnostic::warning(
                DiagnosticCode::NotApplicable,
                Some(address),
                format!("agent_ended_sessions_route_as does not apply: {why}"),
            )
            .with_help(
                "the routing of agent-ended sessions is part of the omnichannel routing \
                 configuration; remove the setting for this account, or turn omnichannel \
                 routing on",
            ),
        );
        return;
    }
    let channel = match route {
        RouteAs::Messaging => "messaging",
        RouteAs::Email => "email",
    };
    let routing_known = preflight::routing(live) == Availability::On;
    let step = manual::agent_ended_sessions_route_as(route == RouteAs::Email, routing_known);
    draft
        .changes
        .push(manual_change(address, None, channel.into(), step));
}

pub(crate) fn manual_change(
    address: super::address::Address,
    before: Option<Value>,
    after: Value,
    step: ManualStep,
) -> Change {
    let mut change = Change::new(address, ChangeAction::Manual, before, Some(after));
    change.manual = Some(Box::new(step));
    change
}
