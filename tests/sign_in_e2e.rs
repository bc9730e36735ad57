//! `zdpolicy login`, `plan` with the stored sign-in, transparent refresh, revocation and
//! `logout`, run as a person runs them, against the simulator over HTTP. The test plays the
//! browser: it reads the URL `login --no-browser` prints and opens it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use assert_cmd::cargo::CommandCargoExt;
use zdpolicy::simulator::{AccountSeed, RunningSimulator, SignInSeed, Simulator, SimulatorConfig};

const POLICY: &str = "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    messaging: { end_session_after_inactivity: true }\n";

struct World {
    sim: RunningSimulator,
    dir: tempfile::TempDir,
    config: tempfile::TempDir,
}

async fn world() -> World {
    let mut seed = AccountSeed::new("acme");
    seed.credentials.sign_in = Some(SignInSeed::default());
    let sim = Simulator::start(SimulatorConfig {
        accounts: vec![seed],
        ..SimulatorConfig::ephemeral()
    })
    .await
    .expect("simulator starts");
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("zdpolicy.yaml"), POLICY).expect("policy");
    let config = tempfile::tempdir().expect("config dir");
    World { sim, dir, config }
}

impl World {
    fn command(&self) -> Command {
        let mut cmd = Command::cargo_bin("zdpolicy").expect("binary");
        cmd.current_dir(self.dir.path())
            .env("ZDPOLICY_CONFIG_DIR", self.config.path())
            .env("ZDPOLICY_API_URL", self.sim.url_template())
            .env("ZDPOLICY_TOKEN_STORE", "file")
            .env_remove("ZENDESK_OAUTH_TOKEN")
            .env_remove("ZENDESK_API_TOKEN")
            .env_remove("ZENDESK_EMAIL")
            .env_remove("BROWSER")
            .env("NO_COLOR", "1");
        cmd
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        self.command().args(args).output().expect("runs")
    }

    /// `zdpolicy login --no-browser`, with the test opening the printed URL.
    async fn login(&self) -> std::process::Output {
        let mut child = self
            .command()
            .args([
                "login",
                "--account",
                "acme",
                "--no-browser",
                "--timeout",
                "30",
            ])
            .stderr(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("login starts");
        let (url, early, rest) = read_url(&mut child);
        let http = reqwest::Client::new();
        let page = http.get(&url).send().await.expect("the browser follows");
        assert_eq!(page.status(), 200);
        let text = page.text().await.expect("page");
        assert!(text.contains("signed in"), "{text}");
        let mut output = tokio::task::spawn_blocking(move || child.wait_with_output())
            .await
            .expect("joins")
            .expect("login ends");
        let rest = rest.join().expect("stderr drained").join("\n");
        output.stderr = format!("{early}{rest}\n").into_bytes();
        output
    }

    fn tokens_file(&self) -> String {
        std::fs::read_to_string(self.config.path().join("tokens.json")).unwrap_or_default()
    }

    fn count(&self, method: &str, endpoint: &str) -> usize {
        self.sim
            .handle()
            .requests(Some("acme"))
            .iter()
            .filter(|r| r.method == method && r.endpoint == endpoint)
            .count()
    }
}

type Lines = std::thread::JoinHandle<Vec<String>>;

/// Reads `login`'s standard error up to the URL it prints; returns it, what came before, and
/// the thread that reads the rest (so the child never blocks on a full pipe).
fn read_url(child: &mut Child) -> (String, String, Lines) {
    let stderr = child.stderr.take().expect("piped");
    let mut lines = BufReader::new(stderr).lines();
    let mut seen = String::new();
    for line in lines.by_ref() {
        let line = line.expect("text");
        seen.push_str(&line);
        seen.push('\n');
        if let Some(url) = line.trim().strip_prefix("http") {
            let rest = std::thread::spawn(move || lines.map_while(Result::ok).collect());
            return (format!("http{url}"), seen, rest);
        }
    }
    panic!("login printed no URL:\n{seen}");
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn secrets_of(tokens_file: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(tokens_file).expect("tokens.json is JSON");
    let mut out = Vec::new();
    for entry in value["tokens"].as_object().expect("tokens").values() {
        for key in ["access_token", "refresh_token"] {
            out.push(entry[key].as_str().expect(key).to_owned());
        }
    }
    out
}

fn assert_no_secret(what: &str, output: &std::process::Output, secrets: &[String]) {
    for secret in secrets {
        for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            assert!(
                !text(bytes).contains(secret.as_str()),
                "{what} prints a token on {stream}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn login_then_plan_refreshes_without_a_second_sign_in_and_logout_removes_it() {
    let world = world().await;
    let login = world.login().await;
    assert!(login.status.success(), "login: {}", text(&login.stderr));
    assert!(
        text(&login.stderr).contains("Signed in to acme as Admin <admin@example.com> (admin)"),
        "{}",
        text(&login.stderr)
    );
    let secrets = secrets_of(&world.tokens_file());
    assert_no_secret("login", &login, &secrets);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in ["tokens.json", "sign-ins.json"] {
            let mode = std::fs::metadata(world.config.path().join(file))
                .expect("written")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }
    assert!(
        walk_has(world.dir.path(), &secrets).is_none(),
        "nothing is written into the policy directory"
    );

    let plan = world.run(&["plan"]);
    assert!(plan.status.success(), "plan: {}", text(&plan.stderr));
    assert!(
        text(&plan.stdout).contains("acme"),
        "{}",
        text(&plan.stdout)
    );
    assert_eq!(
        world.count("POST", "POST /oauth/tokens"),
        1,
        "only the code exchange"
    );

    // The access token expires (30 minutes on the simulator's clock).
    world.sim.handle().advance_clock(Duration::from_secs(1801));
    let plan = world.run(&["plan"]);
    assert!(
        plan.status.success(),
        "plan after expiry: {}",
        text(&plan.stderr)
    );
    assert_eq!(world.count("POST", "POST /oauth/tokens"), 2, "one refresh");
    assert_eq!(
        world.count("GET", "GET /oauth/authorizations/new"),
        1,
        "no second sign-in"
    );
    let rotated = secrets_of(&world.tokens_file());
    assert_ne!(rotated, secrets, "the rotated pair is stored");
    assert_no_secret("plan", &plan, &rotated);

    let status = world.run(&["login", "--status"]);
    assert!(status.status.success());
    let shown = text(&status.stdout);
    assert!(shown.contains("acme (http://127.0.0.1:"), "{shown}");
    assert!(
        shown.contains("Admin <admin@example.com>, admin"),
        "{shown}"
    );
    assert!(shown.contains("tokens in a private file"), "{shown}");
    assert_no_secret("login --status", &status, &rotated);

    let logout = world.run(&["logout", "--account", "acme"]);
    assert!(logout.status.success(), "logout: {}", text(&logout.stderr));
    assert!(text(&logout.stderr).contains("Signed out of acme"));
    assert_eq!(
        world.sim.handle().live_sign_ins("acme"),
        0,
        "revoked at Zendesk"
    );
    assert!(
        !world.tokens_file().contains("acme"),
        "{}",
        world.tokens_file()
    );
    let status = world.run(&["login", "--status"]);
    assert!(text(&status.stdout).contains("Not signed in anywhere"));
    let plan = world.run(&["plan"]);
    assert!(!plan.status.success(), "no credentials after logout");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_sign_in_says_to_log_in_again() {
    let world = world().await;
    assert!(world.login().await.status.success());
    world.sim.handle().revoke_sign_ins("acme").expect("account");
    let plan = world.run(&["plan"]);
    assert!(!plan.status.success());
    let out = format!("{}{}", text(&plan.stdout), text(&plan.stderr));
    assert!(
        out.contains("the sign-in to acme no longer works")
            && out.contains("run `zdpolicy login --account acme` again"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn login_true_without_a_sign_in_says_how_to_sign_in() {
    let world = world().await;
    std::fs::write(
        world.dir.path().join("zdpolicy.yaml"),
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: { login: true }\n",
    )
    .expect("policy");
    let plan = world.run(&["plan"]);
    assert!(!plan.status.success());
    let out = format!("{}{}", text(&plan.stdout), text(&plan.stderr));
    assert!(
        out.contains("not signed in to acme: run `zdpolicy login --account acme`"),
        "{out}"
    );
}

/// The first file under `dir` that holds one of `secrets`.
fn walk_has(dir: &Path, secrets: &[String]) -> Option<std::path::PathBuf> {
    for entry in std::fs::read_dir(dir).ok()? {
        let path = entry.ok()?.path();
        if path.is_dir() {
            if let Some(found) = walk_has(&path, secrets) {
                return Some(found);
            }
        } else {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if secrets.iter().any(|s| text.contains(s.as_str())) {
                return Some(path);
            }
        }
    }
    None
}
