//! Resolved account policies as documents (`render`), with provenance (`render --explain`).

use serde::Serialize;
use serde_json::{Map, Value};

use crate::policy::model::{
    Credentials, Located, Messaging, SessionEndedCondition, SunshineConversations, TriggerSpec,
};
use crate::policy::model::{GroupName, TriggerIds, TriggerKey, UnmanagedTriggers};
use crate::policy::resolve::{ResolvedAccount, SafetyLimits, join};
use crate::policy::source::SourceMap;

/// What `render` shows of one account: every setting in force, defaults filled in.
#[derive(Debug, Serialize)]
struct Rendered<'a> {
    subdomain: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    groups: &'a [Located<GroupName>],
    #[serde(skip_serializing_if = "Option::is_none")]
    credentials: Option<&'a Credentials>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sunshine_conversations: Option<&'a SunshineConversations>,
    #[serde(skip_serializing_if = "is_unset")]
    messaging: Messaging,
    csat: RenderedCsat<'a>,
    unmanaged_triggers: UnmanagedTriggers,
    safety: SafetyLimits,
    #[serde(skip_serializing_if = "Option::is_none")]
    rate_limit_per_minute: Option<u32>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    triggers: &'a [TriggerSpec],
    #[serde(skip_serializing_if = "TriggerIds::is_empty")]
    trigger_ids: &'a TriggerIds,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    released_triggers: &'a [Located<TriggerKey>],
}

#[derive(Debug, Serialize)]
struct RenderedCsat<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    survey_on_session_end: Option<bool>,
    trigger_title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_ended_condition: Option<&'a SessionEndedCondition>,
}

fn is_unset(messaging: &Messaging) -> bool {
    *messaging == Messaging::default()
}

/// One account's resolved policy as a JSON value.
pub fn account_value(account: &ResolvedAccount) -> Value {
    let rendered = Rendered {
        subdomain: account.subdomain.value.as_str(),
        groups: &account.groups,
        credentials: account.credentials.as_ref(),
        sunshine_conversations: account.sunshine_conversations.as_ref(),
        messaging: account.messaging(),
        csat: RenderedCsat {
            survey_on_session_end: account.survey_on_session_end().map(|s| s.value),
            trigger_title: account.csat_trigger_title(),
            session_ended_condition: account.session_ended_condition(),
        },
        unmanaged_triggers: account.unmanaged_triggers(),
        safety: account.safety(),
        rate_limit_per_minute: account
            .settings
            .rate_limit_per_minute
            .as_ref()
            .map(|r| r.value),
        triggers: account.triggers(),
        trigger_ids: &account.trigger_ids,
        released_triggers: account.released_triggers(),
    };
    serde_json::to_value(&rendered).unwrap_or(Value::Null)
}

/// Every account's resolved policy, keyed by account name, in name order.
pub fn accounts_value<'a>(accounts: impl IntoIterator<Item = &'a ResolvedAccount>) -> Value {
    let map: Map<String, Value> = accounts
        .into_iter()
        .map(|a| (a.name.value.to_string(), account_value(a)))
        .collect();
    Value::Object(map)
}

/// Where the value at `path` of an account came from: `defaults (policy/base.yaml:4:5)`,
/// `group eu (…)`, `account (…)`, or `built-in default`.
pub fn explain(account: &ResolvedAccount, path: &str, sources: &SourceMap) -> String {
    match account.origin_of(path) {
        Some(origin) => format!("{} ({})", origin.layer, sources.describe(origin.span)),
        None => "built-in default".to_owned(),
    }
}

/// The provenance of every leaf of an account's rendered policy, as JSON. Every entry has the
/// same four keys, so a consumer needs no special case: a built-in default, written in no file,
/// has `null` as its place (`{"csat.trigger_title": {"layer": "built-in default", "file": null,
/// "line": null, "column": null}, ...}`).
pub fn provenance_value(account: &ResolvedAccount, sources: &SourceMap) -> Value {
    let mut out = Map::new();
    collect_leaves(&account_value(account), "", &mut |path| {
        let entry = match account.origin_of(path) {
            Some(origin) => {
                let at = sources.start_of(origin.span);
                serde_json::json!({
                    "layer": origin.layer.to_string(),
                    "file": sources.file(origin.span.file).path().display().to_string(),
                    "line": at.line,
                    "column": at.column,
                })
            }
            None => serde_json::json!({
                "layer": "built-in default",
                "file": null,
                "line": null,
                "column": null,
            }),
        };
        out.insert(path.to_owned(), entry);
    });
    Value::Object(out)
}

fn collect_leaves(value: &Value, path: &str, visit: &mut dyn FnMut(&str)) {
    let join = |key: &str| join(path, key);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                collect_leaves(v, &join(k), visit);
            }
        }
        Value::Array(items) if items.iter().any(|i| i.get("key").is_some()) => {
            for (i, item) in items.iter().enumerate() {
                let key = item
                    .get("key")
                    .and_then(Value::as_str)
                    .map_or_else(|| i.to_string(), str::to_owned);
                collect_leaves(item, &join(&key), visit);
            }
        }
        _ => visit(path),
    }
}
