import { test, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { createAppSession, hydrated, newApplication, passwordOf, signIn, unique } from "./helpers";

// /admin/analytics at 1280 and 390 px: the KPIs and the chart tables show the numbers
// made here (a fresh application with three sessions through the API) and the
// numbers of the report the page was built from; the period picker and the
// application filter live in the URL (the back button walks them); the page never
// scrolls sideways. axe runs on it in a11y.spec.ts.

type Kpi = { name: string; current: number | null; previous: number | null; change_percent: number | null };

/** The report the page's own server function answers for `query` (the same engine
 *  call `sessions analytics` makes). */
async function report(page: Page, query: Record<string, string>): Promise<{ kpis: Kpi[]; distributions: { name: string; entries: [string, number][] }[] }> {
  return page.evaluate(async (query) => {
    const response = await fetch("/rpc/analytics_report", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query }),
    });
    if (!response.ok) throw new Error(await response.text());
    return (await response.json()).report;
  }, query);
}

/** A chart table's rows as { category: count }. */
async function tableOf(page: Page, chart: string): Promise<Record<string, number>> {
  const rows = page.locator(`#${chart} tbody tr`);
  const out: Record<string, number> = {};
  for (const row of await rows.all()) {
    const key = (await row.getAttribute("data-key")) ?? "";
    out[key] = Number(await row.locator("td[data-value]").getAttribute("data-value"));
  }
  return out;
}

test("the KPIs and charts show the numbers made, and the pickers live in the URL", async ({ page }, testInfo) => {
  test.slow(); // sign-in, an application, three API sessions, several navigations
  await signIn(page, "admin");
  const app = unique("stats");
  const key = await newApplication(page, app);
  for (const person of ["ann", "ben", "cat"]) {
    await createAppSession(page, key, `${person}-${app}`);
  }

  await page.goto(`/admin/analytics?app=${app}`);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1, name: "Analytics" })).toBeVisible();
  await expect(page.locator(`.topbar a[href="/admin/analytics"]`).first()).toHaveAttribute("aria-current", "page");
  await expect(page).toHaveTitle("Analytics · Sessions");
  await expect(page.getByRole("combobox", { name: "Application" })).toHaveValue(app);
  await expect(page.locator(".period")).toContainText(app);

  // Every KPI of the report, to the digit, with its definition on the page. The
  // active-session gauge is sampled every 10 s: a sample may land between the page and
  // the report, so the two are read again until they were read in the same moment.
  let expected = await report(page, { range: "Day", since: "", until: "", app });
  await expect(async () => {
    await page.reload();
    await hydrated(page);
    expected = await report(page, { range: "Day", since: "", until: "", app });
    const shown = await page.locator("li.kpi").evaluateAll((cards) =>
      cards.map((card) => {
        const number = (name: string) => {
          const text = card.getAttribute(name);
          return text === null || text === "" ? null : Number(text);
        };
        return {
          name: card.getAttribute("data-kpi"),
          current: number("data-current"),
          previous: number("data-previous"),
          change_percent: number("data-change"),
        };
      }),
    );
    expect(shown).toEqual(expected.kpis.map(({ name, current, previous, change_percent }) => ({ name, current, previous, change_percent })));
  }).toPass({ timeout: 40_000 });
  expect(expected.kpis.length).toBe(8);
  for (const kpi of expected.kpis) {
    const card = page.locator(`li.kpi[data-kpi="${kpi.name}"]`);
    await expect(card.locator(".kpi-definition")).not.toBeEmpty();
    await expect(card.locator("abbr")).toHaveAttribute("title", /.+/);
  }
  // What was made: three new users of this application, all active; nothing else.
  const card = (name: string) => page.locator(`li.kpi[data-kpi="${name}"]`);
  await expect(card("active_users")).toHaveAttribute("data-current", "100");
  await expect(card("active_users").locator(".kpi-value")).toHaveText("100.0 %");
  await expect(card("turnover")).toHaveAttribute("data-current", "0");
  await expect(card("blocked_attempts").locator(".kpi-change")).toContainText("n/a");

  expect(await tableOf(page, "chart-application")).toEqual({ [app]: 3 });
  expect(await tableOf(page, "chart-browser")).toEqual({ Firefox: 3 });
  const devices = Object.values(await tableOf(page, "chart-device"));
  expect(devices.reduce((a, b) => a + b, 0)).toBe(3);
  // The tables are the report's distributions, and the outcome table gives the rate.
  const outcomes = await tableOf(page, "chart-outcomes");
  const attempts = Object.values(outcomes).reduce((a, b) => a + b, 0);
  const rate = expected.kpis.find((k) => k.name === "sign_in_success_rate")!.current;
  expect(rate).toBe(attempts ? Math.round((10000 * (outcomes["Successful"] ?? 0)) / attempts) / 100 : null);

  // A chart's table opens under its chart; the SVG is one named image.
  const chart = page.locator("#chart-application");
  await expect(chart.locator("svg[role=img]")).toHaveAttribute("aria-label", new RegExp(`${app} 3`));
  await chart.getByText("Show as table").click();
  await expect(chart.getByRole("table")).toBeVisible();
  await expect(chart.getByRole("row", { name: new RegExp(app) })).toContainText("3");
  const lines = page.locator("#chart-sessions");
  await expect(lines.locator("svg[role=img]")).toHaveAttribute("aria-label", /Sessions, .* UTC: Active \(average\)/);
  // The users of this application: three, all live in the hour under way.
  await expect(page.locator("#chart-users svg[role=img]")).toHaveAttribute("aria-label", /Users, .* UTC: All highest 3, Active highest 3\./);
  // A time table (24 hours) scrolls in its box: the box takes keyboard focus and has a name.
  const users = page.locator("#chart-users");
  await users.getByText("Show as table").click();
  await expect(users.getByRole("region", { name: "Users, as a table" })).toHaveAttribute("tabindex", "0");
  const openTable = await new AxeBuilder({ page }).include("#chart-users").analyze();
  expect(openTable.violations.map((v) => v.id)).toEqual([]);

  // No sideways scroll, desktop or phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

  // The period picker: a preset goes there at once (the WASM navigates, no reload).
  await page.evaluate(() => ((window as any).__samePage = true));
  await page.getByRole("combobox", { name: "Period" }).selectOption("7d");
  await expect(page).toHaveURL(new RegExp(`/admin/analytics\\?range=7d&app=${app}$`));
  await expect(page.locator(".period")).toContainText("(7 days)");
  expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);
  await page.getByRole("combobox", { name: "Application" }).selectOption("");
  await expect(page).toHaveURL(/\/admin\/analytics\?range=7d$/);
  await expect(page.locator(".period")).toContainText("all applications");
  // Back walks the views, and the pickers follow.
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`range=7d&app=${app}$`));
  await expect(page.getByRole("combobox", { name: "Application" })).toHaveValue(app);
  await page.goBack();
  await expect(page.getByRole("combobox", { name: "Period" })).toHaveValue("24h");
  await expect(page.locator(".period")).toContainText("(24 hours)");

  // Custom dates appear when picked, and "Show" asks for them.
  await expect(page.getByLabel("From (UTC)")).toBeHidden();
  await page.getByRole("combobox", { name: "Period" }).selectOption("custom");
  await page.getByLabel("From (UTC)").fill("2026-01-01");
  await page.getByLabel("To (UTC)").fill("2026-01-07");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(new RegExp(`range=custom&since=2026-01-01&until=2026-01-07&app=${app}$`));
  await expect(page.locator(".period")).toContainText("2026-01-01 00:00 to 2026-01-08 00:00 UTC (7 days)");
  await expect(card("active_users")).toHaveAttribute("data-current", "");
  // Dates the wrong way round: a clear message on the page.
  await page.getByLabel("From (UTC)").fill("2026-02-01");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByRole("alert")).toContainText("must not come after");

  if (process.env.SCREENSHOTS) {
    await page.goto(`/admin/analytics?range=7d`);
    await hydrated(page);
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      const name = `test-results/analytics-${testInfo.project.name}-${colorScheme}`;
      await page.screenshot({ path: `${name}.png`, fullPage: true });
      await page.screenshot({ path: `${name}-top.png` });
      for (const [i, section] of (await page.locator(".analytics-section").all()).entries()) {
        await section.screenshot({ path: `${name}-section${i}.png` });
      }
    }
  }
});

test("without scripts the period form is a plain GET to the page", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  // Sign in with the WASM off: the form posts and the server redirects.
  await page.goto("/login");
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill(passwordOf("admin"));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/admin/sessions");
  await page.goto("/admin/analytics");
  await expect(page.locator("li.kpi")).toHaveCount(8);
  await page.getByRole("combobox", { name: "Period" }).selectOption("30d");
  await expect(page).toHaveURL(/\/admin\/analytics$/); // nothing happens until "Show"
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/\/admin\/analytics\?range=30d/);
  await expect(page.locator(".period")).toContainText("(30 days)");
  await expect(page.getByRole("combobox", { name: "Period" })).toHaveValue("30d");
  await context.close();
});
