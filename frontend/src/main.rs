fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(jobbot_frontend::App);
    // The public app is installable (the manifest and the service worker).
    jobbot_frontend::register_service_worker();
}
