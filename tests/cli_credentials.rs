//! Credential references as `plan` resolves them against a simulated Zendesk (#12, #11 audit):
//! each distinct reference once per run, `cmd:` under a timeout, and failures said once, in
//! plain words, naming the reference.

use std::path::Path;

use assert_cmd::Command;
use zdpolicy::simulator::{
    AccountSeed, OAuthTokenSeed, Role, RunningSimulator, Simulator, SimulatorConfig,
};

const TOKEN: &str = "shared-token-5f4e3d2c1b";

async fn simulator(names: &[&str]) -> RunningSimulator {
    let accounts = names
        .iter()
        .map(|name| {
            let mut seed = AccountSeed::new(*name);
            seed.credentials.oauth_tokens.push(OAuthTokenSeed {
                token: TOKEN.into(),
                role: Role::Admin,
                scopes: vec!["read".into(), "write".into()],
            });
            seed
        })
        .collect();
    Simulator::start(SimulatorConfig {
        accounts,
        ..SimulatorConfig::ephemeral()
    })
    .await
    .unwrap()
}

/// A policy of these accounts, each with `oauth_token: <reference>`.
fn write_policy(dir: &Path, accounts: &[(&str, &str)]) {
    let mut text = String::from("version: 1\naccounts:\n");
    for (name, reference) in accounts {
        text.push_str(&format!(
            "  {name}:\n    subdomain: {name}\n    credentials: {{ oauth_token: \"{reference}\" }}\n"
        ));
    }
    std::fs::write(dir.join("zdpolicy.yaml"), text).unwrap();
}

/// `plan` as a trusted job runs it: `file:` and `cmd:` references allowed.
fn plan(dir: &Path, sim: &RunningSimulator, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["--allow-credential-commands"];
    args.extend_from_slice(extra);
    plan_untrusted(dir, sim, &args)
}

/// `plan` as a pull-request job runs it: only `env:` references allowed.
fn plan_untrusted(dir: &Path, sim: &RunningSimulator, extra: &[&str]) -> (Option<i32>, String) {
    let output = Command::cargo_bin("zdpolicy")
        .unwrap()
        .current_dir(dir)
        .env_remove("ZDPOLICY_API_URL")
        .env_remove("NO_COLOR")
        .env_remove("ZDPOLICY_ALLOW_CREDENTIAL_COMMANDS")
        .args(["--color", "never", "plan", "--api-url", &sim.url_template()])
        .args(extra)
        .output()
        .unwrap();
    let mut text = String::from_utf8(output.stdout).unwrap();
    text.push_str(&String::from_utf8(output.stderr).unwrap());
    // Headers name the simulator's address, whose port changes from run to run.
    let host = sim.base_url().replace("http://", "");
    (output.status.code(), text.replace(&host, "[SIM]"))
}

/// Three accounts share one `cmd:`; it runs once, not once per account.
#[tokio::test(flavor = "multi_thread")]
async fn a_shared_command_runs_once_per_run() {
    let sim = simulator(&["acme", "globex", "initech"]).await;
    let dir = tempfile::tempdir().unwrap();
    let reference = format!("cmd:sh -c 'echo run >> runs.txt; echo {TOKEN}'");
    write_policy(
        dir.path(),
        &[
            ("acme", &reference),
            ("globex", &reference),
            ("initech", &reference),
        ],
    );
    let (code, out) = plan(dir.path(), &sim, &[]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("runs.txt")).unwrap(),
        "run\n"
    );
    assert!(!out.contains(TOKEN), "{out}");
    sim.shutdown().await.unwrap();
}

/// Regression (#12): `cmd:sleep 1000` hung `plan` forever with no message.
#[tokio::test(flavor = "multi_thread")]
async fn a_slow_command_times_out_and_is_named() {
    let sim = simulator(&["acme"]).await;
    let dir = tempfile::tempdir().unwrap();
    write_policy(dir.path(), &[("acme", "cmd:sleep 5")]);
    let (code, out) = plan(dir.path(), &sim, &["--credential-timeout", "1"]);
    assert_eq!(code, Some(1), "{out}");
    insta::assert_snapshot!("credential_timeout", out);
    sim.shutdown().await.unwrap();
}

/// Regression (#12): failures were said twice ("the command failed: …: the command failed: …")
/// and a missing file was "entity not found".
#[tokio::test(flavor = "multi_thread")]
async fn credential_failures_are_said_once_in_plain_words() {
    let sim = simulator(&["acme", "globex"]).await;
    let dir = tempfile::tempdir().unwrap();
    write_policy(
        dir.path(),
        &[
            ("acme", "file:missing-token"),
            ("globex", "cmd:sh -c 'echo not signed in >&2; exit 3'"),
        ],
    );
    let (code, out) = plan(dir.path(), &sim, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(out.matches("cannot read the file").count(), 1, "{out}");
    assert_eq!(out.matches("the command failed").count(), 1, "{out}");
    insta::assert_snapshot!("credential_failures", out);
    sim.shutdown().await.unwrap();
}

/// A pull request that adds a `cmd:` or `file:` credential must not run or read it: the run
/// stops before resolving anything, says where the reference is and how to allow it.
#[tokio::test(flavor = "multi_thread")]
async fn commands_and_files_are_refused_unless_allowed_from_outside_the_policy() {
    let sim = simulator(&["acme", "globex"]).await;
    let dir = tempfile::tempdir().unwrap();
    write_policy(
        dir.path(),
        &[
            ("acme", "cmd:sh -c 'echo run >> runs.txt; echo token'"),
            ("globex", "file:/etc/hostname"),
        ],
    );
    let (code, out) = plan_untrusted(dir.path(), &sim, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(!dir.path().join("runs.txt").exists(), "the command ran");
    assert!(out.contains("credential-commands-not-allowed"), "{out}");
    assert!(
        out.contains("zdpolicy.yaml:5:33: account `acme`: `cmd:sh -c 'echo run >> runs.txt; echo token'` would run a command"),
        "{out}"
    );
    assert!(
        out.contains("account `globex`: `file:/etc/hostname` would read a file"),
        "{out}"
    );
    assert!(
        out.contains("ZDPOLICY_ALLOW_CREDENTIAL_COMMANDS=1"),
        "{out}"
    );
}

/// The allowance README documents for CI, `ZDPOLICY_ALLOW_CREDENTIAL_COMMANDS=1`, works as the
/// flag does (a `cmd:` reference runs once and the plan reads the account).
#[tokio::test(flavor = "multi_thread")]
async fn the_environment_variable_allows_commands_as_the_flag_does() {
    let sim = simulator(&["acme"]).await;
    let dir = tempfile::tempdir().unwrap();
    write_policy(
        dir.path(),
        &[(
            "acme",
            &format!("cmd:sh -c 'echo run >> runs.txt; echo {TOKEN}'"),
        )],
    );
    let output = Command::cargo_bin("zdpolicy")
        .unwrap()
        .current_dir(dir.path())
        .env_remove("ZDPOLICY_API_URL")
        .env("ZDPOLICY_ALLOW_CREDENTIAL_COMMANDS", "1")
        .args(["--color", "never", "plan", "--api-url", &sim.url_template()])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{out}");
    let runs = std::fs::read_to_string(dir.path().join("runs.txt")).unwrap();
    assert_eq!(runs.lines().count(), 1);
    sim.shutdown().await.unwrap();
}
