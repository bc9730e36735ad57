//! Messaging settings end to end: the real binary plans and applies against the simulator over
//! HTTP. The whole inactivity object field by field, keys Zendesk ignores (X-Zendesk-API-Warn)
//! reported as failed changes.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use zdpolicy::simulator::{AccountSeed, RunningSimulator, Simulator, SimulatorConfig};

mod support;

const TOKEN: &str = "messaging-test-oauth-token";

fn seed(subdomain: &str) -> AccountSeed {
    support::admin_seed(subdomain, TOKEN)
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
    support::zdpolicy_against(dir, sim, "ZENDESK_OAUTH_TOKEN", TOKEN)
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
    insta::with_settings!({filters => vec![(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]")]}, {
        insta::assert_snapshot!("inactivity_plan", plan);
    });

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
            "failed[ignored-keys]\n\n  × acme.setting.inactivity.timeout: Zendesk ignored \
             messaging_inactivity.timeout"
        ),
        "{stderr}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    let failed = report["accounts"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "acme.setting.inactivity.timeout")
        .unwrap();
    assert_eq!(failed["error"]["kind"], "ignored-keys", "{failed}");
    assert_eq!(outcomes["acme.setting.inactivity.enabled"].0, "applied");

    let (code, plan, _) = stdout(cli(dir.path(), &sim).args(["plan", "--detailed-exitcode"]));
    assert_eq!(code, Some(2), "{plan}");
    assert!(
        plan.contains("~ acme.setting.inactivity.timeout will be updated in place"),
        "{plan}"
    );
    sim.shutdown().await.unwrap();
}

fn end_users_policy(reopen: Option<bool>) -> String {
    let reopen = reopen
        .map(|r| format!("      end_users_can_reopen_conversations: {r}\n"))
        .unwrap_or_default();
    format!(
        "version: 1
accounts:
  acme:
    subdomain: acme
    sunshine_conversations: {{ app_id: {APP}, key_id: env:SC_KEY, key_secret: env:SC_SECRET }}
    messaging:
      end_users_can_end_sessions: true
{reopen}"
    )
}

const APP: &str = "5f0c0a1b2c3d4e5f6a7b8c9d";

fn with_app(mut seed: AccountSeed) -> AccountSeed {
    seed.sunshine_conversations = Some(zdpolicy::simulator::SunshineSeed {
        app_id: APP.into(),
        key_id: "sc-key".into(),
        secret: "sc-secret-value".into(),
        display_name: None,
        settings: serde_json::Map::new(),
    });
    seed
}

#[tokio::test(flavor = "multi_thread")]
async fn end_users_ending_sessions_needs_reopen_off_and_applies_it_first() {
    // The simulator's app allows reopening (Zendesk's default).
    let sim = simulator(vec![with_app(seed("acme"))]).await;
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut cmd = cli(dir.path(), &sim);
        cmd.env("SC_KEY", "sc-key")
            .env("SC_SECRET", "sc-secret-value")
            .args(args);
        stdout(&mut cmd)
    };

    std::fs::write(dir.path().join("zdpolicy.yaml"), end_users_policy(None)).unwrap();
    let (code, plan, _) = run(&["plan"]);
    assert_eq!(code, Some(1), "{plan}");
    insta::with_settings!({filters => vec![(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]")]}, {
        insta::assert_snapshot!("end_users_prerequisite_error", plan);
    });

    std::fs::write(
        dir.path().join("zdpolicy.yaml"),
        end_users_policy(Some(false)),
    )
    .unwrap();
    sim.handle().reset_stats();
    let (code, _, stderr) = run(&["apply", "--auto-approve", "--report", "report.json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let patches: Vec<String> = sim
        .handle()
        .requests(Some("acme"))
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.path)
        .collect();
    assert_eq!(patches.len(), 2, "{patches:?}");
    let order: Vec<String> = serde_json::from_str::<Value>(
        &std::fs::read_to_string(dir.path().join("report.json")).unwrap(),
    )
    .unwrap()["accounts"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["address"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        order,
        [
            "acme.setting.end_users_can_reopen_conversations",
            "acme.setting.end_users_can_end_sessions"
        ],
        "reopening goes off before end sessions go on (the simulator refuses the other order)"
    );
    let (code, plan, _) = run(&["plan", "--detailed-exitcode"]);
    assert_eq!(code, Some(0), "{plan}");
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_account_without_messaging_says_so_instead_of_guessing_a_value() {
    let mut bare = seed("acme");
    bare.features.messaging = false;
    bare.features.customizable_csat = false;
    bare.features.omnichannel_routing = false;
    bare.features.trigger_categories = false;
    let sim = simulator(vec![bare]).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("zdpolicy.yaml"),
        "version: 1
accounts:
  acme:
    subdomain: acme
    messaging:
      agents_can_end_sessions: true
      agent_ended_sessions_route_as: email
    csat: { survey_on_session_end: true }
    triggers:
      - key: vip
        title: VIP
        category: Routing
        actions: [ { field: priority, value: urgent } ]
",
    )
    .unwrap();
    let (code, plan, _) = stdout(cli(dir.path(), &sim).arg("plan"));
    assert_eq!(code, Some(1), "{plan}");
    assert!(!plan.contains("now false"), "{plan}");
    insta::with_settings!({filters => vec![(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]")]}, {
        insta::assert_snapshot!("preflight_without_messaging", plan);
    });

    let (code, exported, stderr) =
        stdout(cli(dir.path(), &sim).args(["export", "--subdomain", "acme"]));
    assert_eq!(code, Some(0), "{stderr}");
    let comments: Vec<&str> = exported.lines().filter(|l| l.starts_with('#')).collect();
    insta::with_settings!({filters => vec![(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]")]}, {
        insta::assert_snapshot!("preflight_export_comments", comments.join("\n"));
    });
    assert!(
        !exported
            .lines()
            .any(|l| !l.starts_with('#') && l.contains("agents_can_end_sessions")),
        "no guessed value is exported: {exported}"
    );
    sim.shutdown().await.unwrap();
}

fn confirmed_policy(route: &str) -> String {
    format!(
        "version: 1
accounts:
  acme:
    subdomain: acme
    messaging:
      agent_ended_sessions_route_as: {route}
      confirmed:
        agent_ended_sessions_route_as: {{ value: email, date: 2026-12-01 }}
"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_confirmed_manual_step_is_not_repeated_until_the_policy_value_changes() {
    let sim = simulator(vec![seed("acme")]).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("zdpolicy.yaml"), confirmed_policy("email")).unwrap();

    let (code, text, _) = stdout(cli(dir.path(), &sim).arg("plan"));
    assert_eq!(code, Some(0), "{text}");
    insta::with_settings!({filters => vec![(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]")]}, {
        insta::assert_snapshot!("confirmed_text", text);
    });
    let (_, markdown, _) = stdout(cli(dir.path(), &sim).args(["plan", "--format", "markdown"]));
    assert!(
        markdown.contains(
            "acme.setting.agent_ended_sessions_route_as: \"email\", confirmed on 2026-12-01"
        ),
        "{markdown}"
    );
    let (_, json, _) = stdout(cli(dir.path(), &sim).args(["plan", "--format", "json"]));
    let json: Value = serde_json::from_str(&json).unwrap();
    let manual = &json["accounts"][0]["changes"][0]["manual"];
    assert_eq!(manual["live_value"], "confirmed");
    assert_eq!(manual["confirmed"]["date"], "2026-12-01");
    assert_eq!(json["summary"]["manual"], 0);
    assert_eq!(json["summary"]["confirmed"], 1);

    let (code, _, stderr) = stdout(cli(dir.path(), &sim).args(["apply", "--auto-approve"]));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        !stderr.contains("Manual steps"),
        "not listed as pending: {stderr}"
    );

    std::fs::write(
        dir.path().join("zdpolicy.yaml"),
        confirmed_policy("messaging"),
    )
    .unwrap();
    let (code, text, _) = stdout(cli(dir.path(), &sim).arg("plan"));
    assert_eq!(code, Some(0), "{text}");
    insta::with_settings!({filters => vec![(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]")]}, {
        insta::assert_snapshot!("confirmed_outdated_text", text);
    });
    sim.shutdown().await.unwrap();
}
