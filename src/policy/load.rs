//! Loading a policy: read files, parse, decode, merge files, layer accounts, check rules.
//!
//! Every stage reports what it finds and carries on with what is usable, so one run lists
//! every problem in every file; callers stop afterwards if any diagnostic is an error.

use std::collections::BTreeMap;

use super::decode::{Decode, Decoder};
use super::diagnostic::{self, Code, Diagnostic};
use super::input::PolicyFiles;
use super::mask::Secrets;
use super::merge::{Parsed, merge_files};
use super::model::{Document, GroupName, Layer, Located};
use super::read::{MAX_POLICY_FILE_BYTES, ReadError, read_policy_file};
use super::resolve::{LayerSources, ResolvedAccount, resolve_account};
use super::rules;
use super::source::{FileId, Locator, SourceMap, Span};
use super::yaml::{self, Node, Value};
use super::yaml_limits::YamlLimits;

/// A loaded policy: its files, every diagnostic, and each account's resolved policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// What to call the policy in messages (its directory or files).
    pub label: String,
    /// The files read, with the secrets found in them marked for masking.
    pub sources: SourceMap,
    /// Every problem found, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Each account's policy after layering, sorted by account name.
    pub accounts: Vec<ResolvedAccount>,
}

impl Policy {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The account with this name.
    pub fn account(&self, name: &str) -> Option<&ResolvedAccount> {
        self.accounts.iter().find(|a| a.name.value.as_str() == name)
    }
}

/// Reads and loads the files of one policy within the default [`YamlLimits`].
/// Unreadable files become diagnostics.
pub fn load(files: &PolicyFiles) -> Policy {
    load_within(files, &YamlLimits::default())
}

/// Reads and loads the files of one policy, each parsed within `limits`. Unreadable files,
/// files over [`MAX_POLICY_FILE_BYTES`] and entries skipped while finding the files become
/// diagnostics.
pub fn load_within(files: &PolicyFiles, limits: &YamlLimits) -> Policy {
    let mut sources = SourceMap::new();
    let mut diagnostics: Vec<Diagnostic> = files
        .skipped
        .iter()
        .map(|skipped| {
            Diagnostic::unlocated_warning(Code::SkippedFile, format!("skipped {skipped}"))
        })
        .collect();
    let mut unread = 0;
    for path in &files.files {
        match read_policy_file(path, MAX_POLICY_FILE_BYTES) {
            Ok(text) => {
                sources.add(path, text);
            }
            Err(err) => {
                unread += 1;
                let (code, help) = match err {
                    ReadError::TooLarge { .. } => (
                        Code::FileTooLarge,
                        Some(
                            "split the policy into several files in one directory; they merge into one policy",
                        ),
                    ),
                    ReadError::NotUtf8 { .. } => (
                        Code::Io,
                        Some("policy files are UTF-8: save the file as UTF-8 in your editor"),
                    ),
                    ReadError::Io { .. } | ReadError::NotRegular { .. } => (Code::Io, None),
                };
                let diagnostic = Diagnostic::unlocated(code, err.to_string());
                diagnostics.push(match help {
                    Some(help) => diagnostic.with_help(help),
                    None => diagnostic,
                });
            }
        }
    }
    let mut policy = assemble(files.label.clone(), sources, limits, unread);
    policy.diagnostics.extend(diagnostics);
    diagnostic::sort(&mut policy.diagnostics);
    policy
}

/// Loads a policy from files already read (tests use this with text in memory).
pub fn load_sources(label: String, sources: SourceMap) -> Policy {
    assemble(label, sources, &YamlLimits::default(), 0)
}

/// Parses, merges, layers and checks the files read; `unread` files could not be read, so
/// neither "no policy files" nor "no accounts" can be told.
fn assemble(label: String, mut sources: SourceMap, limits: &YamlLimits, unread: usize) -> Policy {
    let mut decoder = Decoder::default();
    let mut secrets = Secrets::default();
    let mut parsed = Vec::new();
    let mut any_unparsed = unread > 0;
    for (id, file) in sources.files() {
        secrets.scan_text(id, file.text());
        match yaml::parse_within(id, file.text(), limits) {
            Ok(node) => {
                secrets.scan_tree(&node);
                let document = Document::decode(&node, &mut decoder);
                parsed.push(Parsed { node, document });
            }
            Err(err) => {
                any_unparsed = true;
                decoder.report(syntax_diagnostic(id, err));
            }
        }
    }

    let merged = merge_files(&parsed, &mut decoder);
    let group_nodes: BTreeMap<GroupName, &Node> = merged
        .groups
        .iter()
        .map(|(name, (_, _, node))| (name.clone(), *node))
        .collect();
    let layer_sources = LayerSources::new(merged.defaults.as_ref(), &group_nodes);
    let mut accounts: Vec<ResolvedAccount> = merged
        .accounts
        .values()
        .map(|(name, account, node)| resolve_account(name, account, node, &layer_sources))
        .collect();
    accounts.sort_by(|a, b| a.name.value.cmp(&b.name.value));

    let groups: Vec<(&Located<GroupName>, &Layer)> = merged
        .groups
        .values()
        .map(|(name, layer, _)| (name, layer))
        .collect();
    rules::check(&accounts, &groups, &mut decoder.diagnostics);
    let declared_accounts = parsed.iter().any(|p| {
        p.node
            .get("accounts")
            .is_some_and(|a| matches!(&a.value, Value::Map(entries) if !entries.is_empty()))
    });
    // Another error (a misspelt `accounts`, a file that is not a mapping) already explains
    // why no account was found.
    let reported_empty = decoder.diagnostics.iter().any(Diagnostic::is_error);
    if !declared_accounts && !any_unparsed && !parsed.is_empty() && !reported_empty {
        let first = sources.files().next().map_or(FileId(0), |(id, _)| id);
        decoder.report(
            Diagnostic::error(
                Code::EmptyPolicy,
                Span::new(first, 0, 0),
                "the policy declares no accounts",
            )
            .with_help("add an `accounts:` mapping naming at least one Zendesk account"),
        );
    }
    if sources.files().next().is_none() && unread == 0 {
        decoder.report(Diagnostic::unlocated(
            Code::NoPolicy,
            "no policy files to read",
        ));
    }
    secrets.apply(&mut sources);
    // After masking: a plan diagnostic's snippet must not show a secret either.
    let locator = Locator::new(sources.clone());
    for account in &mut accounts {
        account.locator = locator.clone();
    }
    let mut diagnostics = decoder.diagnostics;
    diagnostic::sort(&mut diagnostics);
    Policy {
        label,
        sources,
        diagnostics,
        accounts,
    }
}

/// A file the parser stopped in: at bad syntax, or at a size limit (said as a limit).
fn syntax_diagnostic(file: FileId, err: yaml::SyntaxError) -> Diagnostic {
    let span = err.span.unwrap_or(Span::new(file, 0, 0));
    match err.limit {
        Some(limit) => Diagnostic::error(Code::YamlLimit, span, limit.message)
            .with_label("the limit was reached here")
            .with_help(limit.help),
        None => Diagnostic::error(
            Code::YamlSyntax,
            span,
            format!("invalid YAML: {}", err.message),
        )
        .with_label("the parser stopped here"),
    }
}

/// Loads a policy from `(path, text)` pairs held in memory, for tests.
#[cfg(test)]
pub(crate) fn load_texts(files: &[(&str, &str)]) -> Policy {
    let mut sources = SourceMap::new();
    for (path, text) in files {
        sources.add(*path, *text);
    }
    load_sources("test".into(), sources)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(policy: &Policy) -> Vec<&'static str> {
        policy.diagnostics.iter().map(|d| d.code.name()).collect()
    }

    #[test]
    fn every_problem_in_a_file_is_reported_in_one_run() {
        let policy = load_texts(&[(
            "p.yaml",
            "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    csat: { survey_on_sesion_end: true }\n    safety: { max_deletes: -1 }\n    credentials: { oauth_token: abcdef0123456789 }\n",
        )]);
        assert_eq!(
            codes(&policy),
            ["unknown-key", "wrong-type", "literal-secret"]
        );
    }

    #[test]
    fn missing_and_unsupported_versions() {
        assert_eq!(
            codes(&load_texts(&[(
                "a.yaml",
                "accounts:\n  acme: { subdomain: acme }\n"
            )])),
            ["missing-version"]
        );
        assert_eq!(
            codes(&load_texts(&[(
                "a.yaml",
                "version: 2\naccounts:\n  acme: { subdomain: acme }\n"
            )])),
            ["unsupported-version"]
        );
    }

    #[test]
    fn empty_policies_are_errors() {
        assert_eq!(codes(&load_texts(&[("a.yaml", "")])), ["empty-policy"]);
        assert_eq!(
            codes(&load_texts(&[("a.yaml", "version: 1\n")])),
            ["empty-policy"]
        );
    }

    #[test]
    fn syntax_errors_do_not_hide_other_files_problems() {
        let policy = load_texts(&[
            ("a.yaml", "version: 1\naccounts: [\n"),
            ("b.yaml", "version: 1\nacounts: {}\n"),
        ]);
        assert_eq!(codes(&policy), ["yaml-syntax", "unknown-key"]);
    }

    #[test]
    fn literal_secrets_are_redacted_from_shown_text() {
        let policy = load_texts(&[(
            "a.yaml",
            "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: { oauth_token: s3cr3tvalue }\n",
        )]);
        let masker = crate::policy::mask::Masker::new(&policy.sources);
        assert!(!masker.source(FileId(0)).contains("s3cr3tvalue"));
        assert!(
            policy
                .diagnostics
                .iter()
                .all(|d| !d.message.contains("s3cr3tvalue"))
        );
    }

    /// Regression (#11): a value the loader never decodes (a duplicate key, a misspelt key, a
    /// file that does not parse) was shown unmasked.
    #[test]
    fn secrets_the_loader_does_not_decode_are_masked_too() {
        let policy = load_texts(&[
            (
                "a.yaml",
                "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials:\n      oauth_token: env:A\n      oauth_token: dup-s3cr3t\n      oauth_tokn: typo-s3cr3t\n",
            ),
            (
                "b.yaml",
                "version: 1\naccounts:\n  beta:\n    credentials: { api_token: broken-s3cr3t }\n    messaging: [\n",
            ),
        ]);
        let masker = crate::policy::mask::Masker::new(&policy.sources);
        for (id, _) in policy.sources.files() {
            let shown = masker.source(id);
            assert!(!shown.contains("s3cr3t"), "{shown}");
            assert!(shown.contains("env:A") || id == FileId(1), "{shown}");
        }
    }

    #[test]
    fn bad_subdomain_and_names() {
        let policy = load_texts(&[(
            "a.yaml",
            "version: 1\naccounts:\n  acme.prod:\n    subdomain: acme.zendesk.com\n",
        )]);
        assert_eq!(codes(&policy), ["invalid-name", "invalid-subdomain"]);
        assert_eq!(
            policy.diagnostics[1].help.as_deref(),
            Some("write only the subdomain: `acme`")
        );
    }

    #[test]
    fn credentials_shapes() {
        let base = "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: ";
        let ok = [
            "{ oauth_token: env:T }",
            "{ client_id: zd, client_secret: env:S }",
            "{ email: a@b.c, api_token: file:/run/t }",
            "{ login: true }",
        ];
        for c in ok {
            let policy = load_texts(&[("a.yaml", &format!("{base}{c}\n"))]);
            // API tokens load, with the warning that Zendesk retires them.
            assert!(
                policy.diagnostics.iter().all(|d| !d.is_error()),
                "{c}: {:?}",
                policy.diagnostics
            );
            assert!(!policy.accounts.is_empty(), "{c}");
        }
        for c in [
            "{ oauth_token: env:T, api_token: env:U }",
            "{ email: a@b.c }",
            "{ login: true, oauth_token: env:T }",
            "{}",
        ] {
            let policy = load_texts(&[("a.yaml", &format!("{base}{c}\n"))]);
            assert_eq!(codes(&policy), ["invalid-credentials"], "{c}");
        }
    }

    /// Regression: fields real accounts use every day (`set_schedule`, legacy
    /// `assignee_id#all_agents`) were warned about; no static list can know an account's
    /// fields, so only `plan` checks them, against the account's definitions.
    #[test]
    fn unknown_operators_are_errors_and_fields_are_left_to_plan() {
        let policy = load_texts(&[(
            "a.yaml",
            "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    triggers:\n      - key: t\n        title: T\n        conditions:\n          all: [ { field: assignee_id#all_agents, operator: inclides, value: x } ]\n        actions: [ { field: set_schedule, value: \"360001\" }, { field: side_conversation_ticket, value: [a, b, c, d] } ]\n",
        )]);
        assert_eq!(codes(&policy), ["unknown-operator"]);
        assert_eq!(
            policy.diagnostics[0].primary.as_ref().unwrap().message,
            "did you mean `includes`?"
        );
    }

    #[test]
    fn triggers_need_actions_and_unique_keys() {
        let policy = load_texts(&[(
            "a.yaml",
            "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    triggers:\n      - { key: t, title: T, actions: [] }\n      - { key: t, title: U, actions: [ { field: status, value: open } ] }\n",
        )]);
        assert_eq!(codes(&policy), ["empty-actions", "duplicate-trigger-key"]);
    }
}
