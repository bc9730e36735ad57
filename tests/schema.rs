//! The checked-in JSON Schema (and its versioned copy for editors): up to date, accepting every
//! example, and agreeing with the loader on every invalid fixture.

use std::fs;
use std::path::{Path, PathBuf};

use zdpolicy::policy::{self, schema::policy_schema};

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            // Hidden entries are no policy files, as for the loader (`.github/`, `.gitlab-ci.yml`).
            if path.file_name().unwrap().to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&policy_schema()).expect("the schema is a valid JSON Schema")
}

/// Parses YAML with serde-saphyr straight into JSON, independently of the loader's tree.
fn as_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = fs::read_to_string(path).unwrap();
    serde_saphyr::from_str::<serde_json::Value>(&text).map_err(|e| e.to_string())
}

#[test]
fn checked_in_schema_is_up_to_date() {
    let checked_in = fs::read_to_string("schemas/zdpolicy.schema.json").unwrap();
    assert!(
        checked_in == zdpolicy::policy::schema::policy_schema_text(),
        "schemas/zdpolicy.schema.json is out of date: run `cargo run -- schema --output schemas/zdpolicy.schema.json`"
    );
}

#[test]
fn the_versioned_schema_editors_link_to_is_the_checked_in_schema() {
    // Editors load schemas/v1/ by a raw URL of a release tag: it must be what the loader takes.
    let versioned = fs::read_to_string("schemas/v1/zdpolicy.schema.json").unwrap();
    assert!(
        versioned == zdpolicy::policy::schema::policy_schema_text(),
        "schemas/v1/zdpolicy.schema.json is out of date: run `cargo run -- schema --output schemas/v1/zdpolicy.schema.json`"
    );
    assert_eq!(
        zdpolicy::policy::model::SUPPORTED_VERSION,
        1,
        "a new format version gets its own schemas/vN/"
    );
}

#[test]
fn every_example_policy_is_valid_for_the_schema_and_the_loader() {
    let validator = validator();
    let mut checked = 0;
    for path in yaml_files(Path::new("examples")) {
        let text = fs::read_to_string(&path).unwrap();
        if text.lines().any(|l| l.starts_with("kind:")) {
            continue; // another document kind (the simulator seed)
        }
        let instance = as_json(&path).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        checked += 1;
    }
    assert!(
        checked >= 6,
        "expected the example policies, checked {checked}"
    );
    for files in policy::discover(&[PathBuf::from("examples")]).unwrap() {
        let loaded = policy::load(&files);
        assert!(
            loaded.diagnostics.is_empty(),
            "{}: {:?}",
            files.label,
            loaded.diagnostics
        );
    }
}

#[test]
fn invalid_fixtures_are_rejected_by_both_schema_and_loader() {
    let validator = validator();
    let fixtures = yaml_files(Path::new("tests/fixtures/invalid"));
    assert!(fixtures.len() >= 10);
    for path in fixtures {
        let schema_rejects = match as_json(&path) {
            Err(_) => true, // not even YAML that maps to JSON (syntax error, duplicate key)
            Ok(instance) => !validator.is_valid(&instance),
        };
        let loaded = policy::load(&policy::PolicyFiles {
            label: path.display().to_string(),
            files: vec![path.clone()],
            ..Default::default()
        });
        assert!(schema_rejects, "{}: the schema accepts it", path.display());
        assert!(
            loaded.has_errors(),
            "{}: the loader accepts it",
            path.display()
        );
    }
}

#[test]
fn semantic_fixtures_are_rejected_by_the_loader() {
    let validator = validator();
    for path in yaml_files(Path::new("tests/fixtures/semantic")) {
        let loaded = policy::load(&policy::PolicyFiles {
            label: path.display().to_string(),
            files: vec![path.clone()],
            ..Default::default()
        });
        assert!(
            loaded.has_errors(),
            "{}: the loader accepts it",
            path.display()
        );
        // These are the rules a JSON Schema cannot express; the schema alone accepts them.
        assert!(
            validator.is_valid(&as_json(&path).unwrap()),
            "{}",
            path.display()
        );
    }
}

/// Regression (#19): the default per-account rate limit was "200 a minute" in the README and
/// "the account's Zendesk plan limit" in the schema (and so in editors' hover text). The client
/// uses one number; every place that states the default states that number.
#[test]
fn the_default_rate_limit_is_stated_alike_everywhere() {
    use zdpolicy::zendesk::client::limiter::DEFAULT_PER_MINUTE;
    let schema = zdpolicy::policy::schema::policy_schema();
    let text = serde_json::to_string(&schema).unwrap();
    assert!(
        text.contains(&format!("Default {DEFAULT_PER_MINUTE}, the limit")),
        "the schema's rate_limit_per_minute description"
    );
    assert!(!text.contains("Defaults to the\\naccount's Zendesk plan limit"));
    let readme = fs::read_to_string("README.md").unwrap();
    assert!(readme.contains(&format!(
        "else {DEFAULT_PER_MINUTE} a minute (Zendesk's lowest plan limit)"
    )));
    let format = fs::read_to_string("docs/policy-format.md").unwrap();
    assert!(format.contains(&format!(
        "default {DEFAULT_PER_MINUTE} (Zendesk's lowest plan limit)"
    )));
}
