//! Views of a plan. Each only reads the [`super::Plan`]; the text and Markdown views draw the
//! same lines (`lines`), and the JSON view is the plan itself, so the formats cannot disagree.

pub mod json;
mod lines;
pub mod markdown;
pub mod text;
mod values;
mod visible;

/// The warning a targeted plan starts with (as Terraform's "resource targeting is in
/// effect"): the plan is not the whole difference. `quote` writes one target.
fn targets_line(plan: &super::Plan, quote: impl Fn(&str) -> String) -> Option<String> {
    if plan.targets.is_empty() {
        return None;
    }
    let targets: Vec<String> = plan.targets.iter().map(|t| quote(t)).collect();
    Some(format!(
        "Targeted plan: only changes matching {} (and what they need) are planned; the rest \
         of the difference is left out.",
        targets.join(", ")
    ))
}
