//! Semantic rules: problems that only show once files are merged and accounts layered.
//!
//! Each rule looks at resolved accounts and reports at the place the offending value was
//! written. A value set in `defaults` or a group would otherwise be reported once per account
//! that inherits it; such findings are merged into one diagnostic that lists the accounts.

use std::collections::{BTreeMap, HashMap};

use super::decode::did_you_mean;
use super::diagnostic::{Code, Diagnostic};
use super::model::{Credentials, GroupName, Layer, Located, TriggerKey, TriggerSpec};
use super::resolve::ResolvedAccount;
use super::source::Span;

/// A finding of one rule for one account, before merging across accounts.
struct Finding {
    diagnostic: Diagnostic,
    account: String,
}

/// Runs every rule and appends the diagnostics.
pub fn check(
    accounts: &[ResolvedAccount],
    groups: &[(&Located<GroupName>, &Layer)],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut findings = Vec::new();
    for account in accounts {
        let mut found = Vec::new();
        unknown_and_repeated_groups(account, groups, &mut found);
        sunshine_required(account, &mut found);
        route_without_agent_end(account, &mut found);
        end_session_twice(account, &mut found);
        survey_without_agent_end(account, &mut found);
        duplicate_trigger_titles(account, &mut found);
        trigger_identity(account, &mut found);
        api_token_retiring(account, &mut found);
        findings.extend(found.into_iter().map(|diagnostic| Finding {
            diagnostic,
            account: account.name.value.to_string(),
        }));
    }
    diagnostics.extend(merge_across_accounts(findings));
    unused_groups(accounts, groups, diagnostics);
    duplicate_subdomains(accounts, diagnostics);
}

fn unknown_and_repeated_groups(
    account: &ResolvedAccount,
    groups: &[(&Located<GroupName>, &Layer)],
    out: &mut Vec<Diagnostic>,
) {
    for (i, group) in account.groups.iter().enumerate() {
        if let Some(first) = account.groups[..i].iter().find(|g| g.value == group.value) {
            out.push(
                Diagnostic::warning(
                    Code::RepeatedGroup,
                    group.span,
                    format!("group `{}` is listed twice", group.value),
                )
                .with_secondary(first.span, "first listed here")
                .with_help("a group applies once; remove the repetition"),
            );
            continue;
        }
        if groups.iter().any(|(name, _)| name.value == group.value) {
            continue;
        }
        let mut diagnostic = Diagnostic::error(
            Code::UnknownGroup,
            group.span,
            format!("unknown group `{}`", group.value),
        );
        let names = groups.iter().map(|(name, _)| name.value.as_str());
        diagnostic = match did_you_mean(group.value.as_str(), names) {
            Some(best) => diagnostic.with_label(format!("did you mean `{best}`?")),
            None => diagnostic.with_label("no file defines this group"),
        };
        let defined: Vec<&str> = groups.iter().map(|(name, _)| name.value.as_str()).collect();
        diagnostic = if defined.is_empty() {
            diagnostic.with_help("define it under `groups:` in a policy file")
        } else {
            diagnostic.with_help(format!("defined groups: {}", defined.join(", ")))
        };
        out.push(diagnostic);
    }
}

fn sunshine_required(account: &ResolvedAccount, out: &mut Vec<Diagnostic>) {
    let Some(setting) = account.messaging().end_users_can_end_sessions else {
        return;
    };
    if setting.value && account.sunshine_conversations.is_none() {
        out.push(
            Diagnostic::error(
                Code::SunshineRequired,
                setting.span,
                "end_users_can_end_sessions: true needs the account's Sunshine Conversations app",
            )
            .with_label("set here")
            .with_secondary(account.name.span, "this account has no `sunshine_conversations`")
            .with_help("add `sunshine_conversations: { app_id: ..., key_id: env:..., key_secret: env:... }` to the account"),
        );
    }
}

fn route_without_agent_end(account: &ResolvedAccount, out: &mut Vec<Diagnostic>) {
    let messaging = account.messaging();
    let (Some(route), Some(agents)) = (
        &messaging.agent_ended_sessions_route_as,
        &messaging.agents_can_end_sessions,
    ) else {
        return;
    };
    if !agents.value {
        out.push(
            Diagnostic::warning(
                Code::IneffectiveSetting,
                route.span,
                "agent_ended_sessions_route_as has no effect while agents_can_end_sessions is false",
            )
            .with_label("has no effect")
            .with_secondary(agents.span, "agents cannot end sessions")
            .with_help("remove it, or let agents end sessions"),
        );
    }
}

/// `end_session_after_inactivity` and `inactivity.end_session` are one Zendesk setting.
fn end_session_twice(account: &ResolvedAccount, out: &mut Vec<Diagnostic>) {
    let messaging = account.messaging();
    let (Some(old), Some(new)) = (
        &messaging.end_session_after_inactivity,
        messaging
            .inactivity
            .as_ref()
            .and_then(|i| i.end_session.as_ref()),
    ) else {
        return;
    };
    if old.value != new.value {
        out.push(
            Diagnostic::error(
                Code::ConflictingSetting,
                new.span,
                "inactivity.end_session and end_session_after_inactivity are one setting, set to different values",
            )
            .with_label(format!("set to {} here", new.value))
            .with_secondary(old.span, format!("set to {} here", old.value))
            .with_help("keep one of them (`inactivity.end_session` is the newer spelling)"),
        );
    }
}

fn survey_without_agent_end(account: &ResolvedAccount, out: &mut Vec<Diagnostic>) {
    let (Some(survey), Some(agents)) = (
        account.survey_on_session_end(),
        account.agents_can_end_sessions(),
    ) else {
        return;
    };
    if survey.value && !agents.value {
        out.push(
            Diagnostic::warning(
                Code::SurveyNeedsAgentEnd,
                survey.span,
                "survey_on_session_end: true while agents_can_end_sessions is false",
            )
            .with_label("the survey would never be sent on an agent-ended session")
            .with_secondary(agents.span, "agents cannot end sessions")
            .with_help(
                "Zendesk offers the \"Messaging session ended reason\" trigger condition only while agents can end sessions",
            ),
        );
    }
}

fn duplicate_trigger_titles(account: &ResolvedAccount, out: &mut Vec<Diagnostic>) {
    let triggers = account.triggers();
    let pinned = |t: &TriggerSpec| account.trigger_ids.get(t.key.value.as_str()).is_some();
    // Maps of first uses, not a scan before each trigger: accounts may hold thousands. Pinned
    // triggers are told apart by id (real accounts hold same-title triggers), so a pinned
    // trigger only clashes with an earlier unpinned one; an unpinned one with any.
    let mut first_any: HashMap<&str, &TriggerSpec> = HashMap::with_capacity(triggers.len());
    let mut first_unpinned: HashMap<&str, &TriggerSpec> = HashMap::new();
    for trigger in triggers {
        let title = trigger.title.value.as_str();
        let clash = if pinned(trigger) {
            first_unpinned.get(title).copied()
        } else {
            first_any.get(title).copied()
        };
        first_any.entry(title).or_insert(trigger);
        if !pinned(trigger) {
            first_unpinned.entry(title).or_insert(trigger);
        }
        if let Some(first) = clash {
            out.push(
                Diagnostic::warning(
                    Code::DuplicateTriggerTitle,
                    trigger.title.span,
                    format!(
                        "triggers `{}` and `{}` have the same title",
                        first.key.value, trigger.key.value
                    ),
                )
                .with_secondary(first.title.span, "same title here")
                .with_help(
                    "adoption by title cannot tell them apart: pin both in the account's \
                     `trigger_ids`, or give each its own title",
                ),
            );
        }
    }
}

/// `trigger_ids`, `previously` and `released_triggers` must name each trigger once.
fn trigger_identity(account: &ResolvedAccount, out: &mut Vec<Diagnostic>) {
    let triggers = account.triggers();
    let declared = |key: &str| triggers.iter().find(|t| t.key.value.as_str() == key);
    let entries = &account.trigger_ids.entries;
    for (i, (key, id)) in entries.iter().enumerate() {
        if declared(key.value.as_str()).is_none() {
            let mut diagnostic = Diagnostic::error(
                Code::UnknownTriggerKey,
                key.span,
                format!(
                    "trigger_ids pins `{}`, which is not a managed trigger of this account",
                    key.value
                ),
            )
            .with_help("pin only keys listed under `triggers` (in any layer)");
            if let Some(best) = did_you_mean(
                key.value.as_str(),
                triggers.iter().map(|t| t.key.value.as_str()),
            ) {
                diagnostic = diagnostic.with_label(format!("did you mean `{best}`?"));
            }
            out.push(diagnostic);
        }
        if let Some((first, _)) = entries[..i]
            .iter()
            .find(|(_, other)| other.value == id.value)
        {
            out.push(
                Diagnostic::error(
                    Code::DuplicateTriggerId,
                    id.span,
                    format!(
                        "trigger {} is pinned to both `{}` and `{}`",
                        id.value, first.value, key.value
                    ),
                )
                .with_secondary(first.span, "pinned here first")
                .with_help("one Zendesk trigger can be one managed trigger only"),
            );
        }
    }
    for released in account.released_triggers() {
        if let Some(spec) = declared(released.value.as_str()) {
            out.push(
                Diagnostic::error(
                    Code::IdentityConflict,
                    released.span,
                    format!(
                        "trigger `{}` is both managed and released",
                        released.value
                    ),
                )
                .with_secondary(spec.key.span, "managed here")
                .with_help("remove it from `triggers` to release it, or from `released_triggers` to keep managing it"),
            );
        }
    }
    let mut claimed: Vec<&Located<TriggerKey>> = Vec::new();
    for spec in triggers {
        for old in &spec.previously {
            let why = if let Some(other) = declared(old.value.as_str()) {
                Some((other.key.span, "a managed trigger has this key"))
            } else if let Some(first) = claimed.iter().find(|c| c.value == old.value) {
                Some((first.span, "also listed here"))
            } else {
                account
                    .released_triggers()
                    .iter()
                    .find(|r| r.value == old.value)
                    .map(|r| (r.span, "released here"))
            };
            if let Some((span, label)) = why {
                out.push(
                    Diagnostic::error(
                        Code::IdentityConflict,
                        old.span,
                        format!(
                            "`{}` cannot be a previous key of `{}`: it is in use",
                            old.value, spec.key.value
                        ),
                    )
                    .with_secondary(span, label)
                    .with_help(
                        "a previous key names a trigger's old key, which no other trigger may use",
                    ),
                );
            }
            claimed.push(old);
        }
    }
}

/// Merges identical findings (same rule, same place) from several accounts into one.
fn merge_across_accounts(findings: Vec<Finding>) -> Vec<Diagnostic> {
    type SamePlace = (Code, Option<Span>, String);
    let mut merged: BTreeMap<SamePlace, (Diagnostic, Vec<String>)> = BTreeMap::new();
    for finding in findings {
        let key = (
            finding.diagnostic.code,
            finding.diagnostic.primary.as_ref().map(|l| l.span),
            finding.diagnostic.message.clone(),
        );
        merged
            .entry(key)
            .or_insert_with(|| (finding.diagnostic, Vec::new()))
            .1
            .push(finding.account);
    }
    merged
        .into_values()
        .map(|(mut diagnostic, accounts)| {
            let noun = if accounts.len() == 1 {
                "account"
            } else {
                "accounts"
            };
            diagnostic.message = format!("{} ({noun} {})", diagnostic.message, accounts.join(", "));
            diagnostic
        })
        .collect()
}

fn unused_groups(
    accounts: &[ResolvedAccount],
    groups: &[(&Located<GroupName>, &Layer)],
    out: &mut Vec<Diagnostic>,
) {
    for (name, _) in groups {
        let used = accounts
            .iter()
            .any(|a| a.groups.iter().any(|g| g.value == name.value));
        if !used {
            out.push(
                Diagnostic::warning(
                    Code::UnusedGroup,
                    name.span,
                    format!("group `{}` is not used by any account", name.value),
                )
                .with_help("list it in an account's `groups`, or remove it"),
            );
        }
    }
}

fn duplicate_subdomains(accounts: &[ResolvedAccount], out: &mut Vec<Diagnostic>) {
    for (i, account) in accounts.iter().enumerate() {
        if let Some(first) = accounts[..i]
            .iter()
            .find(|a| a.subdomain.value == account.subdomain.value)
        {
            out.push(
                Diagnostic::error(
                    Code::DuplicateSubdomain,
                    account.subdomain.span,
                    format!(
                        "accounts `{}` and `{}` both manage subdomain `{}`",
                        first.name.value, account.name.value, account.subdomain.value
                    ),
                )
                .with_label("managed again here")
                .with_secondary(first.subdomain.span, "first managed here")
                .with_help(
                    "two policies for one Zendesk account would fight; merge them into one account",
                ),
            );
        }
    }
}

/// API tokens are on their way out: since 2026-10-27 no Zendesk account can create one, a
/// token unused for 30 days is deactivated, and on 2027-04-30 every one stops working
/// ("Migrating from API tokens to OAuth", developer.zendesk.com).
fn api_token_retiring(account: &ResolvedAccount, out: &mut Vec<Diagnostic>) {
    let Some(Credentials::ApiToken { api_token, .. }) = &account.credentials else {
        return;
    };
    out.push(
        Diagnostic::warning(
            Code::ApiTokenRetiring,
            api_token.span,
            "these credentials are an API token: Zendesk turns every API token off on 2027-04-30",
        )
        .with_label("API token used here")
        .with_help(
            "no account can create API tokens since 2026-10-27, and one unused for 30 days is deactivated; \
             people: run `zdpolicy login` and remove `credentials` (or write `credentials: { login: true }`); \
             CI: use an OAuth client (`client_id` with `client_secret: env:NAME`)",
        ),
    );
}

#[cfg(test)]
mod tests {
    use crate::policy::load::load_texts;

    fn codes(text: &str) -> Vec<&'static str> {
        load_texts(&[("p.yaml", text)])
            .diagnostics
            .iter()
            .map(|d| d.code.name())
            .collect()
    }

    #[test]
    fn unknown_group_suggests_the_closest() {
        let policy = load_texts(&[(
            "p.yaml",
            "version: 1\ngroups:\n  europe: {}\naccounts:\n  a: { subdomain: a, groups: [europa] }\n",
        )]);
        let names: Vec<_> = policy.diagnostics.iter().map(|d| d.code.name()).collect();
        assert_eq!(names, ["unused-group", "unknown-group"]);
        assert_eq!(
            policy.diagnostics[1].primary.as_ref().unwrap().message,
            "did you mean `europe`?"
        );
    }

    #[test]
    fn repeated_group_warns() {
        assert_eq!(
            codes(
                "version: 1\ngroups:\n  eu: {}\naccounts:\n  a: { subdomain: a, groups: [eu, eu] }\n"
            ),
            ["repeated-group"]
        );
    }

    #[test]
    fn end_users_ending_sessions_needs_sunshine() {
        assert_eq!(
            codes(
                "version: 1\naccounts:\n  a:\n    subdomain: a\n    messaging: { end_users_can_end_sessions: true }\n"
            ),
            ["sunshine-conversations-required"]
        );
        assert!(codes(
            "version: 1\naccounts:\n  a:\n    subdomain: a\n    sunshine_conversations: { app_id: x, key_id: env:K, key_secret: env:S }\n    messaging: { end_users_can_end_sessions: true }\n"
        )
        .is_empty());
    }

    #[test]
    fn routing_without_agent_end_warns() {
        assert_eq!(
            codes(
                "version: 1\naccounts:\n  a:\n    subdomain: a\n    messaging: { agents_can_end_sessions: false, agent_ended_sessions_route_as: email }\n"
            ),
            ["ineffective-setting"]
        );
    }

    #[test]
    fn survey_without_agent_end_warns_once_for_all_accounts() {
        let policy = load_texts(&[(
            "p.yaml",
            "version: 1\ndefaults:\n  messaging: { agents_can_end_sessions: false }\n  csat: { survey_on_session_end: true }\naccounts:\n  a: { subdomain: a, credentials: { oauth_token: env:A } }\n  b: { subdomain: b, credentials: { oauth_token: env:B } }\n",
        )]);
        assert_eq!(policy.diagnostics.len(), 1, "{:?}", policy.diagnostics);
        assert_eq!(policy.diagnostics[0].code.name(), "survey-needs-agent-end");
        assert!(policy.diagnostics[0].message.ends_with("(accounts a, b)"));
    }

    #[test]
    fn an_account_can_override_a_warning_away() {
        assert!(codes(
            "version: 1\ndefaults:\n  messaging: { agents_can_end_sessions: false }\naccounts:\n  a:\n    subdomain: a\n    messaging: { agents_can_end_sessions: true }\n    csat: { survey_on_session_end: true }\n"
        )
        .is_empty());
    }

    #[test]
    fn end_session_under_both_names_must_agree() {
        let policy = |new: bool| {
            format!(
                "version: 1\ndefaults:\n  messaging: {{ end_session_after_inactivity: true }}\naccounts:\n  a:\n    subdomain: a\n    messaging: {{ inactivity: {{ end_session: {new} }} }}\n"
            )
        };
        assert_eq!(codes(&policy(false)), ["conflicting-setting"]);
        assert!(codes(&policy(true)).is_empty());
    }

    #[test]
    fn two_accounts_with_one_subdomain() {
        assert_eq!(
            codes(
                "version: 1\naccounts:\n  a: { subdomain: x, credentials: { oauth_token: env:A } }\n  b: { subdomain: x, credentials: { oauth_token: env:B } }\n"
            ),
            ["duplicate-subdomain"]
        );
    }

    /// Accounts without credentials use the sign-in of `zdpolicy login`, however many there are.
    #[test]
    fn several_accounts_may_rely_on_sign_ins() {
        assert!(
            codes(
                "version: 1\naccounts:\n  a: { subdomain: a }\n  b: { subdomain: b, credentials: { login: true } }\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn api_tokens_warn_at_the_token() {
        let policy = load_texts(&[(
            "p.yaml",
            "version: 1\naccounts:\n  a:\n    subdomain: a\n    credentials: { email: a@b.test, api_token: env:T }\n",
        )]);
        let [diagnostic] = policy.diagnostics.as_slice() else {
            panic!("one diagnostic: {:?}", policy.diagnostics);
        };
        assert_eq!(diagnostic.code.name(), "api-token-retiring");
        assert!(!diagnostic.is_error());
        assert!(
            diagnostic.message.contains("2027-04-30"),
            "{}",
            diagnostic.message
        );
        let at = diagnostic
            .primary
            .as_ref()
            .map_or(usize::MAX, |l| l.span.start);
        let text = "version: 1\naccounts:\n  a:\n    subdomain: a\n    credentials: { email: a@b.test, api_token: env:T }\n";
        assert!(
            text[at..].starts_with("env:T"),
            "located at the token: {}",
            &text[at..]
        );
    }

    #[test]
    fn duplicate_titles_warn() {
        assert_eq!(
            codes(
                "version: 1\naccounts:\n  a:\n    subdomain: a\n    triggers:\n      - { key: x, title: T, actions: [ { field: status, value: open } ] }\n      - { key: y, title: T, actions: [ { field: status, value: open } ] }\n"
            ),
            ["duplicate-trigger-title"]
        );
    }
}
