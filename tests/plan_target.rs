//! `plan --target` and `apply --target` (#19), run as users run them against the built-in
//! sandbox (the simulator over HTTP): a targeted plan holds only the matching changes and what
//! they need, records its targets, reads only the accounts a target names, and a saved plan's
//! targets are covered by apply's tamper check; `apply PLAN --target` only narrows.

mod support;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn zdpolicy(dir: &Path) -> Command {
    let mut cmd = support::zdpolicy(dir);
    cmd.args(["--color", "never"]);
    cmd
}

/// A directory holding the multi-account example as `policy/`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/multi-account/zdpolicy.yaml");
    std::fs::create_dir(dir.path().join("policy")).unwrap();
    std::fs::copy(from, dir.path().join("policy/zdpolicy.yaml")).unwrap();
    dir
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Run {
    let output = cmd.output().unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn addresses(plan: &Value) -> Vec<String> {
    plan["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["changes"].as_array().unwrap())
        .map(|c| c["address"].as_str().unwrap().to_owned())
        .collect()
}

fn json_plan(dir: &Path, args: &[&str]) -> Value {
    let out = run(zdpolicy(dir)
        .args(["plan", "--sandbox", "--format", "json"])
        .args(args)
        .arg("policy/"));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

#[test]
fn a_targeted_plan_holds_the_matching_changes_and_the_category_they_need() {
    let dir = workspace();
    let plan = json_plan(dir.path(), &["--target", "acme-prod.trigger.vip-*"]);
    assert_eq!(plan["format_version"], "2.0");
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/plan.schema.json");
    let schema = serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let errors: Vec<String> = jsonschema::validator_for(&schema)
        .unwrap()
        .iter_errors(&plan)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(
        plan["targets"],
        serde_json::json!(["acme-prod.trigger.vip-*"])
    );
    // The trigger goes into a category the plan creates: that change comes along.
    assert_eq!(
        addresses(&plan),
        [
            "acme-prod.category.Routing",
            "acme-prod.trigger.vip-messaging"
        ]
    );
    let whole = json_plan(dir.path(), &[]);
    assert!(
        whole.get("targets").is_none(),
        "an untargeted plan has no targets key"
    );
    assert!(addresses(&whole).len() > 2);

    // Repeatable, globs per part, and a bare account name targets all of it.
    let plan = json_plan(dir.path(), &["--target", "*.csat", "--target", "acme-eu"]);
    let found = addresses(&plan);
    assert!(
        found.contains(&"acme-prod.csat.survey_on_session_end".to_owned()),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .all(|a| a.starts_with("acme-eu.") || a.contains(".csat.")),
        "{found:?}"
    );
    assert_eq!(plan["targets"], serde_json::json!(["*.csat", "acme-eu"]));

    let out = run(zdpolicy(dir.path()).args([
        "plan",
        "--sandbox",
        "--target",
        "acme-prod.trigger.vip-*",
        "policy/",
    ]));
    assert_eq!(out.code, Some(0));
    insta::assert_snapshot!("targeted_plan_human", support::without_port(&out.stdout));
    let out = run(zdpolicy(dir.path()).args([
        "plan",
        "--sandbox",
        "--format",
        "markdown",
        "--target",
        "acme-prod.trigger.vip-*",
        "policy/",
    ]));
    assert_eq!(out.code, Some(0));
    insta::assert_snapshot!("targeted_plan_markdown", support::without_port(&out.stdout));
}

#[test]
fn only_the_accounts_a_target_names_are_read() {
    let dir = workspace();
    let out = run(zdpolicy(dir.path()).args([
        "-v",
        "plan",
        "--sandbox",
        "--target",
        "acme-eu.setting.*",
        "policy/",
    ]));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stderr.contains("acme-eu: GET"), "{}", out.stderr);
    assert!(!out.stderr.contains("acme-prod: GET"), "{}", out.stderr);
}

/// A typo must not read as "No changes": a target that matches nothing is an error that
/// suggests the nearest address, and a target that is no address pattern is refused first.
#[test]
fn a_target_that_matches_nothing_is_an_error() {
    let dir = workspace();
    let out = run(zdpolicy(dir.path()).args([
        "plan",
        "--sandbox",
        "--detailed-exitcode",
        "--target",
        "acme-prod.trigger.vip-mesaging",
        "policy/",
    ]));
    assert_eq!(out.code, Some(1));
    assert_eq!(out.stdout, "");
    insta::assert_snapshot!("target_matches_nothing", out.stderr);

    let out = run(zdpolicy(dir.path()).args([
        "plan",
        "--sandbox",
        "--target",
        "acme-prod.triggers.vip",
        "policy/",
    ]));
    assert_eq!(out.code, Some(1));
    insta::assert_snapshot!("bad_target", out.stderr);
}

fn save_targeted_plan(dir: &Path) -> Value {
    let out = run(zdpolicy(dir).args([
        "plan",
        "--sandbox",
        "--target",
        "acme-prod.trigger.vip-*",
        "--out",
        "plan.json",
        "policy/",
    ]));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    serde_json::from_str(&std::fs::read_to_string(dir.join("plan.json")).unwrap()).unwrap()
}

fn apply_file(dir: &Path, file: &str, extra: &[&str]) -> Run {
    run(zdpolicy(dir)
        .args(["apply", "--sandbox", file, "--policy", "policy/"])
        .args(extra))
}

#[test]
fn a_saved_targeted_plan_applies_only_its_changes() {
    let dir = workspace();
    save_targeted_plan(dir.path());
    let out = apply_file(dir.path(), "plan.json", &[]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr.contains("Apply complete. 2 applied"),
        "{}",
        out.stderr
    );
    let after = json_plan(dir.path(), &[]);
    let pending: Vec<&Value> = after["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["changes"].as_array().unwrap())
        .filter(|c| c["actions"] != serde_json::json!(["no-op"]))
        .collect();
    let pending: Vec<&str> = pending
        .iter()
        .map(|c| c["address"].as_str().unwrap())
        .collect();
    assert!(
        !pending.contains(&"acme-prod.trigger.vip-messaging"),
        "{pending:?}"
    );
    assert!(
        pending.contains(&"acme-prod.csat.survey_on_session_end"),
        "untargeted: {pending:?}"
    );
}

/// The tamper check covers the targets: widened in the file, apply makes a wider plan than the
/// file holds and refuses before any write; narrowed without removing the changes, the file
/// contradicts itself and neither `show` nor `apply` reads it.
#[test]
fn edited_targets_in_a_saved_plan_are_refused() {
    let dir = workspace();
    let mut plan = save_targeted_plan(dir.path());
    plan["targets"] = serde_json::json!(["acme-prod"]);
    std::fs::write(dir.path().join("widened.json"), plan.to_string()).unwrap();
    let out = apply_file(dir.path(), "widened.json", &[]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .contains("the plan does not match what the policy and Zendesk give now"),
        "{}",
        out.stderr
    );
    plan["targets"] = serde_json::json!(["acme-prod.category.*"]);
    std::fs::write(dir.path().join("narrowed.json"), plan.to_string()).unwrap();
    let out = apply_file(dir.path(), "narrowed.json", &[]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains(
            "acme-prod.trigger.vip-messaging: the change is outside the plan's targets (acme-prod.category.*)"
        ),
        "{}",
        out.stderr
    );
    let shown = run(zdpolicy(dir.path()).args(["show", "narrowed.json"]));
    assert_eq!(shown.code, Some(1));
    // Nothing reached the sandbox: the whole targeted plan is still to do.
    let again = json_plan(dir.path(), &["--target", "acme-prod.trigger.vip-*"]);
    assert_eq!(again["summary"]["add"], 2, "nothing was applied: {again}");
}

/// `apply PLAN --target` only narrows what the saved plan holds: a target outside it is an
/// error, one inside applies just that part.
#[test]
fn apply_of_a_saved_plan_with_target_only_narrows() {
    let dir = workspace();
    save_targeted_plan(dir.path());
    let out = apply_file(dir.path(), "plan.json", &["--target", "acme-prod.csat"]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .contains("no change of the saved plan matches --target acme-prod.csat"),
        "{}",
        out.stderr
    );
    let out = apply_file(
        dir.path(),
        "plan.json",
        &["--target", "acme-prod.category.*"],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr.contains("Apply complete. 1 applied"),
        "{}",
        out.stderr
    );
    let again = json_plan(dir.path(), &["--target", "acme-prod.trigger.vip-*"]);
    assert_eq!(
        addresses(&again),
        ["acme-prod.trigger.vip-messaging"],
        "the category exists now"
    );
}

#[test]
fn interactive_apply_with_target_applies_only_the_target() {
    let dir = workspace();
    let out = run(zdpolicy(dir.path()).args([
        "apply",
        "--sandbox",
        "--auto-approve",
        "--target",
        "acme-eu.setting.end_session_*",
        "policy/",
    ]));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("Targeted plan: only changes matching acme-eu.setting.end_session_*"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("Apply complete. 1 applied"),
        "{}",
        out.stderr
    );
}
