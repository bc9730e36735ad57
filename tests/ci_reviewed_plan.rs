//! "Apply what was reviewed", end to end against the simulator, by the example workflow's own
//! scripts: the steps of `examples/github-actions/.github/workflows/zdpolicy.yml` run with bash
//! as GitHub runs them, with their `env` evaluated from the file (so a credential missing from
//! the workflow fails here as it would in CI), a stand-in `gh` answering from files, and the
//! `uses:` steps (checkout, upload) played by the test.
//!
//! A pull request is planned; Zendesk changes; the merge's apply refuses and writes nothing,
//! and tells the pull request to re-plan; re-run, the plan is applied and nothing is left to do.
//! Every way the merge can miss its plan is refused with what to do.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::{Value, json};
use zdpolicy::simulator::{
    AccountSeed, RunningSimulator, Simulator, SimulatorConfig, SunshineSeed,
};

mod support;

const WORKFLOW: &str = "examples/github-actions/.github/workflows/zdpolicy.yml";
const REPO: &str = "acme/zendesk-policy";
const TOKEN: &str = "ci-oauth-token";
const CLIENT_SECRET: &str = "ci-client-secret";
const SUNCO_KEY: &str = "app_ci_key";
const SUNCO_SECRET: &str = "ci-sunshine-secret";
/// The example policy's Sunshine Conversations app.
const SUNCO_APP: &str = "5f1e2d3c4b5a69788796a5b4";
const PR: u64 = 7;
const HEAD: &str = "1111111111111111111111111111111111111111";
const MERGE: &str = "2222222222222222222222222222222222222222";

/// A stand-in for the GitHub CLI, answering from files under `$FAKE_GITHUB`: `api PATH --jq F`
/// (a JSON file per path, filtered with jq as gh does), `run download`, `pr comment`.
const FAKE_GH: &str = r#"#!/usr/bin/env bash
set -euo pipefail
[ -n "${GH_TOKEN:-}" ] || { echo "gh: GH_TOKEN is not set" >&2; exit 4; }
case "$1" in
  api)
    path="$2"; shift 2; filter=.
    while [ $# -gt 0 ]; do
      case "$1" in --jq) filter="$2"; shift 2 ;; *) echo "gh api: unexpected $1" >&2; exit 2 ;; esac
    done
    file="$FAKE_GITHUB/api/$(printf '%s' "$path" | tr '/?&=' '____').json"
    [ -f "$file" ] || { echo "gh: Not Found (HTTP 404): $path" >&2; exit 1; }
    jq -r "$filter" "$file"
    ;;
  run)
    [ "$2" = download ] || exit 2
    run="$3"; shift 3; name=""; dir=.
    while [ $# -gt 0 ]; do
      case "$1" in --name) name="$2"; shift 2 ;; --dir) dir="$2"; shift 2 ;; *) exit 2 ;; esac
    done
    [ -d "$FAKE_GITHUB/runs/$run/$name" ] || { echo "gh: no artifact $name in run $run" >&2; exit 1; }
    mkdir -p "$dir"
    cp -R "$FAKE_GITHUB/runs/$run/$name/." "$dir/"
    ;;
  pr)
    [ "$2" = comment ] && [ "$4" = --body ] && [ -n "${GH_REPO:-}" ] || exit 2
    printf '%s\n' "$5" >> "$FAKE_GITHUB/comments-$3.txt"
    ;;
  *) echo "gh: unexpected $*" >&2; exit 2 ;;
esac
"#;

/// The workflow file, and what GitHub would know while running it.
struct Ci {
    workflow: Value,
    github: tempfile::TempDir,
    bin: tempfile::TempDir,
    api_url: Option<String>,
}

/// What one step did.
struct Step {
    output: Output,
    outputs: BTreeMap<String, String>,
    summary: String,
}

impl Step {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
}

impl Ci {
    fn new(api_url: Option<String>) -> Self {
        let text = std::fs::read_to_string(WORKFLOW).unwrap();
        let mut options = serde_saphyr::Options::default();
        options.strict_booleans = true;
        let workflow = serde_saphyr::from_str_with_options(&text, options).unwrap();
        let github = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(github.path().join("api")).unwrap();
        let bin = tempfile::tempdir().unwrap();
        let gh = bin.path().join("gh");
        std::fs::write(&gh, FAKE_GH).unwrap();
        assert!(
            Command::new("chmod")
                .arg("+x")
                .arg(&gh)
                .status()
                .unwrap()
                .success()
        );
        Self {
            workflow,
            github,
            bin,
            api_url,
        }
    }

    /// Answers `gh api PATH` with `body`.
    fn answer(&self, path: &str, body: &Value) {
        let name: String = path
            .chars()
            .map(|c| if "/?&=".contains(c) { '_' } else { c })
            .collect();
        std::fs::write(
            self.github.path().join("api").join(format!("{name}.json")),
            body.to_string(),
        )
        .unwrap();
    }

    fn step(&self, job: &str, id: &str) -> &Value {
        self.workflow["jobs"][job]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id || s["name"] == id)
            .unwrap_or_else(|| panic!("job {job} has no step {id}"))
    }

    /// Evaluates a value of the workflow: text with `${{ EXPR }}` replaced from `context`; an
    /// expression the test does not know fails it (the workflow changed: teach the test).
    fn evaluate(value: &str, context: &BTreeMap<&str, String>) -> String {
        let mut out = String::new();
        let mut rest = value;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("a closed expression") + start;
            let expression = rest[start + 3..end].trim();
            let known = context
                .get(expression)
                .unwrap_or_else(|| panic!("the test does not know `{expression}`"));
            out.push_str(known);
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// Runs a `run:` step of a job in `dir` as GitHub does (`bash -eo pipefail`), with the
    /// workflow's, the job's and the step's `env`.
    fn run(&self, job: &str, id: &str, dir: &Path, context: &BTreeMap<&str, String>) -> Step {
        let step = self.step(job, id);
        let script = step["run"].as_str().expect("a run step");
        let mut env = BTreeMap::new();
        for scope in [
            &self.workflow["env"],
            &self.workflow["jobs"][job]["env"],
            &step["env"],
        ] {
            for (key, value) in scope.as_object().into_iter().flatten() {
                env.insert(
                    key.clone(),
                    Self::evaluate(value.as_str().unwrap(), context),
                );
            }
        }
        let file = self.github.path().join("step.sh");
        std::fs::write(&file, script).unwrap();
        let output_file = self.github.path().join("output");
        let summary_file = self.github.path().join("summary");
        for f in [&output_file, &summary_file] {
            std::fs::write(f, "").unwrap();
        }
        let zdpolicy = Path::new(env!("CARGO_BIN_EXE_zdpolicy")).parent().unwrap();
        let path = format!(
            "{}:{}:{}",
            self.bin.path().display(),
            zdpolicy.display(),
            std::env::var("PATH").unwrap()
        );
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&file)
            .current_dir(dir)
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.github.path())
            .env("CI", "true")
            .env("FAKE_GITHUB", self.github.path())
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &summary_file)
            .env("GITHUB_REPOSITORY", REPO)
            .env("GITHUB_SHA", MERGE)
            .env("GITHUB_SERVER_URL", "https://github.example")
            .env("GITHUB_RUN_ID", "900")
            .envs(&env);
        if let Some(url) = &self.api_url {
            cmd.env("ZDPOLICY_API_URL", url);
        }
        let output = cmd.output().unwrap();
        let outputs = std::fs::read_to_string(&output_file)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Step {
            output,
            outputs,
            summary: std::fs::read_to_string(&summary_file).unwrap(),
        }
    }

    /// The pull-request job: the plan step, then "Keep the plan" as an artifact of run `run`,
    /// listed by the API as created at `created`.
    fn plan_pull_request(&self, checkout: &Path, run: u64, created: &str) -> Step {
        let step = self.run("plan", "plan", checkout, &context());
        assert_eq!(step.output.status.code(), Some(0), "{}", step.stderr());
        let keep = self.step("plan", "Keep the plan");
        assert_eq!(keep["uses"], "actions/upload-artifact@v4");
        let name = Ci::evaluate(keep["with"]["name"].as_str().unwrap(), &context());
        let to = self.github.path().join(format!("runs/{run}/{name}"));
        std::fs::create_dir_all(&to).unwrap();
        for file in keep["with"]["path"].as_str().unwrap().split_whitespace() {
            if checkout.join(file).exists() {
                std::fs::copy(checkout.join(file), to.join(file)).unwrap();
            }
        }
        let listed = format!("repos/{REPO}/actions/artifacts?name={name}&per_page=100");
        let mut artifacts = self.listed(&listed);
        artifacts.push(json!({
            "name": name, "expired": false, "created_at": created,
            "workflow_run": {"id": run, "head_sha": HEAD},
        }));
        self.answer(&listed, &json!({ "artifacts": artifacts }));
        step
    }

    fn listed(&self, path: &str) -> Vec<Value> {
        let name: String = path
            .chars()
            .map(|c| if "/?&=".contains(c) { '_' } else { c })
            .collect();
        std::fs::read_to_string(self.github.path().join("api").join(format!("{name}.json")))
            .map(|t| serde_json::from_str::<Value>(&t).unwrap()["artifacts"].clone())
            .ok()
            .and_then(|a| a.as_array().cloned())
            .unwrap_or_default()
    }

    /// GitHub's answers about the merge commit: merged from pull request #7 with head `HEAD`.
    fn merged_from_pull_request(&self) {
        self.answer(
            &format!("repos/{REPO}/commits/{MERGE}/pulls"),
            &json!([{"number": PR, "merged_at": "2026-11-30T10:00:00Z", "base": {"ref": "main"}}]),
        );
        self.answer(
            &format!("repos/{REPO}/pulls/{PR}"),
            &json!({"number": PR, "head": {"sha": HEAD}}),
        );
    }

    /// The apply job after the merge: fetch the reviewed plan, apply it, and when that fails,
    /// the step that says what to do. Returns the apply step (or the fetch step if it failed).
    fn apply_merge(&self, checkout: &Path) -> (Step, Option<Step>) {
        let _ = std::fs::remove_dir_all(checkout.join("reviewed"));
        let fetch = self.run("apply", "reviewed", checkout, &context());
        if !fetch.output.status.success() {
            return (fetch, None);
        }
        let mut context = context();
        context.insert("steps.reviewed.outputs.pr", fetch.outputs["pr"].clone());
        let apply = self.run("apply", "apply", checkout, &context);
        if apply.output.status.success() {
            return (apply, None);
        }
        let advice_step = self.workflow["jobs"]["apply"]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["if"] == "failure() && steps.apply.outcome == 'failure'")
            .expect("a step that runs when the apply failed");
        let name = advice_step["name"].as_str().unwrap();
        let advice = self.run("apply", name, checkout, &context);
        (apply, Some(advice))
    }

    fn comments(&self) -> String {
        std::fs::read_to_string(self.github.path().join(format!("comments-{PR}.txt")))
            .unwrap_or_default()
    }
}

/// The expressions the workflow's `env` and `with` use, as GitHub would fill them in.
fn context() -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("secrets.ACME_ZENDESK_OAUTH_TOKEN", TOKEN.to_owned()),
        ("secrets.ACME_SUNCO_KEY_ID", SUNCO_KEY.to_owned()),
        ("secrets.ACME_SUNCO_KEY_SECRET", SUNCO_SECRET.to_owned()),
        (
            "secrets.ACME_EU_ZENDESK_CLIENT_SECRET",
            CLIENT_SECRET.to_owned(),
        ),
        ("github.event.pull_request.head.sha", HEAD.to_owned()),
        ("github.token", "fake-github-token".to_owned()),
        ("github.event.repository.default_branch", "main".to_owned()),
        ("github.repository", REPO.to_owned()),
    ])
}

fn seed(subdomain: &str) -> AccountSeed {
    support::with_oauth_client(support::admin_seed(subdomain, TOKEN), CLIENT_SECRET)
}

async fn simulator() -> RunningSimulator {
    let mut acme = seed("acme");
    acme.sunshine_conversations = Some(SunshineSeed {
        app_id: SUNCO_APP.into(),
        key_id: SUNCO_KEY.into(),
        secret: SUNCO_SECRET.into(),
        display_name: None,
        settings: serde_json::Map::new(),
    });
    Simulator::start(SimulatorConfig {
        rate_limit_window: Duration::from_secs(60),
        accounts: vec![acme, seed("acme-eu")],
        ..SimulatorConfig::ephemeral()
    })
    .await
    .unwrap()
}

/// A checkout of the policy repository: the multi-account example in `policy/`.
fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("policy")).unwrap();
    std::fs::copy(
        "examples/multi-account/zdpolicy.yaml",
        dir.path().join("policy/zdpolicy.yaml"),
    )
    .unwrap();
    dir
}

fn now() -> String {
    let out = Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_merge_applies_the_reviewed_plan_and_refuses_it_once_zendesk_changed() {
    let sim = simulator().await;
    let ci = Ci::new(Some(sim.url_template()));
    let pull_request = checkout();
    let merged = checkout(); // the default branch after the merge: the same policy

    // The pull request: validated, planned, the plan kept for its head commit.
    let validate = ci.run(
        "plan",
        "Validate (annotations on the changed lines)",
        pull_request.path(),
        &context(),
    );
    assert!(validate.output.status.success(), "{}", validate.stderr());
    let plan = ci.plan_pull_request(pull_request.path(), 101, &now());
    assert_eq!(plan.outputs["exit-code"], "2", "changes to review");
    assert_eq!(plan.outputs["planned"], "true");
    let comment = std::fs::read_to_string(pull_request.path().join("plan.md")).unwrap();
    assert!(comment.contains("<!-- zdpolicy-plan -->"), "{comment}");
    assert!(
        comment.contains(&format!("Saved as the plan of commit {HEAD}")),
        "{comment}"
    );
    assert!(
        !comment.contains("unreadable") && !comment.contains("error"),
        "every account is readable with the workflow's credentials: {comment}"
    );

    // Zendesk changes before the merge: the reviewed plan no longer holds.
    support::edit_csat_trigger_in_zendesk(&sim, TOKEN).await;
    let before = support::triggers(&sim, "acme", TOKEN).await;
    ci.merged_from_pull_request();
    let (apply, advice) = ci.apply_merge(merged.path());
    assert_eq!(apply.output.status.code(), Some(1), "{}", apply.stderr());
    assert!(
        apply
            .stderr()
            .contains("acme-prod.csat.survey_on_session_end was edited in Zendesk at"),
        "{}",
        apply.stderr()
    );
    assert_eq!(
        support::triggers(&sim, "acme", TOKEN).await,
        before,
        "nothing was written"
    );
    let advice = advice.expect("the workflow says what to do");
    assert!(advice.output.status.success(), "{}", advice.stderr());
    insta::assert_snapshot!("reviewed_plan_refused_comment", ci.comments());
    assert!(
        ci.comments().contains(advice.summary.trim_end()),
        "the job summary says what the comment says"
    );

    // As told: the plan job of the pull request is re-run, then the apply job.
    let replan = ci.plan_pull_request(pull_request.path(), 102, &now());
    assert_eq!(replan.outputs["exit-code"], "2");
    let (apply, advice) = ci.apply_merge(merged.path());
    assert!(apply.output.status.success(), "{}", apply.stderr());
    assert!(advice.is_none());
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(merged.path().join("apply-report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["refused"], false);

    // Nothing is left to do: the default branch's policy and Zendesk agree.
    let after = Command::new(env!("CARGO_BIN_EXE_zdpolicy"))
        .args(["plan", "policy/", "--detailed-exitcode"])
        .current_dir(merged.path())
        .env("ZDPOLICY_API_URL", sim.url_template())
        .env("ACME_ZENDESK_OAUTH_TOKEN", TOKEN)
        .env("ACME_EU_ZENDESK_CLIENT_SECRET", CLIENT_SECRET)
        .env("ACME_SUNCO_KEY_ID", SUNCO_KEY)
        .env("ACME_SUNCO_KEY_SECRET", SUNCO_SECRET)
        .output()
        .unwrap();
    assert_eq!(after.status.code(), Some(0), "{after:?}");
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_policy_that_changed_after_the_review_is_refused_with_what_to_do() {
    let sim = simulator().await;
    let ci = Ci::new(Some(sim.url_template()));
    let pull_request = checkout();
    ci.plan_pull_request(pull_request.path(), 101, &now());
    // Another pull request landed first: the default branch's policy is not the one planned.
    let merged = checkout();
    let policy = merged.path().join("policy/zdpolicy.yaml");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(&policy, text.replace("value: urgent", "value: high")).unwrap();
    let before = support::triggers(&sim, "acme", TOKEN).await;
    ci.merged_from_pull_request();
    let (apply, advice) = ci.apply_merge(merged.path());
    assert_eq!(apply.output.status.code(), Some(1));
    assert!(
        apply.stderr().contains("plan-policy-mismatch"),
        "{}",
        apply.stderr()
    );
    assert_eq!(
        support::triggers(&sim, "acme", TOKEN).await,
        before,
        "nothing was written"
    );
    assert!(advice.unwrap().output.status.success());
    insta::assert_snapshot!("reviewed_plan_policy_changed_comment", ci.comments());
    sim.shutdown().await.unwrap();
}

/// The fetch step alone, for each way a merge can miss its reviewed plan.
fn refused(ci: &Ci, dir: &Path) -> String {
    let (fetch, advice) = ci.apply_merge(dir);
    assert_eq!(fetch.output.status.code(), Some(1), "{}", fetch.stderr());
    assert!(advice.is_none());
    assert!(!dir.join("reviewed/plan.json").exists());
    assert_eq!(
        fetch
            .stdout()
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("::error::")),
        Some(fetch.summary.trim_end()),
        "the error annotation and the job summary say the same: {}",
        fetch.stderr()
    );
    fetch.summary
}

#[test]
fn every_way_a_merge_can_miss_its_reviewed_plan_is_refused_with_what_to_do() {
    let ci = Ci::new(None);
    let dir = checkout();
    let mut messages = Vec::new();

    // A push that no pull request merged.
    ci.answer(&format!("repos/{REPO}/commits/{MERGE}/pulls"), &json!([]));
    messages.push(refused(&ci, dir.path()));

    // A pull request merged into another branch is not this merge.
    ci.answer(
        &format!("repos/{REPO}/commits/{MERGE}/pulls"),
        &json!([{"number": 3, "merged_at": "2026-11-30T10:00:00Z", "base": {"ref": "release"}}]),
    );
    messages.push(refused(&ci, dir.path()));

    // Merged, but its plan job never saved a plan (it failed, or the merge came first).
    ci.merged_from_pull_request();
    let listed = format!("repos/{REPO}/actions/artifacts?name=zdpolicy-plan-{HEAD}&per_page=100");
    ci.answer(&listed, &json!({"total_count": 0, "artifacts": []}));
    messages.push(refused(&ci, dir.path()));

    // A plan saved too long ago.
    let saved = |name: &str| {
        let to = ci
            .github
            .path()
            .join(format!("runs/55/zdpolicy-plan-{HEAD}"));
        std::fs::create_dir_all(&to).unwrap();
        std::fs::write(to.join(name), "{}").unwrap();
    };
    saved("plan.md");
    let artifact = |created: &str, expired: bool, head: &str| {
        json!({"artifacts": [{"expired": expired, "created_at": created,
            "workflow_run": {"id": 55, "head_sha": head}}]})
    };
    ci.answer(&listed, &artifact("2020-01-01T00:00:00Z", false, HEAD));
    messages.push(refused(&ci, dir.path()));

    // Expired, or of another commit: not found.
    ci.answer(&listed, &artifact(&now(), true, HEAD));
    assert!(refused(&ci, dir.path()).contains("no plan is saved"));
    ci.answer(
        &listed,
        &artifact(&now(), false, "3333333333333333333333333333333333333333"),
    );
    assert!(refused(&ci, dir.path()).contains("no plan is saved"));

    // The plan had errors: the comment was kept, no plan.json.
    ci.answer(&listed, &artifact(&now(), false, HEAD));
    messages.push(refused(&ci, dir.path()));

    insta::with_settings!({filters => vec![(r"is \d+ days old", "is [N] days old")]}, {
        insta::assert_snapshot!("reviewed_plan_missing", messages.join("\n"));
    });
}
