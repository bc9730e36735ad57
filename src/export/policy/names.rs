//! The ids in an exported trigger's conditions and actions written as references by name
//! (`{ group: "Tier 2" }`), where the name says exactly one object of the account.

use serde_json::{Value, json};

use crate::directory::{ListKind, Lookup, find, find_option, value_slot};
use crate::live::LiveState;
use crate::policy::model::RefKind;

/// Turns the ids of one trigger's conditions and actions into references, where the name
/// says exactly one object of the account: a plan resolving the name finds the same id.
pub(super) struct Namer<'a> {
    pub(super) live: &'a LiveState,
    pub(super) on: bool,
    pub(super) trigger: u64,
    pub(super) notes: &'a mut Vec<String>,
}

impl Namer<'_> {
    /// The `field` and `value` to write.
    pub(super) fn name(&mut self, field: &str, value: Option<&Value>) -> (Value, Option<Value>) {
        let plain = (json!(field), value.cloned());
        if !self.on {
            return plain;
        }
        if let Some(id) = field.strip_prefix("custom_fields_") {
            return self.custom_field(id, value).unwrap_or(plain);
        }
        let Some((list, item)) = value_slot(field) else {
            return plain;
        };
        let kind = list.reference_kind();
        let value = value.map(|value| match (item, value) {
            (None, Value::String(_) | Value::Number(_)) => self.reference(list, kind, value),
            (Some(i), Value::Array(items)) => {
                let mut items = items.clone();
                if let Some(slot) = items.get_mut(i) {
                    *slot = self.reference(list, kind, slot);
                }
                Value::Array(items)
            }
            _ => value.clone(),
        });
        (json!(field), value)
    }

    /// `{ ticket_field: TITLE }` with its options named, when the field's title is unique.
    fn custom_field(&mut self, id: &str, value: Option<&Value>) -> Option<(Value, Option<Value>)> {
        let fields = self.live.directory.list(ListKind::TicketFields)?;
        let entry = fields.iter().find(|f| f.id == id)?;
        if !matches!(find(fields, &entry.name), Lookup::Found(found) if found.id == id) {
            let why = unnamed_why("ticket field", entry);
            self.kept("ticket field", id, &why);
            return None;
        }
        let named_option = |v: &Value| -> Option<Value> {
            let text = id_text(v)?;
            let option = entry.options.iter().find(|o| o.value == text)?;
            matches!(find_option(entry, &option.name), Lookup::Found(_))
                .then(|| json!({ RefKind::Option.key(): option.name }))
        };
        let value = value.map(|v| match v {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| named_option(i).unwrap_or_else(|| i.clone()))
                    .collect(),
            ),
            one => named_option(one).unwrap_or_else(|| one.clone()),
        });
        Some((json!({ RefKind::TicketField.key(): entry.name }), value))
    }

    /// `{ KIND: NAME }` for the id in `value`, or the value as it is.
    fn reference(&mut self, list: ListKind, kind: RefKind, value: &Value) -> Value {
        let Some(id) = id_text(value) else {
            return value.clone();
        };
        let Some(entries) = self.live.directory.list(list) else {
            return value.clone();
        };
        let Some(entry) = entries.iter().find(|e| e.id == id) else {
            // Not an object's id (`""`, `current_groups`, or one that is gone): as it is.
            return value.clone();
        };
        match find(entries, &entry.name) {
            Lookup::Found(found) if found.id == id => json!({ kind.key(): entry.name }),
            _ => {
                let why = unnamed_why(kind.noun(), entry);
                self.kept(kind.noun(), &id, &why);
                value.clone()
            }
        }
    }

    fn kept(&mut self, what: &str, id: &str, why: &str) {
        self.notes.push(format!(
            "trigger {}: {what} {id} was written as its id: {why}, so a name would not find it",
            self.trigger
        ));
    }
}

/// Why an object's name does not name it.
fn unnamed_why(noun: &str, entry: &crate::directory::Entry) -> String {
    let name = Value::String(entry.name.clone()).to_string();
    if entry.active {
        format!("another active {noun} is named {name} too")
    } else {
        format!("{noun} {name} is inactive")
    }
}

/// The text of an id in a value (`"123"` or `123`).
fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
