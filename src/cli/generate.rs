//! `backchannel generate`.

use super::CliError;

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Arguments (not built yet).
    pub rest: Vec<String>,
}

pub fn execute(_args: GenerateArgs) -> Result<(), CliError> {
    Err(CliError::other("`generate` is not built yet"))
}
