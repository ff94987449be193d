import { test, expect } from "@playwright/test";
import { hydrated, passwordOf } from "./helpers";

test("a wrong password gets a clear message and no session", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Username").fill("alice");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong username or password.");
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Password").fill(passwordOf("alice"));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/account/sessions");
});
