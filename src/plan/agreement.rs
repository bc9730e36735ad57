//! Whether each change of a saved plan says one thing: its action, address, `seen`, `after`
//! and `fields` (what `show` and a reviewer read) agree with its `operation` (what apply
//! would send). The planner makes them from one value, so a plan it wrote always agrees; a
//! file edited so that they disagree is refused when it is read, by `show` and `apply` alike.
//!
//! This is checked without Zendesk; apply also re-plans and compares every key, which is
//! what guarantees it sends nothing but what the policy and live state give.

use serde_json::{Value, json};

use super::address::ObjectKind;
use super::fingerprint::LiveObject;
use super::inactivity::InactivityField;
use super::model::{Change, ChangeAction, Plan};
use super::operation::Operation;
use super::sunshine::AppSetting;

/// The first change whose parts disagree: its address and how.
pub fn first_disagreement(plan: &Plan) -> Option<(String, String)> {
    plan.accounts
        .iter()
        .flat_map(|a| &a.changes)
        .find_map(|change| disagreement(change).map(|what| (change.address.to_string(), what)))
}

/// How the parts of `change` disagree, if they do.
fn disagreement(change: &Change) -> Option<String> {
    if let Some(what) = fields_disagree(change) {
        return Some(what);
    }
    let Some(operation) = change.operation.as_deref() else {
        return matches!(
            change.action,
            ChangeAction::Create | ChangeAction::Update | ChangeAction::Delete
        )
        .then(|| format!("a `{}` change has no `operation`", change.action.as_str()));
    };
    let kind = change.address.kind;
    let name = change.address.name.as_str();
    let expected = match (operation, kind) {
        (Operation::CreateCategory { name: created }, ObjectKind::Category) => {
            return (created != name
                || change.after.as_deref() != Some(&json!({ "name": created })))
            .then(|| "`operation` creates another category than `after` shows".to_owned())
            .or_else(|| action_is(change, ChangeAction::Create));
        }
        (Operation::CreateTrigger { .. }, ObjectKind::Trigger) => {
            // A create's `after` is its operation's trigger (`Change::after_view`), so the file
            // has none to disagree with; one written in beside it was not written by zdpolicy.
            return change
                .after
                .is_some()
                .then(|| {
                    "a trigger create has an `after` of its own; it shows what `operation` writes"
                        .to_owned()
                })
                .or_else(|| action_is(change, ChangeAction::Create));
        }
        (Operation::UpdateTrigger { id, trigger }, ObjectKind::Trigger) => {
            let kept = change
                .before
                .as_deref()
                .and_then(|b| b.get("category"))
                .cloned();
            // An update leaves what it does not send as it is (a release sends neither title
            // nor active): `after` is what it writes over what `before` shows.
            let mut expected = change
                .before
                .as_deref()
                .cloned()
                .unwrap_or_else(|| json!({}));
            if let (Some(over), Value::Object(view)) =
                (expected.as_object_mut(), trigger.view(kept))
            {
                over.extend(view);
            }
            if change.after.as_deref() != Some(&expected) {
                return Some("`operation` writes another trigger than `after` shows".to_owned());
            }
            Some(LiveObject::Trigger { id: *id })
        }
        (Operation::UpdateTrigger { id, trigger }, ObjectKind::Csat) => {
            let edits_only_conditions = trigger.title.is_none()
                && trigger.description.is_none()
                && trigger.active.is_none()
                && trigger.category.is_none();
            let conditions = change.after.as_deref().and_then(|a| a.get("conditions"));
            if !edits_only_conditions
                || conditions != Some(&super::model::json(&trigger.conditions))
            {
                return Some("`operation` writes other conditions than `after` shows".to_owned());
            }
            Some(LiveObject::Trigger { id: *id })
        }
        (Operation::DeleteTrigger { id }, ObjectKind::Trigger) => {
            if change.after.is_some() {
                return Some("a delete shows an `after`".to_owned());
            }
            Some(LiveObject::Trigger { id: *id })
        }
        (Operation::UpdateAccountSettings { settings }, ObjectKind::Setting)
            if InactivityField::from_setting(name).is_some() =>
        {
            let wanted = InactivityField::from_setting(name)
                .zip(change.after.as_deref())
                .and_then(|(field, after)| field.write(after));
            if wanted.as_ref() != Some(settings) {
                return Some("`operation` writes other settings than `after` shows".to_owned());
            }
            Some(LiveObject::AccountSettings)
        }
        (Operation::UpdateSunshineApp { app_id, settings }, ObjectKind::Setting)
            if AppSetting::from_setting(name).is_some() =>
        {
            let wanted = AppSetting::from_setting(name)
                .zip(change.after.as_deref())
                .and_then(|(setting, after)| setting.write(after));
            if wanted.as_ref() != Some(settings) {
                return Some("`operation` writes other settings than `after` shows".to_owned());
            }
            Some(LiveObject::SunshineApp {
                app_id: app_id.clone(),
            })
        }
        (
            Operation::SetPositions {
                trigger_categories,
                triggers,
            },
            ObjectKind::Order | ObjectKind::CategoryOrder,
        ) => {
            // A trigger order sets trigger positions only, the category order category ones.
            let right_kind = if kind == ObjectKind::Order {
                trigger_categories.is_empty()
            } else {
                triggers.is_empty()
            };
            if !right_kind || change.moves.is_empty() {
                return Some("`operation` sets other positions than the change moves".to_owned());
            }
            Some(LiveObject::Positions)
        }
        _ => return Some("`operation` is not a write of this kind of object".to_owned()),
    };
    let wanted_action = if matches!(operation, Operation::DeleteTrigger { .. }) {
        ChangeAction::Delete
    } else {
        ChangeAction::Update
    };
    if let Some(what) = action_is(change, wanted_action) {
        return Some(what);
    }
    (change.seen.as_ref().map(|s| &s.object) != expected.as_ref())
        .then(|| "`operation` writes another object than `seen` names".to_owned())
}

fn action_is(change: &Change, wanted: ChangeAction) -> Option<String> {
    (change.action != wanted).then(|| {
        format!(
            "`actions` is `{}`, but `operation` makes it `{}`",
            change.action.as_str(),
            wanted.as_str()
        )
    })
}

/// Each listed field must show the values of `before` and `after` (a setting's field `value`
/// is the whole value).
fn fields_disagree(change: &Change) -> Option<String> {
    let lookup = |view: Option<&Value>, field: &str| -> Value {
        let Some(view) = view else {
            return Value::Null;
        };
        if !view.is_object() && field == "value" {
            return view.clone();
        }
        field
            .split('.')
            .try_fold(view, |v, part| v.get(part))
            .cloned()
            .unwrap_or(Value::Null)
    };
    change
        .fields
        .iter()
        .find(|f| {
            f.before != lookup(change.before.as_deref(), &f.field)
                || f.after != lookup(change.after.as_deref(), &f.field)
        })
        .map(|f| {
            format!(
                "field `{}` shows other values than `before` and `after`",
                f.field
            )
        })
}
