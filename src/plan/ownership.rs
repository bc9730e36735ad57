//! Ownership: the marker line zdpolicy writes at the end of a managed trigger's description,
//! and reading it back to tell zdpolicy's triggers from everyone else's.
//!
//! A marker is the only reliable link between a policy key and a Zendesk trigger: titles are
//! not unique in Zendesk and ids are not known before a trigger exists. Triggers without a
//! marker are never changed or deleted, only reported.

use std::collections::BTreeMap;

use crate::policy::model::TriggerKey;
use crate::zendesk::model::Trigger;

const MARKER_PREFIX: &str = "Managed by zdpolicy (key: ";
const MARKER_SUFFIX: &str = "). Edits in Zendesk are overwritten.";

/// The marker line for `key`:
/// `Managed by zdpolicy (key: vip-messaging). Edits in Zendesk are overwritten.`
pub fn marker_line(key: &TriggerKey) -> String {
    format!("{MARKER_PREFIX}{key}{MARKER_SUFFIX}")
}

/// The description zdpolicy writes: the policy's text exactly as written, a line break, then
/// the marker as the last line. No text (absent, `null` or empty) gives the marker alone.
///
/// Nothing is trimmed: `split_marker` gives back exactly `text`, so an exported description
/// plans to no change and a write keeps the user's spaces, tabs and line breaks.
pub fn managed_description(key: &TriggerKey, text: Option<&str>) -> String {
    let marker = marker_line(key);
    match text {
        Some(text) if !text.is_empty() => format!("{text}\n{marker}"),
        _ => marker,
    }
}

/// Whether `description` is exactly what [`managed_description`] makes of `key` and `text`,
/// without making it: a converged account compares every managed trigger's description, and
/// building each one to compare it was a fifth of the trigger planning's time.
pub fn is_managed_description(description: &str, key: &TriggerKey, text: Option<&str>) -> bool {
    let marker = match text.filter(|text| !text.is_empty()) {
        Some(text) => description
            .strip_prefix(text)
            .and_then(|rest| rest.strip_prefix('\n')),
        None => Some(description),
    };
    marker
        .and_then(|m| m.strip_prefix(MARKER_PREFIX))
        .and_then(|m| m.strip_prefix(key.as_str()))
        .is_some_and(|m| m == MARKER_SUFFIX)
}

/// The key in a description's marker, if its last non-blank line is one. Only the prefix and
/// the key are required, so a marker whose sentence a person shortened is still recognised.
pub fn marker_key(description: Option<&str>) -> Option<&str> {
    split_marker(description?).map(|marked| marked.key)
}

/// A description that ends with zdpolicy's marker, taken apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marked<'a> {
    /// The text before the marker line, byte for byte (without the one line break that
    /// separates it from the marker); `None` when the marker is all there is.
    pub text: Option<&'a str>,
    /// The key the marker names.
    pub key: &'a str,
}

/// Splits a description whose last non-blank line is a marker into the text before it and
/// the key; `None` when there is no marker. The inverse of [`managed_description`].
pub fn split_marker(description: &str) -> Option<Marked<'_>> {
    let content_end = description.trim_end().len();
    let line_start = description[..content_end].rfind('\n').map_or(0, |i| i + 1);
    let rest = description[line_start..content_end]
        .trim()
        .strip_prefix(MARKER_PREFIX)?;
    let key = &rest[..rest.find(')')?];
    if key.is_empty() {
        return None;
    }
    let text = line_start
        .checked_sub(1)
        .map(|separator| &description[..separator])
        .filter(|text| !text.is_empty());
    Some(Marked { text, key })
}

/// The live triggers sorted by owner.
#[derive(Debug, Default)]
pub struct Owners<'a> {
    /// Every trigger, in Zendesk's order.
    pub all: Vec<&'a Trigger>,
    /// Triggers carrying a marker, by key (in Zendesk's order within a key).
    pub managed: BTreeMap<&'a str, Vec<&'a Trigger>>,
    /// Triggers without a marker.
    pub unmanaged: Vec<&'a Trigger>,
}

/// Sorts the live triggers into marked (by key) and unmarked.
pub fn owners(triggers: &[Trigger]) -> Owners<'_> {
    let mut owners = Owners::default();
    for trigger in triggers {
        owners.all.push(trigger);
        let description = trigger.description.as_ref().and_then(Option::as_deref);
        match marker_key(description) {
            Some(key) => owners.managed.entry(key).or_default().push(trigger),
            None => owners.unmanaged.push(trigger),
        }
    }
    owners
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> TriggerKey {
        TriggerKey::parse(s).expect("key")
    }

    #[test]
    fn the_marker_is_the_last_line_after_the_users_text() {
        let k = key("vip-messaging");
        assert_eq!(
            managed_description(&k, Some("Escalates VIPs.")),
            "Escalates VIPs.\nManaged by zdpolicy (key: vip-messaging). Edits in Zendesk are overwritten."
        );
        assert_eq!(managed_description(&k, None), marker_line(&k));
        assert_eq!(managed_description(&k, Some("")), marker_line(&k));
    }

    #[test]
    fn a_description_is_recognised_as_the_one_that_would_be_written() {
        let keys = [key("k"), key("vip-messaging")];
        let texts = [
            None,
            Some(""),
            Some("text"),
            Some("two\nlines\n"),
            Some(" "),
        ];
        let mut written: Vec<String> = Vec::new();
        for k in &keys {
            for text in texts {
                written.push(managed_description(k, text));
            }
        }
        written.extend([
            "".into(),
            "text\n".into(),
            format!("{} ", marker_line(&keys[0])),
        ]);
        written.push(format!("text{}", marker_line(&keys[0])));
        for k in &keys {
            for text in texts {
                let expected = managed_description(k, text);
                for description in &written {
                    assert_eq!(
                        is_managed_description(description, k, text),
                        *description == expected,
                        "{description:?} for {k} with {text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn markers_are_read_back() {
        let k = key("vip-messaging");
        let text = managed_description(&k, Some("Line one\nLine two"));
        assert_eq!(marker_key(Some(&text)), Some("vip-messaging"));
        assert_eq!(
            marker_key(Some(&format!("{text}\r\n\n"))),
            Some("vip-messaging")
        );
        assert_eq!(
            marker_key(Some("Managed by zdpolicy (key: x)")),
            Some("x"),
            "a shortened sentence still counts"
        );
    }

    /// Regression: the user's text used to lose its trailing spaces and line breaks, so an
    /// exported description planned to an update whose lines looked identical, forever.
    #[test]
    fn the_users_text_comes_back_byte_for_byte() {
        let k = key("k");
        for text in [
            "ends with spaces  ",
            "tab\tinside",
            "two  spaces",
            "ends with a line break\n",
            "ends with CRLF\r\n",
            "\n",
            " ",
            "line one\r\nline two",
            "Managed by zdpolicy (key: other). Edits in Zendesk are overwritten.",
        ] {
            let written = managed_description(&k, Some(text));
            assert_eq!(
                split_marker(&written),
                Some(Marked {
                    text: Some(text),
                    key: "k"
                }),
                "{text:?}"
            );
        }
        assert_eq!(
            split_marker(&marker_line(&k)),
            Some(Marked {
                text: None,
                key: "k"
            })
        );
    }

    #[test]
    fn a_marker_that_is_not_last_does_not_count() {
        let text =
            "Managed by zdpolicy (key: a). Edits in Zendesk are overwritten.\nSomeone's note";
        assert_eq!(marker_key(Some(text)), None);
        assert_eq!(marker_key(None), None);
        assert_eq!(marker_key(Some("Managed by zdpolicy (key: ). x")), None);
    }
}
