//! The README's policy examples are real: every YAML block in it that is a whole policy
//! (it declares `version:`) must load without errors.

use zdpolicy::policy::{load_sources, source::SourceMap};

#[test]
fn readme_policy_examples_are_valid() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let mut checked = 0;
    for (i, block) in readme.split("```yaml\n").skip(1).enumerate() {
        let Some(end) = block.find("```") else {
            continue;
        };
        // Blocks inside list items are indented as a whole; remove the common indent.
        let raw = &block[..end];
        let indent = raw
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        let text: String = raw
            .lines()
            .map(|l| l.get(indent..).unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        if !text.lines().any(|l| l.starts_with("version:")) {
            continue;
        }
        let mut sources = SourceMap::new();
        sources.add(format!("README.md block {i}"), text);
        let policy = load_sources("README".into(), sources);
        assert!(
            policy.diagnostics.is_empty(),
            "README block {i}: {:#?}",
            policy.diagnostics
        );
        checked += 1;
    }
    assert!(
        checked >= 2,
        "expected the README's policy examples, found {checked}"
    );
}
