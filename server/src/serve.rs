//! `sessions serve`: open the engine, start the background work, serve HTTP until
//! told to stop, then flush what is still in memory.

use crate::config::GlobalArgs;
use crate::tls::TlsArgs;
use crate::web::{self, Scheme, TrustedProxies};
use clap::Args;
use sessions_core::background::{self, Intervals};
use sessions_core::Engine;
use std::net::SocketAddr;
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
    /// Serve Prometheus metrics at `/metrics` on this address, a listener of its own
    /// (off when not given; the main address never serves them).
    #[arg(long, env = "SESSIONS_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Proxies (CIDRs or addresses) whose `X-Forwarded-For` gives the client address:
    /// the right-most address not in these networks. Without it the header is ignored
    /// and the client is the connection's peer.
    #[arg(long = "trusted-proxy", value_name = "CIDR", num_args = 1.., env = "SESSIONS_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,
    #[command(flatten)]
    pub tls: TlsArgs,
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
    // Checked before anything is opened: a typo here must not start a server that
    // quietly takes every client for the load balancer.
    let proxies = TrustedProxies::parse(&args.trusted_proxies)?;
    if !proxies.is_empty() {
        tracing::info!(
            proxies = ?args.trusted_proxies,
            "client addresses come from X-Forwarded-For on connections from these proxies"
        );
    }
    let tls = args.tls.load().await?;
    if args.insecure_cookies {
        tracing::warn!(
            "INSECURE COOKIES: --insecure-cookies is on. Session cookies lose `Secure` and the `__Host-` \
             prefix and travel in clear text over plain http. Use this only behind a trusted network."
        );
    }
    let config = global.engine_config(!args.insecure_cookies);
    let engine = global
        .open_engine(&config)
        .await
        .map_err(|failure| failure.message)?;
    let first_admin = crate::first_admin::ensure(&engine, global).await?;

    let listener = listen(args.addr).await?;
    // Bound before serving, so a taken metrics address stops the start, loudly.
    let metrics_listener = match args.metrics_addr {
        Some(addr) => Some(listen(addr).await?),
        None => None,
    };
    serve_until_stopped(engine.clone(), listener, proxies, tls, |addr, scheme| {
        if let Some(first_admin) = first_admin {
            first_admin.print(addr, scheme);
        }
        metrics_listener
            .map(|listener| crate::metrics::spawn(engine, listener))
            .into_iter()
            .collect()
    })
    .await
}

/// Binds `addr` (port 0 picks a free port).
pub(crate) async fn listen(addr: SocketAddr) -> Result<tokio::net::TcpListener, String> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|err| format!("cannot listen on {addr}: {err}"))
}

/// Starts the background work, serves the console and the API on `listener` (over TLS
/// when `tls` is given) until ctrl-c or SIGTERM, then writes what is still in memory
/// (activity, analytics). Shared by `serve` and `demo`:
/// once the listening line is printed (tests and scripts read it as the first line of
/// stdout), `on_ready` may print more and start tasks of its own, which are stopped
/// before the final flush.
pub(crate) async fn serve_until_stopped(
    engine: Arc<Engine>,
    listener: tokio::net::TcpListener,
    proxies: TrustedProxies,
    tls: Option<Arc<rustls::ServerConfig>>,
    on_ready: impl FnOnce(SocketAddr, Scheme) -> Vec<tokio::task::JoinHandle<()>>,
) -> Result<(), String> {
    let local_addr = listener.local_addr().map_err(|err| err.to_string())?;
    let options = crate::site::leptos_options(local_addr);
    // Ends wait for this instance from before its first check on.
    engine
        .heartbeat()
        .await
        .map_err(|err| format!("cannot register this instance: {err}"))?;
    let mut tasks = background::spawn(engine.clone(), Intervals::default());
    let scheme = if tls.is_some() {
        Scheme::Https
    } else {
        Scheme::Http
    };
    let router = web::router(engine.clone(), options, proxies, tls.is_some());

    println!("Sessions is listening on {scheme}://{local_addr}");
    tasks.extend(on_ready(local_addr, scheme));
    let app = router.into_make_service_with_connect_info::<SocketAddr>();
    match tls {
        None => axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|err| format!("server error: {err}"))?,
        Some(config) => crate::tls::serve(listener, app, config, shutdown_signal()).await?,
    }

    for task in tasks {
        task.abort();
    }
    // Ends stop waiting for this instance at once, not after the staleness bound.
    if let Err(err) = engine.leave_cluster().await {
        tracing::error!(error = %err, "could not leave the instances table before stopping");
    }
    // "Last seen" updates still in memory are written before exit.
    if let Err(err) = engine.flush_touches(true).await {
        tracing::error!(error = %err, "could not write the last activity before stopping");
    }
    // So are the analytics figures of the hour under way (later writes add to them).
    if let Err(err) = engine.flush_rollups().await {
        tracing::error!(error = %err, "could not write the analytics figures before stopping");
    }
    tracing::info!("stopped");
    Ok(())
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
