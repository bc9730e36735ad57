//! The pull-request view: the summary line first (outside any `<details>`), a hidden marker
//! so CI can update one comment in place, an account × change table, then one collapsible
//! section per account holding the same lines as the text view in a `diff` block. Cut with a
//! note before GitHub's comment limit.

use super::lines::{Line, Sign, account_lines, account_title, has_content};
use crate::plan::model::{ChangeAction, Plan};
use crate::plan::summary::{NO_CHANGES, Summary};

/// The hidden line CI looks for to find (and update) the plan comment.
pub const MARKER: &str = "<!-- zdpolicy-plan -->";

/// The most a rendered comment holds, in bytes (GitHub allows 65,536 characters; bytes are
/// never fewer than characters, so this errs on the safe side).
pub const MAX_LEN: usize = 65_000;

const TRUNCATED: &str = "\n> **Note:** this plan was cut to fit in a comment. Run `zdpolicy plan` \
                         (or see the CI log) for all of it.\n";

/// Renders the plan as Markdown for a pull-request comment, at most [`MAX_LEN`] bytes.
pub fn render(plan: &Plan) -> String {
    let summary = Summary::of(plan);
    let headline = if summary.is_empty() && summary.accounts_with_errors == 0 {
        NO_CHANGES.to_owned()
    } else {
        summary.line()
    };
    let mut out = format!("**{headline}**\n{MARKER}\n");
    if let Some(line) = super::targets_line(plan, code) {
        out.push_str(&format!("\n:warning: {line}\n"));
    }
    if summary.accounts_with_errors > 0 {
        out.push_str(&format!(
            "\n:x: {} account(s) have errors: their plans are incomplete.\n",
            summary.accounts_with_errors
        ));
    }
    // Drawn one at a time, as they are reached: once the comment is full, the accounts left
    // are never drawn (a thousand accounts' sections were built only to be cut).
    let sections = table(plan).into_iter().chain(
        plan.accounts
            .iter()
            .filter(|a| has_content(a))
            .map(|a| details(&account_title(a), &account_lines(a))),
    );
    let budget = MAX_LEN - TRUNCATED.len();
    for section in sections {
        if out.len() + section.len() <= budget {
            out.push_str(&section.render());
            continue;
        }
        out.push_str(&section.cut(budget.saturating_sub(out.len())));
        out.push_str(TRUNCATED);
        break;
    }
    out
}

/// A block of Markdown that can be cut at a line and still be well formed.
struct Section {
    open: String,
    lines: Vec<String>,
    close: String,
}

impl Section {
    fn len(&self) -> usize {
        self.open.len() + self.lines.iter().map(|l| l.len() + 1).sum::<usize>() + self.close.len()
    }

    fn render(&self) -> String {
        let mut out = self.open.clone();
        for line in &self.lines {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&self.close);
        out
    }

    /// As many whole lines as fit in `room` bytes with the closing text; nothing if not even
    /// the frame fits.
    fn cut(&self, room: usize) -> String {
        let frame = self.open.len() + self.close.len();
        if frame >= room {
            return String::new();
        }
        let mut used = frame;
        let kept: Vec<String> = self
            .lines
            .iter()
            .take_while(|l| {
                used += l.len() + 1;
                used <= room
            })
            .cloned()
            .collect();
        Self {
            open: self.open.clone(),
            lines: kept,
            close: self.close.clone(),
        }
        .render()
    }
}

/// Every change with something to do, and every error, one row each; rows past what a
/// comment can hold are left out (the section is cut to fit anyway).
fn table(plan: &Plan) -> Option<Section> {
    let mut rows: Vec<String> = Vec::new();
    let (mut length, mut counted) = (0, 0);
    for account in &plan.accounts {
        length += rows[counted..].iter().map(|r| r.len() + 1).sum::<usize>();
        counted = rows.len();
        if length > MAX_LEN {
            break;
        }
        for change in account
            .changes
            .iter()
            .filter(|c| c.action != ChangeAction::NoOp)
        {
            rows.push(format!(
                "| {} | {} | {} |",
                cell(account.account.as_str()),
                code(&format!(
                    "{}.{}",
                    change.address.kind.as_str(),
                    change.address.name
                )),
                change.action.as_str()
            ));
        }
        for d in account.diagnostics.iter().filter(|d| d.is_error()) {
            let object = d.address.as_ref().map_or_else(
                || "(account)".to_owned(),
                |a| code(&format!("{}.{}", a.kind.as_str(), a.name)),
            );
            rows.push(format!(
                "| {} | {object} | error: {} |",
                cell(account.account.as_str()),
                d.code
            ));
        }
    }
    (!rows.is_empty()).then(|| Section {
        open: "\n| Account | Object | Action |\n| --- | --- | --- |\n".to_owned(),
        lines: rows,
        close: String::new(),
    })
}

fn details(title: &str, lines: &[Line]) -> Section {
    let body: Vec<String> = lines.iter().map(draw).collect();
    let fence = fence_for(&body);
    Section {
        open: format!(
            "\n<details><summary>{}</summary>\n\n{fence}diff\n",
            html(title)
        ),
        lines: body,
        close: format!("{fence}\n\n</details>\n"),
    }
}

/// Diff-style: the sign in the first column, so GitHub colours added and removed lines.
fn draw(line: &Line) -> String {
    let text = if line.sign == Sign::Heading {
        format!("# {}", line.text)
    } else {
        format!(
            "{} {}{}",
            line.sign.symbol(),
            "  ".repeat(line.depth),
            line.text
        )
    };
    text.trim_end().to_owned()
}

/// A code fence longer than any run of backticks in the body, so trigger text cannot end it.
fn fence_for(body: &[String]) -> String {
    let longest = body
        .iter()
        .flat_map(|l| l.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// Table cell text: pipes escaped, line breaks removed.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Inline code that survives backticks in the text.
fn code(text: &str) -> String {
    let text = cell(text);
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outgrow_backticks_in_the_body() {
        assert_eq!(fence_for(&["plain".to_owned()]), "```");
        assert_eq!(fence_for(&["a ```` b".to_owned()]), "`````");
    }

    #[test]
    fn table_cells_and_code_survive_markdown_syntax() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(code("trigger.a`b"), "`` trigger.a`b ``");
        assert_eq!(html("<b>&"), "&lt;b&gt;&amp;");
    }

    #[test]
    fn a_cut_section_keeps_its_frame() {
        let section = Section {
            open: "<details>\n".to_owned(),
            lines: vec!["one".to_owned(), "two".to_owned(), "three".to_owned()],
            close: "</details>\n".to_owned(),
        };
        assert_eq!(section.cut(30), "<details>\none\ntwo\n</details>\n");
        assert_eq!(section.cut(5), "", "not even the frame fits");
        assert_eq!(section.len(), section.render().len());
    }
}
