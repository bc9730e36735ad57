//! Control characters made visible, so text from a policy file cannot drive a terminal
//! (escape sequences), forge lines in a CI log (line breaks) or reorder what is shown
//! (bidirectional overrides).

use std::borrow::Cow;
use std::fmt::Write;

/// Whether a character is shown escaped: every control character (C0, DEL, C1) and every
/// Unicode bidirectional formatting character.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Appends the visible form of `c`: `\n`, `\r`, `\t`, or `\u{1b}` for the others.
pub fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        _ => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// `text` with every character that [`needs_escape`] escaped.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_are_escaped() {
        assert_eq!(
            escape_controls("a\u{1b}[31mb\nc\td\u{202e}e\u{7f}"),
            "a\\u{1b}[31mb\\nc\\td\\u{202e}e\\u{7f}"
        );
        assert!(matches!(escape_controls("plain é"), Cow::Borrowed(_)));
    }
}
