//! Secrets never appear in output: every command runs with a known token, and neither its
//! standard output, its standard error nor any file it writes may contain it. A property test
//! plants random secrets where the loader does not expect them (#11) and checks the same.

mod policy_gen;
mod sign_in_support;

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use proptest::prelude::*;
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
    assert_clean_of(CANARY, what, output);
}

fn assert_clean_of(secret: &str, what: &str, output: &Output) {
    for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains(secret),
            "{what}: the secret appears on {stream}:\n{text}"
        );
    }
}

fn assert_files_clean(dir: &Path) {
    assert_files_clean_of(CANARY, dir, "literal.yaml");
}

/// No file under `dir` but `own` (the user's own file, which holds the literal on purpose)
/// holds `secret`.
fn assert_files_clean_of(secret: &str, dir: &Path, own: &str) {
    for entry in walk(dir) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        if entry.file_name().is_some_and(|n| n == own) {
            continue;
        }
        assert!(
            !text.contains(secret),
            "{} holds the secret",
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

/// Where a planted secret goes: everywhere #11 found one slipping through.
#[derive(Debug, Clone)]
enum Plant {
    /// An extra entry in `credentials`, the secret nested in lists (`false`) and mappings
    /// (`true`) as deep as `nesting` says.
    InCredentials {
        key: &'static str,
        nesting: Vec<bool>,
    },
    /// The value of a misspelt credential key, in place of the reference.
    Misspelt(&'static str),
    /// A literal in `sunshine_conversations`.
    InSunshine(&'static str),
    /// A literal in `credentials`, in a file with a syntax error inserted at this line.
    BesideSyntaxError(usize),
}

fn plant() -> impl Strategy<Value = Plant> {
    let credential_key = prop_oneof![
        Just("oauth_token"),
        Just("oauth_tokn"),
        Just("client_secret"),
        Just("api_token"),
        Just("notes"),
        Just("extra"),
    ];
    prop_oneof![
        (
            credential_key,
            proptest::collection::vec(any::<bool>(), 0..4)
        )
            .prop_map(|(key, nesting)| Plant::InCredentials { key, nesting }),
        prop_oneof![
            Just("oauth_tokn"),
            Just("oath_token"),
            Just("client_secrt"),
            Just("api_tokn")
        ]
        .prop_map(Plant::Misspelt),
        prop_oneof![Just("key_secret"), Just("key_secrt"), Just("extra")]
            .prop_map(Plant::InSunshine),
        (0usize..40).prop_map(Plant::BesideSyntaxError),
    ]
}

/// A random high-entropy token, shaped like an API token.
fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z]{3}[0-9][A-Za-z0-9]{18,30}[0-9][a-z]{2}"
}

/// `policy` with `secret` planted as `plant` says, credentials in block or flow style.
fn planted(policy: &str, plant: &Plant, secret: &str, block: bool) -> String {
    let reference = "oauth_token: \"env:PROPERTY_UNUSED\"";
    let credentials = |entries: &[String]| {
        if block {
            let lines: Vec<String> = entries.iter().map(|e| format!("      {e}\n")).collect();
            format!("    credentials:\n{}", lines.concat())
        } else {
            format!("    credentials: {{ {} }}\n", entries.join(", "))
        }
    };
    match plant {
        Plant::InCredentials { key, nesting } => {
            let value = nesting.iter().enumerate().fold(secret.to_owned(), |inner, (i, map)| {
                if *map {
                    format!("{{ k{i}: {inner} }}")
                } else {
                    format!("[{inner}]")
                }
            });
            let block = credentials(&[reference.to_owned(), format!("{key}: {value}")]);
            policy.replace(policy_gen::CREDENTIALS_LINE, &block)
        }
        Plant::Misspelt(key) => {
            policy.replace(policy_gen::CREDENTIALS_LINE, &credentials(&[format!("{key}: {secret}")]))
        }
        Plant::InSunshine(key) => policy.replace(
            policy_gen::CREDENTIALS_LINE,
            &format!(
                "{}    sunshine_conversations: {{ app_id: app, key_id: env:SC_ID, {key}: {secret} }}\n",
                policy_gen::CREDENTIALS_LINE
            ),
        ),
        Plant::BesideSyntaxError(line) => {
            let text = policy.replace(
                policy_gen::CREDENTIALS_LINE,
                &credentials(&[format!("oauth_token: {secret}")]),
            );
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            lines.insert(line % (lines.len() + 1), "    broken: [unclosed\n");
            lines.concat()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Regression (#11): wherever a secret is planted, the policy is invalid and no output of
    /// `validate` (every format), `render` (every format) or `plan --sandbox` shows it.
    #[test]
    fn planted_secrets_appear_in_no_output(
        policy in policy_gen::policy(),
        plant in plant(),
        secret in secret(),
        block in any::<bool>(),
    ) {
        let text = planted(&policy, &plant, &secret, block);
        prop_assert!(text.contains(&secret));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("zdpolicy.yaml"), &text).unwrap();
        let runs: [&[&str]; 7] = [
            &["validate", "--color", "always"],
            &["-v", "validate", "--format", "json"],
            &["validate", "--format", "github"],
            &["render"],
            &["render", "--format", "json", "--explain"],
            &["plan", "--sandbox"],
            &["-v", "plan", "--sandbox", "--format", "json"],
        ];
        for args in runs {
            let output = zdpolicy(dir.path()).args(args).output().unwrap();
            prop_assert_eq!(output.status.code(), Some(1), "{:?} accepted:\n{}", args, text);
            assert_clean_of(&secret, &format!("{args:?} on\n{text}"), &output);
        }
        assert_files_clean_of(&secret, dir.path(), "zdpolicy.yaml");
    }
}

/// `login` and every command that uses its sign-in: the access and refresh tokens (all of
/// them, as they rotate) appear on no output and in no file but the private token file.
#[tokio::test(flavor = "multi_thread")]
async fn login_and_its_sign_in_never_print_or_write_a_token() {
    let world = sign_in_support::world().await;
    let mut seen: Vec<String> = Vec::new();
    let login = world.login().await;
    assert!(
        login.status.success(),
        "{}",
        String::from_utf8_lossy(&login.stderr)
    );
    seen.extend(sign_in_support::secrets_of(&world.tokens_file()));
    let mut outputs = vec![("login".to_owned(), login)];
    let runs: [&[&str]; 7] = [
        &["-v", "plan"],
        &["plan", "--format", "json"],
        &["-v", "apply", "--auto-approve"],
        &["-v", "export", "--triggers"],
        &["login", "--status"],
        &["-v", "plan"],
        &["logout", "--account", "acme"],
    ];
    for (i, args) in runs.iter().enumerate() {
        if i == 5 {
            // Expired: the next command refreshes and the new pair is stored.
            world
                .sim
                .handle()
                .advance_clock(std::time::Duration::from_secs(1801));
        }
        let output = world.run(args);
        // Each works through the sign-in, so the check below is not vacuous.
        assert!(
            output.status.success(),
            "{}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
        seen.extend(sign_in_support::secrets_of(&world.tokens_file()));
        outputs.push((args.join(" "), output));
    }
    seen.sort();
    seen.dedup();
    assert!(
        seen.len() >= 4,
        "the pair rotated at least once: {}",
        seen.len()
    );
    for (what, output) in &outputs {
        sign_in_support::assert_no_secret(what, output, &seen);
    }
    assert_eq!(
        sign_in_support::walk_has(world.dir.path(), &seen),
        None,
        "no file in the policy directory holds a token"
    );
    let records =
        std::fs::read_to_string(world.config.path().join("sign-ins.json")).unwrap_or_default();
    for secret in &seen {
        assert!(
            !records.contains(secret.as_str()),
            "sign-ins.json holds a token"
        );
    }
}
