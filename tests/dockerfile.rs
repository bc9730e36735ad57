//! The Dockerfile, linted (no container engine is needed): a multi-stage build whose small final
//! stage runs as a non-root user from a pinned base image, builds with the locked
//! dependencies, copies in only what `.dockerignore` lets through, and carries no secret.

use std::fs;

/// One instruction: its keyword (upper case) and the rest, with continuation lines joined.
#[derive(Debug)]
struct Instruction {
    keyword: String,
    args: String,
}

fn instructions(text: &str) -> Vec<Instruction> {
    let mut joined = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if current.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                joined.push(std::mem::take(&mut current));
            }
        }
    }
    joined
        .into_iter()
        .map(|line| {
            let (keyword, args) = line.split_once(' ').unwrap_or((&line, ""));
            Instruction {
                keyword: keyword.to_ascii_uppercase(),
                args: args.trim().to_owned(),
            }
        })
        .collect()
}

/// The stages, each a list of instructions starting with its FROM.
fn stages(all: &[Instruction]) -> Vec<&[Instruction]> {
    let starts: Vec<usize> = all
        .iter()
        .enumerate()
        .filter(|(_, i)| i.keyword == "FROM")
        .map(|(n, _)| n)
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(k, &start)| &all[start..starts.get(k + 1).copied().unwrap_or(all.len())])
        .collect()
}

fn dockerfile() -> (String, Vec<Instruction>) {
    let text = fs::read_to_string("Dockerfile").unwrap();
    let parsed = instructions(&text);
    (text, parsed)
}

#[test]
fn it_is_a_multi_stage_build_with_pinned_base_images() {
    let (text, all) = dockerfile();
    assert!(
        text.starts_with("# syntax=docker/dockerfile:1\n"),
        "the cache mounts need BuildKit's syntax"
    );
    let stages = stages(&all);
    assert!(stages.len() >= 2, "a build stage and a small final stage");
    for stage in &stages {
        let image = stage[0].args.split_whitespace().next().unwrap();
        let (name, tag) = image
            .rsplit_once(':')
            .unwrap_or_else(|| panic!("{image}: no tag"));
        assert!(!name.is_empty() && !tag.is_empty(), "{image}");
        assert_ne!(tag, "latest", "{image}: a moving tag");
    }
    let build = stages[0][0].args.as_str();
    let rust = build
        .strip_prefix("rust:")
        .and_then(|rest| rest.split('-').next())
        .unwrap_or_else(|| panic!("the build stage uses the official Rust image: {build}"));
    assert_eq!(rust.split('.').count(), 3, "an exact Rust release: {rust}");
    let version = |v: &str| -> Vec<u32> { v.split('.').map(|p| p.parse().unwrap()).collect() };
    assert!(
        version(rust) >= version(env!("CARGO_PKG_RUST_VERSION")),
        "Rust {rust} is older than the crate's rust-version"
    );
    assert!(
        build.ends_with(" AS build"),
        "the final stage copies from a named stage"
    );
}

#[test]
fn the_final_stage_is_small_and_runs_as_a_non_root_user() {
    let (_, all) = dockerfile();
    let stages = stages(&all);
    let last = stages.last().unwrap();
    let image = &last[0].args;
    assert!(
        image.starts_with("gcr.io/distroless/"),
        "a distroless final image: {image}"
    );
    assert!(
        !image.starts_with("rust"),
        "the toolchain stays in the build stage"
    );
    for copy in last.iter().filter(|i| i.keyword == "COPY") {
        assert!(
            copy.args.starts_with("--from=build "),
            "the final stage takes only the built binary: {}",
            copy.args
        );
    }
    let user = last
        .iter()
        .rposition(|i| i.keyword == "USER")
        .expect("the final stage sets a USER");
    let who = &last[user].args;
    let name = who.split(':').next().unwrap();
    assert!(
        name != "root" && name != "0" && !name.is_empty(),
        "USER {who} is root"
    );
    let entrypoint = last
        .iter()
        .position(|i| i.keyword == "ENTRYPOINT")
        .expect("an ENTRYPOINT");
    assert!(user < entrypoint, "USER comes before the ENTRYPOINT runs");
    let exec: Vec<String> = serde_json::from_str(&last[entrypoint].args)
        .expect("the ENTRYPOINT in exec form (no shell in the image)");
    assert_eq!(exec, ["/usr/local/bin/zdpolicy"]);
}

#[test]
fn it_builds_with_the_locked_dependencies_from_only_what_dockerignore_lets_in() {
    let (_, all) = dockerfile();
    let build = all
        .iter()
        .find(|i| i.keyword == "RUN" && i.args.contains("cargo build"))
        .expect("a cargo build");
    assert!(
        build.args.contains("--release") && build.args.contains("--locked"),
        "{}",
        build.args
    );
    let ignore = fs::read_to_string(".dockerignore").unwrap();
    let allowed: Vec<&str> = ignore
        .lines()
        .filter_map(|l| l.trim().strip_prefix('!'))
        .map(|l| l.trim_end_matches('/'))
        .collect();
    assert!(
        ignore.lines().any(|l| l.trim() == "*"),
        ".dockerignore starts from nothing (no target/, .git or .zdpolicy/ in the context)"
    );
    for copy in all
        .iter()
        .filter(|i| i.keyword == "COPY" && !i.args.starts_with("--from"))
    {
        let words: Vec<&str> = copy.args.split_whitespace().collect();
        for source in &words[..words.len() - 1] {
            assert!(
                allowed.contains(&source.trim_end_matches('/')),
                "COPY {source}: .dockerignore keeps it out of the context"
            );
        }
    }
}

#[test]
fn it_carries_no_secret() {
    let (_, all) = dockerfile();
    for instruction in all
        .iter()
        .filter(|i| i.keyword == "ENV" || i.keyword == "ARG")
    {
        let upper = instruction.args.to_ascii_uppercase();
        for word in ["TOKEN", "SECRET", "PASSWORD", "KEY", "CREDENTIAL"] {
            assert!(
                !upper.contains(word),
                "{} {}: credentials are given at run time (docker run -e), never baked in",
                instruction.keyword,
                instruction.args
            );
        }
    }
}

#[test]
fn the_lint_reads_instructions_as_docker_does() {
    let parsed = instructions(
        "# c\nFROM a:1 AS build\nRUN one \\\n    two\n\nfrom b:2\nuser 10:10\nENTRYPOINT [\"/x\"]\n",
    );
    let keywords: Vec<&str> = parsed.iter().map(|i| i.keyword.as_str()).collect();
    assert_eq!(keywords, ["FROM", "RUN", "FROM", "USER", "ENTRYPOINT"]);
    assert_eq!(parsed[1].args, "one  two");
    assert_eq!(stages(&parsed).len(), 2);
}
