//! Property: for generated policies, apply over HTTP (against the simulator) and the next plan
//! is empty. The pure planner's own property test checks the same with an in-memory apply;
//! this one goes through the real client, writes and Zendesk-shaped answers.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

mod policy_gen;

use policy_gen::policy;
use proptest::prelude::*;
use zdpolicy::apply::{ApplyOptions, apply};
use zdpolicy::plan::{Plan, has_changes};
use zdpolicy::policy::resolve::ResolvedAccount;
use zdpolicy::policy::{load_sources, source::SourceMap};
use zdpolicy::read_plan::read_and_plan;
use zdpolicy::simulator::{AccountSeed, OAuthTokenSeed, Role, Simulator, SimulatorConfig};
use zdpolicy::zendesk::client::base_url::BaseUrlTemplate;
use zdpolicy::zendesk::client::{Client, ClientConfig};

const TOKEN: &str = "property-token";

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
                // The credentials are `file:`/`cmd:` references, which the test (not a policy author) allows.
                allow_credential_commands: true,
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
