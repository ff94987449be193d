import { test, expect, request as playwrightRequest } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { API_FIREFOX, createAppSession, hydrated, newApplication, openFilters, passwordOf, sessionEntry, signIn, unique } from "./helpers";

// Suspicious-session flags in the console: a session from a country its user has not
// signed in from carries a "Flagged" badge with the reason, and the "Flagged" chip keeps
// only flagged sessions (in the URL as flagged=1). Sessions come from the application
// API, whose `ip` field picks the country (the server has the offline country database).
const US = "8.8.8.8";
const SE = "130.237.0.1";

test.describe("suspicious-session flags", () => {
  test("a flagged session shows its badge and reason, and the Flagged chip filters by it", async ({ page }) => {
    await signIn(page, "admin");
    const key = await newApplication(page, unique("flags"));
    const person = unique("traveller");
    const home = await createAppSession(page, key, person, US);
    expect(home.flags, "a first sign-in ever is never flagged").toEqual([]);
    const away = await createAppSession(page, key, person, SE);
    expect(away.flags).toEqual([{ kind: "new_country", reason: "First sign-in from SE in 30 days" }]);

    await page.reload();
    await hydrated(page);
    await page.mouse.move(0, 0);
    const flagged = sessionEntry(page, away.id);
    await expect(flagged.locator(".badge.flagged")).toHaveText("Flagged");
    await expect(flagged).toContainText("First sign-in from SE in 30 days");
    await expect(flagged.locator(".country-code")).toHaveText("SE");
    await expect(sessionEntry(page, home.id)).toBeVisible();
    await expect(sessionEntry(page, home.id).locator(".badge.flagged")).toHaveCount(0);

    // The chip works only with the WASM (a click, no reload): only flagged rows stay.
    await openFilters(page);
    const chip = page.getByRole("button", { name: "Flagged", exact: true });
    await expect(chip).toHaveAttribute("aria-pressed", "false");
    await chip.click();
    await expect(chip).toHaveAttribute("aria-pressed", "true");
    await expect(page).toHaveURL(/[?&]flagged=1/);
    await expect(sessionEntry(page, home.id)).toHaveCount(0);
    await expect(sessionEntry(page, away.id)).toBeVisible();
    const rows = page.locator("[data-session-id]:visible");
    await expect(rows.filter({ hasNot: page.locator(".badge.flagged") })).toHaveCount(0);

    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations, JSON.stringify(axe.violations, null, 2)).toEqual([]);

    // Pressed again, it lets every session back.
    await chip.click();
    await expect(page).not.toHaveURL(/flagged=1/);
    await expect(sessionEntry(page, home.id)).toBeVisible();

    // Ended, the session keeps its flag in the history.
    const ended = await page.request.delete(`/api/v1/sessions/${away.id}`, { headers: { Authorization: `Bearer ${key}` } });
    expect(ended.status(), await ended.text()).toBeLessThan(300);
    await page.goto("/admin/history");
    await hydrated(page);
    const past = page.locator(`[data-session-id="${away.id}"]:visible`);
    await expect(past.locator(".badge.flagged")).toHaveText("Flagged");
    await expect(past).toContainText("First sign-in from SE in 30 days");
    // The country reads as in the console: the code, not an emoji flag (empty boxes on
    // Linux, letters on Windows).
    await expect(past.locator(".country-code")).toHaveText("SE");
    await expect(past.locator(".country-code")).toHaveAttribute("title", "SE");
  });

  test("My sessions warns about a flagged sign-in on another device", async ({ page, baseURL }) => {
    // A burst: more than 5 sign-ins of erin within 10 minutes, each from a fresh
    // cookie jar (a browser holding a session would end it by signing in again).
    for (let n = 0; n < 6; n++) {
      const other = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL!, "User-Agent": API_FIREFOX } });
      const signedIn = await other.post("/rpc/sign_in", {
        form: { username: "erin", password: passwordOf("erin") },
        maxRedirects: 0,
      });
      expect(signedIn.status(), await signedIn.text()).toBeLessThan(400);
      await other.dispose();
    }
    await signIn(page, "erin");
    const warning = page.locator(".device-card:not(.current) .flag-warning").first();
    await expect(warning).toHaveText(/^New sign-in from an unknown country on Firefox \/ .+ — not you\? Sign it out\.$/);
    await expect(page.locator(".device-card.current .flag-warning")).toHaveCount(0);
    // Signing that session out (the WASM's dialog) takes the warning with it.
    const card = page.locator(".device-card", { has: page.locator(".flag-warning") }).first();
    const id = await card.getAttribute("data-session-id");
    await card.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
    await expect(page.locator(`[data-session-id="${id}"]`)).toHaveCount(0);
  });
});
