import { test, expect } from "@playwright/test";
import { callServerFn, hydrated, signIn, signedInBrowser } from "./helpers";

test.describe("my sessions", () => {
  test("marks this device and signs out all other sessions live", async ({ page, browser }) => {
    const other = await signedInBrowser(browser, "alice");
    await signIn(page, "alice");
    await expect(page.locator(".device-card.current")).toContainText("This device");
    await expect(page.locator(`[data-session-id="${other.sessionId}"]`)).toBeVisible();
    await page.getByRole("button", { name: "Sign out all other sessions" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
    await other.page.waitForURL("**/login?ended=logout", { timeout: 2_000 });
    await expect(page.locator(`[data-session-id="${other.sessionId}"]`)).toHaveCount(0);
    await expect(page.locator(".device-card.current")).toBeVisible();
    await other.context.close();
  });

  test("an end user can neither see nor end another user's session", async ({ page, browser }) => {
    const bob = await signedInBrowser(browser, "bob");
    await signIn(page, "alice");
    await expect(page.locator(`[data-session-id="${bob.sessionId}"]`)).toHaveCount(0);

    // Calling the server functions directly, with Bob's real session id.
    const forged = await callServerFn(page, "sign_out_sessions", `ids[0]=${bob.sessionId}`);
    expect(forged.status).toBe(404);
    expect(forged.body).not.toContain(bob.sessionId);
    const list = await callServerFn(page, "list_sessions", "query[search]=&query[sort]=created&query[dir]=desc&query[page]=first&query[limit]=50");
    expect(list.status).toBe(403);
    const killAll = await callServerFn(page, "kill_all", "include_mine=true");
    expect(killAll.status).toBe(403);

    // Bob is still signed in: his page still works after a reload.
    await bob.page.reload();
    await hydrated(bob.page);
    await expect(bob.page).toHaveURL(/\/account\/sessions$/);
    await expect(bob.page.locator(".device-card.current")).toBeVisible();

    // The admin console is not Alice's to open.
    await page.goto("/admin/sessions");
    await expect(page).toHaveURL(/\/account\/sessions$/);
    await bob.context.close();
  });

  test("signing out one's own other session from the list", async ({ page, browser }) => {
    const other = await signedInBrowser(browser, "bob");
    await signIn(page, "bob");
    const card = page.locator(`[data-session-id="${other.sessionId}"]`);
    await card.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
    await other.page.waitForURL("**/login?ended=logout", { timeout: 2_000 });
    await expect(card).toHaveCount(0);
    await other.context.close();
  });
});
