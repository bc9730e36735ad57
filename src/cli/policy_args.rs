//! The policy paths every policy-reading command takes, and loading one policy from them.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, GlobalArgs};
use crate::output::color::Stream;
use crate::output::diagnostics;
use crate::policy::yaml_limits::{MAX_YAML_NODES_ENV, YamlLimits};
use crate::policy::{self, Policy};

/// Policy files or directories.
#[derive(Debug, Clone, Args)]
pub struct PolicyPaths {
    /// Policy files or directories (a directory means every *.yaml/*.yml in it). Default:
    /// ./zdpolicy.yaml if it exists, else ./policy/.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
}

impl PolicyPaths {
    /// Loads the one policy the paths name. Diagnostics are printed to stderr (warnings
    /// unless `--quiet`); errors in the policy fail the command.
    ///
    /// # Errors
    /// Fails when the files cannot be found, name several policies, or hold errors.
    pub fn load_one(&self, global: &GlobalArgs) -> Result<Policy, CliError> {
        let mut found = policy::discover(&self.paths)?;
        if found.len() > 1 {
            return Err(CliError::SeveralPolicies {
                labels: found.into_iter().map(|p| p.label).collect(),
            });
        }
        let Some(files) = found.pop() else {
            return Err(CliError::Input(policy::InputError::NoDefault));
        };
        for file in &files.files {
            global.detail(&format!("reading {}", file.display()));
        }
        let policy = policy::load_within(&files, &yaml_limits()?);
        let shown = global.shown(&policy.diagnostics);
        if !shown.is_empty() {
            super::out::error_text(&diagnostics::human(
                &shown,
                &policy.sources,
                global.color_for(Stream::Stderr),
            ));
        }
        let errors = policy.diagnostics.iter().filter(|d| d.is_error()).count();
        if errors > 0 {
            return Err(CliError::InvalidPolicy {
                label: policy.label.clone(),
                errors,
            });
        }
        Ok(policy)
    }
}

/// The YAML limits of this run: the defaults, or the node limit `ZDPOLICY_MAX_YAML_NODES` sets.
///
/// # Errors
/// When the variable is set to anything but a positive whole number.
pub fn yaml_limits() -> Result<YamlLimits, CliError> {
    let Some(value) = std::env::var_os(MAX_YAML_NODES_ENV) else {
        return Ok(YamlLimits::default());
    };
    match value
        .to_str()
        .map(|v| v.trim().replace('_', "").parse::<usize>())
    {
        Some(Ok(max_nodes)) if max_nodes > 0 => Ok(YamlLimits { max_nodes }),
        _ => Err(CliError::BadEnvironment {
            variable: MAX_YAML_NODES_ENV,
            value: value.to_string_lossy().into_owned(),
            expected: "not a number of YAML nodes",
            help: format!(
                "set it to a positive whole number, e.g. {MAX_YAML_NODES_ENV}=8000000, or unset it \
                 for the default of {}",
                YamlLimits::default().max_nodes
            ),
        }),
    }
}
