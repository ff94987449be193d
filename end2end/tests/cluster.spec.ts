import { test, expect, Browser } from "@playwright/test";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { currentSessionId, hydrated, killButton, sessionEntry } from "./helpers";

// Two instances on one PostgreSQL behind nginx, as `make cluster` runs them
// (scripts/cluster.sh, with the release binary the other specs use). The admin's browser
// talks to instance 1 only and the user's to instance 2 only, both through nginx (its
// pinned ports): a kill made on 1 must reach the user's open tab on 2.
//
// The cluster is this spec's own, not the webServer of playwright.config.ts; it needs
// Debian's postgresql and nginx packages (scripts/setup.sh --test installs them).

type Cluster = {
  url: string;
  pinned: string[];
  instances: { url: string; upstream: string; pid: number }[];
  admin: { name: string; password: string };
  database_url: string;
  dir: string;
};

const here = path.resolve(__dirname, "..");
const root = path.resolve(here, "..");
const bin = path.resolve(here, process.env.SESSIONS_BIN ?? "../target/release/sessions");
const USER = { name: "dora", password: "dora-password-1" };
// The user's browser, so the admin's row for it is unmistakable.
const FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0";

let child: ChildProcess | undefined;
let cluster: Cluster;
let log = "";

function logTail(lines = 40): string {
  try {
    return fs.readFileSync(log, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Starts scripts/cluster.sh and waits for its ready file (the instances and nginx all answer). */
async function startCluster(logPath: string): Promise<Cluster> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sessions-e2e-cluster-"));
  const readyFile = path.join(tmp, "ready.json");
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["SESSIONS_ADMIN_PASSWORD", "DATABASE_URL", "SESSIONS_ADDR", "SESSIONS_INSECURE_COOKIES"]) delete env[name];
  Object.assign(env, {
    INSTANCES: "2",
    CLUSTER_PORT: "0",
    CLUSTER_READY_FILE: readyFile,
    LEPTOS_SITE_ROOT: path.join(root, "target", "site"),
    LEPTOS_OUTPUT_NAME: "sessions",
    SESSIONS_GEOIP_DB: env.SESSIONS_GEOIP_DB ?? path.join(root, "data", "geo", "geo-whois-asn-country.mmdb"),
    RUST_LOG: env.RUST_LOG ?? "info",
  });
  log = logPath;
  fs.mkdirSync(path.dirname(log), { recursive: true });
  const out = fs.openSync(log, "w");
  // In the runner's process group: a Ctrl-C of the run reaches the script, which cleans up.
  child = spawn("bash", [path.join(root, "scripts", "cluster.sh"), bin], {
    cwd: root,
    env,
    stdio: ["ignore", out, out],
  });
  fs.closeSync(out);
  let exited: string | undefined;
  child.on("exit", (code, signal) => (exited = signal ?? `code ${code}`));
  const deadline = Date.now() + 60_000;
  while (!fs.existsSync(readyFile)) {
    if (exited) throw new Error(`scripts/cluster.sh exited (${exited}) before it was ready:\n${logTail()}`);
    if (Date.now() > deadline) throw new Error(`scripts/cluster.sh not ready after 60 s:\n${logTail()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const ready = JSON.parse(fs.readFileSync(readyFile, "utf8")) as Cluster;
  fs.rmSync(tmp, { recursive: true, force: true });
  return ready;
}

/** SIGTERM, then waits: the script stops the instances, nginx and PostgreSQL and deletes its folder. */
async function stopCluster(): Promise<void> {
  const proc = child;
  child = undefined;
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const done = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  proc.kill("SIGTERM");
  const stopped = await Promise.race([done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20_000))]);
  if (!stopped) {
    proc.kill("SIGKILL");
    throw new Error(`scripts/cluster.sh did not stop within 20 s of SIGTERM:\n${logTail()}`);
  }
}

/** A browser of its own (own cookies) that talks to one pinned port only; signs in there. */
async function signedInOn(browser: Browser, baseURL: string, name: string, password: string, landing: string, userAgent?: string) {
  const context = await browser.newContext({ baseURL, ...(userAgent ? { userAgent } : {}) });
  const page = await context.newPage();
  const sockets: string[] = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));
  const login = await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`**${landing}`);
  await hydrated(page);
  await page.mouse.move(0, 0);
  return { context, page, sockets, upstream: login!.headers()["x-sessions-upstream"] };
}

test.describe("cluster behind nginx", () => {
  test.beforeAll(async ({}, info) => {
    if (info.project.name !== "desktop") return;
    test.setTimeout(90_000);
    cluster = await startCluster(info.outputPath("cluster.log"));
    // The user, straight into the cluster's database (as an operator would).
    const added = spawnSync(
      bin,
      ["user", "add", USER.name, "--role", "user", "--password-stdin", "--database-url", cluster.database_url],
      { input: `${USER.password}\n`, encoding: "utf8", timeout: 30_000 },
    );
    expect(added.status, `sessions user add: ${added.stderr}${added.stdout}`).toBe(0);
  });

  test.afterAll(async () => {
    test.setTimeout(30_000);
    await stopCluster();
  });

  test("admin on instance 1, the user's tab on instance 2: Kill sends it to /login within 2 s", async ({ browser }, info) => {
    test.skip(info.project.name !== "desktop", "one cluster run covers it: the layout is not what this tests");
    const [a, b] = cluster.instances;
    const admin = await signedInOn(browser, cluster.pinned[0], cluster.admin.name, cluster.admin.password, "/admin/sessions");
    expect(admin.upstream, "the admin's pages come from instance 1").toBe(a.upstream);

    const user = await signedInOn(browser, cluster.pinned[1], USER.name, USER.password, "/account/sessions", FIREFOX);
    expect(user.upstream, "the user's pages come from instance 2").toBe(b.upstream);
    await expect(user.page.locator(".device-card.current")).toHaveCount(1);
    // The user's live channel goes through instance 2's pinned port too.
    await expect.poll(() => user.sockets).toContain(`${cluster.pinned[1].replace(/^http/, "ws")}/live`);
    const id = await currentSessionId(user.page);

    // A sign-in on instance 2 shows up live in the console open on instance 1.
    const entry = sessionEntry(admin.page, id);
    await expect(entry).toBeVisible({ timeout: 3_000 });
    await expect(entry).toContainText(USER.name);
    await expect(entry).toContainText("Firefox");
    await admin.page.screenshot({ path: info.outputPath("console-on-instance-1.png") });

    await killButton(entry).click();
    const dialog = admin.page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    const killedAt = Date.now();
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await expect(user.page).toHaveURL(/\/login/, { timeout: 2_000 });
    const took = Date.now() - killedAt;
    expect(took).toBeLessThan(2_000);
    info.annotations.push({ type: "kill on 1 → /login on 2", description: `${took} ms` });
    await expect(user.page).toHaveURL(/\/login\?ended=killed/);
    await expect(user.page.getByText("Your session was ended by an administrator.")).toBeVisible();
    await expect(admin.page.getByRole("status")).toContainText("1 session ended.");
    await expect(entry).toHaveCount(0);

    // Really signed out, on either instance.
    for (const url of cluster.pinned) {
      await user.page.goto(`${url}/account/sessions`);
      await expect(user.page).toHaveURL(/\/login/);
    }
    await user.context.close();
    await admin.context.close();
  });
});
