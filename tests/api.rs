//! `login`, `verify` and `remove --revoke` against an in-process mock of the
//! Twilio REST API: what each sends, and one clear line for each way a call fails.

use std::fs;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use mockito::{Matcher, Mock, Server, ServerGuard};
use rexpect::session::spawn_command;

use crate::harness::*;

/// The Auth Token: no file and no output may ever contain it.
const TOKEN: &str = "authtoken-MARKER-e41c07";
/// The secret of the key the mock creates.
const NEW_SECRET: &str = "newkeysecret-5d8a19";
const LIMIT: Duration = Duration::from_secs(20);

fn account_path(account: &str) -> String {
    format!("/2010-04-01/Accounts/{account}.json")
}

fn keys_path(account: &str) -> String {
    format!("/2010-04-01/Accounts/{account}/Keys.json")
}

/// Twilio's error body for credentials it refuses.
const AUTHENTICATE: &str = r#"{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}"#;

/// The account answer; like Twilio's it holds the Auth Token, which twprof must drop.
fn account_body() -> String {
    format!(
        r#"{{"sid":"{AC}","friendly_name":"Test account","status":"active","auth_token":"{TOKEN}"}}"#
    )
}

fn new_key_body(sid: &str) -> String {
    format!(
        r#"{{"sid":"{sid}","friendly_name":"twprof","date_created":"Mon, 13 Jun 2016 22:50:08 +0000","secret":"{NEW_SECRET}"}}"#
    )
}

/// `GET /Accounts/AC.json` with the Account SID and Auth Token.
fn account_check(server: &mut ServerGuard, status: usize, body: &str) -> Mock {
    server
        .mock("GET", account_path(AC).as_str())
        .match_header("authorization", basic(AC, TOKEN).as_str())
        .with_status(status)
        .with_header("content-type", "application/json")
        .with_body(body)
        .create()
}

/// `POST /Accounts/AC/Keys.json` with FriendlyName `twprof for USER on HOST`.
fn key_post(server: &mut ServerGuard, status: usize, body: &str) -> Mock {
    server
        .mock("POST", keys_path(AC).as_str())
        .match_header("authorization", basic(AC, TOKEN).as_str())
        .match_header("content-type", "application/x-www-form-urlencoded")
        .match_body(Matcher::Regex(
            r"^FriendlyName=twprof\+for\+.+\+on\+.+$".into(),
        ))
        .with_status(status)
        .with_header("content-type", "application/json")
        .with_body(body)
        .create()
}

/// `POST /v1/Keys` at IAM, with AccountSid and FriendlyName.
fn iam_post(server: &mut ServerGuard, status: usize, body: &str) -> Mock {
    server
        .mock("POST", "/v1/Keys")
        .match_header("authorization", basic(AC, TOKEN).as_str())
        .match_body(Matcher::AllOf(vec![
            Matcher::UrlEncoded("AccountSid".into(), AC.into()),
            Matcher::Regex(r"FriendlyName=twprof\+for\+".into()),
        ]))
        .with_status(status)
        .with_header("content-type", "application/json")
        .with_body(body)
        .create()
}

/// `twprof ARGS` talking to `base`, the Auth Token on stdin.
fn run_against(home: &Home, base: &str, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
    let mut cmd = home.twprof(args);
    cmd.env("TWPROF_API_BASE", base);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    output_with_stdin(cmd, &format!("{TOKEN}\n"), LIMIT)
}

/// `twprof login dev --account-sid AC --auth-token-stdin` against `base`.
fn login(home: &Home, base: &str, extra_env: &[(&str, &str)]) -> Output {
    let args = ["login", "dev", "--account-sid", AC, "--auth-token-stdin"];
    run_against(home, base, &args, extra_env)
}

/// A home holding one profile, and the bytes of its profiles file.
fn seeded() -> (Home, Vec<u8>) {
    let home = Home::new();
    home.add("existing", AC2, SK2, MARKER, &[]);
    let before = fs::read(home.config()).expect("profiles file");
    (home, before)
}

/// Exit 1, one `twprof: …` line holding every needle, the token nowhere.
fn assert_fails(out: &Output, needles: &[&str]) -> String {
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(stdout.is_empty(), "stdout: {stdout}");
    assert!(stderr.starts_with("twprof: "), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{needle:?} missing from: {stderr}");
    }
    assert!(!stderr.contains(TOKEN), "the Auth Token leaked: {stderr}");
    stderr
}

fn assert_unchanged(home: &Home, before: &[u8]) {
    let after = fs::read(home.config()).expect("profiles file");
    assert!(after == before, "the profiles file changed");
}

#[test]
fn login_creates_a_key_and_stores_no_auth_token() {
    let home = Home::new();
    let mut server = Server::new();
    let check = account_check(&mut server, 200, &account_body());
    let create = key_post(&mut server, 201, &new_key_body(SK));
    let out = login(&home, &server.url(), &[]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    check.assert();
    create.assert();
    let saved = fs::read_to_string(home.config()).unwrap();
    assert!(saved.contains(&format!("account_sid: {AC}")), "{saved}");
    assert!(saved.contains(&format!("api_key: {SK}")), "{saved}");
    assert!(saved.contains(NEW_SECRET), "{saved}");
    assert!(!saved.contains(TOKEN), "the Auth Token was stored: {saved}");
    assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN));
    assert!(!stdout.contains(NEW_SECRET) && !stderr.contains(NEW_SECRET));
    // Where it saved and how to switch; nothing for a shell to evaluate.
    assert!(stdout.is_empty(), "login does not activate: {stdout}");
    assert!(
        stderr.contains(&home.config().display().to_string()),
        "{stderr}"
    );
    assert!(stderr.contains("twprof use dev"), "{stderr}");
}

#[test]
fn login_keeps_region_and_edge() {
    let home = Home::new();
    let mut server = Server::new();
    account_check(&mut server, 200, &account_body());
    key_post(&mut server, 201, &new_key_body(SK));
    let args = [
        "login",
        "au",
        "--account-sid",
        AC,
        "--auth-token-stdin",
        "--region",
        "au1",
        "--edge",
        "sydney",
    ];
    let out = run_against(&home, &server.url(), &args, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let saved = fs::read_to_string(home.config()).unwrap();
    assert!(
        saved.contains("region: au1") && saved.contains("edge: sydney"),
        "{saved}"
    );
}

#[test]
fn login_falls_back_to_iam_when_the_key_post_answers_20003() {
    let home = Home::new();
    let mut server = Server::new();
    account_check(&mut server, 200, &account_body());
    let refused = key_post(&mut server, 401, AUTHENTICATE);
    let iam = iam_post(&mut server, 201, &new_key_body(SK));
    let out = login(&home, &server.url(), &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    refused.assert();
    iam.assert();
    let saved = fs::read_to_string(home.config()).unwrap();
    assert!(saved.contains(&format!("api_key: {SK}")) && saved.contains(NEW_SECRET));
}

#[test]
fn login_when_iam_refuses_too_names_the_auth_token() {
    let (home, before) = seeded();
    let mut server = Server::new();
    account_check(&mut server, 200, &account_body());
    key_post(&mut server, 401, AUTHENTICATE);
    let iam = iam_post(&mut server, 401, AUTHENTICATE);
    let out = login(&home, &server.url(), &[]);
    iam.assert();
    assert_fails(
        &out,
        &["refused to create an API key", "Auth Token", "20003"],
    );
    assert_unchanged(&home, &before);
}

#[test]
fn login_with_a_wrong_auth_token_says_which_credentials_to_check() {
    let (home, before) = seeded();
    let mut server = Server::new();
    account_check(&mut server, 401, AUTHENTICATE);
    let create = key_post(&mut server, 201, &new_key_body(SK)).expect(0);
    let out = login(&home, &server.url(), &[]);
    create.assert();
    assert_fails(
        &out,
        &["did not accept Account SID", AC, "Auth Token", "20003"],
    );
    assert_unchanged(&home, &before);
}

#[test]
fn login_reports_a_server_error() {
    let (home, before) = seeded();
    let mut server = Server::new();
    account_check(&mut server, 200, &account_body());
    key_post(
        &mut server,
        500,
        r#"{"code":20500,"message":"Internal Server Error"}"#,
    );
    let out = login(&home, &server.url(), &[]);
    assert_fails(&out, &["HTTP 500", "20500", "nothing was saved"]);
    assert_unchanged(&home, &before);
}

#[test]
fn login_reports_malformed_json() {
    let (home, before) = seeded();
    let mut server = Server::new();
    account_check(&mut server, 200, &account_body());
    key_post(&mut server, 201, "<html>captive portal</html>");
    let out = login(&home, &server.url(), &[]);
    assert_fails(&out, &["not Twilio's JSON", "nothing was saved"]);
    assert_unchanged(&home, &before);
}

/// A server that accepts connections and never answers.
fn hung_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    format!("http://{addr}")
}

/// A server that reads the request and closes the connection without a word.
fn dropping_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
        }
    });
    format!("http://{addr}")
}

/// A loopback address where nothing listens.
fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    assert!(TcpStream::connect(addr).is_err(), "port {addr} is in use");
    format!("http://{addr}")
}

#[test]
fn login_times_out_on_a_hung_server() {
    let (home, before) = seeded();
    let base = hung_server();
    let started = Instant::now();
    let out = login(&home, &base, &[("TWPROF_HTTP_TIMEOUT_MS", "1000")]);
    let took = started.elapsed();
    assert_fails(&out, &["timed out", "within 1 s", "nothing was saved"]);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_unchanged(&home, &before);
}

#[test]
fn login_reports_a_dropped_connection() {
    let (home, before) = seeded();
    let out = login(&home, &dropping_server(), &[]);
    assert_fails(&out, &["closed the connection", "nothing was saved"]);
    assert_unchanged(&home, &before);
}

#[test]
fn login_reports_a_server_it_cannot_reach() {
    let (home, before) = seeded();
    let out = login(&home, &closed_port(), &[]);
    assert_fails(&out, &["cannot connect", "nothing was saved"]);
    assert_unchanged(&home, &before);
}

#[test]
fn login_prints_the_key_sid_when_it_cannot_save_it() {
    let (home, before) = seeded();
    // A directory where the store's lock file goes: reading works, saving cannot.
    let lock = home.config().with_file_name(".profiles.yaml.lock");
    let _ = fs::remove_file(&lock);
    fs::create_dir(&lock).unwrap();
    let mut server = Server::new();
    account_check(&mut server, 200, &account_body());
    key_post(&mut server, 201, &new_key_body(SK));
    let out = login(&home, &server.url(), &[]);
    let stderr = assert_fails(&out, &[SK, "did not save", "delete that key"]);
    assert!(!stderr.contains(NEW_SECRET), "{stderr}");
    assert_unchanged(&home, &before);
}

#[test]
fn login_refuses_an_existing_name_without_force() {
    let (home, before) = seeded();
    let mut server = Server::new();
    let check = account_check(&mut server, 200, &account_body()).expect(0);
    let args = [
        "login",
        "existing",
        "--account-sid",
        AC,
        "--auth-token-stdin",
    ];
    let out = run_against(&home, &server.url(), &args, &[]);
    assert_fails(&out, &["exists", "--force"]);
    check.assert();
    check.remove();
    assert_unchanged(&home, &before);

    key_post(&mut server, 201, &new_key_body(SK));
    let check = account_check(&mut server, 200, &account_body());
    let mut forced = args.to_vec();
    forced.push("--force");
    let out = run_against(&home, &server.url(), &forced, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    check.assert();
    let saved = fs::read_to_string(home.config()).unwrap();
    assert!(
        saved.contains(NEW_SECRET) && !saved.contains(MARKER),
        "{saved}"
    );
}

#[test]
fn login_without_a_terminal_names_the_missing_value() {
    let home = Home::new();
    let base = closed_port();
    let cases: [(&[&str], &str); 3] = [
        (
            &["login", "--account-sid", AC, "--auth-token-stdin"],
            "twprof login NAME",
        ),
        (&["login", "dev", "--auth-token-stdin"], "--account-sid"),
        (&["login", "dev", "--account-sid", AC], "--auth-token-stdin"),
    ];
    for (args, flag) in cases {
        let out = run_against(&home, &base, args, &[]);
        assert_fails(&out, &["no terminal", flag]);
    }
    assert!(!home.config().exists());
}

#[test]
fn plain_http_is_refused_off_loopback() {
    let home = Home::new();
    let out = login(&home, "http://192.0.2.1:8080", &[]);
    assert_fails(&out, &["TWPROF_API_BASE", "not loopback", "https"]);
    assert!(!home.config().exists());
}

#[test]
fn verify_fetches_the_account_with_the_key() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    let mut server = Server::new();
    let fetch = server
        .mock("GET", account_path(AC).as_str())
        .match_header("authorization", basic(SK, MARKER).as_str())
        .with_status(200)
        .with_body(account_body())
        .expect(2)
        .create();
    // By name, and by default the profile active in this shell.
    for (args, env) in [
        (&["verify", "dev"][..], &[][..]),
        (&["verify"][..], &[("TWPROF_PROFILE", "dev")][..]),
    ] {
        let out = run_against(&home, &server.url(), args, env);
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(stdout.starts_with("ok: profile \"dev\""), "{stdout}");
        assert!(
            !stdout.contains(MARKER) && !stdout.contains(TOKEN),
            "{stdout}"
        );
    }
    fetch.assert();
}

#[test]
fn verify_says_rejected_when_the_key_is_refused() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    let mut server = Server::new();
    server
        .mock("GET", account_path(AC).as_str())
        .with_status(401)
        .with_body(AUTHENTICATE)
        .create();
    let out = run_against(&home, &server.url(), &["verify", "dev"], &[]);
    let stderr = assert_fails(&out, &["twprof: rejected:", SK, "20003"]);
    assert!(!stderr.contains(MARKER), "{stderr}");
}

#[test]
fn verify_says_unreachable_when_there_is_no_answer() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    let out = run_against(&home, &closed_port(), &["verify", "dev"], &[]);
    assert_fails(&out, &["twprof: unreachable:", "dev"]);
    let env = [("TWPROF_HTTP_TIMEOUT_MS", "500")];
    let out = run_against(&home, &hung_server(), &["verify", "dev"], &env);
    assert_fails(&out, &["twprof: unreachable:", "timed out"]);
}

#[test]
fn verify_without_a_name_or_active_profile_says_what_to_do() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    let out = run_against(&home, &closed_port(), &["verify"], &[]);
    assert_fails(&out, &["no profile is active", "twprof verify NAME"]);
}

fn key_delete(server: &mut ServerGuard, status: usize, body: &str) -> Mock {
    server
        .mock(
            "DELETE",
            format!("/2010-04-01/Accounts/{AC}/Keys/{SK}.json").as_str(),
        )
        .match_header("authorization", basic(AC, TOKEN).as_str())
        .with_status(status)
        .with_body(body)
        .create()
}

#[test]
fn remove_revoke_deletes_the_key_then_the_profile() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    home.add("other", AC2, SK2, MARKER, &[]);
    let mut server = Server::new();
    let delete = key_delete(&mut server, 204, "");
    let args = ["remove", "dev", "--revoke", "--yes", "--auth-token-stdin"];
    let out = run_against(&home, &server.url(), &args, &[]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    delete.assert();
    assert!(
        stderr.contains(&format!("Revoked API key {SK}")),
        "{stderr}"
    );
    assert!(!stderr.contains(TOKEN), "{stderr}");
    let saved = fs::read_to_string(home.config()).unwrap();
    assert!(
        !saved.contains("dev:") && saved.contains("other:"),
        "{saved}"
    );
}

#[test]
fn remove_revoke_keeps_the_profile_when_twilio_refuses() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    let before = fs::read(home.config()).unwrap();
    let mut server = Server::new();
    key_delete(&mut server, 401, AUTHENTICATE);
    let args = ["remove", "dev", "--revoke", "--yes", "--auth-token-stdin"];
    let out = run_against(&home, &server.url(), &args, &[]);
    assert_fails(&out, &["Auth Token of", AC, "20003", "profile was kept"]);
    assert_unchanged(&home, &before);

    key_delete(&mut server, 404, r#"{"code":20404,"message":"Not found"}"#);
    let out = run_against(&home, &server.url(), &args, &[]);
    assert_fails(&out, &["HTTP 404", "without --revoke", "profile was kept"]);
    assert_unchanged(&home, &before);

    let out = run_against(&home, &closed_port(), &args, &[]);
    assert_fails(&out, &["cannot connect", "profile was kept"]);
    assert_unchanged(&home, &before);
}

#[test]
fn remove_revoke_without_a_terminal_needs_yes() {
    let home = Home::new();
    home.add("dev", AC, SK, MARKER, &[]);
    let before = fs::read(home.config()).unwrap();
    let mut server = Server::new();
    let delete = key_delete(&mut server, 204, "").expect(0);
    let args = ["remove", "dev", "--revoke", "--auth-token-stdin"];
    let out = run_against(&home, &server.url(), &args, &[]);
    assert_fails(&out, &["--yes"]);
    delete.assert();
    assert_unchanged(&home, &before);
}

#[test]
fn login_asks_on_the_terminal_and_hides_only_the_token() {
    let home = Home::new();
    let mut server = Server::new();
    account_check(&mut server, 200, &account_body());
    key_post(&mut server, 201, &new_key_body(SK));
    // rexpect turns echo off; a real terminal has it on, so put it back.
    let mut cmd = Command::new("sh");
    home.env(&mut cmd);
    cmd.env("TWPROF_API_BASE", server.url()).env("TERM", "dumb");
    cmd.args(["-c", "stty echo && exec \"$TWPROF\" login"]);
    let mut session = spawn_command(cmd, Some(LIMIT.as_millis() as u64)).unwrap();
    session.exp_string("Profile name: ").unwrap();
    session.send_line("dev").unwrap();
    let echoed = session.exp_string("Account SID: ").unwrap();
    assert!(
        echoed.contains("dev"),
        "the name is typed visibly: {echoed:?}"
    );
    session.send_line(AC).unwrap();
    let echoed = session.exp_string("Auth Token (hidden): ").unwrap();
    assert!(echoed.contains(AC), "the SID is typed visibly: {echoed:?}");
    session.send_line(TOKEN).unwrap();
    let rest = session.exp_eof().unwrap();
    assert!(!rest.contains(TOKEN), "the Auth Token was echoed: {rest}");
    assert!(rest.contains("saved it as profile \"dev\""), "{rest}");
    let saved = fs::read_to_string(home.config()).unwrap();
    assert!(
        saved.contains(NEW_SECRET) && !saved.contains(TOKEN),
        "{saved}"
    );
}

/// The `Authorization` header of HTTP Basic auth.
fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn base64_matches_the_rfc_examples() {
    for (plain, encoded) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(base64(plain.as_bytes()), encoded);
    }
}
