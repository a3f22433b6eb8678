//! The compiled model: what a scenario says once validated, and the rules
//! that read nothing but it (conditions, linkage).
//!
//! `scenario` builds a [`Model`] from a file; `engine` runs games on one; both
//! depend on this module and this module on neither (docs/ARCHITECTURE.md,
//! "Rules and the engine").

pub mod cond;
pub mod linkage;
pub mod model;
pub mod schema;

pub use cond::{Cond, Deps, Facts};
pub use linkage::{Bond, Broken};
pub use model::{MetricVec, Model, Package, PartyVec};
