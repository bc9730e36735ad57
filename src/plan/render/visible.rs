//! Values shown so that every difference between them can be seen: strings quoted, spaces
//! at their ends and in runs marked `␠`, tabs and line breaks escaped, invisible characters
//! spelt as `\uXXXX`. A plan never shows a change whose `-` and `+` lines look the same.

use serde_json::Value;

/// The sign for a space that would otherwise not be seen (at an end of a string, or one of
/// several in a row).
pub(crate) const SPACE: char = '␠';

/// A value in one line, as compact JSON whose strings are [`string`]s.
pub(crate) fn value(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::String(text) => out.push_str(&string(text)),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&string(key));
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// A string quoted as JSON, with unseen spaces marked and invisible characters escaped:
/// `"…created.␠␠"`, `"a\tb"`, `"\u200f"`.
pub(crate) fn string(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' && unseen_space(&chars, i) {
            out.push(SPACE);
        } else if c == SPACE {
            // A real `␠` in the text must not pass for a marked space.
            out.push_str("\\u2420");
        } else if invisible(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                c => out.push(c),
            }
        }
    }
    out.push('"');
    out
}

/// One line of multi-line text: as itself when nothing in it is hard to see, else as a
/// [`string`] (so an empty line, a trailing space or a tab shows).
pub(crate) fn line(text: &str) -> String {
    let plain = !text.is_empty()
        && !text.starts_with([' ', '\t'])
        && !text.ends_with([' ', '\t'])
        && !text.contains("  ")
        && !text
            .chars()
            .any(|c| c.is_control() || invisible(c) || c == SPACE)
        && !text.starts_with('"');
    if plain { text.to_owned() } else { string(text) }
}

/// Multi-line text split into lines exactly: a final line break gives a last, empty line, and
/// `\r` stays part of its line, so texts that differ only there still differ line by line.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split('\n').map(line)
}

fn unseen_space(chars: &[char], i: usize) -> bool {
    let before = i.checked_sub(1).map(|j| chars[j]);
    let after = chars.get(i + 1).copied();
    before.is_none_or(|c| c == ' ') || after.is_none_or(|c| c == ' ')
}

/// Characters that take no room or look like a space: no-break and other Unicode spaces,
/// zero-width and bidirectional controls, the byte-order mark, C1 controls.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{7f}'..='\u{a0}'
            | '\u{ad}'
            | '\u{1680}'
            | '\u{180e}'
            | '\u{2000}'..='\u{200f}'
            | '\u{2028}'..='\u{202f}'
            | '\u{205f}'..='\u{206f}'
            | '\u{3000}'
            | '\u{feff}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Regression: a description that differed only by trailing spaces was shown as two
    /// identical lines.
    #[test]
    fn unseen_spaces_are_marked() {
        assert_eq!(string("created.  "), "\"created.␠␠\"");
        assert_eq!(string(" a b  c"), "\"␠a b␠␠c\"");
        assert_eq!(string("a\tb\r"), "\"a\\tb\\r\"");
        assert_eq!(string("x\u{a0}\u{200f}"), "\"x\\u00a0\\u200f\"");
        assert_eq!(string("␠"), "\"\\u2420\"");
        assert_ne!(string("a "), string("a"));
    }

    #[test]
    fn ordinary_values_read_as_compact_json() {
        let v = json!({"field": "status", "value": ["a", 1, null, true]});
        assert_eq!(value(&v), v.to_string());
    }

    #[test]
    fn lines_are_plain_unless_something_in_them_is_hard_to_see() {
        assert_eq!(line("Hello there"), "Hello there");
        assert_eq!(line("Hello "), "\"Hello␠\"");
        assert_eq!(line(""), "\"\"");
        assert_eq!(line("\"quoted\""), "\"\\\"quoted\\\"\"");
        let split: Vec<String> = lines("a\r\nb\n").collect();
        assert_eq!(split, ["\"a\\r\"", "b", "\"\""]);
    }
}
