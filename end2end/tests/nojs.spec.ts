import { test, expect, Page } from "@playwright/test";
import { passwordOf, signOutFromBar, UserName } from "./helpers";

// Every page works before its WASM has loaded: with JavaScript off, the forms post to
// the server, which answers with a page that says what happened (never raw JSON).

// Other devices of the same person, each with its own browser name so the cards differ.
const OTHER_DEVICES = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
];

async function signInWithoutScripts(page: Page, name: UserName): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password").fill(passwordOf(name));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(name === "admin" ? "**/admin/sessions" : "**/account/sessions");
}


test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("sign-in shows a wrong password on the page, signs in, and signs out", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Username").fill("carol");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/login\?/);
    await expect(page.getByRole("alert")).toHaveText("Wrong username or password.");
    await expect(page.locator("body")).not.toContainText("BadRequest");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();

    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill(passwordOf("admin"));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/admin/sessions");
    await expect(page.getByRole("heading", { name: "Sessions", exact: true })).toBeVisible();

    // The "Menu" on phones is a <details>: it opens without scripts too.
    await signOutFromBar(page);
    await expect(page.getByLabel("Username")).toBeVisible();
    // Signed out for real: the console sends us back to the sign-in page.
    await page.goto("/admin/sessions");
    await expect(page).toHaveURL(/\/login/);
  });

  test("My sessions: sign out one and all other sessions, password errors on the page", async ({ page, browser }) => {
    test.slow(); // three browsers sign in
    const otherContexts = [];
    for (const userAgent of OTHER_DEVICES) {
      const context = await browser.newContext({ userAgent, javaScriptEnabled: false });
      await signInWithoutScripts(await context.newPage(), "bob");
      otherContexts.push(context);
    }
    await signInWithoutScripts(page, "bob");
    await expect(page.locator(".device-card").first()).toContainText("This device");
    const others = page.locator(".device-card:not(.current)");
    const before = await others.count();
    expect(before).toBeGreaterThanOrEqual(2);

    // One row's "Sign out".
    await others.first().getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/account\/sessions\?done=signed-out&count=1$/);
    await expect(page.getByRole("status")).toContainText("Signed out 1 session.");
    await expect(others).toHaveCount(before - 1);

    // "Sign out all other sessions".
    await page.getByRole("button", { name: "Sign out all other sessions" }).click();
    await expect(page.getByRole("status")).toContainText(`Signed out ${before - 1} session`);
    await expect(others).toHaveCount(0);
    await expect(page.locator(".device-card.current")).toHaveCount(1);

    // "Change password" with a wrong current password: the form opens with the error.
    await page.locator("summary", { hasText: "Change password" }).click();
    await page.getByLabel("Current password").fill("not-the-password");
    await page.getByLabel("New password", { exact: true }).fill("another-password-9");
    await page.getByLabel("Repeat new password").fill("another-password-9");
    await page.locator("form.password-form").getByRole("button", { name: "Change password" }).click();
    await expect(page).toHaveURL(/__err=/);
    const form = page.locator("form.password-form");
    await expect(form).toBeVisible();
    await expect(form.getByRole("alert")).not.toBeEmpty();
    await expect(page.locator("body")).not.toContainText("BadRequest");

    // Two new passwords that differ: the server says so, on the page.
    await page.getByLabel("Current password").fill(passwordOf("bob"));
    await page.getByLabel("New password", { exact: true }).fill("another-password-9");
    await page.getByLabel("Repeat new password").fill("another-password-8");
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(page.locator("form.password-form").getByRole("alert")).toHaveText("The new password and its repetition differ.");

    for (const context of otherContexts) await context.close();
  });

  test("console: Kill asks on a page of its own, then ends the session", async ({ page, browser }) => {
    test.slow(); // two browsers sign in
    const carolContext = await browser.newContext({ userAgent: OTHER_DEVICES[0], javaScriptEnabled: false });
    await signInWithoutScripts(await carolContext.newPage(), "carol");
    await signInWithoutScripts(page, "admin");
    await page.goto("/admin/sessions?q=carol");
    const kill = page.getByRole("button", { name: /^Kill session of carol/ }).first();

    // Cancel leaves everything as it was.
    await kill.click();
    await expect(page).toHaveURL(/\/admin\/sessions\/kill\?id=/);
    await expect(page.getByText(/^Kill carol's Sessions console session — Firefox .* on Windows/)).toBeVisible();
    await page.getByRole("link", { name: "Cancel" }).click();
    await expect(page).toHaveURL(/\/admin\/sessions$/);

    await page.goto("/admin/sessions?q=carol");
    const before = await page.getByRole("button", { name: /^Kill session of carol/ }).count();
    await kill.click();
    const id = new URL(page.url()).searchParams.get("id")!;
    await page.getByRole("button", { name: "Kill", exact: true }).click();
    await expect(page).toHaveURL(/\/admin\/sessions\?done=killed&count=1$/);
    await expect(page.getByRole("status")).toContainText("1 session ended.");
    await expect(page.locator(`[data-session-id="${id}"]`)).toHaveCount(0);

    // The same page again: the session is gone, and the page says so.
    await page.goto(`/admin/sessions/kill?id=${id}`);
    await expect(page.getByRole("alert")).toHaveText("This session has ended or does not exist.");
    await expect(page.getByRole("button", { name: "Kill", exact: true })).toHaveCount(0);
    expect(before).toBeGreaterThanOrEqual(1);

    // A kill confirmed after the session ended elsewhere: one clear error, not "0 ended".
    await signInWithoutScripts(await carolContext.newPage(), "carol");
    await page.goto("/admin/sessions?q=carol");
    await page.getByRole("button", { name: /^Kill session of carol/ }).first().click();
    const late = new URL(page.url()).searchParams.get("id")!;
    const elsewhere = await page.request.post("/rpc/kill_sessions", {
      headers: { Origin: new URL(page.url()).origin, "Content-Type": "application/x-www-form-urlencoded" },
      data: `ids[0]=${late}`,
      maxRedirects: 0,
    });
    expect(elsewhere.status()).toBeLessThan(400);
    await page.getByRole("button", { name: "Kill", exact: true }).click();
    await expect(page.getByRole("alert")).toHaveText("This session has ended or does not exist.");
    await expect(page.locator("body")).not.toContainText("NotFound");
    await carolContext.close();
  });
  test("console: Kill selected and Kill all ask on the confirm page, then end the sessions", async ({ page, browser }) => {
    test.slow(); // three browsers sign in
    const devices = [];
    for (const userAgent of OTHER_DEVICES) {
      const context = await browser.newContext({ userAgent, javaScriptEnabled: false });
      await signInWithoutScripts(await context.newPage(), "carol");
      devices.push(context);
    }
    const erin = await browser.newContext({ javaScriptEnabled: false });
    await signInWithoutScripts(await erin.newPage(), "erin");
    await signInWithoutScripts(page, "admin");

    // Search: Enter loads the console filtered.
    await page.getByRole("searchbox", { name: "Search" }).fill("carol");
    await page.getByRole("searchbox", { name: "Search" }).press("Enter");
    await expect(page).toHaveURL(/\/admin\/sessions\?q=carol$/);
    await expect(page.locator("[data-session-id]:visible").filter({ hasNotText: "carol" })).toHaveCount(0);

    // Kill selected: the ticked rows reach the confirm page, which names how many.
    const ticks = page.getByRole("checkbox", { name: /^Select session of carol/ });
    // Earlier tests may have left carol signed in elsewhere too: all of hers are ticked.
    await expect(ticks.nth(1)).toBeVisible();
    const ticked = await ticks.count();
    for (const tick of await ticks.all()) await tick.check();
    await page.getByRole("button", { name: /^Kill selected/ }).click();
    await expect(page).toHaveURL(/\/admin\/sessions\/kill\?.*id=.*&id=/);
    await expect(page.getByText(`Kill ${ticked} sessions selected?`)).toBeVisible();
    await page.getByRole("button", { name: "Kill", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/admin/sessions\\?done=killed&count=${ticked}$`));
    await expect(page.getByRole("status")).toContainText(`${ticked} sessions ended.`);
    for (const context of devices) {
      const gone = await context.newPage();
      await gone.goto("/account/sessions");
      await expect(gone, "carol's devices are signed out").toHaveURL(/\/login/);
    }

    // Nothing ticked: the page says so and kills nothing.
    await page.getByRole("button", { name: /^Kill selected/ }).click();
    await expect(page.getByRole("alert")).toHaveText("No session was selected.");
    await expect(page.getByRole("button", { name: "Kill", exact: true })).toHaveCount(0);

    // Kill all, counted, sparing the admin's own session.
    await page.goto("/admin/sessions");
    await page.getByRole("button", { name: "Kill all" }).click();
    await expect(page).toHaveURL(/\/admin\/sessions\/kill\?.*all=1/);
    const question = page.getByText(/^Kill all \d+ sessions? except yours\?$/);
    await expect(question).toBeVisible();
    const counted = Number((await question.textContent())!.match(/\d+/)![0]);
    expect(counted).toBeGreaterThanOrEqual(1);
    await page.getByRole("button", { name: "Kill", exact: true }).click();
    await expect(page).toHaveURL(/\/admin\/sessions\?done=killed&count=\d+$/);
    await expect(page.getByRole("heading", { name: "Sessions", exact: true })).toBeVisible();
    const erinPage = await erin.newPage();
    await erinPage.goto("/account/sessions");
    await expect(erinPage, "erin is signed out").toHaveURL(/\/login/);
    for (const context of [...devices, erin]) await context.close();
  });
});
