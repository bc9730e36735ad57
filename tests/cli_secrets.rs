//! Secrets written where the loader does not expect them (#11), long lines and control
//! characters (#12): what `validate` prints for each, in every format, and that `render` and
//! `plan --sandbox` print none of the secrets either.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

/// Each fixture in `tests/fixtures/secrets`, with what must never be printed from it.
const CASES: &[(&str, &[&str])] = &[
    ("misspelt-key", &["hunter2-misspelt-value"]),
    ("duplicate-key", &["hunter2-duplicate-value"]),
    ("list-for-reference", &["hunter2-list-value"]),
    ("mapping-for-reference", &["hunter2-mapping-value"]),
    ("unknown-credential-key", &["hunter2-unknown-key-value"]),
    ("deep-nested", &["hunter2-deep-value", "482913"]),
    ("syntax-error-elsewhere", &["hunter2-unparsed-value"]),
    (
        "high-entropy-token",
        &["9fQ2xR7mK4vL8pT3wZ6yB1nH5cJ0dG", "hunter2-bearer-value"],
    ),
    ("long-line", &["4kT9pQ2mX7vR3wL8zB5nY1cH6dJ0fG"]),
    ("control-character", &["\u{1b}"]),
    ("raw-control-character", &["\u{1b}"]),
];

fn zdpolicy(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("zdpolicy").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("ZDPOLICY_API_URL");
    cmd
}

fn fixture(name: &str) -> String {
    format!("tests/fixtures/secrets/{name}.yaml")
}

fn assert_clean(what: &str, output: &Output, secrets: &[&str]) {
    for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        for secret in secrets {
            assert!(
                !text.contains(secret),
                "{what}: {secret:?} appears on {stream}:\n{text}"
            );
        }
    }
}

#[test]
fn validate_masks_every_planted_secret_in_every_format() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, secrets) in CASES {
        let path = fixture(name);
        let text = std::fs::read_to_string(root.join(&path)).unwrap();
        // `control-character` writes its escape as YAML's `\e`, which the parser turns into one.
        for secret in secrets.iter().filter(|s| **s != "\u{1b}") {
            assert!(text.contains(secret), "{path} must hold {secret:?}");
        }
        let formats = [
            ("human", vec!["--color", "never"]),
            ("json", vec!["--format", "json"]),
            ("github", vec!["--format", "github"]),
        ];
        for (format, flags) in formats {
            let output = zdpolicy(root)
                .arg("validate")
                .args(&flags)
                .arg(&path)
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(1), "{path} {format}");
            assert_clean(&format!("validate {format} {name}"), &output, secrets);
            let stdout = String::from_utf8(output.stdout).unwrap();
            let snapshot = format!("secrets_{name}_{format}");
            if format == "json" {
                let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                insta::assert_json_snapshot!(snapshot, value);
            } else {
                insta::assert_snapshot!(snapshot, stdout);
            }
        }
    }
}

#[test]
fn render_and_plan_print_none_of_the_secrets() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for (name, secrets) in CASES {
        let path = root.join(fixture(name));
        let runs: [&[&str]; 3] = [
            &["render"],
            &["render", "--format", "json", "--explain"],
            &["plan", "--sandbox"],
        ];
        for args in runs {
            let output = zdpolicy(dir.path())
                .args(["--color", "never"])
                .args(args)
                .arg(&path)
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(1), "{args:?} {name}");
            assert_clean(&format!("{args:?} {name}"), &output, secrets);
        }
    }
}
