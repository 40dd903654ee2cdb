//! Which of the SPA's three builds owns a client route: the server's static serving (`make run`) and each build's
//! own router read these, and nginx's `snippets/spa.conf` spells out the same lists.

/// The console build (`frontend/console/`): the admin console and the two-step sign-in settings.
pub fn is_console_path(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/") || path == "/account/security"
}

/// The workspace build (`frontend/workspace/`): the signed-in app — offers, applications, profile, account,
/// alerts, the assistant's conversations, chats and shares.
pub fn is_workspace_path(path: &str) -> bool {
    path == "/account"
        || path == "/alerts"
        || [
            "/offers",
            "/applications",
            "/profile",
            "/assistant",
            "/chats",
            "/shares",
        ]
        .iter()
        .any(|p| path == *p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')))
}

/// Where an address of an earlier release now lives: the assistant was `/chat…` and the chats `/messages…`
/// (bookmarks and links in old emails keep working). The server answers these with a permanent redirect, the
/// query string kept; nginx's `snippets/spa.conf` says the same.
pub fn moved(path: &str) -> Option<String> {
    [("/chat", "/assistant"), ("/messages", "/chats")]
        .iter()
        .find_map(|(old, new)| match path.strip_prefix(old) {
            Some("") => Some((*new).to_owned()),
            Some(rest) if rest.starts_with('/') => Some(format!("{new}{rest}")),
            _ => None,
        })
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
            "/assistant",
            "/assistant/1",
            "/chats",
            "/chats/1",
            "/shares",
        ] {
            assert!(is_workspace_path(path) && !is_console_path(path), "{path}");
        }
        for path in [
            "/",
            "/login",
            "/chat/1",
            "/messages",
            "/chatter",
            "/assistants",
            "/administrator",
            "/alerts/x",
            "/account/tokens",
        ] {
            assert!(!is_workspace_path(path) && !is_console_path(path), "{path}");
        }
    }

    #[test]
    fn the_old_addresses_lead_to_the_new_ones() {
        assert_eq!(moved("/chat").as_deref(), Some("/assistant"));
        assert_eq!(moved("/chat/0190-abc").as_deref(), Some("/assistant/0190-abc"));
        assert_eq!(moved("/messages").as_deref(), Some("/chats"));
        assert_eq!(moved("/messages/0190-abc").as_deref(), Some("/chats/0190-abc"));
        for path in [
            "/",
            "/chats",
            "/chats/1",
            "/assistant",
            "/chatter",
            "/messagesx",
            "/api/v1/chats",
        ] {
            assert_eq!(moved(path), None, "{path}");
        }
    }
}
