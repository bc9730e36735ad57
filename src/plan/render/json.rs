//! The machine view (`--format json`) and saved-plan file: the [`Plan`] as a JSON document,
//! with a `summary` for consumers who only need the counts. Documented in docs/plan-document.md;
//! snapshot tests keep it from changing by accident.

use serde::Serialize;
use serde_json::Value;

use crate::plan::model::{AccountPlan, Plan};
use crate::plan::summary::{Summary, has_changes};

/// The document: the plan's fields, in a fixed order, with `summary` after the header.
#[derive(Serialize)]
struct Document<'a> {
    format_version: &'a str,
    tool_version: &'a str,
    policy_hash: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    targets: &'a [String],
    summary: DocumentSummary,
    accounts: &'a [AccountPlan],
}

#[derive(Serialize)]
struct DocumentSummary {
    #[serde(flatten)]
    counts: Summary,
    has_changes: bool,
}

impl<'a> Document<'a> {
    fn of(plan: &'a Plan) -> Self {
        Self {
            format_version: &plan.format_version,
            tool_version: &plan.tool_version,
            policy_hash: &plan.policy_hash,
            targets: &plan.targets,
            summary: DocumentSummary {
                counts: Summary::of(plan),
                has_changes: has_changes(plan),
            },
            accounts: &plan.accounts,
        }
    }
}

/// The plan as a JSON value.
pub fn to_value(plan: &Plan) -> Value {
    crate::plan::model::json(&Document::of(plan))
}

/// The plan as pretty-printed JSON, ending in a line break. Written straight from the plan,
/// not through a [`Value`]: for a thousand accounts that copy would be as large as the plan.
pub fn render(plan: &Plan) -> String {
    let mut text = serde_json::to_string_pretty(&Document::of(plan)).unwrap_or_default();
    text.push('\n');
    text
}
