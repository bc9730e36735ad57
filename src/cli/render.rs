//! `zdpolicy render`: print each account's resolved policy, optionally with provenance.

use clap::{Args, ValueEnum};

use super::policy_args::PolicyPaths;
use super::{CliError, EXIT_OK, GlobalArgs};
use crate::output::{resolved, yaml};
use crate::policy::ResolvedAccount;
use crate::policy::decode::did_you_mean;

/// Arguments of `render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    paths: PolicyPaths,
    /// Only this account.
    #[arg(long, value_name = "NAME")]
    account: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    format: Format,
    /// Show which layer set each value (`defaults`, `group NAME`, `account` or `built-in
    /// default`) and the file:line:column that set it.
    #[arg(long)]
    explain: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Yaml,
    Json,
}

/// Renders the accounts.
pub fn run(args: &RenderArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    let policy = args.paths.load_one(global)?;
    let accounts: Vec<&ResolvedAccount> = match &args.account {
        None => policy.accounts.iter().collect(),
        Some(name) => match policy.account(name) {
            Some(account) => vec![account],
            None => {
                let names: Vec<&str> = policy
                    .accounts
                    .iter()
                    .map(|a| a.name.value.as_str())
                    .collect();
                let help = match did_you_mean(name, names.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("accounts: {}", names.join(", ")),
                };
                return Err(CliError::UnknownAccount {
                    name: name.clone(),
                    help,
                });
            }
        },
    };
    let text = match args.format {
        Format::Json => {
            let mut document = serde_json::json!({ "accounts": resolved::accounts_value(accounts.iter().copied()) });
            if args.explain {
                let provenance: serde_json::Map<String, serde_json::Value> = accounts
                    .iter()
                    .map(|a| {
                        (
                            a.name.value.to_string(),
                            resolved::provenance_value(a, &policy.sources),
                        )
                    })
                    .collect();
                document["provenance"] = serde_json::Value::Object(provenance);
            }
            let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
            text.push('\n');
            text
        }
        Format::Yaml => {
            let document = serde_json::json!({ "accounts": resolved::accounts_value(accounts.iter().copied()) });
            let explain = |path: &str| -> Option<String> {
                if !args.explain {
                    return None;
                }
                let mut parts = path.splitn(3, '.');
                let (Some("accounts"), Some(name), rest) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return None;
                };
                let account = accounts.iter().find(|a| a.name.value.as_str() == name)?;
                Some(resolved::explain(account, rest?, &policy.sources))
            };
            yaml::to_yaml(&document, &explain)
        }
    };
    super::out::print(&text)?;
    Ok(EXIT_OK)
}
