//! The messaging inactivity object (`messaging_inactivity` of the account settings), planned
//! field by field: each key the policy sets is its own change, written with its own
//! `PUT /api/v2/account/settings` that carries that key alone, so apply can tell exactly which
//! key Zendesk took and which it ignored (`X-Zendesk-API-Warn`).

use serde_json::{Map, Value, json};

use super::address::ObjectKind;
use super::draft::{Draft, scalar_change};
use super::fingerprint::{LiveObject, seen};
use super::manual;
use super::model::ChangeAction;
use super::operation::Operation;
use super::settings::{END_SESSION_AFTER_INACTIVITY, manual_change};
use crate::live::LiveState;
use crate::policy::model::{Messaging, Reminder};
use crate::zendesk::model::{AccountSettings, InactivityReminder, MessagingInactivity};

/// One key of `messaging_inactivity` that the policy can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InactivityField {
    /// `enabled`: capacity release on.
    Enabled,
    /// `timeout`, in minutes.
    Timeout,
    /// `ticket_status_id`.
    TicketStatusId,
    /// `end_session` (address `setting.end_session_after_inactivity`, as before).
    EndSession,
    /// `reminders`, as one list.
    Reminders,
}

impl InactivityField {
    /// Every field, in the order Zendesk documents them.
    pub const ALL: [Self; 5] = [
        Self::Enabled,
        Self::Timeout,
        Self::TicketStatusId,
        Self::EndSession,
        Self::Reminders,
    ];

    /// The key in `messaging_inactivity`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Enabled => "enabled",
            Self::Timeout => "timeout",
            Self::TicketStatusId => "ticket_status_id",
            Self::EndSession => "end_session",
            Self::Reminders => "reminders",
        }
    }

    /// The setting's name in addresses: `inactivity.KEY`, and `end_session_after_inactivity`
    /// for `end_session` (the address it has always had).
    pub fn setting(self) -> &'static str {
        match self {
            Self::Enabled => "inactivity.enabled",
            Self::Timeout => "inactivity.timeout",
            Self::TicketStatusId => "inactivity.ticket_status_id",
            Self::EndSession => END_SESSION_AFTER_INACTIVITY,
            Self::Reminders => "inactivity.reminders",
        }
    }

    /// The field whose address name is `setting`.
    pub fn from_setting(setting: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.setting() == setting)
    }

    /// What the policy wants, as the plan shows it; `None` when the policy leaves it unset.
    fn desired(self, messaging: &Messaging) -> Option<Value> {
        let inactivity = messaging.inactivity.as_ref();
        match self {
            Self::Enabled => inactivity?.enabled.as_ref().map(|v| json!(v.value)),
            Self::Timeout => inactivity?.timeout.as_ref().map(|v| json!(v.value)),
            Self::TicketStatusId => inactivity?
                .ticket_status_id
                .as_ref()
                .map(|v| json!(v.value)),
            Self::EndSession => messaging.end_session().map(|v| json!(v.value)),
            Self::Reminders => inactivity?
                .reminders
                .as_ref()
                .map(|list| Value::Array(list.value.iter().map(desired_reminder).collect())),
        }
    }

    /// What Zendesk reports, in the same form; `None` when it does not report the key.
    fn live(self, inactivity: Option<&MessagingInactivity>) -> Option<Value> {
        let inactivity = inactivity?;
        match self {
            Self::Enabled => inactivity.enabled.map(|v| json!(v)),
            Self::Timeout => inactivity.timeout.map(|v| json!(v)),
            Self::TicketStatusId => inactivity.ticket_status_id.map(|v| json!(v)),
            Self::EndSession => inactivity.end_session.map(|v| json!(v)),
            Self::Reminders => inactivity
                .reminders
                .as_ref()
                .map(|list| Value::Array(list.iter().map(live_reminder).collect())),
        }
    }

    /// The `settings` of the PUT that sets this key to `after`; `None` when `after` is not a
    /// value of the key. The planner and the saved-plan check both build the write here.
    pub fn write(self, after: &Value) -> Option<AccountSettings> {
        if after.is_null() {
            return None;
        }
        let mut section = Map::new();
        section.insert(self.key().to_owned(), after.clone());
        let inactivity: MessagingInactivity =
            serde_json::from_value(Value::Object(section)).ok()?;
        let unknown_keys = !inactivity.extra.is_empty()
            || inactivity
                .reminders
                .iter()
                .flatten()
                .any(|r| !r.extra.is_empty());
        if unknown_keys {
            return None;
        }
        let settings = AccountSettings {
            messaging_inactivity: Some(inactivity),
            ..AccountSettings::default()
        };
        // A value that does not survive the round trip is not one this key takes.
        (super::model::json(&settings)["messaging_inactivity"][self.key()] == *after)
            .then_some(settings)
    }
}

/// The live inactivity keys other than `end_session` (which `export` writes as
/// `end_session_after_inactivity`), as a policy would set them; keys Zendesk does not report,
/// or reports as `null`, are left out.
pub fn exported(live: &LiveState) -> Map<String, Value> {
    let section = live.settings.messaging_inactivity.as_ref();
    InactivityField::ALL
        .into_iter()
        .filter(|f| *f != InactivityField::EndSession)
        .filter_map(|f| {
            Some((
                f.key().to_owned(),
                f.live(section).filter(|v| !v.is_null())?,
            ))
        })
        .collect()
}

/// A reminder as the policy sets it: only the keys written.
fn desired_reminder(reminder: &Reminder) -> Value {
    reminder_view(
        Some(&reminder.message.value),
        reminder.timeout.as_ref().map(|t| u64::from(t.value)),
        reminder.ticket_status_id.as_ref().map(|t| t.value),
        reminder.tags.iter().map(|t| t.value.clone()).collect(),
    )
}

/// A live reminder in the policy's terms: keys zdpolicy does not manage are left out, and an
/// empty tag list or a `null` status counts as unset.
fn live_reminder(reminder: &InactivityReminder) -> Value {
    reminder_view(
        reminder.message.as_ref(),
        reminder.timeout,
        reminder.ticket_status_id.flatten(),
        reminder.tags.clone().unwrap_or_default(),
    )
}

fn reminder_view(
    message: Option<&String>,
    timeout: Option<u64>,
    ticket_status_id: Option<u64>,
    tags: Vec<String>,
) -> Value {
    let mut view = Map::new();
    if let Some(message) = message {
        view.insert("message".to_owned(), json!(message));
    }
    if let Some(timeout) = timeout {
        view.insert("timeout".to_owned(), json!(timeout));
    }
    if let Some(id) = ticket_status_id {
        view.insert("ticket_status_id".to_owned(), json!(id));
    }
    if !tags.is_empty() {
        view.insert("tags".to_owned(), json!(tags));
    }
    Value::Object(view)
}

/// Plans every inactivity key the policy sets, one change each.
pub(crate) fn plan_inactivity(messaging: &Messaging, live: &LiveState, draft: &mut Draft<'_>) {
    for field in InactivityField::ALL {
        let Some(want) = field.desired(messaging) else {
            continue;
        };
        let address = draft.address(ObjectKind::Setting, field.setting());
        let Some(have) = field.live(live.settings.messaging_inactivity.as_ref()) else {
            let step = match field {
                InactivityField::EndSession => {
                    manual::end_session_after_inactivity_unread(want.as_bool().unwrap_or(false))
                }
                _ => manual::inactivity_unread(field.key(), &want),
            };
            draft.changes.push(manual_change(address, None, want, step));
            continue;
        };
        let mut change = scalar_change(address, have, want.clone());
        if change.action == ChangeAction::Update
            && let Some(settings) = field.write(&want)
        {
            change.seen = seen(live, LiveObject::AccountSettings);
            change.operation = Some(Box::new(Operation::UpdateAccountSettings { settings }));
        }
        draft.changes.push(change);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_writes_its_key_alone() {
        let reminders = json!([{"message": "Still there?"}, {"message": "Bye", "timeout": 60, "ticket_status_id": 9, "tags": ["idle"]}]);
        for (field, after) in [
            (InactivityField::Enabled, json!(true)),
            (InactivityField::Timeout, json!(30)),
            (
                InactivityField::TicketStatusId,
                json!(7_100_000_000_001_u64),
            ),
            (InactivityField::EndSession, json!(false)),
            (InactivityField::Reminders, reminders),
        ] {
            let settings = field.write(&after).expect("a value of the key");
            assert_eq!(
                super::super::model::json(&settings),
                json!({"messaging_inactivity": {field.key(): after}})
            );
            assert_eq!(InactivityField::from_setting(field.setting()), Some(field));
        }
        assert_eq!(InactivityField::Timeout.write(&json!("soon")), None);
        assert_eq!(InactivityField::TicketStatusId.write(&Value::Null), None);
        assert_eq!(
            InactivityField::Reminders.write(&json!([{"message": "x", "colour": "red"}])),
            None
        );
    }

    fn plan(inactivity: &str, live_section: Value) -> Vec<(String, &'static str)> {
        let text = format!(
            "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    messaging:\n      inactivity: {inactivity}\n"
        );
        let policy = crate::policy::load::load_texts(&[("p.yaml", &text)]);
        assert!(policy.diagnostics.is_empty(), "{:?}", policy.diagnostics);
        let live: LiveState = serde_json::from_value(json!({
            "triggers": [], "categories": [],
            "definitions": {"actions": [], "conditions_all": [], "conditions_any": []},
            "settings": {"messaging_inactivity": live_section},
            "sunshine": null
        }))
        .expect("live state");
        crate::plan::plan_account(&policy.accounts[0], &live)
            .changes
            .into_iter()
            .map(|c| (c.address.name, c.action.as_str()))
            .collect()
    }

    #[test]
    fn only_the_keys_the_policy_sets_are_planned_and_extra_live_keys_do_not_count() {
        let live = json!({
            "enabled": true, "timeout": 30, "end_session": false,
            "reminders": [{"message": "Still there?", "tags": [], "ticket_status_id": null, "id": 1}],
            "default_localized_messages": [{"locale": "en-US"}]
        });
        assert_eq!(
            plan(
                "{ timeout: 30, reminders: [ { message: Still there? } ] }",
                live.clone()
            ),
            [
                ("inactivity.reminders".to_owned(), "no-op"),
                ("inactivity.timeout".to_owned(), "no-op")
            ]
        );
        assert_eq!(
            plan("{ enabled: false }", live),
            [("inactivity.enabled".to_owned(), "update")]
        );
    }

    #[test]
    fn a_key_zendesk_does_not_report_is_a_manual_step_not_a_guess() {
        assert_eq!(
            plan(
                "{ ticket_status_id: 5, end_session: true }",
                json!({"enabled": true})
            ),
            [
                ("end_session_after_inactivity".to_owned(), "manual"),
                ("inactivity.ticket_status_id".to_owned(), "manual")
            ]
        );
    }

    #[test]
    fn live_reminders_compare_on_the_managed_keys_only() {
        let live: InactivityReminder = serde_json::from_value(json!({
            "message": "Still there?", "timeout": null, "ticket_status_id": null, "tags": [], "id": 3
        }))
        .expect("reminder");
        assert_eq!(live_reminder(&live), json!({"message": "Still there?"}));
    }
}
