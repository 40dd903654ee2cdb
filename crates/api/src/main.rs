fn main() -> std::process::ExitCode {
    jobbot_api::cli::main()
}
