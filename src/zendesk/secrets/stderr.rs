//! A failed credential command's error output, made safe to show: only its last line, with every
//! word that could be a secret masked.
//!
//! A command that fetches a secret may echo it (or a neighbouring one) when it fails, and CI logs
//! are often public; but "not signed in" or "permission denied" is what tells the user what to
//! do. So one line is shown, and any word that looks like a token, key or password is replaced.

/// The longest part of the line shown, in characters.
const MAX_SHOWN_CHARS: usize = 200;

/// What replaces a word that could be a secret.
const MASK: &str = "***";

/// The last non-empty line of `tail`, secret-looking words masked and control characters
/// escaped, or `None` when the command wrote nothing.
pub(super) fn last_line_masked(tail: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(tail);
    let line = text.lines().map(str::trim).rfind(|line| !line.is_empty())?;
    let shown: Vec<String> = line
        .split_whitespace()
        .map(|word| {
            if could_be_secret(word) {
                MASK.to_owned()
            } else {
                word.chars().flat_map(char::escape_debug).collect()
            }
        })
        .collect();
    let shown = shown.join(" ");
    if shown.chars().count() <= MAX_SHOWN_CHARS {
        return Some(shown);
    }
    Some(shown.chars().take(MAX_SHOWN_CHARS).chain(['…']).collect())
}

/// Tokens, keys and passwords are long, or mix in digits; the words of an error message rarely
/// are: 20 or more characters, or 8 or more with a digit among them.
fn could_be_secret(word: &str) -> bool {
    let length = word.chars().count();
    length >= 20 || (length >= 8 && word.chars().any(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_line_is_shown() {
        assert_eq!(
            last_line_masked(b"fetching...\n[ERROR] not signed in\n\n").as_deref(),
            Some("[ERROR] not signed in")
        );
        assert_eq!(last_line_masked(b"\n  \n"), None);
        assert_eq!(last_line_masked(b""), None);
    }

    #[test]
    fn words_that_could_be_secrets_are_masked() {
        assert_eq!(
            last_line_masked(b"bad token abc123def456 for user admin\n").as_deref(),
            Some("bad token *** for user admin")
        );
        assert_eq!(
            last_line_masked(b"rejected: dGhpc2lzYXNlY3JldGtleQ==\n").as_deref(),
            Some("rejected: ***")
        );
        // Short words and ordinary long words stay readable.
        assert_eq!(
            last_line_masked(b"permission denied (publickey)\n").as_deref(),
            Some("permission denied (publickey)")
        );
    }

    #[test]
    fn control_characters_are_escaped_and_long_lines_cut() {
        assert_eq!(
            last_line_masked(b"bad \x1b[1m\n").as_deref(),
            Some("bad \\u{1b}[1m")
        );
        let long = "word ".repeat(100);
        let shown = last_line_masked(long.as_bytes()).unwrap();
        assert_eq!(shown.chars().count(), MAX_SHOWN_CHARS + 1);
        assert!(shown.ends_with('…'));
    }
}
