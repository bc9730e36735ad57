//! What kind of file a path holds, told from its first bytes, so a write never replaces a file
//! that zdpolicy did not write for the same purpose. Pure: bytes in, kind out.

use std::fmt;

/// How many bytes of a file are looked at: every marker below sits in the first few lines of
/// the files zdpolicy writes, however large they are.
pub const SNIFF_BYTES: usize = 8 * 1024;

/// The first line of every exported file (after an editor modeline), by which a later export
/// recognises the file as its own to replace. Defined here, with the other files' marks, so
/// that telling kinds apart needs none of the modules that write them.
pub const EXPORT_HEADER: &str = "# Exported by zdpolicy from live Zendesk state.";

/// The `title` of zdpolicy's policy JSON Schema (from the doc comment of its root type).
pub const SCHEMA_TITLE: &str = "zdpolicy policy";

/// A file's kind, as far as zdpolicy can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A file with nothing in it but whitespace: nothing to lose.
    Empty,
    /// A saved plan (`plan --out`): JSON with `format_version` and `policy_hash`.
    SavedPlan,
    /// An apply report (`apply --report`): JSON with `format_version`, `policy_hash`,
    /// `refused` and `interrupted`.
    ApplyReport,
    /// A policy written by `export`: its first line (after an editor modeline) is
    /// [`EXPORT_HEADER`].
    Export,
    /// zdpolicy's policy JSON Schema (`schema --output`): `$schema` and the title
    /// [`SCHEMA_TITLE`].
    Schema,
    /// Simulator or sandbox state: JSON with `format_version`, `next_id` and `accounts`.
    SimulatorState,
    /// A policy file written by hand: YAML with a top-level `version:` or `accounts:`.
    Policy,
    /// A simulator seed file (`kind: simulator-seed`).
    SimulatorSeed,
    /// A manual page written by `zdpolicy man --output`: roff with a `.TH zdpolicy` title line.
    ManPage,
    /// `zdpolicy login`'s records (who is signed in where, and the tokens of the file store):
    /// JSON with `format_version` and `sign_ins` or `tokens`.
    SignIn,
    /// Anything else.
    Other,
}

impl FileKind {
    /// The kind of a file that begins with `head` (its first `SNIFF_BYTES` bytes or fewer).
    pub fn of(head: &[u8]) -> Self {
        let text = String::from_utf8_lossy(head);
        let text = text.trim_start_matches('\u{feff}').trim_start();
        if text.is_empty() {
            return Self::Empty;
        }
        if text.starts_with('{') {
            return Self::of_json(text);
        }
        if text.lines().any(|l| l.starts_with(".TH zdpolicy")) {
            return Self::ManPage;
        }
        Self::of_yaml(text)
    }

    fn of_json(text: &str) -> Self {
        let has = |key: &str| text.contains(&format!("\"{key}\""));
        if has("format_version") && has("policy_hash") {
            if has("refused") && has("interrupted") {
                Self::ApplyReport
            } else {
                Self::SavedPlan
            }
        } else if has("$schema") && text.contains(&format!("\"title\": \"{SCHEMA_TITLE}\"")) {
            Self::Schema
        } else if has("format_version") && has("next_id") && has("accounts") {
            Self::SimulatorState
        } else if has("kind") && has("simulator-seed") {
            Self::SimulatorSeed
        } else if has("format_version") && (has("sign_ins") || has("tokens")) {
            Self::SignIn
        } else {
            Self::Other
        }
    }

    fn of_yaml(text: &str) -> Self {
        let mut lines = text
            .lines()
            .skip_while(|l| l.starts_with("# yaml-language-server:"));
        if lines.next().is_some_and(|l| l.starts_with(EXPORT_HEADER)) {
            return Self::Export;
        }
        let top_level = |key: &str| text.lines().any(|l| l.starts_with(key));
        if top_level("kind: simulator-seed") {
            Self::SimulatorSeed
        } else if top_level("version:") || top_level("accounts:") {
            Self::Policy
        } else {
            Self::Other
        }
    }

    /// Whether a file of this kind may be replaced by a file of kind `new` without `--force`:
    /// an empty file, or one of the same kind (the normal re-run).
    pub fn replaceable_by(self, new: Self) -> bool {
        self == Self::Empty || self == new
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "an empty file",
            Self::SavedPlan => "a saved plan",
            Self::ApplyReport => "an apply report",
            Self::Export => "an exported policy",
            Self::Schema => "zdpolicy's JSON Schema",
            Self::SimulatorState => "simulator state",
            Self::Policy => "a policy file",
            Self::SimulatorSeed => "a simulator seed file",
            Self::ManPage => "a zdpolicy manual page",
            Self::SignIn => "zdpolicy's sign-in records",
            Self::Other => "a file zdpolicy did not write",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zdpolicys_own_files_are_recognised() {
        let cases = [
            ("", FileKind::Empty),
            ("  \n", FileKind::Empty),
            (
                "{\n  \"format_version\": \"1.0\",\n  \"tool_version\": \"0.1.0\",\n  \"policy_hash\": \"x\",\n  \"summary\": {}",
                FileKind::SavedPlan,
            ),
            (
                "{\n  \"format_version\": \"1.0\",\n  \"policy_hash\": \"x\",\n  \"refused\": false,\n  \"interrupted\": false,",
                FileKind::ApplyReport,
            ),
            (
                "# Exported by zdpolicy from live Zendesk state. Review before committing.\nversion: 1\n",
                FileKind::Export,
            ),
            (
                "# yaml-language-server: $schema=s.json\n# Exported by zdpolicy from live Zendesk state.\n",
                FileKind::Export,
            ),
            (
                "{\n  \"title\": \"zdpolicy policy\",\n  \"$schema\": \"http://json-schema.org/draft-07/schema#\"",
                FileKind::Schema,
            ),
            (
                "{\n  \"format_version\": 1,\n  \"next_id\": 7,\n  \"accounts\": {}",
                FileKind::SimulatorState,
            ),
            ("version: 1\naccounts:\n  acme: {}\n", FileKind::Policy),
            ("# our policy\naccounts:\n", FileKind::Policy),
            (
                "kind: simulator-seed\naccounts: []\n",
                FileKind::SimulatorSeed,
            ),
            ("{\"name\": \"package.json\"}", FileKind::Other),
            ("hello\n", FileKind::Other),
        ];
        for (text, kind) in cases {
            assert_eq!(FileKind::of(text.as_bytes()), kind, "{text:?}");
        }
        assert_eq!(FileKind::of(&[0xff, 0xfe, 0x00, 0x01]), FileKind::Other);
    }

    #[test]
    fn what_zdpolicy_writes_is_recognised_as_written() {
        let schema = crate::policy::schema::policy_schema_text();
        assert_eq!(FileKind::of(schema.as_bytes()), FileKind::Schema);
        let export = crate::export::to_yaml(&[], Some("schema.json"));
        assert_eq!(FileKind::of(export.as_bytes()), FileKind::Export);
        let report = crate::apply::report::ApplyReport {
            format_version: crate::apply::report::REPORT_FORMAT_VERSION.into(),
            tool_version: "0.1.0".into(),
            policy_hash: "sha256".into(),
            refused: false,
            interrupted: false,
            accounts: Vec::new(),
        };
        let report = serde_json::to_string_pretty(&report).expect("report");
        assert_eq!(FileKind::of(report.as_bytes()), FileKind::ApplyReport);
    }

    #[test]
    fn only_empty_files_and_the_same_kind_are_replaced() {
        assert!(FileKind::SavedPlan.replaceable_by(FileKind::SavedPlan));
        assert!(FileKind::Empty.replaceable_by(FileKind::Export));
        assert!(!FileKind::Policy.replaceable_by(FileKind::SavedPlan));
        assert!(!FileKind::SavedPlan.replaceable_by(FileKind::Export));
        assert!(!FileKind::Policy.replaceable_by(FileKind::Export));
        assert!(!FileKind::SavedPlan.replaceable_by(FileKind::ApplyReport));
        assert!(!FileKind::Other.replaceable_by(FileKind::Schema));
    }
}
