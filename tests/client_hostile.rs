//! The client against servers that misbehave on purpose (issue #12): endless and oversized
//! bodies, pages that never end, `Retry-After` beyond the retry budget, absurd rate-limit
//! headers. Each ends with a clear error in bounded time and memory, or completes.

mod hostile_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use axum::body::Body;
use axum::http::Response;
use hostile_support::{
    Hostile, Seen, account_client, accounts, announcing, client, endless, endless_counted,
    zendesk_read,
};
use reqwest::Method;
use serde_json::{Value, json};
use zdpolicy::read_plan::read_live_state;
use zdpolicy::zendesk::client::body::MAX_BODY_BYTES;
use zdpolicy::zendesk::client::error::ZendeskError;
use zdpolicy::zendesk::client::{AccountClient, Api, Target};
use zdpolicy::zendesk::pages::{MAX_PAGES, PageStop};
use zdpolicy::zendesk::read::ReadApi;

const BEARER: &str = "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    rate_limit_per_minute: 1000000\n    credentials: { oauth_token: \"cmd:echo hostile-token\" }\n";

/// How many requests reached a route.
fn count(server: &Hostile, route: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|seen| seen.route() == route)
        .count()
}

/// A fixture of `tests/fixtures/zendesk`, parsed.
fn fixture_value(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/zendesk")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `fixture` (a cursor page) saying that more follows after `cursor`.
fn more_after(fixture: &Value, cursor: &str) -> Response<Body> {
    let mut value = fixture.clone();
    value["meta"] = json!({"has_more": true, "after_cursor": cursor, "before_cursor": null});
    value["links"] = json!({"next": null, "prev": null});
    hostile_support::json(value.to_string())
}

/// A real page of triggers, or the same page with no triggers on it.
fn triggers_page(empty: bool) -> Value {
    let mut value = fixture_value("triggers_cursor_last_page.json");
    if empty {
        value["triggers"] = json!([]);
    }
    value
}

/// Serves `triggers` for the trigger list and the fixtures for everything else.
async fn serving_triggers(
    triggers: impl Fn(&Seen) -> Response<Body> + Send + Sync + 'static,
) -> Hostile {
    Hostile::start(move |seen: &Seen| {
        if seen.route() == "/acme/api/v2/triggers" {
            triggers(seen)
        } else {
            zendesk_read(seen).unwrap_or_else(hostile_support::not_found)
        }
    })
    .await
}

#[tokio::test]
async fn an_endless_body_stops_at_the_cap_and_is_not_retried() {
    let produced = Arc::new(AtomicUsize::new(0));
    let counter = produced.clone();
    let server = Hostile::start(move |seen: &Seen| {
        if seen.route() == "/acme/api/v2/account/settings" {
            endless_counted(&counter)
        } else {
            hostile_support::not_found()
        }
    })
    .await;
    let api = account_client(&server, BEARER).await;
    let err = api.account_settings().await.unwrap_err();
    assert!(
        matches!(
            err,
            ZendeskError::BodyTooLarge {
                announced: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "acme: account settings: the answer is larger than 32 MiB, the most zdpolicy reads of one \
         answer; stopped reading it"
    );
    // Reading stopped at the cap: what the server got out is the cap plus what the socket
    // buffers held, not an unbounded stream.
    let out = produced.load(Ordering::Relaxed);
    assert!(out < 2 * MAX_BODY_BYTES, "{out} bytes left the server");
    assert_eq!(count(&server, "/acme/api/v2/account/settings"), 1);
}

#[tokio::test]
async fn a_huge_content_length_fails_before_reading() {
    let server = Hostile::start(|seen: &Seen| {
        if seen.route() == "/acme/api/v2/account/settings" {
            announcing(10_000_000_000)
        } else {
            hostile_support::not_found()
        }
    })
    .await;
    let api = account_client(&server, BEARER).await;
    let err = api.account_settings().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "acme: account settings: the answer is larger than 32 MiB, the most zdpolicy reads of one \
         answer (it announced 10000000000 bytes); stopped reading it"
    );
    assert_eq!(count(&server, "/acme/api/v2/account/settings"), 1);
}

/// A chunked body (no `Content-Length`) of exactly `length` bytes, in 64 KiB chunks.
fn chunked(length: usize) -> Response<Body> {
    let chunk = axum::body::Bytes::from(vec![b' '; 64 * 1024]);
    let chunks = (0..length.div_ceil(chunk.len())).map(move |i| {
        let end = ((i + 1) * chunk.len()).min(length);
        Ok::<_, std::convert::Infallible>(chunk.slice(..end - i * chunk.len()))
    });
    Response::new(Body::from_stream(futures_util::stream::iter(chunks)))
}

async fn read_settings_answer(length: usize) -> Result<usize, ZendeskError> {
    let server = Hostile::start(move |_: &Seen| chunked(length)).await;
    let api = account_client(&server, BEARER).await;
    let target = Target {
        object: "account settings",
        account_wide: true,
    };
    let answer = api
        .send(
            Method::GET,
            Api::Support,
            "/api/v2/account/settings",
            None,
            target,
        )
        .await?;
    Ok(answer.body.len())
}

#[tokio::test]
async fn a_body_of_exactly_the_cap_is_read_and_one_byte_more_is_not() {
    assert_eq!(
        read_settings_answer(MAX_BODY_BYTES).await.unwrap(),
        MAX_BODY_BYTES
    );
    let err = read_settings_answer(MAX_BODY_BYTES + 1).await.unwrap_err();
    assert!(
        matches!(
            err,
            ZendeskError::BodyTooLarge {
                announced: None,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_endless_token_answer_stops_at_the_cap() {
    let server = Hostile::start(|seen: &Seen| {
        if seen.route() == "/acme/oauth/tokens" {
            endless()
        } else {
            zendesk_read(seen).unwrap_or_else(hostile_support::not_found)
        }
    })
    .await;
    let api = account_client(
        &server,
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: { client_id: zdpolicy, client_secret: \"cmd:echo hostile-secret\" }\n",
    ).await;
    let err = api.account_settings().await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("acme: OAuth token: the answer is larger than 32 MiB"),
        "{err}"
    );
    assert_eq!(count(&server, "/acme/oauth/tokens"), 1);
    assert_eq!(count(&server, "/acme/api/v2/account/settings"), 0);
}

#[tokio::test]
async fn a_cursor_that_repeats_stops_the_trigger_list() {
    let fixture = triggers_page(false);
    let server = serving_triggers(move |_| more_after(&fixture, "same")).await;
    let api = account_client(&server, BEARER).await;
    let err = api.list_triggers().await.unwrap_err();
    assert!(
        matches!(
            &err,
            ZendeskError::Pagination {
                stop: PageStop::RepeatedCursor { page: 2 },
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "acme: triggers: the pages do not end: page 2 repeats the cursor of an earlier page; the \
         list was not read further"
    );
    assert_eq!(count(&server, "/acme/api/v2/triggers"), 2);
}

#[tokio::test]
async fn an_empty_page_that_says_more_stops_the_trigger_list() {
    let fixture = triggers_page(true);
    let server = serving_triggers(move |seen| more_after(&fixture, &seen.path)).await;
    let api = account_client(&server, BEARER).await;
    let err = api.list_triggers().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "acme: triggers: the pages do not end: page 1 is empty but says meta.has_more; the list \
         was not read further"
    );
    assert_eq!(count(&server, "/acme/api/v2/triggers"), 1);
}

#[tokio::test]
async fn a_list_that_never_ends_stops_at_the_page_cap() {
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    let fixture = triggers_page(false);
    let server = serving_triggers(move |_| {
        let n = counter.fetch_add(1, Ordering::Relaxed);
        more_after(&fixture, &format!("c{n}"))
    })
    .await;
    let api = account_client(&server, BEARER).await;
    let err = api.list_triggers().await.unwrap_err();
    assert!(
        matches!(
            &err,
            ZendeskError::Pagination {
                stop: PageStop::TooManyPages { limit: MAX_PAGES },
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(count(&server, "/acme/api/v2/triggers"), MAX_PAGES);
}

#[tokio::test]
async fn trigger_categories_are_bounded_the_same_way() {
    let fixture = fixture_value("trigger_categories_page.json");
    let server = Hostile::start(move |seen: &Seen| {
        if seen.route() == "/acme/api/v2/trigger_categories" {
            more_after(&fixture, "same")
        } else {
            zendesk_read(seen).unwrap_or_else(hostile_support::not_found)
        }
    })
    .await;
    let api = account_client(&server, BEARER).await;
    let err = api.list_trigger_categories().await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("acme: trigger categories: the pages do not end: page 2 repeats"),
        "{err}"
    );
    // A whole read fails the account with the same error.
    let err = read_live_state(&api).await.unwrap_err();
    assert!(matches!(err, ZendeskError::Pagination { .. }), "{err:?}");
}

/// A server that answers every request with `status` and these headers.
async fn always(status: u16, headers: Vec<(&'static str, String)>) -> Hostile {
    Hostile::start(move |_: &Seen| {
        let mut response = hostile_support::status(status, "Service Unavailable");
        for (name, value) in &headers {
            response.headers_mut().insert(*name, value.parse().unwrap());
        }
        response
    })
    .await
}

/// The account of [`BEARER`] at `server`, with this retry budget and request timeout.
async fn budgeted(server: &Hostile, budget: Duration, timeout: Duration) -> AccountClient {
    client(server, budget, timeout)
        .account(&accounts(BEARER)[0])
        .await
        .unwrap()
}

#[tokio::test]
async fn a_retry_after_beyond_the_budget_fails_at_once() {
    let server = always(429, vec![("retry-after", "999999".to_owned())]).await;
    let api = budgeted(&server, Duration::from_secs(10), Duration::from_secs(5)).await;
    let started = Instant::now();
    let err = api.account_settings().await.unwrap_err();
    // A bound, not a benchmark: the old client slept for an hour here.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let ZendeskError::WaitTooLong { asked, budget, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(*asked, Duration::from_secs(999_999));
    assert_eq!(*budget, Duration::from_secs(10));
    let message = err.to_string();
    assert!(
        message.starts_with(
            "acme: account settings: Zendesk answered 429 and asked to wait 999999 s (Retry-After), \
             longer than the "
        ),
        "{message}"
    );
    assert!(
        message
            .ends_with(" left of the retry budget of 10 s; giving up now (raise --retry-budget)"),
        "{message}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_retry_after_date_is_read_as_a_date() {
    let tomorrow = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(86_400));
    let server = always(503, vec![("retry-after", tomorrow)]).await;
    let api = budgeted(&server, Duration::from_secs(10), Duration::from_secs(5)).await;
    let err = api.account_settings().await.unwrap_err();
    let ZendeskError::WaitTooLong { asked, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(
        *asked > Duration::from_secs(86_000) && *asked <= Duration::from_secs(86_400),
        "{asked:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_retry_after_date_in_the_past_retries_now() {
    let yesterday = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(86_400));
    let answered = Arc::new(AtomicUsize::new(0));
    let counter = answered.clone();
    let server = Hostile::start(move |seen: &Seen| {
        if counter.fetch_add(1, Ordering::Relaxed) == 0 {
            let mut response = hostile_support::status(503, "Service Unavailable");
            response
                .headers_mut()
                .insert("retry-after", yesterday.parse().unwrap());
            response
        } else {
            zendesk_read(seen).unwrap_or_else(hostile_support::not_found)
        }
    })
    .await;
    let api = budgeted(&server, Duration::from_secs(30), Duration::from_secs(5)).await;
    let started = Instant::now();
    api.account_settings().await.unwrap();
    // The old client read a date as "a minute".
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_failing_request_never_outlasts_its_budget_by_more_than_one_timeout() {
    let server = always(503, vec![("retry-after", "1".to_owned())]).await;
    let budget = Duration::from_secs(2);
    let timeout = Duration::from_secs(1);
    let api = budgeted(&server, budget, timeout).await;
    let started = Instant::now();
    let err = api.account_settings().await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < budget + timeout, "{elapsed:?}: {err}");
    // Sent at 0 s and 1 s; a third wait of 1 s would end at or after the budget. The old
    // client checked the budget before sleeping and sent a third at 2 s.
    assert_eq!(server.requests().len(), 2, "{err}");
    assert!(matches!(err, ZendeskError::WaitTooLong { .. }), "{err:?}");
}

#[tokio::test]
async fn backoff_without_retry_after_stays_inside_the_budget_too() {
    let server = always(503, Vec::new()).await;
    let budget = Duration::from_secs(2);
    let timeout = Duration::from_secs(1);
    let api = budgeted(&server, budget, timeout).await;
    let started = Instant::now();
    let err = api.account_settings().await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < budget + timeout, "{elapsed:?}: {err}");
    assert!(
        matches!(err, ZendeskError::GaveUp { status: 503, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("; the retry budget of 2 s is spent, giving up"),
        "{err}"
    );
}

/// Absurd rate-limit headers, a different set on each answer.
fn absurd_headers(n: usize) -> &'static [(&'static str, &'static str)] {
    const SETS: [&[(&str, &str)]; 5] = [
        // 2^32 truncated to a divisor of 0 in the old limiter.
        &[
            ("x-rate-limit", "4294967296"),
            ("x-rate-limit-remaining", "50000"),
        ],
        &[
            ("x-rate-limit", "18446744073709551616"),
            ("x-rate-limit-remaining", "-1"),
        ],
        &[
            ("ratelimit-limit", "0"),
            ("ratelimit-remaining", "0"),
            ("ratelimit-reset", "0"),
        ],
        &[
            ("rate-limit", "banana"),
            ("rate-limit-remaining", ""),
            ("rate-limit-reset", "99999999999999999999"),
        ],
        &[
            ("x-rate-limit", ""),
            ("x-rate-limit-remaining", "99999999999999999999999"),
            ("ratelimit-reset", "-5"),
        ],
    ];
    SETS[n % SETS.len()]
}

#[tokio::test]
async fn absurd_rate_limit_headers_do_not_stop_a_read() {
    let answered = Arc::new(AtomicUsize::new(0));
    let counter = answered.clone();
    let server = Hostile::start(move |seen: &Seen| {
        let mut response = zendesk_read(seen).unwrap_or_else(hostile_support::not_found);
        for (name, value) in absurd_headers(counter.fetch_add(1, Ordering::Relaxed)) {
            response.headers_mut().insert(*name, value.parse().unwrap());
        }
        response
    })
    .await;
    let api = account_client(&server, BEARER).await;
    let started = Instant::now();
    let live = read_live_state(&api).await.unwrap();
    assert!(!live.triggers.is_empty());
    // A second read meets the pauses the first one's answers set: none may be long.
    read_live_state(&api).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.requests().len(), 8);
}

/// The plan of five accounts on one hostile server, as `zdpolicy plan` prints it: each
/// misbehaving account fails with its own error; the well-behaved one is planned.
#[tokio::test(flavor = "multi_thread")]
async fn plan_fails_each_hostile_account_with_what_stopped_it() {
    let attacker = Hostile::start(|_: &Seen| hostile_support::json("{}")).await;
    let elsewhere = format!("{}/steal?token=x", attacker.url());
    let fixture = triggers_page(false);
    let server = Hostile::start(move |seen: &Seen| {
        let account = seen.path.split('/').nth(1).unwrap_or_default();
        let settings = seen.route().ends_with("/api/v2/account/settings");
        let triggers = seen.route().ends_with("/api/v2/triggers");
        match account {
            "redirecting" if settings => hostile_support::redirect(302, &elsewhere),
            "endless" if settings => endless(),
            "looping" if triggers => more_after(&fixture, "same"),
            "limited" if settings => {
                let mut response = hostile_support::status(429, "Too Many Requests");
                response
                    .headers_mut()
                    .insert("retry-after", "999999".parse().unwrap());
                response
            }
            _ => zendesk_read(seen).unwrap_or_else(hostile_support::not_found),
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut policy = String::from("version: 1\naccounts:\n");
    for name in ["endless", "limited", "looping", "redirecting", "working"] {
        policy.push_str(&format!(
            "  {name}:\n    subdomain: {name}\n    credentials: {{ oauth_token: env:HOSTILE_TOKEN }}\n"
        ));
    }
    std::fs::write(dir.path().join("zdpolicy.yaml"), policy).unwrap();
    let template = server.template();
    let path = dir.path().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        assert_cmd::Command::cargo_bin("zdpolicy")
            .unwrap()
            .current_dir(path)
            .env("HOSTILE_TOKEN", "hostile-canary-token")
            .env_remove("ZDPOLICY_API_URL")
            .args(["plan", "--api-url", &template, "--retry-budget", "10"])
            .args(["--color", "never"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(attacker.requests().is_empty());
    assert!(!format!("{stdout}{stderr}").contains("hostile-canary-token"));
    let port = attacker.host().rsplit(':').next().unwrap().to_owned();
    // The headers name the hostile server's address, the redirect the attacker's.
    insta::with_settings!({filters => vec![(port.as_str(), "[PORT]"), (r"127\.0\.0\.1:\d+/", "127.0.0.1:[SERVER]/"), (r"\d+\.\d\d s left", "[LEFT] s left")]}, {
        insta::assert_snapshot!("plan_hostile_accounts", format!("{stdout}\n--- stderr ---\n{stderr}"));
    });
}
