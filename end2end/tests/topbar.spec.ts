import { test, expect } from "@playwright/test";
import { hydrated, navigateTo, signIn, signedInBrowser, signOutFromBar } from "./helpers";

test.describe("top bar", () => {
  test("marks the current page, skips to the content, titles the page", async ({ page }) => {
    await signIn(page, "admin");
    await navigateTo(page, "History");
    await page.waitForURL("**/admin/history");
    await hydrated(page);
    await expect(page).toHaveTitle("History · Sessions");
    const current = page.locator(".topbar a[aria-current=page]");
    await expect(current).toHaveCount(2); // the desktop links and the phone menu's
    await expect(current.first()).toHaveText("History");
    await expect(page.locator('.topbar a[aria-current=page]:not([href="/admin/history"])')).toHaveCount(0);

    // The first Tab reaches "Skip to content", which moves focus to the page's content.
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    await page.keyboard.press("Enter");
    await expect(page.locator("main#main")).toBeFocused();

    // A filter only the WASM applies.
    await page.getByLabel("To", { exact: true }).fill("2001-01-01T00:00");
    await expect(page.getByText("No ended session matches.")).toBeVisible();
  });

  test("on a phone: compact, the user's name, a Menu that the keyboard opens and Escape closes", async ({ page }, info) => {
    test.skip(info.project.name !== "phone", "phone layout");
    await signIn(page, "alice");
    const bar = page.locator(".topbar");
    expect((await bar.boundingBox())!.height).toBeLessThanOrEqual(56);
    await expect(bar.getByText("alice", { exact: true })).toBeVisible();
    await expect(bar.getByRole("link", { name: "My sessions" })).toBeHidden();
    await expect(page).toHaveTitle("My sessions · Sessions");

    const menu = bar.locator("summary", { hasText: "Menu" });
    await menu.focus();
    await page.keyboard.press("Enter");
    const mine = bar.getByRole("link", { name: "My sessions" });
    await expect(mine).toBeVisible();
    await expect(mine).toHaveAttribute("aria-current", "page");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Escape");
    await expect(mine).toBeHidden();
    await expect(menu).toBeFocused();

    await page.keyboard.press("Enter");
    await bar.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/login");
  });

  test("on a desktop: the links in the bar, no Menu", async ({ page }, info) => {
    test.skip(info.project.name !== "desktop", "desktop layout");
    await signIn(page, "admin");
    const bar = page.locator(".topbar");
    await expect(bar.locator("summary", { hasText: "Menu" })).toBeHidden();
    for (const name of ["All sessions", "History", "Analytics", "Settings", "Applications", "My sessions"]) {
      await expect(bar.getByRole("link", { name, exact: true })).toBeVisible();
    }
    await expect(bar.getByRole("link", { name: "All sessions" })).toHaveAttribute("aria-current", "page");
    await bar.getByRole("link", { name: "Settings" }).click();
    await page.waitForURL("**/admin/settings");
    await expect(bar.getByRole("link", { name: "Settings" })).toHaveAttribute("aria-current", "page");
    await expect(page).toHaveTitle("Settings · Sessions");
    await bar.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/login");
  });
});

test.describe("consistent pages", () => {
  test("My sessions lists this device first and names the application in words", async ({ page, browser }) => {
    const other = await signedInBrowser(browser, "carol", {
      userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    });
    await signIn(page, "carol");
    const cards = page.locator(".device-card");
    await expect(cards.first()).toHaveClass(/current/);
    await expect(cards.first()).toContainText("This device");
    await expect(cards.first()).toContainText("Sessions console");
    await expect(page.locator(".device-main").filter({ hasText: /· console ·/ })).toHaveCount(0);
    // The other device's "Sign out" (through the WASM's dialog) keeps this one first.
    await page.locator(`[data-session-id="${other.sessionId}"]`).getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
    await expect(page.locator(`[data-session-id="${other.sessionId}"]`)).toHaveCount(0);
    await expect(cards.first()).toHaveClass(/current/);
    await other.context.close();
  });

  test("History masks IP addresses behind a Show IP address button", async ({ page, browser }) => {
    const carol = await signedInBrowser(browser, "carol");
    await signOutFromBar(carol.page);
    await carol.context.close();

    await signIn(page, "admin");
    await navigateTo(page, "History");
    await page.waitForURL("**/admin/history");
    await hydrated(page);
    const row = page.locator(`[data-session-id="${carol.sessionId}"]:visible`);
    const ip = row.getByRole("button", { name: "Show IP address" });
    await expect(ip).toBeVisible();
    await expect(ip).toContainText("•••");
    await ip.click();
    await expect(row.getByRole("button", { name: "127.0.0.1" })).toBeVisible();
  });

  test("Settings shows its Save bar only while something changed", async ({ page }) => {
    await signIn(page, "admin");
    await navigateTo(page, "Settings");
    await page.waitForURL("**/admin/settings");
    await hydrated(page);
    const save = page.getByRole("button", { name: "Save" });
    await expect(save).toBeHidden();
    await page.getByLabel("Idle timeout").fill("45");
    await expect(save).toBeVisible();
    await page.getByRole("button", { name: "Discard changes" }).click();
    await expect(page.getByLabel("Idle timeout")).toHaveValue("30");
    await expect(save).toBeHidden();
  });
});
