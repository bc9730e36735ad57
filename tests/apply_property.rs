//! Property: for generated policies, apply over HTTP (against the simulator) and the next plan
//! is empty. The pure planner's own property test checks the same with an in-memory apply;
//! this one goes through the real client, writes and Zendesk-shaped answers.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use proptest::prelude::*;
use zdpolicy::apply::{ApplyOptions, apply};
use zdpolicy::plan::{Plan, has_changes};
use zdpolicy::policy::resolve::ResolvedAccount;
use zdpolicy::policy::{load_sources, source::SourceMap};
use zdpolicy::refresh::read_and_plan;
use zdpolicy::simulator::{AccountSeed, OAuthTokenSeed, Role, Simulator, SimulatorConfig};
use zdpolicy::zendesk::client::base_url::BaseUrlTemplate;
use zdpolicy::zendesk::client::{Client, ClientConfig};

const TOKEN: &str = "property-token";

fn condition() -> impl Strategy<Value = String> {
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

fn action() -> impl Strategy<Value = String> {
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

fn trigger(index: usize) -> impl Strategy<Value = String> {
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

fn policy() -> impl Strategy<Value = String> {
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
            let mut text = String::from("version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: { oauth_token: \"env:PROPERTY_UNUSED\" }\n    safety: { max_changed_percent: 100 }\n");
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

fn accounts(text: &str, token_file: &std::path::Path) -> Vec<ResolvedAccount> {
    let text = text.replace(
        "env:PROPERTY_UNUSED",
        &format!("file:{}", token_file.display()),
    );
    let mut sources = SourceMap::new();
    sources.add("generated.yaml", text);
    let policy = load_sources("generated".into(), sources);
    assert!(!policy.has_errors(), "{:#?}", policy.diagnostics);
    policy.accounts
}

async fn plan_now(client: &Client, accounts: &[ResolvedAccount]) -> Plan {
    read_and_plan(client, accounts, &|_| {}).await
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn apply_then_plan_is_empty_over_http(text in policy()) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async {
            let mut seed = AccountSeed::new("acme");
            seed.credentials.oauth_tokens.push(OAuthTokenSeed {
                token: TOKEN.into(),
                role: Role::Admin,
                scopes: vec!["read".into(), "write".into()],
            });
            let sim = Simulator::start(SimulatorConfig { accounts: vec![seed], ..SimulatorConfig::ephemeral() }).await.unwrap();
            let dir = tempfile::tempdir().unwrap();
            let token = dir.path().join("token");
            std::fs::write(&token, TOKEN).unwrap();
            let accounts = accounts(&text, &token);
            let client = Client::new(ClientConfig {
                base_url: BaseUrlTemplate::parse(&sim.url_template()).unwrap(),
                request_timeout: Duration::from_secs(5),
                ..ClientConfig::default()
            })
            .unwrap();
            let first = plan_now(&client, &accounts).await;
            assert!(!first.has_errors(), "{text}\n{:#?}", first.accounts[0].diagnostics);
            let report = apply(&client, &first, &accounts, ApplyOptions::default(), &AtomicBool::new(false)).await.expect("the plan was just made");
            assert!(report.succeeded(), "{text}\n{}", report.summary());
            let second = plan_now(&client, &accounts).await;
            let leftover: Vec<String> = second.accounts[0]
                .changes
                .iter()
                .filter(|c| c.is_pending())
                .map(|c| format!("{} {:?} {:?}", c.address, c.action, c.fields))
                .collect();
            assert!(!has_changes(&second) && !second.has_errors(), "{text}\nleft: {leftover:#?}");
            sim.shutdown().await.unwrap();
        });
    }
}
