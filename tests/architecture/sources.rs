//! Rules on the source files themselves: no file of the app, the use cases
//! or an adapter grows past 800 lines, and the app knows the calendar
//! adapters by name in at most two files.

use std::path::{Path, PathBuf};

/// The `.rs` files under `dir`, at any depth.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|err| panic!("cannot list {}: {err}", folder.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|err| panic!("cannot list {}: {err}", folder.display()))
                .path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Adding a calendar must stay one variant of the configuration's enum and
/// one arm of the wiring that builds it: no other file of the app may know
/// the calendars by name.
#[test]
fn the_calendar_adapters_are_named_in_at_most_two_files_of_the_app() {
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");

    let naming: Vec<String> = rust_files(&app)
        .into_iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path)
                .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
            let text = text.to_lowercase();
            text.contains("google") || text.contains("caldav")
        })
        .map(|path| {
            path.strip_prefix(&app)
                .unwrap_or(&path)
                .display()
                .to_string()
        })
        .collect();

    assert!(
        naming.len() <= 2,
        "the calendar adapters are named in {} files of app/src: {naming:?}",
        naming.len()
    );
}

/// The longest a source file of the app, the use cases or an adapter may
/// be: past it, a file holds more than one thing and is hard to review.
const MOST_LINES_IN_A_FILE: usize = 800;

#[test]
fn no_source_file_of_the_app_the_use_cases_or_the_adapters_is_longer_than_800_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut folders = vec![root.join("app/src"), root.join("usecases/src")];
    let adapters = std::fs::read_dir(root.join("adapters"))
        .unwrap_or_else(|err| panic!("cannot list the adapters: {err}"));
    folders.extend(adapters.flatten().map(|a| a.path().join("src")));
    let files: Vec<PathBuf> = folders.iter().flat_map(|f| rust_files(f)).collect();
    assert!(!files.is_empty(), "no source files found under {root:?}");

    let too_long: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let lines = std::fs::read_to_string(file).ok()?.lines().count();
            let name = file.strip_prefix(&root).unwrap_or(file).display();
            (lines > MOST_LINES_IN_A_FILE).then(|| format!("{name}: {lines} lines"))
        })
        .collect();

    assert!(
        too_long.is_empty(),
        "longer than {MOST_LINES_IN_A_FILE} lines; split them:\n{}",
        too_long.join("\n")
    );
}
