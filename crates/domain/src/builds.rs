//! Which of the SPA's three builds owns a client route: the server's static serving (`make run`) and each build's
//! own router read these, and nginx's `snippets/spa.conf` spells out the same lists.

/// The console build (`frontend/console/`): the admin console and the two-step sign-in settings.
pub fn is_console_path(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/") || path == "/account/security"
}

/// The workspace build (`frontend/workspace/`): the signed-in app — offers, applications, profile, account,
/// alerts, the coach's conversations, chats and shares.
pub fn is_workspace_path(path: &str) -> bool {
    path == "/account"
        || path == "/alerts"
        || [
            "/offers",
            "/applications",
            "/profile",
            "/chat",
            "/messages",
            "/shares",
        ]
        .iter()
        .any(|p| path == *p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_route_has_one_build() {
        for path in ["/admin", "/admin/users/1", "/account/security"] {
            assert!(is_console_path(path) && !is_workspace_path(path), "{path}");
        }
        for path in [
            "/offers",
            "/offers/saved",
            "/account",
            "/alerts",
            "/chat",
            "/chat/1",
            "/messages/1",
            "/shares",
        ] {
            assert!(is_workspace_path(path) && !is_console_path(path), "{path}");
        }
        for path in [
            "/",
            "/login",
            "/chats/1",
            "/chatter",
            "/administrator",
            "/alerts/x",
            "/account/tokens",
        ] {
            assert!(!is_workspace_path(path) && !is_console_path(path), "{path}");
        }
    }
}
