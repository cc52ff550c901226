//! `embed_migrations!` reads the migration folders at compile time; cargo
//! does not know that, so a new migration would not trigger a rebuild.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
