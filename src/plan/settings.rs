//! The messaging settings: two with a public API (account settings, Sunshine Conversations
//! app) and two that only Admin Center can change (reference/zendesk-api.md §1, design.md's
//! table). Settings the policy leaves unset are not managed and get no change at all.

use serde_json::Value;

use super::address::ObjectKind;
use super::diagnostic::{DiagnosticCode, PlanDiagnostic};
use super::draft::{Draft, scalar_change};
use super::fingerprint::{LiveObject, seen};
use super::inactivity::plan_inactivity;
use super::manual::{self, ManualStep};
use super::model::{Change, ChangeAction};
use super::operation::Operation;
use crate::live::LiveState;
use crate::policy::model::RouteAs;
use crate::policy::resolve::ResolvedAccount;
use crate::zendesk::wire::SunshineAppSettings;

/// `setting.end_session_after_inactivity`.
pub const END_SESSION_AFTER_INACTIVITY: &str = "end_session_after_inactivity";
/// `setting.end_users_can_end_sessions`.
pub const END_USERS_CAN_END_SESSIONS: &str = "end_users_can_end_sessions";
/// `setting.agents_can_end_sessions`.
pub const AGENTS_CAN_END_SESSIONS: &str = "agents_can_end_sessions";
/// `setting.agent_ended_sessions_route_as`.
pub const AGENT_ENDED_SESSIONS_ROUTE_AS: &str = "agent_ended_sessions_route_as";

/// Plans every setting the policy sets.
pub(crate) fn plan_settings(desired: &ResolvedAccount, live: &LiveState, draft: &mut Draft<'_>) {
    let messaging = desired.messaging();
    plan_inactivity(&messaging, live, draft);
    if let Some(want) = messaging.end_users_can_end_sessions {
        end_users_can_end_sessions(want.value, live, draft);
    }
    if let Some(want) = messaging.agents_can_end_sessions {
        agents_can_end_sessions(want.value, live, draft);
    }
    if let Some(route) = messaging.agent_ended_sessions_route_as {
        route_as(route.value, draft);
    }
}

/// Sunshine Conversations `settings.endSessionEnabled`, written with `PATCH /sc/v2/apps/{id}`.
fn end_users_can_end_sessions(want: bool, live: &LiveState, draft: &mut Draft<'_>) {
    let address = draft.address(ObjectKind::Setting, END_USERS_CAN_END_SESSIONS);
    let Some(app) = &live.sunshine else {
        draft.error(
            PlanDiagnostic::error(
                DiagnosticCode::SunshineAppNotRead,
                Some(address),
                "the policy sets end_users_can_end_sessions, but the account's Sunshine \
                 Conversations app was not read",
            )
            .with_help(
                "add `sunshine_conversations: { app_id: ..., key_id: env:..., key_secret: env:... }` \
                 to the account so zdpolicy can read and change the app's settings",
            ),
        );
        return;
    };
    let Some(have) = app.settings.end_session_enabled else {
        let step = manual::end_users_can_end_sessions_unread(want);
        draft
            .changes
            .push(manual_change(address, None, want.into(), step));
        return;
    };
    let mut change = scalar_change(address, have.into(), want.into());
    if change.action == ChangeAction::Update {
        change.seen = seen(
            live,
            LiveObject::SunshineApp {
                app_id: app.id.clone(),
            },
        );
        change.operation = Some(Operation::UpdateSunshineApp {
            app_id: app.id.clone(),
            settings: SunshineAppSettings {
                end_session_enabled: Some(want),
                ..SunshineAppSettings::default()
            },
        });
    }
    draft.changes.push(change);
}

/// No public API; the live value shows as the "Messaging session ended reason" condition in
/// the trigger definitions, which Zendesk offers only while the setting is on.
fn agents_can_end_sessions(want: bool, live: &LiveState, draft: &mut Draft<'_>) {
    let address = draft.address(ObjectKind::Setting, AGENTS_CAN_END_SESSIONS);
    let have = live.agents_can_end_sessions();
    if have == want {
        draft.changes.push(Change::new(
            address,
            ChangeAction::NoOp,
            Some(have.into()),
            Some(want.into()),
        ));
        return;
    }
    let step = manual::agents_can_end_sessions(want);
    draft
        .changes
        .push(manual_change(address, Some(have.into()), want.into(), step));
}

/// No public API to read or write: always a manual step of unknown need.
fn route_as(route: RouteAs, draft: &mut Draft<'_>) {
    let address = draft.address(ObjectKind::Setting, AGENT_ENDED_SESSIONS_ROUTE_AS);
    let channel = match route {
        RouteAs::Messaging => "messaging",
        RouteAs::Email => "email",
    };
    let step = manual::agent_ended_sessions_route_as(channel);
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
    change.manual = Some(step);
    change
}
