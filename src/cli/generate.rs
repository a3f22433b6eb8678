//! `backchannel generate --clauses N --parties P [--seed S]`: a synthetic scenario.

use super::{CliError, print_out};
use crate::scenario::model::{MAX_CLAUSES, MAX_PARTIES};

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Number of clauses (each kept or struck).
    #[arg(long)]
    pub clauses: usize,
    /// Number of parties.
    #[arg(long)]
    pub parties: usize,
    /// Seed of the random utilities.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub fn execute(args: GenerateArgs) -> Result<(), CliError> {
    if args.clauses == 0 || args.clauses > MAX_CLAUSES {
        return Err(CliError::input(format!("--clauses must be 1 to {MAX_CLAUSES}")));
    }
    if args.parties < 2 || args.parties > MAX_PARTIES {
        return Err(CliError::input(format!("--parties must be 2 to {MAX_PARTIES}")));
    }
    print_out(&crate::analysis::generate::synthetic(args.clauses, args.parties, args.seed))
}
