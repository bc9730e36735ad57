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

/// The plan as a JSON value.
pub fn to_value(plan: &Plan) -> Value {
    let document = Document {
        format_version: &plan.format_version,
        tool_version: &plan.tool_version,
        policy_hash: &plan.policy_hash,
        targets: &plan.targets,
        summary: DocumentSummary {
            counts: Summary::of(plan),
            has_changes: has_changes(plan),
        },
        accounts: &plan.accounts,
    };
    crate::plan::model::json(&document)
}

/// The plan as pretty-printed JSON, ending in a line break.
pub fn render(plan: &Plan) -> String {
    let mut text = serde_json::to_string_pretty(&to_value(plan)).unwrap_or_default();
    text.push('\n');
    text
}
