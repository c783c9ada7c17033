// `sqlx::migrate!` embeds the SQL files at compile time, but cargo only knows to rebuild
// when a Rust source changes: without this a new migration would be silently left out.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
