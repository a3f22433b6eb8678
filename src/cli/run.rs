//! `backchannel run`: one headless game.

use super::CliError;

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// A bundled scenario id or a path to a scenario file.
    pub scenario: String,
}

pub fn execute(_args: RunArgs) -> Result<(), CliError> {
    Err(CliError::other("`run` is not built yet"))
}
