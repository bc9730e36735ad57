//! Manual steps: settings Zendesk offers no public API for (or whose live value could not be
//! read), with the Admin Center steps a person follows instead: where Zendesk offers no API,
//! the plan says so plainly, prints the exact Admin Center steps, and verifies what it can
//! read.

use serde::{Deserialize, Serialize};

/// What zdpolicy knows about the live value of a manual setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveValue {
    /// Read, and it differs from the policy: the step is needed.
    Differs,
    /// Not readable: the step may or may not be needed.
    Unknown,
    /// Not readable, and the policy records that a person did the step for the value it
    /// wants (`messaging.confirmed`): not repeated.
    Confirmed,
}

/// A manual step recorded as done (`messaging.confirmed` in the policy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    /// The value set by hand.
    pub value: serde_json::Value,
    /// When, `YYYY-MM-DD`.
    pub date: String,
}

/// A step a person takes in Admin Center.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualStep {
    /// Whether the step is known to be needed.
    pub live_value: LiveValue,
    /// What to achieve, e.g. `Select "Agents can end messaging sessions at any time"`.
    pub instruction: String,
    /// Where, as Zendesk's help centre writes it: `Admin Center > … > Save settings`.
    pub admin_center: String,
    /// Zendesk's article about the setting.
    pub reference: String,
    /// Why zdpolicy cannot do it itself (or cannot tell whether it is needed).
    pub why: String,
    /// The confirmation that it was done (`live_value: confirmed` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed: Option<Confirmation>,
}

/// Zendesk's article "Allowing agents to end messaging sessions".
const AGENTS_END_ARTICLE: &str = "https://support.zendesk.com/hc/en-us/articles/8372292195354";
/// Zendesk's article on omnichannel routing configuration, section "Routing agent-ended
/// messaging sessions".
const ROUTE_ARTICLE: &str =
    "https://support.zendesk.com/hc/en-us/articles/4828787357210#topic_hr4_1lh_n2c";
/// Zendesk's article on messaging capacity release and inactivity reminders.
const INACTIVITY_ARTICLE: &str = "https://support.zendesk.com/hc/en-us/articles/7043034053658";
/// Zendesk's article "Allowing end users to end messaging sessions".
const END_USERS_ARTICLE: &str = "https://support.zendesk.com/hc/en-us/articles/10046732687770";

const NO_API: &str = "Zendesk offers no public API for this setting";

/// "Agents can end messaging sessions at any time": no public API; its value is read from
/// the trigger definitions (docs/zendesk-notes.md, "Settings only Admin Center changes").
pub fn agents_can_end_sessions(want: bool) -> ManualStep {
    let verb = if want { "Select" } else { "Deselect" };
    ManualStep {
        confirmed: None,
        live_value: LiveValue::Differs,
        instruction: format!("{verb} \"Agents can end messaging sessions at any time\""),
        admin_center: "Admin Center > Channels > Messaging and social > Messaging > Manage \
                       settings > Advanced > Ending sessions > \"Agents can end messaging sessions \
                       at any time\" > Save settings"
            .to_owned(),
        reference: AGENTS_END_ARTICLE.to_owned(),
        why: format!(
            "{NO_API}; zdpolicy reads it from the trigger definitions, which offer the \
             \"Messaging session ended reason\" condition only while it is on"
        ),
    }
}

/// The routing control, as Zendesk's article names it.
const ROUTE_AS_EMAIL: &str = "Route agent-ended messaging sessions as email tickets";

/// Routing of agent-ended sessions: no public API to write or read (docs/zendesk-notes.md,
/// "Settings only Admin Center changes"). Zendesk's control is one checkbox in the routing
/// configuration: checked routes them as email, unchecked as messaging. `routing_on` says whether
/// the account settings show omnichannel routing on (else it was not reported).
pub fn agent_ended_sessions_route_as(email: bool, routing_on: bool) -> ManualStep {
    let (verb, channel) = if email {
        ("Select", "email")
    } else {
        ("Deselect", "messaging")
    };
    let why = if routing_on {
        format!("{NO_API}, to write or to read: check it by hand")
    } else {
        format!(
            "{NO_API}, to write or to read, and the account settings do not report \
             `routing.enabled`: the step applies only to accounts with omnichannel routing"
        )
    };
    ManualStep {
        confirmed: None,
        live_value: LiveValue::Unknown,
        instruction: format!(
            "{verb} \"{ROUTE_AS_EMAIL}\" (tickets of agent-ended sessions are routed as {channel})"
        ),
        admin_center: format!(
            "Admin Center > Objects and rules > Omnichannel routing > Routing configuration > \
             Edit > Messaging routing > \"{ROUTE_AS_EMAIL}\" (checked = email, unchecked = \
             messaging) > Save"
        ),
        reference: ROUTE_ARTICLE.to_owned(),
        why,
    }
}

/// `messaging_inactivity.end_session` when the account settings do not report it.
pub fn end_session_after_inactivity_unread(want: bool) -> ManualStep {
    let verb = if want { "Turn on" } else { "Turn off" };
    ManualStep {
        confirmed: None,
        live_value: LiveValue::Unknown,
        instruction: format!(
            "{verb} ending the messaging session with the final inactivity reminder"
        ),
        admin_center: "Admin Center > Channels > Messaging and social > Messaging > Manage \
                       settings > (capacity release and inactivity reminders, see the article) > \
                       Save settings"
            .to_owned(),
        reference: INACTIVITY_ARTICLE.to_owned(),
        why: "the account settings Zendesk returned have no `messaging_inactivity.end_session`, \
              so zdpolicy cannot tell whether a change is needed"
            .to_owned(),
    }
}

/// Another `messaging_inactivity` key when the account settings do not report it.
pub fn inactivity_unread(key: &str, want: &serde_json::Value) -> ManualStep {
    ManualStep {
        confirmed: None,
        live_value: LiveValue::Unknown,
        instruction: format!("Set the messaging inactivity setting `{key}` to {want}"),
        admin_center: "Admin Center > Channels > Messaging and social > Messaging > Manage \
                       settings > (capacity release and inactivity reminders, see the article) > \
                       Save settings"
            .to_owned(),
        reference: INACTIVITY_ARTICLE.to_owned(),
        why: format!(
            "the account settings Zendesk returned have no `messaging_inactivity.{key}`, so \
             zdpolicy cannot tell whether a change is needed"
        ),
    }
}

/// Sunshine Conversations `endSessionEnabled` when the app's settings do not report it.
pub fn end_users_can_end_sessions_unread(want: bool) -> ManualStep {
    let verb = if want { "Turn on" } else { "Turn off" };
    ManualStep {
        confirmed: None,
        live_value: LiveValue::Unknown,
        instruction: format!("{verb} the end session feature for end users"),
        admin_center: "Admin Center > Channels > Messaging and social > Messaging > Manage \
                       settings > (end session feature for end users, see the article) > Save \
                       settings"
            .to_owned(),
        reference: END_USERS_ARTICLE.to_owned(),
        why: "the Sunshine Conversations app's settings have no `endSessionEnabled`, so zdpolicy \
              cannot tell whether a change is needed"
            .to_owned(),
    }
}

/// Sunshine Conversations `disableConversationReopen` when the app's settings do not report it.
pub fn end_users_can_reopen_unread(want: bool) -> ManualStep {
    let verb = if want { "Allow" } else { "Stop" };
    ManualStep {
        confirmed: None,
        live_value: LiveValue::Unknown,
        instruction: format!("{verb} end users reopening conversations they ended"),
        admin_center: "Admin Center > Channels > Messaging and social > Messaging > Manage \
                       settings > (reopening conversations, see the article) > Save settings"
            .to_owned(),
        reference: END_USERS_ARTICLE.to_owned(),
        why: "the Sunshine Conversations app's settings have no `disableConversationReopen`, so \
              zdpolicy cannot tell whether a change is needed"
            .to_owned(),
    }
}
