//! `backchannel analyze`.

use super::CliError;

#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// Arguments (not built yet).
    pub rest: Vec<String>,
}

pub fn execute(_args: AnalyzeArgs) -> Result<(), CliError> {
    Err(CliError::other("`analyze` is not built yet"))
}
