//! Reading live state over real HTTP from the in-process simulator: request counts, pagination,
//! auth, and the documented behaviour for 401/403/404/429/503 and dropped connections.

use std::path::Path;
use std::time::Duration;

use serde_json::json;
use zdpolicy::policy::{Policy, load_sources, source::SourceMap};
use zdpolicy::read_plan::{read_accounts, read_live_state};
use zdpolicy::simulator::{
    AccountSeed, ApiTokenSeed, FaultConfig, OAuthClientSeed, Role, RunningSimulator, Simulator,
    SimulatorConfig, SunshineSeed, TriggerSeed,
};
use zdpolicy::zendesk::client::base_url::BaseUrlTemplate;
use zdpolicy::zendesk::client::error::ZendeskError;
use zdpolicy::zendesk::client::{Client, ClientConfig};

mod support;

const TOKEN: &str = "sim-oauth-token-7f3a9c";

fn seed(subdomain: &str) -> AccountSeed {
    support::admin_seed(subdomain, TOKEN)
}

fn with_triggers(mut seed: AccountSeed, count: usize) -> AccountSeed {
    for i in 0..count {
        let trigger = json!({
            "title": format!("Extra trigger {i:03}"),
            "conditions": {"all": [{"field": "status", "operator": "is", "value": "new"}], "any": []},
            "actions": [{"field": "priority", "value": "high"}]
        });
        seed.triggers.push(TriggerSeed {
            category: None,
            trigger: trigger.as_object().unwrap().clone(),
        });
    }
    seed
}

async fn simulator(accounts: Vec<AccountSeed>) -> RunningSimulator {
    let sim = Simulator::start(SimulatorConfig::ephemeral())
        .await
        .unwrap();
    for account in accounts {
        sim.handle().add_account(account).unwrap();
    }
    sim
}

/// A policy with the given accounts (name = subdomain), credentials read from a file.
fn policy(dir: &Path, accounts: &[&str], credentials: &str) -> Policy {
    let token = dir.join("token");
    std::fs::write(&token, format!("{TOKEN}\n")).unwrap();
    let mut text = String::from("version: 1\naccounts:\n");
    for account in accounts {
        let credentials = credentials.replace("TOKEN_FILE", &token.display().to_string());
        text.push_str(&format!(
            "  {account}:\n    subdomain: {account}\n    credentials: {credentials}\n"
        ));
    }
    let mut sources = SourceMap::new();
    sources.add("test.yaml", text);
    let policy = load_sources("test".into(), sources);
    assert!(!policy.has_errors(), "{:?}", policy.diagnostics);
    policy
}

fn client(sim: &RunningSimulator, parallelism: usize) -> Client {
    Client::new(ClientConfig {
        // The credentials are `file:`/`cmd:` references, which the test (not a policy author) allows.
        allow_credential_commands: true,
        base_url: BaseUrlTemplate::parse(&sim.url_template()).unwrap(),
        parallelism,
        request_timeout: Duration::from_secs(5),
        retry_budget: Duration::from_secs(20),
        ..ClientConfig::default()
    })
    .unwrap()
}

const OAUTH: &str = "{ oauth_token: \"file:TOKEN_FILE\" }";

#[tokio::test]
async fn an_account_with_few_triggers_costs_four_requests() {
    let sim = simulator(vec![seed("acme")]).await;
    let dir = tempfile::tempdir().unwrap();
    let policy = policy(dir.path(), &["acme"], OAUTH);
    let api = client(&sim, 8).account(&policy.accounts[0]).await.unwrap();
    let live = read_live_state(&api).await.unwrap();
    assert!(
        live.triggers
            .iter()
            .any(|t| t.title == "Request customer satisfaction rating (messaging)")
    );
    assert!(live.end_session_after_inactivity().is_some());
    assert!(live.sunshine.is_none());
    // triggers, categories, definitions, settings (no Sunshine app configured).
    assert_eq!(sim.handle().stats().account("acme").requests, 4);
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn many_triggers_are_paged_by_cursor_not_fetched_one_by_one() {
    let sim = simulator(vec![with_triggers(seed("acme"), 150)]).await;
    let dir = tempfile::tempdir().unwrap();
    let policy = policy(dir.path(), &["acme"], OAUTH);
    let api = client(&sim, 8).account(&policy.accounts[0]).await.unwrap();
    let live = read_live_state(&api).await.unwrap();
    assert!(live.triggers.len() >= 150);
    let stats = sim.handle().stats().account("acme");
    assert_eq!(stats.endpoint("GET /api/v2/triggers"), 2, "{stats:?}");
    assert_eq!(stats.requests, 5);
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn two_hundred_accounts_under_rate_limits_all_succeed_within_six_requests_each() {
    let names: Vec<String> = (0..200).map(|i| format!("acct{i:03}")).collect();
    let sim = simulator(names.iter().map(|n| with_triggers(seed(n), 150)).collect()).await;
    let dir = tempfile::tempdir().unwrap();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let policy = policy(dir.path(), &refs, OAUTH);
    let client = client(&sim, 16);
    let reads = read_accounts(&client, &policy.accounts, &|_| {}).await;
    assert_eq!(reads.len(), 200);
    let stats = sim.handle().stats();
    for read in &reads {
        assert!(
            read.result.is_ok(),
            "{}: {:?}",
            read.account,
            read.result.as_ref().err()
        );
        let requests = stats.account(&read.account).requests;
        assert!(requests <= 6, "{}: {requests} requests", read.account);
    }
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn wrong_credentials_name_their_source() {
    let sim = simulator(vec![seed("acme")]).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad"), "not-the-token").unwrap();
    let bad = format!(
        "{{ oauth_token: \"file:{}\" }}",
        dir.path().join("bad").display()
    );
    let policy = policy(dir.path(), &["acme"], &bad);
    let api = client(&sim, 8).account(&policy.accounts[0]).await.unwrap();
    let err = read_live_state(&api).await.unwrap_err();
    assert!(matches!(err, ZendeskError::Unauthorized { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "acme: Zendesk rejected the credentials from file:{} (401)",
            dir.path().join("bad").display()
        )
    );
    assert!(!err.to_string().contains("not-the-token"));
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_agent_token_is_forbidden_and_says_an_admin_is_needed() {
    let mut account = AccountSeed::new("acme");
    account.credentials.api_tokens.push(ApiTokenSeed {
        email: "agent@acme.example".into(),
        token: TOKEN.into(),
        role: Role::Agent,
    });
    let sim = simulator(vec![account]).await;
    let dir = tempfile::tempdir().unwrap();
    let policy = policy(
        dir.path(),
        &["acme"],
        "{ email: agent@acme.example, api_token: \"file:TOKEN_FILE\" }",
    );
    let api = client(&sim, 8).account(&policy.accounts[0]).await.unwrap();
    // Agents may read (Zendesk lets agents GET account settings and triggers)...
    read_live_state(&api).await.unwrap();
    // ...but a write answers 403, which names what is needed.
    let err = api
        .send(
            reqwest::Method::PUT,
            zdpolicy::zendesk::client::Api::Support,
            "/api/v2/account/settings",
            Some(&json!({"settings": {"messaging_inactivity": {"end_session": true}}})),
            zdpolicy::zendesk::client::Target {
                object: "account settings",
                account_wide: true,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ZendeskError::Forbidden { .. }), "{err:?}");
    assert!(err.to_string().contains("must be a Zendesk admin"), "{err}");
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_unknown_subdomain_says_to_check_it() {
    let sim = simulator(vec![seed("acme")]).await;
    let dir = tempfile::tempdir().unwrap();
    let policy = policy(dir.path(), &["acme-typo"], OAUTH);
    let api = client(&sim, 8).account(&policy.accounts[0]).await.unwrap();
    let err = read_live_state(&api).await.unwrap_err();
    assert!(
        matches!(err, ZendeskError::AccountNotFound { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("check the subdomain `acme-typo`"),
        "{err}"
    );
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn rate_limited_reads_wait_for_retry_after_and_succeed() {
    let config = SimulatorConfig {
        rate_limit_window: Duration::from_secs(1),
        ..SimulatorConfig::ephemeral()
    };
    let sim = Simulator::start(config).await.unwrap();
    sim.handle()
        .add_account(with_triggers(seed("acme"), 250))
        .unwrap();
    sim.handle().set_rate_limit("acme", Some(3)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let policy = policy(dir.path(), &["acme"], OAUTH);
    let api = client(&sim, 8).account(&policy.accounts[0]).await.unwrap();
    let live = read_live_state(&api).await.unwrap();
    assert!(live.triggers.len() >= 250);
    let stats = sim.handle().stats().account("acme");
    assert!(
        stats.by_status.get("429").copied().unwrap_or(0) > 0,
        "{stats:?}"
    );
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn server_errors_and_dropped_connections_are_retried_for_reads() {
    let sim = simulator(vec![with_triggers(seed("acme"), 120)]).await;
    sim.handle().set_faults(FaultConfig {
        error_rate: 0.3,
        drop_rate: 0.2,
        seed: 7,
        retry_after_secs: 0,
        ..FaultConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let policy = policy(dir.path(), &["acme"], OAUTH);
    let api = client(&sim, 8).account(&policy.accounts[0]).await.unwrap();
    let live = read_live_state(&api).await.unwrap();
    assert!(live.triggers.len() >= 120);
    let stats = sim.handle().stats().account("acme");
    let faulted: u64 = ["500", "503", "dropped"]
        .iter()
        .filter_map(|k| stats.by_status.get(*k))
        .sum();
    assert!(faulted > 0, "the faults were exercised: {stats:?}");
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn oauth_client_credentials_get_a_token_first() {
    let mut account = AccountSeed::new("acme");
    account.credentials.oauth_clients.push(OAuthClientSeed {
        client_id: "zdpolicy".into(),
        client_secret: TOKEN.into(),
        role: Role::Admin,
    });
    let sim = simulator(vec![account]).await;
    let dir = tempfile::tempdir().unwrap();
    let policy = policy(
        dir.path(),
        &["acme"],
        "{ client_id: zdpolicy, client_secret: \"file:TOKEN_FILE\" }",
    );
    let api = client(&sim, 8).account(&policy.accounts[0]).await.unwrap();
    read_live_state(&api).await.unwrap();
    let stats = sim.handle().stats().account("acme");
    assert_eq!(
        stats.endpoint("POST /oauth/tokens"),
        1,
        "one token for all reads: {stats:?}"
    );
    sim.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_sunshine_app_is_read_with_its_own_key() {
    let mut account = seed("acme");
    account.sunshine_conversations = Some(SunshineSeed {
        app_id: "app123".into(),
        key_id: "key_1".into(),
        secret: TOKEN.into(),
        display_name: None,
        settings: serde_json::Map::new(),
    });
    let sim = simulator(vec![account]).await;
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, TOKEN).unwrap();
    let text = format!(
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: {{ oauth_token: \"file:{t}\" }}\n    sunshine_conversations: {{ app_id: app123, key_id: \"cmd:echo key_1\", key_secret: \"file:{t}\" }}\n",
        t = token.display()
    );
    let mut sources = SourceMap::new();
    sources.add("test.yaml", text);
    let policy = load_sources("test".into(), sources);
    let api = client(&sim, 8).account(&policy.accounts[0]).await.unwrap();
    let live = read_live_state(&api).await.unwrap();
    assert_eq!(live.end_users_can_end_sessions(), Some(false));
    assert_eq!(sim.handle().stats().account("acme").requests, 5);
    sim.shutdown().await.unwrap();
}
