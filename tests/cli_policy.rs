//! The policy commands as users run them: `validate`, `schema`, `render`, exit codes and output.

use std::fs;

use assert_cmd::Command;
use predicates::prelude::*;

fn zdpolicy() -> Command {
    let mut cmd = Command::cargo_bin("zdpolicy").unwrap();
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env_remove("ZDPOLICY_API_URL");
    for var in [
        "ZENDESK_SUBDOMAIN",
        "ZENDESK_EMAIL",
        "ZENDESK_API_TOKEN",
        "ZENDESK_OAUTH_TOKEN",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

#[test]
fn validate_examples_exits_zero() {
    zdpolicy()
        .args(["validate", "examples/"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "examples/multi-account: valid: 2 accounts",
        ))
        .stdout(predicate::str::contains(
            "examples/gitops/policy: valid: 2 accounts",
        ))
        .stdout(predicate::str::contains(
            "examples/single-account: valid: 1 account",
        ));
}

#[test]
fn three_problems_give_three_located_errors_and_exit_one() {
    let output = zdpolicy()
        .args([
            "validate",
            "--color",
            "never",
            "tests/fixtures/invalid/three-errors.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    insta::assert_snapshot!("three_errors_human", stdout);
    assert!(
        !stdout.contains("0123456789abcdef"),
        "the literal token must be masked"
    );
}

#[test]
fn json_diagnostics_are_a_stable_array() {
    let stdout = stdout_of(zdpolicy().args([
        "validate",
        "--format",
        "json",
        "tests/fixtures/invalid/three-errors.yaml",
    ]));
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    insta::assert_json_snapshot!("three_errors_json", value);
}

#[test]
fn github_annotations_point_at_lines() {
    let stdout = stdout_of(zdpolicy().args([
        "validate",
        "--format",
        "github",
        "tests/fixtures/invalid/three-errors.yaml",
    ]));
    insta::assert_snapshot!("three_errors_github", stdout);
}

#[test]
fn every_invalid_fixture_has_a_stable_diagnostic() {
    for dir in ["tests/fixtures/invalid", "tests/fixtures/semantic"] {
        let mut paths: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for path in paths {
            let output = zdpolicy()
                .args(["validate", "--color", "never"])
                .arg(&path)
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(1), "{}", path.display());
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            insta::assert_snapshot!(
                format!("diagnostic_{name}"),
                String::from_utf8(output.stdout).unwrap()
            );
        }
    }
}

/// Zendesk turns API tokens off on 2027-04-30: the warning is located at the token's reference
/// and says what to use instead, in every format.
#[test]
fn api_token_credentials_warn_at_the_token() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("p.yaml"),
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials:\n      email: admin@acme.example\n      api_token: env:ACME_API_TOKEN\n",
    )
    .unwrap();
    for format in ["human", "github"] {
        let output = zdpolicy()
            .current_dir(dir.path())
            .args(["validate", "--color", "never", "--format", format, "p.yaml"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "a warning, not an error");
        insta::assert_snapshot!(
            format!("api_token_retiring_{format}"),
            String::from_utf8(output.stdout).unwrap()
        );
    }
    zdpolicy()
        .current_dir(dir.path())
        .args(["validate", "--deny-warnings", "p.yaml"])
        .assert()
        .code(1);
}

#[test]
fn deny_warnings_fails_on_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.yaml");
    fs::write(
        &file,
        "version: 1\naccounts:\n  a:\n    subdomain: a\n    messaging: { agents_can_end_sessions: false, agent_ended_sessions_route_as: email }\n",
    )
    .unwrap();
    zdpolicy()
        .arg("validate")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("1 warning"));
    zdpolicy()
        .args(["validate", "--deny-warnings"])
        .arg(&file)
        .assert()
        .code(1);
}

#[test]
fn quiet_hides_warnings_and_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.yaml");
    fs::write(
        &file,
        "version: 1\ngroups:\n  unused: {}\naccounts:\n  a: { subdomain: a }\n",
    )
    .unwrap();
    zdpolicy()
        .args(["validate", "-q"])
        .arg(&file)
        .assert()
        .success()
        .stdout("");
}

#[test]
fn default_policy_location_is_zdpolicy_yaml_then_policy_dir() {
    let dir = tempfile::tempdir().unwrap();
    zdpolicy()
        .current_dir(dir.path())
        .arg("validate")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "neither ./zdpolicy.yaml nor ./policy/ exists",
        ));
    fs::create_dir(dir.path().join("policy")).unwrap();
    fs::write(
        dir.path().join("policy/a.yaml"),
        "version: 1\naccounts:\n  a: { subdomain: a }\n",
    )
    .unwrap();
    zdpolicy()
        .current_dir(dir.path())
        .arg("validate")
        .assert()
        .success();
    fs::write(
        dir.path().join("zdpolicy.yaml"),
        "version: 1\naccounts:\n  b: { subdomain: b }\n",
    )
    .unwrap();
    zdpolicy()
        .current_dir(dir.path())
        .args(["render", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"b\""));
}

#[test]
fn schema_command_prints_the_checked_in_schema() {
    let stdout = stdout_of(zdpolicy().arg("schema"));
    assert_eq!(
        stdout,
        fs::read_to_string("schemas/zdpolicy.schema.json").unwrap()
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.json");
    zdpolicy()
        .args(["schema", "--output"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(fs::read_to_string(out).unwrap(), stdout);
}

#[test]
fn render_resolves_layers() {
    let stdout = stdout_of(zdpolicy().args(["render", "examples/multi-account/"]));
    insta::assert_snapshot!("render_multi_account", stdout);
}

#[test]
fn render_explain_shows_provenance() {
    let stdout = stdout_of(zdpolicy().args([
        "render",
        "--explain",
        "--account",
        "acme-eu",
        "examples/multi-account/",
    ]));
    assert!(stdout.contains(
        "agent_ended_sessions_route_as: email  # group eu (examples/multi-account/zdpolicy.yaml:34:38)"
    ));
    assert!(stdout.contains(
        "agents_can_end_sessions: true  # defaults (examples/multi-account/zdpolicy.yaml:9:30)"
    ));
    assert!(stdout.contains(
        "trigger_title: Request customer satisfaction rating (messaging)  # built-in default"
    ));
    insta::assert_snapshot!("render_explain_acme_eu", stdout);
}

#[test]
fn render_json_explain_has_provenance_per_leaf() {
    let stdout = stdout_of(zdpolicy().args([
        "render",
        "--format",
        "json",
        "--explain",
        "examples/gitops/policy",
    ]));
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let origin = &value["provenance"]["initech"]["messaging.agent_ended_sessions_route_as"];
    assert_eq!(origin["layer"], "group email-routing");
    assert_eq!(origin["file"], "examples/gitops/policy/01-groups.yaml");
    assert_eq!(value["accounts"]["globex"]["safety"]["max_deletes"], 2);
    // Regression (#19): built-in defaults carried only `layer`, while the README promised
    // `{layer, file, line, column}` for every path; their place is null, as documented.
    assert_eq!(
        value["provenance"]["initech"]["csat.trigger_title"],
        serde_json::json!({"layer": "built-in default", "file": null, "line": null, "column": null})
    );
    for (account, paths) in value["provenance"].as_object().unwrap() {
        for (path, origin) in paths.as_object().unwrap() {
            let keys: Vec<&str> = origin
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(
                keys,
                ["layer", "file", "line", "column"],
                "{account} {path}"
            );
        }
    }
}

#[test]
fn render_unknown_account_suggests() {
    zdpolicy()
        .args([
            "render",
            "--color",
            "never",
            "--account",
            "acme-pord",
            "examples/multi-account/",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `acme-prod`?"));
}

#[test]
fn render_refuses_an_invalid_policy_and_prints_why() {
    zdpolicy()
        .args([
            "render",
            "--color",
            "never",
            "tests/fixtures/invalid/bad-route.yaml",
        ])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "`chat` is not a valid routing channel",
        ));
}

#[test]
fn render_needs_one_policy() {
    zdpolicy()
        .args(["render", "--color", "never", "examples/"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("separate policies"));
}

#[test]
fn usage_errors_exit_one_not_two() {
    zdpolicy()
        .args(["validate", "--format", "xml"])
        .assert()
        .code(1);
    zdpolicy().arg("frobnicate").assert().code(1);
    zdpolicy().arg("--help").assert().success();
}

#[test]
fn color_always_colours_and_never_does_not() {
    let file = "tests/fixtures/invalid/bad-route.yaml";
    let coloured = stdout_of(zdpolicy().args(["validate", "--color", "always", file]));
    assert!(coloured.contains('\u{1b}'));
    let plain = stdout_of(zdpolicy().args(["validate", "--color", "never", file]));
    assert!(!plain.contains('\u{1b}'));
    let auto_piped = stdout_of(zdpolicy().args(["validate", file]));
    assert!(
        !auto_piped.contains('\u{1b}'),
        "auto does not colour a pipe"
    );
}

#[test]
fn color_auto_honours_the_clicolor_variables() {
    let file = "tests/fixtures/invalid/bad-route.yaml";
    let forced = stdout_of(
        zdpolicy()
            .env("CLICOLOR_FORCE", "1")
            .args(["validate", file]),
    );
    assert!(forced.contains('\u{1b}'), "CLICOLOR_FORCE colours a pipe");
    let no_color_wins = stdout_of(
        zdpolicy()
            .env("CLICOLOR_FORCE", "1")
            .env("NO_COLOR", "1")
            .args(["validate", file]),
    );
    assert!(
        !no_color_wins.contains('\u{1b}'),
        "NO_COLOR beats CLICOLOR_FORCE"
    );
    let flag_wins = stdout_of(
        zdpolicy()
            .env("CLICOLOR_FORCE", "1")
            .args(["validate", "--color", "never", file]),
    );
    assert!(
        !flag_wins.contains('\u{1b}'),
        "--color never beats CLICOLOR_FORCE"
    );
}

#[test]
fn help_is_stable() {
    for command in [
        "validate",
        "schema",
        "render",
        "plan",
        "apply",
        "show",
        "export",
        "snapshot",
        "sandbox",
        "simulator",
        "login",
        "logout",
    ] {
        let stdout = stdout_of(zdpolicy().args([command, "--help"]));
        insta::assert_snapshot!(format!("help_{command}"), stdout);
    }
}

#[test]
fn render_shows_trigger_identity_with_released_keys_added_up() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("zdpolicy.yaml"),
        "version: 1\ndefaults:\n  released_triggers: [old]\naccounts:\n  acme:\n    subdomain: acme\n    trigger_ids: { vip: 36000000000001 }\n    released_triggers: [older]\n    triggers:\n      - { key: vip, title: VIP, previously: [vip-old], actions: [ { field: priority, value: urgent } ] }\n",
    )
    .unwrap();
    let stdout = stdout_of(zdpolicy().current_dir(dir.path()).args([
        "render",
        "--explain",
        "zdpolicy.yaml",
    ]));
    insta::assert_snapshot!(stdout);
}
