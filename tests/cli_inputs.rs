//! Bounded local inputs, as users meet them (#12): what `validate` says about files it cannot or
//! will not read (invalid UTF-8, too large, special files, devices) and about YAML limits.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn zdpolicy(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("zdpolicy").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("ZDPOLICY_MAX_YAML_NODES")
        .args(["--color", "never"]);
    cmd
}

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Outcome {
    let output = cmd.output().unwrap();
    Outcome {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

const POLICY: &str = "version: 1\naccounts:\n  acme:\n    subdomain: acme\n";

/// Regression (#12): a file with invalid UTF-8 also gave a spurious "no policy files to read".
#[test]
fn invalid_utf8_is_one_error_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("bad.yaml"),
        b"version: 1\naccounts:\n  acme: { subdomain: \"ac\xffme\" }\n",
    )
    .unwrap();
    let out = run(zdpolicy(dir.path()).args(["validate", "bad.yaml"]));
    assert_eq!(out.code, Some(1));
    insta::assert_snapshot!("invalid_utf8", out.stdout);
}

/// Regression (#12): a node budget breach read "yaml-syntax: invalid YAML: budget breached:
/// Nodes { nodes: 250001 }".
#[test]
fn a_yaml_limit_is_said_as_a_limit_with_how_to_raise_it() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("p.yaml"), POLICY).unwrap();
    let out = run(zdpolicy(dir.path())
        .env("ZDPOLICY_MAX_YAML_NODES", "5")
        .args(["validate", "p.yaml"]));
    assert_eq!(out.code, Some(1));
    insta::assert_snapshot!("yaml_limit", out.stdout);

    let out = run(zdpolicy(dir.path())
        .env("ZDPOLICY_MAX_YAML_NODES", "5_000")
        .args(["validate", "p.yaml"]));
    assert_eq!(out.code, Some(0), "{}", out.stdout);
}

#[test]
fn a_bad_node_limit_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("p.yaml"), POLICY).unwrap();
    let out = run(zdpolicy(dir.path())
        .env("ZDPOLICY_MAX_YAML_NODES", "lots")
        .args(["validate", "p.yaml"]));
    assert_eq!(out.code, Some(1));
    insta::assert_snapshot!("bad_node_limit", out.stderr);
}

#[test]
fn a_file_over_64_mib_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    // Sparse: the size is what counts, and it costs no disk.
    let file = fs::File::create(dir.path().join("big.yaml")).unwrap();
    file.set_len(64 * 1024 * 1024 + 1).unwrap();
    let out = run(zdpolicy(dir.path()).args(["validate", "big.yaml"]));
    assert_eq!(out.code, Some(1));
    insta::assert_snapshot!("file_too_large", out.stdout);
}

/// Regression (#12): `validate /dev/zero` read until memory ran out.
#[cfg(unix)]
#[test]
fn a_named_device_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(zdpolicy(dir.path()).args(["validate", "/dev/zero"]));
    assert_eq!(out.code, Some(1));
    insta::assert_snapshot!("named_device", out.stderr);
}

#[cfg(unix)]
#[test]
fn a_special_file_in_a_policy_directory_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("policy")).unwrap();
    fs::write(dir.path().join("policy/a.yaml"), POLICY).unwrap();
    // A socket named like a policy file: opening a FIFO or device instead could block forever.
    let _socket = std::os::unix::net::UnixListener::bind(dir.path().join("policy/b.yaml")).unwrap();
    let out = run(zdpolicy(dir.path()).args(["validate", "policy"]));
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    insta::assert_snapshot!("special_file_skipped", out.stdout);
    let out = run(zdpolicy(dir.path()).args(["validate", "--deny-warnings", "policy"]));
    assert_eq!(out.code, Some(1));
}

/// The reason is said once, in plain words (it was also repeated underneath in the OS's words).
#[test]
fn a_missing_path_is_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(zdpolicy(dir.path()).args(["validate", "missing.yaml"]));
    assert_eq!(out.code, Some(1));
    insta::assert_snapshot!("missing_path", out.stderr);
}

/// Regression (#19): a missing path printed the code `policy-files`, which the diagnostics
/// reference does not know; it is `io` (cannot read) or `no-policy` (nothing to read), as the
/// loader's diagnostics for the same problems are.
#[test]
fn a_missing_path_has_the_documented_code() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("empty")).unwrap();
    for (args, code) in [
        (&["validate", "missing.yaml"][..], "io"),
        (&["plan", "--sandbox", "missing/"][..], "io"),
        (&["validate", "empty"][..], "no-policy"),
        (&["validate"][..], "no-policy"),
    ] {
        let out = run(zdpolicy(dir.path()).args(args));
        assert_eq!(out.code, Some(1), "{args:?}");
        assert_eq!(
            out.stderr.lines().next(),
            Some(code),
            "{args:?}: {}",
            out.stderr
        );
    }
}

/// Regression (#19): `validate --format json` printed nothing on stdout for a missing path, so
/// a consumer parsing the documented array got no JSON at all. It prints the array, holding the
/// one unlocated diagnostic, and nothing on stderr, like any other problem in that format.
#[test]
fn validate_json_prints_the_array_for_a_missing_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(zdpolicy(dir.path()).args(["validate", "--format", "json", "missing.yaml"]));
    assert_eq!(out.code, Some(1));
    assert_eq!(out.stderr, "");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    insta::assert_json_snapshot!("missing_path_json", json);

    let out = run(zdpolicy(dir.path()).args(["validate", "--format", "github"]));
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout
            .starts_with("::error title=zdpolicy no-policy::no policy given"),
        "{}",
        out.stdout
    );
}
