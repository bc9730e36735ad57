//! Resolving a managed trigger's references (`{ group: "Tier 2" }`, `{ ticket_field: Product }`
//! with `{ option: Enterprise }`, …) to this account's ids, before anything else is planned
//! for it: the rest of the planner then sees a trigger with plain ids, compared with what
//! Zendesk holds as any other.
//!
//! Names match exactly, case and spaces included, among the account's active objects. None,
//! or several, is an error located where the reference was written, with the candidates; the
//! trigger is then not planned, and the account's plan has an error, so apply writes nothing
//! to it.

use std::borrow::Cow;

use serde_json::Value;

use super::address::Address;
use super::diagnostic::{DiagnosticCode, PlanDiagnostic};
pub use super::resolved_reference::ResolvedReference;
use crate::directory::{Directory, Entry, ListKind, Lookup, find, find_option};
use crate::policy::decode::did_you_mean;
use crate::policy::model::{Field, Located, RefKind, TriggerSpec, ValueReference};
use crate::policy::source::{Locator, Span};

/// How many names a "did you mean" help lists before saying how many more there are.
const SHOWN_NAMES: usize = 8;

/// A trigger with its references replaced by ids, and what each resolved to.
#[derive(Debug, Clone)]
pub(crate) struct Resolved<'s> {
    /// The trigger as if the policy had written the ids: the policy's own when it names
    /// nothing by reference (most do, and a shared trigger is then not copied per account).
    pub spec: Cow<'s, TriggerSpec>,
    /// Every reference, in the order written.
    pub references: Vec<ResolvedReference>,
}

/// Resolves every reference of `spec` in `directory`.
///
/// # Errors
/// Every reference that names no object, or several, located in the policy.
pub(crate) fn resolve<'s>(
    spec: &'s TriggerSpec,
    directory: &Directory,
    address: &Address,
    locator: &Locator,
) -> Result<Resolved<'s>, Vec<PlanDiagnostic>> {
    if !names_references(spec) {
        return Ok(Resolved {
            spec: Cow::Borrowed(spec),
            references: Vec::new(),
        });
    }
    let mut resolver = Resolver {
        directory,
        address,
        locator,
        problems: Vec::new(),
        references: Vec::new(),
    };
    let mut spec = spec.clone();
    for (list, conditions) in [
        ("conditions.all", &mut spec.conditions.all),
        ("conditions.any", &mut spec.conditions.any),
    ] {
        for (i, condition) in conditions.iter_mut().enumerate() {
            let at = format!("{list}[{i}]");
            resolver.item(
                &at,
                &mut condition.field,
                condition.value.as_mut(),
                &condition.references,
            );
        }
    }
    for (i, action) in spec.actions.value.iter_mut().enumerate() {
        let at = format!("actions[{i}]");
        resolver.item(
            &at,
            &mut action.field,
            action.value.as_mut(),
            &action.references,
        );
    }
    if resolver.problems.is_empty() {
        Ok(Resolved {
            spec: Cow::Owned(spec),
            references: resolver.references,
        })
    } else {
        Err(resolver.problems)
    }
}

/// Whether any field or value of `spec` is a reference (what [`resolve`] replaces).
fn names_references(spec: &TriggerSpec) -> bool {
    let conditions = spec.conditions.all.iter().chain(&spec.conditions.any);
    let items = conditions.map(|c| (&c.field.value, &c.references)).chain(
        spec.actions
            .value
            .iter()
            .map(|a| (&a.field.value, &a.references)),
    );
    items
        .into_iter()
        .any(|(field, references)| matches!(field, Field::TicketField(_)) || !references.is_empty())
}

struct Resolver<'a> {
    directory: &'a Directory,
    address: &'a Address,
    locator: &'a Locator,
    problems: Vec<PlanDiagnostic>,
    references: Vec<ResolvedReference>,
}

impl<'a> Resolver<'a> {
    /// One condition or action: its field, then the references in its value.
    fn item(
        &mut self,
        at: &str,
        field: &mut Located<Field>,
        value: Option<&mut Located<Value>>,
        references: &[ValueReference],
    ) {
        let custom_field = self.field(at, field, references);
        let Some(value) = value else {
            return;
        };
        for reference in references {
            let kind = reference.reference.kind;
            let name = &reference.reference.name;
            let (id, field_id) = if kind == RefKind::Option {
                let Some(field) = custom_field else {
                    // The field could not be resolved: that is reported already.
                    continue;
                };
                match find_option(field, name) {
                    // Triggers hold an option's tag, not its id.
                    Lookup::Found(option) => (option.value.clone(), Some(field.id.clone())),
                    lookup => {
                        let noun = format!("option of field \"{}\"", field.name);
                        self.not_resolved(&noun, "options", name, reference.span, lookup, |o| {
                            o.value.clone()
                        });
                        continue;
                    }
                }
            } else {
                let Some(entry) = self.lookup(kind, name, reference.span) else {
                    continue;
                };
                (entry.id.clone(), None)
            };
            let (slot, place) = match reference.item {
                None => (Some(&mut value.value), format!("{at}.value")),
                Some(i) => (value.value.get_mut(i), format!("{at}.value[{i}]")),
            };
            if let Some(slot) = slot {
                *slot = Value::String(id.clone());
            }
            self.references.push(ResolvedReference {
                at: place,
                kind,
                name: name.clone(),
                id,
                field_id,
            });
        }
    }

    /// Resolves a `ticket_field` field; returns the custom field when the value names options.
    fn field(
        &mut self,
        at: &str,
        field: &mut Located<Field>,
        references: &[ValueReference],
    ) -> Option<&'a Entry> {
        let names_options = references
            .iter()
            .any(|r| r.reference.kind == RefKind::Option);
        match &field.value {
            Field::TicketField(title) => {
                let entry = self.lookup(RefKind::TicketField, &title.value, title.span)?;
                self.references.push(ResolvedReference {
                    at: format!("{at}.field"),
                    kind: RefKind::TicketField,
                    name: title.value.clone(),
                    id: entry.id.clone(),
                    field_id: None,
                });
                field.value = Field::Api(format!("custom_fields_{}", entry.id));
                Some(entry)
            }
            Field::Api(_) if names_options => {
                let id = field.value.custom_field_id()?;
                let directory = self.directory;
                let found = directory.by_id(ListKind::TicketFields, id);
                if found.is_none() {
                    self.problem(
                        DiagnosticCode::ReferenceNotFound,
                        field.span,
                        format!(
                            "`{}` names custom field {id}, which this account does not have, so \
                             its options cannot be looked up",
                            field.value
                        ),
                        "name the field by its title (`{ ticket_field: TITLE }`) so each account \
                         finds its own"
                            .to_owned(),
                    );
                }
                found
            }
            Field::Api(_) => None,
        }
    }

    /// The one active object of `kind` named `name`, or a problem.
    fn lookup(&mut self, kind: RefKind, name: &str, span: Span) -> Option<&'a Entry> {
        let list = ListKind::of(kind);
        let directory = self.directory;
        let Some(entries) = directory.list(list) else {
            self.problem(
                DiagnosticCode::ReferenceNotFound,
                span,
                format!(
                    "{} \"{name}\" cannot be looked up: the account's {} were not read",
                    kind.noun(),
                    list.noun()
                ),
                format!("zdpolicy reads {} when a trigger names one", list.path()),
            );
            return None;
        };
        match find(entries, name) {
            Lookup::Found(entry) => Some(entry),
            lookup => {
                self.not_resolved(kind.noun(), list.noun(), name, span, lookup, |e| {
                    e.id.clone()
                });
                None
            }
        }
    }

    /// Reports a name that found none or several.
    fn not_resolved<T>(
        &mut self,
        noun: &str,
        plural: &str,
        name: &str,
        span: Span,
        lookup: Lookup<'_, T>,
        id: impl Fn(&T) -> String,
    ) {
        let quoted = |text: &str| Value::String(text.to_owned()).to_string();
        match lookup {
            Lookup::Found(_) => {}
            Lookup::Ambiguous(found) => {
                let ids: Vec<String> = found.iter().map(|e| id(e)).collect();
                self.problem(
                    DiagnosticCode::ReferenceAmbiguous,
                    span,
                    format!(
                        "{} {plural} are named {} in this account (ids {}): a name must be unique to be referenced",
                        found.len(),
                        quoted(name),
                        ids.join(", ")
                    ),
                    "rename all but one in Zendesk, or write the id itself for this account"
                        .to_owned(),
                );
            }
            Lookup::Missing { inactive, names } => {
                let message = match inactive.first() {
                    Some(entry) => format!(
                        "the {noun} named {} ({}) is inactive in this account: only active objects can be referenced",
                        quoted(name),
                        id(entry)
                    ),
                    None => format!("this account has no {noun} named {}", quoted(name)),
                };
                self.problem(
                    DiagnosticCode::ReferenceNotFound,
                    span,
                    message,
                    candidates(name, plural, &names),
                );
            }
        }
    }

    fn problem(&mut self, code: DiagnosticCode, span: Span, message: String, help: String) {
        self.problems.push(
            PlanDiagnostic::error(code, Some(self.address.clone()), message)
                .with_help(help)
                .at(self.locator.locate(span)),
        );
    }
}

/// "did you mean …? The account's groups: …": names match exactly, so a name differing only
/// by case or spaces is the likeliest meant.
fn candidates(name: &str, plural: &str, names: &[&str]) -> String {
    let quoted = |text: &str| Value::String(text.to_owned()).to_string();
    let mut seen = std::collections::HashSet::new();
    let names: Vec<&str> = names.iter().copied().filter(|n| seen.insert(*n)).collect();
    if names.is_empty() {
        return format!("the account has no active {plural}");
    }
    let near = names
        .iter()
        .copied()
        .find(|n| n.trim().eq_ignore_ascii_case(name.trim()))
        .or_else(|| did_you_mean(name, names.iter().copied()));
    let shown: Vec<String> = names.iter().take(SHOWN_NAMES).map(|n| quoted(n)).collect();
    let more = names.len().saturating_sub(SHOWN_NAMES);
    let mut help = format!("the account's {plural}: {}", shown.join(", "));
    if more > 0 {
        help.push_str(&format!(", and {more} more"));
    }
    match near {
        Some(best) => format!(
            "did you mean {}? (names match exactly, case and spaces included); {help}",
            quoted(best)
        ),
        None => format!("names match exactly, case and spaces included; {help}"),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::plan::address::ObjectKind;
    use crate::policy::load::load_texts;
    use serde_json::json;

    pub(in crate::plan) fn directory() -> Directory {
        let entry = |id: &str, name: &str, active: bool| Entry {
            id: id.into(),
            name: name.into(),
            active,
            options: Vec::new(),
        };
        let mut product = entry("4612", "Product", true);
        product.options = vec![crate::directory::OptionEntry {
            id: "11".into(),
            name: "Enterprise".into(),
            value: "tier_enterprise".into(),
        }];
        Directory {
            lists: [
                (
                    ListKind::Groups,
                    vec![
                        entry("360001", "Tier 2", true),
                        entry("360002", "Dup", true),
                        entry("360003", "Dup", true),
                        entry("360004", "Old", false),
                    ],
                ),
                (ListKind::TicketFields, vec![product]),
                (
                    ListKind::Webhooks,
                    vec![entry("01GW", "Slack alerts", true)],
                ),
            ]
            .into_iter()
            .collect(),
        }
    }

    fn resolved(conditions: &str, actions: &str) -> Result<Resolved<'static>, Vec<String>> {
        let text = format!(
            "version: 1\naccounts:\n  a:\n    subdomain: a\n    triggers:\n      - key: t\n        title: T\n        conditions: {{ all: [ {conditions} ] }}\n        actions: [ {actions} ]\n"
        );
        let policy = load_texts(&[("p.yaml", &text)]);
        assert!(policy.diagnostics.is_empty(), "{:?}", policy.diagnostics);
        let account = &policy.accounts[0];
        let address = Address::new(&account.name.value, ObjectKind::Trigger, "t");
        resolve(
            &account.triggers()[0],
            &directory(),
            &address,
            &account.locator,
        )
        .map(|done| Resolved {
            spec: Cow::Owned(done.spec.into_owned()),
            references: done.references,
        })
        .map_err(|problems| {
            problems
                .into_iter()
                .map(|d| {
                    format!(
                        "{} {}: {} | {}",
                        d.code,
                        d.location.map(|l| l.to_string()).unwrap_or_default(),
                        d.message,
                        d.help.unwrap_or_default()
                    )
                })
                .collect()
        })
    }

    #[test]
    fn a_trigger_without_references_is_its_own_resolved_form() {
        let text = "version: 1\naccounts:\n  a:\n    subdomain: a\n    triggers:\n      - key: t\n        title: T\n        conditions: { all: [ { field: group_id, operator: is, value: 360001 } ] }\n        actions: [ { field: priority, value: high } ]\n";
        let policy = load_texts(&[("p.yaml", text)]);
        let account = &policy.accounts[0];
        let address = Address::new(&account.name.value, ObjectKind::Trigger, "t");
        let spec = &account.triggers()[0];
        let done = resolve(spec, &directory(), &address, &account.locator).unwrap();
        assert!(matches!(done.spec, Cow::Borrowed(s) if std::ptr::eq(s, &**spec)));
        assert!(done.references.is_empty());
        // One reference is enough to resolve (and copy) the trigger.
        let done = resolved(
            "{ field: group_id, operator: is, value: 360001 }",
            "{ field: group_id, value: { group: Tier 2 } }",
        )
        .unwrap();
        assert_eq!(
            done.spec.actions.value[0].value.as_ref().unwrap().value,
            json!("360001")
        );
    }

    #[test]
    fn references_become_the_accounts_ids() {
        let done = resolved(
            "{ field: { ticket_field: Product }, operator: is, value: { option: Enterprise } }",
            "{ field: group_id, value: { group: Tier 2 } }, \
             { field: notification_webhook, value: [ { webhook: Slack alerts }, \"{}\" ] }",
        )
        .unwrap();
        let condition = &done.spec.conditions.all[0];
        assert_eq!(
            condition.field.value,
            Field::Api("custom_fields_4612".into())
        );
        // A dropdown option is written as its tag, as triggers hold it, never its id.
        assert_eq!(
            condition.value.as_ref().unwrap().value,
            json!("tier_enterprise")
        );
        let actions = &done.spec.actions.value;
        assert_eq!(actions[0].value.as_ref().unwrap().value, json!("360001"));
        assert_eq!(
            actions[1].value.as_ref().unwrap().value,
            json!(["01GW", "{}"])
        );
        let at: Vec<(&str, &str)> = done
            .references
            .iter()
            .map(|r| (r.at.as_str(), r.id.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                ("conditions.all[0].field", "4612"),
                ("conditions.all[0].value", "tier_enterprise"),
                ("actions[0].value", "360001"),
                ("actions[1].value[0]", "01GW"),
            ]
        );
        assert_eq!(done.references[1].field_id.as_deref(), Some("4612"));
    }

    #[test]
    fn missing_ambiguous_inactive_and_unread_names_are_located_errors() {
        let problems = resolved(
            "{ field: group_id, operator: is, value: { group: tier 2 } }",
            "{ field: group_id, value: { group: Dup } }, \
             { field: group_id, value: { group: Old } }, \
             { field: set_schedule, value: { schedule: EU hours } }",
        )
        .unwrap_err();
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].starts_with(
            "reference-not-found p.yaml:8:70: this account has no group named \"tier 2\" | did you mean \"Tier 2\"?"
        ), "{}", problems[0]);
        assert!(problems[1].starts_with(
            "reference-ambiguous p.yaml:9:46: 2 groups are named \"Dup\" in this account (ids 360002, 360003)"
        ), "{}", problems[1]);
        assert!(
            problems[2].contains("the group named \"Old\" (360004) is inactive"),
            "{}",
            problems[2]
        );
        assert!(
            problems[3].contains("the account's schedules were not read"),
            "{}",
            problems[3]
        );
    }

    #[test]
    fn an_option_of_an_unknown_field_or_a_missing_option_is_an_error() {
        let problems = resolved(
            "{ field: { ticket_field: Product }, operator: is, value: { option: Enterprize } }, \
             { field: custom_fields_999, operator: is, value: { option: A } }",
            "{ field: priority, value: high }",
        )
        .unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(
            problems[0].contains(
                "no option of field \"Product\" named \"Enterprize\" | did you mean \"Enterprise\"?"
            ),
            "{}",
            problems[0]
        );
        assert!(
            problems[1].contains("custom field 999, which this account does not have"),
            "{}",
            problems[1]
        );
    }
}
