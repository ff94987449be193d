//! `sessions demo`: the server on a throwaway database with demo applications and a
//! traffic generator, so a newcomer sees a lively console at once.
//!
//! Demo data never appears unless asked for: by default the demo opens a new SQLite
//! file in a temporary directory, deleted when the demo stops, and ignores
//! `DATABASE_URL` from the environment (a shell that exports it for `serve` must not
//! get demo sessions in the real database). Only `--database-url` given on this very
//! command line puts the demo into another database, and the demo says so loudly.

mod cast;
mod traffic;

use crate::config::GlobalArgs;
use crate::serve::{listen, serve_until_stopped};
use clap::Args;
use rand::distr::{Alphanumeric, SampleString};
use rand::rngs::StdRng;
use rand::SeedableRng;
use sessions_core::model::Role;
use sessions_core::Engine;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "SESSIONS_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: std::net::SocketAddr,
    /// Seed for the simulated traffic, to replay the same sequence of visitors.
    #[arg(long)]
    pub seed: Option<u64>,
    #[command(flatten)]
    pub tls: crate::tls::TlsArgs,
}

/// The console account the demo creates for the person watching.
const DEMO_ADMIN: &str = "admin";

pub async fn run(global: &GlobalArgs, args: DemoArgs) -> ExitCode {
    match demo(global, args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn demo(global: &GlobalArgs, args: DemoArgs) -> Result<(), String> {
    // Before the throwaway database exists: a wrong path is all there is to say.
    let tls = args.tls.load().await?;
    let database = DemoDatabase::choose(global)?;
    let result = demo_on(global, &database, args, tls).await;
    database.remove();
    result
}

async fn demo_on(
    global: &GlobalArgs,
    database: &DemoDatabase,
    args: DemoArgs,
    tls: Option<std::sync::Arc<rustls::ServerConfig>>,
) -> Result<(), String> {
    let mut config = global.engine_config(true);
    config.database_url = database.url.clone();
    let engine = Engine::open(&config).await.map_err(|err| {
        format!(
            "cannot open {}: {err}",
            sessions_core::store::redact_password(&database.url)
        )
    })?;
    if !engine.geo_loaded() {
        eprintln!("note: no IP-to-country database, so the Country column stays empty (run `make setup`).");
    }

    // A random password: the demo may listen on a shared address, and a fixed one
    // would be a known way into whatever database `--database-url` pointed at.
    let password = format!("demo-{}", Alphanumeric.sample_string(&mut rand::rng(), 12));
    let admin_added = engine
        .add_user(DEMO_ADMIN, password.clone(), Role::Admin)
        .await;
    let login = match admin_added {
        Ok(_) => Some(password),
        Err(err) if database.throwaway => {
            return Err(format!("cannot create the demo admin: {err}"))
        }
        // An existing database may already have an `admin`: keep it and its password.
        Err(_) => None,
    };
    for app in cast::APPS {
        if let Err(err) = engine.create_application(app.name, "demo").await {
            if database.throwaway {
                return Err(format!(
                    "cannot create the demo application {}: {err}",
                    app.name
                ));
            }
            tracing::warn!(application = app.name, error = %err, "demo: using the existing application");
        }
    }

    let listener = listen(args.addr).await?;
    let rng = match args.seed {
        Some(seed) => StdRng::seed_from_u64(seed),
        None => StdRng::from_os_rng(),
    };
    let traffic = traffic::Traffic::new(engine.clone(), rng);
    // The demo runs on one machine, never behind a load balancer.
    let proxies = crate::web::TrustedProxies::default();
    serve_until_stopped(engine, listener, proxies, tls, |addr, scheme| {
        print_banner(&format!("{scheme}://{addr}"), database, login.as_deref());
        vec![tokio::spawn(traffic.run())]
    })
    .await
}

/// What the newcomer needs: where to go, how to sign in, and that nothing is kept.
fn print_banner(base: &str, database: &DemoDatabase, password: Option<&str>) {
    let names: Vec<&str> = cast::APPS.iter().map(|app| app.name).collect();
    println!();
    println!(
        "DEMO MODE: simulated users are signing in to {} right now.",
        names.join(", ")
    );
    println!("Open {base}/login and sign in with these demo-only credentials:");
    match password {
        Some(password) => {
            println!("    Username: {DEMO_ADMIN}");
            println!("    Password: {password}");
        }
        None => println!("    (your existing \"{DEMO_ADMIN}\" account of that database)"),
    }
    if database.throwaway {
        println!(
            "Database: {} (throwaway, deleted when the demo stops).",
            database.url
        );
    } else {
        println!(
            "Database: {} (ASKED FOR: the demo data stays in it).",
            database.url
        );
    }
    println!("Press Ctrl-C to stop.");
}

/// The database the demo writes to.
struct DemoDatabase {
    url: String,
    /// The directory to delete at the end (throwaway only).
    dir: Option<PathBuf>,
    throwaway: bool,
}

impl DemoDatabase {
    fn choose(global: &GlobalArgs) -> Result<DemoDatabase, String> {
        if database_url_on_command_line() {
            eprintln!(
                "warning: --database-url given: the demo applications and their sessions go into {}",
                global.database_url
            );
            return Ok(DemoDatabase {
                url: global.database_url.clone(),
                dir: None,
                throwaway: false,
            });
        }
        if std::env::var_os("DATABASE_URL").is_some() {
            eprintln!("note: DATABASE_URL is ignored: the demo uses a throwaway database (pass --database-url to override).");
        }
        let name = format!(
            "sessions-demo-{}-{}",
            std::process::id(),
            Alphanumeric.sample_string(&mut rand::rng(), 8)
        );
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&dir)
            .map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
        Ok(DemoDatabase {
            url: format!("sqlite://{}", dir.join("demo.db").display()),
            dir: Some(dir),
            throwaway: true,
        })
    }

    /// Deletes the throwaway directory (a demo killed with SIGKILL leaves it in the
    /// system's temporary directory, which is cleaned like any other temp file).
    fn remove(&self) {
        if let Some(dir) = &self.dir {
            if let Err(err) = std::fs::remove_dir_all(dir) {
                tracing::warn!(dir = %dir.display(), error = %err, "could not delete the demo database");
            }
        }
    }
}

/// `--database-url` typed on this command line (not from the environment, not the
/// default): the one way to ask for demo data in a real database. Clap does not tell
/// where a value came from without its raw matches, so look at the arguments.
fn database_url_on_command_line() -> bool {
    std::env::args_os().skip(1).any(|arg| {
        let arg = arg.to_string_lossy();
        arg == "--database-url" || arg.starts_with("--database-url=")
    })
}
