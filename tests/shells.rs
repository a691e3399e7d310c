//! SPEC §3 in real shells: the exports of `use`, `use -` and `off`, their quoting,
//! and the `twprof` function that `init` defines.

use std::fs;

use crate::harness::*;

const VARS: [&str; 9] = [
    "TWILIO_ACCOUNT_SID",
    "TWILIO_API_KEY",
    "TWILIO_API_SECRET",
    "TWILIO_REGION",
    "TWILIO_EDGE",
    "TWILIO_AUTH_TOKEN",
    "TWPROF_PROFILE",
    "__TWPROF_PREV",
    "__TWPROF_WHY",
];

/// Shell code that evaluates `twprof ARGS` the way a user does without the integration.
fn eval(shell: &str, args: &str) -> String {
    if shell == "fish" {
        format!("\"$TWPROF\" {args} | source\n")
    } else {
        format!("eval \"$(\"$TWPROF\" {args})\"\n")
    }
}

/// Shell code that prints every contract variable, `<unset>` for an unset one.
fn dump() -> String {
    let mut script: String = VARS
        .iter()
        .map(|v| format!("printenv {v} || echo '<unset>'\n"))
        .collect();
    script.push_str("echo ---\n");
    script
}

fn expected(values: [Option<&str>; 9]) -> String {
    let mut out: String = values
        .iter()
        .map(|v| format!("{}\n", v.unwrap_or("<unset>")))
        .collect();
    out.push_str("---\n");
    out
}

fn on_dev(prev: &str) -> String {
    expected([
        Some(AC),
        Some(SK),
        Some(MARKER),
        None,
        None,
        None,
        Some("dev"),
        Some(prev),
        Some("explicit"),
    ])
}

fn on_au(prev: &str) -> String {
    expected([
        Some(AC2),
        Some(SK2),
        Some("au-secret"),
        Some("au1"),
        Some("sydney"),
        None,
        Some("au-prod"),
        Some(prev),
        Some("explicit"),
    ])
}

fn off(prev: &str) -> String {
    expected([
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        Some(prev),
        Some("off"),
    ])
}

/// Runs `use`, `use -` and `off` the given way in every shell and reads the variables back.
fn check_switching(evaluate: impl Fn(&str, &str) -> String, preamble: impl Fn(&str) -> String) {
    let home = Home::with_two();
    for shell in shells() {
        let dialect = shell.split(' ').next().unwrap();
        let mut script = preamble(dialect);
        // A stale edge and another account's token must not survive a switch.
        script += &if dialect == "fish" {
            "set -gx TWILIO_EDGE stale; set -gx TWILIO_AUTH_TOKEN other-token\n".to_owned()
        } else {
            "export TWILIO_EDGE=stale TWILIO_AUTH_TOKEN=other-token\n".to_owned()
        };
        for step in ["use au-prod", "use dev", "use -", "off", "use -", "use dev"] {
            script += &evaluate(dialect, step);
            script += &dump();
        }
        let out = home.shell(shell, &script);
        let want = [
            on_au(""),
            on_dev("au-prod"),
            on_au("dev"),
            off("au-prod"),
            on_au(""),
            on_dev("au-prod"),
        ]
        .concat();
        assert_eq!(text(&out.stdout), want, "{shell}: {}", text(&out.stderr));
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
    }
}

#[test]
fn use_dash_and_off_in_every_shell() {
    check_switching(eval, |_| String::new());
}

#[test]
fn the_init_function_switches_the_same_shell() {
    let function = |_: &str, args: &str| format!("twprof {args}\n");
    check_switching(function, |dialect| {
        if dialect == "fish" {
            "\"$TWPROF\" init fish | source\n".into()
        } else {
            // Twice: sourcing init again must be harmless.
            format!(
                "eval \"$(\"$TWPROF\" init {dialect})\"\neval \"$(\"$TWPROF\" init {dialect})\"\n"
            )
        }
    });
}

#[test]
fn hostile_values_come_back_byte_identical() {
    let values = [
        "it's",
        r"back\",
        r"\",
        "'",
        "''",
        r"\'",
        r"'\''",
        "$(touch pwned)",
        "`touch pwned2`",
        "a\nb",
        "\n",
        "tab\there",
        "!!",
        "!$",
        "héllo ✓ 日本 🦀",
        "\"double\"",
        "$HOME",
        "${HOME}",
        "%s%n",
        "-n",
        " lead",
        "trail ",
        "\r\n",
        "\u{1b}[31mred",
        ";exit 1;",
        "#not a comment",
        "~",
        "*",
        "{a,b}",
        "a b\tc",
        "\u{7f}\u{1}",
        "\\\\'\\\\",
        "$'\\x41'",
        "\\n",
        "end\\",
    ];
    let home = Home::new();
    for (i, value) in values.iter().enumerate() {
        home.add(&format!("h{i}"), AC, SK, value, &[]);
    }
    for shell in shells() {
        let dialect = shell.split(' ').next().unwrap();
        let script: String = (0..values.len())
            .map(|i| eval(dialect, &format!("use h{i}")) + "printenv -0 TWILIO_API_SECRET\n")
            .collect();
        let out = home.shell(shell, &script);
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        let got: Vec<&[u8]> = out.stdout.split(|b| *b == 0).collect();
        assert_eq!(
            got.len(),
            values.len() + 1,
            "{shell}: {:?}",
            text(&out.stdout)
        );
        for (value, back) in values.iter().zip(&got) {
            assert_eq!(text(back), *value, "{shell} changed {value:?}");
        }
        assert!(
            !home.path().join("pwned").exists() && !home.path().join("pwned2").exists(),
            "{shell} ran code"
        );
    }
}

#[test]
fn empty_values_stay_set_and_empty() {
    let home = Home::with_two();
    for shell in shells() {
        let dialect = shell.split(' ').next().unwrap();
        let script = eval(dialect, "use dev") + "printenv __TWPROF_PREV && echo set\n";
        let out = home.shell(shell, &script);
        assert_eq!(
            text(&out.stdout),
            "\nset\n",
            "{shell}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_new_shell_starts_on_the_default_unless_it_inherited_one() {
    let home = Home::with_two();
    assert!(home.run(&["default", "au-prod"]).status.success());
    for shell in ["bash", "zsh", "fish"].into_iter().filter(|s| have(s)) {
        let init = if shell == "fish" {
            "\"$TWPROF\" init fish | source\n".to_owned()
        } else {
            eval(shell, "init bash").replace("bash", shell)
        };
        let script = format!("{init}printenv TWPROF_PROFILE __TWPROF_WHY TWILIO_REGION\n");
        let out = home.shell(shell, &script);
        assert_eq!(
            text(&out.stdout),
            "au-prod\ndefault\nau1\n",
            "{shell}: {}",
            text(&out.stderr)
        );

        let script = format!(
            "{}{init}printenv TWPROF_PROFILE __TWPROF_WHY\n",
            eval(shell, "use dev")
        );
        let out = home.shell(shell, &script);
        assert_eq!(
            text(&out.stdout),
            "dev\nexplicit\n",
            "{shell}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn help_and_errors_through_the_function_are_never_evaluated() {
    let home = Home::with_two();
    for shell in ["bash", "zsh", "fish"].into_iter().filter(|s| have(s)) {
        let init = if shell == "fish" {
            "\"$TWPROF\" init fish | source\n".to_owned()
        } else {
            eval(shell, "init bash").replace("bash", shell)
        };
        let status = if shell == "fish" { "$status" } else { "$?" };
        let script = format!(
            "{init}twprof use --help; echo \"help={status}\"\ntwprof use nope; echo \"nope={status}\"\ntwprof use dev; echo \"dev={status}\"\n"
        );
        let out = home.shell(shell, &script);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(stdout, "help=0\nnope=1\ndev=0\n", "{shell}: {stderr}");
        assert!(
            stderr.contains("Usage:") && stderr.contains("no profile named \"nope\""),
            "{shell}: {stderr}"
        );
        assert!(
            !stderr.contains("command not found") && !stderr.contains("Unknown command"),
            "{shell}: {stderr}"
        );
    }
}

#[test]
fn init_scripts_pass_shellcheck_and_parse_in_their_shell() {
    let home = Home::new();
    for shell in ["bash", "zsh", "fish"].into_iter().filter(|s| have(s)) {
        let out = home.run(&["init", shell]);
        assert!(out.status.success());
        let script = home.path().join(format!("init.{shell}"));
        fs::write(&script, &out.stdout).unwrap();
        let check = match shell {
            "fish" => home.shell("fish", &format!("fish --no-execute {}", script.display())),
            _ => home.shell(shell, &format!("{shell} -n {}", script.display())),
        };
        assert!(
            check.status.success(),
            "{shell} -n: {}",
            text(&check.stderr)
        );
    }
    if have("shellcheck") {
        let out = std::process::Command::new("shellcheck")
            .args([
                "--shell=bash",
                concat!(env!("CARGO_MANIFEST_DIR"), "/shell/twprof.bash"),
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "shellcheck: {}", text(&out.stdout));
    }
}
