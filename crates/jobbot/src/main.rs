//! The `jobbot` binary: the command line over the server and the services (serve, migrate, user create,
//! purge, backup, healthcheck…).

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
