//! A refused connection fails after a few attempts, saying each retry on stderr (#19).

use assert_cmd::Command;

/// A loopback port nothing listens on: bound, read, and released.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn plan(dir: &std::path::Path, port: u16, extra: &[&str]) -> (Option<i32>, String) {
    std::fs::write(
        dir.join("zdpolicy.yaml"),
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: { oauth_token: env:REFUSED_TOKEN }\n",
    )
    .unwrap();
    let output = Command::cargo_bin("zdpolicy")
        .unwrap()
        .current_dir(dir)
        .env("REFUSED_TOKEN", "refused-canary-token")
        .env_remove("ZDPOLICY_API_URL")
        .args(["--color", "never"])
        .args(extra)
        .args([
            "plan",
            "--api-url",
            &format!("http://127.0.0.1:{port}/{{subdomain}}"),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("refused-canary-token"), "{stderr}");
    (output.status.code(), stderr)
}

/// Regression: a wrong port waited the whole retry budget (120 s) in silence.
#[test]
fn a_refused_connection_gives_up_after_three_attempts_and_says_each_retry() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = plan(dir.path(), closed_port(), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    let retries: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("retrying in"))
        .collect();
    // Each request the read sends at once (at most four) makes three attempts: two waits,
    // each said once. Every wait is said before the next attempt, with the budget left.
    assert!(
        !retries.is_empty() && retries.len().is_multiple_of(2) && retries.len() <= 8,
        "{stderr}"
    );
    for line in &retries {
        assert!(
            line.starts_with("acme: could not connect, retrying in "),
            "{line}"
        );
        assert!(line.ends_with(" s left)"), "{line}");
        assert!(
            line.contains("(budget 11"),
            "gave up long before the budget: {line}"
        );
    }
}

#[test]
fn quiet_retries_say_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = plan(dir.path(), closed_port(), &["-q"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!stderr.contains("retrying in"), "{stderr}");
}
