//! Secrets never appear in output: every command runs with a known token, and neither its
//! standard output, its standard error nor any file it writes may contain it.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use zdpolicy::simulator::{AccountSeed, OAuthTokenSeed, Role, Simulator, SimulatorConfig};

const CANARY: &str = "leak-canary-9f8e7d6c5b4a3210";

fn zdpolicy(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("zdpolicy").unwrap();
    cmd.current_dir(dir)
        .env("ZDP_LEAK_TOKEN", CANARY)
        .env_remove("ZDPOLICY_API_URL");
    cmd
}

fn assert_clean(what: &str, output: &Output) {
    for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains(CANARY),
            "{what}: the token appears on {stream}:\n{text}"
        );
    }
}

fn assert_files_clean(dir: &Path) {
    for entry in walk(dir) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        if entry.file_name().is_some_and(|n| n == "literal.yaml") {
            continue; // the user's own file, which holds the literal on purpose
        }
        assert!(
            !text.contains(CANARY),
            "{} holds the token",
            entry.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[tokio::test(flavor = "multi_thread")]
async fn no_command_prints_or_writes_the_token() {
    let mut seed = AccountSeed::new("acme");
    seed.credentials.oauth_tokens.push(OAuthTokenSeed {
        token: CANARY.into(),
        role: Role::Admin,
        scopes: vec!["read".into(), "write".into()],
    });
    let sim = Simulator::start(SimulatorConfig {
        accounts: vec![seed],
        ..SimulatorConfig::ephemeral()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("zdpolicy.yaml"),
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: { oauth_token: env:ZDP_LEAK_TOKEN }\n    messaging: { end_session_after_inactivity: true }\n    triggers:\n      - { key: vip, title: VIP, actions: [ { field: priority, value: urgent } ] }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("literal.yaml"),
        format!("version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: {{ oauth_token: {CANARY} }}\n"),
    )
    .unwrap();
    let api = sim.url_template();
    let runs: Vec<(&str, Vec<String>)> = vec![
        ("validate -v", vec!["-v".into(), "validate".into()]),
        (
            "render --explain",
            vec!["render".into(), "--explain".into()],
        ),
        (
            "render json",
            vec![
                "render".into(),
                "--format".into(),
                "json".into(),
                "--explain".into(),
            ],
        ),
        (
            "validate literal human",
            vec![
                "validate".into(),
                "--color".into(),
                "always".into(),
                "literal.yaml".into(),
            ],
        ),
        (
            "validate literal json",
            vec![
                "validate".into(),
                "--format".into(),
                "json".into(),
                "literal.yaml".into(),
            ],
        ),
        (
            "validate literal github",
            vec![
                "validate".into(),
                "--format".into(),
                "github".into(),
                "literal.yaml".into(),
            ],
        ),
        (
            "render literal",
            vec!["render".into(), "literal.yaml".into()],
        ),
        (
            "export -v",
            vec![
                "-v".into(),
                "export".into(),
                "--api-url".into(),
                api.clone(),
                "--triggers".into(),
            ],
        ),
        (
            "export to dir",
            vec![
                "export".into(),
                "--api-url".into(),
                api.clone(),
                "--output".into(),
                "out/".into(),
            ],
        ),
        (
            "export literal",
            vec![
                "export".into(),
                "--api-url".into(),
                api.clone(),
                "literal.yaml".into(),
            ],
        ),
        (
            "snapshot -v",
            vec![
                "-v".into(),
                "snapshot".into(),
                "--api-url".into(),
                api.clone(),
                "--output".into(),
                "snapshot.yaml".into(),
            ],
        ),
        (
            "snapshot json",
            vec![
                "snapshot".into(),
                "--api-url".into(),
                api.clone(),
                "--output".into(),
                "snapshot.json".into(),
            ],
        ),
        (
            "snapshot stdout",
            vec!["snapshot".into(), "--api-url".into(), api.clone()],
        ),
        ("schema", vec!["schema".into()]),
        (
            "plan --out",
            vec![
                "-v".into(),
                "plan".into(),
                "--api-url".into(),
                api.clone(),
                "--out".into(),
                "plan.json".into(),
            ],
        ),
        (
            "plan json",
            vec![
                "plan".into(),
                "--api-url".into(),
                api.clone(),
                "--format".into(),
                "json".into(),
            ],
        ),
        (
            "show",
            vec![
                "show".into(),
                "plan.json".into(),
                "--format".into(),
                "markdown".into(),
            ],
        ),
        (
            "apply saved",
            vec![
                "apply".into(),
                "plan.json".into(),
                "--api-url".into(),
                api.clone(),
                "--report".into(),
                "report.json".into(),
            ],
        ),
        (
            "apply interactive",
            vec![
                "apply".into(),
                "--auto-approve".into(),
                "--api-url".into(),
                api.clone(),
                "--report".into(),
                "report2.json".into(),
            ],
        ),
    ];
    for (what, args) in runs {
        let output = zdpolicy(dir.path()).args(&args).output().unwrap();
        assert_clean(what, &output);
    }
    // A rejected token: the 401 message names the reference, not the value.
    let output = zdpolicy(dir.path())
        .env("ZDP_LEAK_TOKEN", format!("{CANARY}-wrong"))
        .args(["export", "--api-url", &api])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("env:ZDP_LEAK_TOKEN (401)"));
    assert_clean("export with a wrong token", &output);
    let snapshot = std::fs::read_to_string(dir.path().join("snapshot.yaml")).unwrap();
    assert!(
        snapshot.contains("kind: simulator-seed")
            && snapshot.contains("title: Notify requester and CCs of received request"),
        "the snapshot holds the account: {snapshot}"
    );
    let report = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    assert!(
        report.contains("\"applied\""),
        "the apply wrote something: {report}"
    );
    assert_files_clean(dir.path());
    sim.shutdown().await.unwrap();
}
