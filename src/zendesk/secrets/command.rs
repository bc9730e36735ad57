//! Running a `cmd:` reference: split with shell quoting, executed without a shell, killed at the
//! timeout, its output bounded, and its error output shown only as a masked last line.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;

use super::{MAX_SECRET_BYTES, SecretError, stderr};
use crate::policy::read::describe_io;
use crate::policy::secret::command_words;

/// How much of the end of the command's error output is kept to find its last line.
const STDERR_TAIL_BYTES: usize = 4096;

/// Why reading the command's output stopped early.
enum Stop {
    Io(std::io::Error),
    TooLarge,
}

/// Runs the command and returns what it printed on standard output.
///
/// # Errors
/// When the command cannot be split or started, fails, prints too much or no UTF-8, or does not
/// finish within `timeout` (it is killed then).
pub(super) async fn run(
    command: &str,
    shown: &str,
    timeout: Duration,
) -> Result<String, SecretError> {
    let invalid = |reason: String| SecretError::InvalidCommand {
        reference: shown.to_owned(),
        reason,
    };
    let words = command_words(command).map_err(invalid)?;
    let Some((program, args)) = words.split_first() else {
        return Err(invalid("`cmd:` must be followed by a command".into()));
    };
    let output_error = |reason: String| SecretError::CommandOutput {
        reference: shown.to_owned(),
        reason,
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Dropping the child (at the timeout, or on an early error) kills it.
        .kill_on_drop(true)
        .spawn()
        .map_err(|err| SecretError::CommandNotStarted {
            reference: shown.to_owned(),
            program: program.clone(),
            reason: match err.kind() {
                std::io::ErrorKind::NotFound => "no such program (is it on PATH?)".to_owned(),
                _ => describe_io(&err),
            },
        })?;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let finished = tokio::time::timeout(timeout, async {
        tokio::try_join!(
            read_stdout(stdout),
            async { read_tail(stderr).await.map_err(Stop::Io) },
            async { child.wait().await.map_err(Stop::Io) },
        )
    })
    .await;
    let (out, err_tail, status) = match finished {
        Err(_) => {
            let _ = child.start_kill();
            return Err(SecretError::TimedOut {
                reference: shown.to_owned(),
                timeout,
            });
        }
        Ok(Err(Stop::TooLarge)) => {
            return Err(output_error(format!(
                "printed more than {} KiB, which is no credential",
                MAX_SECRET_BYTES / 1024
            )));
        }
        Ok(Err(Stop::Io(err))) => {
            return Err(output_error(format!(
                "could not be read from: {}",
                describe_io(&err)
            )));
        }
        Ok(Ok(done)) => done,
    };
    if !status.success() {
        return Err(SecretError::CommandFailed {
            reference: shown.to_owned(),
            status: status.to_string(),
            stderr: stderr::last_line_masked(&err_tail),
        });
    }
    String::from_utf8(out).map_err(|_| output_error("printed something that is not UTF-8".into()))
}

/// Everything the command prints on standard output, up to [`MAX_SECRET_BYTES`].
async fn read_stdout(pipe: Option<impl AsyncRead + Unpin>) -> Result<Vec<u8>, Stop> {
    let mut bytes = Vec::new();
    if let Some(pipe) = pipe {
        pipe.take(MAX_SECRET_BYTES + 1)
            .read_to_end(&mut bytes)
            .await
            .map_err(Stop::Io)?;
    }
    if bytes.len() as u64 > MAX_SECRET_BYTES {
        return Err(Stop::TooLarge);
    }
    Ok(bytes)
}

/// The last [`STDERR_TAIL_BYTES`] of the command's error output. It is read to the end so the
/// command never blocks on a full pipe, but only the tail is kept.
async fn read_tail(pipe: Option<impl AsyncRead + Unpin>) -> std::io::Result<Vec<u8>> {
    let mut tail = Vec::new();
    let Some(mut pipe) = pipe else {
        return Ok(tail);
    };
    let mut chunk = [0u8; 4096];
    loop {
        let n = pipe.read(&mut chunk).await?;
        if n == 0 {
            return Ok(tail);
        }
        tail.extend_from_slice(&chunk[..n]);
        if tail.len() > STDERR_TAIL_BYTES {
            tail.drain(..tail.len() - STDERR_TAIL_BYTES);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHORT: Duration = Duration::from_millis(300);

    async fn run_it(command: &str) -> Result<String, SecretError> {
        run(command, &format!("cmd:{command}"), Duration::from_secs(30)).await
    }

    /// Regression (#12): `cmd:sleep 1000` hung `plan` forever with no message.
    #[tokio::test]
    async fn a_command_past_the_timeout_is_killed_and_named() {
        let err = run("sleep 5", "cmd:sleep 5", SHORT).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "cmd:sleep 5: the command did not finish within 0.3 s and was stopped; if it needs \
             longer, raise --credential-timeout"
        );
    }

    #[tokio::test]
    async fn the_command_runs_without_a_shell() {
        // With a shell, `$HOME` would expand and `;` would end the command (and run `b`).
        assert_eq!(run_it("printf %s-%s $HOME a;b").await.unwrap(), "$HOME-a;b");
        assert_eq!(
            run_it(r#"printf %s "two words""#).await.unwrap(),
            "two words"
        );
    }

    #[tokio::test]
    async fn failures_say_the_status_once_and_mask_the_error_output() {
        // The reference is shown in full, so the secret is put together by the command.
        let command =
            "sh -c 'echo step >&2; printf \"denied for token=%s%s\\n\" hunter2 abc >&2; exit 3'";
        let err = run_it(command).await.unwrap_err().to_string();
        let said = err.strip_prefix(&format!("cmd:{command}: ")).unwrap();
        assert_eq!(
            said,
            "the command failed (exit status: 3); its last line of error output: denied for ***"
        );
    }

    #[tokio::test]
    async fn a_missing_program_is_said_in_plain_words() {
        let err = run_it("zdpolicy-no-such-program --x").await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "cmd:zdpolicy-no-such-program --x: cannot run `zdpolicy-no-such-program`: no such \
             program (is it on PATH?)"
        );
    }

    #[tokio::test]
    async fn endless_output_is_cut_off() {
        let err = run("yes", "cmd:yes", Duration::from_secs(30))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "cmd:yes: the command printed more than 64 KiB, which is no credential"
        );
    }
}
