import { Browser, BrowserContext, Locator, Page, expect } from "@playwright/test";
import users from "../users.json";

export type UserName = "admin" | "alice" | "bob" | "carol" | "erin";

export function passwordOf(name: UserName): string {
  const user = users.find((u) => u.name === name);
  if (!user) throw new Error(`no test user ${name}`);
  return user.password;
}

/** Waits until the WASM has hydrated the page (the App marks <body data-hydrated>). */
export async function hydrated(page: Page): Promise<void> {
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 10_000 });
}

/** Signs `name` in through the form and waits for the landing page to hydrate. */
export async function signIn(page: Page, name: UserName): Promise<void> {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password").fill(passwordOf(name));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(name === "admin" ? "**/admin/sessions" : "**/account/sessions");
  await hydrated(page);
  // The pointer rests in the corner, off the console's list (pointing at the list holds
  // live changes back, as it should for a person).
  await page.mouse.move(0, 0);
}

/** A separate browser (own cookies) signed in as `name`, on its landing page. */
export async function signedInBrowser(
  browser: Browser,
  name: UserName,
  contextOptions: Parameters<Browser["newContext"]>[0] = {},
): Promise<{ context: BrowserContext; page: Page; sessionId: string }> {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  await signIn(page, name);
  if (name !== "admin") {
    await expect(page.locator(".device-card.current")).toHaveCount(1);
  }
  const sessionId = await currentSessionId(page);
  return { context, page, sessionId };
}

/** The id of the page's own session, from the server (not from the DOM). */
export async function currentSessionId(page: Page): Promise<string> {
  const response = await callServerFn(page, "whoami", "");
  expect(response.status).toBe(200);
  return JSON.parse(response.body).session_id;
}

/** The visible row (table) or card (phone) of one session in the admin console. */
export function sessionEntry(page: Page, sessionId: string) {
  return page.locator(`[data-session-id="${sessionId}"]:visible`);
}

/** Calls a server function from inside the page, as the page's own scripts would. */
export async function callServerFn(page: Page, name: string, form: string): Promise<{ status: number; body: string }> {
  return page.evaluate(
    async ([name, form]) => {
      const response = await fetch(`/rpc/${name}`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: form,
      });
      return { status: response.status, body: await response.text() };
    },
    [name, form],
  );
}

/** A row's Kill button (its accessible name names the row: "Kill session of …"). */
export function killButton(entry: Locator) {
  return entry.getByRole("button", { name: /^Kill session of / });
}

/** Opens a row's "⋯" menu and chooses "Kill all sessions of NAME". */
export async function killAllOfUser(
  page: Page,
  entry: Locator,
  name: string,
  modifiers: ("Control" | "Meta")[] = [],
): Promise<void> {
  await entry.getByRole("button", { name: /^More actions for the session of / }).click();
  await page.getByRole("menuitem", { name: `Kill all sessions of ${name}` }).click({ modifiers });
}

/**
 * Follows a link of the top bar. On phones the links sit behind the "Menu" button,
 * which is opened first.
 */
export async function navigateTo(page: Page, linkName: string): Promise<void> {
  const summary = page.locator(".topbar summary", { hasText: "Menu" });
  if (await summary.isVisible()) {
    if (!(await page.locator(".topbar details.menu[open]").count())) await summary.click();
  }
  await page.locator(".topbar").getByRole("link", { name: linkName, exact: true }).click();
}

/** The top bar's "Sign out" (in the "Menu" on phones); waits for the sign-in page. */
export async function signOutFromBar(page: Page): Promise<void> {
  const summary = page.locator(".topbar summary", { hasText: "Menu" });
  if ((await summary.isVisible()) && !(await page.locator(".topbar details.menu[open]").count())) await summary.click();
  await page.locator(".topbar").getByRole("button", { name: "Sign out", exact: true }).click();
  await page.waitForURL("**/login");
}

/** On a phone the console's filter chips sit behind the "Filters" button: opens it. */
export async function openFilters(page: Page): Promise<void> {
  const toggle = page.getByRole("button", { name: /^Filters/ });
  if ((await toggle.isVisible()) && (await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
}

/** A name no other test run uses (application names are unique). */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** The user agent of sessions the tests open through the application API. */
export const API_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0";

/** Adds an application through the console's own server function (the page is an
 *  admin's, signed in); its API key. */
export async function newApplication(page: Page, name: string): Promise<string> {
  return page.evaluate(async (name) => {
    const response = await fetch("/rpc/add_application", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name }),
    });
    if (!response.ok) throw new Error(await response.text());
    return (await response.json()).key as string;
  }, name);
}

export type ApiSession = { id: string; flags: { kind: string; reason: string }[] };

/** Opens a session of `person` from `ip` through the application API (quick to make
 *  from a test); the API's session object. */
export async function createAppSession(page: Page, key: string, person: string, ip = "203.0.113.9"): Promise<ApiSession> {
  const response = await page.request.post("/api/v1/sessions", {
    headers: { Authorization: `Bearer ${key}` },
    data: { user_id: person, display_name: person, role: "user", ip, user_agent: API_FIREFOX },
  });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()).session;
}
