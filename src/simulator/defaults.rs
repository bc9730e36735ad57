//! What a new Zendesk account starts with: its standard triggers (including the default
//! messaging CSAT trigger), its trigger category, its account settings and its Sunshine
//! Conversations app settings. The texts are the simulator's own, in Zendesk's shapes.

use serde_json::{Map, Value, json};

use super::definitions::{CSAT_SURVEY_SENT_SUBJECT, MESSAGING_VIA_ID, SEND_CSAT_SURVEY_SUBJECT};
use super::seed::{AccountSeed, Features, SunshineSeed, TriggerSeed};
use super::state::SunshineState;
use crate::zendesk::model::merge::deep_merge;
use crate::zendesk::model::{SunshineApp, SunshineAppSettings};

/// The category standard triggers are in. Zendesk's name for it is [NOT FOUND]; a real account
/// had all its triggers in one category [SEEN zenpy recording].
pub(crate) const DEFAULT_CATEGORY_NAME: &str = "Notifications";

/// The default messaging CSAT trigger's title [SEEN support.zendesk.com article 8082415949210].
pub(crate) const CSAT_TRIGGER_TITLE: &str = "Request customer satisfaction rating (messaging)";

/// The standard triggers of a new account, as create-request objects.
pub(crate) fn default_triggers(features: &Features) -> Vec<TriggerSeed> {
    let mut list = vec![
        notify(
            "Notify requester and CCs of received request",
            json!([
                {"field": "update_type", "operator": "is", "value": "Create"},
                {"field": "status", "operator": "is_not", "value": "solved"}
            ]),
            "requester_and_ccs",
            "We received your request ({{ticket.id}})",
            "Thank you for contacting us. A member of our team will reply soon.\n\n{{ticket.latest_comment_html}}",
        ),
        notify(
            "Notify requester and CCs of comment update",
            json!([
                {"field": "update_type", "operator": "is", "value": "Change"},
                {"field": "comment_is_public", "operator": "is", "value": "requester_can_see_comment"},
                {"field": "requester_id", "operator": "is_not", "value": "current_user"}
            ]),
            "requester_and_ccs",
            "[{{ticket.account}}] Re: {{ticket.title}}",
            "Your request ({{ticket.id}}) has a new reply.\n\n{{ticket.comments_formatted}}",
        ),
        notify(
            "Notify assignee of comment update",
            json!([
                {"field": "update_type", "operator": "is", "value": "Change"},
                {"field": "comment_is_public", "operator": "is", "value": "not_relevant"},
                {"field": "assignee_id", "operator": "is_not", "value": "current_user"}
            ]),
            "assignee_id",
            "[{{ticket.account}}] Update: {{ticket.title}}",
            "Ticket #{{ticket.id}} has a new comment.\n\n{{ticket.latest_comment_html}}",
        ),
        // `changed` takes no value; real accounts send it as null or "" [SEEN]: keep both.
        notify(
            "Notify assignee of assignment",
            json!([
                {"field": "assignee_id", "operator": "changed", "value": null},
                {"field": "assignee_id", "operator": "is_not", "value": "current_user"}
            ]),
            "assignee_id",
            "[{{ticket.account}}] Assignment: {{ticket.title}}",
            "Ticket #{{ticket.id}} is now assigned to you.\n\n{{ticket.latest_comment_html}}",
        ),
        notify(
            "Notify assignee of reopened ticket",
            json!([
                {"field": "status", "operator": "value_previous", "value": "solved"},
                {"field": "status", "operator": "not_value", "value": "closed"},
                {"field": "assignee_id", "operator": "is_not", "value": "current_user"}
            ]),
            "assignee_id",
            "[{{ticket.account}}] Reopened: {{ticket.title}}",
            "Ticket #{{ticket.id}} was reopened.\n\n{{ticket.latest_comment_html}}",
        ),
        inactive(notify(
            "Notify group of assignment",
            json!([
                {"field": "group_id", "operator": "changed", "value": ""},
                {"field": "assignee_id", "operator": "is", "value": ""}
            ]),
            "group_id",
            "[{{ticket.account}}] Group assignment: {{ticket.title}}",
            "Ticket #{{ticket.id}} was assigned to your group.",
        )),
        inactive(notify(
            "Notify all agents of received request",
            json!([{"field": "update_type", "operator": "is", "value": "Create"}]),
            "all_agents",
            "[{{ticket.account}}] New request: {{ticket.title}}",
            "A new request arrived: #{{ticket.id}}.",
        )),
    ];
    if features.messaging && features.customizable_csat {
        list.push(csat_messaging_trigger());
    }
    list
}

/// "Request customer satisfaction rating (messaging)": it "fires when the status of a ticket
/// created via a messaging channel is updated to Solved and a CSAT survey has not been sent"
/// [SEEN article 8082415949210]. Status "Changed to Solved" is `status`/`value`/`solved`
/// [INFERRED]; messaging is `via_id` 75 [3P]; the survey-sent condition and the send-survey
/// action are [NOT FOUND] and use `zdpolicy_sim_` placeholders.
fn csat_messaging_trigger() -> TriggerSeed {
    trigger(json!({
        "title": CSAT_TRIGGER_TITLE,
        "conditions": {
            "all": [
                {"field": "status", "operator": "value", "value": "solved"},
                {"field": "via_id", "operator": "is", "value": MESSAGING_VIA_ID},
                {"field": CSAT_SURVEY_SENT_SUBJECT, "operator": "is", "value": "false"}
            ],
            "any": []
        },
        "actions": [{"field": SEND_CSAT_SURVEY_SUBJECT, "value": "messaging"}]
    }))
}

fn notify(title: &str, all: Value, recipient: &str, subject: &str, body: &str) -> TriggerSeed {
    trigger(json!({
        "title": title,
        "conditions": {"all": all, "any": []},
        "actions": [{"field": "notification_user", "value": [recipient, subject, body]}]
    }))
}

fn inactive(mut seed: TriggerSeed) -> TriggerSeed {
    seed.trigger.insert("active".to_owned(), Value::Bool(false));
    seed
}

fn trigger(object: Value) -> TriggerSeed {
    TriggerSeed {
        category: None,
        trigger: object.as_object().cloned().unwrap_or_default(),
    }
}

/// `GET /api/v2/account/settings` of a new account, with the seed's settings merged over it.
/// Sections and keys follow Zendesk's `AccountSettingsObject` (OAS 2026); values are the
/// simulator's own.
pub(crate) fn account_settings(seed: &AccountSeed) -> Map<String, Value> {
    let features = &seed.features;
    let defaults = json!({
        "active_features": {
            "customer_satisfaction": features.customizable_csat,
            "business_hours": false,
            "automatic_answers": false,
            "is_abusive": false
        },
        "agents": {"agent_workspace": true, "focus_mode": false},
        "tickets": {
            "agent_collision": true,
            "comments_public_by_default": true,
            "list_newest_comments_first": true
        },
        "messaging_inactivity": {
            "enabled": false,
            "end_session": false,
            "timeout": 30,
            "ticket_status_id": null,
            "reminders": [],
            // Read-only; its item shape is [NOT FOUND], these keys are the simulator's own.
            "default_localized_messages": [
                {"locale": "en-US", "message": "Are you still there?"}
            ]
        },
        "routing": {
            "enabled": features.omnichannel_routing,
            "autorouting_tag": "",
            "max_email_capacity": 5,
            "max_messaging_capacity": 3,
            "reassignment_messaging_enabled": false,
            "reassignment_messaging_timeout": 300,
            "reassignment_talk_timeout": 30
        }
    });
    let mut settings = defaults.as_object().cloned().unwrap_or_default();
    deep_merge(&mut settings, &seed.settings);
    settings
}

/// A Sunshine Conversations app with default settings, the seed's merged over them.
///
/// # Errors
/// A message when a seeded setting has the wrong type.
pub(crate) fn sunshine_state(seed: &SunshineSeed) -> Result<SunshineState, String> {
    let mut settings = json!({
        "conversationRetentionSeconds": 0,
        "maskCreditCardNumbers": true,
        "useAnimalNames": false,
        "echoPostback": false,
        "ignoreAutoConversationStart": false,
        "multiConvoEnabled": true,
        "endSessionEnabled": false,
        "disableConversationReopen": false
    })
    .as_object()
    .cloned()
    .unwrap_or_default();
    deep_merge(&mut settings, &seed.settings);
    let settings: SunshineAppSettings = serde_json::from_value(Value::Object(settings))
        .map_err(|e| format!("sunshine_conversations.settings: {e}"))?;
    let mut extra = Map::new();
    extra.insert("metadata".to_owned(), Value::Null);
    Ok(SunshineState {
        key_id: seed.key_id.clone(),
        secret: seed.secret.clone(),
        app: SunshineApp {
            id: seed.app_id.clone(),
            display_name: Some(
                seed.display_name
                    .clone()
                    .unwrap_or_else(|| "Messaging".to_owned()),
            ),
            settings,
            extra,
        },
    })
}
