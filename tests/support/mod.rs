//! Setup shared by the integration tests that run the binary or a simulator: the binary in a
//! clean environment, the multi-account example in a temporary directory, simulator accounts
//! whose admin holds known credentials, reading an account straight from the simulator over
//! HTTP, and checking how many requests each endpoint got.
#![allow(dead_code)] // Each test binary uses a different part of this module.

use std::path::Path;

use assert_cmd::Command;
use serde_json::{Value, json};
use zdpolicy::simulator::{
    AccountSeed, AccountStats, OAuthClientSeed, OAuthTokenSeed, Role, RunningSimulator,
};

/// The `zdpolicy` binary run in `dir`, with no Zendesk credentials, API URL or colour setting
/// taken from the environment that runs the tests.
pub fn zdpolicy(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("zdpolicy").unwrap();
    cmd.current_dir(dir)
        .env_remove("ZDPOLICY_API_URL")
        .env_remove("ZENDESK_OAUTH_TOKEN")
        .env_remove("ZENDESK_API_TOKEN")
        .env_remove("ZENDESK_EMAIL")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// [`zdpolicy`] as CI runs it: `CI=true` (never a prompt) and no colour.
pub fn zdpolicy_ci(dir: &Path) -> Command {
    let mut cmd = zdpolicy(dir);
    cmd.env("CI", "true").args(["--color", "never"]);
    cmd
}

/// [`zdpolicy`] against the simulator, as CI runs it (`CI=true`, `NO_COLOR`), with `token` in
/// the environment variable `token_env` for the policy's credentials to name.
pub fn zdpolicy_against(
    dir: &Path,
    sim: &RunningSimulator,
    token_env: &str,
    token: &str,
) -> Command {
    let mut cmd = zdpolicy(dir);
    cmd.env("CI", "true")
        .env("NO_COLOR", "1")
        .env("ZDPOLICY_API_URL", sim.url_template())
        .env(token_env, token);
    cmd
}

/// A temporary directory holding `examples/multi-account/zdpolicy.yaml` as `zdpolicy.yaml`.
pub fn multi_account_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/multi-account/zdpolicy.yaml");
    std::fs::copy(from, dir.path().join("zdpolicy.yaml")).unwrap();
    dir
}

/// A simulator account whose admin holds `token`, an OAuth token with the read and write
/// scopes.
pub fn admin_seed(subdomain: &str, token: &str) -> AccountSeed {
    let mut seed = AccountSeed::new(subdomain);
    seed.credentials.oauth_tokens.push(OAuthTokenSeed {
        token: token.into(),
        role: Role::Admin,
        scopes: vec!["read".into(), "write".into()],
    });
    seed
}

/// `seed` with an admin's confidential OAuth client `zdpolicy` whose secret is `secret`
/// (the client-credentials grant).
pub fn with_oauth_client(mut seed: AccountSeed, secret: &str) -> AccountSeed {
    seed.credentials.oauth_clients.push(OAuthClientSeed {
        client_id: "zdpolicy".into(),
        client_secret: secret.into(),
        role: Role::Admin,
    });
    seed
}

/// GETs `path` (with its query) of the account `subdomain` straight from the simulator, with
/// `token`, and reads the JSON answer.
pub async fn get_json(sim: &RunningSimulator, subdomain: &str, path: &str, token: &str) -> Value {
    get_url(&format!("{}{path}", sim.account_url(subdomain)), token).await
}

async fn get_url(url: &str, token: &str) -> Value {
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "GET {url}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

/// Every trigger of an account as the simulator serves it, in list order (every page).
pub async fn triggers(sim: &RunningSimulator, subdomain: &str, token: &str) -> Vec<Value> {
    let path = "/api/v2/triggers?page[size]=100";
    let mut page = get_json(sim, subdomain, path, token).await;
    let mut all = Vec::new();
    loop {
        all.extend(page["triggers"].as_array().unwrap().iter().cloned());
        let next = page["links"]["next"].as_str().map(str::to_owned);
        match next {
            Some(next) if page["meta"]["has_more"] == Value::Bool(true) => {
                page = get_url(&next, token).await;
            }
            _ => return all,
        }
    }
}

/// The account's triggers titled `title`, as the simulator serves them.
pub async fn triggers_titled(
    sim: &RunningSimulator,
    subdomain: &str,
    token: &str,
    title: &str,
) -> Vec<Value> {
    let all = triggers(sim, subdomain, token).await;
    all.into_iter().filter(|t| t["title"] == title).collect()
}

/// Asserts how many requests the account's endpoints got, each named as the simulator counts
/// them (`"POST /api/v2/triggers"`); the message shows every count.
pub fn assert_requests(account: &str, stats: &AccountStats, expected: &[(&str, u64)]) {
    for (endpoint, count) in expected {
        assert_eq!(
            stats.endpoint(endpoint),
            *count,
            "{account} {endpoint}: {stats:?}"
        );
    }
}

/// Someone edits, in Zendesk, the multi-account example's CSAT trigger (one the plan updates):
/// an action added by hand.
pub async fn edit_csat_trigger_in_zendesk(sim: &RunningSimulator, token: &str) {
    let title = "Request customer satisfaction rating (messaging)";
    let csat = triggers_titled(sim, "acme", token, title).await.remove(0);
    let id = csat["id"].as_u64().unwrap();
    let mut actions = csat["actions"].clone();
    actions
        .as_array_mut()
        .unwrap()
        .push(json!({"field": "set_tags", "value": "edited_by_hand"}));
    let put = reqwest::Client::new()
        .put(format!("{}/api/v2/triggers/{id}", sim.account_url("acme")))
        .bearer_auth(token)
        .json(&json!({"trigger": {"conditions": csat["conditions"], "actions": actions}}))
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "{}", put.status());
}

/// `text` with the simulator's port (new each run) replaced by `[PORT]`.
pub fn without_port(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("127.0.0.1:") {
        let (before, after) = rest.split_at(at + "127.0.0.1:".len());
        out.push_str(before);
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        out.push_str(if digits > 0 { "[PORT]" } else { "" });
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}
