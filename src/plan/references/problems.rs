//! Saying why a reference did not resolve: a located error for a name that found no active
//! object, or several, with the account's names as candidates and the likeliest one meant.

use serde_json::Value;

use super::Resolver;
use crate::directory::Lookup;
use crate::plan::diagnostic::DiagnosticCode;
use crate::policy::decode::did_you_mean;
use crate::policy::source::Span;

/// How many names a "did you mean" help lists before saying how many more there are.
const SHOWN_NAMES: usize = 8;

impl Resolver<'_> {
    /// Reports a name that found none or several.
    pub(super) fn not_resolved<T>(
        &mut self,
        noun: &str,
        plural: &str,
        name: &str,
        span: Span,
        lookup: Lookup<'_, T>,
        id: impl Fn(&T) -> String,
    ) {
        match lookup {
            Lookup::Found(_) => {}
            Lookup::Ambiguous(found) => {
                let ids: Vec<String> = found.iter().map(|e| id(e)).collect();
                self.problems.push(
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
                self.problems.push(
                    DiagnosticCode::ReferenceNotFound,
                    span,
                    message,
                    candidates(name, plural, &names),
                );
            }
        }
    }
}

/// "did you mean …? The account's groups: …": names match exactly, so a name differing only
/// by case or spaces is the likeliest meant.
fn candidates(name: &str, plural: &str, names: &[&str]) -> String {
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

/// `text` as a JSON string, quotes and escapes included: how a message shows a name.
fn quoted(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}
