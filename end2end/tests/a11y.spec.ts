import { test, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { hydrated, signIn } from "./helpers";

// axe-core on the pages, at the projects' widths (desktop 1280 px, phone 390 px), in
// the light and the dark colour scheme: no violations.

const PAGES: { path: string; as: "admin" | "alice" | null; ready: string }[] = [
  { path: "/login", as: null, ready: "Sessions" },
  { path: "/admin/sessions", as: "admin", ready: "Sessions" },
  { path: "/account/sessions", as: "alice", ready: "My sessions" },
  { path: "/admin/history", as: "admin", ready: "History" },
  { path: "/admin/settings", as: "admin", ready: "Settings" },
  { path: "/admin/applications", as: "admin", ready: "Applications" },
  { path: "/admin/analytics", as: "admin", ready: "Analytics" },
  { path: "/admin/sessions/kill?all=1", as: "admin", ready: "Kill sessions" },
];

/** Per page, a click whose effect only the WASM produces (the page hydrated for real). */
const WASM_ONLY: Record<string, (page: Page) => Promise<void>> = {
  "/login": async (page) => {
    await page.getByLabel("Username").fill("nobody");
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toHaveText("Wrong username or password.");
    await expect(page).toHaveURL(/\/login$/); // no form redirect: the WASM called the server
  },
  "/admin/sessions": async (page) => {
    await page.keyboard.press("/");
    await expect(page.getByLabel("Search")).toBeFocused();
  },
  "/account/sessions": async (page) => {
    await page.getByRole("button", { name: "Sign out all other sessions" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
  },
  "/admin/history": async (page) => {
    await page.getByLabel("To", { exact: true }).fill("2001-01-01T00:00");
    await expect(page.getByText("No ended session matches.")).toBeVisible();
  },
  "/admin/settings": async (page) => {
    await page.getByLabel("Idle timeout").fill("45");
    await expect(page.getByRole("button", { name: "Save" })).toBeVisible();
    await page.getByRole("button", { name: "Discard changes" }).click();
    await expect(page.getByRole("button", { name: "Save" })).toBeHidden();
  },
  "/admin/applications": async (page) => {
    await page.getByLabel("Name", { exact: true }).fill("not a name");
    await page.getByRole("button", { name: "Add application" }).click();
    await expect(page.getByRole("alert")).toBeVisible();
    await expect(page).toHaveURL(/\/admin\/applications$/);
  },
  "/admin/analytics": async (page) => {
    await page.getByRole("combobox", { name: "Period" }).selectOption("7d");
    await expect(page).toHaveURL(/\/admin\/analytics\?range=7d$/);
    await expect(page.locator(".period")).toContainText("(7 days)");
  },
  "/admin/sessions/kill?all=1": async (page) => {
    // Cancel is a link the router follows in the page: no new document is loaded.
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await page.getByRole("link", { name: "Cancel" }).click();
    await expect(page).toHaveURL(/\/admin\/sessions$/);
    await expect(page.getByRole("heading", { level: 1, name: "Sessions" })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  },
};

async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.flatMap((violation) =>
    violation.nodes.map((node) => `${violation.id} (${violation.impact}): ${node.target.join(" ")}: ${node.failureSummary}`),
  );
}

for (const { path, as, ready } of PAGES) {
  test(`axe finds nothing on ${path}, light and dark`, async ({ page }) => {
    test.slow(); // axe runs up to four times (two schemes, menu open and closed)
    if (as) await signIn(page, as);
    await page.goto(path);
    await hydrated(page);
    await expect(page.getByRole("heading", { level: 1, name: ready, exact: true })).toBeVisible();
    await expect(page.locator(".loading")).toHaveCount(0);
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await violations(page), `${path} in ${colorScheme}`).toEqual([]);
      // On phones, the open navigation menu too (the WASM closes it with Escape).
      const menu = page.locator(".topbar summary", { hasText: "Menu" });
      if (as && (await menu.isVisible())) {
        await menu.click();
        await expect(page.locator(".topbar .menu-panel")).toBeVisible();
        expect(await violations(page), `${path} in ${colorScheme}, menu open`).toEqual([]);
        await page.keyboard.press("Escape");
        await expect(page.locator(".topbar .menu-panel")).toBeHidden();
      }
    }
    // Then something only the WASM does on that page.
    await WASM_ONLY[path](page);
  });
}
