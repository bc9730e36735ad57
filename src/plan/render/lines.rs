//! One account's plan as signed, indented lines: the shared body of the text and Markdown
//! views, so the two cannot disagree. Each view only decides how a line is drawn.

use serde_json::Value;

use super::values::{field_diff, quoted, show, whole_value};
use crate::plan::fingerprint::LiveObject;
use crate::plan::manual::LiveValue;
use crate::plan::model::{AccountPlan, Change, ChangeAction};
use crate::plan::summary::Summary;

/// What a line shows, which decides its sign and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sign {
    /// Something created or added.
    Add,
    /// Something deleted or removed.
    Remove,
    /// Something changed in place.
    Change,
    /// A manual step.
    Manual,
    /// An error.
    Problem,
    /// Unchanged context in a diff.
    Context,
    /// An explanation.
    Note,
    /// A section title.
    Heading,
}

impl Sign {
    /// The character in front of the line (diff-style, so Markdown `diff` blocks colour it).
    pub fn symbol(self) -> char {
        match self {
            Self::Add => '+',
            Self::Remove => '-',
            Self::Change => '~',
            Self::Manual => '!',
            Self::Problem => 'x',
            Self::Context | Self::Note | Self::Heading => ' ',
        }
    }
}

/// One line of a view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    /// What it shows.
    pub sign: Sign,
    /// Indentation level below the account.
    pub depth: usize,
    /// The text.
    pub text: String,
}

/// A section title, after a blank line.
fn heading(out: &mut Vec<Line>, text: &str) {
    if !out.is_empty() {
        out.push(line(Sign::Context, 0, ""));
    }
    out.push(line(Sign::Heading, 0, text));
}

pub(super) fn line(sign: Sign, depth: usize, text: impl Into<String>) -> Line {
    Line {
        sign,
        depth,
        text: text.into(),
    }
}

/// `acme-prod (acme.zendesk.com): 1 to add, 0 to change, 0 to destroy, 1 manual step`, and
/// how many errors the account has, if any. The host is the one the plan was read from
/// (`127.0.0.1:7357/acme` with `--api-url` or the sandbox), else Zendesk's own.
pub(crate) fn account_title(account: &AccountPlan) -> String {
    let summary = Summary::of_account(account);
    let counts = if summary.is_empty() {
        "no changes".to_owned()
    } else {
        summary
            .line()
            .trim_start_matches("Plan: ")
            .trim_end_matches('.')
            .to_owned()
    };
    let errors = account.diagnostics.iter().filter(|d| d.is_error()).count();
    let errors = match errors {
        0 => String::new(),
        1 => ", 1 error".to_owned(),
        n => format!(", {n} errors"),
    };
    let host = account
        .host
        .clone()
        .unwrap_or_else(|| format!("{}.zendesk.com", account.subdomain));
    format!("{} ({host}): {counts}{errors}", account.account)
}

/// Whether a view has anything to show for the account.
pub(crate) fn has_content(account: &AccountPlan) -> bool {
    account
        .changes
        .iter()
        .any(|c| c.action != ChangeAction::NoOp)
        || !account.diagnostics.is_empty()
        || account
            .unmanaged_triggers
            .as_ref()
            .is_some_and(|u| !u.is_empty())
}

/// The body of an account's section: changes, manual steps, problems, unmanaged triggers.
pub(crate) fn account_lines(account: &AccountPlan) -> Vec<Line> {
    let mut out = Vec::new();
    for change in &account.changes {
        match change.action {
            ChangeAction::Create => created(change, &mut out),
            ChangeAction::Update if !change.moves.is_empty() => moved(change, &mut out),
            ChangeAction::Update => updated(change, &mut out),
            ChangeAction::Delete => deleted(change, &mut out),
            ChangeAction::NoOp | ChangeAction::Manual => {}
        }
    }
    let manual: Vec<&Change> = account
        .changes
        .iter()
        .filter(|c| c.action == ChangeAction::Manual && !c.is_confirmed())
        .collect();
    if !manual.is_empty() {
        out.push(line(
            Sign::Heading,
            0,
            "Manual steps (zdpolicy cannot do these):",
        ));
        for change in manual {
            manual_step(change, &mut out);
        }
    }
    let confirmed: Vec<&Change> = account
        .changes
        .iter()
        .filter(|c| c.is_confirmed())
        .collect();
    if !confirmed.is_empty() {
        heading(&mut out, "Manual steps confirmed done (not repeated):");
        for change in confirmed {
            let (value, date) = change
                .manual
                .as_ref()
                .and_then(|m| m.confirmed.as_ref())
                .map(|c| (show(&c.value), c.date.as_str()))
                .unwrap_or_default();
            out.push(line(
                Sign::Note,
                1,
                format!("{}: {value}, confirmed on {date}", change.address),
            ));
        }
    }
    if !account.diagnostics.is_empty() {
        heading(&mut out, "Problems:");
        for d in &account.diagnostics {
            let at = d
                .address
                .as_ref()
                .map(|a| format!(" {a}"))
                .unwrap_or_default();
            let severity = if d.is_error() { "error" } else { "warning" };
            out.push(line(
                Sign::Problem,
                0,
                format!("{severity}[{}]{at}: {}", d.code, d.message),
            ));
            if let Some(location) = &d.location {
                out.push(line(Sign::Note, 1, format!("--> {location}")));
            }
            if let Some(help) = &d.help {
                out.push(line(Sign::Note, 1, format!("help: {help}")));
            }
        }
    }
    if let Some(unmanaged) = account
        .unmanaged_triggers
        .as_ref()
        .filter(|u| !u.is_empty())
    {
        heading(
            &mut out,
            "Unmanaged triggers (reported only; zdpolicy never changes them):",
        );
        for t in unmanaged {
            let state = if t.active { "" } else { " (inactive)" };
            out.push(line(
                Sign::Note,
                1,
                format!("{} {}{state}", t.id, quoted(&t.title)),
            ));
        }
    }
    out
}

fn live_id(change: &Change) -> String {
    match change.seen.as_ref().map(|s| &s.object) {
        Some(LiveObject::Trigger { id }) => format!(" (trigger {id})"),
        _ => String::new(),
    }
}

fn reason(change: &Change, out: &mut Vec<Line>) {
    if let Some(reason) = &change.reason {
        out.push(line(Sign::Note, 1, format!("# {reason}")));
    }
}

fn created(change: &Change, out: &mut Vec<Line>) {
    out.push(line(
        Sign::Add,
        0,
        format!("{} will be created", change.address),
    ));
    reason(change, out);
    match change.after_view().as_deref() {
        Some(Value::Object(fields)) => {
            for (field, value) in fields {
                if let Value::Object(inner) = value {
                    for (sub, value) in inner {
                        let path = format!("{field}.{sub}");
                        whole_value(Sign::Add, &path, value, &change.references, out);
                    }
                } else {
                    whole_value(Sign::Add, field, value, &change.references, out);
                }
            }
        }
        Some(value) => whole_value(Sign::Add, "value", value, &[], out),
        None => {}
    }
}

fn updated(change: &Change, out: &mut Vec<Line>) {
    out.push(line(
        Sign::Change,
        0,
        format!(
            "{} will be updated in place{}",
            change.address,
            live_id(change)
        ),
    ));
    reason(change, out);
    for field in &change.fields {
        field_diff(field, &change.before_names, &change.references, out);
    }
}

/// An order change: one line per trigger (or category) that moves.
fn moved(change: &Change, out: &mut Vec<Line>) {
    for step in &change.moves {
        let place = match step.from {
            Some(from) => format!(
                "move {} from {} to {}",
                step.name,
                ordinal(from),
                ordinal(step.to)
            ),
            None => format!("put {} {}", step.name, ordinal(step.to)),
        };
        let near = match (&step.before, &step.after) {
            (Some(next), _) => format!(" (before {})", quoted(next)),
            (None, Some(previous)) => format!(" (after {})", quoted(previous)),
            (None, None) => String::new(),
        };
        out.push(line(
            Sign::Change,
            0,
            format!("{}: {place}{near}", change.address),
        ));
    }
    reason(change, out);
}

/// `1st`, `2nd`, `3rd`, `4th`, `11th`, `12th`, `13th`, `21st`.
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn deleted(change: &Change, out: &mut Vec<Line>) {
    let title = change
        .before
        .as_ref()
        .and_then(|b| b.get("title"))
        .and_then(Value::as_str)
        .map(|t| format!(" {}", quoted(t)))
        .unwrap_or_default();
    out.push(line(
        Sign::Remove,
        0,
        format!(
            "{} will be destroyed{}{title}",
            change.address,
            live_id(change)
        ),
    ));
    reason(change, out);
}

fn manual_step(change: &Change, out: &mut Vec<Line>) {
    let Some(step) = &change.manual else {
        return;
    };
    out.push(line(
        Sign::Manual,
        0,
        format!("{}: {}", change.address, step.instruction),
    ));
    let wanted = change.after.as_deref().map(show).unwrap_or_default();
    let state = match (step.live_value, change.before.as_deref()) {
        (LiveValue::Differs, Some(before)) => {
            format!("now {}, policy wants {wanted}", show(before))
        }
        _ => format!("policy wants {wanted}; current value unknown: {}", step.why),
    };
    out.push(line(Sign::Note, 1, state));
    out.push(line(Sign::Note, 1, step.admin_center.clone()));
    out.push(line(Sign::Note, 1, format!("see {}", step.reference)));
}
