//! The saved-plan file (`zdpolicy plan --out plan.json`): the JSON view's document with each
//! trigger body written once (`plan::bodies`), read back for apply.
//!
//! It holds the reviewed plan whole (each change's complete request and the ids and
//! fingerprints of the live objects it touches), which apply compares with a plan made again
//! from the policy and a fresh read, and nothing secret: the planner never sees credentials.
//! Like Terraform's saved plans it is versioned, and a reader refuses a version it does not
//! know rather than guess, or a file whose changes contradict themselves.

use std::io::{self, Write};

use serde_json::Value;

use super::address::Address;
use super::agreement::first_disagreement;
use super::bodies::{Bodies, SavedAccounts, Table};
use super::document::Document;
use super::error::SavedPlanError;
use super::model::{AccountPlan, FORMAT_VERSION, Plan, SAVED_FORMAT_VERSION};
use super::target::Targets;

/// The saved-plan file's text: what [`write_saved`] writes.
pub fn to_saved(plan: &Plan) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail, and serde_json writes UTF-8.
    let _ = write_saved(plan, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the saved-plan file to `out` as it is serialised (never whole in memory): the JSON
/// view's document as format [`SAVED_FORMAT_VERSION`], with `trigger_bodies` before the
/// accounts, pretty-printed, ending in a line break.
///
/// # Errors
/// Whatever writing to `out` fails with.
pub fn write_saved(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    let bodies = Bodies::of(plan);
    let document = Document::new(
        plan,
        SAVED_FORMAT_VERSION,
        Some(bodies.table()),
        SavedAccounts::new(plan, &bodies),
    );
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}

/// Reads a saved plan.
///
/// # Errors
/// [`SavedPlanError::NotJson`] for text that is not JSON, [`SavedPlanError::MissingFormatVersion`]
/// for JSON that is not a plan, [`SavedPlanError::IncompatibleFormatVersion`] for another major
/// version or a newer minor one ([`SavedPlanError::JsonView`] for the JSON view's version, 2.x),
/// [`SavedPlanError::Invalid`] for a plan of the right version but
/// the wrong shape; [`SavedPlanError::BodyMismatch`], [`SavedPlanError::DanglingBody`] and
/// [`SavedPlanError::UnusedBody`] for a table of trigger bodies that was edited;
/// [`SavedPlanError::Inconsistent`] for a change whose parts disagree (what it shows is not
/// what its operation does; see [`super::agreement`]).
pub fn load_saved(text: &str) -> Result<Plan, SavedPlanError> {
    let mut value: Value = serde_json::from_str(text).map_err(SavedPlanError::NotJson)?;
    let found = value
        .get("format_version")
        .and_then(Value::as_str)
        .ok_or(SavedPlanError::MissingFormatVersion)?;
    // The JSON view's major version: a `--format json` document, or a plan saved before.
    if found.split('.').next() == FORMAT_VERSION.split('.').next() {
        return Err(SavedPlanError::JsonView {
            found: found.to_owned(),
        });
    }
    if !compatible(found) {
        return Err(SavedPlanError::IncompatibleFormatVersion {
            found: found.to_owned(),
            supported: SAVED_FORMAT_VERSION,
        });
    }
    let mut table = Table::take(&mut value)?;
    // Each account is read whole (its bodies put back) and typed before the next, so only one
    // account's changes are ever held twice.
    let accounts = match value.get_mut("accounts") {
        Some(accounts) => std::mem::replace(accounts, Value::Array(Vec::new())),
        None => Value::Array(Vec::new()),
    };
    let Value::Array(accounts) = accounts else {
        return Err(SavedPlanError::Invalid(serde::de::Error::custom(
            "`accounts` is not a list",
        )));
    };
    let mut read = Vec::with_capacity(accounts.len());
    for mut account in accounts {
        if let Some(changes) = account.get_mut("changes").and_then(Value::as_array_mut) {
            for change in changes {
                table.resolve(change)?;
            }
        }
        read.push(serde_json::from_value::<AccountPlan>(account).map_err(SavedPlanError::Invalid)?);
    }
    table.check_all_used()?;
    let mut plan: Plan = serde_json::from_value(value).map_err(SavedPlanError::Invalid)?;
    plan.accounts = read;
    // In memory the plan is what the JSON view writes; the file's own version was checked.
    plan.format_version = FORMAT_VERSION.to_owned();
    if let Some((address, what)) = first_disagreement(&plan).or_else(|| outside_targets(&plan)) {
        return Err(SavedPlanError::Inconsistent { address, what });
    }
    Ok(plan)
}

/// A change or account that the plan's own `targets` would not have kept (or targets that
/// are not address patterns): narrowing a targeted plan by its targets changes nothing.
fn outside_targets(plan: &Plan) -> Option<(String, String)> {
    if plan.targets.is_empty() {
        return None;
    }
    let targets = match Targets::parse(&plan.targets) {
        Ok(targets) => targets,
        Err(err) => return Some(("targets".to_owned(), err.to_string())),
    };
    let narrowed = targets.narrow(plan.clone());
    let kept: Vec<&Address> = narrowed
        .accounts
        .iter()
        .flat_map(|a| &a.changes)
        .map(|c| &c.address)
        .collect();
    let outside = plan
        .accounts
        .iter()
        .flat_map(|a| &a.changes)
        .find(|c| !kept.contains(&&c.address))?;
    Some((
        outside.address.to_string(),
        format!(
            "the change is outside the plan's targets ({})",
            plan.targets.join(", ")
        ),
    ))
}

/// Same major version, and a minor version no newer than ours (a newer minor may carry
/// fields this reader would silently drop).
fn compatible(found: &str) -> bool {
    let parse = |v: &str| -> Option<(u32, u32)> {
        let (major, minor) = v.split_once('.')?;
        Some((major.parse().ok()?, minor.parse().ok()?))
    };
    match (parse(found), parse(SAVED_FORMAT_VERSION)) {
        (Some((major, minor)), Some((our_major, our_minor))) => {
            major == our_major && minor <= our_minor
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert!(compatible("3.0"));
        assert!(!compatible("3.1"));
        assert!(!compatible("4.0"));
        // 2.0 held every trigger body in place; 1.0 plans carried documents in no-ops.
        assert!(!compatible("2.0"));
        assert!(!compatible("1.0"));
        assert!(!compatible("3"));
        assert!(!compatible("one"));
    }

    #[test]
    fn refusals_say_why() {
        assert!(matches!(load_saved("{"), Err(SavedPlanError::NotJson(_))));
        assert!(matches!(
            load_saved("{}"),
            Err(SavedPlanError::MissingFormatVersion)
        ));
        let err = load_saved(r#"{"format_version": "4.0"}"#).expect_err("refused");
        assert_eq!(
            err.to_string(),
            "the saved plan has format version 4.0, which this zdpolicy (format 3.0) cannot read; \
             make the plan again with this version of zdpolicy"
        );
        let err = load_saved(r#"{"format_version": "2.0"}"#).expect_err("refused");
        assert!(matches!(err, SavedPlanError::JsonView { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("save the plan with `zdpolicy plan --out FILE`"),
            "{err}"
        );
        assert!(matches!(
            load_saved(r#"{"format_version": "3.0"}"#),
            Err(SavedPlanError::Invalid(_))
        ));
    }
}
