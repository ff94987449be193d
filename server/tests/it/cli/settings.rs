//! `sessions settings`: one key or all, in every format.

use super::*;

#[test]
fn settings_get_one_key_in_every_format() {
    let (_dir, url) = database();
    let table = stdout(&cli(
        &url,
        &["settings", "get", "idle_timeout_minutes"],
        None,
    ));
    for text in [
        "Key",
        "Label",
        "Value",
        "Default",
        "Source",
        "idle_timeout_minutes",
        "Idle timeout",
        "built-in",
    ] {
        assert!(table.contains(text), "{text}: {table}");
    }
    assert!(
        !table.contains("lifetime_minutes"),
        "only the key asked for: {table}"
    );
    let all = json(&stdout(&cli(
        &url,
        &["settings", "get", "--format", "json"],
        None,
    )));
    assert_eq!(
        all.as_array().map(Vec::len),
        Some(17),
        "every setting: {all}"
    );

    assert!(cli(
        &url,
        &["settings", "set", "idle_timeout_minutes", "45"],
        None
    )
    .status
    .success());
    let set = json(&stdout(&cli(
        &url,
        &[
            "settings",
            "get",
            "idle_timeout_minutes",
            "--format",
            "json",
        ],
        None,
    )));
    let expected = r#"[{"key":"idle_timeout_minutes","label":"Idle timeout","value":"45","default":"45","source":"set"}]"#;
    assert_eq!(set, json(expected));
    let set = cli(
        &url,
        &[
            "settings",
            "set",
            "idle_timeout_minutes",
            "10",
            "--role",
            "admin",
        ],
        None,
    );
    assert_eq!(
        stdout(&set),
        "idle_timeout_minutes for role admin: (default) -> 10\nNo session ended.\n"
    );
    let admin = stdout(&cli(
        &url,
        &[
            "settings",
            "get",
            "idle_timeout_minutes",
            "--role",
            "admin",
            "--format",
            "csv",
        ],
        None,
    ));
    assert_eq!(
        admin,
        "Key,Label,Value,Default,Source\nidle_timeout_minutes,Idle timeout,10,45,admin override\n"
    );
    let user = stdout(&cli(
        &url,
        &[
            "settings",
            "get",
            "idle_timeout_minutes",
            "--role",
            "user",
            "--format",
            "csv",
        ],
        None,
    ));
    assert_eq!(
        user,
        "Key,Label,Value,Default,Source\nidle_timeout_minutes,Idle timeout,45,45,default\n"
    );

    let again = cli(
        &url,
        &[
            "settings",
            "set",
            "idle_timeout_minutes",
            "10",
            "--role",
            "admin",
        ],
        None,
    );
    assert_eq!(
        stdout(&again).trim(),
        "Nothing changed: the setting already has that value."
    );
    let unset = cli(
        &url,
        &[
            "settings",
            "unset",
            "idle_timeout_minutes",
            "--role",
            "admin",
        ],
        None,
    );
    assert_eq!(
        stdout(&unset),
        "idle_timeout_minutes for role admin: 10 -> (default)\nNo session ended.\n"
    );
    let reset = cli(&url, &["settings", "unset", "idle_timeout_minutes"], None);
    assert_eq!(
        stdout(&reset),
        "idle_timeout_minutes for all roles: 45 -> 30\nNo session ended.\n"
    );
    let unknown = cli(&url, &["settings", "get", "idle"], None);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown)
        .starts_with("error: Unknown setting \"idle\". Known settings: idle_timeout_minutes, "));
}
