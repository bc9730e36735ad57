//! `zdpolicy login`, `zdpolicy login --status` and `zdpolicy logout`: wiring only; the
//! conversation is in [`crate::zendesk::signin`].

use std::sync::Arc;
use std::time::Duration;

use clap::{Args, ValueEnum};
use secrecy::ExposeSecret;

use super::policy_args::PolicyPaths;
use super::{CliError, EXIT_OK, GlobalArgs};
use crate::policy::model::Subdomain;
use crate::zendesk::client::base_url::{BaseUrlTemplate, DEFAULT_TEMPLATE};
use crate::zendesk::signin::login::{self, Attempt, LoginRequest, Loopback};
use crate::zendesk::signin::session::{self, Session, seconds, store_for};
use crate::zendesk::signin::store::{
    Records, SignInRecord, StoreKind, TokenStore, Tokens, config_dir,
};

/// Which account: by its name in the policy, or by subdomain.
#[derive(Debug, Clone, Args)]
#[group(multiple = false)]
pub struct AccountChoice {
    /// The account's name in the policy (read from PATHS).
    #[arg(long, value_name = "NAME")]
    account: Option<String>,
    /// A Zendesk subdomain, without a policy (`acme` for acme.zendesk.com).
    #[arg(long, value_name = "SUBDOMAIN")]
    subdomain: Option<String>,
}

/// Where `login` keeps the tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreChoice {
    /// The OS keyring where there is one, else a private file.
    Auto,
    /// The OS keyring only (fail without one).
    Keyring,
    /// A file readable only by you, in zdpolicy's configuration directory.
    File,
}

/// Arguments of `login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    #[command(flatten)]
    paths: PolicyPaths,
    #[command(flatten)]
    choice: AccountChoice,
    /// Show who is signed in where (never a token), instead of signing in.
    #[arg(long, conflicts_with_all = ["account", "subdomain"])]
    status: bool,
    /// The identifier of the account's OAuth client for zdpolicy (Admin Center > Apps and
    /// integrations > APIs > OAuth clients; public, with redirect URL
    /// http://127.0.0.1/callback).
    #[arg(
        long,
        env = "ZDPOLICY_CLIENT_ID",
        value_name = "ID",
        default_value = "zdpolicy"
    )]
    client_id: String,
    /// Do not open a browser; print the URL to open instead (on a machine without one, or
    /// over SSH with the port forwarded).
    #[arg(long, env = "ZDPOLICY_NO_BROWSER", value_parser = clap::builder::BoolishValueParser::new())]
    no_browser: bool,
    /// Loopback port for Zendesk's redirect (0: any free port).
    #[arg(long, value_name = "PORT", default_value_t = 0)]
    port: u16,
    /// Seconds to wait for the browser to come back.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    timeout: u64,
    /// Where to keep the tokens.
    #[arg(long, env = "ZDPOLICY_TOKEN_STORE", value_enum, default_value_t = StoreChoice::Auto)]
    token_store: StoreChoice,
    #[command(flatten)]
    api: ApiUrl,
}

/// Arguments of `logout`.
#[derive(Debug, Args)]
pub struct LogoutArgs {
    #[command(flatten)]
    paths: PolicyPaths,
    #[command(flatten)]
    choice: AccountChoice,
    /// Sign out of every account signed in here.
    #[arg(long, conflicts_with_all = ["account", "subdomain"])]
    all: bool,
    #[command(flatten)]
    api: ApiUrl,
}

/// Where Zendesk is (as for `plan`).
#[derive(Debug, Clone, Args)]
pub struct ApiUrl {
    /// Base-URL template of Zendesk's API; `{subdomain}` is replaced.
    #[arg(long, env = "ZDPOLICY_API_URL", hide_env_values = true, value_name = "TEMPLATE", default_value = DEFAULT_TEMPLATE)]
    api_url: String,
}

fn http() -> Result<reqwest::Client, CliError> {
    reqwest::Client::builder()
        .user_agent(concat!("zdpolicy/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| CliError::SignIn(format!("cannot set up HTTPS: {e}")))
}

fn records() -> Result<Records, CliError> {
    Ok(config_dir().and_then(Records::open)?)
}

/// The subdomain of `--subdomain`, or of `--account` in the policy.
fn subdomain(
    choice: &AccountChoice,
    paths: &PolicyPaths,
    global: &GlobalArgs,
) -> Result<Option<Subdomain>, CliError> {
    if let Some(subdomain) = &choice.subdomain {
        return Subdomain::parse(subdomain)
            .map(Some)
            .map_err(|(message, hint)| CliError::BadSubdomain {
                message,
                help: hint.unwrap_or_else(|| "e.g. --subdomain acme for acme.zendesk.com".into()),
            });
    }
    let Some(name) = &choice.account else {
        return Ok(None);
    };
    let policy = paths.load_one(global)?;
    policy
        .accounts
        .iter()
        .find(|a| a.name.value.as_str() == name)
        .map(|a| Some(a.subdomain.value.clone()))
        .ok_or_else(|| CliError::SignIn(format!("the policy has no account `{name}`")))
}

fn base_url(api: &ApiUrl, subdomain: &Subdomain) -> Result<String, CliError> {
    let template = BaseUrlTemplate::parse(&api.api_url)
        .map_err(crate::zendesk::client::error::ZendeskError::from)?;
    Ok(template.for_subdomain(subdomain))
}

/// Signs in, or with `--status` shows the sign-ins.
pub fn run_login(args: &LoginArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    let records = records()?;
    if args.status {
        return status(&records);
    }
    let Some(subdomain) = subdomain(&args.choice, &args.paths, global)? else {
        return Err(CliError::SignIn(
            "say which account: --account NAME (from the policy) or --subdomain SUBDOMAIN".into(),
        ));
    };
    let request = LoginRequest {
        base_url: base_url(&args.api, &subdomain)?,
        client_id: args.client_id.clone(),
        port: args.port,
        timeout: Duration::from_secs(args.timeout.max(1)),
    };
    super::runtime(super::Serves::Nothing)?.block_on(async {
        let http = http()?;
        let loopback = Loopback::open(request.port).await?;
        let attempt = Attempt::new()?;
        let url = attempt.authorization_url(&request, &loopback.redirect_uri());
        let opened = !args.no_browser && login::open_browser(&url);
        // The URL holds no secret (the PKCE challenge and the state are made to be seen).
        if opened {
            super::out::error_line(&format!(
                "Opened your browser to sign in to {subdomain}. If it did not open, visit:\n  {url}"
            ));
        } else {
            super::out::error_line(&format!("To sign in to {subdomain}, open:\n  {url}"));
        }
        let signed_in = login::complete(&http, &request, loopback, attempt).await?;
        let tokens = Tokens {
            access: signed_in.granted.access.clone(),
            refresh: signed_in.granted.refresh.clone(),
        };
        let store = keep(
            &records,
            &request.base_url,
            &tokens,
            args.token_store,
            global,
        )?;
        let now = session::now();
        let record = SignInRecord {
            subdomain: subdomain.to_string(),
            base_url: request.base_url.clone(),
            client_id: request.client_id.clone(),
            user: signed_in.user,
            scope: signed_in.granted.scope.clone(),
            store,
            signed_in_at: now,
            access_expires_at: now.saturating_add(seconds(signed_in.granted.expires_in)),
            refresh_expires_at: signed_in
                .granted
                .refresh_expires_in
                .map(|s| now.saturating_add(seconds(s))),
        };
        records.put(record.clone())?;
        global.info(&format!(
            "Signed in to {subdomain} as {} <{}> ({}); tokens kept in {store}.",
            record.user.name, record.user.email, record.user.role
        ));
        Ok(EXIT_OK)
    })
}

/// Keeps the tokens where asked: with `auto`, the keyring if it takes them, else the file.
fn keep(
    records: &Records,
    key: &str,
    tokens: &Tokens,
    choice: StoreChoice,
    global: &GlobalArgs,
) -> Result<StoreKind, CliError> {
    let save = |kind: StoreKind| -> Result<Arc<dyn TokenStore>, crate::zendesk::signin::store::StoreError> {
        let store = store_for(kind, records.dir())?;
        store.save(key, tokens)?;
        Ok(store)
    };
    let kept = match choice {
        StoreChoice::Keyring => save(StoreKind::Keyring)?,
        StoreChoice::File => save(StoreKind::File)?,
        StoreChoice::Auto => match save(StoreKind::Keyring) {
            Ok(store) => store,
            Err(why) => {
                let why = match why {
                    crate::zendesk::signin::store::StoreError::Keyring(reason) => reason,
                    other => other.to_string(),
                };
                global.info(&format!(
                    "No OS keyring to keep the tokens in ({why}); keeping them in {}, readable only by you.",
                    crate::zendesk::signin::store::FileTokenStore::new(records.dir().to_path_buf())
                        .path()
                        .display()
                ));
                save(StoreKind::File)?
            }
        },
    };
    // A sign-in kept elsewhere before must not linger there.
    for other in [StoreKind::Keyring, StoreKind::File] {
        if other != kept.kind()
            && let Ok(store) = store_for(other, records.dir())
            && (other == StoreKind::File
                || records
                    .get(key)
                    .ok()
                    .flatten()
                    .is_some_and(|r| r.store == other))
        {
            let _ = store.remove(key);
        }
    }
    Ok(kept.kind())
}

/// Prints who is signed in where, with when the tokens expire; never a token.
fn status(records: &Records) -> Result<u8, CliError> {
    let all = records.all()?;
    if all.is_empty() {
        super::out::print(
            "Not signed in anywhere. Sign in with `zdpolicy login --account NAME`.\n",
        )?;
        return Ok(EXIT_OK);
    }
    let now = session::now();
    let mut text = String::new();
    for record in all.values() {
        let access = if record.access_expires_at > now {
            format!(
                "access token valid until {}",
                stamp(record.access_expires_at)
            )
        } else {
            "access token expired (refreshed at the next request)".to_owned()
        };
        let refresh = match record.refresh_expires_at {
            Some(at) if at <= now => "sign-in expired: run `zdpolicy login` again".to_owned(),
            Some(at) => format!("sign-in lasts until {}", stamp(at)),
            None => "sign-in lasts until revoked".to_owned(),
        };
        text.push_str(&format!(
            "{} ({}): {} <{}>, {}\n  {access}; {refresh}\n  client {}, scopes {}, tokens in {}\n",
            record.subdomain,
            record.base_url,
            record.user.name,
            record.user.email,
            record.user.role,
            record.client_id,
            record.scope,
            record.store,
        ));
    }
    super::out::print(&text)?;
    Ok(EXIT_OK)
}

/// `2026-12-02 17:30 UTC`.
fn stamp(unix: i64) -> String {
    let full = crate::simulator::format_rfc3339(unix);
    format!("{} {} UTC", &full[..10], &full[11..16])
}

/// Signs out: revokes the token at Zendesk where possible, then forgets it here.
pub fn run_logout(args: &LogoutArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    let records = records()?;
    let targets: Vec<String> = if args.all {
        records.all()?.into_keys().collect()
    } else {
        let Some(subdomain) = subdomain(&args.choice, &args.paths, global)? else {
            return Err(CliError::SignIn(
                "say which account: --account NAME, --subdomain SUBDOMAIN, or --all".into(),
            ));
        };
        vec![base_url(&args.api, &subdomain)?]
    };
    super::runtime(super::Serves::Nothing)?.block_on(async {
        let http = http()?;
        for base_url in targets {
            let Some(record) = records.get(&base_url)? else {
                global.info(&format!("Not signed in to {base_url}."));
                continue;
            };
            revoke(&http, &records, &base_url, global).await;
            if let Ok(store) = store_for(record.store, records.dir()) {
                store.remove(&base_url)?;
            }
            records.remove(&base_url)?;
            global.info(&format!(
                "Signed out of {} ({}); its tokens are removed.",
                record.subdomain, record.user.email
            ));
        }
        Ok(EXIT_OK)
    })
}

/// Revokes the sign-in's token at Zendesk (`DELETE /api/v2/oauth/tokens/current`), which
/// ends its refresh token too. A failure is reported and does not stop the sign-out.
async fn revoke(http: &reqwest::Client, records: &Records, base_url: &str, global: &GlobalArgs) {
    let outcome = async {
        let session = Session::open(records.clone(), base_url)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "no tokens".to_owned())?;
        let token = session
            .access_token(http)
            .await
            .map_err(|e| e.to_string())?;
        let response = http
            .delete(format!("{base_url}/api/v2/oauth/tokens/current.json"))
            .bearer_auth(token.expose_secret())
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .map_err(|_| "the request failed".to_owned())?;
        match response.status().as_u16() {
            200..=299 | 401 | 404 => Ok(()),
            status => Err(format!("HTTP {status}")),
        }
    }
    .await;
    if let Err(why) = outcome {
        global.info(&format!(
            "Could not revoke the token at Zendesk ({why}); it is removed here and expires on its own."
        ));
    }
}
