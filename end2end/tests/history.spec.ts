import { test, expect } from "@playwright/test";
import { callServerFn, hydrated, signIn, signedInBrowser, navigateTo } from "./helpers";

test.describe("history", () => {
  test("a killed session shows with its reason and who ended it; filters narrow the list", async ({ page, browser }) => {
    test.slow(); // three browsers sign in
    const bob = await signedInBrowser(browser, "bob");
    const alice = await signedInBrowser(browser, "alice");
    await signIn(page, "admin");
    expect((await callServerFn(page, "kill_sessions", `ids[0]=${bob.sessionId}`)).body).toBe("1");
    // Alice signs out through her browser's cookies, but not from inside her page: its
    // live channel sends it to /login at once, which would cut a page script short.
    const origin = new URL(alice.page.url()).origin;
    const signOut = await alice.context.request.post("/rpc/sign_out", {
      headers: { Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
      data: "",
      maxRedirects: 0,
    });
    expect(signOut.status()).toBeLessThan(400);

    await navigateTo(page, "History");
    await page.waitForURL("**/admin/history");
    await hydrated(page);
    await expect(page.getByRole("heading", { name: "History", exact: true })).toBeVisible();
    await expect(page.getByText(/^\d+ ended sessions?$/)).toBeVisible();

    const killed = page.locator(`[data-session-id="${bob.sessionId}"]:visible`);
    const loggedOut = page.locator(`[data-session-id="${alice.sessionId}"]:visible`);
    await expect(killed).toContainText("bob");
    await expect(killed).toContainText("Killed");
    await expect(killed).toContainText("admin");
    await expect(loggedOut).toContainText("Logout");
    const ended = killed.locator("[title$='UTC']");
    await expect(ended).toHaveAttribute("title", /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);

    const reason = page.getByLabel("Reason");
    await reason.selectOption({ label: "Killed" });
    await expect(loggedOut).toHaveCount(0);
    await expect(killed).toBeVisible();
    await expect(page.locator("[data-session-id]:visible").filter({ hasNotText: "Killed" })).toHaveCount(0);

    await reason.selectOption({ label: "Logout" });
    await expect(killed).toHaveCount(0);
    await expect(loggedOut).toBeVisible();

    await reason.selectOption({ label: "All reasons" });
    await page.getByLabel("User", { exact: true }).pressSequentially("bob");
    await expect(loggedOut).toHaveCount(0);
    await expect(killed).toBeVisible();
    await expect(page.locator("[data-session-id]:visible").filter({ hasNotText: "bob" })).toHaveCount(0);

    // A time range that ended before these sessions did shows none of them.
    await page.getByLabel("To", { exact: true }).fill("2001-01-01T00:00");
    await expect(killed).toHaveCount(0);
    await expect(page.getByText("No ended session matches.")).toBeVisible();

    await bob.context.close();
    await alice.context.close();
  });
});
