//! One account's plan as signed, indented lines: the shared body of the text and Markdown
//! views, so the two cannot disagree. Each view only decides how a line is drawn.

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use super::visible;
use crate::plan::fingerprint::LiveObject;
use crate::plan::manual::LiveValue;
use crate::plan::model::{AccountPlan, Change, ChangeAction, FieldChange};
use crate::plan::references::ResolvedReference;
use crate::plan::summary::Summary;
use crate::policy::model::RefKind;

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

fn line(sign: Sign, depth: usize, text: impl Into<String>) -> Line {
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
    match &change.after {
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
    let wanted = change.after.as_ref().map(show).unwrap_or_default();
    let state = match (step.live_value, &change.before) {
        (LiveValue::Differs, Some(before)) => {
            format!("now {}, policy wants {wanted}", show(before))
        }
        _ => format!("policy wants {wanted}; current value unknown: {}", step.why),
    };
    out.push(line(Sign::Note, 1, state));
    out.push(line(Sign::Note, 1, step.admin_center.clone()));
    out.push(line(Sign::Note, 1, format!("see {}", step.reference)));
}

/// A value shown whole (creates): scalars on one line, lists and multi-line text below.
fn whole_value(
    sign: Sign,
    field: &str,
    value: &Value,
    references: &[ResolvedReference],
    out: &mut Vec<Line>,
) {
    match value {
        Value::Array(items) if !items.is_empty() => {
            out.push(line(sign, 1, format!("{field}:")));
            out.extend(items.iter().enumerate().map(|(i, item)| {
                line(
                    sign,
                    2,
                    show_item(item, &format!("{field}[{i}]"), references),
                )
            }));
        }
        Value::String(text) if text.contains('\n') => {
            out.push(line(sign, 1, format!("{field}:")));
            out.extend(visible::lines(text).map(|l| line(sign, 2, l)));
        }
        _ => out.push(line(sign, 1, format!("{field}: {}", show(value)))),
    }
}

/// A changed field: `old -> new` for scalars, a line diff for lists and multi-line text.
/// `before_names` name the ids of the old side, `references` those of the new.
fn field_diff(
    field: &FieldChange,
    before_names: &[ResolvedReference],
    references: &[ResolvedReference],
    out: &mut Vec<Line>,
) {
    let Some((old, new)) = diff_lines(
        &field.field,
        (&field.before, before_names),
        (&field.after, references),
    ) else {
        out.push(line(
            Sign::Change,
            1,
            format!(
                "{}: {} -> {}",
                field.field,
                show(&field.before),
                show(&field.after)
            ),
        ));
        return;
    };
    out.push(line(Sign::Change, 1, format!("{}:", field.field)));
    let diff = TextDiff::from_lines(&old, &new);
    for (i, group) in diff.grouped_ops(3).iter().enumerate() {
        if i > 0 {
            out.push(line(Sign::Context, 2, "..."));
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let sign = match change.tag() {
                    ChangeTag::Delete => Sign::Remove,
                    ChangeTag::Insert => Sign::Add,
                    ChangeTag::Equal => Sign::Context,
                };
                out.push(line(sign, 2, change.value().trim_end_matches('\n')));
            }
        }
    }
}

/// Both sides as text to diff by line: lists one item per line, text line by line when
/// either side has several lines (`null` is nothing). `None` for a pair of scalars.
fn diff_lines(
    field: &str,
    (before, before_names): (&Value, &[ResolvedReference]),
    (after, references): (&Value, &[ResolvedReference]),
) -> Option<(String, String)> {
    let is_list = |v: &Value| matches!(v, Value::Array(_));
    let is_text = |v: &Value| matches!(v, Value::String(t) if t.contains('\n'));
    let joined = |lines: Vec<String>| lines.into_iter().map(|l| l + "\n").collect::<String>();
    let list = |v: &Value, names: &[ResolvedReference]| match v {
        Value::Array(items) => Some(joined(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| show_item(item, &format!("{field}[{i}]"), names))
                .collect(),
        )),
        Value::Null => Some(String::new()),
        _ => None,
    };
    let text = |v: &Value| match v {
        Value::String(t) => Some(joined(visible::lines(t).collect())),
        Value::Null => Some(String::new()),
        _ => None,
    };
    if is_list(before) || is_list(after) {
        return Some((list(before, before_names)?, list(after, references)?));
    }
    if is_text(before) || is_text(after) {
        return Some((text(before)?, text(after)?));
    }
    None
}

/// A value in one line: JSON, strings quoted with unseen spaces marked (`"…created.␠␠"`).
fn show(value: &Value) -> String {
    visible::value(value)
}

/// A condition or action at `path` (`actions[1]`) in one line, each id that a reference
/// resolved shown with its name: `{"field":"group_id","value":group "Tier 2" (360001234567)}`.
/// An id is named only where it is the one resolved there (the other side of a diff may hold
/// another id at that place).
fn show_item(item: &Value, path: &str, references: &[ResolvedReference]) -> String {
    let prefix = format!("{path}.");
    let mine: Vec<&ResolvedReference> = references
        .iter()
        .filter(|r| r.at.starts_with(&prefix))
        .collect();
    let Value::Object(map) = item else {
        return show(item);
    };
    if mine.is_empty() {
        return show(item);
    }
    let named = |at: &str, value: &Value| -> String {
        let text = match value {
            Value::String(text) => text.clone(),
            Value::Number(n) => n.to_string(),
            _ => return show(value),
        };
        mine.iter()
            .find(|r| {
                r.at == at
                    && (text == r.id
                        || (r.kind == RefKind::TicketField
                            && text == format!("custom_fields_{}", r.id)))
            })
            .map_or_else(
                || show(value),
                |r| format!("{} {} ({text})", r.kind.key(), quoted(&r.name)),
            )
    };
    let mut out = String::from("{");
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&quoted(key));
        out.push(':');
        let at = format!("{path}.{key}");
        match value {
            Value::Array(items) => {
                out.push('[');
                for (j, item) in items.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    out.push_str(&named(&format!("{at}[{j}]"), item));
                }
                out.push(']');
            }
            other => out.push_str(&named(&at, other)),
        }
    }
    out.push('}');
    out
}

fn quoted(text: &str) -> String {
    visible::string(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_and_multi_line_text_diff_by_line_and_scalars_do_not() {
        let diff_lines = |a: &Value, b: &Value| super::diff_lines("f", (a, &[]), (b, &[]));
        assert_eq!(
            diff_lines(&json!([1, "a"]), &Value::Null),
            Some(("1\n\"a\"\n".to_owned(), String::new()))
        );
        assert_eq!(
            diff_lines(&json!("one line"), &json!("two\nlines")),
            Some(("one line\n".to_owned(), "two\nlines\n".to_owned()))
        );
        assert_eq!(
            diff_lines(&json!("a\nb  "), &json!("a\nb")),
            Some(("a\n\"b␠␠\"\n".to_owned(), "a\nb\n".to_owned())),
            "lines that differ only by trailing spaces differ visibly"
        );
        assert_eq!(diff_lines(&json!("a"), &json!("b")), None);
        assert_eq!(diff_lines(&json!(true), &json!([1])), None);
    }

    #[test]
    fn a_field_diff_marks_removed_added_and_kept_lines() {
        let mut out = Vec::new();
        field_diff(
            &FieldChange {
                field: "actions".to_owned(),
                before: json!(["a", "b"]),
                after: json!(["a", "c"]),
            },
            &[],
            &[],
            &mut out,
        );
        let signs: Vec<(Sign, &str)> = out.iter().map(|l| (l.sign, l.text.as_str())).collect();
        assert_eq!(
            signs,
            [
                (Sign::Change, "actions:"),
                (Sign::Context, "\"a\""),
                (Sign::Remove, "\"b\""),
                (Sign::Add, "\"c\""),
            ]
        );
    }
}
