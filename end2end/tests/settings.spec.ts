import { Page, test, expect } from "@playwright/test";
import { callServerFn, hydrated, signIn, signedInBrowser, navigateTo } from "./helpers";

// Every spec file shares one server: a test that saves a setting puts the stored
// values back as it found them (in `finally`), so no other test sees its policy.

type Values = { defaults: Record<string, string>; overrides: Record<string, Record<string, string>> };
type Change = { scope: "default" | { role: string }; key: string; value: string | null };

/** Calls a JSON server function from inside the page, as the settings page does. */
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

async function storedValues(page: Page): Promise<Values> {
  const response = await callJson(page, "get_settings", {});
  expect(response.status, response.body).toBe(200);
  return JSON.parse(response.body).values;
}

/** Saves whatever differs from `before` back to it. */
async function restore(page: Page, before: Values): Promise<void> {
  const now = await storedValues(page);
  const changes: Change[] = [];
  for (const [key, value] of Object.entries(before.defaults)) {
    if (now.defaults[key] !== value) changes.push({ scope: "default", key, value });
  }
  for (const role of new Set([...Object.keys(now.overrides), ...Object.keys(before.overrides)])) {
    const keys = new Set([...Object.keys(now.overrides[role] ?? {}), ...Object.keys(before.overrides[role] ?? {})]);
    for (const key of keys) {
      const wanted = before.overrides[role]?.[key] ?? null;
      if ((now.overrides[role]?.[key] ?? null) !== wanted) changes.push({ scope: { role }, key, value: wanted });
    }
  }
  if (changes.length > 0) {
    const response = await callJson(page, "save_settings", { changes });
    expect(response.status, response.body).toBe(200);
  }
}

async function openSettings(page: Page): Promise<void> {
  await signIn(page, "admin");
  await navigateTo(page, "Settings");
  await page.waitForURL("**/admin/settings");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Settings", exact: true })).toBeVisible();
}

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";

const impact = (page: Page) => page.locator(".save-bar .impact");

test.describe("settings", () => {
  test("shows every group and the defaults", async ({ page }) => {
    await openSettings(page);
    for (const title of ["Session lifetime", "Concurrent session limits", "Network rules"]) {
      await expect(page.getByRole("heading", { name: title })).toBeVisible();
    }
    await expect(page.getByLabel("Idle timeout")).toHaveValue("30");
    await expect(page.getByLabel("Allow IP address changes during a session")).not.toBeChecked();
    await expect(page.getByLabel("Maximum lifetime")).toHaveValue("720");
    await expect(page.getByLabel("At the limit")).toHaveValue("refuse");
    await expect(page.getByLabel("Denied ranges")).toHaveValue("");
    // Nothing changed yet: no save bar at all.
    await expect(page.getByRole("button", { name: "Save" })).toBeHidden();
    // Nothing is wider than the screen (phone included).
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  test("refuses an invalid value with the server's message and saves nothing", async ({ page }) => {
    await openSettings(page);
    const idle = page.getByLabel("Idle timeout");
    await idle.fill("0");
    const message = 'Idle timeout (idle_timeout_minutes): must be a whole number of minutes from 1 to 99,999; got "0".';
    await expect(page.getByText(message)).toBeVisible();
    await expect(page.getByRole("button", { name: "Save" })).toBeDisabled();

    // Not even a hand-made request gets it through.
    const forced = await callJson(page, "save_settings", {
      changes: [{ scope: "default", key: "idle_timeout_minutes", value: "0" }],
    });
    expect(forced.status).toBe(400);
    expect(JSON.parse(forced.body).BadRequest).toBe(message);

    await idle.fill("45");
    await expect(page.getByText(message)).toHaveCount(0);
    await expect(impact(page)).toHaveText("Saving ends no session now.");
    await expect(page.getByRole("button", { name: "Save" })).toBeEnabled();
    await page.getByRole("button", { name: "Discard changes" }).click();
    await expect(idle).toHaveValue("30");
    await expect(page.getByRole("button", { name: "Save" })).toBeHidden();

    await page.reload();
    await hydrated(page);
    await expect(page.getByLabel("Idle timeout")).toHaveValue("30");
  });

  test("warns when IP address changes are allowed", async ({ page }) => {
    await openSettings(page);
    const toggle = page.getByLabel("Allow IP address changes during a session");
    const warning = page.getByText(/weakens the protection against stolen session cookies/);
    await expect(warning).toHaveCount(0);
    await toggle.check();
    await expect(warning).toBeVisible();
    await toggle.uncheck();
    await expect(warning).toHaveCount(0);
  });

  test("warns that a rule would end the admin's own session", async ({ page }) => {
    await openSettings(page);
    await page.getByRole("button", { name: "Role: admin" }).click();
    await page.getByLabel("Denied ranges").fill("127.0.0.0/8");
    await expect(impact(page)).toContainText(/Saving will end \d+ sessions?/);
    await expect(impact(page)).toContainText("Your own session is among them");
    await expect(impact(page)).toContainText("Network rule");
    await page.getByRole("button", { name: "Discard changes" }).click();
    await expect(impact(page)).toHaveText("No unsaved changes.");
  });

  test("previews, saves a per-role limit and tells the ended tab why, live", async ({ page, browser }) => {
    test.slow(); // three browsers signing in and out: over 30 s on a loaded two-core machine
    await signIn(page, "admin");
    // Start from a known set of live sessions: only this admin's.
    expect((await callServerFn(page, "kill_all", "include_mine=false")).status).toBe(200);
    const before = await storedValues(page);
    const older = await signedInBrowser(browser, "alice");
    // Another browser, so the two sessions are told apart on the page.
    const newer = await signedInBrowser(browser, "alice", { userAgent: FIREFOX });
    try {
      await page.goto("/admin/settings");
      await hydrated(page);
      await page.getByRole("button", { name: "Role: user" }).click();
      const limit = page.getByLabel("Sessions per user", { exact: true });
      await expect(limit).toHaveValue("0");
      await limit.fill("1");

      await expect(impact(page)).toContainText("Saving will end 1 session of alice (1).");
      await expect(impact(page)).toContainText("Evicted by limit: 1");
      await expect(impact(page)).toContainText("Your own session is not affected.");

      await page.getByRole("button", { name: "Save" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toContainText(
        "Settings saved. 1 session ended.",
      );
      await older.page.waitForURL("**/login?ended=evicted_by_limit", { timeout: 5_000 });
      await expect(older.page.getByText("Your session was ended by a concurrent session limit.")).toBeVisible();

      // The newer one stays; the saved value shows after a reload, with its record.
      await newer.page.reload();
      await expect(newer.page).toHaveURL(/\/account\/sessions$/);
      await page.reload();
      await hydrated(page);
      await page.getByRole("button", { name: "Role: user" }).click();
      await expect(page.getByLabel("Sessions per user", { exact: true })).toHaveValue("1");
      await expect(page.locator(".change-list li").first()).toContainText("Sessions per user (user): default → 1");
      await expect(page.locator(".change-list li").first()).toContainText("admin");

      // "Use default" drops the override again.
      await page.getByRole("button", { name: "Use default" }).click();
      await expect(impact(page)).toHaveText("Saving ends no session now.");
      await page.getByRole("button", { name: "Save" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toContainText("No session ended.");
      expect((await storedValues(page)).overrides.user?.max_sessions_per_user).toBeUndefined();
    } finally {
      await restore(page, before);
      await older.context.close();
      await newer.context.close();
    }
  });
});
