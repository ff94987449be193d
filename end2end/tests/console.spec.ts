import { test, expect } from "@playwright/test";
import { hydrated, sessionEntry, signIn, signedInBrowser, currentSessionId } from "./helpers";

test.describe("admin console", () => {
  test("signs in, marks the own session and reveals a masked IP on click", async ({ page }) => {
    await signIn(page, "admin");
    await expect(page.getByRole("heading", { name: "Sessions" })).toBeVisible();
    await expect(page.getByText("Active user connections across all apps")).toBeVisible();
    await expect(page.getByText(/^\d+ Active$/)).toBeVisible();
    const mine = sessionEntry(page, await currentSessionId(page));
    await expect(mine.getByText("✓ You")).toBeVisible();
    const ip = mine.locator(".ip-badge");
    await expect(ip).toContainText("•••");
    await ip.click();
    await expect(ip).toHaveText("127.0.0.1");
  });

  test("a second browser's sign-in appears live, without reload", async ({ page, browser }) => {
    await signIn(page, "admin");
    const alice = await signedInBrowser(browser, "alice");
    await expect(sessionEntry(page, alice.sessionId)).toBeVisible({ timeout: 3_000 });
    await expect(sessionEntry(page, alice.sessionId)).toContainText("alice");
    await alice.context.close();
  });

  test("search filters as you type", async ({ page, browser }) => {
    const bob = await signedInBrowser(browser, "bob");
    await signIn(page, "admin");
    const search = page.getByLabel("Search");
    await search.pressSequentially("bob");
    await expect(sessionEntry(page, bob.sessionId)).toBeVisible();
    // Every visible row is Bob's (the admin's own row included in the unfiltered list goes).
    await expect(page.locator("[data-session-id]:visible").filter({ hasNotText: "bob" })).toHaveCount(0);
    await expect(page.getByText(/^\d+ Active$/)).not.toHaveText("0 Active");
    await search.fill("no-such-user-anywhere");
    await expect(page.getByText("No live session matches.")).toBeVisible();
    await bob.context.close();
  });

  test("kill sends the victim's open tab to /login within 2 s", async ({ page, browser }) => {
    const alice = await signedInBrowser(browser, "alice");
    await signIn(page, "admin");
    const entry = sessionEntry(page, alice.sessionId);
    await entry.getByRole("button", { name: "Kill" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    const killedAt = Date.now();
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await alice.page.waitForURL("**/login?ended=killed", { timeout: 2_000 });
    expect(Date.now() - killedAt).toBeLessThan(2_000);
    await expect(alice.page.getByText("Your session was ended by an administrator.")).toBeVisible();
    await expect(page.getByRole("status")).toContainText("1 session ended.");
    await expect(entry).toHaveCount(0);
    // The killed browser is really signed out: its next page load goes to the sign-in page.
    await alice.page.goto("/account/sessions");
    await expect(alice.page).toHaveURL(/\/login/);
    await alice.context.close();
  });

  test("Ctrl-click on Kill selected skips the confirmation", async ({ page, browser }) => {
    const bob = await signedInBrowser(browser, "bob");
    await signIn(page, "admin");
    const entry = sessionEntry(page, bob.sessionId);
    await entry.getByRole("checkbox").check();
    await page.getByRole("button", { name: /Kill selected/ }).click({ modifiers: ["Control"] });
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page.getByRole("status")).toContainText("1 session ended.");
    await bob.page.waitForURL("**/login?ended=killed", { timeout: 2_000 });
    await bob.context.close();
  });

  test("Kill all keeps the admin's own session", async ({ page, browser }) => {
    const bob = await signedInBrowser(browser, "bob");
    await signIn(page, "admin");
    const mine = await currentSessionId(page);
    await page.getByRole("button", { name: "Kill all" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
    await expect(page.getByRole("status")).toContainText(/sessions? ended/);
    await bob.page.waitForURL("**/login?ended=killed", { timeout: 2_000 });
    await expect(page.getByText("1 Active")).toBeVisible();
    await expect(sessionEntry(page, mine)).toBeVisible();
    await page.reload();
    await hydrated(page);
    await expect(page).toHaveURL(/\/admin\/sessions$/);
    await bob.context.close();
  });

  test("shows cards on a phone and a table on a desktop, with the same actions", async ({ page, browser }, info) => {
    const alice = await signedInBrowser(browser, "alice");
    await signIn(page, "admin");
    const phone = info.project.name === "phone";
    await expect(page.locator(".session-cards")).toBeVisible({ visible: phone });
    await expect(page.locator("table.sessions-table")).toBeVisible({ visible: !phone });
    const entry = sessionEntry(page, alice.sessionId);
    await expect(entry).toHaveClass(phone ? /session-card/ : /^(?!.*session-card)/);
    await entry.getByRole("button", { name: "Kill" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
    await alice.page.waitForURL("**/login?ended=killed", { timeout: 2_000 });
    await alice.context.close();
  });
});
