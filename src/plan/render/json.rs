//! The machine view (`--format json`): the [`Plan`] as a JSON document, with a `summary` for
//! consumers who only need the counts (the saved-plan file, `super::super::saved`, is the same
//! document with each trigger body written once). Documented in docs/plan-document.md;
//! snapshot tests keep it from changing by accident.

use std::io::{self, Write};

use serde_json::Value;

use crate::plan::document::Document;
use crate::plan::model::Plan;

/// The plan as a JSON value.
pub fn to_value(plan: &Plan) -> Value {
    crate::plan::model::json(&Document::view(plan))
}

/// The plan as pretty-printed JSON, ending in a line break: the text [`write()`] writes.
pub fn render(plan: &Plan) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail, and serde_json writes UTF-8.
    let _ = write(plan, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the plan as pretty-printed JSON to `out`, ending in a line break. Written straight
/// from the plan as it is serialised, not through a [`Value`] or a string: for a thousand
/// accounts either copy would be as large as the plan. Only one change's `after` is drawn at a
/// time (a trigger create's, from its operation).
///
/// # Errors
/// Whatever writing to `out` fails with.
pub fn write(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Document::view(plan))?;
    out.write_all(b"\n")
}
