//! The documentation's examples are real: every YAML block in `README.md` and in `docs/*.md`
//! that is a whole policy (it declares `version:`) must load without errors, every simulator
//! seed example must load as a seed, the `render --explain` example must be what rendering
//! prints, and every link between these pages (`[text](#anchor)`, `[text](docs/page.md#anchor)`)
//! must lead to a file and a heading that exist, so splitting or renaming a section cannot leave
//! a dead link.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use zdpolicy::policy::{load_sources, source::SourceMap};

/// `README.md` and every `docs/*.md`, sorted, as paths relative to the crate root.
fn documentation_pages() -> Vec<PathBuf> {
    let mut pages = vec![PathBuf::from("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir("docs")
        .expect("docs/")
        .map(|entry| entry.expect("docs/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

/// The fenced ```` ```yaml ```` blocks of a page, with a common indent removed (blocks inside
/// list items are indented as a whole).
fn yaml_blocks(page: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    for block in page.split("```yaml\n").skip(1) {
        let Some(end) = block.find("```") else {
            continue;
        };
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
        blocks.push(text);
    }
    blocks
}

#[test]
fn documentation_policy_examples_are_valid() {
    let mut checked = BTreeMap::new();
    for path in documentation_pages() {
        let name = path.display().to_string();
        let page = std::fs::read_to_string(&path).unwrap();
        let mut count = 0;
        for (i, text) in yaml_blocks(&page).into_iter().enumerate() {
            if !text.lines().any(|l| l.starts_with("version:")) {
                continue;
            }
            let mut sources = SourceMap::new();
            sources.add(format!("{name} block {i}"), text);
            let policy = load_sources(name.clone(), sources);
            assert!(
                policy.diagnostics.is_empty(),
                "{name} block {i}: {:#?}",
                policy.diagnostics
            );
            count += 1;
        }
        checked.insert(name, count);
    }
    // The quick start's minimal policy and the format reference's full one are both checked.
    assert!(checked["README.md"] >= 1, "{checked:?}");
    assert!(checked["docs/policy-format.md"] >= 1, "{checked:?}");
}

/// The simulator seed examples (YAML blocks whose top-level `accounts:` is a list) load as
/// seeds, as `zdpolicy simulator --seed` would read them.
#[test]
fn documentation_seed_examples_load() {
    let mut checked = 0;
    for path in documentation_pages() {
        let page = std::fs::read_to_string(&path).unwrap();
        for (i, text) in yaml_blocks(&page).into_iter().enumerate() {
            if !text.contains("\naccounts:\n  - subdomain:") && !text.starts_with("accounts:\n  - ")
            {
                continue;
            }
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("seed.yaml");
            std::fs::write(&file, &text).unwrap();
            if let Err(err) = zdpolicy::simulator::load_seed_file(&file) {
                panic!(
                    "{} block {i} is not a valid seed: {err}\n{text}",
                    path.display()
                );
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 2,
        "expected the simulator page's seed examples, found {checked}"
    );
}

/// The README's `render --explain` example shows lines that rendering the multi-account
/// example really prints.
#[test]
fn the_render_explain_example_is_real_output() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let block = yaml_blocks(&readme)
        .into_iter()
        .find(|b| b.contains("# built-in default"))
        .expect("the README shows `render --explain`");
    let output = assert_cmd::Command::cargo_bin("zdpolicy")
        .unwrap()
        .args([
            "--color",
            "never",
            "render",
            "--explain",
            "examples/multi-account/",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let rendered = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = rendered.lines().map(str::trim).collect();
    for line in block.lines().map(str::trim).filter(|l| !l.is_empty()) {
        assert!(
            lines.contains(&line),
            "render --explain does not print `{line}`:\n{rendered}"
        );
    }
}

/// GitHub's anchor of a heading: lower case, punctuation other than `-` and `_` dropped,
/// spaces as hyphens.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a page's headings (outside code blocks).
fn anchors(page: &str) -> Vec<String> {
    let mut fenced = false;
    let mut found = Vec::new();
    for line in page.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let hashes = line.len() - line.trim_start_matches('#').len();
        if hashes > 0 && line[hashes..].starts_with(' ') {
            found.push(anchor(&line[hashes..]));
        }
    }
    found
}

/// Every relative link target (`](target)`) of a page: not a URL.
fn relative_links(page: &str) -> Vec<String> {
    page.split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(target, _)| target.to_owned()))
        .filter(|target| !target.contains("://") && !target.starts_with("mailto:"))
        .collect()
}

#[test]
fn documentation_links_lead_somewhere() {
    let mut dead = Vec::new();
    for path in documentation_pages() {
        let page = std::fs::read_to_string(&path).unwrap();
        let dir = path.parent().unwrap_or(Path::new(""));
        for link in relative_links(&page) {
            let (file, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let target = if file.is_empty() {
                path.clone()
            } else {
                dir.join(file)
            };
            let Ok(text) = std::fs::read_to_string(&target) else {
                dead.push(format!(
                    "{}: {link}: no file {}",
                    path.display(),
                    target.display()
                ));
                continue;
            };
            if !fragment.is_empty() && !anchors(&text).iter().any(|a| a == fragment) {
                dead.push(format!("{}: {link}: no such heading", path.display()));
            }
        }
    }
    assert!(dead.is_empty(), "dead links: {dead:#?}");
}

/// The README is the front door: it links every reference page in `docs/`.
#[test]
fn the_readme_links_every_docs_page() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    for path in documentation_pages().into_iter().skip(1) {
        let link = format!("]({})", path.display());
        assert!(readme.contains(&link), "README.md does not link {link}");
    }
}

/// Every error code a command can end with (the `code("…")` of the error types in `src/`) is listed in
/// the README's exit-code section, so a new one cannot go undocumented.
#[test]
fn the_readme_lists_every_error_code() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let section = readme
        .split_once("## Exit codes")
        .and_then(|(_, rest)| rest.split_once("\n## "))
        .map(|(section, _)| section)
        .expect("the README's exit-code section");
    let mut missing = Vec::new();
    let mut found = 0;
    let mut files = Vec::new();
    let mut dirs = vec![PathBuf::from("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    for file in &files {
        let file = file.display();
        let text = std::fs::read_to_string(file.to_string()).unwrap();
        for (at, _) in text.match_indices("code(\"") {
            // Only miette's `#[diagnostic(code("…"))]`, not a call of some `code` function.
            if !text[..at].trim_end().ends_with("diagnostic(") {
                continue;
            }
            let rest = &text[at + "code(\"".len()..];
            let Some((code, _)) = rest.split_once("\")") else {
                continue;
            };
            found += 1;
            if !section.contains(&format!("`{code}`")) {
                missing.push(format!("{code} ({file})"));
            }
        }
    }
    assert!(
        found >= 30,
        "found only {found} codes: were the error types moved?"
    );
    assert!(missing.is_empty(), "undocumented error codes: {missing:?}");
}
