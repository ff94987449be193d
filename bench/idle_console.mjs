// What an idle admin console asks the server while the demo's simulated users sign in,
// work and leave: starts `sessions demo` on a free port, signs in in headless Chromium,
// opens /admin/sessions, leaves the pointer off the list and counts every request and
// every live-channel frame for a minute.
//
//   node bench/idle_console.mjs [path/to/sessions] [seconds]
//
// Needs the site built (`cargo leptos build` or `--release`) and Playwright from
// end2end/node_modules (scripts/setup.sh --test installs it). Prints one Markdown table row.
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "end2end", "package.json"));
const { chromium } = require("@playwright/test");

const bin = path.resolve(process.argv[2] ?? path.join(root, "target", "release", "sessions"));
const seconds = Number(process.argv[3] ?? 60);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Starts the demo; resolves with its base URL and the demo admin password it prints. */
function startDemo(port) {
  const env = { ...process.env, LEPTOS_SITE_ROOT: path.join(root, "target", "site"), LEPTOS_OUTPUT_NAME: "sessions" };
  const child = spawn(bin, ["demo", "--addr", `127.0.0.1:${port}`], { env, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const password = out.match(/Password: (\S+)/);
      if (password && out.includes("Press Ctrl-C")) resolve({ child, base: `http://127.0.0.1:${port}`, password: password[1] });
    });
    child.on("exit", (code) => reject(new Error(`demo exited with ${code}: ${out}`)));
  });
}

const { child, base, password } = await startDemo(await freePort());
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${base}/login`);
  await page.waitForSelector("body[data-hydrated]");
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/admin/sessions");
  await page.waitForSelector("[data-session-id]");
  await page.mouse.move(0, 0);
  await page.waitForTimeout(2_000); // let the first page settle before counting

  const requests = [];
  let frames = 0;
  let frameBytes = 0;
  page.on("request", (request) => requests.push(new URL(request.url()).pathname));
  page.on("websocket", () => requests.push("(new websocket)"));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  cdp.on("Network.webSocketFrameReceived", ({ response }) => {
    frames += 1;
    frameBytes += response.payloadData.length;
  });
  await page.waitForTimeout(seconds * 1_000);

  const perMinute = (n) => ((n * 60) / seconds).toFixed(1);
  const byPath = {};
  for (const request of requests) byPath[request] = (byPath[request] ?? 0) + 1;
  console.log(`| idle console, demo traffic, ${seconds} s | ${perMinute(requests.length)} requests/min | ${perMinute(frames)} live frames/min | ${(frameBytes / 1024 / (seconds / 60)).toFixed(1)} KB/min of frames | ${JSON.stringify(byPath)} |`);
} finally {
  await browser.close();
  child.kill("SIGTERM");
}
