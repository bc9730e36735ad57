//! `messaging.inactivity`: the whole `messaging_inactivity` object of the account settings
//! (capacity release and inactivity reminders), with the rules Zendesk documents for it.

use schemars::JsonSchema;
use serde::Serialize;

use super::located::Located;
use crate::policy::decode::{Decode, Decoder, MapReader};
use crate::policy::diagnostic::{Code, Diagnostic};
use crate::policy::yaml::Node;

/// The messaging inactivity settings (`PUT /api/v2/account/settings` → `messaging_inactivity`).
/// Every key is optional: zdpolicy manages only the keys set. The mapping merges key by key
/// across layers; `reminders` replaces as a whole list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inactivity {
    /// Whether agent capacity is released when the end user is inactive (`enabled`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<Located<bool>>,
    /// Minutes of end-user inactivity before the capacity is released (`timeout`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout: Option<Located<u32>>,
    /// The id of the ticket status set when the capacity is released (`ticket_status_id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_status_id: Option<Located<u64>>,
    /// Whether the messaging session ends with the final reminder (`end_session`); the same
    /// setting as `messaging.end_session_after_inactivity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_session: Option<Located<bool>>,
    /// The reminders sent to an inactive end user, in order. Every reminder needs a
    /// `message`; the second and later ones also need `timeout` and `ticket_status_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminders: Option<Located<Vec<Reminder>>>,
}

/// One inactivity reminder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reminder {
    /// The text sent to the end user.
    #[schemars(length(min = 1))]
    pub message: Located<String>,
    /// Seconds of inactivity before it is sent (required from the second reminder on).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout: Option<Located<u32>>,
    /// The id of the ticket status set when it is sent (required from the second reminder on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_status_id: Option<Located<u64>>,
    /// Tags added to the ticket when it is sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Located<String>>,
}

/// The key Zendesk fills in itself; the policy cannot set it.
const READ_ONLY: &str = "default_localized_messages";

impl Decode for Inactivity {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let mut reader = MapReader::new(node, "messaging.inactivity", decoder)?;
        let value = Self {
            enabled: reader.optional("enabled", decoder),
            timeout: reader.optional("timeout", decoder),
            ticket_status_id: reader.optional("ticket_status_id", decoder),
            end_session: reader.optional("end_session", decoder),
            reminders: reader.optional("reminders", decoder),
        };
        if let Some((key, _)) = reader.take_entry(READ_ONLY) {
            decoder.report(
                Diagnostic::error(
                    Code::InvalidValue,
                    key.span,
                    format!("`{READ_ONLY}` is read-only: Zendesk sets it"),
                )
                .with_label("cannot be set")
                .with_help("remove it; write each reminder's own `message` instead"),
            );
        }
        reader.finish(decoder);
        at_least_one(value.timeout.as_ref(), "timeout", decoder);
        if let Some(reminders) = &value.reminders {
            for (index, reminder) in reminders.value.iter().enumerate() {
                reminder.check(index, decoder);
            }
        }
        Some(value)
    }
}

impl Decode for Reminder {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let mut reader = MapReader::new(node, "an inactivity reminder", decoder)?;
        let message: Option<Located<String>> = reader.required("message", decoder);
        let timeout = reader.optional("timeout", decoder);
        let ticket_status_id = reader.optional("ticket_status_id", decoder);
        let tags = reader.optional("tags", decoder).unwrap_or_default();
        reader.finish(decoder);
        let message = message?;
        if message.value.trim().is_empty() {
            decoder.report(Diagnostic::error(
                Code::InvalidValue,
                message.span,
                "a reminder's message must not be empty",
            ));
        }
        let reminder = Self {
            message,
            timeout,
            ticket_status_id,
            tags,
        };
        at_least_one(reminder.timeout.as_ref(), "timeout", decoder);
        Some(reminder)
    }
}

impl Reminder {
    /// Zendesk's rule: "`timeout` and `ticket_status_id` are mandatory for the 2nd and 3rd
    /// reminders". zdpolicy applies it to every reminder after the first.
    fn check(&self, index: usize, decoder: &mut Decoder) {
        if index == 0 {
            return;
        }
        let missing: Vec<&str> = [
            ("timeout", self.timeout.is_none()),
            ("ticket_status_id", self.ticket_status_id.is_none()),
        ]
        .into_iter()
        .filter_map(|(key, absent)| absent.then_some(key))
        .collect();
        if missing.is_empty() {
            return;
        }
        let keys: Vec<String> = missing.iter().map(|k| format!("`{k}`")).collect();
        decoder.report(
            Diagnostic::error(
                Code::MissingKey,
                self.message.span,
                format!(
                    "reminder {} needs {}: Zendesk requires a timeout and a ticket status for every reminder after the first",
                    index + 1,
                    keys.join(" and ")
                ),
            )
            .with_label(format!("reminder {} has no {}", index + 1, keys.join(" or ")))
            .with_help("add `timeout` (seconds) and `ticket_status_id` to this reminder"),
        );
    }
}

fn at_least_one(value: Option<&Located<u32>>, key: &str, decoder: &mut Decoder) {
    if let Some(value) = value
        && value.value == 0
    {
        decoder.report(Diagnostic::error(
            Code::InvalidValue,
            value.span,
            format!("{key} must be at least 1"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::load::load_texts;

    fn messages(inactivity: &str) -> Vec<(&'static str, String)> {
        let text = format!(
            "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    messaging:\n      inactivity:\n{inactivity}"
        );
        load_texts(&[("a.yaml", &text)])
            .diagnostics
            .into_iter()
            .map(|d| (d.code.name(), d.message))
            .collect()
    }

    #[test]
    fn the_whole_object_loads() {
        let found = messages(
            "        enabled: true\n        timeout: 30\n        ticket_status_id: 7100000000001\n        end_session: true\n        reminders:\n          - { message: Still there? }\n          - { message: Closing soon, timeout: 300, ticket_status_id: 7100000000002, tags: [idle] }\n",
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn later_reminders_need_a_timeout_and_a_status() {
        let found = messages(
            "        reminders:\n          - { message: one }\n          - { message: two, timeout: 60 }\n          - { message: three }\n",
        );
        assert_eq!(
            found,
            [
                ("missing-key", "reminder 2 needs `ticket_status_id`: Zendesk requires a timeout and a ticket status for every reminder after the first".to_owned()),
                ("missing-key", "reminder 3 needs `timeout` and `ticket_status_id`: Zendesk requires a timeout and a ticket status for every reminder after the first".to_owned()),
            ]
        );
    }

    #[test]
    fn messages_are_required_and_not_empty() {
        let found = messages(
            "        reminders:\n          - { timeout: 60 }\n          - { message: ' ', timeout: 60, ticket_status_id: 1 }\n",
        );
        let codes: Vec<&str> = found.iter().map(|(code, _)| *code).collect();
        assert_eq!(codes, ["missing-key", "invalid-value"], "{found:?}");
    }

    #[test]
    fn read_only_and_zero_values_are_refused() {
        let found = messages("        timeout: 0\n        default_localized_messages: []\n");
        assert_eq!(
            found,
            [
                ("invalid-value", "timeout must be at least 1".to_owned()),
                (
                    "invalid-value",
                    "`default_localized_messages` is read-only: Zendesk sets it".to_owned()
                ),
            ]
        );
    }
}
