//! `X-Zendesk-API-Warn`: how Zendesk says that it ignored part of a request it answered with
//! success. A recorded answer (a trigger update) reads
//! `{:allowed_parameters=>{:controller=>"triggers", :action=>"update",
//! :unpermitted_keys=>["trigger.id"], :invalid_values=>[]}}`: a Ruby hash, not JSON. Zendesk does
//! not document the header; account settings are reported to drop keys the same way (in third-party
//! reports only), and how it names a nested key there is not known, so a key matches however much
//! of its dotted path the header gives.

use std::fmt;

/// The longest header text kept for messages.
const MAX_SHOWN: usize = 300;

/// A parsed `X-Zendesk-API-Warn` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiWarning {
    /// The header as sent (cut to a few hundred characters).
    pub raw: String,
    /// The keys Zendesk did not accept (`unpermitted_keys`).
    pub unpermitted_keys: Vec<String>,
    /// The keys whose values it did not accept (`invalid_values`).
    pub invalid_values: Vec<String>,
}

impl ApiWarning {
    /// Parses the header's value. Anything that does not look like the recorded form still
    /// gives a warning, with no keys.
    pub fn parse(value: &str) -> Self {
        let raw = if value.chars().count() > MAX_SHOWN {
            let cut: String = value.chars().take(MAX_SHOWN).collect();
            format!("{cut}…")
        } else {
            value.to_owned()
        };
        Self {
            raw,
            unpermitted_keys: quoted_list(value, ":unpermitted_keys=>"),
            invalid_values: quoted_list(value, ":invalid_values=>"),
        }
    }

    /// Whether the warning says that the key at `path` (e.g.
    /// `settings.messaging_inactivity.timeout`) was ignored: a listed key equal to the path,
    /// to a dotted tail of it with at least two parts (`messaging_inactivity.timeout`), or to
    /// a section above it (`settings.messaging_inactivity`), or below it (a reminder's key).
    pub fn ignores(&self, path: &str) -> bool {
        self.unpermitted_keys
            .iter()
            .chain(&self.invalid_values)
            .any(|key| names(key, path))
    }
}

impl fmt::Display for ApiWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

fn names(key: &str, path: &str) -> bool {
    let tails = path
        .match_indices('.')
        .map(|(i, _)| &path[i + 1..])
        .filter(|tail| tail.contains('.'));
    let is_path = key == path || tails.clone().any(|tail| tail == key);
    let above = path.starts_with(&format!("{key}.")) && key.contains('.');
    let below = key.starts_with(&format!("{path}."))
        || tails
            .clone()
            .any(|tail| key.starts_with(&format!("{tail}.")));
    is_path || above || below
}

/// The double-quoted strings of the `[...]` list after `marker`.
fn quoted_list(text: &str, marker: &str) -> Vec<String> {
    let Some(start) = text.find(marker) else {
        return Vec::new();
    };
    let rest = &text[start + marker.len()..];
    let Some(list) = rest.strip_prefix('[') else {
        return Vec::new();
    };
    let Some(end) = list.find(']') else {
        return Vec::new();
    };
    list[..end]
        .split(',')
        .map(|item| item.trim().trim_matches('"').to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORDED: &str = r#"{:allowed_parameters=>{:controller=>"triggers", :action=>"update", :unpermitted_keys=>["trigger.id"], :invalid_values=>[]}}"#;

    #[test]
    fn the_recorded_header_parses() {
        let warning = ApiWarning::parse(RECORDED);
        assert_eq!(warning.unpermitted_keys, ["trigger.id"]);
        assert!(warning.invalid_values.is_empty());
        assert!(warning.ignores("trigger.id"));
        assert!(!warning.ignores("trigger.title"));
    }

    #[test]
    fn a_settings_key_matches_however_much_of_its_path_is_given() {
        let path = "settings.messaging_inactivity.timeout";
        for key in [
            "settings.messaging_inactivity.timeout",
            "messaging_inactivity.timeout",
            "settings.messaging_inactivity",
        ] {
            let header = format!(":unpermitted_keys=>[\"{key}\"], :invalid_values=>[]");
            assert!(ApiWarning::parse(&header).ignores(path), "{key}");
        }
        for key in [
            "timeout",
            "settings",
            "messaging_inactivity.enabled",
            "routing.timeout",
        ] {
            let header = format!(":unpermitted_keys=>[\"{key}\"]");
            assert!(!ApiWarning::parse(&header).ignores(path), "{key}");
        }
        let reminder = ":invalid_values=>[\"messaging_inactivity.reminders.1.timeout\"]";
        assert!(ApiWarning::parse(reminder).ignores("settings.messaging_inactivity.reminders"));
    }

    #[test]
    fn an_unknown_form_is_kept_whole_with_no_keys() {
        let warning = ApiWarning::parse("something else");
        assert!(warning.unpermitted_keys.is_empty());
        assert_eq!(warning.to_string(), "something else");
        let long = ApiWarning::parse(&"x".repeat(1000));
        assert_eq!(long.raw.chars().count(), MAX_SHOWN + 1);
    }
}
