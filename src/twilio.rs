//! The Twilio REST client: fetch an account, create an API key, delete one.
//! Built only by the commands that talk to Twilio (`login`, `verify`,
//! `remove --revoke`), never on the `use`/hook path.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::{StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::profile::ApiSecret;

/// Replaces the scheme and host of every call: for tests and proxies.
pub const API_BASE_VAR: &str = "TWPROF_API_BASE";
/// Shortens both timeouts, in milliseconds: for tests only, it can never lengthen them.
const TIMEOUT_VAR: &str = "TWPROF_HTTP_TIMEOUT_MS";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Twilio's error code for credentials it does not accept.
pub const AUTHENTICATE: u32 = 20003;

/// Where the calls go: the REST API host and the IAM host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    api: String,
    iam: String,
}

impl Endpoint {
    /// The hosts for this region and edge, unless `TWPROF_API_BASE` replaces them.
    pub fn from_env(region: Option<&str>, edge: Option<&str>) -> Result<Endpoint> {
        let base = std::env::var(API_BASE_VAR).ok().filter(|b| !b.is_empty());
        Endpoint::new(base.as_deref(), region, edge)
    }

    /// `api.{edge}.{region}.twilio.com` with the parts that are set; an edge
    /// alone implies region `us1`, as in Twilio's own SDKs.
    pub fn new(base: Option<&str>, region: Option<&str>, edge: Option<&str>) -> Result<Endpoint> {
        if let Some(base) = base {
            let base = checked_base(base)?;
            return Ok(Endpoint {
                api: base.clone(),
                iam: base,
            });
        }
        let region = match (region, edge) {
            (None, Some(_)) => Some("us1"),
            (region, _) => region,
        };
        let host = |product: &str| {
            let parts: Vec<&str> = [Some(product), edge, region, Some("twilio.com")]
                .into_iter()
                .flatten()
                .collect();
            format!("https://{}", parts.join("."))
        };
        Ok(Endpoint {
            api: host("api"),
            iam: host("iam"),
        })
    }

    fn api(&self, path: &str) -> String {
        format!("{}{path}", self.api)
    }

    fn iam(&self, path: &str) -> String {
        format!("{}{path}", self.iam)
    }
}

/// `TWPROF_API_BASE`: a scheme, a host and maybe a port; plain http only on loopback.
fn checked_base(base: &str) -> Result<String> {
    let url = Url::parse(base)
        .with_context(|| format!("{API_BASE_VAR}={base:?} is not a URL like https://host:port"))?;
    let host = url.host_str().unwrap_or_default();
    if host.is_empty() {
        bail!("{API_BASE_VAR}={base:?} has no host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        bail!("{API_BASE_VAR} must not hold credentials: give only a scheme and a host");
    }
    if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
        bail!("{API_BASE_VAR}={base:?} must be only a scheme, a host and a port, with no path");
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(host) => {}
        "http" => bail!(
            "{API_BASE_VAR}={base:?} uses plain http to a host that is not loopback: use https"
        ),
        other => bail!("{API_BASE_VAR}={base:?}: scheme {other:?} is not supported, use https"),
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// 127.0.0.0/8, ::1 and localhost: traffic that never leaves the machine.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

/// The user and password of an HTTP Basic login; `Debug` never shows the password.
pub struct Login<'a> {
    user: &'a str,
    password: &'a str,
}

impl<'a> Login<'a> {
    /// The Account SID and its Auth Token.
    pub fn auth_token(account_sid: &'a str, token: &'a SecretString) -> Login<'a> {
        Login {
            user: account_sid,
            password: token.expose_secret(),
        }
    }

    /// An API key SID and its secret.
    pub fn api_key(key_sid: &'a str, secret: &'a ApiSecret) -> Login<'a> {
        Login {
            user: key_sid,
            password: secret.expose(),
        }
    }
}

impl fmt::Debug for Login<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Login({}:[REDACTED])", self.user)
    }
}

/// What went wrong with a call, in words a user can act on; never holds a secret.
#[derive(Debug)]
pub enum ApiError {
    /// HTTP 401: Twilio did not accept the credentials.
    Rejected(TwilioError),
    /// Any other answer than the one expected.
    Status(StatusCode, TwilioError),
    /// No answer in time.
    Timeout { host: String, after: Duration },
    /// No connection at all.
    Unreachable { host: String, reason: String },
    /// A connection that broke before the answer was complete.
    Dropped { host: String, reason: String },
    /// An answer that is not the JSON Twilio sends.
    Malformed { host: String, reason: String },
    /// The client could not be set up (TLS roots, for one).
    Setup(String),
}

impl ApiError {
    pub fn is_rejected(&self) -> bool {
        matches!(self, ApiError::Rejected(_))
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::Status(s, _) if *s == StatusCode::NOT_FOUND)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            ApiError::Rejected(e) => write!(f, "Twilio answered HTTP 401{e}"),
            ApiError::Status(status, e) => write!(f, "Twilio answered HTTP {}{e}", status.as_u16()),
            ApiError::Timeout { host, after } => write!(
                f,
                "no answer from {host} within {} (timed out): check your network or proxy",
                seconds(*after)
            ),
            ApiError::Unreachable { host, reason } => write!(
                f,
                "cannot connect to {host} ({reason}): check your network or proxy"
            ),
            ApiError::Dropped { host, reason } => write!(
                f,
                "{host} closed the connection before answering ({reason}): \
                 check your network or proxy"
            ),
            ApiError::Malformed { host, reason } => write!(
                f,
                "{host} sent an answer that is not Twilio's JSON ({reason}): \
                 is {API_BASE_VAR} pointing at Twilio?"
            ),
            ApiError::Setup(reason) => write!(
                f,
                "cannot set up an HTTPS client ({reason}): \
                 is the ca-certificates package installed?"
            ),
        }
    }
}

impl std::error::Error for ApiError {}

/// The body of a Twilio error, shown as ` (code 20003: Authenticate)` when present.
#[derive(Debug, Default, Deserialize)]
pub struct TwilioError {
    pub code: Option<u32>,
    pub message: Option<String>,
}

impl fmt::Display for TwilioError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let message = self.message.as_deref().map(one_line);
        match (self.code, message) {
            (Some(code), Some(m)) => write!(f, " (code {code}: {m})"),
            (Some(code), None) => write!(f, " (code {code})"),
            (None, Some(m)) => write!(f, " ({m})"),
            (None, None) => Ok(()),
        }
    }
}

/// A fetched account: only what `verify` reports (the answer also holds the Auth Token).
#[derive(Debug, Deserialize)]
pub struct Account {
    pub friendly_name: Option<String>,
    pub status: Option<String>,
}

/// A key just created: its SID and its secret, which Twilio shows only this once.
#[derive(Debug, Deserialize)]
pub struct NewKey {
    pub sid: String,
    pub secret: ApiSecret,
}

pub struct Twilio {
    client: Client,
    endpoint: Endpoint,
}

impl Twilio {
    pub fn new(endpoint: Endpoint) -> Result<Twilio, ApiError> {
        // Another part of the process may have installed it first; either is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let (connect, request) = timeouts();
        let client = Client::builder()
            .connect_timeout(connect)
            .timeout(request)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("twprof/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::Setup(root_cause(&e)))?;
        Ok(Twilio { client, endpoint })
    }

    /// `GET /2010-04-01/Accounts/{AC}.json`.
    pub fn fetch_account(&self, account_sid: &str, login: &Login) -> Result<Account, ApiError> {
        let url = self
            .endpoint
            .api(&format!("/2010-04-01/Accounts/{account_sid}.json"));
        let request = self.client.get(&url);
        json(send(request, login, &url)?, StatusCode::OK, &url)
    }

    /// A Standard API key: `POST /2010-04-01/Accounts/{AC}/Keys.json`, and once more
    /// through IAM's `POST /v1/Keys` when that answers 401 (some accounts may create
    /// keys only there, though the Auth Token is good).
    pub fn create_key(
        &self,
        account_sid: &str,
        login: &Login,
        friendly_name: &str,
    ) -> Result<NewKey, ApiError> {
        let url = self
            .endpoint
            .api(&format!("/2010-04-01/Accounts/{account_sid}/Keys.json"));
        let form = [("FriendlyName", friendly_name)];
        let first = send(self.client.post(&url).form(&form), login, &url)
            .and_then(|r| json(r, StatusCode::CREATED, &url));
        match first {
            Err(ApiError::Rejected(e)) if e.code.is_none_or(|c| c == AUTHENTICATE) => {
                let url = self.endpoint.iam("/v1/Keys");
                let form = [("AccountSid", account_sid), ("FriendlyName", friendly_name)];
                let response = send(self.client.post(&url).form(&form), login, &url)?;
                json(response, StatusCode::CREATED, &url)
            }
            other => other,
        }
    }

    /// `DELETE /2010-04-01/Accounts/{AC}/Keys/{SK}.json`.
    pub fn delete_key(
        &self,
        account_sid: &str,
        key_sid: &str,
        login: &Login,
    ) -> Result<(), ApiError> {
        let url = self.endpoint.api(&format!(
            "/2010-04-01/Accounts/{account_sid}/Keys/{key_sid}.json"
        ));
        let response = send(self.client.delete(&url), login, &url)?;
        expect(response, StatusCode::NO_CONTENT, &url).map(drop)
    }
}

/// Connect 10 s and whole request 30 s, or shorter through `TWPROF_HTTP_TIMEOUT_MS`.
fn timeouts() -> (Duration, Duration) {
    let shorter = std::env::var(TIMEOUT_VAR)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&ms| ms > 0)
        .map(Duration::from_millis);
    match shorter {
        Some(t) => (t.min(CONNECT_TIMEOUT), t.min(REQUEST_TIMEOUT)),
        None => (CONNECT_TIMEOUT, REQUEST_TIMEOUT),
    }
}

fn send(request: RequestBuilder, login: &Login, url: &str) -> Result<Response, ApiError> {
    request
        .basic_auth(login.user, Some(login.password))
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .map_err(|e| transport_error(&e, url))
}

/// The answer with the expected status; any other becomes an error with Twilio's reason.
fn expect(response: Response, expected: StatusCode, url: &str) -> Result<Response, ApiError> {
    let status = response.status();
    if status == expected || (status.is_success() && expected.is_success()) {
        return Ok(response);
    }
    let body = response.bytes().map_err(|e| transport_error(&e, url))?;
    let detail = serde_json::from_slice::<TwilioError>(&body).unwrap_or_default();
    Err(match status {
        StatusCode::UNAUTHORIZED => ApiError::Rejected(detail),
        _ => ApiError::Status(status, detail),
    })
}

fn json<T: serde::de::DeserializeOwned>(
    response: Response,
    expected: StatusCode,
    url: &str,
) -> Result<T, ApiError> {
    let response = expect(response, expected, url)?;
    let body = response.bytes().map_err(|e| transport_error(&e, url))?;
    serde_json::from_slice(&body).map_err(|e| ApiError::Malformed {
        host: host_of(url),
        reason: e.to_string(),
    })
}

fn transport_error(e: &reqwest::Error, url: &str) -> ApiError {
    let host = host_of(url);
    if e.is_timeout() {
        let (connect, request) = timeouts();
        let after = if e.is_connect() { connect } else { request };
        return ApiError::Timeout { host, after };
    }
    let reason = root_cause(e);
    if e.is_connect() {
        ApiError::Unreachable { host, reason }
    } else {
        ApiError::Dropped { host, reason }
    }
}

/// The innermost cause, which names what actually happened ("Connection refused").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    one_line(&cause.to_string())
}

fn host_of(url: &str) -> String {
    Url::parse(url)
        .ok()
        .and_then(|u| {
            let host = u.host_str()?.to_owned();
            Some(match u.port() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            })
        })
        .unwrap_or_else(|| url.to_owned())
}

/// Text from the other side, made safe for a one-line message.
fn one_line(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    clean.trim().to_owned()
}

fn seconds(d: Duration) -> String {
    match d.subsec_millis() {
        0 => format!("{} s", d.as_secs()),
        _ => format!("{:.1} s", d.as_secs_f64()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_hosts_are_twilio() {
        let e = Endpoint::new(None, None, None).unwrap();
        assert_eq!(e.api("/x"), "https://api.twilio.com/x");
        assert_eq!(e.iam("/v1/Keys"), "https://iam.twilio.com/v1/Keys");
    }

    #[test]
    fn region_and_edge_make_the_host() {
        let e = Endpoint::new(None, Some("au1"), Some("sydney")).unwrap();
        assert_eq!(e.api(""), "https://api.sydney.au1.twilio.com");
        assert_eq!(e.iam(""), "https://iam.sydney.au1.twilio.com");
        let e = Endpoint::new(None, Some("ie1"), None).unwrap();
        assert_eq!(e.api(""), "https://api.ie1.twilio.com");
    }

    #[test]
    fn an_edge_alone_implies_us1() {
        let e = Endpoint::new(None, None, Some("ashburn")).unwrap();
        assert_eq!(e.api(""), "https://api.ashburn.us1.twilio.com");
        assert_eq!(e.iam(""), "https://iam.ashburn.us1.twilio.com");
    }

    #[test]
    fn api_base_replaces_every_host() {
        let e = Endpoint::new(
            Some("https://proxy.example:8443/"),
            Some("au1"),
            Some("sydney"),
        )
        .unwrap();
        assert_eq!(
            e.api("/2010-04-01/x"),
            "https://proxy.example:8443/2010-04-01/x"
        );
        assert_eq!(e.iam("/v1/Keys"), "https://proxy.example:8443/v1/Keys");
    }

    #[test]
    fn plain_http_only_on_loopback() {
        for ok in [
            "http://127.0.0.1:4010",
            "http://127.1.2.3",
            "http://[::1]:8080",
            "http://localhost:9",
            "http://LOCALHOST",
        ] {
            assert!(Endpoint::new(Some(ok), None, None).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1",
            "http://example.com",
            "http://localhost.example.com",
            "http://128.0.0.1",
            "http://[::2]",
            "http://0.0.0.0",
        ] {
            let err = Endpoint::new(Some(bad), None, None)
                .unwrap_err()
                .to_string();
            assert!(err.contains("not loopback"), "{bad}: {err}");
        }
    }

    #[test]
    fn api_base_is_only_scheme_host_port() {
        for bad in [
            "ftp://127.0.0.1",
            "https://h/prefix",
            "https://u:p@h",
            "https://h/?q",
            "not a url",
        ] {
            assert!(Endpoint::new(Some(bad), None, None).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_never_shows_a_password() {
        let token = SecretString::from("tok-very-secret");
        let shown = format!("{:?}", Login::auth_token("AC1", &token));
        assert!(!shown.contains("tok-very-secret"), "{shown}");
        let secret = ApiSecret::new("key-very-secret".into());
        let shown = format!("{:?}", Login::api_key("SK1", &secret));
        assert!(!shown.contains("key-very-secret"), "{shown}");
        let key = NewKey {
            sid: "SK1".into(),
            secret,
        };
        assert!(!format!("{key:?}").contains("key-very-secret"));
    }

    #[test]
    fn error_text_is_one_line() {
        let e = ApiError::Rejected(TwilioError {
            code: Some(20003),
            message: Some("Authenticate\nagain".into()),
        });
        assert_eq!(
            e.to_string(),
            "Twilio answered HTTP 401 (code 20003: Authenticate again)"
        );
    }

    #[test]
    fn timeouts_show_in_seconds() {
        assert_eq!(seconds(Duration::from_secs(30)), "30 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
    }
}
