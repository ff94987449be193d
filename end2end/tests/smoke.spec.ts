import { expect, test } from "@playwright/test";

test("the login page shows the sign-in form", async ({ page }) => {
  const response = await page.goto("/login");
  expect(response?.status()).toBe(200);
  await expect(page.getByLabel("Username")).toBeVisible();
});
