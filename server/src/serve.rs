//! `sessions serve`: open the engine, start the background work, serve HTTP until
//! told to stop, then flush what is still in memory.

use crate::cli::GlobalArgs;
use crate::web;
use clap::Args;
use leptos::config::LeptosOptions;
use sessions_core::background::{self, Intervals};
use sessions_core::model::Role;
use sessions_core::Engine;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "SESSIONS_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Serve cookies without `Secure` and the `__Host-` prefix. Only for plain-http
    /// deployments on hosts other than localhost; it makes stolen cookies easier to use.
    #[arg(long, env = "SESSIONS_INSECURE_COOKIES")]
    pub insecure_cookies: bool,
}

pub async fn run(global: &GlobalArgs, args: ServeArgs) -> ExitCode {
    match serve(global, args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(global: &GlobalArgs, args: ServeArgs) -> Result<(), String> {
    if args.insecure_cookies {
        tracing::warn!(
            "INSECURE COOKIES: --insecure-cookies is on. Session cookies lose `Secure` and the `__Host-` \
             prefix and travel in clear text over plain http. Use this only behind a trusted network."
        );
    }
    let config = global.engine_config(!args.insecure_cookies);
    let engine = Engine::open(&config).await.map_err(|err| format!("cannot open {}: {err}", global.database_url))?;
    ensure_first_admin(&engine).await?;

    let listener = listen(args.addr).await?;
    serve_until_stopped(engine, listener, |_| Vec::new()).await
}

/// Binds `addr` (port 0 picks a free port).
pub(crate) async fn listen(addr: SocketAddr) -> Result<tokio::net::TcpListener, String> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|err| format!("cannot listen on {addr}: {err}"))
}

/// Starts the background work, serves the console and the API on `listener` until
/// ctrl-c or SIGTERM, then writes what is still in memory. Shared by `serve` and `demo`:
/// once the listening line is printed (tests and scripts read it as the first line of
/// stdout), `on_ready` may print more and start tasks of its own, which are stopped
/// before the final flush.
pub(crate) async fn serve_until_stopped(
    engine: Arc<Engine>,
    listener: tokio::net::TcpListener,
    on_ready: impl FnOnce(SocketAddr) -> Vec<tokio::task::JoinHandle<()>>,
) -> Result<(), String> {
    let local_addr = listener.local_addr().map_err(|err| err.to_string())?;
    let options = leptos_options(local_addr);
    let mut tasks = background::spawn(engine.clone(), Intervals::default());
    let router = web::router(engine.clone(), options);

    println!("Sessions is listening on http://{local_addr}");
    tasks.extend(on_ready(local_addr));
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|err| format!("server error: {err}"))?;

    for task in tasks {
        task.abort();
    }
    // "Last seen" updates still in memory are written before exit.
    if let Err(err) = engine.flush_touches(true).await {
        tracing::error!(error = %err, "could not write the last activity before stopping");
    }
    tracing::info!("stopped");
    Ok(())
}

/// A fresh install either creates `admin` from `SESSIONS_ADMIN_PASSWORD` or says how to.
async fn ensure_first_admin(engine: &Arc<Engine>) -> Result<(), String> {
    if engine.count_users().await.map_err(|err| err.to_string())? > 0 {
        return Ok(());
    }
    match std::env::var("SESSIONS_ADMIN_PASSWORD") {
        Ok(password) if !password.is_empty() => {
            engine.add_user("admin", password, Role::Admin).await.map_err(|err| format!("first admin: {err}"))?;
            tracing::info!("created the first admin user \"admin\" from SESSIONS_ADMIN_PASSWORD");
        }
        _ => eprintln!(
            "No users yet. Create the first admin with:\n    sessions user add admin --role admin\n\
             (or start once with SESSIONS_ADMIN_PASSWORD set to create user \"admin\")."
        ),
    }
    Ok(())
}

/// Leptos settings from `LEPTOS_*` variables, defaulting the site to `../site` next to
/// the binary (where `cargo leptos build` puts it), so the built binary runs as is.
fn leptos_options(addr: SocketAddr) -> LeptosOptions {
    let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| default_site_root());
    let env = match std::env::var("LEPTOS_ENV").as_deref() {
        Ok("DEV") => leptos::config::Env::DEV,
        _ => leptos::config::Env::PROD,
    };
    LeptosOptions::builder()
        .output_name(std::env::var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|_| "sessions".into()))
        .site_root(site_root)
        .site_pkg_dir(std::env::var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|_| "pkg".into()))
        .site_addr(addr)
        .env(env)
        .build()
}

fn default_site_root() -> String {
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().and_then(|dir| dir.parent()).map(|target| target.join("site")));
    match beside_binary {
        Some(site) if site.is_dir() => site.display().to_string(),
        _ => PathBuf::from("target/site").display().to_string(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
