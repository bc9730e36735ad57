//! What `PUT /api/v2/account/settings` does with a request, apart from HTTP: which keys of
//! `messaging_inactivity` it takes, which it ignores (and names in `X-Zendesk-API-Warn`), and
//! which values it refuses.
//!
//! Zendesk ignores keys it does not permit and says so only in that header (docs/zendesk-notes.md,
//! "Ignored keys"); the simulator ignores the
//! read-only `default_localized_messages`, keys `messaging_inactivity` does not have, and
//! any key an account is configured to ignore (`ignored_settings`, to play a plan or feature
//! that makes Zendesk drop a key). Other sections merge as sent [simulated by choice].

use serde_json::{Map, Value};

/// The keys of `messaging_inactivity` a PUT may set [SEEN account settings reference].
const INACTIVITY_KEYS: &[&str] = &[
    "enabled",
    "timeout",
    "ticket_status_id",
    "end_session",
    "reminders",
];

/// `patch` without the keys Zendesk would ignore, and those keys as the header names them
/// (`settings.messaging_inactivity.KEY`). `ignored` lists an account's configured keys as
/// `SECTION.KEY`.
pub(crate) fn permitted(
    patch: &Map<String, Value>,
    ignored: &[String],
) -> (Map<String, Value>, Vec<String>) {
    let mut kept = Map::new();
    let mut dropped = Vec::new();
    for (section, value) in patch {
        let Value::Object(inner) = value else {
            if ignored.iter().any(|i| i == section) {
                dropped.push(format!("settings.{section}"));
            } else {
                kept.insert(section.clone(), value.clone());
            }
            continue;
        };
        let mut section_kept = Map::new();
        for (key, value) in inner {
            let path = format!("{section}.{key}");
            let unknown =
                section == "messaging_inactivity" && !INACTIVITY_KEYS.contains(&key.as_str());
            if unknown || ignored.contains(&path) || ignored.contains(section) {
                dropped.push(format!("settings.{path}"));
            } else {
                section_kept.insert(key.clone(), value.clone());
            }
        }
        kept.insert(section.clone(), Value::Object(section_kept));
    }
    (kept, dropped)
}

/// The `X-Zendesk-API-Warn` value naming `dropped`, in the recorded form. The controller
/// name for account settings is [INFERRED] (only a trigger update was recorded).
pub(crate) fn warn_header(dropped: &[String]) -> String {
    let keys: Vec<String> = dropped.iter().map(|k| format!("\"{k}\"")).collect();
    format!(
        "{{:allowed_parameters=>{{:controller=>\"account/settings\", :action=>\"update\", :unpermitted_keys=>[{}], :invalid_values=>[]}}}}",
        keys.join(", ")
    )
}

/// Checks `messaging_inactivity` after a merge: the value types, and "`timeout` and
/// `ticket_status_id` mandatory for the 2nd and 3rd reminders", messages required [SEEN
/// account settings reference]. Returns 422 `details` (`{field: [{description, error}]}`).
pub(crate) fn check_inactivity(section: &Map<String, Value>) -> Result<(), Map<String, Value>> {
    let mut details = Map::new();
    let mut fail = |field: &str, description: String| {
        let entry = details
            .entry(field.to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = entry {
            list.push(serde_json::json!({"description": description, "error": "InvalidValue"}));
        }
    };
    for key in ["enabled", "end_session"] {
        if section.get(key).is_some_and(|v| !v.is_boolean()) {
            fail(key, format!("{key} must be true or false"));
        }
    }
    if section.get("timeout").is_some_and(|v| !is_positive(v)) {
        fail(
            "timeout",
            "timeout must be a positive number of minutes".to_owned(),
        );
    }
    if section
        .get("ticket_status_id")
        .is_some_and(|v| !v.is_null() && !v.is_u64())
    {
        fail(
            "ticket_status_id",
            "ticket_status_id must be a ticket status id".to_owned(),
        );
    }
    match section.get("reminders") {
        None | Some(Value::Null) => {}
        Some(Value::Array(reminders)) => {
            for (index, reminder) in reminders.iter().enumerate() {
                let number = index + 1;
                let message = reminder.get("message").and_then(Value::as_str);
                if message.is_none_or(|m| m.trim().is_empty()) {
                    fail(
                        "reminders",
                        format!("Reminder {number}: message is required"),
                    );
                }
                if index > 0 && !reminder.get("timeout").is_some_and(is_positive) {
                    fail(
                        "reminders",
                        format!("Reminder {number}: timeout is required"),
                    );
                }
                if index > 0 && !reminder.get("ticket_status_id").is_some_and(Value::is_u64) {
                    fail(
                        "reminders",
                        format!("Reminder {number}: ticket_status_id is required"),
                    );
                }
            }
        }
        Some(_) => fail("reminders", "reminders must be a list".to_owned()),
    }
    if details.is_empty() {
        Ok(())
    } else {
        Err(details)
    }
}

fn is_positive(value: &Value) -> bool {
    value.as_u64().is_some_and(|n| n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn unknown_read_only_and_configured_keys_are_dropped() {
        let patch = map(json!({
            "messaging_inactivity": {"timeout": 5, "end_session": true, "default_localized_messages": [], "colour": 1},
            "routing": {"enabled": true}
        }));
        let (kept, dropped) = permitted(&patch, &["messaging_inactivity.timeout".to_owned()]);
        assert_eq!(
            Value::Object(kept),
            json!({"messaging_inactivity": {"end_session": true}, "routing": {"enabled": true}})
        );
        assert_eq!(
            dropped,
            [
                "settings.messaging_inactivity.timeout",
                "settings.messaging_inactivity.default_localized_messages",
                "settings.messaging_inactivity.colour"
            ]
        );
        assert_eq!(
            warn_header(&dropped[..1]),
            r#"{:allowed_parameters=>{:controller=>"account/settings", :action=>"update", :unpermitted_keys=>["settings.messaging_inactivity.timeout"], :invalid_values=>[]}}"#
        );
    }

    #[test]
    fn later_reminders_need_a_timeout_and_a_status() {
        let ok = map(
            json!({"reminders": [{"message": "a"}, {"message": "b", "timeout": 60, "ticket_status_id": 3}]}),
        );
        assert_eq!(check_inactivity(&ok), Ok(()));
        let bad = map(json!({"timeout": 0, "reminders": [{"message": ""}, {"message": "b"}]}));
        let details = check_inactivity(&bad).expect_err("refused");
        assert_eq!(details["timeout"].as_array().map(Vec::len), Some(1));
        assert_eq!(details["reminders"].as_array().map(Vec::len), Some(3));
    }
}
