//! Rules about accounts and what they name: groups that do not exist, are listed twice or
//! are used by no account, two accounts managing one subdomain, and credentials that are
//! about to stop working.

use super::super::decode::did_you_mean;
use super::super::diagnostic::{Code, Diagnostic};
use super::super::model::{Credentials, GroupName, Layer, Located};
use super::super::resolve::ResolvedAccount;

pub(super) fn unknown_and_repeated_groups(
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

pub(super) fn unused_groups(
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

pub(super) fn duplicate_subdomains(accounts: &[ResolvedAccount], out: &mut Vec<Diagnostic>) {
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
pub(super) fn api_token_retiring(account: &ResolvedAccount, out: &mut Vec<Diagnostic>) {
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
    use super::super::tests::codes;
    use crate::policy::load::load_texts;

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
}
