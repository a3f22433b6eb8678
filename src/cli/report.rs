//! `backchannel report`.

use super::CliError;

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Arguments (not built yet).
    pub rest: Vec<String>,
}

pub fn execute(_args: ReportArgs) -> Result<(), CliError> {
    Err(CliError::other("`report` is not built yet"))
}
