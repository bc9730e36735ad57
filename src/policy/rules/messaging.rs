//! Rules about the messaging settings: what they need of each other (agent-ended sessions
//! for routing and the CSAT survey, a Sunshine Conversations app for end users ending
//! sessions) and the setting written under two names.

use super::super::diagnostic::{Code, Diagnostic};
use super::super::resolve::ResolvedAccount;

pub(super) fn sunshine_required(account: &ResolvedAccount, out: &mut Vec<Diagnostic>) {
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

pub(super) fn route_without_agent_end(account: &ResolvedAccount, out: &mut Vec<Diagnostic>) {
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
pub(super) fn end_session_twice(account: &ResolvedAccount, out: &mut Vec<Diagnostic>) {
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

pub(super) fn survey_without_agent_end(account: &ResolvedAccount, out: &mut Vec<Diagnostic>) {
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

#[cfg(test)]
mod tests {
    use super::super::tests::codes;
    use crate::policy::load::load_texts;

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
}
