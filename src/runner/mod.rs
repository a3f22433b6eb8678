//! The headless shells around a [`crate::table::Table`]: scripts, outside
//! programs (bots), transcripts and sweeps. `run` and `sweep` drive tables;
//! the turn driver itself lives in `crate::table`.

pub mod detail;
pub mod exec;
pub mod hindcast;
pub mod output;
pub mod script;
pub mod shard;
pub mod skill;
pub mod stats;
pub mod summary;
pub mod sweep;

pub use crate::table::seat::parse_seat;
pub use crate::table::{BOT_TIMEOUT, SeatPolicy as Policy};

/// Seed of game `i` of a sweep from seed `s` (splitmix64).
pub fn game_seed(s: u64, i: u64) -> u64 {
    let mut z = s.wrapping_add(i.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
