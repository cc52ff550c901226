//! The dependency rules of the architecture, checked on the graph cargo
//! resolves, so that breaking one fails the tests instead of being noticed
//! in review (or not at all):
//!
//! - the domain reaches no async or I/O crate and none of ours;
//! - the ports depend, among our crates, on the domain only;
//! - the use cases depend, among our crates, on the domain and the ports only;
//! - no adapter reaches the app or another adapter (except the libraries
//!   the chat adapters share: the screen renderer, `meetbot-i18n`, and
//!   the chart drawer, `meetbot-charts`);
//! - the domain's manifest declares no tokio, not even an optional one.
//!
//! Only normal dependencies count: a test may use whatever it likes.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

const DOMAIN: &str = "meetbot-domain";
const PORTS: &str = "meetbot-ports";
const USECASES: &str = "meetbot-usecases";
/// The app crate's package name (and the name it might be renamed to).
const APP: [&str; 2] = ["meetbot", "meetbot-app"];
/// Crates under adapters/ that other adapters may use: they implement no
/// port, they are libraries shared by the chat adapters (the screen renderer
/// that Telegram and the console both use, and the chart drawer it draws a
/// screen's chart with). Each still obeys rule (d) itself.
const SHARED_BY_ADAPTERS: [&str; 2] = ["meetbot-i18n", "meetbot-charts"];
/// Crates the domain must not reach, even through another crate.
const FORBIDDEN_IN_DOMAIN: [&str; 7] = [
    "tokio",
    "diesel",
    "reqwest",
    "hyper",
    "frankenstein",
    "google-calendar3",
    "async-trait",
];

/// The parts of `cargo metadata` the rules need.
#[derive(Debug)]
struct Graph {
    /// Package id → package name.
    names: BTreeMap<String, String>,
    /// Package id → directory of its manifest.
    dirs: BTreeMap<String, PathBuf>,
    /// Ids of the workspace's own packages.
    ours: BTreeSet<String>,
    /// Package id → ids of its normal (not dev, not build) dependencies.
    normal: BTreeMap<String, Vec<String>>,
    /// Package id → (name, kind) of every dependency its manifest declares,
    /// optional ones included.
    declared: BTreeMap<String, Vec<(String, Option<String>)>>,
    workspace_root: PathBuf,
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

fn array(value: &Value) -> &[Value] {
    value.as_array().map(Vec::as_slice).unwrap_or_default()
}

impl Graph {
    fn from_metadata(metadata: &Value) -> Graph {
        let mut graph = Graph {
            names: BTreeMap::new(),
            dirs: BTreeMap::new(),
            ours: array(&metadata["workspace_members"])
                .iter()
                .map(text)
                .collect(),
            normal: BTreeMap::new(),
            declared: BTreeMap::new(),
            workspace_root: PathBuf::from(text(&metadata["workspace_root"])),
        };
        for package in array(&metadata["packages"]) {
            let id = text(&package["id"]);
            graph.names.insert(id.clone(), text(&package["name"]));
            let manifest = PathBuf::from(text(&package["manifest_path"]));
            let dir = manifest.parent().map(Path::to_path_buf).unwrap_or_default();
            graph.dirs.insert(id.clone(), dir);
            let declared = array(&package["dependencies"])
                .iter()
                .map(|dep| (text(&dep["name"]), dep["kind"].as_str().map(str::to_owned)))
                .collect();
            graph.declared.insert(id, declared);
        }
        for node in array(&metadata["resolve"]["nodes"]) {
            let deps = array(&node["deps"])
                .iter()
                .filter(|dep| {
                    // Without `dep_kinds` (a very old cargo) count the edge:
                    // better a false alarm than a missed violation.
                    dep.get("dep_kinds")
                        .and_then(Value::as_array)
                        .is_none_or(|kinds| kinds.iter().any(|kind| kind["kind"].is_null()))
                })
                .map(|dep| text(&dep["pkg"]))
                .collect();
            graph.normal.insert(text(&node["id"]), deps);
        }
        graph
    }

    fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.get(id).map_or(id, String::as_str)
    }

    fn id_of(&self, name: &str) -> Option<&str> {
        self.names
            .iter()
            .find(|(id, n)| n.as_str() == name && self.ours.contains(*id))
            .or_else(|| self.names.iter().find(|(_, n)| n.as_str() == name))
            .map(|(id, _)| id.as_str())
    }

    fn is_ours(&self, id: &str) -> bool {
        self.ours.contains(id) || self.name(id).starts_with("meetbot")
    }

    fn is_adapter(&self, id: &str) -> bool {
        self.ours.contains(id)
            && self
                .dirs
                .get(id)
                .is_some_and(|dir| dir.starts_with(self.workspace_root.join("adapters")))
    }

    fn direct(&self, id: &str) -> &[String] {
        self.normal.get(id).map(Vec::as_slice).unwrap_or_default()
    }

    /// Every package `from` reaches through normal dependencies, each with
    /// the chain of names that leads to it (`a → b → c`).
    fn reachable(&self, from: &str) -> BTreeMap<String, String> {
        let mut paths = BTreeMap::new();
        let mut queue = VecDeque::from([(from.to_owned(), self.name(from).to_owned())]);
        while let Some((id, path)) = queue.pop_front() {
            for dep in self.direct(&id) {
                if dep != from && !paths.contains_key(dep) {
                    let dep_path = format!("{path} → {}", self.name(dep));
                    paths.insert(dep.clone(), dep_path.clone());
                    queue.push_back((dep.clone(), dep_path));
                }
            }
        }
        paths
    }
}

/// Rule (a): the domain reaches no forbidden crate and none of ours.
fn domain_violations(graph: &Graph) -> Vec<String> {
    let Some(domain) = graph.id_of(DOMAIN) else {
        return vec![format!("{DOMAIN} is not in the workspace")];
    };
    graph
        .reachable(domain)
        .into_iter()
        .filter(|(id, _)| FORBIDDEN_IN_DOMAIN.contains(&graph.name(id)) || graph.is_ours(id))
        .map(|(id, path)| format!("{DOMAIN} must not depend on {}: {path}", graph.name(&id)))
        .collect()
}

/// Rules (b) and (c): among our crates, `package` depends directly only on
/// `allowed`. `None` when the package does not exist.
fn direct_violations(graph: &Graph, package: &str, allowed: &[&str]) -> Option<Vec<String>> {
    let id = graph.id_of(package)?;
    Some(
        graph
            .direct(id)
            .iter()
            .filter(|dep| graph.is_ours(dep) && !allowed.contains(&graph.name(dep)))
            .map(|dep| {
                format!(
                    "{package} must depend on no crate of ours but {}; it depends on {}",
                    allowed.join(" and "),
                    graph.name(dep)
                )
            })
            .collect(),
    )
}

/// Rule (d): no adapter reaches the app or another adapter.
fn adapter_violations(graph: &Graph) -> Vec<String> {
    let adapters: Vec<&String> = graph
        .ours
        .iter()
        .filter(|id| graph.is_adapter(id))
        .collect();
    let mut violations = Vec::new();
    for adapter in &adapters {
        for (dep, path) in graph.reachable(adapter) {
            let is_app = APP.contains(&graph.name(&dep)) && graph.is_ours(&dep);
            let is_other_adapter = graph.is_adapter(&dep)
                && &&dep != adapter
                && !SHARED_BY_ADAPTERS.contains(&graph.name(&dep));
            if is_app || is_other_adapter {
                violations.push(format!(
                    "adapter {} must not depend on {}: {path}",
                    graph.name(adapter),
                    graph.name(&dep)
                ));
            }
        }
    }
    violations
}

/// Rule (e): the domain's manifest declares no tokio (or other forbidden
/// crate) as a normal dependency, optional or not.
fn domain_manifest_violations(graph: &Graph) -> Vec<String> {
    let Some(domain) = graph.id_of(DOMAIN) else {
        return vec![format!("{DOMAIN} is not in the workspace")];
    };
    graph
        .declared
        .get(domain)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|(name, kind)| kind.is_none() && FORBIDDEN_IN_DOMAIN.contains(&name.as_str()))
        .map(|(name, _)| format!("{DOMAIN}'s Cargo.toml declares [dependencies] {name}"))
        .collect()
}

/// Every rule at once.
fn all_violations(graph: &Graph) -> Vec<String> {
    let mut violations = domain_violations(graph);
    violations.extend(direct_violations(graph, PORTS, &[DOMAIN]).unwrap_or_default());
    violations.extend(direct_violations(graph, USECASES, &[DOMAIN, PORTS]).unwrap_or_default());
    violations.extend(adapter_violations(graph));
    violations.extend(domain_manifest_violations(graph));
    violations
}

fn workspace_graph() -> Graph {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .output()
        .unwrap_or_else(|err| panic!("cannot run cargo metadata: {err}"));
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("cargo metadata printed something other than JSON: {err}"));
    let graph = Graph::from_metadata(&metadata);
    // A graph read wrongly would have no edges and break no rule; the ports
    // depending on the domain proves that names and edges were read.
    let ports_reach_domain = graph.id_of(PORTS).is_some_and(|ports| {
        graph
            .direct(ports)
            .iter()
            .any(|dep| graph.name(dep) == DOMAIN)
    });
    assert!(
        ports_reach_domain,
        "cargo metadata was not read as expected: {graph:?}"
    );
    graph
}

fn assert_none(violations: &[String]) {
    assert!(
        violations.is_empty(),
        "dependency rules broken:\n  {}",
        violations.join("\n  ")
    );
}

#[test]
fn domain_has_no_forbidden_dependency_and_none_of_ours() {
    let graph = workspace_graph();

    assert_none(&domain_violations(&graph));
}

#[test]
fn ports_have_no_dependency_on_our_crates_but_the_domain() {
    let graph = workspace_graph();

    let violations = direct_violations(&graph, PORTS, &[DOMAIN]);

    assert_none(&violations.expect("meetbot-ports is in the workspace"));
}

#[test]
fn usecases_have_no_dependency_on_our_crates_but_domain_and_ports() {
    let graph = workspace_graph();

    match direct_violations(&graph, USECASES, &[DOMAIN, PORTS]) {
        Some(violations) => assert_none(&violations),
        None => println!("SKIPPED: {USECASES} is not in the workspace"),
    }
}

#[test]
fn adapters_have_no_dependency_on_the_app_or_another_adapter() {
    let graph = workspace_graph();
    assert!(
        graph.ours.iter().any(|id| graph.is_adapter(id)),
        "no crate under adapters/ was found, so this rule checks nothing"
    );

    assert_none(&adapter_violations(&graph));
}

#[test]
fn domain_manifest_declares_no_tokio_dependency() {
    let graph = workspace_graph();

    assert_none(&domain_manifest_violations(&graph));
}

// ----- the checker itself catches violations -----

/// A small `cargo metadata` document: `packages` as (name, directory under
/// the workspace or "" for a registry crate), `edges` as (from, to, kind).
fn fake_metadata(packages: &[(&str, &str)], edges: &[(&str, &str, Option<&str>)]) -> Value {
    let id = |name: &str| format!("{name} 0.1.0");
    let ours: Vec<String> = packages
        .iter()
        .filter(|(_, dir)| !dir.is_empty())
        .map(|(name, _)| id(name))
        .collect();
    let package_values: Vec<Value> = packages
        .iter()
        .map(|(name, dir)| {
            let manifest = if dir.is_empty() {
                format!("/registry/{name}/Cargo.toml")
            } else {
                format!("/ws/{dir}/Cargo.toml")
            };
            let dependencies: Vec<Value> = edges
                .iter()
                .filter(|(from, _, _)| from == name)
                .map(|(_, to, kind)| json!({ "name": to, "kind": kind }))
                .collect();
            json!({ "id": id(name), "name": name, "manifest_path": manifest, "dependencies": dependencies })
        })
        .collect();
    let nodes: Vec<Value> = packages
        .iter()
        .map(|(name, _)| {
            let deps: Vec<Value> = edges
                .iter()
                .filter(|(from, _, _)| from == name)
                .map(|(_, to, kind)| {
                    json!({ "name": to, "pkg": id(to), "dep_kinds": [{ "kind": kind, "target": null }] })
                })
                .collect();
            json!({ "id": id(name), "deps": deps })
        })
        .collect();
    json!({
        "packages": package_values,
        "workspace_members": ours,
        "workspace_root": "/ws",
        "resolve": { "nodes": nodes },
    })
}

#[test]
fn the_dependency_checker_reports_a_domain_that_reaches_tokio() {
    let metadata = fake_metadata(
        &[("meetbot-domain", "domain"), ("chrono", ""), ("tokio", "")],
        &[
            ("meetbot-domain", "chrono", None),
            ("chrono", "tokio", None),
        ],
    );

    let violations = all_violations(&Graph::from_metadata(&metadata));

    assert_eq!(
        violations,
        ["meetbot-domain must not depend on tokio: meetbot-domain → chrono → tokio"]
    );
}

#[test]
fn the_dependency_checker_reports_tokio_declared_in_the_domain_manifest() {
    let metadata = fake_metadata(
        &[("meetbot-domain", "domain"), ("tokio", "")],
        &[("meetbot-domain", "tokio", None)],
    );

    let violations = domain_manifest_violations(&Graph::from_metadata(&metadata));

    assert_eq!(
        violations,
        ["meetbot-domain's Cargo.toml declares [dependencies] tokio"]
    );
}

#[test]
fn the_dependency_checker_ignores_dev_dependencies() {
    let metadata = fake_metadata(
        &[("meetbot-domain", "domain"), ("tokio", "")],
        &[("meetbot-domain", "tokio", Some("dev"))],
    );

    assert_none(&all_violations(&Graph::from_metadata(&metadata)));
}

#[test]
fn the_dependency_checker_reports_layers_that_depend_on_the_wrong_crates() {
    let metadata = fake_metadata(
        &[
            ("meetbot-domain", "domain"),
            ("meetbot-ports", "ports"),
            ("meetbot-usecases", "usecases"),
            ("meetbot-storage", "adapters/storage"),
            ("meetbot-memory", "adapters/memory"),
            ("meetbot", "app"),
        ],
        &[
            ("meetbot-ports", "meetbot-domain", None),
            ("meetbot-ports", "meetbot-usecases", None),
            ("meetbot-usecases", "meetbot-domain", None),
            ("meetbot-usecases", "meetbot-storage", None),
            ("meetbot-storage", "meetbot-ports", None),
            ("meetbot-memory", "meetbot", None),
            ("meetbot", "meetbot-storage", None),
        ],
    );

    let violations = all_violations(&Graph::from_metadata(&metadata));

    let expected = [
        "meetbot-ports must depend on no crate of ours but meetbot-domain; it depends on meetbot-usecases",
        "meetbot-usecases must depend on no crate of ours but meetbot-domain and meetbot-ports; \
         it depends on meetbot-storage",
        "adapter meetbot-memory must not depend on meetbot: meetbot-memory → meetbot",
        "adapter meetbot-memory must not depend on meetbot-storage: meetbot-memory → meetbot → meetbot-storage",
    ];
    assert_eq!(violations, expected);
}

#[test]
fn the_dependency_checker_lets_adapters_share_the_renderer_but_nothing_behind_it() {
    let metadata = fake_metadata(
        &[
            ("meetbot-console", "adapters/console"),
            ("meetbot-i18n", "adapters/i18n"),
            ("meetbot-memory", "adapters/memory"),
        ],
        &[
            ("meetbot-console", "meetbot-i18n", None),
            ("meetbot-i18n", "meetbot-memory", None),
        ],
    );

    let violations = adapter_violations(&Graph::from_metadata(&metadata));

    assert_eq!(
        violations,
        [
            "adapter meetbot-console must not depend on meetbot-memory: \
             meetbot-console → meetbot-i18n → meetbot-memory",
            "adapter meetbot-i18n must not depend on meetbot-memory: meetbot-i18n → meetbot-memory",
        ]
    );
}

#[test]
fn the_dependency_checker_lets_the_renderer_draw_charts_but_not_the_chart_drawer_reach_an_adapter()
{
    let metadata = fake_metadata(
        &[
            ("meetbot-ports", "ports"),
            ("meetbot-telegram", "adapters/telegram"),
            ("meetbot-i18n", "adapters/i18n"),
            ("meetbot-charts", "adapters/charts"),
            ("meetbot-memory", "adapters/memory"),
        ],
        &[
            ("meetbot-telegram", "meetbot-i18n", None),
            ("meetbot-i18n", "meetbot-charts", None),
            ("meetbot-charts", "meetbot-ports", None),
            ("meetbot-charts", "meetbot-memory", None),
        ],
    );

    let violations = adapter_violations(&Graph::from_metadata(&metadata));

    assert_eq!(
        violations,
        [
            "adapter meetbot-charts must not depend on meetbot-memory: meetbot-charts → meetbot-memory",
            "adapter meetbot-i18n must not depend on meetbot-memory: \
             meetbot-i18n → meetbot-charts → meetbot-memory",
            "adapter meetbot-telegram must not depend on meetbot-memory: \
             meetbot-telegram → meetbot-i18n → meetbot-charts → meetbot-memory",
        ]
    );
}
