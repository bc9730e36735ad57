//! The human view: per account a header, its changes with field diffs, manual steps and
//! problems, then the summary line. Colour is decided by the caller (the CLI knows the
//! terminal); tests render without it. Written to its output an account at a time.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::lines::{Line, Sign, account_lines, account_title, has_content};
use crate::plan::model::{AccountPlan, Plan};
use crate::plan::summary::{NO_CHANGES, Summary};

/// Renders the plan for a terminal, with ANSI colour when `color` is true: the text
/// [`write()`] writes.
pub fn render(plan: &Plan, color: bool) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail, and every piece written is a String.
    let _ = write(plan, color, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the plan for a terminal to `out`, one account at a time: each account's section
/// is drawn, written and dropped before the next, so a plan of a thousand accounts is never
/// held as one text.
///
/// # Errors
/// Whatever writing to `out` fails with.
pub fn write(plan: &Plan, color: bool, out: &mut dyn Write) -> io::Result<()> {
    if let Some(line) = super::targets_line(plan, str::to_owned) {
        let mut text = paint(style(Sign::Problem), &line, color);
        text.push_str("\n\n");
        out.write_all(text.as_bytes())?;
    }
    for account in plan.accounts.iter().filter(|a| has_content(a)) {
        out.write_all(section(account, color).as_bytes())?;
    }
    out.write_all(closing(plan, color).as_bytes())
}

/// An account's header and lines, and the blank line after them.
fn section(account: &AccountPlan, color: bool) -> String {
    let mut out = paint(Style::new().bold(), &account_title(account), color);
    out.push('\n');
    for line in account_lines(account) {
        out.push_str(&draw(&line, color));
        out.push('\n');
    }
    out.push('\n');
    out
}

/// The accounts with errors, if any, and the summary line.
fn closing(plan: &Plan, color: bool) -> String {
    let mut out = String::new();
    let summary = Summary::of(plan);
    if summary.accounts_with_errors > 0 {
        let accounts = if summary.accounts_with_errors == 1 {
            "1 account has errors: its plan is incomplete".to_owned()
        } else {
            format!(
                "{} accounts have errors: their plans are incomplete",
                summary.accounts_with_errors
            )
        };
        out.push_str(&paint(style(Sign::Problem), &accounts, color));
        out.push('\n');
    }
    let last = if summary.is_empty() && summary.accounts_with_errors == 0 {
        NO_CHANGES.to_owned()
    } else {
        summary.line()
    };
    out.push_str(&paint(Style::new().bold(), &last, color));
    out.push('\n');
    out
}

fn draw(line: &Line, color: bool) -> String {
    let text = if line.sign == Sign::Heading {
        format!("  {}", line.text)
    } else {
        format!(
            "  {}{} {}",
            "  ".repeat(line.depth),
            line.sign.symbol(),
            line.text
        )
    };
    paint(style(line.sign), text.trim_end(), color)
}

fn style(sign: Sign) -> Style {
    match sign {
        Sign::Add => AnsiColor::Green.on_default(),
        Sign::Remove => AnsiColor::Red.on_default(),
        Sign::Change => AnsiColor::Yellow.on_default(),
        Sign::Manual => AnsiColor::Magenta.on_default(),
        Sign::Problem => AnsiColor::Red.on_default().bold(),
        Sign::Note => Style::new().dimmed(),
        Sign::Heading => Style::new().bold(),
        Sign::Context => Style::new(),
    }
}

/// `text` in `style`, the reset before any line break (some terminals colour the next line
/// otherwise).
fn paint(style: Style, text: &str, color: bool) -> String {
    if !color || style == Style::new() {
        return text.to_owned();
    }
    format!("{}{text}{}", style.render(), style.render_reset())
}
