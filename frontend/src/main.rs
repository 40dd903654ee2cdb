fn main() {
    console_error_panic_hook::set_once();
    #[cfg(not(feature = "console"))]
    leptos::mount::mount_to_body(jobbot_frontend::App);
    #[cfg(feature = "console")]
    leptos::mount::mount_to_body(jobbot_frontend::console::ConsoleApp);
}
