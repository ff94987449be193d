// Started by Playwright's webServer (see playwright.config.ts), with cwd = end2end/.
//
// 1. creates a fresh temporary SQLite database with the users of users.json through
//    the CLI: admin / admin-password-1 (admin), alice / alice-password-1 and
//    bob / bob-password-1 (users),
// 2. runs `sessions serve` on 127.0.0.1:$E2E_PORT, its stdout and stderr going to
//    test-results/server.log,
// 3. on SIGTERM / SIGINT stops the server and removes the temporary directory.
//
// SESSIONS_BIN overrides the binary (default ../target/release/sessions).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const bin = path.resolve(here, process.env.SESSIONS_BIN ?? "../target/release/sessions");
const siteRoot = path.join(root, "target", "site");
const port = Number(process.env.E2E_PORT);

// The test users, shared with the tests (`import users from "../users.json"`).
const USERS = JSON.parse(fs.readFileSync(path.join(here, "users.json"), "utf8"));

function fail(message) {
  console.error(`start-server: ${message}`);
  process.exit(1);
}

if (!Number.isInteger(port) || port <= 0) fail(`E2E_PORT is not a port: ${process.env.E2E_PORT}`);
if (!fs.existsSync(bin)) fail(`${bin} does not exist; run \`cargo leptos build --release\` first`);
if (!fs.existsSync(siteRoot)) fail(`${siteRoot} does not exist; run \`cargo leptos build --release\` first`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sessions-e2e-"));
const databaseUrl = `sqlite://${path.join(tmp, "e2e.db")}`;
const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });

const env = { ...process.env };
for (const name of ["SESSIONS_ADMIN_PASSWORD", "DATABASE_URL", "SESSIONS_ADDR", "SESSIONS_INSECURE_COOKIES"]) {
  delete env[name];
}
env.LEPTOS_SITE_ROOT = siteRoot;
env.LEPTOS_OUTPUT_NAME = "sessions";
env.LEPTOS_SITE_ADDR = `127.0.0.1:${port}`;
// The IP-to-country database fetched by scripts/setup.sh (the server's default path is
// relative to its working directory, which is end2end/ here).
env.SESSIONS_GEOIP_DB ??= path.join(root, "data", "geo", "geo-whois-asn-country.mmdb");
env.RUST_LOG ??= "info";

for (const user of USERS) {
  const added = spawnSync(
    bin,
    ["user", "add", user.name, "--role", user.role, "--password-stdin", "--database-url", databaseUrl],
    { env, input: `${user.password}\n`, encoding: "utf8", timeout: 30_000 },
  );
  if (added.status !== 0) {
    cleanup();
    fail(`\`sessions user add ${user.name}\` failed (${added.status !== null ? `exit ${added.status}` : added.error}):\n${added.stderr}${added.stdout}`);
  }
}

const logDir = path.join(here, "test-results");
fs.mkdirSync(logDir, { recursive: true });
const logPath = path.join(logDir, "server.log");
const log = fs.openSync(logPath, "w");

const server = spawn(bin, ["serve", "--addr", `127.0.0.1:${port}`, "--database-url", databaseUrl], {
  env,
  stdio: ["ignore", log, log],
});

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  server.kill(signal);
  // A server that does not stop in time is killed; Playwright waits 10 s in all.
  setTimeout(() => server.kill("SIGKILL"), 8_000).unref();
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGHUP", () => stop("SIGTERM"));

server.on("error", (err) => {
  cleanup();
  fail(`cannot start ${bin}: ${err.message}`);
});
server.on("exit", (code, signal) => {
  cleanup();
  if (!stopping) {
    // Died on its own: show the end of its log where Playwright prints our stderr.
    const tail = fs.readFileSync(logPath, "utf8").split("\n").slice(-30).join("\n");
    console.error(`start-server: the server exited (${signal ?? `code ${code}`}); end of ${logPath}:\n${tail}`);
    process.exit(1);
  }
  process.exit(0);
});
