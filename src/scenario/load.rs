//! Reading scenario files: size limits, RON parsing with line and column,
//! then semantic validation. Nothing is half-loaded: a file gives a [`Model`]
//! or a [`LoadError`].

use super::model::{MAX_FILE_BYTES, Model};
use super::schema::Scenario;
use super::validate::{Diagnostic, compile};
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::Path;

/// Why a scenario could not be loaded. Display gives one located line per problem.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "'{name}' is not a bundled scenario (those are: {known}); to open a file, give a path with a '/' or ending in .ron (e.g. ./{name})"
    )]
    Unknown { name: String, known: String },
    #[error("{file}: the file is larger than {limit} bytes, the limit for scenarios")]
    TooLarge {
        file: String,
        bytes: u64,
        limit: usize,
    },
    #[error("{file}:{line}:{col}: {message}")]
    Parse {
        file: String,
        line: usize,
        col: usize,
        message: String,
    },
    #[error("{}", Invalid { file, diagnostics })]
    Invalid {
        file: String,
        diagnostics: Vec<Diagnostic>,
    },
}

struct Invalid<'a> {
    file: &'a str,
    diagnostics: &'a [Diagnostic],
}

impl fmt::Display for Invalid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {}", self.file, d)?;
        }
        Ok(())
    }
}

/// The checksum printed on reports: the first 16 hex digits of SHA-256.
pub fn checksum(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Line and column (from 1) of a byte offset.
fn position(text: &[u8], offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, col)
}

/// Parse RON text into `T`, with errors located at `file:line:col`.
pub fn parse_ron<T: serde::de::DeserializeOwned>(file: &str, bytes: &[u8]) -> Result<T, LoadError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, col) = position(bytes, e.valid_up_to());
            return Err(LoadError::Parse {
                file: file.into(),
                line,
                col,
                message: "the file is not UTF-8 text".into(),
            });
        }
    };
    // A byte-order mark, as some Windows editors write, is not part of the text.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(text)
        .map_err(|e| LoadError::Parse {
            file: file.into(),
            line: e.span.start.line,
            col: e.span.start.col,
            message: explain_ron(&e.code),
        })
}

/// RON's messages, with a hint at what was expected where it helps.
fn explain_ron(code: &ron::Error) -> String {
    match code {
        ron::Error::Eof => "unexpected end of file; the text looks truncated".into(),
        ron::Error::NoSuchStructField {
            expected, found, ..
        } => format!(
            "unknown field '{found}'; expected one of: {}",
            expected.join(", ")
        ),
        ron::Error::MissingStructField { field, outer } => match outer {
            Some(o) => format!("missing field '{field}' in {o}"),
            None => format!("missing field '{field}'"),
        },
        ron::Error::ExceededRecursionLimit => {
            "nested too deeply; values may nest at most 128 levels".into()
        }
        other => other.to_string(),
    }
}

/// Load a scenario from text; `file` names it in errors.
pub fn load_bytes(file: &str, bytes: &[u8]) -> Result<Model, LoadError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            file: file.into(),
            bytes: bytes.len() as u64,
            limit: MAX_FILE_BYTES,
        });
    }
    let scenario: Scenario = parse_ron(file, bytes)?;
    compile(scenario, checksum(bytes)).map_err(|diagnostics| LoadError::Invalid {
        file: file.into(),
        diagnostics,
    })
}

/// Load a scenario from a string.
pub fn load_str(file: &str, text: &str) -> Result<Model, LoadError> {
    load_bytes(file, text.as_bytes())
}

/// Load a scenario file from disk, reading at most [`MAX_FILE_BYTES`] bytes
/// of it (`/dev/zero` or a FIFO never fill memory or hang; see [`crate::files`]).
pub fn load_file(path: &Path) -> Result<Model, LoadError> {
    let file = path.display().to_string();
    let bytes = match crate::files::read_limited(path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(e) if crate::files::is_too_large(&e) => {
            return Err(LoadError::TooLarge {
                file,
                bytes: MAX_FILE_BYTES as u64 + 1,
                limit: MAX_FILE_BYTES,
            });
        }
        Err(source) => return Err(LoadError::Io { file, source }),
    };
    load_bytes(&file, &bytes)
}
