//! `login`, `verify` and `remove --revoke` held to Twilio's own API description.
//!
//! Run through `../shared/contract/with-mock cargo test …`: it serves the
//! description with Prism, which answers with its examples and rejects (422,
//! 401) any request that breaks it, and puts the mock's URL in TWPROF_API_BASE.
//! Without that variable these tests skip with a note, and fail under CI=true.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;

use crate::harness::*;

const TOKEN: &str = "contract-authtoken-MARKER-3f9e";
const LIMIT: Duration = Duration::from_secs(60);

/// The mock's URL, or `None` (skipped loudly) when not run through `with-mock`.
fn mock_base() -> Option<String> {
    match std::env::var("TWPROF_API_BASE") {
        Ok(base) if !base.is_empty() => Some(base),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "TWPROF_API_BASE is not set under CI=true: run the tests through \
                 ../shared/contract/with-mock (scripts/test does)"
            );
            eprintln!(
                "SKIPPED: the Twilio contract tests need ../shared/contract/with-mock \
                 (it sets TWPROF_API_BASE to a local mock of Twilio's API)"
            );
            None
        }
    }
}

/// The key SID and secret the mock answers with: the examples of Twilio's description.
fn example_key(operation: &str) -> (String, String) {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/contract/twilio-contract.json");
    let spec: Value = serde_json::from_str(
        &fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .expect("contract JSON");
    let examples = &spec["paths"][operation]["post"]["responses"]["201"]["content"]["application/json"]
        ["examples"];
    let first = examples
        .as_object()
        .and_then(|e| e.values().next())
        .unwrap_or_else(|| panic!("no 201 example for POST {operation}"));
    let field = |name: &str| first["value"][name].as_str().expect(name).to_owned();
    (field("sid"), field("secret"))
}

fn twprof_against(home: &Home, base: &str, args: &[&str]) -> Output {
    let mut cmd = home.twprof(args);
    cmd.env("TWPROF_API_BASE", base);
    output_with_stdin(cmd, &format!("{TOKEN}\n"), LIMIT)
}

fn login(home: &Home, base: &str) -> Output {
    let args = ["login", "dev", "--account-sid", AC, "--auth-token-stdin"];
    twprof_against(home, base, &args)
}

fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed (a request the contract rejects shows here as HTTP 422 or 401):\n{}",
        text(&out.stderr)
    );
    for stream in [&out.stdout, &out.stderr] {
        assert!(
            !text(stream).contains(TOKEN),
            "{what} printed the Auth Token"
        );
    }
}

/// Asserts the profile "dev" holds exactly what the mock created.
fn assert_saved(home: &Home, sid: &str, secret: &str) {
    let saved = fs::read_to_string(home.config()).unwrap();
    assert!(saved.contains(&format!("account_sid: {AC}")), "{saved}");
    assert!(saved.contains(&format!("api_key: {sid}")), "{saved}");
    assert!(saved.contains(&format!("api_secret: {secret}")), "{saved}");
    assert!(!saved.contains(TOKEN), "the Auth Token was stored: {saved}");
}

#[test]
fn contract_login_saves_the_key_twilio_returns() {
    let Some(base) = mock_base() else { return };
    let home = Home::new();
    assert_ok(&login(&home, &base), "login");
    let (sid, secret) = example_key("/2010-04-01/Accounts/{AccountSid}/Keys.json");
    assert_saved(&home, &sid, &secret);
}

#[test]
fn contract_verify_accepts_the_saved_key() {
    let Some(base) = mock_base() else { return };
    let home = Home::new();
    assert_ok(&login(&home, &base), "login");
    let out = twprof_against(&home, &base, &["verify", "dev"]);
    assert_ok(&out, "verify");
    assert!(
        text(&out.stdout).starts_with("ok: "),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn contract_remove_revoke_deletes_the_key() {
    let Some(base) = mock_base() else { return };
    let home = Home::new();
    assert_ok(&login(&home, &base), "login");
    let args = ["remove", "dev", "--revoke", "--yes", "--auth-token-stdin"];
    assert_ok(&twprof_against(&home, &base, &args), "remove --revoke");
    let saved = fs::read_to_string(home.config()).unwrap();
    assert!(!saved.contains("dev:"), "{saved}");
}

#[test]
fn contract_login_falls_back_to_iam_keys() {
    let Some(base) = mock_base() else { return };
    let home = Home::new();
    // The mock answers Twilio's 401/20003 to the v2010 key request, so the
    // IAM request must pass the contract on its own.
    let proxy = RefusingProxy::start(&base, "/Keys.json");
    assert_ok(&login(&home, &proxy.base), "login");
    assert_eq!(
        proxy.refused.load(Ordering::SeqCst),
        1,
        "v2010 key requests"
    );
    assert_eq!(proxy.iam.load(Ordering::SeqCst), 1, "IAM key requests");
    let (sid, secret) = example_key("/v1/Keys");
    assert_saved(&home, &sid, &secret);
}

/// Passes requests to the mock, one per connection, adding Prism's
/// `Prefer: code=401` to each POST whose path ends with `refuse`.
struct RefusingProxy {
    base: String,
    refused: Arc<AtomicUsize>,
    iam: Arc<AtomicUsize>,
}

impl RefusingProxy {
    fn start(upstream: &str, refuse: &'static str) -> RefusingProxy {
        let upstream = upstream
            .strip_prefix("http://")
            .expect("the mock is plain http on loopback")
            .trim_end_matches('/')
            .to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let refused = Arc::new(AtomicUsize::new(0));
        let iam = Arc::new(AtomicUsize::new(0));
        let (r, i) = (refused.clone(), iam.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (upstream, r, i) = (upstream.clone(), r.clone(), i.clone());
                std::thread::spawn(move || {
                    let _ = relay(client, &upstream, refuse, &r, &i);
                });
            }
        });
        RefusingProxy { base, refused, iam }
    }
}

fn relay(
    client: TcpStream,
    upstream: &str,
    refuse: &str,
    refused: &AtomicUsize,
    iam: &AtomicUsize,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut head = vec![request_line.trim_end().to_owned()];
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end().to_owned();
        if line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if !lower.starts_with("connection:") {
            head.push(line);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let mut words = request_line.split(' ');
    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    if method == "POST" && path.ends_with(refuse) {
        refused.fetch_add(1, Ordering::SeqCst);
        head.push("Prefer: code=401".into());
    }
    if method == "POST" && path == "/v1/Keys" {
        iam.fetch_add(1, Ordering::SeqCst);
    }
    head.push("Connection: close".into());
    let mut server = TcpStream::connect(upstream)?;
    server.write_all(format!("{}\r\n\r\n", head.join("\r\n")).as_bytes())?;
    server.write_all(&body)?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer)?;
    // Tell the client not to reuse this connection: the proxy serves one request on it.
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(answer.len());
    let answer_head = String::from_utf8_lossy(&answer[..split]);
    let mut lines: Vec<&str> = answer_head
        .split("\r\n")
        .filter(|l| {
            let l = l.to_ascii_lowercase();
            !l.starts_with("connection:") && !l.starts_with("keep-alive:")
        })
        .collect();
    lines.push("Connection: close");
    let mut client = client;
    client.write_all(lines.join("\r\n").as_bytes())?;
    client.write_all(&answer[split..])?;
    client.flush()
}
