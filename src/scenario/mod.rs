//! Scenario files: the RON schema, loading, validation and the bundled set.

pub mod bundled;
mod clean;
pub mod edit;
pub mod load;
pub mod validate;

/// The compiled model and the file format live in [`crate::core`]; these
/// paths stay for the code that names them here.
pub use crate::core::{model, schema};

pub use bundled::{BUNDLED, FLAGSHIP, bundled, open};
pub use load::{LoadError, checksum, load_bytes, load_file, load_str, parse_ron};
pub use model::Model;
pub use schema::Scenario;
pub use validate::Diagnostic;
