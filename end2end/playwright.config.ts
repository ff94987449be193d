import { defineConfig } from "@playwright/test";
import { spawnSync } from "node:child_process";
import path from "node:path";

// The server gets a port nobody else is using. A config file cannot await, so a tiny
// script probes for one synchronously. The result is cached in the environment: the
// config is evaluated again in every worker process (which inherits the runner's
// environment), and all of them must agree on the port.
function freePort(): number {
  const probe = spawnSync(process.execPath, [path.join(__dirname, "free-port.mjs")], {
    encoding: "utf8",
  });
  const port = Number(probe.stdout.trim());
  if (probe.status !== 0 || !Number.isInteger(port) || port <= 0) {
    throw new Error(`cannot find a free TCP port: ${probe.stderr || probe.stdout}`);
  }
  return port;
}

if (!process.env.E2E_PORT) {
  process.env.E2E_PORT = String(freePort());
}
const PORT = Number(process.env.E2E_PORT);
const BASE_URL = `http://127.0.0.1:${PORT}`;
process.env.BASE_URL = BASE_URL;

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  // The server and its database are shared by every test: one worker, but no test
  // may rely on another having run before it.
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: "list",
  timeout: 30_000,
  expect: { timeout: 5_000 },

  use: {
    baseURL: BASE_URL,
    browserName: "chromium",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },

  projects: [
    {
      name: "desktop",
      use: { viewport: { width: 1280, height: 800 } },
    },
    {
      name: "phone",
      use: {
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
        // A phone's own user agent, so the server renders the phone layout (cards)
        // from the first byte, as it does for a real phone.
        userAgent:
          "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        deviceScaleFactor: 3,
      },
    },
  ],

  // start-server.mjs creates the test users (admin, alice, bob) in a fresh temporary
  // database, then runs target/release/sessions on PORT; its log goes to
  // test-results/server.log.
  webServer: {
    command: "node start-server.mjs",
    cwd: __dirname,
    url: `${BASE_URL}/login`,
    env: { E2E_PORT: String(PORT) },
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
});
