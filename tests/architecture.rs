//! The direction of dependencies: the pure modules (the policy model and its checks, the
//! planner, live state, Zendesk's wire model and the rules it shares with the simulator) use
//! nothing that does I/O, so they are tested without a server, a file system or a runtime.
//! One crate with modules cannot ask the compiler for that, so this test reads their `use`
//! declarations and paths. It also checks that the top-level modules depend on each other in
//! one direction only: no module reaches, through others, back to itself.

use std::collections::{BTreeMap, BTreeSet};
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

/// Writing is apply's alone: the leave to write ([`WriteAccess`] in `zendesk/write.rs`) has
/// no public constructor, and no module but apply names it, so nothing else can make a writer.
#[test]
fn only_apply_obtains_the_leave_to_write() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&src, &mut files);
    let tests = test_only_files(&files);
    let mut found = Vec::new();
    for file in files.iter().filter(|f| !tests.contains(*f)) {
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if relative == "zendesk/write.rs" || relative.starts_with("apply/") {
            continue;
        }
        let code = without_tests(&without_comments(&std::fs::read_to_string(file).unwrap()));
        if names(&code, "WriteAccess") {
            found.push(format!("src/{relative}"));
        }
    }
    assert!(
        found.is_empty(),
        "only apply may obtain a WriteAccess; also named in:\n{}",
        found.join("\n")
    );
    assert!(names("let a = WriteAccess::for_apply();", "WriteAccess"));
    assert!(!names("struct NoWriteAccessHere;", "WriteAccess"));
}

/// The files compiled only for tests: each module declared as `mod NAME;` right after a
/// `#[cfg(test)]` line (its `NAME.rs` or `NAME/mod.rs` beside the declaring module), and every
/// file under a `NAME/` directory of such a module.
fn test_only_files(files: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut tests = BTreeSet::new();
    for file in files {
        let code = without_comments(&std::fs::read_to_string(file).unwrap());
        let dir = match file.file_name().and_then(|n| n.to_str()) {
            Some("mod.rs" | "lib.rs" | "main.rs") => file.parent().unwrap().to_owned(),
            _ => file.with_extension(""),
        };
        let mut after_cfg_test = false;
        for line in code.lines().map(str::trim) {
            if let Some(name) = line
                .strip_prefix("pub(crate) mod ")
                .or_else(|| line.strip_prefix("mod "))
                .and_then(|rest| rest.strip_suffix(';'))
                .filter(|_| after_cfg_test)
            {
                tests.insert(dir.join(format!("{name}.rs")));
                tests.insert(dir.join(name).join("mod.rs"));
                tests.extend(
                    files
                        .iter()
                        .filter(|f| f.starts_with(dir.join(name)))
                        .cloned(),
                );
            }
            if !line.starts_with("#[") || line == "#[cfg(test)]" {
                after_cfg_test = line == "#[cfg(test)]";
            }
        }
    }
    tests
}

/// `code` names the identifier `ident` (not as part of a longer one).
fn names(code: &str, ident: &str) -> bool {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    code.match_indices(ident).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + ident.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// The top-level modules (each `src/NAME/` or `src/NAME.rs` but the crate root) and the
/// others each one uses outside its tests, as `crate::NAME` paths: a use in code, not in a
/// comment. A cycle means two layers that cannot be understood, tested or moved apart.
#[test]
fn top_level_modules_form_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&src);
    assert!(graph.len() > 8, "found only {} modules", graph.len());
    let cycles = cycles(&graph);
    assert!(
        cycles.is_empty(),
        "top-level modules depend on each other in a cycle:\n{}",
        cycles.join("\n")
    );
}

/// The cycle finder: it names each cycle with the files that make each step, and finds none in
/// a graph that only goes one way.
#[test]
fn the_cycle_finder_reports_a_cycle_with_its_files() {
    let edge = |from: &str, to: &[(&str, &str)]| {
        let uses = to
            .iter()
            .map(|(module, file)| ((*module).to_owned(), (*file).to_owned()))
            .collect();
        (from.to_owned(), uses)
    };
    let acyclic: Graph = [
        edge(
            "cli",
            &[
                ("plan", "src/cli/plan.rs"),
                ("policy", "src/cli/validate.rs"),
            ],
        ),
        edge("plan", &[("policy", "src/plan/mod.rs")]),
        edge("policy", &[]),
    ]
    .into_iter()
    .collect();
    assert!(cycles(&acyclic).is_empty());
    let code = "use crate::plan::Plan;\n#[cfg(test)]\nuse crate::cli::X;\nfn f() {}\n\
                #[cfg(test)]\n#[allow(dead_code)]\nmod tests {\n    use crate::cli;\n    fn g() {\n    }\n}\n\
                fn h() { let _ = crate::live::LiveState::default(); }\n";
    assert_eq!(
        paths(&without_tests(code)),
        [
            "crate::plan::Plan",
            "crate::plan::Plan",
            "crate::live::LiveState::default"
        ]
    );
    let mut cyclic = acyclic.clone();
    cyclic.insert(
        "policy".to_owned(),
        [("cli".to_owned(), "src/policy/load.rs".to_owned())]
            .into_iter()
            .collect(),
    );
    assert_eq!(
        cycles(&cyclic),
        ["cli -> policy (src/cli/validate.rs) -> cli (src/policy/load.rs)"]
    );
}

/// For each top-level module, the top-level modules it uses, each with the first file (in
/// path order) that uses it.
type Graph = BTreeMap<String, BTreeMap<String, String>>;

fn module_graph(src: &Path) -> Graph {
    let mut modules: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
            continue;
        };
        if path.is_file()
            && (stem == "lib" || stem == "main" || path.extension().is_none_or(|e| e != "rs"))
        {
            continue;
        }
        let mut files = Vec::new();
        collect(&path, &mut files);
        modules.entry(stem).or_default().extend(files);
    }
    let every: Vec<PathBuf> = modules.values().flatten().cloned().collect();
    let tests = test_only_files(&every);
    let mut graph = Graph::new();
    for (module, files) in &modules {
        let uses = graph.entry(module.clone()).or_default();
        for file in files.iter().filter(|f| !tests.contains(*f)) {
            let code = without_tests(&without_comments(&std::fs::read_to_string(file).unwrap()));
            let relative = file.strip_prefix(src.parent().unwrap()).unwrap();
            for path in paths(&code) {
                let mut segments = path.split("::");
                let (Some("crate"), Some(used)) = (segments.next(), segments.next()) else {
                    continue;
                };
                if used != module && modules.contains_key(used) {
                    uses.entry(used.to_owned())
                        .or_insert_with(|| relative.to_string_lossy().replace('\\', "/"));
                }
            }
        }
    }
    graph
}

/// Every cycle of `graph`, once each, as `a -> b (file) -> … -> a (file)`: for each strongly
/// connected group of modules, the shortest cycle through its first module.
fn cycles(graph: &Graph) -> Vec<String> {
    let reaches = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_owned()];
        while let Some(at) = todo.pop() {
            for next in graph.get(&at).into_iter().flat_map(BTreeMap::keys) {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let mut done = BTreeSet::new();
    let mut found = Vec::new();
    for start in graph.keys() {
        if done.contains(start) || !reaches(start).contains(start) {
            continue;
        }
        // The group: the modules that `start` reaches and that reach `start`.
        let group: BTreeSet<String> = reaches(start)
            .into_iter()
            .filter(|m| reaches(m).contains(start))
            .collect();
        done.extend(group.iter().cloned());
        // Breadth first from `start` back to it, for the shortest cycle.
        let mut back: BTreeMap<String, String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start.clone()]);
        'search: while let Some(at) = queue.pop_front() {
            for next in graph[&at].keys() {
                if next == start {
                    back.insert(start.clone(), at.clone());
                    break 'search;
                }
                if group.contains(next) && !back.contains_key(next) {
                    back.insert(next.clone(), at.clone());
                    queue.push_back(next.clone());
                }
            }
        }
        let mut steps = vec![start.clone()];
        let mut at = back[start].clone();
        while &at != start {
            steps.push(at.clone());
            at = back[&at].clone();
        }
        steps.push(start.clone());
        steps.reverse();
        let mut text = steps[0].clone();
        for pair in steps.windows(2) {
            text.push_str(&format!(" -> {} ({})", pair[1], graph[&pair[0]][&pair[1]]));
        }
        found.push(text);
    }
    found
}

/// The code without its test items: from a `#[cfg(test)]` line to the end of the item it
/// marks, a line ending in `;` or the closing brace at the attribute's indent (the layout
/// `cargo fmt` gives). Tests may use any module to build what they check.
fn without_tests(code: &str) -> String {
    let mut out = String::new();
    let mut skipping: Option<String> = None;
    let mut lines = code.lines();
    while let Some(line) = lines.next() {
        if let Some(indent) = &skipping {
            if line.trim_end() == format!("{indent}}}") {
                skipping = None;
            }
            continue;
        }
        if line.trim() != "#[cfg(test)]" {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let indent = line[..line.len() - line.trim_start().len()].to_owned();
        for item in lines.by_ref() {
            let item = item.trim_end();
            if item.trim_start().starts_with("#[") {
                continue;
            }
            if !item.ends_with(';') {
                skipping = Some(indent);
            }
            break;
        }
    }
    out
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
