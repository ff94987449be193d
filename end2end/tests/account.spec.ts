import { test, expect, Page } from "@playwright/test";
import { callServerFn, hydrated, passwordOf, signIn, signedInBrowser } from "./helpers";

// A second device of the same person, with its own browser name so the cards differ.
const OTHER_DEVICE = {
  userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
};

/** Opens "Change password" and fills its three fields. */
async function fillPasswordForm(page: Page, current: string, next: string, repeat: string): Promise<void> {
  const summary = page.locator("summary", { hasText: "Change password" });
  if (!(await page.getByLabel("Current password").isVisible())) await summary.click();
  await page.getByLabel("Current password").fill(current);
  await page.getByLabel("New password", { exact: true }).fill(next);
  await page.getByLabel("Repeat new password").fill(repeat);
}

test.describe("my sessions", () => {
  test("marks this device and signs out all other sessions live", async ({ page, browser }) => {
    const other = await signedInBrowser(browser, "alice", OTHER_DEVICE);
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
    const other = await signedInBrowser(browser, "bob", OTHER_DEVICE);
    await signIn(page, "bob");
    const card = page.locator(`[data-session-id="${other.sessionId}"]`);
    await card.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm" }).click();
    await other.page.waitForURL("**/login?ended=logout", { timeout: 2_000 });
    await expect(card).toHaveCount(0);
    await other.context.close();
  });

  // Carol is used by this test only: her password changes, and changes back at the end
  // (the desktop and phone runs share one server).
  test("changing the password refuses a mismatch, then signs out the other device live", async ({ page, browser }) => {
    const original = passwordOf("carol");
    const changed = `${original}-changed`;
    const other = await signedInBrowser(browser, "carol", OTHER_DEVICE);
    await signIn(page, "carol");
    const otherCard = page.locator(`[data-session-id="${other.sessionId}"]`);
    await expect(otherCard).toBeVisible();
    const submit = page.locator("form.password-form").getByRole("button", { name: "Change password" });
    try {
      await fillPasswordForm(page, original, changed, `${changed}-typo`);
      await expect(page.getByRole("checkbox", { name: "Sign out my other sessions" })).toBeChecked();
      await submit.click();
      await expect(page.getByRole("alert")).toHaveText("The new password and its repetition differ.");

      await fillPasswordForm(page, "not-the-password", changed, changed);
      await submit.click();
      await expect(page.getByRole("alert")).toHaveText("The current password is wrong.");
      expect((await callServerFn(other.page, "whoami", "")).status).toBe(200);

      // Earlier runs may have left more of Carol's sessions live: all of them end.
      const others = await page.locator(".device-card:not(.current)").count();
      const ended = others === 1 ? "1 other session was signed out." : `${others} other sessions were signed out.`;
      await fillPasswordForm(page, original, changed, changed);
      await submit.click();
      await expect(page.getByRole("status")).toContainText(`Password changed. ${ended}`);
      await expect(page.locator(".device-card")).toHaveCount(1);
      await other.page.waitForURL("**/login?ended=password_change", { timeout: 2_000 });
      await expect(other.page.getByText("Your session was ended because the password changed.")).toBeVisible();
      await expect(otherCard).toHaveCount(0);
      await expect(page.locator(".device-card.current")).toBeVisible();
      await expect(page.getByLabel("Current password")).toHaveValue("");
    } finally {
      // Back to the password the other tests (and the phone run) expect; a no-op 400 if it never changed.
      await callServerFn(page, "change_password", `current=${changed}&new=${original}&repeat=${original}&sign_out_others=false`);
      // The live channel takes the page to /login as the sign-out lands, which may cut
      // this call's evaluation short: the sign-out itself has happened either way.
      await callServerFn(page, "sign_out", "").catch(() => undefined);
      await other.context.close();
    }
  });
});
