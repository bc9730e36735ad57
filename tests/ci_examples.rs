//! The CI files users copy are valid and keep their promises: every GitHub Actions workflow
//! and `action.yml` validates against SchemaStore's schemas, the GitLab example against
//! GitLab's (all vendored in `tests/fixtures/ci-schemas/`), and the example workflows give
//! every Zendesk job every credential of the example policy, keep the pull-request job
//! read-only, run applies only from the default branch one at a time, and let every drift
//! shard run.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use zdpolicy::policy::model::Credentials;
use zdpolicy::policy::secret::SecretRef;
use zdpolicy::policy::{self, PolicyFiles};

const WORKFLOW: &str = "examples/github-actions/.github/workflows/zdpolicy.yml";
const DRIFT: &str = "examples/github-actions/.github/workflows/zdpolicy-drift.yml";
const GITLAB: &str = "examples/gitlab-ci/.gitlab-ci.yml";
const GITLAB_DRIFT: &str = "examples/gitlab-ci/.gitlab/zdpolicy-drift.yml";

/// Parses YAML as GitHub and GitLab do (YAML 1.2 booleans: `on` stays a key).
fn yaml(path: &str) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    serde_saphyr::from_str_with_options(&text, options).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn schema(name: &str) -> jsonschema::Validator {
    let text = fs::read_to_string(format!("tests/fixtures/ci-schemas/{name}")).unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, path: &str) {
    let errors: Vec<String> = validator
        .iter_errors(&yaml(path))
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{path}:\n{}", errors.join("\n"));
}

fn workflows() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [
        ".github/workflows",
        "examples/github-actions/.github/workflows",
    ] {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_workflow_validates_against_the_github_workflow_schema() {
    let validator = schema("github-workflow.json");
    let files = workflows();
    assert!(
        files.len() >= 3,
        "the release workflow and both examples: {files:?}"
    );
    for path in files {
        assert_valid(&validator, path.to_str().unwrap());
    }
}

#[test]
fn the_action_validates_against_the_github_action_schema() {
    assert_valid(&schema("github-action.json"), "action.yml");
}

#[test]
fn the_schemas_reject_what_github_and_gitlab_reject() {
    // A check that cannot fail proves nothing: each schema must refuse a broken file.
    let broken: Value = serde_json::json!({"on": "push", "jobs": {"x": {"runs-on": "ubuntu-latest", "steps": [{"run": 1, "uses": 2}]}}});
    assert!(!schema("github-workflow.json").is_valid(&broken));
    let action: Value = serde_json::json!({"name": "x", "description": "y", "runs": {"using": "composite", "steps": [{"run": "true"}]}});
    assert!(
        !schema("github-action.json").is_valid(&action),
        "a composite run step needs a shell"
    );
    let gitlab: Value = serde_json::json!({"job": {"script": "true", "parallel": "three"}});
    assert!(!schema("gitlab-ci.json").is_valid(&gitlab));
}

#[test]
fn the_gitlab_example_validates_and_has_the_three_flows() {
    let validator = schema("gitlab-ci.json");
    assert_valid(&validator, GITLAB);
    assert_valid(&validator, GITLAB_DRIFT);
    let ci = yaml(GITLAB);
    let rules = |job: &str| serde_json::to_string(&ci[job]["rules"]).unwrap();
    assert!(rules("plan").contains("merge_request_event"));
    assert!(rules("plan-note").contains("merge_request_event"));
    assert!(
        rules("apply").contains("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"),
        "applies only run on the default branch"
    );
    assert_eq!(ci["apply"]["resource_group"], "zdpolicy-apply");
    assert_eq!(ci["apply"]["environment"]["name"], "zendesk-apply");
    let apply = serde_json::to_string(&ci["apply"]["script"]).unwrap();
    assert!(
        apply.contains("zdpolicy apply reviewed/plan.json"),
        "{apply}"
    );
    assert!(rules("drift").contains("schedule"));
    assert_eq!(
        ci["drift"]["resource_group"], "zdpolicy-apply",
        "the drift pipeline is serialised against applies"
    );
    assert_eq!(ci["drift"]["trigger"]["strategy"], "depend");
    let include = ci["drift"]["trigger"]["include"].as_str().unwrap();
    assert_eq!(
        Path::new("examples/gitlab-ci").join(include),
        Path::new(GITLAB_DRIFT)
    );
    let drift = yaml(GITLAB_DRIFT);
    assert!(drift["shard"]["parallel"].as_u64().unwrap() >= 2);
    assert!(
        drift["shard"].get("resource_group").is_none(),
        "the shards run at once"
    );
    let shard = serde_json::to_string(&drift["shard"]["script"]).unwrap();
    assert!(
        shard.contains("--shard \\\"$CI_NODE_INDEX/$CI_NODE_TOTAL\\\""),
        "{shard}"
    );
}

/// Every environment variable the example policy reads a credential from.
fn credential_variables() -> BTreeSet<String> {
    let loaded = policy::load(&PolicyFiles {
        label: "multi-account".into(),
        files: vec![PathBuf::from("examples/multi-account/zdpolicy.yaml")],
        skipped: Vec::new(),
    });
    assert!(!loaded.has_errors());
    let mut refs: Vec<&SecretRef> = Vec::new();
    for account in &loaded.accounts {
        match account
            .credentials
            .as_ref()
            .expect("every account has credentials")
        {
            Credentials::OauthToken { oauth_token } => refs.push(oauth_token),
            Credentials::OauthClient { client_secret, .. } => refs.push(client_secret),
            Credentials::ApiToken { api_token, .. } => refs.push(api_token),
            // A sign-in has no reference: its tokens are outside the policy.
            Credentials::Login { .. } => {}
        }
        if let Some(sunshine) = &account.sunshine_conversations {
            refs.extend([&sunshine.key_id.value, &sunshine.key_secret.value]);
        }
    }
    refs.into_iter()
        .map(|r| match r {
            SecretRef::Env(name) => name.clone(),
            other => panic!("the example's CI reads credentials from the environment: {other:?}"),
        })
        .collect()
}

fn jobs(workflow: &Value) -> Vec<(&String, &Value)> {
    workflow["jobs"].as_object().unwrap().iter().collect()
}

fn runs(job: &Value) -> String {
    job["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_zendesk_job_gets_every_credential_of_the_policy_and_no_other_job_any() {
    let names = credential_variables();
    assert_eq!(
        names.len(),
        4,
        "OAuth token, Sunshine key id and secret, OAuth client secret: {names:?}"
    );
    let mut zendesk_jobs = 0;
    for path in [WORKFLOW, DRIFT] {
        let workflow = yaml(path);
        assert!(
            workflow
                .get("env")
                .is_none_or(|env| names.iter().all(|n| env.get(n).is_none())),
            "{path}: credentials at workflow level would reach every job"
        );
        for (id, job) in jobs(&workflow) {
            let script = runs(job);
            let talks_to_zendesk =
                script.contains("zdpolicy plan") || script.contains("zdpolicy apply");
            for name in &names {
                let value = job["env"].get(name).and_then(Value::as_str);
                if talks_to_zendesk {
                    assert_eq!(
                        value,
                        Some(format!("${{{{ secrets.{name} }}}}").as_str()),
                        "{path}: job {id} lacks {name}"
                    );
                } else {
                    assert_eq!(value, None, "{path}: job {id} needs no Zendesk credential");
                }
            }
            zendesk_jobs += usize::from(talks_to_zendesk);
        }
    }
    assert_eq!(zendesk_jobs, 3, "plan, apply and drift");
}

#[test]
fn run_scripts_take_values_from_the_environment_never_from_expressions() {
    // `${{ }}` inside a script is pasted into it before bash runs it (script injection).
    for path in [WORKFLOW, DRIFT] {
        for (id, job) in jobs(&yaml(path)) {
            assert!(!runs(job).contains("${{"), "{path}: job {id}");
        }
    }
    let action = yaml("action.yml");
    for step in action["runs"]["steps"].as_array().unwrap() {
        let run = step["run"].as_str().unwrap_or_default();
        assert!(!run.contains("${{"), "action.yml: {run}");
    }
}

#[test]
fn the_pull_request_job_is_read_only_and_applies_run_only_from_the_default_branch() {
    let workflow = yaml(WORKFLOW);
    assert_eq!(workflow["permissions"], serde_json::json!({}));
    let plan = &workflow["jobs"]["plan"];
    for (scope, level) in plan["permissions"].as_object().unwrap() {
        assert_eq!(level, "read", "the plan job's token may not write {scope}");
    }
    assert!(plan.get("environment").is_none());
    let comment = &workflow["jobs"]["comment"];
    assert!(
        !runs(comment).contains("zdpolicy"),
        "the job that may write runs no zdpolicy"
    );
    let apply = &workflow["jobs"]["apply"];
    assert_eq!(apply["environment"], "zendesk-apply");
    assert_eq!(
        apply["if"],
        "github.event_name == 'push' && github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
    );
    assert_eq!(
        apply["concurrency"],
        serde_json::json!({"group": "zdpolicy-apply", "cancel-in-progress": false})
    );
}

#[test]
fn drift_shards_share_no_group_and_the_run_holds_the_apply_group() {
    let drift = yaml(DRIFT);
    assert_eq!(
        drift["concurrency"],
        serde_json::json!({"group": "zdpolicy-apply", "cancel-in-progress": false}),
        "the whole run waits for, and holds off, applies"
    );
    let shards = &drift["jobs"]["drift"];
    assert!(
        shards.get("concurrency").is_none(),
        "a group per job would let GitHub cancel waiting shards"
    );
    assert_eq!(shards["strategy"]["fail-fast"], false);
    let list: Vec<&str> = shards["strategy"]["matrix"]["shard"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let n = list.len();
    assert!(n > 2, "more than two shards, all of which run");
    let expected: Vec<String> = (1..=n).map(|i| format!("{i}/{n}")).collect();
    assert_eq!(list, expected, "shards 1/N to N/N, each once");
    let report = &drift["jobs"]["report"];
    assert_eq!(report["needs"], "drift");
    let script = report["steps"][1]["with"]["script"].as_str().unwrap();
    assert!(
        script.contains("<!-- zdpolicy-drift -->"),
        "one issue, found by its marker"
    );
}

#[test]
fn the_examples_pin_the_action_and_the_binary_to_this_release() {
    let version = env!("CARGO_PKG_VERSION");
    for path in [WORKFLOW, DRIFT] {
        let workflow = yaml(path);
        assert_eq!(workflow["env"]["ZDPOLICY_VERSION"], version, "{path}");
        for (id, job) in jobs(&workflow) {
            for step in job["steps"].as_array().unwrap() {
                let uses = step["uses"].as_str().unwrap_or_default();
                if uses.starts_with("zdpolicy/zdpolicy") {
                    assert_eq!(
                        uses,
                        format!("zdpolicy/zdpolicy@v{version}"),
                        "{path}: {id}"
                    );
                    assert_eq!(step["with"]["version"], "${{ env.ZDPOLICY_VERSION }}");
                }
            }
        }
    }
    for path in [GITLAB, GITLAB_DRIFT] {
        assert_eq!(
            yaml(path)["variables"]["ZDPOLICY_VERSION"],
            version,
            "{path}"
        );
    }
}

#[test]
fn the_action_runs_the_scripts_it_ships() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    assert_eq!(action["inputs"]["version"]["required"], true);
    assert!(action["inputs"]["args"].is_object());
    let scripts: Vec<String> = action["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .flat_map(|run| {
            run.split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter_map(|word| {
            word.trim_matches('"')
                .strip_prefix("$GITHUB_ACTION_PATH/")
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(scripts, ["action/install.sh", "action/run.sh"]);
    for script in scripts {
        assert!(Path::new(&script).is_file(), "{script}");
    }
}
