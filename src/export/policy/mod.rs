//! `export`: a policy document written from an account's live state, so a team can adopt
//! zdpolicy on accounts configured by hand. Pure: live state in, document out.
//!
//! It writes what the API can read (and says in comments what it cannot), so that `plan` on
//! the exported file right away finds nothing to change.
//!
//! This file writes an account's settings; `triggers` writes its triggers (with `names` for
//! the ids in them), and `yaml` makes the accounts one YAML document.

mod names;
mod triggers;
mod yaml;

use serde_json::{Map, Value, json};

use crate::live::LiveState;
use crate::plan::csat::survey_on_session_end;
use crate::plan::preflight::{self, Availability};
use crate::plan::reorder::execution_order;
use crate::policy::resolve::ResolvedAccount;

use triggers::managed_triggers;
pub use triggers::slug;
pub use yaml::{document, to_yaml};

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
