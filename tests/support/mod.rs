//! Setup shared by the integration tests that run the binary or a simulator: the binary in a
//! clean environment, the multi-account example in a temporary directory, and simulator
//! accounts whose admin holds known credentials.
#![allow(dead_code)] // Each test binary uses a different part of this module.

use std::path::Path;

use assert_cmd::Command;
use zdpolicy::simulator::{AccountSeed, OAuthClientSeed, OAuthTokenSeed, Role};

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
