//! The `zdpolicy` binary: parse the command line, run the command, exit with its code.

fn main() -> std::process::ExitCode {
    zdpolicy::cli::main()
}
