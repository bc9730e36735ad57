//! Diagnostics: located problems found in policy files, as data.
//!
//! A diagnostic has a stable kebab-case code, a severity, a primary label where the problem is
//! and secondary labels where its cause is ("first defined here"). Rendering to people (miette),
//! JSON and GitHub annotations lives in [`crate::output::diagnostics`]; this module only holds
//! the data.

use serde::{Deserialize, Serialize};

use super::source::Span;

/// How serious a diagnostic is: of the policy's files, or of a plan's account (the plan
/// uses this one too). Errors order before warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks: the policy is invalid, or (in a plan) the policy cannot be (fully) reached for
    /// the account, which is then planned only in part and must not be applied.
    Error,
    /// Informs; does not block.
    Warning,
}

macro_rules! codes {
    ($($variant:ident = $name:literal : $description:literal,)*) => {
        /// The kind of a diagnostic. Its kebab-case name is stable and appears in every output format.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $(#[doc = $description] $variant,)* }

        impl Code {
            /// The stable kebab-case name, e.g. `unknown-key`.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// A one-line description of the kind of problem.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $description,)* }
            }

            /// Every code, for documentation and tests.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];
        }
    };
}

codes! {
    Io = "io": "A policy file or directory could not be read.",
    NoPolicy = "no-policy": "No policy files were found or named.",
    FileTooLarge = "file-too-large": "A policy file is larger than zdpolicy reads.",
    SkippedFile = "skipped-file": "A `*.yaml`/`*.yml` entry in a policy directory that is not a regular file (a FIFO, socket or device) was skipped.",
    YamlSyntax = "yaml-syntax": "The file is not valid YAML.",
    YamlLimit = "yaml-limit": "The file goes over a YAML size limit (nodes, nesting, aliases).",
    UnknownKey = "unknown-key": "A key that the policy format does not define.",
    DuplicateKey = "duplicate-key": "The same key appears twice in one mapping.",
    WrongType = "wrong-type": "A value of the wrong type (e.g. a string where a boolean belongs).",
    MissingKey = "missing-key": "A required key is absent.",
    InvalidValue = "invalid-value": "A value outside what the field accepts.",
    MissingVersion = "missing-version": "The file does not declare `version`.",
    UnsupportedVersion = "unsupported-version": "The file declares a policy format version this zdpolicy does not read.",
    EmptyPolicy = "empty-policy": "The policy declares no accounts.",
    DuplicateDefinition = "duplicate-definition": "An account, group or defaults setting is defined in two places.",
    DuplicateTriggerKey = "duplicate-trigger-key": "Two triggers in one list share a key.",
    UnknownGroup = "unknown-group": "An account lists a group that no file defines.",
    InvalidSubdomain = "invalid-subdomain": "A Zendesk subdomain with characters Zendesk does not allow.",
    InvalidName = "invalid-name": "An account, group or trigger key with characters zdpolicy does not allow.",
    LiteralSecret = "literal-secret": "A secret written into the policy file instead of a reference to it.",
    InvalidSecretReference = "invalid-secret-reference": "A secret reference of an unknown kind or with nothing after the prefix.",
    InvalidCredentials = "invalid-credentials": "Credentials that mix or lack the keys of every supported kind.",
    ApiTokenRetiring = "api-token-retiring": "API-token credentials, which Zendesk turns off on 2027-04-30.",
    DuplicateSubdomain = "duplicate-subdomain": "Two accounts manage the same Zendesk subdomain.",
    UnknownOperator = "unknown-operator": "A trigger condition operator that Zendesk does not document.",
    EmptyActions = "empty-actions": "A trigger without actions; Zendesk rejects it.",
    SunshineRequired = "sunshine-conversations-required": "A setting that needs the account's Sunshine Conversations app.",
    IneffectiveSetting = "ineffective-setting": "A setting that has no effect given another setting.",
    ConflictingSetting = "conflicting-setting": "One setting given under its two names with different values.",
    SurveyNeedsAgentEnd = "survey-needs-agent-end": "The CSAT-on-session-end survey needs agents to be able to end sessions.",
    UnusedGroup = "unused-group": "A group that no account lists.",
    RepeatedGroup = "repeated-group": "An account lists the same group twice.",
    DuplicateTriggerTitle = "duplicate-trigger-title": "Two managed triggers of one account share a title and neither is pinned by id.",
    UnknownTriggerKey = "unknown-trigger-key": "`trigger_ids` pins a key that is not one of the account's managed triggers.",
    DuplicateTriggerId = "duplicate-trigger-id": "One Zendesk trigger id is pinned to two trigger keys.",
    IdentityConflict = "identity-conflict": "A trigger key that is both managed and released, or a `previously` key that is still in use.",
}

/// A label: a span and what to say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there (may be empty).
    pub message: String,
}

/// One problem found in the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The kind of problem.
    pub code: Code,
    /// Whether it blocks.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where the problem is; absent for problems with no place (e.g. no files at all).
    pub primary: Option<Label>,
    /// Where its causes are, e.g. the first definition of a duplicate.
    pub secondary: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error of `code` at `span`.
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, Some(span), message)
    }

    /// A warning of `code` at `span`.
    pub fn warning(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, Some(span), message)
    }

    /// An error with no location.
    pub fn unlocated(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, None, message)
    }

    /// A warning with no location.
    pub fn unlocated_warning(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, None, message)
    }

    fn new(severity: Severity, code: Code, span: Option<Span>, message: impl Into<String>) -> Self {
        Self {
            code,
            severity,
            message: message.into(),
            primary: span.map(|span| Label {
                span,
                message: String::new(),
            }),
            secondary: Vec::new(),
            help: None,
        }
    }

    /// Sets the text of the primary label.
    pub fn with_label(mut self, message: impl Into<String>) -> Self {
        if let Some(primary) = &mut self.primary {
            primary.message = message.into();
        }
        self
    }

    /// Adds a secondary label.
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Sets the help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether this diagnostic blocks.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by file and position so every output lists them in reading order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.primary.as_ref().map(|l| (l.span.file, l.span.start));
        key(a)
            .cmp(&key(b))
            .then(a.code.cmp(&b.code))
            .then(a.message.cmp(&b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_names_are_unique_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let name = code.name();
            assert!(seen.insert(name), "duplicate code {name}");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name} is not kebab-case"
            );
        }
    }
}
