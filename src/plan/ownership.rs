//! Ownership: the marker line zdpolicy writes at the end of a managed trigger's description,
//! and reading it back to tell zdpolicy's triggers from everyone else's.
//!
//! A marker is the only reliable link between a policy key and a Zendesk trigger: titles are
//! not unique in Zendesk and ids are not known before a trigger exists. Triggers without a
//! marker are never changed or deleted, only reported (design.md, "Ownership").

use std::collections::BTreeMap;

use crate::policy::model::TriggerKey;
use crate::zendesk::wire::Trigger;

const MARKER_PREFIX: &str = "Managed by zdpolicy (key: ";
const MARKER_SUFFIX: &str = "). Edits in Zendesk are overwritten.";

/// The marker line for `key`:
/// `Managed by zdpolicy (key: vip-messaging). Edits in Zendesk are overwritten.`
pub fn marker_line(key: &TriggerKey) -> String {
    format!("{MARKER_PREFIX}{key}{MARKER_SUFFIX}")
}

/// The description zdpolicy writes: the policy's text (trailing line breaks removed), then the
/// marker as the last line.
pub fn managed_description(key: &TriggerKey, text: Option<&str>) -> String {
    let marker = marker_line(key);
    match text.map(|t| t.trim_end_matches(['\n', '\r'])) {
        Some(text) if !text.is_empty() => format!("{text}\n{marker}"),
        _ => marker,
    }
}

/// The key in a description's marker, if its last non-blank line is one. Only the prefix and
/// the key are required, so a marker whose sentence a person shortened is still recognised.
pub fn marker_key(description: Option<&str>) -> Option<&str> {
    let last = description?.lines().rev().find(|l| !l.trim().is_empty())?;
    let rest = last.trim().strip_prefix(MARKER_PREFIX)?;
    let key = &rest[..rest.find(')')?];
    (!key.is_empty()).then_some(key)
}

/// The live triggers sorted by owner.
#[derive(Debug, Default)]
pub struct Owners<'a> {
    /// Triggers carrying a marker, by key (in Zendesk's order within a key).
    pub managed: BTreeMap<&'a str, Vec<&'a Trigger>>,
    /// Triggers without a marker.
    pub unmanaged: Vec<&'a Trigger>,
}

/// Sorts the live triggers into marked (by key) and unmarked.
pub fn owners(triggers: &[Trigger]) -> Owners<'_> {
    let mut owners = Owners::default();
    for trigger in triggers {
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
            managed_description(&k, Some("Escalates VIPs.\n")),
            "Escalates VIPs.\nManaged by zdpolicy (key: vip-messaging). Edits in Zendesk are overwritten."
        );
        assert_eq!(managed_description(&k, None), marker_line(&k));
        assert_eq!(managed_description(&k, Some("")), marker_line(&k));
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

    #[test]
    fn a_marker_that_is_not_last_does_not_count() {
        let text =
            "Managed by zdpolicy (key: a). Edits in Zendesk are overwritten.\nSomeone's note";
        assert_eq!(marker_key(Some(text)), None);
        assert_eq!(marker_key(None), None);
        assert_eq!(marker_key(Some("Managed by zdpolicy (key: ). x")), None);
    }
}
