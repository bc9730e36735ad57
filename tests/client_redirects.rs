//! No credential ever leaves its account's origin (issue #11): a "Zendesk" that redirects to an
//! "attacker" server, once or twice, with every redirect status, for every kind of credential.
//! The attacker's request log must stay empty, and nothing may be sent again.

mod hostile_support;

use std::path::Path;

use hostile_support::{Hostile, Seen, account_client, redirect, zendesk_read};
use zdpolicy::zendesk::client::AccountClient;
use zdpolicy::zendesk::client::error::ZendeskError;
use zdpolicy::zendesk::read::ReadApi;

const SECRET: &str = "redirect-canary-5e4d3c2b1a";
const STATUSES: [u16; 4] = [301, 302, 307, 308];

/// How many redirects the attacker chains.
#[derive(Debug, Clone, Copy)]
enum Hops {
    /// Zendesk → attacker.
    One,
    /// Zendesk → attacker `/hop` → attacker `/steal`: the path on which reqwest's own policy
    /// used to hand `Authorization` to the last hop.
    Two,
}

/// What a scenario reads, with which credentials, and which request is redirected.
struct Case {
    credentials: &'static str,
    sunshine: bool,
    redirected: &'static str,
}

const BEARER: Case = Case {
    credentials: "{ oauth_token: \"file:SECRET_FILE\" }",
    sunshine: false,
    redirected: "/acme/api/v2/account/settings",
};
const API_TOKEN: Case = Case {
    credentials: "{ email: admin@acme.test, api_token: \"file:SECRET_FILE\" }",
    sunshine: false,
    redirected: "/acme/api/v2/account/settings",
};
const OAUTH_CLIENT: Case = Case {
    credentials: "{ client_id: zdpolicy, client_secret: \"file:SECRET_FILE\" }",
    sunshine: false,
    redirected: "/acme/oauth/tokens",
};
const SUNSHINE: Case = Case {
    credentials: "{ oauth_token: \"file:OTHER_FILE\" }",
    sunshine: true,
    redirected: "/acme/sc/v2/apps/app1",
};

fn policy(dir: &Path, case: &Case) -> String {
    let secret = dir.join("secret");
    let other = dir.join("other");
    std::fs::write(&secret, SECRET).unwrap();
    std::fs::write(&other, "another-token").unwrap();
    let credentials = case
        .credentials
        .replace("SECRET_FILE", &secret.display().to_string())
        .replace("OTHER_FILE", &other.display().to_string());
    let mut text = format!(
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: {credentials}\n"
    );
    if case.sunshine {
        text.push_str(&format!(
            "    sunshine_conversations: {{ app_id: app1, key_id: \"file:{o}\", key_secret: \"file:{s}\" }}\n",
            o = other.display(),
            s = secret.display()
        ));
    }
    text
}

async fn read(api: &AccountClient, case: &Case) -> ZendeskError {
    let result = if case.sunshine {
        api.sunshine_app().await.map(|_| ())
    } else {
        api.account_settings().await.map(|_| ())
    };
    result.expect_err("a redirect is an error")
}

async fn scenario(case: &Case, status: u16, hops: Hops) {
    let attacker = Hostile::start(move |seen: &Seen| {
        if seen.route() == "/hop" {
            redirect(status, "/steal?token=from-the-hop")
        } else {
            hostile_support::json("{}")
        }
    })
    .await;
    let target = match hops {
        Hops::One => format!("{}/steal?token=stolen-query", attacker.url()),
        Hops::Two => format!("{}/hop?token=stolen-query", attacker.url()),
    };
    let redirected = case.redirected;
    let zendesk = Hostile::start(move |seen: &Seen| {
        if seen.route() == redirected {
            redirect(status, &target)
        } else {
            zendesk_read(seen).unwrap_or_else(hostile_support::not_found)
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let api = account_client(&zendesk, &policy(dir.path(), case)).await;

    let err = read(&api, case).await;

    let what = format!("{status} {hops:?} to {redirected}");
    let arrived = attacker.requests();
    assert!(
        !arrived.iter().any(|seen| seen.carries(SECRET)),
        "{what}: the secret reached the attacker: {arrived:#?}"
    );
    assert!(
        arrived.is_empty(),
        "{what}: requests reached the attacker: {arrived:#?}"
    );
    let sent = zendesk
        .requests()
        .iter()
        .filter(|seen| seen.route() == redirected)
        .count();
    assert_eq!(sent, 1, "{what}: the redirected request was sent again");
    assert!(
        matches!(err, ZendeskError::Redirected { .. }),
        "{what}: {err:?}"
    );
    let message = err.to_string();
    assert!(message.starts_with("acme: "), "{what}: {message}");
    assert!(message.contains(attacker.host()), "{what}: {message}");
    for hidden in ["stolen-query", "/steal", "/hop", SECRET] {
        assert!(!message.contains(hidden), "{what}: {message}");
    }
    assert!(!err.outcome_unknown(), "{what}");
}

async fn every_redirect(case: &Case) {
    for status in STATUSES {
        for hops in [Hops::One, Hops::Two] {
            scenario(case, status, hops).await;
        }
    }
}

#[tokio::test]
async fn a_bearer_token_is_never_sent_where_a_redirect_points() {
    every_redirect(&BEARER).await;
}

#[tokio::test]
async fn an_api_token_is_never_sent_where_a_redirect_points() {
    every_redirect(&API_TOKEN).await;
}

#[tokio::test]
async fn a_redirected_token_request_never_reposts_the_client_secret() {
    every_redirect(&OAUTH_CLIENT).await;
}

#[tokio::test]
async fn a_sunshine_key_is_never_sent_where_a_redirect_points() {
    every_redirect(&SUNSHINE).await;
}

#[tokio::test]
async fn a_redirect_without_location_is_refused_too() {
    let zendesk = Hostile::start(|seen: &Seen| {
        if seen.route() == BEARER.redirected {
            hostile_support::status(302, "")
        } else {
            hostile_support::not_found()
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let api = account_client(&zendesk, &policy(dir.path(), &BEARER)).await;
    let err = read(&api, &BEARER).await;
    assert!(matches!(err, ZendeskError::Redirected { .. }), "{err:?}");
    assert_eq!(zendesk.requests().len(), 1);
}
