//! The direction of dependencies: the pure modules (the policy model and its checks, the
//! planner, live state, Zendesk's wire model and the rules it shares with the simulator) use
//! nothing that does I/O, so they are tested without a server, a file system or a runtime.
//! One crate with modules cannot ask the compiler for that, so this test reads their `use`
//! declarations and paths.

use std::path::{Path, PathBuf};

/// Pure modules: every `.rs` file under these paths (a directory or one file) of `src/`.
const PURE: &[&str] = &[
    "plan",
    "policy",
    "live.rs",
    "directory.rs",
    "zendesk/model",
    "zendesk/api_warn.rs",
    "zendesk/pages.rs",
];

/// The policy's file readers: the one edge inside `policy/`, reading the files a policy is
/// made of before the pure loader sees their text.
const EDGES: &[&str] = &["policy/input.rs", "policy/read.rs"];

/// Paths a pure module must not use: this crate's modules that do I/O, and the crates and
/// standard modules that do.
const IO: &[&str] = &[
    "crate::apply",
    "crate::cli",
    "crate::export::seed",
    "crate::files",
    "crate::read_plan",
    "crate::simulator",
    "crate::zendesk::client",
    "crate::zendesk::read",
    "crate::zendesk::secrets",
    "crate::zendesk::signin",
    "crate::zendesk::write",
    "tokio",
    "reqwest",
    "hyper",
    "hyper_util",
    "axum",
    "tower",
    "indicatif",
    "tempfile",
    "std::fs",
    "std::net",
    "std::process",
    "std::io::stdin",
    "std::io::stdout",
    "std::io::stderr",
    "std::env",
];

#[test]
fn pure_modules_use_nothing_that_does_io() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for pure in PURE {
        let path = src.join(pure);
        assert!(path.exists(), "{} is gone: update PURE", path.display());
        collect(&path, &mut files);
    }
    assert!(files.len() > 20, "found only {} pure files", files.len());
    let mut found = Vec::new();
    for file in &files {
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if EDGES.contains(&relative.as_str()) {
            continue;
        }
        let code = without_comments(&std::fs::read_to_string(file).unwrap());
        for path in paths(&code) {
            if let Some(io) = IO.iter().find(|io| starts_with_segments(&path, io)) {
                found.push(format!("src/{relative} uses {path} ({io} does I/O)"));
            }
        }
    }
    found.sort();
    found.dedup();
    assert!(
        found.is_empty(),
        "pure modules depend on I/O:\n{}",
        found.join("\n")
    );
}

/// The checker itself: a grouped import is expanded, a path in code is found, comments and
/// look-alike names are not.
#[test]
fn the_checker_sees_grouped_imports_and_inline_paths() {
    let code = without_comments(
        "use crate::{plan::Plan, simulator::{Simulator, seed}};\n\
         // use tokio::fs;\n\
         fn f() { let _ = std::fs::read(\"x\"); let _ = crate::filesystem_like::X; }\n",
    );
    let paths = paths(&code);
    let io: Vec<&String> = paths
        .iter()
        .filter(|p| IO.iter().any(|io| starts_with_segments(p, io)))
        .collect();
    assert_eq!(
        io,
        [
            "crate::simulator::Simulator",
            "crate::simulator::seed",
            "std::fs::read"
        ]
    );
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for entry in entries {
            collect(&entry, files);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        files.push(path.to_owned());
    }
}

/// `path` is `prefix` or begins with `prefix::`.
fn starts_with_segments(path: &str, prefix: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with("::"))
}

/// The code without `//` comments (doc comments included) and without string literals' text,
/// which may mention anything.
fn without_comments(code: &str) -> String {
    let mut out = String::new();
    for line in code.lines() {
        let mut kept = String::new();
        let mut in_string = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    in_string = !in_string;
                    kept.push('"');
                }
                '\\' if in_string => {
                    chars.next();
                }
                '/' if !in_string && chars.peek() == Some(&'/') => break,
                _ if in_string => {}
                _ => kept.push(c),
            }
        }
        out.push_str(&kept);
        out.push('\n');
    }
    out
}

/// Every path the code names: each `use` declaration expanded (`a::{b, c::d}` gives `a::b`
/// and `a::c::d`), and each `x::y` path written in the code.
fn paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(start) = find_use(rest) {
        let after = &rest[start + 4..];
        let end = after.find(';').unwrap_or(after.len());
        let tree = after[..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let tree = ["::", "{", "}", ","].iter().fold(tree, |tree, token| {
            tree.replace(&format!(" {token}"), token)
                .replace(&format!("{token} "), token)
        });
        expand("", &tree, &mut found);
        rest = &after[end..];
    }
    let bytes = code.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        if is_ident(bytes[i]) && (i == 0 || !is_ident(bytes[i - 1]) && bytes[i - 1] != b':') {
            let mut j = i;
            while j < bytes.len() && (is_ident(bytes[j]) || bytes[j..].starts_with(b"::")) {
                j += if bytes[j] == b':' { 2 } else { 1 };
            }
            let path = code[i..j].trim_end_matches("::");
            if path.contains("::") {
                found.push(path.to_owned());
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    found
}

/// The next `use` keyword at the start of a declaration (`use` or `pub … use`).
fn find_use(code: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = code[from..].find("use ") {
        let at = from + at;
        let before = code[..at].chars().next_back();
        if before.is_none_or(|c| c.is_whitespace() || c == ')' || c == ';' || c == '}') {
            return Some(at);
        }
        from = at + 4;
    }
    None
}

/// Expands one use tree (no whitespace but around `as`) under `prefix`.
fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let join = |tail: &str| {
        if prefix.is_empty() {
            tail.to_owned()
        } else {
            format!("{prefix}::{tail}")
        }
    };
    let Some(open) = tree.find('{') else {
        let name = tree.split(" as ").next().unwrap_or(tree);
        out.push(join(name.trim_end_matches("::")));
        return;
    };
    let head = join(tree[..open].trim_end_matches("::"));
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                expand_item(&head, &inner[start..i], out);
                start = i + 1;
            }
            _ => {}
        }
    }
    expand_item(&head, &inner[start..], out);
}

fn expand_item(head: &str, item: &str, out: &mut Vec<String>) {
    match item {
        "" => {}
        "self" => out.push(head.to_owned()),
        item => expand(head, item, out),
    }
}
