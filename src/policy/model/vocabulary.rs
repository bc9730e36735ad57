//! The words of Zendesk's trigger API the policy knows: condition and action fields (offered
//! as editor completions, never a reason to refuse) and the closed set of condition
//! operators.

use schemars::JsonSchema;
use serde::Serialize;

use crate::policy::decode::{Decode, Decoder, decode_choice};
use crate::policy::diagnostic::Code;
use crate::policy::yaml::Node;

/// Condition fields of ticket triggers (Zendesk's conditions reference, with the legacy
/// names older accounts still hold). Editors offer them as completions; nothing is refused
/// for not being here (custom fields are `custom_fields_<id>`, `requester.custom_fields.<key>`,
/// `organization.custom_fields.<key>`).
pub const KNOWN_CONDITION_FIELDS: &[&str] = &[
    "status",
    "custom_status_id",
    "type",
    "priority",
    "group_id",
    "assignee_id",
    "requester_id",
    "organization_id",
    "current_tags",
    "via_id",
    "current_via_id",
    "recipient",
    "update_type",
    "comment_is_public",
    "ticket_is_public",
    "subject_includes_word",
    "comment_includes_word",
    "description_includes_word",
    "satisfaction_score",
    "reopens",
    "replies",
    "agent_stations",
    "group_stations",
    "in_business_hours",
    "locale_id",
    "ticket_form_id",
    "brand_id",
    "role",
    "ticket_type_id",
    "exact_created_at",
    "requester_twitter_followers_count",
    "requester_twitter_statuses_count",
    "requester_twitter_verified",
    "assignee_id#all_agents",
    "requester_id#all_agents",
    "group_id#current_groups",
];

/// Action fields of ticket triggers (Zendesk's actions reference, legacy names included),
/// offered as completions like [`KNOWN_CONDITION_FIELDS`].
pub const KNOWN_ACTION_FIELDS: &[&str] = &[
    "status",
    "custom_status_id",
    "type",
    "priority",
    "group_id",
    "assignee_id",
    "set_tags",
    "current_tags",
    "remove_tags",
    "satisfaction_score",
    "notification_user",
    "notification_group",
    "notification_target",
    "notification_webhook",
    "side_conversation_ticket",
    "set_schedule",
    "ticket_form_id",
    "follower",
    "share_ticket",
    "cc",
    "locale_id",
    "brand_id",
    "requester_id",
    "assignee_id#all_agents",
    "requester_id#all_agents",
    "group_id#current_groups",
];

macro_rules! operators {
    ($($variant:ident = $name:literal : $doc:literal,)*) => {
        /// A condition operator, as Zendesk's API spells it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
        pub enum Operator { $(#[doc = $doc] #[serde(rename = $name)] $variant,)* }

        impl Operator {
            /// Every operator with its API name.
            pub const ALL: &'static [(&'static str, Operator)] = &[$(($name, Operator::$variant),)*];

            /// The API name, e.g. `not_value`.
            pub fn name(self) -> &'static str {
                match self { $(Operator::$variant => $name,)* }
            }
        }
    };
}

operators! {
    Is = "is": "Is.",
    IsNot = "is_not": "Is not.",
    LessThan = "less_than": "Less than (ordered fields such as status and priority).",
    GreaterThan = "greater_than": "Greater than.",
    Changed = "changed": "Changed (takes no value).",
    ChangedTo = "value": "Changed to.",
    ChangedFrom = "value_previous": "Changed from.",
    NotChanged = "not_changed": "Not changed (takes no value).",
    NotChangedTo = "not_value": "Not changed to.",
    NotChangedFrom = "not_value_previous": "Not changed from.",
    Includes = "includes": "Includes (tags, words, lists of ids).",
    NotIncludes = "not_includes": "Does not include.",
    Present = "present": "Present (takes no value).",
    NotPresent = "not_present": "Not present (takes no value).",
    IncludesString = "includes_string": "Contains the text (user and organization fields).",
    NotIncludesString = "not_includes_string": "Does not contain the text.",
    WithinPreviousNDays = "within_previous_n_days": "Within the previous N days (date fields).",
    WithinNextNDays = "within_next_n_days": "Within the next N days (date fields).",
    LessThanEqual = "less_than_equal": "Less than or equal to.",
    GreaterThanEqual = "greater_than_equal": "Greater than or equal to.",
    IncludesWords = "includes_words": "Contains at least one of the words.",
    NotIncludesWords = "not_includes_words": "Contains none of the words.",
    IsBusinessHours = "is_business_hours": "Is, counted in business hours.",
    LessThanBusinessHours = "less_than_business_hours": "Less than, in business hours.",
    GreaterThanBusinessHours = "greater_than_business_hours": "Greater than, in business hours.",
}

impl Decode for Operator {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let before = decoder.diagnostics.len();
        let result = decode_choice(node, decoder, "condition operator", Self::ALL);
        // decode_choice reports a generic invalid value; operators have their own code.
        for d in &mut decoder.diagnostics[before..] {
            if d.code == Code::InvalidValue {
                d.code = Code::UnknownOperator;
            }
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names_round_trip() {
        for (name, op) in Operator::ALL {
            assert_eq!(op.name(), *name);
            assert_eq!(serde_json::to_value(op).unwrap(), serde_json::json!(name));
        }
    }
}
