//! `LiveState`: what one Zendesk account looks like now, as read through the read API.
//!
//! This is the contract between the reader (the HTTP client, later the sandbox) and the pure
//! planner: plain data, no I/O. Everything Zendesk sent is kept (wire types keep unknown
//! fields), so the planner can preserve what the policy does not manage.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::directory::Directory;
use crate::zendesk::model::{
    AccountSettings, Definition, SunshineApp, Trigger, TriggerCategory, TriggerDefinitions,
};

/// The title of the trigger condition Zendesk offers only while agents can end messaging
/// sessions. Its API name (`subject`) is undocumented, so it is found by this title.
pub const SESSION_ENDED_REASON_TITLE: &str = "Messaging session ended reason";

/// The title of that condition's value meaning "an agent ended the session".
pub const ENDED_BY_AGENT_TITLE: &str = "Ended by agent";

/// One account's live state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveState {
    /// Every ticket trigger, in Zendesk's order.
    pub triggers: Vec<Trigger>,
    /// Every trigger category.
    pub categories: Vec<TriggerCategory>,
    /// The conditions and actions the account's triggers may use.
    pub definitions: TriggerDefinitions,
    /// The account settings.
    pub settings: AccountSettings,
    /// The Sunshine Conversations app, when the policy configures one for the account.
    pub sunshine: Option<SunshineApp>,
    /// Whether the account has ticket trigger categories: `false` when
    /// `/api/v2/trigger_categories` answered `TriggerCategoriesNotEnabled` (then `categories`
    /// is empty because the feature is off, not because none exist).
    #[serde(default = "yes")]
    pub trigger_categories_enabled: bool,
    /// The objects the policy's triggers name by reference (only the lists they name).
    #[serde(default, skip_serializing_if = "Directory::is_empty")]
    pub directory: Directory,
}

fn yes() -> bool {
    true
}

/// A condition resolved from the account's trigger definitions: its API field and value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedCondition {
    /// The condition's `field` (the definition's `subject`).
    pub field: String,
    /// The operator titled "Changed to" if the definition lists one, else `value`.
    pub operator: String,
    /// The value.
    pub value: Value,
}

impl LiveState {
    /// The "Messaging session ended reason" condition definition, if Zendesk offers it.
    pub fn session_ended_definition(&self) -> Option<&Definition> {
        self.definitions
            .conditions_any
            .iter()
            .chain(&self.definitions.conditions_all)
            .find(|d| d.title == SESSION_ENDED_REASON_TITLE)
    }

    /// Whether agents can end messaging sessions, as far as the API shows: Zendesk offers the
    /// "Messaging session ended reason" condition only while the setting is on. There is no
    /// public API for the setting itself.
    pub fn agents_can_end_sessions(&self) -> bool {
        self.session_ended_definition().is_some()
    }

    /// "Messaging session ended reason | Changed to | Ended by agent", looked up by title.
    pub fn session_ended_by_agent(&self) -> Option<ResolvedCondition> {
        let definition = self.session_ended_definition()?;
        let value = definition
            .values
            .as_ref()?
            .iter()
            .find(|v| v.title == ENDED_BY_AGENT_TITLE)?
            .value
            .clone();
        let operator = definition
            .operators
            .as_ref()
            .and_then(|ops| ops.iter().find(|o| o.title == "Changed to"))
            .map_or_else(|| "value".to_owned(), |o| o.value.clone());
        Some(ResolvedCondition {
            field: definition.subject.clone(),
            operator,
            value,
        })
    }

    /// Account setting `messaging_inactivity.end_session`, if the account reports it.
    pub fn end_session_after_inactivity(&self) -> Option<bool> {
        self.settings.messaging_inactivity.as_ref()?.end_session
    }

    /// Sunshine Conversations app setting `endSessionEnabled`, if the app was read.
    pub fn end_users_can_end_sessions(&self) -> Option<bool> {
        self.sunshine.as_ref()?.settings.end_session_enabled
    }

    /// The name of the trigger category with this id.
    pub fn category_name(&self, id: &str) -> Option<&str> {
        self.categories
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.as_str())
    }

    /// The triggers with exactly this title (titles are not unique in Zendesk).
    pub fn triggers_titled<'a>(&'a self, title: &'a str) -> impl Iterator<Item = &'a Trigger> + 'a {
        self.triggers.iter().filter(move |t| t.title == title)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn state(definitions: Value) -> LiveState {
        LiveState {
            triggers: Vec::new(),
            categories: Vec::new(),
            definitions: serde_json::from_value(definitions).unwrap(),
            settings: serde_json::from_value(
                json!({"messaging_inactivity": {"end_session": true}}),
            )
            .unwrap(),
            sunshine: None,
            trigger_categories_enabled: true,
            directory: Directory::default(),
        }
    }

    #[test]
    fn session_ended_condition_is_found_by_title_not_by_name() {
        let live = state(json!({
            "conditions_all": [],
            "conditions_any": [{
                "subject": "whatever_zendesk_calls_it",
                "title": "Messaging session ended reason",
                "operators": [{"value": "is", "title": "Is"}, {"value": "value", "title": "Changed to"}],
                "values": [{"value": "by_user", "title": "Ended by user"}, {"value": "by_agent", "title": "Ended by agent"}]
            }],
            "actions": []
        }));
        assert!(live.agents_can_end_sessions());
        assert_eq!(
            live.session_ended_by_agent(),
            Some(ResolvedCondition {
                field: "whatever_zendesk_calls_it".into(),
                operator: "value".into(),
                value: json!("by_agent")
            })
        );
        assert_eq!(live.end_session_after_inactivity(), Some(true));
    }

    #[test]
    fn without_the_condition_agents_cannot_end_sessions() {
        let live = state(json!({"conditions_all": [], "conditions_any": [], "actions": []}));
        assert!(!live.agents_can_end_sessions());
        assert_eq!(live.session_ended_by_agent(), None);
    }
}
