//! A misbehaving HTTP server for the client's tests: it answers each request as the test's
//! script says (redirects, endless or oversized bodies, pages that never end, absurd headers)
//! and records every request it received, so a test can assert what did and did not arrive.
#![allow(dead_code)] // Each test binary uses a different part of this module.

use std::convert::Infallible;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use zdpolicy::policy::resolve::ResolvedAccount;
use zdpolicy::policy::{load_sources, source::SourceMap};
use zdpolicy::zendesk::client::base_url::BaseUrlTemplate;
use zdpolicy::zendesk::client::{AccountClient, Client, ClientConfig};

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path and query, e.g. `/acme/api/v2/triggers?page[size]=100`.
    pub path: String,
    /// Every header, `Authorization` included.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl Seen {
    /// The path without the query.
    pub fn route(&self) -> &str {
        self.path.split('?').next().unwrap_or_default()
    }

    /// Whether any header or the body contains `needle`.
    pub fn carries(&self, needle: &str) -> bool {
        let in_headers = self.headers.iter().any(|(_, v)| {
            String::from_utf8_lossy(v.as_bytes()).contains(needle)
                || decoded_basic(v.as_bytes()).contains(needle)
        });
        in_headers || String::from_utf8_lossy(&self.body).contains(needle)
    }
}

/// The user:password of a basic `Authorization` value, or nothing.
fn decoded_basic(value: &[u8]) -> String {
    use base64::Engine;
    let text = String::from_utf8_lossy(value);
    text.strip_prefix("Basic ")
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

type Script = dyn Fn(&Seen) -> Response<Body> + Send + Sync;

/// A running hostile server; it stops when dropped.
pub struct Hostile {
    base: String,
    log: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

impl Hostile {
    /// Serves `script` on an ephemeral loopback port.
    pub async fn start(script: impl Fn(&Seen) -> Response<Body> + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
        let base = format!("http://{}", listener.local_addr().expect("has an address"));
        let log = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let task = tokio::spawn(accept(listener, script, log.clone()));
        Self { base, log, task }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// `127.0.0.1:PORT`, as an error message names it.
    pub fn host(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// The base-URL template that puts every account under this server.
    pub fn template(&self) -> String {
        format!("{}/{{subdomain}}", self.base)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Seen> {
        self.log.lock().expect("log").clone()
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept(listener: TcpListener, script: Arc<Script>, log: Arc<Mutex<Vec<Seen>>>) {
    // Dropped with the task, which aborts every connection still open.
    let mut connections = JoinSet::new();
    while let Ok((stream, _)) = listener.accept().await {
        let script = script.clone();
        let log = log.clone();
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let script = script.clone();
            let log = log.clone();
            async move {
                let (parts, body) = request.into_parts();
                let body = axum::body::to_bytes(Body::new(body), usize::MAX)
                    .await
                    .unwrap_or_default();
                let seen = Seen {
                    method: parts.method.to_string(),
                    path: parts
                        .uri
                        .path_and_query()
                        .map(std::string::ToString::to_string)
                        .unwrap_or_default(),
                    headers: parts.headers,
                    body,
                };
                let response = script(&seen);
                log.lock().expect("log").push(seen);
                Ok::<_, Infallible>(response)
            }
        });
        connections.spawn(async move {
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
        while connections.try_join_next().is_some() {}
    }
}

/// A redirect to `location`.
pub fn redirect(status: u16, location: &str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::LOCATION, location)
        .body(Body::empty())
        .expect("a response")
}

/// A 200 with a JSON body.
pub fn json(body: impl Into<String>) -> Response<Body> {
    Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.into()))
        .expect("a response")
}

/// A 200 with one of the real-shaped payloads of `tests/fixtures/zendesk`.
pub fn fixture(name: &str) -> Response<Body> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/zendesk")
        .join(name);
    json(std::fs::read_to_string(path).expect("fixture"))
}

/// A status with a plain-text body.
pub fn status(status: u16, text: &str) -> Response<Body> {
    Response::builder()
        .status(status)
        .body(Body::from(text.to_owned()))
        .expect("a response")
}

/// A 200 whose chunked body never ends.
pub fn endless() -> Response<Body> {
    endless_counted(&Arc::default())
}

/// A 200 whose chunked body never ends, counting in `produced` the bytes the server has made.
pub fn endless_counted(produced: &Arc<AtomicUsize>) -> Response<Body> {
    let produced = produced.clone();
    let chunk = Bytes::from(vec![b' '; 64 * 1024]);
    let stream = futures_util::stream::repeat_with(move || {
        produced.fetch_add(chunk.len(), Ordering::Relaxed);
        Ok::<_, Infallible>(chunk.clone())
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(stream))
        .expect("a response")
}

/// A 200 that announces `length` bytes (and would send them, slowly, as long as anyone reads).
pub fn announcing(length: u64) -> Response<Body> {
    let mut response = endless();
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, length.into());
    response
}

/// Answers the read endpoints of an account as Zendesk would, from the fixtures; `None` for
/// any other path.
pub fn zendesk_read(seen: &Seen) -> Option<Response<Body>> {
    let route = seen.route();
    let answer = if route.ends_with("/api/v2/triggers/definitions") {
        fixture("trigger_definitions.json")
    } else if route.ends_with("/api/v2/triggers") {
        fixture("triggers_cursor_last_page.json")
    } else if route.ends_with("/api/v2/trigger_categories") {
        fixture("trigger_categories_page.json")
    } else if route.ends_with("/api/v2/account/settings") {
        fixture("account_settings.json")
    } else if route.contains("/sc/v2/apps/") {
        fixture("sunshine_app.json")
    } else if route.ends_with("/oauth/tokens") {
        fixture("oauth_token.json")
    } else {
        return None;
    };
    Some(answer)
}

/// Anything not scripted.
pub fn not_found() -> Response<Body> {
    Response::builder()
        .status(StatusCode::NOT_FOUND)
        .body(Body::from(
            r#"{"error":"RecordNotFound","description":"Not found"}"#,
        ))
        .expect("a response")
}

/// The accounts of a policy given as YAML text; it must load without errors.
pub fn accounts(text: &str) -> Vec<ResolvedAccount> {
    let mut sources = SourceMap::new();
    sources.add("test.yaml", text.to_owned());
    let policy = load_sources("test".into(), sources);
    assert!(!policy.has_errors(), "{:?}", policy.diagnostics);
    policy.accounts
}

/// A client for every account at `server`, with this retry budget and request timeout.
pub fn client(server: &Hostile, retry_budget: Duration, request_timeout: Duration) -> Client {
    Client::new(ClientConfig {
        // The credentials are `file:`/`cmd:` references, which the test (not a policy author) allows.
        allow_credential_commands: true,
        base_url: BaseUrlTemplate::parse(&server.template()).expect("template"),
        request_timeout,
        retry_budget,
        ..ClientConfig::default()
    })
    .expect("client")
}

/// The client of the policy's only account at `server`.
pub async fn account_client(server: &Hostile, policy: &str) -> AccountClient {
    let accounts = accounts(policy);
    assert_eq!(accounts.len(), 1, "one account");
    client(server, Duration::from_secs(10), Duration::from_secs(5))
        .account(&accounts[0])
        .await
        .expect("account client")
}
