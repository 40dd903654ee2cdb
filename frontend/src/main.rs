fn main() {
    console_error_panic_hook::set_once();
    #[cfg(not(any(feature = "console", feature = "workspace")))]
    leptos::mount::mount_to_body(jobbot_frontend::App);
    // The public app is installable (the manifest and the service worker); the admin console is not.
    #[cfg(not(feature = "console"))]
    jobbot_frontend::register_service_worker();
    #[cfg(feature = "console")]
    leptos::mount::mount_to_body(jobbot_frontend::console::ConsoleApp);
    #[cfg(all(feature = "workspace", not(feature = "console")))]
    leptos::mount::mount_to_body(jobbot_frontend::workspace::WorkspaceApp);
}
