//! Every text key the code uses has a translation in both locale files, and
//! every translation in them is used.
//!
//! The code names its texts with string literals (`Text::new("welcome")`,
//! `views::note("stopped")`, `UseCaseError::Invalid("error-...")`), so the
//! source files are parsed with syn and their string literals collected,
//! the ones inside macros (`format!`) included; test code is left out. A
//! few keys are built at run time from a template (`format!("role-{}")`):
//! each such template must be one of the families below, which enumerate
//! every key the template can make.

#![expect(clippy::unwrap_used, reason = "a panic reports a broken set-up")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use meetbot_domain::{MeetingStatus, Role, Status};
use meetbot_usecases::chat::SettingCode;
use meetbot_usecases::chat::settings_views::{COMMON_ZONES, city_key};
use meetbot_usecases::screens::{role_key, status_key};
use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// The workspace's root (this crate sits in `tests/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The source folders of the crates that put text on screens.
fn source_folders() -> Vec<PathBuf> {
    let root = root();
    let mut folders = vec![
        root.join("domain/src"),
        root.join("ports/src"),
        root.join("usecases/src"),
        root.join("app/src"),
    ];
    for adapter in std::fs::read_dir(root.join("adapters")).unwrap() {
        let src = adapter.unwrap().path().join("src");
        if src.is_dir() {
            folders.push(src);
        }
    }
    folders
}

fn rust_files(folder: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// Collects the string literals of code that is not test code.
#[derive(Default)]
struct Literals {
    found: BTreeSet<String>,
}

/// `#[test]`, `#[tokio::test]`, `#[cfg(test)]` and the like.
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let path = attr.path();
        if path.segments.last().is_some_and(|s| s.ident == "test") {
            return true;
        }
        path.is_ident("cfg")
            && attr
                .meta
                .require_list()
                .is_ok_and(|list| list.tokens.to_string().contains("test"))
    })
}

impl Literals {
    /// Literals inside a macro call: its arguments are plain tokens to syn.
    fn tokens(&mut self, tokens: TokenStream) {
        for token in tokens {
            match token {
                TokenTree::Literal(literal) => {
                    if let Ok(syn::Lit::Str(text)) =
                        syn::parse_str::<syn::Lit>(&literal.to_string())
                    {
                        self.found.insert(text.value());
                    }
                }
                TokenTree::Group(group) => self.tokens(group.stream()),
                TokenTree::Ident(_) | TokenTree::Punct(_) => {}
            }
        }
    }
}

impl<'ast> Visit<'ast> for Literals {
    fn visit_lit_str(&mut self, literal: &'ast syn::LitStr) {
        self.found.insert(literal.value());
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_mod(self, item);
        }
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_fn(self, item);
        }
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_impl(self, item);
        }
    }

    fn visit_item_use(&mut self, _: &'ast syn::ItemUse) {}

    // Doc comments are `#[doc = "..."]` attributes: prose, not keys.
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}
}

/// Every string literal of the non-test code of the scanned crates.
fn literals_in_code() -> BTreeSet<String> {
    let mut files = Vec::new();
    for folder in source_folders() {
        rust_files(&folder, &mut files);
    }
    let mut literals = Literals::default();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        let syntax = syn::parse_file(&source)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", file.display()));
        literals.visit_file(&syntax);
    }
    literals.found
}

/// The message ids of a Fluent file (terms, `-name`, are not messages).
fn messages_in(locale: &str) -> BTreeSet<String> {
    let path = root().join("adapters/i18n/locales").join(locale);
    std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|line| line.split_once('=').map(|(id, _)| id.trim().to_owned()))
        .collect()
}

/// Whether a literal looks like a message key: lower-case words joined by
/// hyphens (`error-not-found`). One-word keys (`welcome`) are only told from
/// other words by being in a locale file.
fn is_key_shaped(literal: &str) -> bool {
    literal.contains('-')
        && !literal.starts_with('-')
        && !literal.ends_with('-')
        && !literal.contains("--")
        && literal
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Key-shaped literals of the code that are not message keys: an HTTP
/// header, CalDAV's XML element names, the calendar event ids' template,
/// the default speech-to-text model.
const NOT_KEYS: &[&str] = &[
    "x-telegram-bot-api-secret-token",
    "whisper-1",
    "calendar-data",
    "calendar-home-set",
    "current-user-principal",
    "meetbot-meeting-{meeting}",
];

/// Keys built at run time: the template's text before its placeholder
/// (`role-` for `format!("role-{}")`, whatever the placeholder is called),
/// and every key the template can make.
struct Family {
    prefix: &'static str,
    keys: Vec<String>,
}

/// The text of a key template before its placeholder.
fn prefix_of(template: &str) -> &str {
    template
        .split_once('{')
        .map_or(template, |(prefix, _)| prefix)
}

fn families() -> Vec<Family> {
    let mut commands = BTreeSet::new();
    for role in [None, Some(Role::Manager), Some(Role::Owner)] {
        for (_, key) in meetbot_usecases::chat::commands_for(role) {
            commands.insert(key);
        }
    }
    vec![
        Family {
            prefix: "role-",
            keys: Role::ALL.iter().map(|r| role_key(*r)).collect(),
        },
        Family {
            prefix: "status-",
            keys: Status::ALL.iter().map(|s| status_key(*s)).collect(),
        },
        Family {
            prefix: "meeting-status-",
            keys: MeetingStatus::ALL
                .iter()
                .map(|s| format!("meeting-status-{}", s.as_str().to_ascii_lowercase()))
                .collect(),
        },
        Family {
            prefix: "command-",
            keys: commands.into_iter().collect(),
        },
        Family {
            prefix: "weekday-",
            keys: (1..=7).map(|d| format!("weekday-{d}")).collect(),
        },
        Family {
            prefix: "setting-",
            keys: SettingCode::ALL
                .iter()
                .map(|code| format!("setting-{}", code.code()))
                .collect(),
        },
        Family {
            prefix: "city-",
            keys: COMMON_ZONES.iter().map(|zone| city_key(zone)).collect(),
        },
        Family {
            prefix: "ask-setting-",
            keys: SettingCode::ALL
                .iter()
                .map(|code| format!("ask-setting-{}", code.code()))
                .collect(),
        },
    ]
}

/// A literal that builds a key with `format!`: a key-shaped prefix ending
/// in a hyphen, then one placeholder (`role-{}`, `setting-{code}`).
fn is_key_template(literal: &str) -> bool {
    let Some((prefix, placeholder)) = literal.split_once('{') else {
        return false;
    };
    let word = prefix.trim_end_matches('-');
    prefix.ends_with('-')
        && word.starts_with(|c: char| c.is_ascii_lowercase())
        && word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && placeholder.ends_with('}')
        && !placeholder.contains(['{', '-', '.'])
}

#[test]
fn every_translation_key_used_in_code_is_in_both_locales_and_every_translation_is_used() {
    let literals = literals_in_code();
    let ru = messages_in("ru.ftl");
    let en = messages_in("en.ftl");
    let families = families();

    let mut used: BTreeSet<String> = literals
        .iter()
        .filter(|l| is_key_shaped(l) && !NOT_KEYS.contains(&l.as_str()))
        .cloned()
        .collect();
    // One-word keys are recognised by being defined.
    used.extend(
        literals
            .iter()
            .filter(|l| ru.contains(*l) || en.contains(*l))
            .cloned(),
    );
    let mut unlisted_templates = Vec::new();
    let templates = literals
        .iter()
        .filter(|l| is_key_template(l) && !NOT_KEYS.contains(&l.as_str()));
    let mut built: BTreeSet<&str> = BTreeSet::new();
    for template in templates {
        built.insert(prefix_of(template));
        match families.iter().find(|f| f.prefix == prefix_of(template)) {
            Some(family) => used.extend(family.keys.iter().cloned()),
            None => unlisted_templates.push(template.clone()),
        }
    }
    for family in &families {
        assert!(
            built.contains(family.prefix),
            "no key is built from `{}...` in the code any more; take it out of families()",
            family.prefix
        );
    }

    let mut problems = Vec::new();
    for template in unlisted_templates {
        problems.push(format!(
            "keys built from `{template}` are not enumerated in families()"
        ));
    }
    for key in &used {
        for (name, locale) in [("ru.ftl", &ru), ("en.ftl", &en)] {
            if !locale.contains(key) {
                problems.push(format!("{name} lacks `{key}`"));
            }
        }
    }
    for key in ru.union(&en) {
        if !used.contains(key) {
            problems.push(format!("`{key}` is in the locales but no code uses it"));
        }
    }
    assert!(
        problems.is_empty(),
        "translation keys out of step:\n{}",
        problems.join("\n")
    );
}
