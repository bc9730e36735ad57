//! Sending one change through the write API: each operation's request, a create made exactly
//! once even when its outcome is unknown, and a settings write that Zendesk ignored in part
//! failed as such.

use std::collections::BTreeMap;

use crate::apply::error::WriteError;
use crate::plan::ownership::marker_key;
use crate::plan::{CategoryRef, Change, Operation, TriggerWrite};
use crate::zendesk::api_warn::ApiWarning;
use crate::zendesk::client::error::ZendeskError;
use crate::zendesk::model::AccountSettings;
use crate::zendesk::read::ReadApi;
use crate::zendesk::write::WriteApi;

/// How often a create whose outcome was unknown is checked and tried again.
const CREATE_ATTEMPTS: usize = 3;

/// Sends one change; returns the id of what it created.
pub(super) async fn apply_one<A: ReadApi + WriteApi>(
    api: &A,
    change: &Change,
    categories: &mut BTreeMap<String, String>,
) -> Result<Option<String>, WriteError> {
    let Some(operation) = change.operation.as_deref() else {
        return Ok(None);
    };
    match operation {
        Operation::CreateCategory { name } => {
            // A category created by an earlier, interrupted apply is reused, not duplicated.
            if let Some(id) = categories.get(name) {
                return Ok(Some(id.clone()));
            }
            let id = create_once(
                || async { api.create_category(name).await.map(|c| c.id) },
                || async {
                    let categories = api.list_trigger_categories().await?;
                    Ok(categories
                        .into_iter()
                        .find(|c| c.name == *name)
                        .map(|c| c.id))
                },
            )
            .await?;
            categories.insert(name.clone(), id.clone());
            Ok(Some(id))
        }
        Operation::CreateTrigger { trigger } => {
            let body = trigger.request_body(category_id(trigger, categories)?.as_deref());
            let id = create_trigger(api, trigger, &body).await?;
            Ok(Some(id.to_string()))
        }
        Operation::UpdateTrigger { id, trigger } => {
            let body = trigger.request_body(category_id(trigger, categories)?.as_deref());
            api.update_trigger(*id, &body).await?;
            Ok(None)
        }
        Operation::DeleteTrigger { id } => {
            api.delete_trigger(*id).await?;
            Ok(None)
        }
        Operation::UpdateAccountSettings { settings } => {
            let warning = api.update_account_settings(settings).await?;
            ignored_keys(settings, warning.as_ref())?;
            Ok(None)
        }
        Operation::UpdateSunshineApp { app_id, settings } => {
            api.update_sunshine_app(app_id, settings).await?;
            Ok(None)
        }
        Operation::SetPositions { .. } => {
            // Sent together with the account's other order changes by `execute`.
            Ok(None)
        }
    }
}

/// The id to send for the category a trigger write names: `None` when it names none.
///
/// # Errors
/// [`WriteError::NotCreated`] when it names a category this apply was to create and has not.
pub(super) fn category_id(
    trigger: &TriggerWrite,
    categories: &BTreeMap<String, String>,
) -> Result<Option<String>, WriteError> {
    trigger
        .category
        .as_ref()
        .map(|category| category_ref_id(category, categories))
        .transpose()
}

/// The id of a category: its own, or the one this apply created for a planned name.
///
/// # Errors
/// [`WriteError::NotCreated`] when the planned category has not been created.
pub(super) fn category_ref_id(
    category: &CategoryRef,
    categories: &BTreeMap<String, String>,
) -> Result<String, WriteError> {
    match category {
        CategoryRef::Existing { id, .. } => Ok(id.clone()),
        CategoryRef::Planned { name } => categories
            .get(name)
            .cloned()
            .ok_or_else(|| WriteError::NotCreated(format!("category \"{name}\""))),
    }
}

/// Fails a settings write whose keys Zendesk answered with success but ignored, as it says in
/// `X-Zendesk-API-Warn` (settings PUTs can drop keys silently: docs/zendesk-notes.md, "Ignored
/// keys").
fn ignored_keys(
    settings: &AccountSettings,
    warning: Option<&ApiWarning>,
) -> Result<(), WriteError> {
    let Some(warning) = warning else {
        return Ok(());
    };
    let sent = sent_keys(settings);
    let ignored: Vec<&str> = sent
        .iter()
        .map(String::as_str)
        .filter(|key| warning.ignores(&format!("settings.{key}")))
        .collect();
    if ignored.is_empty() {
        return Ok(());
    }
    Err(WriteError::Ignored {
        keys: ignored.join(", "),
        warning: warning.raw.clone(),
    })
}

/// The dotted keys a settings write sends, one level into each section
/// (`messaging_inactivity.timeout`).
fn sent_keys(settings: &AccountSettings) -> Vec<String> {
    let value = crate::plan::model::json(settings);
    let mut keys = Vec::new();
    for (section, inner) in value.as_object().into_iter().flatten() {
        match inner.as_object() {
            Some(inner) if !inner.is_empty() => {
                keys.extend(inner.keys().map(|key| format!("{section}.{key}")));
            }
            _ => keys.push(section.clone()),
        }
    }
    keys
}

/// Creates a trigger, checked by its ownership marker (see [`create_once`]).
async fn create_trigger<A: ReadApi + WriteApi>(
    api: &A,
    trigger: &TriggerWrite,
    body: &serde_json::Value,
) -> Result<u64, ZendeskError> {
    let key = marker_key(trigger.description.as_deref()).map(str::to_owned);
    create_once(
        || async { api.create_trigger(body).await.map(|t| t.id) },
        || async {
            let Some(key) = &key else { return Ok(None) };
            let triggers = api.list_triggers().await?;
            Ok(triggers
                .iter()
                .find(|t| {
                    marker_key(t.description.as_ref().and_then(Option::as_deref))
                        == Some(key.as_str())
                })
                .map(|t| t.id))
        },
    )
    .await
}

/// Creates something exactly once. A POST whose outcome is unknown (the connection broke
/// after the request went out, or Zendesk answered 5xx) may have created it: `find` reads it
/// back first, and only if it is not there is the POST sent again.
async fn create_once<T, Create, CreateFut, Find, FindFut>(
    create: Create,
    find: Find,
) -> Result<T, ZendeskError>
where
    Create: Fn() -> CreateFut,
    CreateFut: std::future::Future<Output = Result<T, ZendeskError>>,
    Find: Fn() -> FindFut,
    FindFut: std::future::Future<Output = Result<Option<T>, ZendeskError>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match create().await {
            Ok(created) => return Ok(created),
            Err(err) if err.outcome_unknown() && attempt < CREATE_ATTEMPTS => {
                if let Some(found) = find().await? {
                    return Ok(found);
                }
            }
            Err(err) => return Err(err),
        }
    }
}
