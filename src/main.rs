//! The `zdpolicy` binary: parse the command line, run the command, exit with its code.

#![deny(clippy::unwrap_used, clippy::expect_used)]

// mimalloc: the client allocates many small strings per trigger; glibc malloc spent a fifth of
// the read benchmark's CPU time in malloc/free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    zdpolicy::cli::main()
}
