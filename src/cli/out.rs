//! Every command's output goes through here: standard output that ends the command quietly
//! when its reader has gone (`zdpolicy render | head -1`), and standard error that never panics.

use std::io::{self, Write};

use super::CliError;

/// Writes `text` to standard output and flushes it.
///
/// # Errors
/// [`CliError::StdoutClosed`] when the reader has closed the pipe (the command then stops and
/// exits [`super::EXIT_STDOUT_CLOSED`] without a message); [`CliError::Stdout`] for any other
/// failure, such as a full disk.
pub fn print(text: &str) -> Result<(), CliError> {
    print_with(|out| out.write_all(text.as_bytes()))
}

/// Lets `write` write to standard output, buffered, then flushes it: for output written in
/// parts (a plan, an account at a time), which is never held whole.
///
/// # Errors
/// As [`print`].
pub fn print_with(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), CliError> {
    let mut stdout = io::BufWriter::new(io::stdout().lock());
    write(&mut stdout)
        .and_then(|()| stdout.flush())
        .map_err(|err| match err.kind() {
            io::ErrorKind::BrokenPipe => CliError::StdoutClosed,
            _ => CliError::Stdout(err),
        })
}

/// Writes `text` to standard error as it is. A closed or broken standard error is ignored:
/// there is nowhere left to say so.
pub fn error_text(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Writes one line to standard error (see [`error_text`]).
pub fn error_line(line: &str) {
    let mut stderr = io::stderr().lock();
    let _ = stderr
        .write_all(line.as_bytes())
        .and_then(|()| stderr.write_all(b"\n"));
}
