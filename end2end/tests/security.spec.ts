import { test, expect } from "@playwright/test";
import { hydrated, navigateTo, signIn } from "./helpers";

// The pages run under a strict Content-Security-Policy (scripts only from this origin
// or with the answer's nonce, no framing). Every page still hydrates and works, and the
// browser reports no violation on the way.
test("pages hydrate under their Content-Security-Policy with no violation", async ({ page }) => {
  await page.addInitScript(() => {
    (window as unknown as { violations: string[] }).violations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      (window as unknown as { violations: string[] }).violations.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  const violations = () => page.evaluate(() => (window as unknown as { violations: string[] }).violations);

  const login = await page.goto("/login");
  expect(login!.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  await signIn(page, "admin");
  expect(await violations()).toEqual([]);
  for (const [link, heading] of [["Settings", "Settings"], ["History", "History"], ["My sessions", "My sessions"]]) {
    await navigateTo(page, link);
    await expect(page.getByRole("heading", { level: 1, name: heading, exact: true })).toBeVisible();
  }
  await page.reload();
  await hydrated(page);
  expect(await violations()).toEqual([]);
});
