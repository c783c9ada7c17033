//! Who runs `initdb` and `postgres`.
//!
//! Both refuse to run as root (a superuser-owned server could be abused to write anywhere),
//! and CI and fresh containers run as root. There they run as the `postgres` system user
//! that Debian's package creates, through `runuser` (or `su` where `runuser` is missing).
//! Client tools (`pg_isready`, `createdb`) connect over TCP and run as whoever we are.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Error;
use crate::binaries::{is_executable, on_path};

/// The system user that owns the cluster when we are root.
pub(crate) const CLUSTER_OWNER: &str = "postgres";

#[derive(Debug, Clone)]
pub(crate) enum RunAs {
    /// Not root: run the server binaries directly.
    CurrentUser,
    /// Root: `runuser -u postgres -- program args…`.
    Runuser(PathBuf),
    /// Root without runuser: `su -s /bin/sh -c '<quoted program args…>' postgres`.
    Su(PathBuf),
}

impl RunAs {
    pub fn detect() -> Result<RunAs, Error> {
        if !is_root() {
            return Ok(RunAs::CurrentUser);
        }
        let has_owner = Command::new("id")
            .args(["-u", CLUSTER_OWNER])
            .output()
            .is_ok_and(|out| out.status.success());
        if !has_owner {
            return Err(Error::NoPostgresUser);
        }
        // sbin is not on every root PATH (e.g. `docker exec` shells), hence the fixed fallbacks.
        let find = |name: &str| {
            on_path(name).or_else(|| {
                ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
                    .iter()
                    .map(|dir| Path::new(dir).join(name))
                    .find(|path| is_executable(path))
            })
        };
        if let Some(runuser) = find("runuser") {
            return Ok(RunAs::Runuser(runuser));
        }
        find("su").map(RunAs::Su).ok_or(Error::NoUserSwitch)
    }

    pub fn is_root(&self) -> bool {
        !matches!(self, RunAs::CurrentUser)
    }

    /// A command that runs `program args…` as the cluster's owner.
    pub fn command(&self, program: &Path, args: &[OsString]) -> Command {
        let mut command = match self {
            RunAs::CurrentUser => {
                let mut command = Command::new(program);
                command.args(args);
                command
            }
            RunAs::Runuser(runuser) => {
                let mut command = Command::new(runuser);
                command.args(["-u", CLUSTER_OWNER, "--"]).arg(program).args(args);
                command
            }
            RunAs::Su(su) => {
                let line = std::iter::once(program.as_os_str())
                    .chain(args.iter().map(OsString::as_os_str))
                    .map(|word| shell_quote(&word.to_string_lossy()))
                    .collect::<Vec<_>>()
                    .join(" ");
                let mut command = Command::new(su);
                command
                    .args(["-s", "/bin/sh", "-c"])
                    .arg(format!("exec {line}"))
                    .arg(CLUSTER_OWNER);
                command
            }
        };
        clear_libpq_env(&mut command);
        command
    }
}

/// Whether our effective uid is 0, read from `/proc/self/status` (its `Uid:` line is
/// real, effective, saved, filesystem) so no libc call (and no `unsafe`) is needed.
fn is_root() -> bool {
    let from_proc = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("Uid:"))?;
            line.split_whitespace().nth(2).map(|euid| euid == "0")
        });
    from_proc.unwrap_or_else(|| {
        Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
    })
}

/// Removes the caller's `PG*` variables from a child's environment: `PGSSLMODE=require`,
/// `PGOPTIONS` or `PGDATABASE` meant for some other server would otherwise change how
/// our tools talk to this one (we always pass host, port and user explicitly).
pub(crate) fn clear_libpq_env(command: &mut Command) {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PG") {
            command.env_remove(name);
        }
    }
}

/// Single-quotes a word for `/bin/sh`.
pub(crate) fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_single_quotes() {
        assert_eq!(shell_quote("/tmp/a b"), "'/tmp/a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn su_command_is_one_quoted_line() {
        let command = RunAs::Su(PathBuf::from("/bin/su"))
            .command(Path::new("/usr/bin/initdb"), &["-D".into(), "/tmp/x y".into()]);
        let args: Vec<_> = command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args,
            [
                "-s",
                "/bin/sh",
                "-c",
                "exec '/usr/bin/initdb' '-D' '/tmp/x y'",
                "postgres"
            ]
        );
    }
}
