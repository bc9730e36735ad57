//! Generators of valid policy files for property tests.

#![allow(dead_code)]

use proptest::prelude::*;

/// The line of every generated policy that names its credentials.
pub const CREDENTIALS_LINE: &str = "    credentials: { oauth_token: \"env:PROPERTY_UNUSED\" }\n";

/// One trigger condition, in flow style.
pub fn condition() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("{ field: status, operator: is, value: new }".to_owned()),
        Just("{ field: status, operator: less_than, value: solved }".to_owned()),
        Just("{ field: priority, operator: is, value: high }".to_owned()),
        Just("{ field: current_tags, operator: includes, value: vip }".to_owned()),
        Just("{ field: current_tags, operator: not_includes, value: [spam, bot] }".to_owned()),
        Just("{ field: via_id, operator: is, value: 75 }".to_owned()),
        Just("{ field: via_id, operator: is, value: \"75\" }".to_owned()),
        Just("{ field: group_id, operator: is, value: \"360001234567\" }".to_owned()),
        Just("{ field: assignee_id, operator: changed }".to_owned()),
    ]
}

/// One trigger action, in flow style.
pub fn action() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("{ field: priority, value: urgent }".to_owned()),
        Just("{ field: status, value: open }".to_owned()),
        Just("{ field: set_tags, value: escalated }".to_owned()),
        Just("{ field: group_id, value: \"360001234567\" }".to_owned()),
        Just(
            "{ field: notification_group, value: [group_id, \"Subject\", \"Body {{ticket.id}}\"] }"
                .to_owned()
        ),
    ]
}

/// One trigger of the `triggers:` list, keyed `t{index}`.
pub fn trigger(index: usize) -> impl Strategy<Value = String> {
    (
        proptest::option::of(prop_oneof![Just("Routing"), Just("Escalations")]),
        any::<bool>(),
        proptest::collection::vec(condition(), 0..3),
        proptest::collection::vec(condition(), 0..2),
        proptest::collection::vec(action(), 1..3),
        proptest::option::of("[A-Za-z ]{1,20}"),
    )
        .prop_map(move |(category, active, all, any, actions, description)| {
            let mut text = format!("      - key: t{index}\n        title: Generated trigger {index}\n");
            if let Some(category) = category {
                text.push_str(&format!("        category: {category}\n"));
            }
            if let Some(description) = description {
                text.push_str(&format!("        description: \"{description}\"\n"));
            }
            text.push_str(&format!(
                "        active: {active}\n        conditions:\n          all: [{}]\n          any: [{}]\n        actions: [{}]\n",
                all.join(", "),
                any.join(", "),
                actions.join(", ")
            ));
            text
        })
}

/// A valid one-account policy (`acme`) whose credentials are the reference
/// `env:PROPERTY_UNUSED`, with optional messaging and CSAT settings and up to three triggers.
pub fn policy() -> impl Strategy<Value = String> {
    (
        proptest::option::of(any::<bool>()),
        proptest::option::of(any::<bool>()),
        proptest::collection::vec(any::<u8>(), 0..4),
    )
        .prop_flat_map(|(inactivity, survey, triggers)| {
            let triggers: Vec<_> = (0..triggers.len()).map(trigger).collect();
            (Just(inactivity), Just(survey), triggers)
        })
        .prop_map(|(inactivity, survey, triggers)| {
            let mut text = format!(
                "version: 1\naccounts:\n  acme:\n    subdomain: acme\n{CREDENTIALS_LINE}    safety: {{ max_changed_percent: 100 }}\n"
            );
            if let Some(end) = inactivity {
                text.push_str(&format!("    messaging: {{ end_session_after_inactivity: {end} }}\n"));
            }
            if let Some(survey) = survey {
                text.push_str(&format!("    csat: {{ survey_on_session_end: {survey} }}\n"));
            }
            if !triggers.is_empty() {
                text.push_str("    triggers:\n");
                text.push_str(&triggers.concat());
            }
            text
        })
}
