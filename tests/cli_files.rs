//! The files zdpolicy writes, as users meet them (#11, #12): an existing file of another kind
//! is never replaced without `--force` and stays byte for byte, a failed export writes nothing,
//! a bad `--report` path fails before any write to Zendesk, and two sandbox commands at once
//! wait for each other instead of losing an account.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use assert_cmd::Command;
use zdpolicy::files::FileLock;
use zdpolicy::simulator::{AccountSeed, Simulator, SimulatorConfig};

mod support;

use support::{multi_account_workspace as workspace, zdpolicy_ci as zdpolicy};

fn stderr(cmd: &mut Command) -> (Option<i32>, String) {
    let output = cmd.output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// Every entry of a directory, sorted: no temporary file may be left behind.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn plan_out_onto_a_policy_is_refused_and_the_policy_kept() {
    let dir = workspace();
    let policy = std::fs::read(dir.path().join("zdpolicy.yaml")).unwrap();
    let (code, text) =
        stderr(zdpolicy(dir.path()).args(["plan", "--sandbox", "--out", "zdpolicy.yaml"]));
    assert_eq!(code, Some(1));
    insta::assert_snapshot!("plan_out_onto_a_policy", text);
    assert_eq!(
        std::fs::read(dir.path().join("zdpolicy.yaml")).unwrap(),
        policy
    );
    assert_eq!(
        entries(dir.path()),
        ["zdpolicy.yaml"],
        "nothing was written"
    );

    // Re-running over its own saved plan is the normal case; --force replaces anything.
    for _ in 0..2 {
        zdpolicy(dir.path())
            .args(["plan", "--sandbox", "--out", "plan.json"])
            .assert()
            .success();
    }
    std::fs::write(dir.path().join("notes.txt"), "mine\n").unwrap();
    zdpolicy(dir.path())
        .args(["plan", "--sandbox", "--out", "notes.txt"])
        .assert()
        .code(1);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine\n"
    );
    zdpolicy(dir.path())
        .args(["plan", "--sandbox", "--out", "notes.txt", "--force"])
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(dir.path().join("notes.txt"))
            .unwrap()
            .contains("\"policy_hash\"")
    );
}

#[test]
fn export_output_onto_a_saved_plan_is_refused() {
    let dir = workspace();
    zdpolicy(dir.path())
        .args(["plan", "--sandbox", "--out", "plan.json"])
        .assert()
        .success();
    let plan = std::fs::read(dir.path().join("plan.json")).unwrap();
    let (code, text) =
        stderr(zdpolicy(dir.path()).args(["export", "--sandbox", "--output", "plan.json"]));
    assert_eq!(code, Some(1));
    insta::assert_snapshot!("export_output_onto_a_saved_plan", text);
    assert_eq!(std::fs::read(dir.path().join("plan.json")).unwrap(), plan);
}

#[test]
fn snapshot_output_onto_a_policy_is_refused_and_a_failed_snapshot_writes_nothing() {
    let dir = workspace();
    let policy = std::fs::read(dir.path().join("zdpolicy.yaml")).unwrap();
    let (code, text) =
        stderr(zdpolicy(dir.path()).args(["snapshot", "--sandbox", "--output", "zdpolicy.yaml"]));
    assert_eq!(code, Some(1));
    assert!(text.contains("foreign-file"), "{text}");
    assert_eq!(
        std::fs::read(dir.path().join("zdpolicy.yaml")).unwrap(),
        policy
    );

    // Its own kind is replaced on a re-run, in YAML and in JSON.
    for name in ["seed.yaml", "seed.json"] {
        for _ in 0..2 {
            zdpolicy(dir.path())
                .args(["snapshot", "--sandbox", "--output", name])
                .assert()
                .success();
        }
    }
    let seed = std::fs::read(dir.path().join("seed.yaml")).unwrap();
    let (code, text) = stderr(zdpolicy(dir.path()).args([
        "snapshot",
        "--api-url",
        "http://127.0.0.1:9/{subdomain}",
        "--output",
        "seed.yaml",
    ]));
    assert_eq!(code, Some(1));
    assert!(
        text.contains("2 of 2 accounts could not be read; nothing was written"),
        "{text}"
    );
    assert_eq!(std::fs::read(dir.path().join("seed.yaml")).unwrap(), seed);
}

#[test]
fn export_with_failing_credentials_writes_nothing() {
    let dir = workspace();
    let policy = std::fs::read(dir.path().join("zdpolicy.yaml")).unwrap();
    // The bug of #11: the policy was replaced by `accounts: {}`.
    let (code, text) = stderr(zdpolicy(dir.path()).args([
        "export",
        "--api-url",
        "http://127.0.0.1:9/{subdomain}",
        "--output",
        "zdpolicy.yaml",
        "--force",
    ]));
    assert_eq!(code, Some(1));
    assert!(
        text.contains("2 of 2 accounts could not be read; nothing was written"),
        "{text}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("zdpolicy.yaml")).unwrap(),
        policy
    );

    // Over an earlier export of its own, too: one failing account and nothing changes.
    zdpolicy(dir.path())
        .args(["export", "--sandbox", "--output", "exported.yaml"])
        .assert()
        .success();
    let exported = std::fs::read(dir.path().join("exported.yaml")).unwrap();
    let (code, text) = stderr(zdpolicy(dir.path()).args([
        "export",
        "--api-url",
        "http://127.0.0.1:9/{subdomain}",
        "--output",
        "exported.yaml",
    ]));
    assert_eq!(code, Some(1));
    insta::assert_snapshot!("export_with_failing_credentials", text);
    assert_eq!(
        std::fs::read(dir.path().join("exported.yaml")).unwrap(),
        exported
    );
    assert_eq!(
        entries(dir.path()),
        [".zdpolicy", "exported.yaml", "zdpolicy.yaml"]
    );
}

#[test]
fn export_into_a_directory_writes_only_its_own_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("README.md"), "# our policies\n").unwrap();
    std::fs::write(
        out.join("acme.yaml"),
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n",
    )
    .unwrap();
    let export = |dir: &Path| {
        let mut cmd = zdpolicy(dir);
        cmd.args([
            "export",
            "--sandbox",
            "--subdomain",
            "acme",
            "--output",
            "out/",
        ]);
        cmd
    };
    let (code, text) = stderr(&mut export(dir.path()));
    assert_eq!(code, Some(1));
    assert!(
        text.contains(
            "refusing to overwrite out/acme.yaml: it is a policy file, not an exported policy"
        ),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("acme.yaml")).unwrap(),
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n"
    );

    std::fs::remove_file(out.join("acme.yaml")).unwrap();
    export(dir.path()).assert().success();
    export(dir.path()).assert().success();
    assert_eq!(entries(&out), ["README.md", "acme.yaml"]);
    assert_eq!(
        std::fs::read_to_string(out.join("README.md")).unwrap(),
        "# our policies\n"
    );
    zdpolicy(dir.path())
        .args(["validate", "out/"])
        .assert()
        .success();
}

#[test]
fn schema_output_onto_a_policy_is_refused() {
    let dir = workspace();
    let (code, text) = stderr(zdpolicy(dir.path()).args(["schema", "--output", "zdpolicy.yaml"]));
    assert_eq!(code, Some(1));
    assert!(
        text.contains("it is a policy file, not zdpolicy's JSON Schema"),
        "{text}"
    );
    for _ in 0..2 {
        zdpolicy(dir.path())
            .args(["schema", "--output", "schema.json"])
            .assert()
            .success();
    }
    let schema = zdpolicy::policy::schema::policy_schema_text();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("schema.json")).unwrap(),
        schema
    );
}

const TOKEN: &str = "files-test-token";

fn seed(subdomain: &str) -> AccountSeed {
    support::admin_seed(subdomain, TOKEN)
}

/// Requests other than GET that reached the simulator.
fn writes(stats: &zdpolicy::simulator::Stats) -> u64 {
    stats
        .accounts
        .values()
        .flat_map(|a| &a.by_endpoint)
        .filter(|(endpoint, _)| !endpoint.starts_with("GET "))
        .map(|(_, n)| n)
        .sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_report_path_fails_before_any_write() {
    let sim = Simulator::start(SimulatorConfig {
        accounts: vec![seed("acme")],
        ..SimulatorConfig::ephemeral()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("zdpolicy.yaml"),
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials:\n      oauth_token: env:ACME_TOKEN\n    triggers:\n      - key: vip\n        title: VIP\n        conditions: {all: [{field: current_tags, operator: includes, value: vip}]}\n        actions: [{field: priority, value: high}]\n",
    )
    .unwrap();
    let apply = |report: &str| {
        let mut cmd = zdpolicy(dir.path());
        cmd.env("ZDPOLICY_API_URL", sim.url_template())
            .env("ACME_TOKEN", TOKEN)
            .args(["apply", "--auto-approve", "--report", report]);
        cmd
    };
    let (code, text) = stderr(&mut apply("/nonexistent/dir/r.json"));
    assert_eq!(code, Some(1));
    assert!(
        text.contains("cannot write /nonexistent/dir/r.json: No such file or directory"),
        "{text}"
    );
    assert!(!text.contains(".tmp"), "no temporary file name: {text}");
    std::fs::write(dir.path().join("notes.json"), "{\"mine\": true}\n").unwrap();
    let (code, text) = stderr(&mut apply("notes.json"));
    assert_eq!(code, Some(1));
    assert!(
        text.contains("refusing to overwrite notes.json: it is a file zdpolicy did not write, not an apply report"),
        "{text}"
    );
    assert_eq!(writes(&sim.handle().stats()), 0, "nothing was written");
    assert_eq!(
        sim.handle().stats().account("acme").requests,
        0,
        "nothing was even read"
    );

    // The same apply with a usable path does write: the counter above can tell.
    apply("report.json").assert().success();
    assert!(writes(&sim.handle().stats()) > 0);
    let report = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    assert!(report.contains("\"interrupted\": false"), "{report}");
    apply("report.json").assert().success();
    sim.shutdown().await.unwrap();
}

fn one_account_policy(dir: &Path, account: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("zdpolicy.yaml"),
        format!("version: 1\naccounts:\n  {account}:\n    subdomain: {account}\n"),
    )
    .unwrap();
}

/// `zdpolicy plan --sandbox` on the policy in `dir`, sharing `state`.
fn spawn_plan(dir: &Path, state: &Path) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("zdpolicy"))
        .current_dir(dir)
        .env("CI", "true")
        .args(["plan", "--sandbox", "--sandbox-state"])
        .arg(state)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn a_held_sandbox_fails_at_once_naming_its_holder() {
    let dir = tempfile::tempdir().unwrap();
    one_account_policy(dir.path(), "alpha");
    let state = dir.path().join(".zdpolicy/sandbox.json");
    std::fs::create_dir_all(state.parent().unwrap()).unwrap();
    let held = FileLock::acquire(&state, "zdpolicy apply", Duration::ZERO, |_| {}).unwrap();
    let (code, text) =
        stderr(zdpolicy(dir.path()).args(["plan", "--sandbox", "--sandbox-wait", "0"]));
    assert_eq!(code, Some(1));
    let pid = std::process::id().to_string();
    assert!(
        text.contains(&format!("pid {pid}: zdpolicy apply")),
        "{text}"
    );
    insta::with_settings!({filters => vec![(pid.as_str(), "[pid]"), (r"\d+ ms", "[time]")]}, {
        insta::assert_snapshot!("sandbox_held", text);
    });
    assert!(!state.exists(), "nothing was written");
    drop(held);
    zdpolicy(dir.path())
        .args(["plan", "--sandbox", "--sandbox-wait", "0"])
        .assert()
        .success();
}

#[test]
fn two_sandbox_commands_at_once_wait_and_lose_no_account() {
    let dir = tempfile::tempdir().unwrap();
    let state: PathBuf = dir.path().join("sandbox.json");
    let (alpha, beta) = (dir.path().join("alpha"), dir.path().join("beta"));
    one_account_policy(&alpha, "alpha");
    one_account_policy(&beta, "beta");
    // Both start while the lock is held, so both must wait, then run one after the other.
    let held = FileLock::acquire(&state, "zdpolicy apply", Duration::ZERO, |_| {}).unwrap();
    let mut children = [spawn_plan(&alpha, &state), spawn_plan(&beta, &state)];
    for child in &mut children {
        let mut line = String::new();
        BufReader::new(child.stderr.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(
            line.starts_with("waiting for the sandbox")
                && line.contains(&format!(
                    "in use by pid {}: zdpolicy apply",
                    std::process::id()
                )),
            "{line:?}"
        );
    }
    drop(held);
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{output:?}");
    }
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    let accounts: Vec<&String> = saved["accounts"].as_object().unwrap().keys().collect();
    assert_eq!(accounts, ["alpha", "beta"]);
}
