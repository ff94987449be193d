//! `sessions demo`: the server on a throwaway database with demo applications and a
//! traffic generator, so a newcomer sees a lively console at once.
//! (Being built: see issue 4.)

use crate::cli::GlobalArgs;
use clap::Args;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Address to listen on.
    #[arg(long, env = "SESSIONS_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: std::net::SocketAddr,
}

pub async fn run(_global: &GlobalArgs, _args: DemoArgs) -> ExitCode {
    eprintln!("error: `sessions demo` is not built yet");
    ExitCode::FAILURE
}
