//! The definitions check: every managed trigger's condition fields, operators and values and
//! every action field and value, against what this account's `/api/v2/triggers/definitions`
//! offers (its custom fields, groups, schedules, forms and statuses included), so a mistake
//! is an error in the plan, located in the policy, instead of a 422 halfway through an apply.
//!
//! Only what the definitions say is checked: a field whose definition lists no operators or
//! no values is not checked for them. A condition or action the live trigger already holds
//! is not checked at all: Zendesk accepted it, even if the definitions no longer list it
//! (legacy fields such as `assignee_id#all_agents`).

use serde_json::Value;

use super::address::Address;
use super::canonical::{canonical_value, is_terminal, written_action_is, written_condition_is};
use super::diagnostic::{DiagnosticCode, LocatedErrors, PlanDiagnostic};
use super::trigger_state::HeldRules;
use crate::policy::decode::did_you_mean;
use crate::policy::model::{Action, Condition, Field, Located, TriggerSpec};
use crate::policy::source::Locator;
use crate::zendesk::model::{Definition, Trigger, TriggerDefinitions};

/// How many allowed values a message lists before saying how many more there are.
const SHOWN_VALUES: usize = 8;

/// The problems of one managed trigger against the account's definitions; empty when it is
/// fine. `live` is the trigger it is in Zendesk, if any.
pub(crate) fn check(
    spec: &TriggerSpec,
    live: Option<(&Trigger, HeldRules)>,
    definitions: &TriggerDefinitions,
    address: &Address,
    locator: &Locator,
) -> Vec<PlanDiagnostic> {
    // Most live triggers hold exactly what the policy asks (a converged account): then every
    // condition and action is held, and the comparison in order already made settles it.
    if live.is_some_and(|(_, held)| held.every()) {
        return Vec::new();
    }
    let live = live.map(|(trigger, _)| trigger);
    let mut check = Check {
        problems: LocatedErrors::new(address, locator),
    };
    let groups = [
        (
            "conditions.all",
            &spec.conditions.all,
            &definitions.conditions_all,
            live.map(|t| t.conditions.all.as_slice()),
        ),
        (
            "conditions.any",
            &spec.conditions.any,
            &definitions.conditions_any,
            live.map(|t| t.conditions.any.as_slice()),
        ),
    ];
    for (list, conditions, offered, held) in groups {
        if offered.is_empty() {
            continue;
        }
        for condition in conditions {
            if held.is_some_and(|held| held.iter().any(|h| written_condition_is(condition, h))) {
                continue;
            }
            check.condition(list, condition, offered);
        }
    }
    if !definitions.actions.is_empty() {
        let held = live.map(|t| t.actions.as_slice()).unwrap_or_default();
        for action in &spec.actions.value {
            if !held.iter().any(|h| written_action_is(action, h)) {
                check.action(action, &definitions.actions);
            }
        }
    }
    check.problems.into_vec()
}

struct Check<'a> {
    problems: LocatedErrors<'a>,
}

impl Check<'_> {
    fn condition(&mut self, list: &str, condition: &Condition, offered: &[Definition]) {
        let field = &field_text(&condition.field);
        let Some(definition) = self.definition(field, offered, &format!("{list} condition")) else {
            return;
        };
        let operator = condition.operator.as_ref().map(|op| op.value.name());
        if let (Some(op), Some(ops)) = (&condition.operator, non_empty(&definition.operators)) {
            let name = op.value.name();
            if !ops.iter().any(|o| o.value == name) {
                let names: Vec<&str> = ops.iter().map(|o| o.value.as_str()).collect();
                let mut help = format!(
                    "`{}` offers: {}",
                    field.value,
                    ops.iter()
                        .map(|o| format!("{} ({})", o.value, o.title))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                if let Some(best) = did_you_mean(name, names.iter().copied()) {
                    help = format!("did you mean `{best}`? {help}");
                }
                self.problems.push(
                    DiagnosticCode::OperatorNotOffered,
                    op.span,
                    format!(
                        "operator `{name}` is not one this account offers for condition field `{}` ({})",
                        field.value, definition.title
                    ),
                    help,
                );
                return;
            }
        }
        let terminal = is_terminal(operator)
            || operator.is_some_and(|op| {
                non_empty(&definition.operators)
                    .is_some_and(|ops| ops.iter().any(|o| o.value == op && o.terminal))
            });
        if let Some(value) = condition.value.as_ref().filter(|_| !terminal) {
            let items: Vec<&Value> = match &value.value {
                Value::Array(items) => items.iter().collect(),
                one => vec![one],
            };
            self.values(field, definition, value, &items);
        }
    }

    fn action(&mut self, action: &Action, offered: &[Definition]) {
        let field = &field_text(&action.field);
        let Some(definition) = self.definition(field, offered, "action") else {
            return;
        };
        // Action lists are positional (`[recipient, subject, body]`): only the first item is
        // one of the definition's values.
        if let Some(value) = &action.value {
            let first = match &value.value {
                Value::Array(items) => items.first(),
                one => Some(one),
            };
            self.values(
                field,
                definition,
                value,
                &first.into_iter().collect::<Vec<_>>(),
            );
        }
    }

    /// The definition of `field`, or a `field-not-offered` problem.
    fn definition<'d>(
        &mut self,
        field: &Located<String>,
        offered: &'d [Definition],
        what: &str,
    ) -> Option<&'d Definition> {
        if let Some(definition) = offered.iter().find(|d| d.subject == field.value) {
            return Some(definition);
        }
        let subjects = offered.iter().map(|d| d.subject.as_str());
        let suggestion = did_you_mean(&field.value, subjects)
            .or_else(|| {
                // A title written where the API name belongs: `Priority` for `priority`.
                offered
                    .iter()
                    .find(|d| d.title.eq_ignore_ascii_case(&field.value))
                    .map(|d| d.subject.as_str())
            })
            .and_then(|best| offered.iter().find(|d| d.subject == best));
        let help = match suggestion {
            Some(best) => format!(
                "did you mean `{}` ({})? The account's definitions offer {} {what} fields",
                best.subject,
                best.title,
                offered.len()
            ),
            None => format!(
                "the account's definitions offer {} {what} fields (custom fields as \
                 `custom_fields_<id>`); see GET /api/v2/triggers/definitions",
                offered.len()
            ),
        };
        self.problems.push(
            DiagnosticCode::FieldNotOffered,
            field.span,
            format!(
                "`{}` is not a {what} field this account offers",
                field.value
            ),
            help,
        );
        None
    }

    /// Checks `items` of `value` against the definition's listed values, if it lists any.
    fn values(
        &mut self,
        field: &Located<String>,
        definition: &Definition,
        value: &Located<Value>,
        items: &[&Value],
    ) {
        let Some(allowed) = non_empty(&definition.values) else {
            return;
        };
        let offered = |item: &Value| {
            let item = canonical_value(Some(item), false);
            item == Value::Null
                || (definition.nullable == Some(true) && item == Value::String(String::new()))
                || allowed
                    .iter()
                    .any(|a| canonical_value(Some(&a.value), false) == item)
        };
        let Some(missing) = items.iter().find(|item| !offered(item)) else {
            return;
        };
        let text = |v: &Value| match canonical_value(Some(v), false) {
            Value::String(s) => s,
            other => other.to_string(),
        };
        let shown: Vec<String> = allowed
            .iter()
            .take(SHOWN_VALUES)
            .map(|a| format!("{} ({})", text(&a.value), a.title))
            .collect();
        let more = allowed.len().saturating_sub(SHOWN_VALUES);
        let mut help = format!("`{}` offers: {}", field.value, shown.join(", "));
        if more > 0 {
            help.push_str(&format!(", and {more} more"));
        }
        let missing_text = text(missing);
        let candidates: Vec<String> = allowed.iter().map(|a| text(&a.value)).collect();
        if let Some(best) = did_you_mean(&missing_text, candidates.iter().map(String::as_str)) {
            help = format!("did you mean `{best}`? {help}");
        }
        self.problems.push(
            DiagnosticCode::ValueNotOffered,
            value.span,
            format!(
                "`{missing_text}` is not a value this account offers for `{}` ({})",
                field.value, definition.title
            ),
            help,
        );
    }
}

/// The field's API name where it was written (references are resolved before the check).
fn field_text(field: &Located<Field>) -> Located<String> {
    Located {
        value: field.value.text().to_owned(),
        span: field.span,
    }
}

fn non_empty<T>(list: &Option<Vec<T>>) -> Option<&[T]> {
    list.as_deref().filter(|l| !l.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::address::ObjectKind;
    use crate::policy::load::load_texts;
    use serde_json::json;

    fn definitions() -> TriggerDefinitions {
        serde_json::from_value(json!({
            "conditions_all": [
                {"subject": "priority", "title": "Priority", "type": "list",
                 "operators": [{"value": "is", "title": "Is"}, {"value": "changed", "title": "Changed", "terminal": true}],
                 "values": [{"value": "low", "title": "Low"}, {"value": "high", "title": "High"}]},
                {"subject": "custom_status_id", "title": "Ticket status", "type": "list",
                 "operators": [{"value": "includes", "title": "Includes"}],
                 "values": [{"value": "1", "title": "Open"}, {"value": "2", "title": "Pending"}]},
                {"subject": "group_id", "title": "Group", "type": "list", "nullable": true,
                 "values": [{"value": "360001", "title": "Support"}]}
            ],
            "conditions_any": [],
            "actions": [
                {"subject": "notification_user", "title": "Email user", "type": "list",
                 "values": [{"value": "requester_id", "title": "(requester)"}]}
            ]
        }))
        .expect("definitions")
    }

    fn problems(conditions: &str, actions: &str, live: Option<Trigger>) -> Vec<String> {
        let policy = load_texts(&[(
            "p.yaml",
            &format!(
                "version: 1\naccounts:\n  a:\n    subdomain: a\n    triggers:\n      - key: t\n        title: T\n        conditions: {{ all: [ {conditions} ] }}\n        actions: [ {actions} ]\n"
            ),
        )]);
        let account = &policy.accounts[0];
        let address = Address::new(&account.name.value, ObjectKind::Trigger, "t");
        let spec = &account.triggers()[0];
        check(
            spec,
            live.as_ref().map(|t| (t, HeldRules::of(spec, t))),
            &definitions(),
            &address,
            &account.locator,
        )
        .into_iter()
        .map(|d| {
            format!(
                "{} {}",
                d.code,
                d.location.map(|l| l.to_string()).unwrap_or_default()
            )
        })
        .collect()
    }

    const OK_ACTION: &str = "{ field: notification_user, value: [requester_id, s, b] }";

    #[test]
    fn what_the_account_offers_passes() {
        let conditions = "{ field: priority, operator: is, value: high }, \
                          { field: priority, operator: changed, value: whatever }, \
                          { field: custom_status_id, operator: includes, value: [1, \"2\"] }, \
                          { field: group_id, operator: is, value: \"\" }";
        assert_eq!(problems(conditions, OK_ACTION, None), Vec::<String>::new());
    }

    #[test]
    fn each_item_of_a_list_and_the_first_of_an_action_are_checked() {
        assert_eq!(
            problems(
                "{ field: custom_status_id, operator: includes, value: [\"1\", \"9\"] }",
                "{ field: notification_user, value: [all_agents, s, b] }",
                None
            ),
            [
                "value-not-offered p.yaml:8:84",
                "value-not-offered p.yaml:9:55"
            ]
        );
    }

    #[test]
    fn what_the_live_trigger_already_holds_is_accepted() {
        let live: Trigger = serde_json::from_value(json!({
            "id": 1, "title": "T", "active": true, "position": 0,
            "conditions": {"all": [{"field": "assignee_id#all_agents", "operator": "is", "value": "x"}], "any": []},
            "actions": [{"field": "notification_user", "value": ["all_agents", "s", "b"]}]
        }))
        .expect("trigger");
        let conditions = "{ field: assignee_id#all_agents, operator: is, value: x }";
        let actions = "{ field: notification_user, value: [all_agents, s, b] }";
        assert_eq!(
            problems(conditions, actions, Some(live.clone())),
            Vec::<String>::new()
        );
        assert_eq!(
            problems(conditions, actions, None),
            [
                "field-not-offered p.yaml:8:39",
                "value-not-offered p.yaml:9:55"
            ]
        );
    }
}
