//! The edges careful users run into (#11, #12, #14): a closed standard output, selectors
//! that select nothing, each error's own code and help, and a simulator that stays on
//! loopback with its `/_sim` routes out of the sandbox client's reach.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use zdpolicy::simulator::sandbox::{LockOptions, Sandbox, SandboxAccount};
use zdpolicy::simulator::{AccountSeed, Simulator, SimulatorConfig};

mod support;

fn zdpolicy(dir: &Path) -> Command {
    let mut cmd = support::zdpolicy(dir);
    cmd.env("CI", "true").args(["--color", "never"]);
    cmd
}

fn workspace() -> tempfile::TempDir {
    support::multi_account_workspace()
}

fn failure(cmd: &mut Command) -> String {
    let output = cmd.output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    String::from_utf8(output.stderr).unwrap()
}

/// Runs zdpolicy with its standard output on a pipe whose reader is already closed.
fn with_closed_stdout(dir: &Path, args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    std::process::Command::new(assert_cmd::cargo::cargo_bin("zdpolicy"))
        .current_dir(dir)
        .env("CI", "true")
        .env("RUST_BACKTRACE", "1")
        .args(args)
        .stdout(writer)
        .output()
        .unwrap()
}

#[test]
fn every_printing_command_ends_quietly_on_a_closed_stdout() {
    let dir = workspace();
    zdpolicy(dir.path())
        .args(["plan", "--sandbox", "--out", "plan.json"])
        .assert()
        .success();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let examples = examples.to_str().unwrap();
    let commands: [&[&str]; 9] = [
        &["validate", examples],
        &["schema"],
        &["render", "--format", "json"],
        &["plan", "--sandbox"],
        &[
            "plan",
            "--sandbox",
            "--format",
            "json",
            "--detailed-exitcode",
        ],
        &["show", "plan.json"],
        &["export", "--sandbox"],
        &["--help"],
        &["plan", "--help"],
    ];
    for args in commands {
        let output = with_closed_stdout(dir.path(), args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(141), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("backtrace"),
            "{args:?}: {stderr}"
        );
        assert_eq!(stderr, "", "{args:?}");
    }
}

#[test]
fn selectors_that_select_nothing_are_errors_that_name_the_accounts() {
    let dir = workspace();
    let typo = failure(zdpolicy(dir.path()).args([
        "plan",
        "--sandbox",
        "--detailed-exitcode",
        "--account",
        "acme-prd",
    ]));
    insta::assert_snapshot!("select_plan_typo", typo);
    let excluded = failure(zdpolicy(dir.path()).args([
        "apply",
        "--sandbox",
        "--auto-approve",
        "--exclude",
        "*",
    ]));
    insta::assert_snapshot!("select_apply_exclude_all", excluded);
    let glob = failure(zdpolicy(dir.path()).args([
        "export",
        "--sandbox",
        "--account",
        "globex*",
        "--output",
        "out.yaml",
    ]));
    insta::assert_snapshot!("select_export_glob", glob);
    assert!(!dir.path().join("out.yaml").exists());
    assert!(
        !dir.path().join(".zdpolicy/sandbox.json").exists(),
        "nothing was started"
    );
}

#[test]
fn each_error_has_its_own_code_and_help() {
    let dir = workspace();
    let no_terminal = failure(zdpolicy(dir.path()).args(["apply", "--sandbox"]));
    insta::assert_snapshot!("error_no_terminal", no_terminal);

    zdpolicy(dir.path())
        .args(["plan", "--sandbox", "--out", "plan.json"])
        .assert()
        .success();
    let policy = std::fs::read_to_string(dir.path().join("zdpolicy.yaml")).unwrap();
    std::fs::write(
        dir.path().join("zdpolicy.yaml"),
        policy.replace("value: urgent", "value: high"),
    )
    .unwrap();
    let mismatch = failure(zdpolicy(dir.path()).args(["apply", "--sandbox", "plan.json"]));
    insta::assert_snapshot!("error_plan_policy_mismatch", mismatch);

    let subdomain = failure(zdpolicy(dir.path()).args([
        "export",
        "--sandbox",
        "--subdomain",
        "ACME.zendesk.com",
    ]));
    insta::assert_snapshot!("error_bad_subdomain", subdomain);

    let setting = failure(zdpolicy(dir.path()).args([
        "sandbox",
        "set",
        "acme",
        "agents-can-end-sessions",
        "maybe",
    ]));
    insta::assert_snapshot!("error_bad_setting_value", setting);

    for text in [&no_terminal, &mismatch, &subdomain, &setting] {
        assert!(!text.starts_with("argument"), "{text}");
    }
}

#[test]
fn the_simulator_refuses_addresses_other_machines_can_reach() {
    let dir = tempfile::tempdir().unwrap();
    let refused = failure(zdpolicy(dir.path()).args(["simulator", "--listen", "0.0.0.0:0"]));
    insta::assert_snapshot!("simulator_remote_listen", refused);
    let refused = failure(zdpolicy(dir.path()).args(["simulator", "--listen", "[::]:7357"]));
    assert!(refused.contains("--allow-remote"), "{refused}");
}

#[test]
fn no_policy_can_point_the_sandbox_client_at_the_sim_routes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("zdpolicy.yaml"),
        "version: 1\naccounts:\n  sim:\n    subdomain: _sim\n  acme:\n    subdomain: acme\n    sunshine_conversations:\n      app_id: ../../../_sim/accounts/acme/admin\n      key_id: env:K\n      key_secret: env:S\n",
    )
    .unwrap();
    let output = zdpolicy(dir.path()).arg("validate").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("`_sim` is not a valid Zendesk subdomain"),
        "{text}"
    );
    assert!(
        text.contains("`../../../_sim/accounts/acme/admin` is not a Sunshine Conversations app id"),
        "{text}"
    );
}

/// The status of a request with the body the `/_sim` route of that method takes.
async fn status(client: &reqwest::Client, method: reqwest::Method, url: &str) -> u16 {
    let body = match method {
        reqwest::Method::PATCH => "{\"agents_can_end_sessions\": false}",
        reqwest::Method::POST => "{\"advance_seconds\": 1}",
        _ => "",
    };
    client
        .request(method, url)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sandbox_does_not_serve_the_sim_routes() {
    let dir = tempfile::tempdir().unwrap();
    let state: PathBuf = dir.path().join("sandbox.json");
    let lock = LockOptions {
        command: "test".into(),
        wait: Duration::ZERO,
    };
    let account = SandboxAccount {
        subdomain: "acme".into(),
        sunshine_app_id: None,
        seed: None,
    };
    let sandbox = Sandbox::start(&state, &[account], &lock, |_| {})
        .await
        .unwrap();
    let acme = sandbox.url_template().replace("{subdomain}", "acme");
    let root = sandbox.url_template().replace("/{subdomain}", "");
    let client = reqwest::Client::new();
    use reqwest::Method;
    for (method, url) in [
        (Method::GET, format!("{root}/_sim/health")),
        (Method::GET, format!("{root}/_sim/stats")),
        (Method::PATCH, format!("{root}/_sim/accounts/acme/admin")),
        (Method::POST, format!("{root}/_sim/clock")),
        // What a path built from an account's base URL could at most become.
        (Method::PATCH, format!("{acme}/../_sim/accounts/acme/admin")),
        (Method::GET, format!("{acme}/_sim/stats")),
    ] {
        assert_eq!(
            status(&client, method.clone(), &url).await,
            404,
            "{method} {url}"
        );
    }
    // #13: the sandbox writes its state once, when the command ends, not after every request.
    assert!(!state.exists(), "no state written while the command runs");
    sandbox.stop().await.unwrap();
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains("\"acme\""), "{saved}");

    // The same requests reach a simulator that serves them: the 404s above mean something.
    let sim = Simulator::start(SimulatorConfig {
        accounts: vec![AccountSeed::new("acme")],
        ..SimulatorConfig::ephemeral()
    })
    .await
    .unwrap();
    let health = format!("{}/_sim/health", sim.base_url());
    assert_eq!(status(&client, Method::GET, &health).await, 200);
    let admin = format!("{}/../_sim/accounts/acme/admin", sim.account_url("acme"));
    assert_eq!(status(&client, Method::PATCH, &admin).await, 200);
    sim.shutdown().await.unwrap();
}
