//! `zdpolicy login`, `plan` with the stored sign-in, transparent refresh, revocation and
//! `logout`, run as a person runs them, against the simulator over HTTP. The test plays the
//! browser: it reads the URL `login --no-browser` prints and opens it.

mod sign_in_support;

use std::time::Duration;

use sign_in_support::{assert_no_secret, secrets_of, text, walk_has, world};

#[tokio::test(flavor = "multi_thread")]
async fn login_then_plan_refreshes_without_a_second_sign_in_and_logout_removes_it() {
    let world = world().await;
    let login = world.login().await;
    assert!(login.status.success(), "login: {}", text(&login.stderr));
    assert!(
        text(&login.stderr).contains("Signed in to acme as Admin <admin@example.com> (admin)"),
        "{}",
        text(&login.stderr)
    );
    let secrets = secrets_of(&world.tokens_file());
    assert_no_secret("login", &login, &secrets);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in ["tokens.json", "sign-ins.json"] {
            let mode = std::fs::metadata(world.config.path().join(file))
                .expect("written")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{file}");
        }
    }
    assert!(
        walk_has(world.dir.path(), &secrets).is_none(),
        "nothing is written into the policy directory"
    );

    let plan = world.run(&["plan"]);
    assert!(plan.status.success(), "plan: {}", text(&plan.stderr));
    assert!(
        text(&plan.stdout).contains("acme"),
        "{}",
        text(&plan.stdout)
    );
    assert_eq!(
        world.count("POST", "POST /oauth/tokens"),
        1,
        "only the code exchange"
    );

    // The access token expires (30 minutes on the simulator's clock).
    world.sim.handle().advance_clock(Duration::from_secs(1801));
    let plan = world.run(&["plan"]);
    assert!(
        plan.status.success(),
        "plan after expiry: {}",
        text(&plan.stderr)
    );
    assert_eq!(world.count("POST", "POST /oauth/tokens"), 2, "one refresh");
    assert_eq!(
        world.count("GET", "GET /oauth/authorizations/new"),
        1,
        "no second sign-in"
    );
    let rotated = secrets_of(&world.tokens_file());
    assert_ne!(rotated, secrets, "the rotated pair is stored");
    assert_no_secret("plan", &plan, &rotated);

    let status = world.run(&["login", "--status"]);
    assert!(status.status.success());
    let shown = text(&status.stdout);
    assert!(shown.contains("acme (http://127.0.0.1:"), "{shown}");
    assert!(
        shown.contains("Admin <admin@example.com>, admin"),
        "{shown}"
    );
    assert!(shown.contains("tokens in a private file"), "{shown}");
    insta::with_settings!({filters => vec![
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
        (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", "[TIME]"),
    ]}, {
        insta::assert_snapshot!("login_status", shown);
    });
    assert_no_secret("login --status", &status, &rotated);

    let logout = world.run(&["logout", "--account", "acme"]);
    assert!(logout.status.success(), "logout: {}", text(&logout.stderr));
    assert!(text(&logout.stderr).contains("Signed out of acme"));
    assert_eq!(
        world.sim.handle().live_sign_ins("acme"),
        0,
        "revoked at Zendesk"
    );
    assert!(
        !world.tokens_file().contains("acme"),
        "{}",
        world.tokens_file()
    );
    let status = world.run(&["login", "--status"]);
    assert!(text(&status.stdout).contains("Not signed in anywhere"));
    let plan = world.run(&["plan"]);
    assert!(!plan.status.success(), "no credentials after logout");
}

/// Regression: a plan's reads run concurrently, and each refused with the expired token asked
/// whether "the last token sent" was still stored; once another read had renewed and resent,
/// that was the new token, so a second (and third) refresh followed. Every expiry must cost
/// exactly one refresh, however the reads interleave, so the cycle runs several times.
#[tokio::test(flavor = "multi_thread")]
async fn concurrent_reads_refused_with_an_expired_token_refresh_once() {
    let world = world().await;
    let login = world.login().await;
    assert!(login.status.success(), "login: {}", text(&login.stderr));
    for round in 1..=12 {
        world.sim.handle().advance_clock(Duration::from_secs(1801));
        let plan = world.run(&["plan"]);
        assert!(plan.status.success(), "plan: {}", text(&plan.stderr));
        assert_eq!(
            world.count("POST", "POST /oauth/tokens"),
            1 + round,
            "one refresh per expiry (round {round})"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_sign_in_says_to_log_in_again() {
    let world = world().await;
    assert!(world.login().await.status.success());
    world.sim.handle().revoke_sign_ins("acme").expect("account");
    let plan = world.run(&["plan"]);
    assert!(!plan.status.success());
    let out = format!("{}{}", text(&plan.stdout), text(&plan.stderr));
    assert!(
        out.contains("the sign-in to acme no longer works")
            && out.contains("run `zdpolicy login --account acme` again"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn login_true_without_a_sign_in_says_how_to_sign_in() {
    let world = world().await;
    std::fs::write(
        world.dir.path().join("zdpolicy.yaml"),
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: { login: true }\n",
    )
    .expect("policy");
    let plan = world.run(&["plan"]);
    assert!(!plan.status.success());
    let out = format!("{}{}", text(&plan.stdout), text(&plan.stderr));
    assert!(
        out.contains("not signed in to acme: run `zdpolicy login --account acme`"),
        "{out}"
    );
}
