//! Errors say where the bad value came from: a file and a key, or an environment
//! variable. They never carry a secret's value: messages about `database.url`, tokens
//! and the webhook secret are written without it.

use std::fmt;
use std::path::PathBuf;

/// Where a setting was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A key in the file (`file` is `None` when no file was read and the key was
    /// missing or came from a built-in default).
    Key { file: Option<PathBuf>, key: String },
    /// An environment variable; its name says which key it set.
    Env { var: String },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Key {
                file: Some(file),
                key,
            } => write!(f, "{}: {key}", file.display()),
            Location::Key { file: None, key } => f.write_str(key),
            Location::Env { var } => f.write_str(var),
        }
    }
}

impl Location {
    /// For hints inside a longer line ("check stores[0].token_file in bcsync.toml"),
    /// where the `file: key` form would read as one more `:`-separated cause.
    pub fn describe(&self) -> String {
        match self {
            Location::Key {
                file: Some(file),
                key,
            } => format!("{key} in {}", file.display()),
            Location::Key { file: None, key } => key.clone(),
            Location::Env { var } => var.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file exists (or was named) but could not be read.
    #[error("{}: cannot read the config file: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    /// The file is not TOML. The message is toml's, without the quoted source line
    /// (which could hold a token).
    #[error("{}: line {line}, column {column}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A value is missing, of the wrong type, unknown or out of range.
    #[error("{at}: {message}")]
    Invalid { at: Location, message: String },
    /// Something required is set nowhere (database URL, stores).
    #[error("{0}")]
    Missing(String),
}

impl ConfigError {
    pub(crate) fn invalid(at: Location, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            at,
            message: message.into(),
        }
    }
}
