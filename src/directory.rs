//! The account's objects a policy names by reference (groups, custom ticket fields with their
//! options, forms, brands, schedules, custom statuses, webhooks): which lists an account's
//! policy needs, and finding an object in them by exact name. Plain data, no I/O.
//!
//! Only the lists a policy references are read, so an account whose triggers name no object
//! costs no extra request.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::policy::model::{Field, RefKind, TriggerSpec};

/// One list of the account's objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// `GET /api/v2/groups`.
    Groups,
    /// `GET /api/v2/ticket_fields` (custom fields only are named; options come with them).
    TicketFields,
    /// `GET /api/v2/ticket_forms`.
    TicketForms,
    /// `GET /api/v2/brands`.
    Brands,
    /// `GET /api/v2/business_hours/schedules`.
    Schedules,
    /// `GET /api/v2/custom_statuses`.
    CustomStatuses,
    /// `GET /api/v2/webhooks`.
    Webhooks,
}

impl ListKind {
    /// Every list.
    pub const ALL: &'static [ListKind] = &[
        ListKind::Groups,
        ListKind::TicketFields,
        ListKind::TicketForms,
        ListKind::Brands,
        ListKind::Schedules,
        ListKind::CustomStatuses,
        ListKind::Webhooks,
    ];

    /// The list a reference of `kind` is looked up in (an option in its field's list).
    pub fn of(kind: RefKind) -> ListKind {
        match kind {
            RefKind::Group => ListKind::Groups,
            RefKind::TicketField | RefKind::Option => ListKind::TicketFields,
            RefKind::TicketForm => ListKind::TicketForms,
            RefKind::Brand => ListKind::Brands,
            RefKind::Schedule => ListKind::Schedules,
            RefKind::CustomStatus => ListKind::CustomStatuses,
            RefKind::Webhook => ListKind::Webhooks,
        }
    }

    /// The kind of reference that names an object of this list in a value (the inverse of
    /// [`Self::of`], options aside: they name an item of a ticket field, not the field).
    pub fn reference_kind(self) -> RefKind {
        match self {
            ListKind::Groups => RefKind::Group,
            ListKind::TicketFields => RefKind::TicketField,
            ListKind::TicketForms => RefKind::TicketForm,
            ListKind::Brands => RefKind::Brand,
            ListKind::Schedules => RefKind::Schedule,
            ListKind::CustomStatuses => RefKind::CustomStatus,
            ListKind::Webhooks => RefKind::Webhook,
        }
    }

    /// The endpoint's path.
    pub fn path(self) -> &'static str {
        match self {
            ListKind::Groups => "/api/v2/groups",
            ListKind::TicketFields => "/api/v2/ticket_fields",
            ListKind::TicketForms => "/api/v2/ticket_forms",
            ListKind::Brands => "/api/v2/brands",
            ListKind::Schedules => "/api/v2/business_hours/schedules",
            ListKind::CustomStatuses => "/api/v2/custom_statuses",
            ListKind::Webhooks => "/api/v2/webhooks",
        }
    }

    /// The key of the answer that holds the objects.
    pub fn root(self) -> &'static str {
        match self {
            ListKind::Groups => "groups",
            ListKind::TicketFields => "ticket_fields",
            ListKind::TicketForms => "ticket_forms",
            ListKind::Brands => "brands",
            ListKind::Schedules => "schedules",
            ListKind::CustomStatuses => "custom_statuses",
            ListKind::Webhooks => "webhooks",
        }
    }

    /// What the list holds, in messages.
    pub fn noun(self) -> &'static str {
        match self {
            ListKind::Groups => "groups",
            ListKind::TicketFields => "ticket fields",
            ListKind::TicketForms => "ticket forms",
            ListKind::Brands => "brands",
            ListKind::Schedules => "schedules",
            ListKind::CustomStatuses => "custom statuses",
            ListKind::Webhooks => "webhooks",
        }
    }

    /// One object of the list as zdpolicy keeps it; `None` for an object without an id or a
    /// name, or a ticket field that is not a custom one (system fields cannot be named).
    pub fn entry(self, item: &Value) -> Option<Entry> {
        let id = match item.get("id")? {
            Value::String(id) => id.clone(),
            Value::Number(id) => id.to_string(),
            _ => return None,
        };
        let text = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_owned);
        let flag = |key: &str| item.get(key).and_then(Value::as_bool);
        let name = match self {
            ListKind::TicketFields => text("title")?,
            ListKind::CustomStatuses => text("agent_label")?,
            _ => text("name")?,
        };
        let active = match self {
            ListKind::Groups => !flag("deleted").unwrap_or(false),
            ListKind::Webhooks => text("status").is_none_or(|s| s == "active"),
            ListKind::Schedules => true,
            _ => flag("active").unwrap_or(true),
        };
        if self == ListKind::TicketFields && flag("removable") == Some(false) {
            return None;
        }
        let options = item
            .get("custom_field_options")
            .and_then(Value::as_array)
            .map(|options| {
                options
                    .iter()
                    .filter_map(|o| {
                        let id = match o.get("id")? {
                            Value::String(id) => id.clone(),
                            Value::Number(id) => id.to_string(),
                            _ => return None,
                        };
                        let name = o.get("name")?.as_str()?.to_owned();
                        // An option without a tag cannot be named in a trigger.
                        let value = o.get("value")?.as_str()?.to_owned();
                        Some(OptionEntry { id, name, value })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Entry {
            id,
            name,
            active,
            options,
        })
    }
}

/// The list whose ids a condition's or action's `field` holds in its value, and which item of
/// a list value holds it (`notification_webhook`: `[webhook_id, body]`); custom fields
/// (`custom_fields_<id>`) are not among them (their options belong to each field).
pub fn value_slot(field: &str) -> Option<(ListKind, Option<usize>)> {
    Some(match field {
        "group_id" => (ListKind::Groups, None),
        "notification_group" => (ListKind::Groups, Some(0)),
        "ticket_form_id" => (ListKind::TicketForms, None),
        "brand_id" => (ListKind::Brands, None),
        "set_schedule" => (ListKind::Schedules, None),
        "custom_status_id" => (ListKind::CustomStatuses, None),
        "notification_webhook" => (ListKind::Webhooks, Some(0)),
        _ => return None,
    })
}

/// One object of a list: its id (as text, the form ids take inside trigger values), its name
/// and whether it is active.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The id, as text.
    pub id: String,
    /// The name (a ticket field's `title`, a custom status's `agent_label`).
    pub name: String,
    /// `false` for a deleted group, an inactive field, form, brand or status, or a webhook
    /// that is not active: such an object is not named by a reference.
    pub active: bool,
    /// A dropdown or multi-select field's options (`custom_field_options`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<OptionEntry>,
}

/// An option of a custom field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionEntry {
    /// The option's id, as text.
    pub id: String,
    /// The option's name.
    pub name: String,
    /// The option's value, its tag (`enterprise`): what a trigger's condition or action on a
    /// dropdown or multi-select ticket field holds for it, not the id (docs/zendesk-notes.md,
    /// "Custom field options in triggers").
    pub value: String,
}

/// The lists read for one account, by kind; a list not read is absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Directory {
    /// The objects of each list read.
    pub lists: BTreeMap<ListKind, Vec<Entry>>,
}

/// What looking a name up found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<'a, T> {
    /// Exactly one active object has the name.
    Found(&'a T),
    /// No active object has it. `inactive` are inactive ones that do; `names` every active
    /// name of the list, for "did you mean".
    Missing {
        /// Inactive objects with the name.
        inactive: Vec<&'a T>,
        /// The names of the list's active objects.
        names: Vec<&'a str>,
    },
    /// Several active objects have it.
    Ambiguous(Vec<&'a T>),
}

impl Directory {
    /// Whether no list was read.
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    /// The objects of `kind`, if the list was read.
    pub fn list(&self, kind: ListKind) -> Option<&[Entry]> {
        self.lists.get(&kind).map(Vec::as_slice)
    }

    /// The object of `kind` with this id.
    pub fn by_id(&self, kind: ListKind, id: &str) -> Option<&Entry> {
        self.list(kind)?.iter().find(|e| e.id == id)
    }
}

/// Finds `name` among `entries`, exactly (case and spaces count).
pub fn find<'a>(entries: &'a [Entry], name: &str) -> Lookup<'a, Entry> {
    let (active, inactive): (Vec<&Entry>, Vec<&Entry>) = entries
        .iter()
        .filter(|e| e.name == name)
        .partition(|e| e.active);
    match active.as_slice() {
        [one] => Lookup::Found(one),
        [] => Lookup::Missing {
            inactive,
            names: entries
                .iter()
                .filter(|e| e.active)
                .map(|e| e.name.as_str())
                .collect(),
        },
        _ => Lookup::Ambiguous(active),
    }
}

/// Finds the option `name` of a custom field, exactly.
pub fn find_option<'a>(field: &'a Entry, name: &str) -> Lookup<'a, OptionEntry> {
    let found: Vec<&OptionEntry> = field.options.iter().filter(|o| o.name == name).collect();
    match found.as_slice() {
        [one] => Lookup::Found(one),
        [] => Lookup::Missing {
            inactive: Vec::new(),
            names: field.options.iter().map(|o| o.name.as_str()).collect(),
        },
        _ => Lookup::Ambiguous(found),
    }
}

/// The lists the triggers of a policy reference: what reading the account must include.
pub fn needed<'a>(triggers: impl IntoIterator<Item = &'a TriggerSpec>) -> BTreeSet<ListKind> {
    let mut kinds = BTreeSet::new();
    for spec in triggers {
        let conditions = spec.conditions.all.iter().chain(&spec.conditions.any);
        let fields = conditions
            .clone()
            .map(|c| (&c.field.value, &c.references))
            .chain(
                spec.actions
                    .value
                    .iter()
                    .map(|a| (&a.field.value, &a.references)),
            );
        for (field, references) in fields {
            if matches!(field, Field::TicketField(_)) {
                kinds.insert(ListKind::TicketFields);
            }
            kinds.extend(references.iter().map(|r| ListKind::of(r.reference.kind)));
        }
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(name: &str, id: &str, active: bool) -> Entry {
        Entry {
            id: id.into(),
            name: name.into(),
            active,
            options: Vec::new(),
        }
    }

    #[test]
    fn names_match_exactly_and_only_active_objects_count() {
        let list = [
            entry("Tier 2", "1", true),
            entry("tier 2", "2", true),
            entry("Tier 3", "3", false),
            entry("Dup", "4", true),
            entry("Dup", "5", true),
        ];
        assert_eq!(find(&list, "Tier 2"), Lookup::Found(&list[0]));
        assert!(matches!(find(&list, "Tier 2 "), Lookup::Missing { .. }));
        match find(&list, "Tier 3") {
            Lookup::Missing { inactive, names } => {
                assert_eq!(inactive, [&list[2]]);
                assert_eq!(names, ["Tier 2", "tier 2", "Dup", "Dup"]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            find(&list, "Dup"),
            Lookup::Ambiguous(vec![&list[3], &list[4]])
        );
    }

    #[test]
    fn entries_are_read_in_each_lists_shape() {
        let field = ListKind::TicketFields.entry(&json!({
            "id": 4612925021719_u64, "title": "Product", "type": "tagger", "active": true,
            "removable": true,
            "custom_field_options": [{"id": 11, "name": "Enterprise", "value": "enterprise"}]
        }));
        assert_eq!(
            field,
            Some(Entry {
                id: "4612925021719".into(),
                name: "Product".into(),
                active: true,
                options: vec![OptionEntry {
                    id: "11".into(),
                    name: "Enterprise".into(),
                    value: "enterprise".into(),
                }],
            })
        );
        let system = json!({"id": 1, "title": "Priority", "type": "priority", "removable": false});
        assert_eq!(ListKind::TicketFields.entry(&system), None);
        let status = json!({"id": 7, "agent_label": "Waiting on vendor", "active": false});
        assert_eq!(
            ListKind::CustomStatuses.entry(&status),
            Some(entry("Waiting on vendor", "7", false))
        );
        let webhook = json!({"id": "01GW", "name": "Slack", "status": "inactive"});
        assert_eq!(
            ListKind::Webhooks.entry(&webhook),
            Some(entry("Slack", "01GW", false))
        );
        let group = json!({"id": 5, "name": "Old", "deleted": true});
        assert_eq!(
            ListKind::Groups.entry(&group),
            Some(entry("Old", "5", false))
        );
    }
}
