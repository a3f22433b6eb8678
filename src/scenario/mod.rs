//! Scenario files: the RON schema, loading, validation and the bundled set.

pub mod bundled;
mod clean;
pub mod load;
pub mod model;
pub mod schema;
pub mod validate;

pub use bundled::{BUNDLED, FLAGSHIP, bundled, open};
pub use load::{LoadError, checksum, load_bytes, load_file, load_str, parse_ron};
pub use model::Model;
pub use schema::Scenario;
pub use validate::Diagnostic;
