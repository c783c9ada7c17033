//! Issue 10, part 5: per-store webhook secrets, `allow_insecure_http`, and a warning
//! for a secret file that every user of the machine can read.

use crate::common;

use std::os::unix::fs::PermissionsExt;

use common::*;
use secrecy::ExposeSecret;

#[test]
fn a_store_may_have_its_own_webhook_secret_and_allow_insecure_http() {
    let dir = Dir::new();
    let secret_file = dir.write("hook.secret", "from-a-file\n");
    std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let c = dir
        .load(
            &format!(
                "{}webhook_secret = \"own-secret-1\"\nallow_insecure_http = true\n\n\
                 [[stores]]\nhash = \"def456\"\ntoken = \"t2\"\nwebhook_secret_file = \"hook.secret\"\n\n\
                 [[stores]]\nhash = \"ghi789\"\ntoken = \"t3\"\n",
                minimal("")
            ),
            &[],
        )
        .unwrap();
    let own: Vec<Option<String>> = c
        .stores
        .iter()
        .map(|s| s.webhook_secret.as_ref().map(|x| x.expose_secret().to_owned()))
        .collect();
    assert_eq!(
        own,
        [Some("own-secret-1".into()), Some("from-a-file".into()), None]
    );
    assert!(c.stores[0].allow_insecure_http);
    assert!(!c.stores[1].allow_insecure_http, "off unless asked for");
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    let shown = format!("{:?}", c.stores[0]);
    assert!(!shown.contains("own-secret-1"), "{shown}");

    let e = error(
        &minimal("webhook_secret = \"a\"\nwebhook_secret_file = \"b\"\n"),
        &[],
    );
    assert_has(&e, "webhook_secret and webhook_secret_file");
    assert_refused(&[("allow_insecure_http = \"yes\"\n", "allow_insecure_http")]);
}

#[test]
fn a_world_readable_token_file_gets_a_warning_and_a_private_one_does_not() {
    let dir = Dir::new();
    let token = dir.write("token", "tok-file-secret\n");
    let text =
        "[database]\nurl = \"postgres://x@db/x\"\n[[stores]]\nhash = \"abc123\"\ntoken_file = \"token\"\n";

    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o644)).unwrap();
    let c = dir.load(text, &[]).unwrap();
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    let w = &c.warnings[0];
    assert!(
        w.contains("stores[0].token_file") && w.contains("0644") && w.contains("chmod 600"),
        "{w}"
    );
    assert!(!w.contains("tok-file-secret"), "{w}");

    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(dir.load(text, &[]).unwrap().warnings.is_empty());
}
