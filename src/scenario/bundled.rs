//! Scenarios compiled into the binary, so it runs from any folder.

use super::load::{LoadError, load_str};
use super::model::Model;
use std::path::Path;

/// A scenario that ships inside the binary.
pub struct Bundled {
    pub id: &'static str,
    pub file: &'static str,
    pub text: &'static str,
}

/// Every bundled scenario, the flagship first.
pub const BUNDLED: &[Bundled] = &[
    Bundled {
        id: "plan28",
        file: "scenarios/plan28.ron",
        text: include_str!("../../scenarios/plan28.ron"),
    },
    Bundled {
        id: "plan28-class",
        file: "scenarios/plan28-class.ron",
        text: include_str!("../../scenarios/plan28-class.ron"),
    },
    Bundled {
        id: "tutorial",
        file: "scenarios/tutorial.ron",
        text: include_str!("../../scenarios/tutorial.ron"),
    },
    Bundled {
        id: "minsk2",
        file: "scenarios/minsk2.ron",
        text: include_str!("../../scenarios/minsk2.ron"),
    },
    Bundled {
        id: "istanbul2022",
        file: "scenarios/istanbul2022.ron",
        text: include_str!("../../scenarios/istanbul2022.ron"),
    },
];

/// The scenario `cargo run` opens.
pub const FLAGSHIP: &str = "plan28";

/// Find a bundled scenario by id.
pub fn bundled(id: &str) -> Option<&'static Bundled> {
    BUNDLED.iter().find(|b| b.id == id)
}

/// Whether a scenario name on the command line is a path to a file: it has a
/// '/' or ends in `.ron`. Anything else is a bundled id, even when a file or
/// folder of that name exists (so `./plan28` is a file, `plan28` the bundled
/// one). Every command reads scenario names by this one rule.
pub fn is_path(name: &str) -> bool {
    name.contains('/') || name.ends_with(".ron")
}

/// Open a scenario named on the command line: a path to a file, or a bundled
/// id (see [`is_path`]).
pub fn open(name: &str) -> Result<Model, LoadError> {
    if is_path(name) {
        return super::load::load_file(Path::new(name));
    }
    match bundled(name) {
        Some(b) => load_str(b.file, b.text),
        None => Err(LoadError::Unknown {
            name: name.into(),
            known: BUNDLED.iter().map(|b| b.id).collect::<Vec<_>>().join(", "),
        }),
    }
}
