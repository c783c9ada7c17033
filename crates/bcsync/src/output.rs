//! What commands print on purpose, to stdout. A reader that goes away early
//! (`bcsync status | head -1`) ends the command quietly instead of a panic.

use std::io::Write;

/// Prints one line; on a closed pipe, exits at once with status 0: the reader has
/// what it wanted, and nothing is left half-done by printing.
pub fn line(text: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(format_args!("{text}\n")) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing to stdout: {e}");
        std::process::exit(1);
    }
}

/// `println!` that ends quietly on a closed pipe.
#[macro_export]
macro_rules! outln {
    () => { $crate::output::line(format_args!("")) };
    ($($arg:tt)*) => { $crate::output::line(format_args!($($arg)*)) };
}
