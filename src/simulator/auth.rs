//! Authentication and authorisation as Zendesk does them: API tokens
//! (`Basic base64("{email}/token:{token}")`), OAuth bearer tokens with scopes, roles, and the
//! Sunshine Conversations key (basic `key_id:secret`) (docs/zendesk-notes.md, "Authentication").

use axum::http::{HeaderMap, Method, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::api_error::ApiError;
use super::seed::{Role, SignInUserSeed};
use super::state::{Account, SunshineState};

/// Who a request acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Principal {
    /// The user's role.
    pub role: Role,
    /// OAuth scopes; `None` for API tokens, which carry the user's full rights.
    pub scopes: Option<Vec<String>>,
    /// The bearer token the request carried (what `DELETE /api/v2/oauth/tokens/current`
    /// revokes).
    pub token: Option<String>,
    /// The person, when the token came from a browser sign-in or is an API token.
    pub user: Option<SignInUserSeed>,
}

/// The credential a request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Credential {
    Basic { user: String, password: String },
    Bearer(String),
}

/// Identifies the caller of a Support API request.
///
/// # Errors
/// 401 `Couldn't authenticate you` for missing, unknown or expired credentials, and for
/// email/password basic auth, which Zendesk removed for the API in 2026 [SEEN].
pub(crate) fn authenticate(
    account: &Account,
    headers: &HeaderMap,
    now: i64,
) -> Result<Principal, ApiError> {
    match credential(headers) {
        Some(Credential::Basic { user, password }) => {
            let email = user.strip_suffix("/token").ok_or(ApiError::Unauthorized)?;
            account
                .credentials
                .api_tokens
                .iter()
                .find(|t| t.email.eq_ignore_ascii_case(email) && t.token == password)
                .map(|t| Principal {
                    role: t.role,
                    scopes: None,
                    token: None,
                    user: Some(SignInUserSeed {
                        id: api_token_user_id(&t.email),
                        name: t.email.split('@').next().unwrap_or_default().to_owned(),
                        email: t.email.clone(),
                        role: t.role,
                    }),
                })
                .ok_or(ApiError::Unauthorized)
        }
        Some(Credential::Bearer(token)) => {
            if let Some(seeded) = account
                .credentials
                .oauth_tokens
                .iter()
                .find(|t| t.token == token)
            {
                return Ok(Principal {
                    role: seeded.role,
                    scopes: Some(seeded.scopes.clone()),
                    token: Some(token),
                    user: None,
                });
            }
            account
                .issued_tokens
                .iter()
                .find(|t| t.token == token && t.expires_at > now)
                .map(|t| Principal {
                    role: t.role,
                    scopes: Some(t.scopes.clone()),
                    token: Some(token.clone()),
                    user: t.user.clone(),
                })
                .ok_or(ApiError::Unauthorized)
        }
        None => Err(ApiError::Unauthorized),
    }
}

/// A stable user id for an API token's email (the simulator keeps no user records for them).
fn api_token_user_id(email: &str) -> u64 {
    // FNV-1a: deterministic across runs, unlike the standard library's hasher.
    let hash = email
        .to_ascii_lowercase()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    10_000_000_000 + hash % 1_000_000_000
}

/// Checks that the caller may make this request.
///
/// Writes need an admin: Zendesk's OpenAPI document says "Agents" may manage triggers, but only
/// agents whose role allows managing business rules can; the simulator models that as the admin
/// role. OAuth tokens need `read`/`write`, or `<resource>:read`/`<resource>:write` for scopable
/// resources such as `triggers`; a token with other scopes gets 403 on every request [SEEN OAS].
///
/// # Errors
/// 403 `Forbidden`.
pub(crate) fn authorize(
    principal: &Principal,
    method: &Method,
    resource: Option<&str>,
) -> Result<(), ApiError> {
    let write = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if write && principal.role != Role::Admin {
        return Err(ApiError::Forbidden);
    }
    let Some(scopes) = &principal.scopes else {
        return Ok(());
    };
    let access = if write { "write" } else { "read" };
    let scoped = resource.map(|r| format!("{r}:{access}"));
    if scopes
        .iter()
        .any(|s| s == access || Some(s) == scoped.as_ref())
    {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Whether a Sunshine Conversations request carries the app's key.
pub(crate) fn sunshine_key_matches(app: &SunshineState, headers: &HeaderMap) -> bool {
    matches!(credential(headers), Some(Credential::Basic { user, password }) if user == app.key_id && password == app.secret)
}

fn credential(headers: &HeaderMap) -> Option<Credential> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, rest) = value.split_once(' ')?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(Credential::Bearer(rest.to_owned()));
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(rest).ok()?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some(Credential::Basic {
        user: user.to_owned(),
        password: password.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(header::AUTHORIZATION, value);
        }
        headers
    }

    #[test]
    fn reads_basic_and_bearer() {
        let basic = format!("Basic {}", STANDARD.encode("a@b.c/token:secret"));
        assert_eq!(
            credential(&headers(&basic)),
            Some(Credential::Basic {
                user: "a@b.c/token".into(),
                password: "secret".into()
            })
        );
        assert_eq!(
            credential(&headers("Bearer abc")),
            Some(Credential::Bearer("abc".into()))
        );
        assert_eq!(credential(&headers("Basic !!!")), None);
        assert_eq!(credential(&HeaderMap::new()), None);
    }

    #[test]
    fn scopes_and_roles_decide() {
        let admin_rw = Principal {
            role: Role::Admin,
            scopes: Some(vec!["triggers:read".into(), "triggers:write".into()]),
            token: None,
            user: None,
        };
        assert!(authorize(&admin_rw, &Method::PUT, Some("triggers")).is_ok());
        assert_eq!(
            authorize(&admin_rw, &Method::GET, None),
            Err(ApiError::Forbidden)
        );
        let agent = Principal {
            role: Role::Agent,
            scopes: None,
            token: None,
            user: None,
        };
        assert!(authorize(&agent, &Method::GET, Some("triggers")).is_ok());
        assert_eq!(
            authorize(&agent, &Method::DELETE, Some("triggers")),
            Err(ApiError::Forbidden)
        );
    }
}
