//! The saved-plan file (`zdpolicy plan --out plan.json`): the JSON document of
//! [`super::render::json`], read back for apply.
//!
//! It holds the reviewed plan whole (each change's complete request and the ids and
//! fingerprints of the live objects it touches), which apply compares with a plan made again
//! from the policy and a fresh read, and nothing secret: the planner never sees credentials.
//! Like Terraform's saved plans it is versioned, and a reader refuses a version it does not
//! know rather than guess, or a file whose changes contradict themselves.

use serde_json::Value;

use super::address::Address;
use super::agreement::first_disagreement;
use super::error::SavedPlanError;
use super::model::{FORMAT_VERSION, Plan};
use super::render::json;
use super::target::Targets;

/// The saved-plan file's text: the plan's JSON document.
pub fn to_saved(plan: &Plan) -> String {
    json::render(plan)
}

/// Reads a saved plan.
///
/// # Errors
/// [`SavedPlanError::NotJson`] for text that is not JSON, [`SavedPlanError::MissingFormatVersion`]
/// for JSON that is not a plan, [`SavedPlanError::IncompatibleFormatVersion`] for another major
/// version or a newer minor one, [`SavedPlanError::Invalid`] for a plan of the right version but
/// the wrong shape, [`SavedPlanError::Inconsistent`] for a change whose parts disagree (what
/// it shows is not what its operation does; see [`super::agreement`]).
pub fn load_saved(text: &str) -> Result<Plan, SavedPlanError> {
    let value: Value = serde_json::from_str(text).map_err(SavedPlanError::NotJson)?;
    let found = value
        .get("format_version")
        .and_then(Value::as_str)
        .ok_or(SavedPlanError::MissingFormatVersion)?;
    if !compatible(found) {
        return Err(SavedPlanError::IncompatibleFormatVersion {
            found: found.to_owned(),
            supported: FORMAT_VERSION,
        });
    }
    let plan: Plan = serde_json::from_value(value).map_err(SavedPlanError::Invalid)?;
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
    match (parse(found), parse(FORMAT_VERSION)) {
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
        assert!(compatible("1.0"));
        assert!(compatible("1.1"));
        assert!(!compatible("1.2"));
        assert!(!compatible("2.0"));
        assert!(!compatible("0.9"));
        assert!(!compatible("1"));
        assert!(!compatible("one"));
    }

    #[test]
    fn refusals_say_why() {
        assert!(matches!(load_saved("{"), Err(SavedPlanError::NotJson(_))));
        assert!(matches!(
            load_saved("{}"),
            Err(SavedPlanError::MissingFormatVersion)
        ));
        let err = load_saved(r#"{"format_version": "2.0"}"#).expect_err("refused");
        assert_eq!(
            err.to_string(),
            "the saved plan has format version 2.0, which this zdpolicy (format 1.1) cannot read; \
             make the plan again with this version of zdpolicy"
        );
        assert!(matches!(
            load_saved(r#"{"format_version": "1.0"}"#),
            Err(SavedPlanError::Invalid(_))
        ));
    }
}
