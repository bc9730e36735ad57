//! The account objects triggers point at by id (groups, ticket fields with their options,
//! forms, brands, schedules, custom statuses, webhooks): seeded as Zendesk shapes them, served
//! as cursor-paged lists, and checked when a trigger is written.
//!
//! A seed lists them under `objects`, one list per kind, each object in Zendesk's own shape;
//! the simulator fills in what Zendesk would (`id`, option ids, `active`, …). A kind the seed
//! does not list is not checked on trigger writes, so seeds without objects behave as before.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::api_error::ApiError;
use super::state::take_id;
use crate::directory::{ListKind, value_slot};
use crate::zendesk::model::{Action, Condition};

/// Objects by kind, as seeded or stored: each in Zendesk's shape.
pub(crate) type Objects = BTreeMap<ListKind, Vec<Value>>;

/// The seeded objects completed as Zendesk would have them: an `id` (numbers from the id
/// sequence, a ULID-like text for webhooks), the defaults of each kind, and ids for the
/// options of custom fields.
///
/// # Errors
/// A message when an object is not a mapping, has no name, or repeats an id.
pub(crate) fn seeded(
    seed: &BTreeMap<ListKind, Vec<Map<String, Value>>>,
    next_id: &mut u64,
) -> Result<Objects, String> {
    let mut objects = Objects::new();
    for (&kind, list) in seed {
        let mut done: Vec<Value> = Vec::with_capacity(list.len());
        for object in list {
            let object = complete(kind, object.clone(), next_id)?;
            if done.iter().any(|o| o["id"] == object["id"]) {
                return Err(format!(
                    "{}: id {} is given twice",
                    kind.root(),
                    object["id"]
                ));
            }
            done.push(object);
        }
        objects.insert(kind, done);
    }
    Ok(objects)
}

fn complete(
    kind: ListKind,
    mut object: Map<String, Value>,
    next_id: &mut u64,
) -> Result<Value, String> {
    let name_key = match kind {
        ListKind::TicketFields => "title",
        ListKind::CustomStatuses => "agent_label",
        _ => "name",
    };
    if !object.get(name_key).is_some_and(Value::is_string) {
        return Err(format!(
            "{}: every object needs `{name_key}` (a string)",
            kind.root()
        ));
    }
    if !object.contains_key("id") {
        let id = take_id(next_id);
        let id = if kind == ListKind::Webhooks {
            json!(format!("01SIMWEBHOOK{id}"))
        } else {
            json!(id)
        };
        object.insert("id".into(), id);
    }
    let mut default = |key: &str, value: Value| {
        object.entry(key.to_owned()).or_insert(value);
    };
    match kind {
        ListKind::Groups => default("deleted", json!(false)),
        ListKind::TicketFields => {
            default("active", json!(true));
            default("removable", json!(true));
        }
        ListKind::CustomStatuses => {
            default("active", json!(true));
            default("status_category", json!("open"));
        }
        ListKind::Webhooks => default("status", json!("active")),
        ListKind::Schedules => default("time_zone", json!("UTC")),
        ListKind::TicketForms | ListKind::Brands => default("active", json!(true)),
    }
    if kind == ListKind::TicketFields {
        let options = object
            .get_mut("custom_field_options")
            .and_then(Value::as_array_mut);
        let has_options = options.as_ref().is_some_and(|o| !o.is_empty());
        for option in options.into_iter().flatten() {
            let Value::Object(option) = option else {
                return Err("ticket_fields: custom_field_options are mappings".to_owned());
            };
            let name = option
                .get("name")
                .and_then(Value::as_str)
                .ok_or("ticket_fields: every option needs `name`")?
                .to_owned();
            option
                .entry("id")
                .or_insert_with(|| json!(take_id(next_id)));
            // Zendesk makes an option's tag from its name when none is given.
            option
                .entry("value")
                .or_insert_with(|| json!(name.to_lowercase().replace(' ', "_")));
        }
        let kind_of_field = if has_options { "tagger" } else { "text" };
        object.entry("type").or_insert_with(|| json!(kind_of_field));
    }
    Ok(Value::Object(object))
}

/// An object as served: with its `url`.
pub(crate) fn served(kind: ListKind, object: &Value, base: &str) -> Value {
    let mut object = object.clone();
    let id = match &object["id"] {
        Value::String(id) => id.clone(),
        other => other.to_string(),
    };
    if let Value::Object(map) = &mut object {
        map.insert(
            "url".into(),
            json!(format!("{base}{}/{id}.json", kind.path())),
        );
    }
    object
}

/// The id of an object as it appears inside trigger values (text).
fn id_text(object: &Value) -> String {
    match &object["id"] {
        Value::String(id) => id.clone(),
        other => other.to_string(),
    }
}

/// The 422 Zendesk answers when a trigger names an object the account does not have: a
/// group, form, brand, schedule, custom status, webhook, custom field or custom field option
/// that is not (or no longer) there. Only kinds the account's seed lists are checked.
///
/// # Errors
/// `RecordInvalid` naming the field and the id.
pub(crate) fn check_ids(
    objects: &Objects,
    conditions: &[&Condition],
    actions: &[Action],
) -> Result<(), ApiError> {
    let values = conditions
        .iter()
        .map(|c| (c.field.as_str(), c.value.as_ref()))
        .chain(actions.iter().map(|a| (a.field.as_str(), a.value.as_ref())));
    for (field, value) in values {
        if let Some(id) = field.strip_prefix("custom_fields_") {
            check_custom_field(objects, field, id, value)?;
            continue;
        }
        let Some((kind, item)) = value_slot(field) else {
            continue;
        };
        let Some(list) = objects.get(&kind) else {
            continue;
        };
        let value = match (item, value) {
            (Some(i), Some(Value::Array(items))) => items.get(i),
            (None, value) => value,
            _ => None,
        };
        for id in ids_in(value) {
            let known = list.iter().any(|o| {
                id_text(o) == id
                    && o.get("deleted") != Some(&json!(true))
                    && o.get("active") != Some(&json!(false))
            });
            if !known {
                return Err(missing(field, &id));
            }
        }
    }
    Ok(())
}

fn check_custom_field(
    objects: &Objects,
    field: &str,
    id: &str,
    value: Option<&Value>,
) -> Result<(), ApiError> {
    let Some(fields) = objects.get(&ListKind::TicketFields) else {
        return Ok(());
    };
    let Some(found) = fields.iter().find(|f| id_text(f) == id) else {
        return Err(missing(field, id));
    };
    let Some(options) = found
        .get("custom_field_options")
        .and_then(Value::as_array)
        .filter(|o| !o.is_empty())
    else {
        return Ok(());
    };
    for id in ids_in(value) {
        if !options.iter().any(|o| id_text(o) == id) {
            return Err(missing(field, &id));
        }
    }
    Ok(())
}

/// The ids a value names: numbers, and texts of digits (`""` and other texts, such as
/// `current_groups`, name no object); every text for webhooks is taken by the caller as is.
fn ids_in(value: Option<&Value>) -> Vec<String> {
    let one = |v: &Value| match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            Some(s.clone())
        }
        Value::String(s) if s.starts_with("01") && s.len() > 2 => Some(s.clone()),
        _ => None,
    };
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(one).collect(),
        Some(v) => one(v).into_iter().collect(),
        None => Vec::new(),
    }
}

/// 422 for an id that names nothing (Zendesk's wording is [NOT FOUND]; the simulator follows
/// the `details.base` shape of its other trigger validation errors).
fn missing(field: &str, id: &str) -> ApiError {
    ApiError::invalid(
        "base",
        format!("Invalid value '{id}' for field '{field}': no such record"),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects() -> Objects {
        let seed: BTreeMap<ListKind, Vec<Map<String, Value>>> = serde_json::from_value(json!({
            "groups": [{"name": "Tier 2"}, {"name": "Old", "deleted": true}],
            "ticket_fields": [{"title": "Product", "custom_field_options": [{"name": "Enterprise"}]}],
            "webhooks": [{"name": "Slack"}]
        }))
        .unwrap();
        let mut next = 100;
        seeded(&seed, &mut next).unwrap()
    }

    fn action(field: &str, value: Value) -> Action {
        serde_json::from_value(json!({"field": field, "value": value})).unwrap()
    }

    #[test]
    fn seeds_are_completed_as_zendesk_would() {
        let objects = objects();
        assert_eq!(objects[&ListKind::Groups][0]["id"], json!(100));
        assert_eq!(objects[&ListKind::Groups][0]["deleted"], json!(false));
        let field = &objects[&ListKind::TicketFields][0];
        assert_eq!(field["type"], json!("tagger"));
        assert_eq!(field["custom_field_options"][0]["id"], json!(103));
        assert_eq!(
            field["custom_field_options"][0]["value"],
            json!("enterprise")
        );
        assert_eq!(
            objects[&ListKind::Webhooks][0]["id"],
            json!("01SIMWEBHOOK104")
        );
    }

    #[test]
    fn a_trigger_naming_a_missing_or_deleted_object_is_422() {
        let objects = objects();
        let ok = [
            action("group_id", json!("100")),
            action("custom_fields_102", json!("103")),
            action("notification_webhook", json!(["01SIMWEBHOOK104", "{}"])),
            action("group_id", json!("")),
            action("brand_id", json!("5")),
        ];
        assert!(check_ids(&objects, &[], &ok).is_ok());
        for bad in [
            action("group_id", json!("999")),
            action("group_id", json!(101)),
            action("custom_fields_102", json!("1")),
            action("custom_fields_7", json!("1")),
            action("notification_webhook", json!(["01NOPE", "{}"])),
        ] {
            let err = check_ids(&objects, &[], std::slice::from_ref(&bad)).unwrap_err();
            assert_eq!(err.status().as_u16(), 422, "{bad:?}");
        }
    }
}
