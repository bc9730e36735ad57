//! The GitHub Action's scripts, run with bash as the action runs them: `action/install.sh`
//! against a local fake release directory (a matching checksum installs; a mismatch, a missing
//! checksum or an unpinned version installs nothing), and `action/run.sh`'s word splitting and
//! exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

const VERSION: &str = "0.1.0";
const MUSL: &str = "x86_64-unknown-linux-musl";
const WINDOWS: &str = "x86_64-pc-windows-msvc";

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("action")
        .join(name)
}

/// A fake release: `v0.1.0/` with archives laid out as the release tool makes them.
struct Release {
    dir: tempfile::TempDir,
}

impl Release {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(format!("v{VERSION}"))).unwrap();
        Self { dir }
    }

    fn url(&self) -> String {
        format!("file://{}", self.dir.path().display())
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(format!("v{VERSION}")).join(name)
    }

    /// A `.tar.gz` holding `zdpolicy-TARGET/zdpolicy`, a script that says which it is.
    fn add_tarball(&self, target: &str) -> PathBuf {
        let staging = tempfile::tempdir().unwrap();
        let inner = staging.path().join(format!("zdpolicy-{target}"));
        std::fs::create_dir_all(&inner).unwrap();
        fake_binary(&inner.join("zdpolicy"), target);
        let archive = self.path(&format!("zdpolicy-{target}.tar.gz"));
        run_ok(Command::new("tar").args([
            "-czf",
            archive.to_str().unwrap(),
            "-C",
            staging.path().to_str().unwrap(),
            &format!("zdpolicy-{target}"),
        ]));
        archive
    }

    /// A `.zip` holding `zdpolicy.exe` at its top, as Windows archives do.
    fn add_zip(&self, target: &str) -> PathBuf {
        let staging = tempfile::tempdir().unwrap();
        fake_binary(&staging.path().join("zdpolicy.exe"), target);
        let archive = self.path(&format!("zdpolicy-{target}.zip"));
        run_ok(
            Command::new("python3")
                .args([
                    "-m",
                    "zipfile",
                    "-c",
                    archive.to_str().unwrap(),
                    "zdpolicy.exe",
                ])
                .current_dir(staging.path()),
        );
        archive
    }

    /// The checksum file beside an archive, as dist writes it: `HASH *NAME` (binary mode).
    fn add_checksum(&self, archive: &Path, hash: &str) {
        let name = archive.file_name().unwrap().to_string_lossy();
        std::fs::write(
            self.path(&format!("{name}.sha256")),
            format!("{hash} *{name}\n"),
        )
        .unwrap();
    }
}

fn fake_binary(path: &Path, target: &str) {
    std::fs::write(
        path,
        format!("#!/bin/sh\necho \"zdpolicy {VERSION} ({target})\"\n"),
    )
    .unwrap();
}

fn sha256_hex(path: &Path) -> String {
    let digest = Sha256::digest(std::fs::read(path).unwrap());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn run_ok(cmd: &mut Command) {
    let output = cmd.output().unwrap();
    assert!(output.status.success(), "{cmd:?}: {output:?}");
}

fn install(release: &Release, version: &str, dest: &Path, target: Option<&str>) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg(script("install.sh"))
        .arg(version)
        .arg(dest)
        .env("ZDPOLICY_RELEASES", release.url())
        .env_remove("ZDPOLICY_TARGET");
    if let Some(target) = target {
        cmd.env("ZDPOLICY_TARGET", target);
    }
    cmd.output().unwrap()
}

/// stdout and stderr with the temporary directories replaced, for snapshots.
fn transcript(output: &Output, release: &Release, dest: &Path) -> String {
    let text = format!(
        "exit: {:?}\nstdout:\n{}stderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    text.replace(&dest.display().to_string(), "[DEST]")
        .replace(&release.dir.path().display().to_string(), "[RELEASES]")
}

#[test]
fn a_matching_checksum_installs_the_binary() {
    let release = Release::new();
    let archive = release.add_tarball(MUSL);
    release.add_checksum(&archive, &sha256_hex(&archive));
    let dest = tempfile::tempdir().unwrap();
    let bin = dest.path().join("bin");

    let output = install(&release, VERSION, &bin, Some(MUSL));
    insta::assert_snapshot!(
        "install_matching_checksum",
        transcript(&output, &release, &bin)
    );
    assert!(output.status.success());
    let installed = Command::new(bin.join("zdpolicy")).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&installed.stdout),
        format!("zdpolicy {VERSION} ({MUSL})\n"),
        "the installed file is the archive's binary, and executable"
    );
    assert_eq!(
        std::fs::read_dir(&bin).unwrap().count(),
        1,
        "only the binary is left in the directory"
    );
}

#[test]
fn a_leading_v_and_an_uppercase_checksum_are_accepted() {
    let release = Release::new();
    let archive = release.add_tarball(MUSL);
    release.add_checksum(&archive, &sha256_hex(&archive).to_uppercase());
    let dest = tempfile::tempdir().unwrap();
    let output = install(&release, &format!("v{VERSION}"), dest.path(), Some(MUSL));
    assert!(output.status.success(), "{output:?}");
    assert!(dest.path().join("zdpolicy").is_file());
}

#[test]
fn this_machine_gets_the_static_linux_build_when_no_target_is_given() {
    if !(cfg!(target_os = "linux") && cfg!(target_arch = "x86_64")) {
        return; // the detection is checked on the machine CI runs on
    }
    let release = Release::new();
    // Only the musl archive is published here: the gnu one would not be found.
    let archive = release.add_tarball(MUSL);
    release.add_checksum(&archive, &sha256_hex(&archive));
    let dest = tempfile::tempdir().unwrap();
    let output = install(&release, VERSION, dest.path(), None);
    assert!(output.status.success(), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains(&format!("({MUSL})")),
        "{output:?}"
    );
}

#[test]
fn a_checksum_mismatch_refuses_and_installs_nothing() {
    let release = Release::new();
    let archive = release.add_tarball(MUSL);
    let published = sha256_hex(&archive);
    release.add_checksum(&archive, &published);
    // The archive is swapped after the checksum was published (a tampered download).
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.extend_from_slice(b"tampered");
    std::fs::write(&archive, bytes).unwrap();
    let dest = tempfile::tempdir().unwrap();
    let bin = dest.path().join("bin");

    let output = install(&release, VERSION, &bin, Some(MUSL));
    assert_eq!(output.status.code(), Some(1));
    let text = transcript(&output, &release, &bin);
    let actual = sha256_hex(&archive);
    insta::assert_snapshot!(
        "install_checksum_mismatch",
        text.replace(&actual, "[ACTUAL]")
            .replace(&published, "[PUBLISHED]")
    );
    assert!(
        !bin.exists(),
        "nothing was installed, not even the directory"
    );
}

#[test]
fn a_missing_or_empty_checksum_file_refuses() {
    let release = Release::new();
    let archive = release.add_tarball(MUSL);
    let dest = tempfile::tempdir().unwrap();
    let output = install(&release, VERSION, dest.path(), Some(MUSL));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("zdpolicy-x86_64-unknown-linux-musl.tar.gz.sha256: no such file"),
        "{output:?}"
    );
    release.add_checksum(&archive, "");
    let output = install(&release, VERSION, dest.path(), Some(MUSL));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("holds no SHA-256 hash"),
        "{output:?}"
    );
    assert!(!dest.path().join("zdpolicy").exists());
}

#[test]
fn an_unpinned_version_is_refused_before_any_download() {
    let release = Release::new();
    let dest = tempfile::tempdir().unwrap();
    let output = install(&release, "latest", dest.path(), Some(MUSL));
    insta::assert_snapshot!(
        "install_unpinned_version",
        transcript(&output, &release, dest.path())
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn windows_gets_the_zip_with_the_exe_at_its_top() {
    let release = Release::new();
    let archive = release.add_zip(WINDOWS);
    release.add_checksum(&archive, &sha256_hex(&archive));
    let dest = tempfile::tempdir().unwrap();
    let output = install(&release, VERSION, dest.path(), Some(WINDOWS));
    assert!(output.status.success(), "{output:?}");
    assert!(
        std::fs::read_to_string(dest.path().join("zdpolicy.exe"))
            .unwrap()
            .contains(WINDOWS)
    );
}

/// Runs `action/run.sh` with a fake `zdpolicy` that prints each argument and exits `code`.
fn run_action(args: &str, code: i32) -> (Output, String) {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("zdpolicy");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done\nexit {code}\n"),
    )
    .unwrap();
    run_ok(Command::new("chmod").arg("+x").arg(&fake));
    let github_output = dir.path().join("github_output");
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap()
    );
    let output = Command::new("bash")
        .arg(script("run.sh"))
        .env("PATH", path)
        .env("ZDPOLICY_ARGS", args)
        .env("GITHUB_OUTPUT", &github_output)
        .output()
        .unwrap();
    let written = std::fs::read_to_string(&github_output).unwrap_or_default();
    (output, written)
}

#[test]
fn the_args_input_is_split_like_a_shell_but_never_expanded() {
    let (output, written) = run_action(
        r#"plan 'policy dir/' "--format" markdown a\ b $HOME $(touch /tmp/x) *"#,
        0,
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "[plan]\n[policy dir/]\n[--format]\n[markdown]\n[a b]\n[$HOME]\n[$(touch]\n[/tmp/x)]\n[*]\n"
    );
    assert_eq!(written, "exit-code=0\n");
}

#[test]
fn exit_code_2_passes_the_step_and_others_fail_it() {
    let (output, written) = run_action("plan --detailed-exitcode", 2);
    assert_eq!(
        output.status.code(),
        Some(0),
        "changes present is no failure"
    );
    assert_eq!(written, "exit-code=2\n");

    let (output, written) = run_action("plan", 1);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(written, "exit-code=1\n");

    let (output, _) = run_action("plan 'policy", 0);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("an unmatched quote?"),
        "{output:?}"
    );
}
