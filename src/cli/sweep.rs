//! `backchannel sweep`.

use super::CliError;

#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// Arguments (not built yet).
    pub rest: Vec<String>,
}

pub fn execute(_args: SweepArgs) -> Result<(), CliError> {
    Err(CliError::other("`sweep` is not built yet"))
}
