//! Preflight: which features an account has, as far as its API answers show, so a plan says
//! "this account has no messaging" instead of presenting a guess ("now false") as a live value.
//!
//! Zendesk has no endpoint that lists an account's features; each answer here is read from
//! what another endpoint shows, and where one answer stands for two cases, both are named.

use serde_json::Value;

use super::address::Address;
use super::diagnostic::{DiagnosticCode, PlanDiagnostic};
use crate::live::LiveState;

/// Whether an account has a feature, as its API answers show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// The answers show it on.
    On,
    /// The answers show it off (or absent: see each feature).
    Off,
    /// The answers do not say.
    Unknown,
}

/// The title of the `via_id` value for native messaging in the trigger definitions [3P: real
/// accounts with messaging list it; those without do not].
const MESSAGING_CHANNEL_TITLE: &str = "Messaging";

/// Messaging: the Channel (`via_id`) condition of the trigger definitions offers "Messaging" only
/// while the account has it (inferred, not documented by Zendesk). Off means messaging is turned
/// off or not on the account's plan; the API does not tell those apart.
pub fn messaging(live: &LiveState) -> Availability {
    let channel = live
        .definitions
        .conditions_all
        .iter()
        .chain(&live.definitions.conditions_any)
        .find(|d| d.subject == "via_id");
    let Some(values) = channel.and_then(|d| d.values.as_ref()) else {
        return Availability::Unknown;
    };
    if values.iter().any(|v| v.title == MESSAGING_CHANNEL_TITLE) {
        Availability::On
    } else {
        Availability::Off
    }
}

/// Customer satisfaction: `active_features.customer_satisfaction` of the account settings.
/// Off means CSAT is absent from the plan or turned off; the flag does not say whether the
/// account has customizable CSAT or the legacy survey.
pub fn csat(live: &LiveState) -> Availability {
    flag(
        live.settings
            .extra
            .get("active_features")
            .and_then(|f| f.get("customer_satisfaction")),
    )
}

/// Omnichannel routing: `routing.enabled` of the account settings.
pub fn routing(live: &LiveState) -> Availability {
    match live.settings.routing.as_ref().and_then(|r| r.enabled) {
        Some(true) => Availability::On,
        Some(false) => Availability::Off,
        None => Availability::Unknown,
    }
}

/// Ticket trigger categories: off when the categories endpoint answers
/// `TriggerCategoriesNotEnabled`.
pub fn trigger_categories(live: &LiveState) -> Availability {
    if live.trigger_categories_enabled {
        Availability::On
    } else {
        Availability::Off
    }
}

fn flag(value: Option<&Value>) -> Availability {
    match value.and_then(Value::as_bool) {
        Some(true) => Availability::On,
        Some(false) => Availability::Off,
        None => Availability::Unknown,
    }
}

/// What the plan says when messaging is off.
pub const MESSAGING_OFF: &str = "the account has no messaging: it is turned off or not on the \
                                 account's plan (the trigger definitions offer no \"Messaging\" \
                                 channel; the API does not say which of the two)";

/// What the plan says when customer satisfaction is off.
pub const CSAT_OFF: &str = "customer satisfaction is off for the account \
                            (`active_features.customer_satisfaction: false`): customizable CSAT \
                            is not on its plan or is turned off (the API does not say which)";

/// What the plan says when omnichannel routing is off.
pub const ROUTING_OFF: &str = "omnichannel routing is off for the account (`routing.enabled: \
                               false`)";

/// What the plan says when trigger categories are off.
pub const CATEGORIES_OFF: &str = "the account has no ticket trigger categories (Zendesk \
                                  answers TriggerCategoriesNotEnabled)";

/// The finding for a setting that needs messaging on an account without it: an error when
/// the policy wants the feature used, a warning when it wants it off (nothing to do).
pub fn messaging_off(address: Address, setting: &str, wants_on: bool) -> PlanDiagnostic {
    let message = format!("{setting} cannot apply: {MESSAGING_OFF}");
    let finding = if wants_on {
        PlanDiagnostic::error(DiagnosticCode::MessagingUnavailable, Some(address), message)
    } else {
        PlanDiagnostic::warning(DiagnosticCode::MessagingUnavailable, Some(address), message)
    };
    finding.with_help(
        "turn messaging on (Admin Center > Channels > Messaging and social > Messaging), or \
         remove the setting for this account",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn live(channels: Value, settings: Value, categories: bool) -> LiveState {
        serde_json::from_value(json!({
            "triggers": [], "categories": [],
            "definitions": {"actions": [], "conditions_any": [], "conditions_all": [
                {"subject": "via_id", "title": "Channel", "values": channels}
            ]},
            "settings": settings,
            "sunshine": null,
            "trigger_categories_enabled": categories
        }))
        .expect("live state")
    }

    #[test]
    fn each_feature_is_read_from_what_the_api_shows() {
        let with = live(
            json!([{"value": "4", "title": "Email"}, {"value": "75", "title": "Messaging"}]),
            json!({"active_features": {"customer_satisfaction": true}, "routing": {"enabled": true}}),
            true,
        );
        assert_eq!(messaging(&with), Availability::On);
        assert_eq!(csat(&with), Availability::On);
        assert_eq!(routing(&with), Availability::On);
        assert_eq!(trigger_categories(&with), Availability::On);

        let without = live(
            json!([{"value": "4", "title": "Email"}]),
            json!({"active_features": {"customer_satisfaction": false}, "routing": {"enabled": false}}),
            false,
        );
        assert_eq!(messaging(&without), Availability::Off);
        assert_eq!(csat(&without), Availability::Off);
        assert_eq!(routing(&without), Availability::Off);
        assert_eq!(trigger_categories(&without), Availability::Off);

        let silent = live(Value::Null, json!({}), true);
        assert_eq!(messaging(&silent), Availability::Unknown);
        assert_eq!(csat(&silent), Availability::Unknown);
        assert_eq!(routing(&silent), Availability::Unknown);
    }
}
