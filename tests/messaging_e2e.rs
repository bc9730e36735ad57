//! Messaging settings end to end: the real binary plans and applies against the simulator over
//! HTTP. The whole inactivity object field by field, keys Zendesk ignores (X-Zendesk-API-Warn)
//! reported as failed changes.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use zdpolicy::simulator::{
    AccountSeed, OAuthTokenSeed, Role, RunningSimulator, Simulator, SimulatorConfig,
};

const TOKEN: &str = "messaging-test-oauth-token";

fn seed(subdomain: &str) -> AccountSeed {
    let mut seed = AccountSeed::new(subdomain);
    seed.credentials.oauth_tokens.push(OAuthTokenSeed {
        token: TOKEN.into(),
        role: Role::Admin,
        scopes: vec!["read".into(), "write".into()],
    });
    seed
}

async fn simulator(accounts: Vec<AccountSeed>) -> RunningSimulator {
    Simulator::start(SimulatorConfig {
        accounts,
        ..SimulatorConfig::ephemeral()
    })
    .await
    .unwrap()
}

fn cli(dir: &Path, sim: &RunningSimulator) -> Command {
    let mut cmd = Command::cargo_bin("zdpolicy").unwrap();
    cmd.current_dir(dir)
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1")
        .env("ZDPOLICY_API_URL", sim.url_template())
        .env("ZENDESK_OAUTH_TOKEN", TOKEN);
    cmd
}

const INACTIVITY_POLICY: &str = "version: 1
accounts:
  acme:
    subdomain: acme
    messaging:
      inactivity:
        enabled: true
        timeout: 45
        ticket_status_id: 7100000000042
        end_session: true
        reminders:
          - message: Are you still there?
          - message: We will close this conversation soon.
            timeout: 300
            ticket_status_id: 7100000000043
            tags: [inactive_reminder]
";

fn stdout(cmd: &mut Command) -> (Option<i32>, String, String) {
    let output = cmd.output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn outcomes(dir: &Path) -> BTreeMap<String, (String, String)> {
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    report["accounts"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["address"].as_str().unwrap().to_owned(),
                (
                    c["outcome"].as_str().unwrap().to_owned(),
                    c["detail"].as_str().unwrap_or_default().to_owned(),
                ),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_inactivity_object_plans_and_applies_field_by_field_then_converges() {
    let sim = simulator(vec![seed("acme")]).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("zdpolicy.yaml"), INACTIVITY_POLICY).unwrap();

    let (code, plan, _) = stdout(cli(dir.path(), &sim).args(["plan", "--detailed-exitcode"]));
    assert_eq!(code, Some(2), "{plan}");
    insta::assert_snapshot!("inactivity_plan", plan);

    sim.handle().reset_stats();
    let (code, _, stderr) =
        stdout(cli(dir.path(), &sim).args(["apply", "--auto-approve", "--report", "report.json"]));
    assert_eq!(code, Some(0), "{stderr}");
    let puts: Vec<String> = sim
        .handle()
        .requests(Some("acme"))
        .into_iter()
        .filter(|r| r.method == "PUT")
        .map(|r| r.path)
        .collect();
    assert_eq!(puts.len(), 5, "one PUT per field: {puts:?}");
    assert!(
        outcomes(dir.path()).values().all(|(o, _)| o == "applied"),
        "{:?}",
        outcomes(dir.path())
    );

    let (code, plan, _) = stdout(cli(dir.path(), &sim).args(["plan", "--detailed-exitcode"]));
    assert_eq!(code, Some(0), "the next plan is empty: {plan}");
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_zendesk_ignores_is_a_failed_change_and_stays_planned() {
    let mut acme = seed("acme");
    acme.ignored_settings = vec!["messaging_inactivity.timeout".into()];
    let sim = simulator(vec![acme]).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("zdpolicy.yaml"), INACTIVITY_POLICY).unwrap();

    let (code, _, stderr) =
        stdout(cli(dir.path(), &sim).args(["apply", "--auto-approve", "--report", "report.json"]));
    assert_eq!(code, Some(1), "{stderr}");
    let outcomes = outcomes(dir.path());
    let (outcome, detail) = &outcomes["acme.setting.inactivity.timeout"];
    assert_eq!(outcome, "failed");
    assert!(
        detail.starts_with("Zendesk ignored messaging_inactivity.timeout (X-Zendesk-API-Warn: "),
        "{detail}"
    );
    assert!(
        stderr.contains(
            "failed: acme.setting.inactivity.timeout: Zendesk ignored messaging_inactivity.timeout"
        ),
        "{stderr}"
    );
    assert_eq!(outcomes["acme.setting.inactivity.enabled"].0, "applied");

    let (code, plan, _) = stdout(cli(dir.path(), &sim).args(["plan", "--detailed-exitcode"]));
    assert_eq!(code, Some(2), "{plan}");
    assert!(
        plan.contains("~ acme.setting.inactivity.timeout will be updated in place"),
        "{plan}"
    );
    sim.shutdown().await.unwrap();
}
