import { test, expect } from "@playwright/test";
import { callServerFn, hydrated, sessionEntry, signIn, signedInBrowser, currentSessionId, killButton, killAllOfUser, openFilters } from "./helpers";

// A second device of the same person, with its own browser name so the rows differ.
const OTHER_DEVICE = {
  userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
};

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
    // The pointer away from the list: new rows are shown at once (pointing holds them back).
    await page.mouse.move(1, 1);
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
    await killButton(entry).click();
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

  test("Kill selected asks first, naming how many; Ctrl-click skips the confirmation", async ({ page, browser }) => {
    const bob = await signedInBrowser(browser, "bob");
    await signIn(page, "admin");
    const killSelected = page.getByRole("button", { name: /Kill selected/ });
    // Served enabled (it works without the WASM); the WASM disables it until a row is ticked.
    await expect(killSelected).toBeDisabled();
    const entry = sessionEntry(page, bob.sessionId);
    await entry.getByRole("checkbox").check();
    await expect(killSelected).toHaveText("Kill selected (1)");

    // A plain click asks; Escape cancels and nothing ends.
    await killSelected.click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toContainText("Kill 1 session selected?");
    await page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
    await expect(entry).toBeVisible();
    expect(await bob.page.evaluate(async () => (await fetch("/rpc/whoami", { method: "POST" })).status)).toBe(200);

    await killSelected.click({ modifiers: ["ControlOrMeta"] });
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page.getByRole("status")).toContainText("1 session ended.");
    await bob.page.waitForURL("**/login?ended=killed", { timeout: 2_000 });
    await bob.context.close();
  });

  test("Kill all keeps the admin's own session", async ({ page, browser }) => {
    const bob = await signedInBrowser(browser, "bob");
    await signIn(page, "admin");
    const mine = await currentSessionId(page);
    await page.getByRole("button", { name: "Kill all", exact: true }).click();
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
    // Only one layout is rendered at a time.
    await expect(page.locator(".session-cards")).toHaveCount(phone ? 1 : 0);
    await expect(page.locator("table.sessions-table")).toHaveCount(phone ? 0 : 1);
    const entry = sessionEntry(page, alice.sessionId);
    await expect(entry).toHaveClass(phone ? /session-card/ : /^(?!.*session-card)/);
    await killButton(entry).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
    await alice.page.waitForURL("**/login?ended=killed", { timeout: 2_000 });
    await alice.context.close();
  });

  test("filter chips narrow the list and the badge, and clear again", async ({ page, browser }) => {
    const bob = await signedInBrowser(browser, "bob");
    await signIn(page, "admin");
    const mine = sessionEntry(page, await currentSessionId(page));
    await expect(mine).toBeVisible();

    const userChip = page.getByRole("group", { name: "Role" }).getByRole("button", { name: /^user \d+$/ });
    await openFilters(page);
    await expect(userChip).toHaveAttribute("aria-pressed", "false");
    const users = Number(await userChip.locator(".count").textContent());
    expect(users).toBeGreaterThan(0);
    await userChip.click();
    await expect(userChip).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByText(`${users} Active`, { exact: true })).toBeVisible();
    await expect(mine).toHaveCount(0);
    await expect(sessionEntry(page, bob.sessionId)).toBeVisible();
    await expect(page.locator("[data-session-id]:visible .role").filter({ hasNotText: /^user$/ })).toHaveCount(0);

    // One value per dimension; a second dimension narrows further; then clear all.
    const unknown = page.getByRole("group", { name: "Country" }).getByRole("button", { name: /^Unknown \d+$/ });
    await unknown.click();
    await expect(unknown).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByText(`${users} Active`, { exact: true })).toBeVisible();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(userChip).toHaveAttribute("aria-pressed", "false");
    await expect(unknown).toHaveAttribute("aria-pressed", "false");
    await expect(page.getByRole("button", { name: "Clear filters" })).toHaveCount(0);
    await expect(mine).toBeVisible();

    // Clicking a pressed chip clears it.
    const adminChip = page.getByRole("group", { name: "Role" }).getByRole("button", { name: /^admin \d+$/ });
    await adminChip.click();
    await expect(sessionEntry(page, bob.sessionId)).toHaveCount(0);
    await expect(mine).toBeVisible();
    await adminChip.click();
    await expect(adminChip).toHaveAttribute("aria-pressed", "false");
    await expect(sessionEntry(page, bob.sessionId)).toBeVisible();
    await bob.context.close();
  });

  test("shows role and country; an unknown country is a dash titled Unknown", async ({ page }) => {
    await signIn(page, "admin");
    const mine = sessionEntry(page, await currentSessionId(page));
    await expect(mine.locator(".role")).toHaveText("admin");
    // Sessions from 127.0.0.1 have no country.
    await expect(mine.locator(".country-code")).toHaveText("—");
    await expect(mine.locator(".country-code")).toHaveAttribute("title", "Unknown");
  });

  test("Kill all sessions of this user ends every device of that user", async ({ page, browser }) => {
    test.slow(); // four browsers sign in
    const laptop = await signedInBrowser(browser, "bob");
    const phone = await signedInBrowser(browser, "bob", OTHER_DEVICE);
    expect(phone.sessionId).not.toBe(laptop.sessionId);
    const alice = await signedInBrowser(browser, "alice");
    await signIn(page, "admin");
    await killAllOfUser(page, sessionEntry(page, laptop.sessionId), "bob");
    const dialog = page.getByRole("dialog");
    await expect(dialog).toContainText("Kill all sessions of bob?");
    await dialog.getByRole("button", { name: "Confirm" }).click();
    for (const bob of [laptop, phone]) {
      await bob.page.waitForURL("**/login?ended=killed", { timeout: 2_000 });
      await expect(bob.page.getByText("Your session was ended by an administrator.")).toBeVisible();
      await expect(sessionEntry(page, bob.sessionId)).toHaveCount(0);
    }
    await expect(page.getByRole("status")).toContainText(/^Ended \d+ sessions of bob\./);
    await expect(sessionEntry(page, alice.sessionId)).toBeVisible();
    await alice.page.reload();
    await hydrated(alice.page);
    await expect(alice.page).toHaveURL(/\/account\/sessions$/);
    for (const context of [laptop.context, phone.context, alice.context]) await context.close();
  });

  test("the admin killing their own user keeps the session in use; Ctrl-click skips the dialog", async ({ page, browser }) => {
    const elsewhere = await signedInBrowser(browser, "admin", OTHER_DEVICE);
    await signIn(page, "admin");
    const mine = sessionEntry(page, await currentSessionId(page));
    await killAllOfUser(page, mine, "admin");
    await expect(page.getByRole("dialog")).toContainText("except the one you are using now");
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    expect((await callServerFn(elsewhere.page, "whoami", "")).status).toBe(200);
    await killAllOfUser(page, mine, "admin", ["Control"]);
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page.getByRole("status")).toContainText(/^Ended \d+ sessions? of admin\./);
    await elsewhere.page.waitForURL("**/login?ended=killed", { timeout: 2_000 });
    await expect(mine).toBeVisible();
    await page.reload();
    await hydrated(page);
    await expect(page).toHaveURL(/\/admin\/sessions$/);
    await elsewhere.context.close();
  });
});
