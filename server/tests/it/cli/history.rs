//! `sessions history` on an empty store, and its usage errors.

use super::*;

#[test]
fn history_on_an_empty_store_and_its_usage_errors() {
    let (_dir, url) = database();
    assert_eq!(
        stdout(&cli(&url, &["history"], None)).trim(),
        "No ended sessions."
    );
    assert_eq!(
        stdout(&cli(
            &url,
            &["history", "--format", "json", "--since", "2h", "--until", "5m"],
            None
        ))
        .trim(),
        "[]"
    );
    let csv = cli(
        &url,
        &[
            "history",
            "--format",
            "csv",
            "--since",
            "2026-01-01T00:00:00Z",
            "--reason",
            "ip_rule",
        ],
        None,
    );
    assert_eq!(
        stdout(&csv),
        "ID,User,App,Role,IP,Country,Ended,Reason,Ended by,Flags\n",
        "{}",
        stderr(&csv)
    );
    assert_eq!(
        stdout(&cli(&url, &["history", "--settings"], None)).trim(),
        "No settings changes."
    );
    assert_eq!(
        stdout(&cli(
            &url,
            &["history", "--settings", "--format", "csv"],
            None
        )),
        "When,Who,Scope,Key,Old,New\n"
    );

    let bad: [(&[&str], &str); 5] = [
        (
            &["history", "--reason", "bored"],
            "error: Unknown reason \"bored\"; one of: logout, killed, ",
        ),
        (
            &["history", "--until", "2026-13-01T00:00:00Z"],
            "error: \"2026-13-01T00:00:00Z\" is not a time: use RFC 3339",
        ),
        (
            &["history", "--limit", "0"],
            "error: invalid value '0' for '--limit <LIMIT>'",
        ),
        (
            &["history", "--limit", "10001"],
            "error: invalid value '10001' for '--limit <LIMIT>'",
        ),
        (
            &["history", "--settings", "--reason", "killed"],
            "error: the argument '--settings' cannot be used with",
        ),
    ];
    for (args, expected) in bad {
        let output = cli(&url, args, None);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).starts_with(expected),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(stdout(&output).is_empty(), "{args:?} printed data");
    }
}
