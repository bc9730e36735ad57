//! Resolving a managed trigger's references (`{ group: "Tier 2" }`, `{ ticket_field: Product }`
//! with `{ option: Enterprise }`, …) to this account's ids, before anything else is planned
//! for it: the rest of the planner then sees a trigger with plain ids, compared with what
//! Zendesk holds as any other.
//!
//! Names match exactly, case and spaces included, among the account's active objects. None,
//! or several, is an error located where the reference was written, with the candidates; the
//! trigger is then not planned, and the account's plan has an error, so apply writes nothing
//! to it.
//!
//! This file replaces the references with ids; `problems` says why one did not resolve.

mod problems;
#[cfg(test)]
pub(super) mod tests;

use std::borrow::Cow;

use serde_json::Value;

use super::address::Address;
use super::diagnostic::{DiagnosticCode, LocatedErrors, PlanDiagnostic};
pub use super::resolved_reference::ResolvedReference;
use crate::directory::{Directory, Entry, ListKind, Lookup, find, find_option};
use crate::policy::model::{Field, Located, RefKind, TriggerSpec, ValueReference};
use crate::policy::source::{Locator, Span};

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
        problems: LocatedErrors::new(address, locator),
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
        Err(resolver.problems.into_vec())
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
    problems: LocatedErrors<'a>,
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
                    self.problems.push(
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
            self.problems.push(
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
}
