//! `export`: a policy document written from an account's live state, so a team can adopt
//! zdpolicy on accounts configured by hand. Pure: live state in, document out.
//!
//! It writes what the API can read (and says in comments what it cannot), so that `plan` on
//! the exported file right away finds nothing to change.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::directory::{ListKind, Lookup, find, find_option, value_slot};
use crate::files::EXPORT_HEADER;
use crate::live::LiveState;
use crate::plan::csat::survey_on_session_end;
use crate::plan::ownership::split_marker;
use crate::plan::preflight::{self, Availability};
use crate::plan::reorder::execution_order;
use crate::policy::model::{DEFAULT_CSAT_TRIGGER_TITLE, Operator, RefKind};
use crate::policy::resolve::ResolvedAccount;
use crate::zendesk::model::{Condition, Trigger};

/// What to export of one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportOptions {
    /// Also write every trigger that is not one of Zendesk's standard ones as a managed trigger.
    pub triggers: bool,
    /// Write the objects those triggers point at by name (`{ group: "Tier 2" }`) where the
    /// live state has their lists and the name is the account's only one; else the id.
    pub names: bool,
}

/// One account's exported policy: the account's entry, and notes for comments.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedAccount {
    /// The account's name.
    pub name: String,
    /// The value under `accounts.<name>`.
    pub entry: Value,
    /// Things the export could not write, for the file's header comment.
    pub notes: Vec<String>,
}

/// Exports one account.
pub fn export_account(
    account: &ResolvedAccount,
    live: &LiveState,
    options: ExportOptions,
) -> ExportedAccount {
    let mut entry = Map::new();
    let mut notes = Vec::new();
    entry.insert("subdomain".into(), json!(account.subdomain.value.as_str()));
    if let Some(credentials) = &account.credentials {
        entry.insert(
            "credentials".into(),
            serde_json::to_value(credentials).unwrap_or(Value::Null),
        );
    }
    if let Some(sunshine) = &account.sunshine_conversations {
        entry.insert(
            "sunshine_conversations".into(),
            serde_json::to_value(sunshine).unwrap_or(Value::Null),
        );
    }

    let mut messaging = Map::new();
    // Without messaging, "agents cannot end sessions" would be a guess, not a live value.
    if preflight::messaging(live) == Availability::Off {
        notes.push(format!(
            "agents_can_end_sessions was not exported: {}",
            preflight::MESSAGING_OFF
        ));
    } else {
        messaging.insert(
            "agents_can_end_sessions".into(),
            json!(live.agents_can_end_sessions()),
        );
    }
    for (off, note) in [
        (
            preflight::routing(live),
            format!(
                "agent_ended_sessions_route_as does not apply: {}",
                preflight::ROUTING_OFF
            ),
        ),
        (
            preflight::csat(live),
            format!(
                "csat.survey_on_session_end cannot apply: {}",
                preflight::CSAT_OFF
            ),
        ),
        (
            preflight::trigger_categories(live),
            format!(
                "managed triggers cannot name a category: {}",
                preflight::CATEGORIES_OFF
            ),
        ),
    ] {
        if off == Availability::Off {
            notes.push(note);
        }
    }
    if let Some(enabled) = live.end_users_can_end_sessions() {
        messaging.insert("end_users_can_end_sessions".into(), json!(enabled));
    }
    if let Some(end) = live.end_session_after_inactivity() {
        messaging.insert("end_session_after_inactivity".into(), json!(end));
    }
    let inactivity = crate::plan::inactivity::exported(live);
    if !inactivity.is_empty() {
        messaging.insert("inactivity".into(), Value::Object(inactivity));
    }
    let messaging_off = preflight::messaging(live) == Availability::Off;
    if !messaging_off && preflight::routing(live) != Availability::Off {
        notes.push(
            "agent_ended_sessions_route_as is not readable through Zendesk's API (Admin Center only); \
             add it by hand if you want zdpolicy to show it as a manual step"
                .into(),
        );
    }
    if account.sunshine_conversations.is_none() {
        notes.push(
            "end_users_can_end_sessions needs the account's Sunshine Conversations app: add \
             `sunshine_conversations` to export it"
                .into(),
        );
    }
    entry.insert("messaging".into(), Value::Object(messaging));

    match survey_on_session_end(account, live) {
        Ok(configured) => {
            entry.insert(
                "csat".into(),
                json!({ "survey_on_session_end": configured }),
            );
        }
        // Without messaging or CSAT, the notes above already say why.
        Err(_) if messaging_off || preflight::csat(live) == Availability::Off => {}
        Err(why) => notes.push(format!(
            "csat.survey_on_session_end was not exported: {why}"
        )),
    }

    if options.triggers {
        let (triggers, pins, skipped) = managed_triggers(account, live, options.names);
        notes.extend(skipped);
        // The current order, so that plan with `order: manage` finds nothing to move: the
        // categories as Zendesk runs them, the triggers in execution order with placements.
        entry.insert("order".into(), json!("manage"));
        let (categories, _) = execution_order(live);
        if live.trigger_categories_enabled && !categories.is_empty() {
            let names: Vec<&str> = categories.iter().map(|c| c.name.as_str()).collect();
            entry.insert("trigger_categories".into(), json!(names));
        }
        if !triggers.is_empty() {
            entry.insert("triggers".into(), Value::Array(triggers));
            entry.insert("trigger_ids".into(), Value::Object(pins));
        }
    }
    ExportedAccount {
        name: account.name.value.to_string(),
        entry: Value::Object(entry),
        notes,
    }
}

/// Every trigger that Zendesk does not mark `default: true` (nor the CSAT trigger zdpolicy
/// edits), as managed triggers, each pinned by id (`trigger_ids`: key → id); plus notes on
/// the ones that could not be expressed or were left out.
///
/// Every trigger is pinned, not only those whose title is shared: a title can be shared
/// tomorrow (someone copies a trigger) or changed in Zendesk, and a pin keeps the policy
/// naming the very trigger it was exported from.
///
/// Zendesk's standard "Notify …" triggers are exported too: Zendesk documents `default` as
/// marking a standard trigger, but real accounts were seen sending `default: false` for them,
/// and their titles are localised and editable, so nothing reliably tells them apart.
fn managed_triggers(
    account: &ResolvedAccount,
    live: &LiveState,
    names: bool,
) -> (Vec<Value>, Map<String, Value>, Vec<String>) {
    let csat_title = account.csat_trigger_title();
    let mut keys = BTreeSet::new();
    let mut triggers = Vec::new();
    let mut notes = Vec::new();
    let mut pins = Map::new();
    let mut standard = Vec::new();
    let (_, in_order) = execution_order(live);
    let exported: BTreeSet<u64> = in_order
        .iter()
        .filter(|t| exportable(t, csat_title))
        .map(|t| t.id)
        .collect();
    for (at, trigger) in in_order.iter().copied().enumerate() {
        if trigger.title == csat_title || trigger.title == DEFAULT_CSAT_TRIGGER_TITLE {
            notes.push(format!(
                "trigger {} {} was left out: zdpolicy edits it only through \
                 `csat.survey_on_session_end`",
                trigger.id,
                quoted(&trigger.title)
            ));
            continue;
        }
        if trigger.default == Some(true) {
            standard.push(format!("{} {}", trigger.id, quoted(&trigger.title)));
            continue;
        }
        if let Some(operator) = unknown_operator(trigger) {
            notes.push(format!(
                "trigger {} {} was not exported: its operator `{operator}` is not one zdpolicy knows",
                trigger.id,
                quoted(&trigger.title)
            ));
            continue;
        }
        if trigger.title.trim().is_empty() || trigger.actions.is_empty() {
            notes.push(format!(
                "trigger {} was not exported: it has no title or no actions",
                trigger.id
            ));
            continue;
        }
        let (description, marker_key) = exported_description(trigger);
        let key = marker_key.unwrap_or_else(|| unique_key(&slug(&trigger.title), &keys));
        keys.insert(key.clone());
        let mut spec = Map::new();
        spec.insert("key".into(), json!(key));
        spec.insert("title".into(), json!(trigger.title));
        if let Some(description) = description {
            spec.insert("description".into(), description);
        }
        if let Some(Some(category_id)) = &trigger.category_id
            && let Some(name) = live.category_name(category_id)
        {
            spec.insert("category".into(), json!(name));
        }
        spec.insert("active".into(), json!(trigger.active));
        if let Some(placement) = placement(&in_order, at, &exported) {
            spec.insert("placement".into(), placement);
        }
        // The pin identifies the trigger, marked or not; adopting an unmarked one by its id
        // changes nothing on the first plan (the marker comes with zdpolicy's first write).
        pins.insert(key.clone(), json!(trigger.id));
        let mut namer = Namer {
            live,
            on: names,
            trigger: trigger.id,
            notes: &mut notes,
        };
        let all: Vec<Value> = trigger
            .conditions
            .all
            .iter()
            .map(|c| condition(c, &mut namer))
            .collect();
        let any: Vec<Value> = trigger
            .conditions
            .any
            .iter()
            .map(|c| condition(c, &mut namer))
            .collect();
        spec.insert("conditions".into(), json!({ "all": all, "any": any }));
        let actions: Vec<Value> = trigger
            .actions
            .iter()
            .map(|a| {
                let mut m = Map::new();
                let (field, value) = namer.name(&a.field, a.value.as_ref());
                m.insert("field".into(), field);
                if let Some(value) = value {
                    m.insert("value".into(), value);
                }
                Value::Object(m)
            })
            .collect();
        spec.insert("actions".into(), Value::Array(actions));
        triggers.push(Value::Object(spec));
    }
    if !standard.is_empty() {
        notes.push(format!(
            "{} of Zendesk's standard triggers (`default: true`) were left out, so zdpolicy \
             leaves them as Zendesk keeps them: {}",
            standard.len(),
            standard.join(", ")
        ));
    }
    (triggers, pins, notes)
}

/// Whether a trigger is written as a managed trigger (the tests in [`managed_triggers`]).
fn exportable(trigger: &Trigger, csat_title: &str) -> bool {
    trigger.title != csat_title
        && trigger.title != DEFAULT_CSAT_TRIGGER_TITLE
        && trigger.default != Some(true)
        && unknown_operator(trigger).is_none()
        && !trigger.title.trim().is_empty()
        && !trigger.actions.is_empty()
}

/// Where the exported trigger at `at` (in execution order) stands among the triggers of its
/// category that stay unmanaged: right after the last one before it, `first` when they all
/// come after it, nothing (`last`, the default) when there are none.
fn placement(in_order: &[&Trigger], at: usize, exported: &BTreeSet<u64>) -> Option<Value> {
    let category = |t: &Trigger| t.category_id.clone().flatten();
    let here = category(in_order[at]);
    let unmanaged = |t: &&&Trigger| category(t) == here && !exported.contains(&t.id);
    if let Some(previous) = in_order[..at].iter().rev().find(unmanaged) {
        return Some(json!({ "after": previous.title }));
    }
    in_order[at + 1..]
        .iter()
        .any(|t| unmanaged(&t))
        .then(|| json!("first"))
}

/// A title as a JSON string, so spaces at its ends show in the header comment.
fn quoted(title: &str) -> String {
    Value::String(title.to_owned()).to_string()
}

fn condition(c: &Condition, namer: &mut Namer<'_>) -> Value {
    let mut m = Map::new();
    let (field, value) = namer.name(&c.field, c.value.as_ref());
    m.insert("field".into(), field);
    if let Some(operator) = &c.operator {
        m.insert("operator".into(), json!(operator));
    }
    // Written as read: an explicit `null` stays `null` (a PUT must send it back), `""` stays
    // `""`, and an absent value stays absent.
    if let Some(value) = value {
        m.insert("value".into(), value);
    }
    Value::Object(m)
}

/// Turns the ids of one trigger's conditions and actions into references, where the name
/// says exactly one object of the account: a plan resolving the name finds the same id.
struct Namer<'a> {
    live: &'a LiveState,
    on: bool,
    trigger: u64,
    notes: &'a mut Vec<String>,
}

impl Namer<'_> {
    /// The `field` and `value` to write.
    fn name(&mut self, field: &str, value: Option<&Value>) -> (Value, Option<Value>) {
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
        let kind = reference_kind(list);
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
            let option = entry.options.iter().find(|o| o.id == text)?;
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

/// The reference kind that names objects of `list` in a value.
fn reference_kind(list: ListKind) -> RefKind {
    match list {
        ListKind::Groups => RefKind::Group,
        ListKind::TicketFields => RefKind::TicketField,
        ListKind::TicketForms => RefKind::TicketForm,
        ListKind::Brands => RefKind::Brand,
        ListKind::Schedules => RefKind::Schedule,
        ListKind::CustomStatuses => RefKind::CustomStatus,
        ListKind::Webhooks => RefKind::Webhook,
    }
}

fn unknown_operator(trigger: &Trigger) -> Option<String> {
    trigger
        .conditions
        .all
        .iter()
        .chain(&trigger.conditions.any)
        .filter_map(|c| c.operator.as_deref())
        .find(|op| !Operator::ALL.iter().any(|(name, _)| name == op))
        .map(str::to_owned)
}

/// The policy's `description` for a live trigger, byte for byte, and the key its marker
/// names. A marked description gives the text before the marker (none if that is all); an
/// unmarked one is written as read, `null` and `""` included, so nothing is lost or trimmed.
fn exported_description(trigger: &Trigger) -> (Option<Value>, Option<String>) {
    let Some(description) = &trigger.description else {
        return (None, None);
    };
    let Some(text) = description.as_deref() else {
        return (Some(Value::Null), None);
    };
    match split_marker(text) {
        Some(marked) => (marked.text.map(|t| json!(t)), Some(marked.key.to_owned())),
        None => (Some(json!(text)), None),
    }
}

/// A trigger key from a title: lowercase ASCII letters and digits joined by hyphens.
pub fn slug(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug: String = slug.chars().take(60).collect();
    if slug.is_empty() {
        "trigger".to_owned()
    } else {
        slug.trim_end_matches('-').to_owned()
    }
}

fn unique_key(base: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|k| !taken.contains(k))
        .unwrap_or_else(|| base.to_owned())
}

/// The whole exported policy document for some accounts.
pub fn document(accounts: &[ExportedAccount]) -> Value {
    let entries: Map<String, Value> = accounts
        .iter()
        .map(|a| (a.name.clone(), a.entry.clone()))
        .collect();
    json!({ "version": 1, "accounts": entries })
}

/// The document as YAML, with a header naming what could not be exported.
pub fn to_yaml(accounts: &[ExportedAccount], schema_path: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(schema) = schema_path {
        out.push_str(&format!("# yaml-language-server: $schema={schema}\n"));
    }
    out.push_str(EXPORT_HEADER);
    out.push_str(" Review before committing.\n");
    for account in accounts {
        for note in &account.notes {
            out.push_str(&format!("# {}: {note}\n", account.name));
        }
    }
    out.push_str(&crate::output::yaml::to_yaml(&document(accounts), &|_| {
        None
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_valid_trigger_keys() {
        assert_eq!(
            slug("Notify requester of comment update"),
            "notify-requester-of-comment-update"
        );
        assert_eq!(
            slug("[Assignment] [New] to Insights "),
            "assignment-new-to-insights"
        );
        assert_eq!(slug("Été 2024!"), "t-2024");
        assert_eq!(slug("***"), "trigger");
        for title in ["A", "Ünïcode ünly", "--x--", &"long ".repeat(40)] {
            let key = slug(title);
            assert!(
                crate::policy::model::TriggerKey::parse(&key).is_ok(),
                "{title} -> {key}"
            );
        }
    }

    #[test]
    fn keys_are_made_unique() {
        let mut taken = BTreeSet::new();
        taken.insert("vip".to_owned());
        taken.insert("vip-2".to_owned());
        assert_eq!(unique_key("vip", &taken), "vip-3");
        assert_eq!(unique_key("other", &taken), "other");
    }
}
