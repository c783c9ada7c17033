//! Finding the system's PostgreSQL binaries.
//!
//! Debian keeps the server binaries out of PATH (in `/usr/lib/postgresql/<major>/bin`), so
//! `initdb` on PATH wins when someone put it there, and otherwise the highest installed
//! major is used. Every other tool is taken from the same directory as `initdb`, so the
//! server, `pg_isready` and `createdb` are of one version; Debian's `/usr/bin` wrappers
//! are only a fallback.

use std::path::{Path, PathBuf};

use crate::Error;

/// The binaries a cluster needs, all resolved to absolute paths.
#[derive(Debug, Clone)]
pub(crate) struct Binaries {
    pub bin_dir: PathBuf,
    pub initdb: PathBuf,
    pub postgres: PathBuf,
    pub pg_isready: PathBuf,
    pub createdb: PathBuf,
}

impl Binaries {
    pub fn locate() -> Result<Binaries, Error> {
        let initdb = find_initdb().ok_or(Error::BinariesNotFound)?;
        // Resolve symlinks (e.g. /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb)
        // so that "next to initdb" means the real install directory.
        let initdb = initdb.canonicalize().unwrap_or(initdb);
        let bin_dir = initdb.parent().map(Path::to_path_buf).unwrap_or_default();
        let tool = |name: &'static str| {
            let beside = bin_dir.join(name);
            if is_executable(&beside) {
                return Ok(beside);
            }
            on_path(name).ok_or_else(|| Error::ToolNotFound {
                tool: name,
                bin_dir: bin_dir.clone(),
            })
        };
        Ok(Binaries {
            postgres: tool("postgres")?,
            pg_isready: tool("pg_isready")?,
            createdb: tool("createdb")?,
            initdb,
            bin_dir,
        })
    }
}

fn find_initdb() -> Option<PathBuf> {
    on_path("initdb").or_else(|| highest_versioned(Path::new("/usr/lib/postgresql")))
}

/// `<root>/<version>/bin/initdb` with the highest version (compared numerically, so 10 > 9.6).
fn highest_versioned(root: &Path) -> Option<PathBuf> {
    std::fs::read_dir(root)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = parse_version(entry.file_name().to_str()?)?;
            let initdb = entry.path().join("bin").join("initdb");
            is_executable(&initdb).then_some((version, initdb))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, initdb)| initdb)
}

fn parse_version(name: &str) -> Option<Vec<u32>> {
    name.split('.').map(|part| part.parse().ok()).collect()
}

pub(crate) fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

pub(crate) fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert!(parse_version("10").unwrap() > parse_version("9.6").unwrap());
        assert!(parse_version("17").unwrap() > parse_version("15").unwrap());
        assert_eq!(parse_version("main"), None);
    }

    #[test]
    fn highest_version_wins() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        for version in ["9.6", "15", "13"] {
            let bin = root.path().join(version).join("bin");
            std::fs::create_dir_all(&bin).unwrap();
            let initdb = bin.join("initdb");
            std::fs::write(&initdb, "").unwrap();
            std::fs::set_permissions(&initdb, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        // A directory without an executable initdb is skipped, however high its version.
        std::fs::create_dir_all(root.path().join("99").join("bin")).unwrap();
        let found = highest_versioned(root.path()).unwrap();
        assert_eq!(found, root.path().join("15").join("bin").join("initdb"));
    }
}
