//! Shared by the tests that sign in: a simulator with a sign-in client, a policy directory, a
//! private configuration directory, and `zdpolicy login --no-browser` with the test playing
//! the browser (it reads the printed URL and opens it).
#![allow(dead_code)] // Each test binary uses a different part of this module.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use zdpolicy::simulator::{AccountSeed, RunningSimulator, SignInSeed, Simulator, SimulatorConfig};

pub const POLICY: &str = "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    messaging: { end_session_after_inactivity: true }\n";

pub struct World {
    pub sim: RunningSimulator,
    pub dir: tempfile::TempDir,
    pub config: tempfile::TempDir,
}

pub async fn world() -> World {
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
    pub fn command(&self) -> Command {
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

    pub fn run(&self, args: &[&str]) -> std::process::Output {
        self.command().args(args).output().expect("runs")
    }

    /// `zdpolicy login --no-browser`, with the test opening the printed URL.
    pub async fn login(&self) -> std::process::Output {
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

    pub fn tokens_file(&self) -> String {
        std::fs::read_to_string(self.config.path().join("tokens.json")).unwrap_or_default()
    }

    pub fn count(&self, method: &str, endpoint: &str) -> usize {
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

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn secrets_of(tokens_file: &str) -> Vec<String> {
    if tokens_file.is_empty() {
        return Vec::new();
    }
    let value: serde_json::Value = serde_json::from_str(tokens_file).expect("tokens.json is JSON");
    let mut out = Vec::new();
    for entry in value["tokens"].as_object().expect("tokens").values() {
        for key in ["access_token", "refresh_token"] {
            out.push(entry[key].as_str().expect(key).to_owned());
        }
    }
    out
}

pub fn assert_no_secret(what: &str, output: &std::process::Output, secrets: &[String]) {
    for secret in secrets {
        for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            assert!(
                !text(bytes).contains(secret.as_str()),
                "{what} prints a token on {stream}"
            );
        }
    }
}

/// The first file under `dir` that holds one of `secrets`.
pub fn walk_has(dir: &Path, secrets: &[String]) -> Option<std::path::PathBuf> {
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
