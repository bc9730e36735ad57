//! `zdpolicy simulator`: serve the Zendesk simulator until Ctrl-C.

use super::{CliError, EXIT_OK, GlobalArgs};
use crate::simulator::{SimulatorArgs, serve_until_ctrl_c};

/// Runs the simulator in the foreground.
pub fn run(args: &SimulatorArgs, _global: &GlobalArgs) -> Result<u8, CliError> {
    let runtime = super::runtime(super::Serves::Server)?;
    let config = args.clone().into_config()?;
    runtime.block_on(serve_until_ctrl_c(config))?;
    Ok(EXIT_OK)
}
