//! Semantic rules: problems that only show once files are merged and accounts layered.
//!
//! Each rule looks at resolved accounts and reports at the place the offending value was
//! written. A value set in `defaults` or a group would otherwise be reported once per account
//! that inherits it; such findings are merged into one diagnostic that lists the accounts.
//! The rules live by what they look at: `accounts.rs` (groups, subdomains, credentials),
//! `messaging.rs` (the messaging settings), `triggers.rs` (managed triggers and order).

mod accounts;
mod messaging;
mod triggers;

use std::collections::BTreeMap;

use super::diagnostic::{Code, Diagnostic};
use super::model::{GroupName, Layer, Located};
use super::resolve::ResolvedAccount;
use super::source::Span;
use accounts::{
    api_token_retiring, duplicate_subdomains, unknown_and_repeated_groups, unused_groups,
};
use messaging::{
    end_session_twice, route_without_agent_end, sunshine_required, survey_without_agent_end,
};
use triggers::{duplicate_trigger_titles, order_settings, trigger_identity};

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
        order_settings(account, &mut found);
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

/// What the rules' tests share.
#[cfg(test)]
pub(super) mod tests {
    use crate::policy::load::load_texts;

    /// The codes of the diagnostics a policy of one file gets.
    pub(crate) fn codes(text: &str) -> Vec<&'static str> {
        load_texts(&[("p.yaml", text)])
            .diagnostics
            .iter()
            .map(|d| d.code.name())
            .collect()
    }
}
