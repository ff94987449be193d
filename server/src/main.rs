//! `sessions`: the server and its command line in one binary.

mod api;
mod cli;
mod config;
mod demo;
mod failure;
mod first_admin;
mod metrics;
mod serve;
mod site;
mod tls;
mod web;

use clap::Parser;
use std::process::ExitCode;

// The session check is small and allocation-heavy (hyper's buffers, JSON in and out);
// mimalloc made it measurably cheaper than the system allocator (bench/results-check.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    init_logging();
    match cli.command {
        cli::Command::Serve(args) => serve::run(&cli.global, args).await,
        cli::Command::Demo(args) => demo::run(&cli.global, args).await,
        command => cli::run(&cli.global, command).await,
    }
}

/// Logs go to stderr (stdout is for command output); `RUST_LOG` overrides the level.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
