import { Page, TestInfo, test, expect } from "@playwright/test";
import { hydrated, sessionEntry, signIn, navigateTo } from "./helpers";

// Application names are unique forever and both projects (desktop, phone) share one
// server: every test makes its own names.
let counter = 0;
function uniqueName(info: TestInfo, base: string): string {
  counter += 1;
  return `${base}-${info.project.name}-${Date.now().toString(36)}${counter}`;
}

const KEY = /^sk_[A-Za-z0-9_-]{43}$/;
const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";

/** Calls a JSON server function from inside the page, as the page does. */
async function callJson(page: Page, name: string, body: unknown): Promise<{ status: number; body: string }> {
  return page.evaluate(
    async ([name, body]) => {
      const response = await fetch(`/rpc/${name}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.text() };
    },
    [name, body] as const,
  );
}

async function applicationNames(page: Page): Promise<string[]> {
  const response = await callJson(page, "list_applications", {});
  expect(response.status, response.body).toBe(200);
  return JSON.parse(response.body).map((app: { name: string }) => app.name);
}

async function openApplications(page: Page): Promise<void> {
  await signIn(page, "admin");
  await navigateTo(page, "Applications");
  await page.waitForURL("**/admin/applications");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Applications", exact: true })).toBeVisible();
  await expect(page.getByText("Web applications that keep their sessions here through the API")).toBeVisible();
}

/** Adds `name` through the form; returns the key the page shows. */
async function addApplication(page: Page, name: string): Promise<string> {
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Add application" }).click();
  await expect(page.getByRole("status")).toContainText(`Added ${name}.`);
  const key = (await page.locator(".key-panel .api-key").textContent()) ?? "";
  expect(key).toMatch(KEY);
  return key;
}

/** The visible row (table) or card (phone) of one application. */
function appEntry(page: Page, name: string) {
  return page.locator(`[data-app="${name}"]:visible`);
}

test.describe("applications", () => {
  test("admin adds an application and sees its key once", async ({ page, context }, info) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await openApplications(page);
    const name = uniqueName(info, "shop");
    const key = await addApplication(page, name);
    expect(key).toHaveLength(46);
    const panel = page.locator(".key-panel");
    await expect(panel).toContainText("shown only this once");
    await expect(panel).toContainText(`curl -H "Authorization: Bearer ${key}" `);
    await expect(panel).toContainText("/api/v1/sessions");

    await panel.getByRole("button", { name: "Copy" }).click();
    await expect(panel.getByRole("button", { name: "Copied" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

    const entry = appEntry(page, name);
    await expect(entry).toContainText(`${key.slice(0, 10)}…`);
    await expect(entry).toContainText("Active");
    await expect(entry).toContainText("admin");
    await expect(entry.locator(".live-count")).toHaveText("0");
    await expect(entry).not.toContainText(key);

    // The server never hands the key out again.
    expect((await callJson(page, "list_applications", {})).body).not.toContain(key);
    await panel.getByRole("button", { name: "Done" }).click();
    await expect(panel).toHaveCount(0);
    await page.reload();
    await hydrated(page);
    await expect(appEntry(page, name)).toBeVisible();
    await expect(page.locator("body")).not.toContainText(key);
  });

  test("a bad name shows the engine's message and adds nothing", async ({ page }, info) => {
    await openApplications(page);
    const before = await applicationNames(page);
    const name = page.getByLabel("Name", { exact: true });
    const add = page.getByRole("button", { name: "Add application" });

    await name.fill("shop app!");
    await add.click();
    await expect(page.getByRole("alert")).toContainText("An application name is 1 to 40 letters, digits");
    await name.fill("Console");
    await add.click();
    await expect(page.getByRole("alert")).toContainText('The name "Console" is reserved');
    await expect(page.locator(".key-panel")).toHaveCount(0);

    // A name taken once stays taken, whatever its case.
    const taken = uniqueName(info, "taken");
    await addApplication(page, taken);
    await name.fill(taken.toUpperCase());
    await add.click();
    await expect(page.getByRole("alert")).toContainText("exists or existed; pick another name.");

    expect(await applicationNames(page)).toEqual(expect.arrayContaining([...before, taken]));
    expect((await applicationNames(page)).length).toBe(before.length + 1);
  });

  test("revoke asks for confirmation, then marks the application revoked", async ({ page }, info) => {
    await openApplications(page);
    const name = uniqueName(info, "billing");
    await addApplication(page, name);
    const entry = appEntry(page, name);

    await entry.getByRole("button", { name: "Revoke" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toContainText(`Revoke ${name}?`);
    await expect(dialog).toContainText("stops working at once");
    await expect(dialog).toContainText("It has no live session.");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toHaveCount(0);
    await expect(entry).toContainText("Active");

    await entry.getByRole("button", { name: "Revoke" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
    await expect(page.getByRole("status")).toContainText(`Revoked ${name}: its key no longer works. 0 sessions ended.`);
    await expect(entry).toContainText(/Revoked \d{4}-\d\d-\d\d/);
    await expect(entry.getByRole("button", { name: "Revoke" })).toHaveCount(0);

    // Ctrl/Cmd-click skips the dialog.
    const other = uniqueName(info, "intranet");
    await addApplication(page, other);
    await appEntry(page, other).getByRole("button", { name: "Revoke" }).click({ modifiers: ["ControlOrMeta"] });
    await expect(page.getByRole("status")).toContainText(`Revoked ${other}:`);
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(appEntry(page, other)).toContainText("Revoked");
  });

  test("a user cannot open the page nor call its functions", async ({ page }) => {
    await signIn(page, "alice");
    await expect(page.getByRole("link", { name: "Applications" })).toHaveCount(0);
    await page.goto("/admin/applications");
    await expect(page).toHaveURL(/\/account\/sessions$/);
    await hydrated(page);
    expect((await callJson(page, "list_applications", {})).status).toBe(403);
    const add = await callJson(page, "add_application", { name: "alice-app" });
    expect(add.status).toBe(403);
    expect(add.body).not.toContain("sk_");
  });

  test("at phone width the applications are cards", async ({ page }, info) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openApplications(page);
    const name = uniqueName(info, "mobile");
    await addApplication(page, name);
    await expect(page.locator(`.session-cards [data-app="${name}"]`)).toBeVisible();
    await expect(page.locator(`.apps-table [data-app="${name}"]`)).toBeHidden();
    await expect(appEntry(page, name)).toContainText("Live sessions");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  test("an API session shows up live in the console and ends with its application", async ({ page, browser, request }, info) => {
    await openApplications(page);
    const name = uniqueName(info, "api");
    const key = await addApplication(page, name);
    const auth = { Authorization: `Bearer ${key}` };

    // An admin console open in another browser sees the new session without reload.
    const consoleContext = await browser.newContext();
    const consolePage = await consoleContext.newPage();
    await signIn(consolePage, "admin");

    const created = await request.post("/api/v1/sessions", {
      headers: auth,
      data: { user_id: "u-42", display_name: "Ada Lovelace", role: "user", ip: "203.0.113.7", user_agent: FIREFOX },
    });
    expect(created.status(), await created.text()).toBe(201);
    const { token, session } = await created.json();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const entry = sessionEntry(consolePage, session.id);
    await expect(entry).toBeVisible({ timeout: 3_000 });
    await expect(entry).toContainText("Ada Lovelace");
    await expect(entry).toContainText(name);

    // The Applications page counts it (it refreshes itself too).
    await expect(appEntry(page, name).locator(".live-count")).toHaveText("1", { timeout: 3_000 });
    await appEntry(page, name).getByRole("button", { name: "Revoke" }).click();
    await expect(page.getByRole("dialog")).toContainText("Its 1 live session ends.");
    await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
    await expect(page.getByRole("status")).toContainText("1 session ended.");
    await expect(entry).toHaveCount(0, { timeout: 3_000 });

    // The key no longer works.
    const check = await request.post("/api/v1/sessions/check", { headers: auth, data: { token, ip: "203.0.113.7" } });
    expect(check.status()).toBe(401);
    expect((await check.json()).error.code).toBe("invalid_api_key");
    await consoleContext.close();
  });
});
