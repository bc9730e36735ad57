//! The loader's YAML limits: sized for the largest real policies, said as limits when reached,
//! and still refusing alias bombs and runaway nesting (#12).

use std::fmt::Write;

use zdpolicy::policy::source::SourceMap;
use zdpolicy::policy::yaml_limits::YamlLimits;
use zdpolicy::policy::{Code, Policy, load_sources, load_within};

fn load(text: String) -> Policy {
    let mut sources = SourceMap::new();
    sources.add("p.yaml", text);
    load_sources("test".into(), sources)
}

fn codes(policy: &Policy) -> Vec<&'static str> {
    policy.diagnostics.iter().map(|d| d.code.name()).collect()
}

/// One account with `count` triggers of 30 YAML nodes each, the small end of real ones (30 to
/// 60): 10,000 of them are 300,000 nodes, over serde-saphyr's default budget of 250,000, and
/// quick enough to parse in a debug build.
fn many_triggers(count: usize) -> String {
    let mut text =
        String::from("version: 1\naccounts:\n  acme:\n    subdomain: acme\n    triggers:\n");
    for i in 0..count {
        writeln!(
            text,
            "      - key: route-{i}\n        title: Route {i}\n        conditions:\n          all:\n            - {{ field: status, operator: is, value: new }}\n            - {{ field: organization_id, operator: is, value: \"{i}\" }}\n        actions:\n          - {{ field: group_id, value: \"{i}\" }}"
        )
        .unwrap();
    }
    text
}

/// Regression (#12): 10,000 triggers in one account were refused as "yaml-syntax: invalid YAML:
/// budget breached: Nodes { nodes: 250001 }".
#[test]
fn ten_thousand_triggers_in_one_account_load() {
    let policy = load(many_triggers(10_000));
    assert!(
        policy.diagnostics.is_empty(),
        "{:?}",
        &policy.diagnostics[..1]
    );
    assert_eq!(policy.accounts[0].triggers().len(), 10_000);
}

#[test]
fn going_over_the_node_limit_is_a_limit_not_a_syntax_error() {
    // Through load_within, as the CLI does with ZDPOLICY_MAX_YAML_NODES.
    let policy = {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.yaml");
        std::fs::write(&path, many_triggers(10)).unwrap();
        load_within(
            &zdpolicy::policy::PolicyFiles {
                label: "p".into(),
                files: vec![path],
                ..Default::default()
            },
            &YamlLimits { max_nodes: 100 },
        )
    };
    assert_eq!(codes(&policy), ["yaml-limit"]);
    let d = &policy.diagnostics[0];
    assert_eq!(
        d.message,
        "the file holds more than 100 YAML nodes (scalars, lists and mappings), the most zdpolicy reads from one file"
    );
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("ZDPOLICY_MAX_YAML_NODES=N")),
        "{d:?}"
    );
}

#[test]
fn an_alias_bomb_is_still_refused_as_a_limit() {
    // "Billion laughs": nine levels of ten aliases each expand to 10^9 values.
    let mut text = String::from("version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let prev = level - 1;
        writeln!(
            text,
            "a{level}: &a{level} [{}]",
            vec![format!("*a{prev}"); 10].join(", ")
        )
        .unwrap();
    }
    let policy = load(text);
    assert_eq!(codes(&policy), ["yaml-limit"], "{:?}", policy.diagnostics);
    assert!(
        policy.diagnostics[0].message.contains("aliases"),
        "{:?}",
        policy.diagnostics[0]
    );
}

#[test]
fn one_anchor_reused_by_hundreds_of_triggers_loads() {
    let mut text = String::from(
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    triggers:\n      - key: t0\n        title: T0\n        actions: &urgent [ { field: priority, value: urgent } ]\n",
    );
    for i in 1..300 {
        writeln!(
            text,
            "      - {{ key: t{i}, title: T{i}, actions: *urgent }}"
        )
        .unwrap();
    }
    let policy = load(text);
    assert!(policy.diagnostics.is_empty(), "{:?}", policy.diagnostics);
    assert_eq!(policy.accounts[0].triggers().len(), 300);
}

/// Runs `test` on a thread with the main thread's stack (8 MiB), where the CLI parses: a debug
/// build needs more than a test thread's 2 MiB to decode 64 nested levels.
fn on_main_sized_stack(test: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(8 * 1024 * 1024)
        .spawn(test)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn runaway_nesting_is_still_refused() {
    on_main_sized_stack(runaway_nesting);
}

fn runaway_nesting() {
    let text = format!("version: 1\nx: {}{}\n", "[".repeat(200), "]".repeat(200));
    let policy = load(text);
    assert_eq!(policy.diagnostics.len(), 1, "{:?}", policy.diagnostics);
    assert!(
        matches!(
            policy.diagnostics[0].code,
            Code::YamlLimit | Code::YamlSyntax
        ),
        "{:?}",
        policy.diagnostics[0]
    );
    let block = format!(
        "version: 1\n{}",
        (0..100)
            .map(|depth| format!("{}k{depth}:\n", "  ".repeat(depth)))
            .collect::<String>()
    );
    let policy = load(block);
    assert_eq!(codes(&policy), ["yaml-limit"], "{:?}", policy.diagnostics);
    assert_eq!(
        policy.diagnostics[0].message,
        "the YAML is nested more than 64 levels deep"
    );
}
