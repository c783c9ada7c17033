//! Which environment variable set which key, so that an error about a value names
//! where it was written. Keys not recorded here came from the file (or nowhere).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::error::Location;

#[derive(Debug, Default)]
pub(crate) struct Sources {
    pub file: Option<PathBuf>,
    /// Key path as in errors (`stores[0].quota_share`) → variable name.
    env: BTreeMap<String, String>,
}

impl Sources {
    pub fn new(file: Option<PathBuf>) -> Sources {
        Sources {
            file,
            env: BTreeMap::new(),
        }
    }

    pub fn set_env(&mut self, key: String, var: &str) {
        self.env.insert(key, var.to_owned());
    }

    pub fn forget(&mut self, key: &str) {
        self.env.remove(key);
    }

    /// The variable that set `key` (or a key containing it, for `exclude[2]`).
    pub fn env_var(&self, key: &str) -> Option<&str> {
        let mut k = key;
        loop {
            if let Some(var) = self.env.get(k) {
                return Some(var);
            }
            k = &k[..k.rfind(['.', '['])?];
        }
    }

    pub fn locate(&self, key: &str) -> Location {
        match self.env_var(key) {
            Some(var) => Location::Env { var: var.to_owned() },
            None => Location::Key {
                file: self.file.clone(),
                key: key.to_owned(),
            },
        }
    }
}
