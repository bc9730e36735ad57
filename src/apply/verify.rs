//! Authorising a recomputed plan by the reviewed one (octoDNS's plan checksum, Pulumi's
//! update plans): apply executes what the policy and a fresh read give, and only where that
//! equals what was reviewed. Pure: the caller reads and plans, this only compares.
//!
//! Each reviewed change is either stale (its object changed in Zendesk since the plan, see
//! [`staleness`]), or equal in every key to the change planned now (then the recomputed one
//! is applied), or a difference that refuses the whole apply: the file was edited, or the
//! policy, the tool or a part of Zendesk no fingerprint covers changed.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use thiserror::Error;

use super::stale::staleness;
use crate::live::LiveState;
use crate::plan::{AccountPlan, Address, CategoryRef, Change, Operation, Plan};

/// What a reviewed change may do.
#[derive(Debug)]
pub enum Verdict<'a> {
    /// It equals the change planned now: apply this one, the recomputed change.
    Authorised(&'a Change),
    /// Its object changed in Zendesk since the plan: the reviewed change, and why.
    Stale {
        /// The change as reviewed (for the report only; it is never sent).
        reviewed: &'a Change,
        /// What changed, naming the object.
        reason: String,
    },
}

/// The first place where a reviewed plan and the plan made now disagree.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{at}: {what}")]
pub struct Difference {
    /// The change's address, or the account's name.
    pub at: String,
    /// What differs.
    pub what: String,
}

impl Difference {
    fn new(at: impl ToString, what: impl Into<String>) -> Self {
        Self {
            at: at.to_string(),
            what: what.into(),
        }
    }
}

/// Checks that a reviewed plan names each account once, in name order (as the planner
/// writes it), so no account can be applied twice.
///
/// # Errors
/// The first account out of order or repeated.
pub fn check_accounts(reviewed: &Plan) -> Result<(), Difference> {
    for pair in reviewed.accounts.windows(2) {
        let (previous, next) = (&pair[0].account, &pair[1].account);
        if previous >= next {
            return Err(Difference::new(
                next,
                order_problem(previous, next, "account"),
            ));
        }
    }
    Ok(())
}

/// Decides every reviewed change of one account against `now`, the account planned from
/// the policy and `live`, a fresh read. Verdicts come in the reviewed plan's order.
///
/// # Errors
/// The first difference that no staleness explains: account keys, a repeated or out-of-order
/// change, a change that differs from or is missing in `now`, a change of `now` the plan does
/// not have, or an error in `now`.
pub fn verify<'a>(
    reviewed: &'a AccountPlan,
    now: &'a AccountPlan,
    live: &LiveState,
) -> Result<Vec<Verdict<'a>>, Difference> {
    for (key, theirs, ours) in [
        ("subdomain", json(&reviewed.subdomain), json(&now.subdomain)),
        ("safety", json(&reviewed.safety), json(&now.safety)),
    ] {
        if let Some(found) = first_difference(&theirs, &ours, key) {
            return Err(Difference::new(&reviewed.account, found));
        }
    }
    for pair in reviewed.changes.windows(2) {
        let (previous, next) = (&pair[0].address, &pair[1].address);
        if previous >= next {
            return Err(Difference::new(
                next,
                order_problem(previous, next, "change"),
            ));
        }
    }
    let planned: BTreeMap<&Address, &Change> =
        now.changes.iter().map(|c| (&c.address, c)).collect();
    let mut verdicts = Vec::with_capacity(reviewed.changes.len());
    for change in &reviewed.changes {
        verdicts.push(decide(
            change,
            planned.get(&change.address).copied(),
            now,
            live,
        )?);
    }
    let reviewed_addresses: BTreeSet<&Address> =
        reviewed.changes.iter().map(|c| &c.address).collect();
    if let Some(extra) = now
        .changes
        .iter()
        .find(|c| !reviewed_addresses.contains(&c.address))
    {
        return Err(Difference::new(
            &extra.address,
            format!(
                "the policy and Zendesk now give a `{}` change that the plan does not have",
                extra.action.as_str()
            ),
        ));
    }
    let stale: BTreeSet<&Address> = verdicts
        .iter()
        .filter_map(|v| match v {
            Verdict::Stale { reviewed, .. } => Some(&reviewed.address),
            Verdict::Authorised(_) => None,
        })
        .collect();
    // An error at a stale object is its consequence (e.g. the CSAT trigger renamed); any
    // other means the policy and Zendesk no longer give a plan that can be applied.
    if let Some(error) = now
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .find(|d| !d.address.as_ref().is_some_and(|a| stale.contains(a)))
    {
        let at = error
            .address
            .as_ref()
            .map_or_else(|| now.account.to_string(), ToString::to_string);
        return Err(Difference::new(
            at,
            format!(
                "the policy and Zendesk now give an error: {}",
                error.message
            ),
        ));
    }
    Ok(verdicts)
}

fn decide<'a>(
    reviewed: &'a Change,
    now: Option<&'a Change>,
    account: &AccountPlan,
    live: &LiveState,
) -> Result<Verdict<'a>, Difference> {
    if let Some(reason) = staleness(reviewed, now, live) {
        return Ok(Verdict::Stale { reviewed, reason });
    }
    let Some(now) = now else {
        let why = account
            .diagnostics
            .iter()
            .find(|d| d.address.as_ref() == Some(&reviewed.address))
            .map_or_else(
                || "the policy and Zendesk now give none".to_owned(),
                |d| format!("now: {}", d.message),
            );
        return Err(Difference::new(
            &reviewed.address,
            format!(
                "the plan has a `{}` change here, but {why}",
                reviewed.action.as_str()
            ),
        ));
    };
    if reviewed == now || same_but_before_names(reviewed, now) {
        return Ok(Verdict::Authorised(now));
    }
    if let Some(name) = category_created_since(reviewed, now) {
        return Ok(Verdict::Stale {
            reviewed,
            reason: format!(
                "{} goes in category {name}, which was created in Zendesk since the plan",
                reviewed.address
            ),
        });
    }
    let found = first_difference(&json(reviewed), &json(now), "")
        .unwrap_or_else(|| "differs from the change planned now".to_owned());
    Err(Difference::new(&reviewed.address, found))
}

/// Whether two changes differ only in `before_names`: names shown for people on the live
/// side of a diff. An object there renamed since the plan changes nothing apply sends.
fn same_but_before_names(reviewed: &Change, now: &Change) -> bool {
    reviewed.before_names != now.before_names
        && Change {
            before_names: Vec::new(),
            ..reviewed.clone()
        } == Change {
            before_names: Vec::new(),
            ..now.clone()
        }
}

/// The category a trigger change planned to create (the plan saw none) and that exists now,
/// when that is the change's only difference.
fn category_created_since<'a>(reviewed: &'a Change, now: &Change) -> Option<&'a str> {
    let (Some(CategoryRef::Planned { name }), Some(existing @ CategoryRef::Existing { .. })) =
        (category(reviewed), category(now))
    else {
        return None;
    };
    if existing.name() != name {
        return None;
    }
    let mut moved = reviewed.clone();
    if let Some(Operation::CreateTrigger { trigger } | Operation::UpdateTrigger { trigger, .. }) =
        moved.operation.as_deref_mut()
    {
        trigger.category = Some(existing.clone());
    }
    (moved == *now).then_some(name.as_str())
}

fn category(change: &Change) -> Option<&CategoryRef> {
    match change.operation.as_deref() {
        Some(Operation::CreateTrigger { trigger } | Operation::UpdateTrigger { trigger, .. }) => {
            trigger.category.as_ref()
        }
        _ => None,
    }
}

fn order_problem(previous: &impl ToString, next: &impl ToString, what: &str) -> String {
    let (previous, next) = (previous.to_string(), next.to_string());
    if previous == next {
        format!("the plan has this {what} twice")
    } else {
        format!("the plan's {what}s are out of order: this one comes after {previous}")
    }
}

fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The first path at which two JSON values differ, described for people, e.g.
/// ``operation.id` is 42 in the plan, but the policy and Zendesk now give 17`.
fn first_difference(theirs: &Value, ours: &Value, path: &str) -> Option<String> {
    let at = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match (theirs, ours) {
        (Value::Object(a), Value::Object(b)) => a
            .keys()
            .chain(b.keys().filter(|k| !a.contains_key(*k)))
            .find_map(|key| match (a.get(key), b.get(key)) {
                (Some(x), Some(y)) => first_difference(x, y, &at(key)),
                (x, y) => (x != y).then(|| described(&at(key), x, y)),
            }),
        (Value::Array(a), Value::Array(b)) => {
            let common = a
                .iter()
                .zip(b)
                .enumerate()
                .find_map(|(i, (x, y))| first_difference(x, y, &format!("{path}[{i}]")));
            common.or_else(|| {
                (a.len() != b.len()).then(|| {
                    let i = a.len().min(b.len());
                    described(&format!("{path}[{i}]"), a.get(i), b.get(i))
                })
            })
        }
        (a, b) => (a != b).then(|| described(path, Some(a), Some(b))),
    }
}

fn described(path: &str, theirs: Option<&Value>, ours: Option<&Value>) -> String {
    format!(
        "`{path}` is {} in the plan, but the policy and Zendesk now give {}",
        shown(theirs),
        shown(ours)
    )
}

/// A value in one short line: compact JSON, cut at 60 characters.
fn shown(value: Option<&Value>) -> String {
    const MAX: usize = 60;
    let Some(value) = value else {
        return "nothing".to_owned();
    };
    let text = value.to_string();
    if text.chars().count() <= MAX {
        return text;
    }
    let cut: String = text.chars().take(MAX - 1).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_first_difference_is_named_by_its_path() {
        let plan = json!({"a": 1, "op": {"id": 5, "list": [1, 2]}});
        assert_eq!(
            first_difference(&plan, &json!({"a": 1, "op": {"id": 7, "list": [1, 2]}}), ""),
            Some("`op.id` is 5 in the plan, but the policy and Zendesk now give 7".to_owned())
        );
        assert_eq!(
            first_difference(&plan, &json!({"a": 1, "op": {"id": 5, "list": [1]}}), ""),
            Some(
                "`op.list[1]` is 2 in the plan, but the policy and Zendesk now give nothing"
                    .to_owned()
            )
        );
        assert_eq!(
            first_difference(&json!({"a": 1}), &json!({"a": 1, "seen": {"x": 1}}), ""),
            Some(
                "`seen` is nothing in the plan, but the policy and Zendesk now give {\"x\":1}"
                    .to_owned()
            )
        );
        assert_eq!(first_difference(&plan, &plan, ""), None);
    }

    #[test]
    fn names_of_the_live_side_do_not_make_a_change_differ() {
        use crate::plan::{Address, ChangeAction, ObjectKind, ResolvedReference};
        use crate::policy::model::{AccountName, RefKind};
        let address = Address::new(
            &AccountName::parse("acme").unwrap(),
            ObjectKind::Trigger,
            "route",
        );
        let named = |name: &str| ResolvedReference {
            at: "actions[0].value".into(),
            kind: RefKind::Group,
            name: name.into(),
            id: "360001".into(),
            field_id: None,
        };
        let mut reviewed = Change::new(
            address,
            ChangeAction::Update,
            Some(json!({})),
            Some(json!({})),
        );
        reviewed.before_names = vec![named("Tier 1")];
        let mut now = reviewed.clone();
        now.before_names = vec![named("Tier One")];
        assert!(same_but_before_names(&reviewed, &now));
        now.after = Some(Box::new(json!({"title": "other"})));
        assert!(!same_but_before_names(&reviewed, &now));
    }

    #[test]
    fn long_values_are_cut() {
        let long = Value::String("x".repeat(100));
        let text = shown(Some(&long));
        assert_eq!(text.chars().count(), 60);
        assert!(text.ends_with('…'));
    }
}
