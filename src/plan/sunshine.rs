//! The Sunshine Conversations app settings: whether end users can end their sessions
//! (`endSessionEnabled`) and reopen conversations (`disableConversationReopen`, inverted).
//!
//! Zendesk's article "Allowing end users to end messaging sessions" requires multi-conversations on
//! and the ability to reopen conversations off (docs/zendesk-notes.md, "Messaging settings with an
//! API"; the Sunshine spec: "multiConvo is required"). So `end_users_can_end_sessions: true` is
//! planned only when, after this apply, both hold: `multiConvoEnabled` is read as on (zdpolicy
//! cannot turn it on: it is irreversible, so it is left to a person), and reopening is off, as read
//! or as this plan sets it. Apply then sends the stricter change first (see
//! [`crate::apply::execute::in_order`]).

use serde_json::Value;

use super::address::{Address, ObjectKind};
use super::diagnostic::{DiagnosticCode, PlanDiagnostic};
use super::draft::{Draft, scalar_change};
use super::fingerprint::{LiveObject, seen};
use super::manual;
use super::model::ChangeAction;
use super::operation::Operation;
use super::settings::manual_change;
use crate::live::LiveState;
use crate::policy::model::Messaging;
use crate::zendesk::model::{SunshineApp, SunshineAppSettings};

/// `setting.end_users_can_end_sessions`.
pub const END_USERS_CAN_END_SESSIONS: &str = "end_users_can_end_sessions";
/// `setting.end_users_can_reopen_conversations`.
pub const END_USERS_CAN_REOPEN_CONVERSATIONS: &str = "end_users_can_reopen_conversations";

/// Where multi-conversations is turned on (Zendesk's article on multi-conversations).
const MULTI_CONVERSATIONS: &str = "Admin Center > Channels > Messaging and social > Messaging > \
                                   Manage settings > Multi-conversations";

/// A setting of the app that the policy can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppSetting {
    /// `endSessionEnabled`.
    EndSession,
    /// `disableConversationReopen`, inverted: the policy says whether end users *can* reopen.
    Reopen,
}

impl AppSetting {
    /// The setting's name in addresses.
    pub fn setting(self) -> &'static str {
        match self {
            Self::EndSession => END_USERS_CAN_END_SESSIONS,
            Self::Reopen => END_USERS_CAN_REOPEN_CONVERSATIONS,
        }
    }

    /// The setting whose address name is `name`.
    pub fn from_setting(name: &str) -> Option<Self> {
        [Self::EndSession, Self::Reopen]
            .into_iter()
            .find(|s| s.setting() == name)
    }

    /// The policy's value as the app has it read.
    fn live(self, app: &SunshineApp) -> Option<bool> {
        match self {
            Self::EndSession => app.settings.end_session_enabled,
            Self::Reopen => app.settings.disable_conversation_reopen.map(|off| !off),
        }
    }

    /// The `settings` of the PATCH that makes the policy's value `after`. The planner and the
    /// saved-plan check both build the write here.
    pub fn write(self, after: &Value) -> Option<SunshineAppSettings> {
        let on = after.as_bool()?;
        Some(match self {
            Self::EndSession => SunshineAppSettings {
                end_session_enabled: Some(on),
                ..SunshineAppSettings::default()
            },
            Self::Reopen => SunshineAppSettings {
                disable_conversation_reopen: Some(!on),
                ..SunshineAppSettings::default()
            },
        })
    }
}

/// Plans the app settings the policy sets, after checking the prerequisites of end users
/// ending sessions.
pub(crate) fn plan_sunshine(messaging: &Messaging, live: &LiveState, draft: &mut Draft<'_>) {
    let wanted = [
        (
            AppSetting::Reopen,
            messaging.end_users_can_reopen_conversations.as_ref(),
        ),
        (
            AppSetting::EndSession,
            messaging.end_users_can_end_sessions.as_ref(),
        ),
    ];
    let wanted: Vec<(AppSetting, bool)> = wanted
        .into_iter()
        .filter_map(|(setting, want)| Some((setting, want?.value)))
        .collect();
    let Some((first, _)) = wanted.first() else {
        return;
    };
    let Some(app) = &live.sunshine else {
        let address = draft.address(ObjectKind::Setting, first.setting());
        draft.error(not_read(address, first.setting()));
        return;
    };
    let want = |setting: AppSetting| {
        wanted
            .iter()
            .find(|(s, _)| *s == setting)
            .map(|(_, on)| *on)
    };
    // What the app will hold after this apply.
    let end_session = want(AppSetting::EndSession).or(AppSetting::EndSession.live(app));
    let reopen = want(AppSetting::Reopen).or(AppSetting::Reopen.live(app));
    for (setting, on) in wanted.iter().copied() {
        let address = draft.address(ObjectKind::Setting, setting.setting());
        // Turning on end sessions, or reopening while end sessions stay on.
        let checked = on && end_session == Some(true);
        if checked && let Some(problem) = prerequisite_problem(app, reopen, setting) {
            draft.error(problem.located(address));
            continue;
        }
        plan_one(setting, on, app, live, address, draft);
    }
}

fn plan_one(
    setting: AppSetting,
    want: bool,
    app: &SunshineApp,
    live: &LiveState,
    address: Address,
    draft: &mut Draft<'_>,
) {
    let Some(have) = setting.live(app) else {
        let step = match setting {
            AppSetting::EndSession => manual::end_users_can_end_sessions_unread(want),
            AppSetting::Reopen => manual::end_users_can_reopen_unread(want),
        };
        draft
            .changes
            .push(manual_change(address, None, want.into(), step));
        return;
    };
    let mut change = scalar_change(address, have.into(), want.into());
    if change.action == ChangeAction::Update
        && let Some(settings) = setting.write(&want.into())
    {
        change.seen = seen(
            live,
            LiveObject::SunshineApp {
                app_id: app.id.clone(),
            },
        );
        change.operation = Some(Box::new(Operation::UpdateSunshineApp {
            app_id: app.id.clone(),
            settings,
        }));
    }
    draft.changes.push(change);
}

/// Why end users could not end sessions after this apply, if they could not.
struct Problem {
    message: String,
    help: String,
}

impl Problem {
    fn located(self, address: Address) -> PlanDiagnostic {
        PlanDiagnostic::error(
            DiagnosticCode::EndSessionPrerequisite,
            Some(address),
            self.message,
        )
        .with_help(self.help)
    }
}

/// The first prerequisite of end users ending sessions that fails, given the reopen setting
/// the app will have (`reopen`: whether end users can reopen conversations).
fn prerequisite_problem(
    app: &SunshineApp,
    reopen: Option<bool>,
    setting: AppSetting,
) -> Option<Problem> {
    if setting == AppSetting::Reopen {
        return Some(Problem {
            message: "end_users_can_reopen_conversations: true, but end users can end \
                      sessions, which needs the ability to reopen conversations off"
                .to_owned(),
            help: "set `messaging.end_users_can_reopen_conversations: false`, or also \
                   `messaging.end_users_can_end_sessions: false`"
                .to_owned(),
        });
    }
    let subject = "end_users_can_end_sessions: true";
    match app.settings.multi_convo_enabled {
        Some(true) => {}
        Some(false) => {
            return Some(Problem {
                message: format!(
                    "{subject} needs multi-conversations, which is off for the Sunshine \
                     Conversations app {} (`multiConvoEnabled: false`)",
                    app.id
                ),
                help: format!(
                    "turn on multi-conversations in {MULTI_CONVERSATIONS} (Zendesk cannot turn \
                     it off again, so zdpolicy leaves it to you), then plan again"
                ),
            });
        }
        None => {
            return Some(Problem {
                message: format!(
                    "{subject} needs multi-conversations, and the Sunshine Conversations app {} \
                     does not report `multiConvoEnabled`",
                    app.id
                ),
                help: format!("check multi-conversations in {MULTI_CONVERSATIONS}"),
            });
        }
    }
    match reopen {
        Some(false) => None,
        Some(true) => Some(Problem {
            message: format!(
                "{subject} needs the ability to reopen conversations off, and end users can \
                 reopen conversations in the Sunshine Conversations app {} \
                 (`disableConversationReopen: false`)",
                app.id
            ),
            help: "set `messaging.end_users_can_reopen_conversations: false` for this account: \
                   zdpolicy then turns reopening off first, in the same apply"
                .to_owned(),
        }),
        None => Some(Problem {
            message: format!(
                "{subject} needs the ability to reopen conversations off, and the Sunshine \
                 Conversations app {} does not report `disableConversationReopen`",
                app.id
            ),
            help: "set `messaging.end_users_can_reopen_conversations: false` and check the \
                   setting in Admin Center"
                .to_owned(),
        }),
    }
}

fn not_read(address: Address, setting: &str) -> PlanDiagnostic {
    PlanDiagnostic::error(
        DiagnosticCode::SunshineAppNotRead,
        Some(address),
        format!(
            "the policy sets {setting}, but the account's Sunshine Conversations app was not read"
        ),
    )
    .with_help(
        "add `sunshine_conversations: { app_id: ..., key_id: env:..., key_secret: env:... }` to \
         the account so zdpolicy can read and change the app's settings",
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::live::LiveState;

    fn problems(messaging: &str, app: serde_json::Value) -> Vec<(String, String)> {
        let text = format!(
            "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    sunshine_conversations: {{ app_id: app1, key_id: env:K, key_secret: env:S }}\n    messaging: {messaging}\n"
        );
        let policy = crate::policy::load::load_texts(&[("p.yaml", &text)]);
        let live: LiveState = serde_json::from_value(json!({
            "triggers": [], "categories": [],
            "definitions": {"actions": [], "conditions_all": [], "conditions_any": []},
            "settings": {},
            "sunshine": {"id": "app1", "settings": app}
        }))
        .expect("live state");
        let plan = crate::plan::plan_account(&policy.accounts[0], &live);
        plan.diagnostics
            .into_iter()
            .map(|d| (d.address.map(|a| a.name).unwrap_or_default(), d.message))
            .collect()
    }

    #[test]
    fn multi_conversations_off_is_named_and_left_to_a_person() {
        let found = problems(
            "{ end_users_can_end_sessions: true, end_users_can_reopen_conversations: false }",
            json!({"multiConvoEnabled": false, "disableConversationReopen": false}),
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "end_users_can_end_sessions");
        assert!(
            found[0].1.contains("`multiConvoEnabled: false`"),
            "{found:?}"
        );
    }

    #[test]
    fn reopening_cannot_come_back_while_end_users_end_sessions() {
        let found = problems(
            "{ end_users_can_reopen_conversations: true }",
            json!({"multiConvoEnabled": true, "endSessionEnabled": true, "disableConversationReopen": true}),
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "end_users_can_reopen_conversations");
        let allowed = problems(
            "{ end_users_can_end_sessions: false, end_users_can_reopen_conversations: true }",
            json!({"multiConvoEnabled": true, "endSessionEnabled": true, "disableConversationReopen": true}),
        );
        assert!(allowed.is_empty(), "{allowed:?}");
    }
}
