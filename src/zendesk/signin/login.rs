//! `zdpolicy login`'s conversation: a loopback listener on `127.0.0.1:<port>/callback`, the
//! authorization URL with a PKCE challenge and a `state`, the browser (or the URL printed for
//! the person to open), the code exchanged at `/oauth/tokens`, and `GET /api/v2/users/me` to
//! learn who signed in.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::Request;
use axum::response::Html;
use axum::routing::get;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use thiserror::Error;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tower::ServiceExt;

use super::pkce;
use super::store::SignedInUser;
use super::token::{self, Granted, TokenError};

/// The scopes zdpolicy asks for: it reads and writes triggers and account settings.
pub const SCOPE: &str = "read write";

/// What `login` needs to know.
#[derive(Debug, Clone)]
pub struct LoginRequest {
    /// The account's API base URL (`https://acme.zendesk.com`).
    pub base_url: String,
    /// The OAuth client's identifier.
    pub client_id: String,
    /// Loopback port to listen on; 0 picks a free one.
    pub port: u16,
    /// How long to wait for the browser to come back.
    pub timeout: Duration,
}

/// Why a sign-in failed. Never holds a code or a token.
#[derive(Debug, Error)]
pub enum LoginError {
    /// The loopback listener could not be opened.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Listen {
        /// The port asked for.
        port: u16,
        /// Why.
        source: std::io::Error,
    },
    /// The operating system's random source failed.
    #[error("cannot make a PKCE verifier: {0}")]
    Random(String),
    /// Nobody came back to the loopback URL in time.
    #[error("no answer from the browser within {} s", .0.as_secs())]
    TimedOut(Duration),
    /// The redirect carried another `state`: not the answer to this sign-in.
    #[error("the browser came back with another sign-in's state; start again")]
    StateMismatch,
    /// Zendesk's authorization page answered with an error (the person denied, …).
    #[error("Zendesk did not authorize zdpolicy: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Denied {
        /// The OAuth error code, e.g. `access_denied`.
        error: String,
        /// Zendesk's description, if any.
        description: Option<String>,
    },
    /// The redirect had neither a code nor an error.
    #[error("the browser came back without an authorization code")]
    NoCode,
    /// The code exchange failed.
    #[error("exchanging the authorization code failed: {0}")]
    Exchange(TokenError),
    /// `users/me` did not name a user.
    #[error("Zendesk did not say who signed in ({0})")]
    WhoAmI(String),
}

/// What the browser brought back to the loopback URL.
#[derive(Debug, Default, Deserialize)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// A signed-in person with their tokens.
#[derive(Debug)]
pub struct SignedIn {
    /// The tokens and their lifetimes.
    pub granted: Granted,
    /// Who signed in.
    pub user: SignedInUser,
}

/// The listener, open before the browser is sent anywhere.
pub struct Loopback {
    listener: TcpListener,
    addr: SocketAddr,
}

impl Loopback {
    /// Opens `127.0.0.1:port`.
    ///
    /// # Errors
    /// [`LoginError::Listen`].
    pub async fn open(port: u16) -> Result<Self, LoginError> {
        let listen = |source| LoginError::Listen { port, source };
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
            .await
            .map_err(listen)?;
        let addr = listener.local_addr().map_err(listen)?;
        Ok(Self { listener, addr })
    }

    /// `http://127.0.0.1:<port>/callback`.
    pub fn redirect_uri(&self) -> String {
        format!("http://{}/callback", self.addr)
    }
}

/// The secrets of one attempt: the PKCE verifier and the `state`.
pub struct Attempt {
    verifier: SecretString,
    state: String,
}

impl Attempt {
    /// A fresh verifier and state from the operating system's random source.
    ///
    /// # Errors
    /// [`LoginError::Random`].
    pub fn new() -> Result<Self, LoginError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| LoginError::Random(e.to_string()))?;
        let verifier = SecretString::from(pkce::verifier_from(&bytes));
        getrandom::fill(&mut bytes).map_err(|e| LoginError::Random(e.to_string()))?;
        let state = pkce::verifier_from(&bytes)[..22].to_owned();
        Ok(Self { verifier, state })
    }

    /// The authorization page's URL for this attempt.
    pub fn authorization_url(&self, request: &LoginRequest, redirect_uri: &str) -> String {
        let challenge = pkce::challenge(self.verifier.expose_secret());
        let query = serde_urlencoded::to_string([
            ("response_type", "code"),
            ("client_id", request.client_id.as_str()),
            ("redirect_uri", redirect_uri),
            ("scope", SCOPE),
            ("state", self.state.as_str()),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", pkce::METHOD),
        ])
        .unwrap_or_default();
        format!("{}/oauth/authorizations/new?{query}", request.base_url)
    }
}

/// Waits for the browser at the loopback URL, exchanges the code and asks who signed in.
///
/// # Errors
/// Every [`LoginError`] but `Listen` and `Random`.
pub async fn complete(
    http: &reqwest::Client,
    request: &LoginRequest,
    loopback: Loopback,
    attempt: Attempt,
) -> Result<SignedIn, LoginError> {
    let redirect_uri = loopback.redirect_uri();
    let callback = wait_for_callback(loopback.listener, request.timeout).await?;
    if let Some(error) = callback.error {
        return Err(LoginError::Denied {
            error: printable(&error),
            description: callback.error_description.as_deref().map(printable),
        });
    }
    if callback.state.as_deref() != Some(attempt.state.as_str()) {
        return Err(LoginError::StateMismatch);
    }
    let code = SecretString::from(callback.code.ok_or(LoginError::NoCode)?);
    let granted = token::exchange_code(
        http,
        &request.base_url,
        &request.client_id,
        &code,
        &redirect_uri,
        &attempt.verifier,
    )
    .await
    .map_err(LoginError::Exchange)?;
    let user = who_am_i(http, &request.base_url, &granted.access).await?;
    Ok(SignedIn { granted, user })
}

/// Serves `/callback` until one request carries an answer, then stops listening. Other paths
/// (a browser's `/favicon.ico`) get a 404 and are otherwise ignored.
async fn wait_for_callback(
    listener: TcpListener,
    timeout: Duration,
) -> Result<Callback, LoginError> {
    let (send, mut receive) = mpsc::channel::<Callback>(1);
    let app = Router::new()
        .route("/callback", get(callback))
        .with_state(send);
    let server = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            let app = app.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                    let app = app.clone();
                    async move {
                        Ok::<_, Infallible>(
                            app.oneshot(request.map(Body::new))
                                .await
                                .unwrap_or_else(|e| match e {}),
                        )
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    let answer = tokio::time::timeout(timeout, receive.recv()).await;
    // Give the browser its page before the listener goes.
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.abort();
    match answer {
        Ok(Some(callback)) => Ok(callback),
        _ => Err(LoginError::TimedOut(timeout)),
    }
}

async fn callback(
    State(send): State<mpsc::Sender<Callback>>,
    RawQuery(query): RawQuery,
) -> Html<&'static str> {
    let callback: Callback = query
        .as_deref()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let failed = callback.error.is_some() || callback.code.is_none();
    let _ = send.try_send(callback);
    Html(if failed {
        "<!doctype html><title>zdpolicy</title><p>zdpolicy was not signed in. See the terminal for why.</p>"
    } else {
        "<!doctype html><title>zdpolicy</title><p>zdpolicy is signed in. You can close this tab and return to the terminal.</p>"
    })
}

#[derive(Deserialize)]
struct Me {
    user: MeUser,
}

#[derive(Deserialize)]
struct MeUser {
    id: Option<u64>,
    name: Option<String>,
    email: Option<String>,
    role: Option<String>,
}

/// `GET /api/v2/users/me`. Zendesk answers 200 with an anonymous user (no id) to a token it
/// does not accept, so a user without an id is an error, not a person.
async fn who_am_i(
    http: &reqwest::Client,
    base_url: &str,
    access: &SecretString,
) -> Result<SignedInUser, LoginError> {
    let response = http
        .get(format!("{base_url}/api/v2/users/me"))
        .bearer_auth(access.expose_secret())
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map_err(|e| {
            LoginError::WhoAmI(if e.is_timeout() {
                "timed out".into()
            } else {
                "the request failed".into()
            })
        })?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(LoginError::WhoAmI(format!("HTTP {status}")));
    }
    let me: Me = response
        .json()
        .await
        .map_err(|_| LoginError::WhoAmI("not a user answer".into()))?;
    let id = me
        .user
        .id
        .ok_or_else(|| LoginError::WhoAmI("Zendesk answered with an anonymous user".into()))?;
    Ok(SignedInUser {
        id,
        name: me.user.name.unwrap_or_default(),
        email: me.user.email.unwrap_or_default(),
        role: me.user.role.unwrap_or_default(),
    })
}

/// Text from the redirect, made safe to print: printable ASCII only, at most 200 characters.
fn printable(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(200)
        .collect()
}

/// Opens `url` in the person's browser: `$BROWSER` if set, else the platform's opener where a
/// desktop is likely. Returns whether a browser was started.
pub fn open_browser(url: &str) -> bool {
    let spawn = |program: &str, args: &[&str]| {
        std::process::Command::new(program)
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .is_ok()
    };
    if let Some(browser) = std::env::var_os("BROWSER").filter(|b| !b.is_empty()) {
        return spawn(&browser.to_string_lossy(), &[url]);
    }
    if cfg!(target_os = "macos") {
        spawn("open", &[url])
    } else if cfg!(windows) {
        // Not `cmd /c start`: cmd would read the `&`s of the URL as command separators.
        spawn("rundll32", &["url.dll,FileProtocolHandler", url])
    } else if std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
    {
        spawn("xdg-open", &[url])
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authorization_url_carries_pkce_and_state() {
        let attempt = Attempt::new().expect("random");
        let request = LoginRequest {
            base_url: "https://acme.zendesk.com".into(),
            client_id: "zdpolicy".into(),
            port: 0,
            timeout: Duration::from_secs(1),
        };
        let url = attempt.authorization_url(&request, "http://127.0.0.1:5000/callback");
        assert!(url.starts_with("https://acme.zendesk.com/oauth/authorizations/new?response_type=code&client_id=zdpolicy&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Fcallback&scope=read+write&state="), "{url}");
        let challenge = pkce::challenge(attempt.verifier.expose_secret());
        assert!(url.contains(&format!(
            "code_challenge={challenge}&code_challenge_method=S256"
        )));
        assert!(
            !url.contains(attempt.verifier.expose_secret()),
            "the verifier stays here"
        );
    }

    #[test]
    fn redirect_text_is_made_printable() {
        assert_eq!(printable("access_denied\u{1b}[2J\n"), "access_denied[2J");
    }
}
