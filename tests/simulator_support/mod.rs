//! Shared setup for the simulator's integration tests: two accounts with known credentials,
//! a simulator on an ephemeral port, and an HTTP client that signs requests like zdpolicy will.
#![allow(dead_code)] // Each test binary uses a different part of this module.

use std::time::Duration;

use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use zdpolicy::simulator::{
    AccountSeed, ApiTokenSeed, CredentialsSeed, Features, OAuthClientSeed, OAuthTokenSeed, Plan,
    Role, RunningSimulator, SignInSeed, Simulator, SimulatorConfig, SimulatorHandle, SunshineSeed,
};

pub const ADMIN_EMAIL: &str = "admin@acme.test";
pub const ADMIN_TOKEN: &str = "acme-admin-api-token";
pub const AGENT_EMAIL: &str = "agent@acme.test";
pub const AGENT_TOKEN: &str = "acme-agent-api-token";
pub const OAUTH_TOKEN: &str = "acme-static-oauth-token";
pub const READ_ONLY_OAUTH_TOKEN: &str = "acme-read-only-oauth-token";
pub const CLIENT_ID: &str = "zdpolicy";
pub const CLIENT_SECRET: &str = "acme-client-secret";
pub const SUNSHINE_APP: &str = "5f0c0a1b2c3d4e5f6a7b8c9d";
pub const SUNSHINE_KEY: &str = "app_5f0c0a1b2c3d4e5f6a7b8c9e";
pub const SUNSHINE_SECRET: &str = "acme-sunshine-secret";
pub const GLOBEX_EMAIL: &str = "admin@globex.test";
pub const GLOBEX_TOKEN: &str = "globex-admin-api-token";

/// `acme`: Enterprise, every feature on, API tokens (admin and agent), OAuth tokens and
/// client, and a Sunshine Conversations app.
pub fn acme() -> AccountSeed {
    let mut seed = AccountSeed::new("acme");
    seed.plan = Plan::Enterprise;
    seed.credentials = CredentialsSeed {
        api_tokens: vec![
            ApiTokenSeed {
                email: ADMIN_EMAIL.into(),
                token: ADMIN_TOKEN.into(),
                role: Role::Admin,
            },
            ApiTokenSeed {
                email: AGENT_EMAIL.into(),
                token: AGENT_TOKEN.into(),
                role: Role::Agent,
            },
        ],
        oauth_tokens: vec![
            OAuthTokenSeed {
                token: OAUTH_TOKEN.into(),
                role: Role::Admin,
                scopes: vec!["read".into(), "write".into()],
            },
            OAuthTokenSeed {
                token: READ_ONLY_OAUTH_TOKEN.into(),
                role: Role::Admin,
                scopes: vec!["triggers:read".into()],
            },
        ],
        oauth_clients: vec![OAuthClientSeed {
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            role: Role::Admin,
        }],
        sign_in: Some(SignInSeed::default()),
    };
    seed.sunshine_conversations = Some(SunshineSeed {
        app_id: SUNSHINE_APP.into(),
        key_id: SUNSHINE_KEY.into(),
        secret: SUNSHINE_SECRET.into(),
        display_name: Some("Acme messaging".into()),
        settings: serde_json::Map::new(),
    });
    seed
}

/// `globex`: Team plan, no messaging, no customizable CSAT, no trigger categories.
pub fn globex() -> AccountSeed {
    let mut seed = AccountSeed::new("globex");
    seed.plan = Plan::Team;
    seed.features = Features {
        messaging: false,
        customizable_csat: false,
        trigger_categories: false,
        omnichannel_routing: false,
    };
    seed.credentials.api_tokens.push(ApiTokenSeed {
        email: GLOBEX_EMAIL.into(),
        token: GLOBEX_TOKEN.into(),
        role: Role::Admin,
    });
    seed
}

/// A running simulator and a client for it.
pub struct Sim {
    pub running: RunningSimulator,
    pub http: Client,
}

impl Sim {
    /// A simulator with `acme` and `globex`.
    pub async fn start() -> Self {
        Self::with(SimulatorConfig {
            accounts: vec![acme(), globex()],
            ..SimulatorConfig::ephemeral()
        })
        .await
    }

    /// A simulator with this configuration.
    pub async fn with(config: SimulatorConfig) -> Self {
        let running = Simulator::start(config).await.expect("simulator starts");
        let http = Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client builds");
        Self { running, http }
    }

    pub fn handle(&self) -> SimulatorHandle {
        self.running.handle()
    }

    /// `{base}/{account}{path}`.
    pub fn url(&self, account: &str, path: &str) -> String {
        format!("{}{path}", self.running.account_url(account))
    }

    /// A request to an account, unauthenticated.
    pub fn request(&self, method: Method, account: &str, path: &str) -> RequestBuilder {
        self.http.request(method, self.url(account, path))
    }

    /// A request as acme's admin (API token).
    pub fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.request(method, "acme", path)
            .basic_auth(format!("{ADMIN_EMAIL}/token"), Some(ADMIN_TOKEN))
    }

    /// A request as globex's admin.
    pub fn globex(&self, method: Method, path: &str) -> RequestBuilder {
        self.request(method, "globex", path)
            .basic_auth(format!("{GLOBEX_EMAIL}/token"), Some(GLOBEX_TOKEN))
    }

    /// A simulator-admin request (`/_sim/…`).
    pub fn sim(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.running.base_url()))
    }

    /// A GET of a whole URL (a `next_page` or `links.next`) as acme's admin → its JSON body.
    pub async fn follow(&self, url: &str) -> Value {
        let request = self
            .http
            .get(url)
            .basic_auth(format!("{ADMIN_EMAIL}/token"), Some(ADMIN_TOKEN));
        json(request.sent().await).await
    }

    /// `GET {path}` on acme as its admin → the answer's status.
    pub async fn get_status(&self, path: &str) -> StatusCode {
        self.admin(Method::GET, path).sent_status().await
    }

    /// `GET {path}` on acme as its admin → the JSON body.
    pub async fn get_json(&self, path: &str) -> Value {
        json(self.admin(Method::GET, path).sent().await).await
    }

    /// A request with a JSON body on acme as its admin → the answer's status and JSON body.
    pub async fn send_json(&self, method: Method, path: &str, body: &Value) -> (StatusCode, Value) {
        self.admin(method, path).json(body).sent_json().await
    }

    /// A simulator-admin request (`/_sim/…`) with a JSON body → the answer's status.
    pub async fn sim_status(&self, method: Method, path: &str, body: &Value) -> StatusCode {
        self.sim(method, path).json(body).sent_status().await
    }

    /// Creates a trigger on acme and returns it.
    pub async fn create_trigger(&self, body: Value) -> Value {
        let response = self
            .admin(Method::POST, "/api/v2/triggers")
            .json(&body)
            .sent()
            .await;
        assert_eq!(response.status(), 201, "create failed");
        json(response).await["trigger"].clone()
    }

    /// Stops the simulator cleanly.
    pub async fn stop(self) {
        self.running.shutdown().await.expect("clean shutdown");
    }
}

/// Sending a request in a test: a request that cannot be sent fails the test.
pub trait Sent {
    /// Sends the request → the answer.
    fn sent(self) -> impl Future<Output = Response>;

    /// Sends the request → the answer's status.
    fn sent_status(self) -> impl Future<Output = StatusCode>;

    /// Sends the request → the answer's status and JSON body.
    fn sent_json(self) -> impl Future<Output = (StatusCode, Value)>;

    /// Sends the request → the answer's JSON body as a `T`.
    fn sent_as<T: DeserializeOwned>(self) -> impl Future<Output = T>;
}

impl Sent for RequestBuilder {
    async fn sent(self) -> Response {
        self.send().await.expect("sent")
    }

    async fn sent_status(self) -> StatusCode {
        self.sent().await.status()
    }

    async fn sent_json(self) -> (StatusCode, Value) {
        let response = self.sent().await;
        (response.status(), json(response).await)
    }

    async fn sent_as<T: DeserializeOwned>(self) -> T {
        self.sent().await.json().await.expect("parses")
    }
}

/// A minimal valid trigger body.
pub fn trigger_body(title: &str) -> Value {
    serde_json::json!({"trigger": {
        "title": title,
        "conditions": {"all": [{"field": "status", "operator": "less_than", "value": "solved"}], "any": []},
        "actions": [{"field": "status", "value": "open"}]
    }})
}

/// The JSON body of a response.
pub async fn json(response: Response) -> Value {
    response.json().await.expect("JSON body")
}

/// The keys of a JSON object, sorted.
pub fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}
