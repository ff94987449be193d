import { expect, test } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

// A page loaded in full (reload, a typed address, a bookmark) must hydrate without a
// single script error: a mismatch between the server's HTML and the browser's view
// leaves handlers unattached ("/" does not focus search, Escape does not close a menu).
const SIGNED_IN_PAGES = ["/admin/sessions", "/admin/history", "/admin/settings", "/admin/applications", "/account/sessions"];

test("every signed-in page hydrates without script errors after a full load", async ({ page }) => {
  test.slow(); // ten full page loads
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`${page.url()}: console: ${message.text()}`);
  });
  await signIn(page, "admin");
  for (const path of SIGNED_IN_PAGES) {
    await page.goto(path);
    await hydrated(page);
    await page.reload();
    await hydrated(page);
  }
  // The handlers are attached: "/" (a window listener of the console) focuses search.
  await page.goto("/admin/sessions");
  await hydrated(page);
  await page.keyboard.press("/");
  await expect(page.getByLabel("Search")).toBeFocused();
  expect(errors).toEqual([]);
});
