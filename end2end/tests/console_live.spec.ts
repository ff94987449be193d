import { test, expect, Page } from "@playwright/test";
import { API_FIREFOX, createAppSession, currentSessionId, hydrated, killButton, newApplication, openFilters, sessionEntry, signIn, unique } from "./helpers";

// Sessions made through the application API: quick to create and end from the test.

async function createSessions(page: Page, key: string, people: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const person of people) ids.push((await createAppSession(page, key, person)).id);
  return ids;
}

async function createGuest(page: Page, key: string): Promise<string> {
  const response = await page.request.post("/api/v1/guest-sessions", {
    headers: { Authorization: `Bearer ${key}` },
    data: { ip: "203.0.113.10", user_agent: API_FIREFOX },
  });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()).session.id;
}

async function endSession(page: Page, key: string, id: string): Promise<void> {
  const response = await page.request.delete(`/api/v1/sessions/${id}`, { headers: { Authorization: `Bearer ${key}` } });
  expect(response.status(), await response.text()).toBeLessThan(300);
}

/** The session id of the row or card under the point (x, y). */
async function idAt(page: Page, x: number, y: number): Promise<string | null> {
  return page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest("[data-session-id]")?.getAttribute("data-session-id") ?? null, [x, y]);
}

test.describe("live console", () => {
  test("the row under the pointer keeps its session while others come and go, with no list request", async ({ page }) => {
    await signIn(page, "admin");
    const key = await newApplication(page, unique("live"));
    const first = await createSessions(page, key, ["p1", "p2", "p3", "p4", "p5"]);
    for (const id of first) await expect(sessionEntry(page, id)).toBeVisible({ timeout: 3_000 });

    const listRequests: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/rpc/list_sessions") || request.url().includes("/rpc/session_facets")) listRequests.push(request.url());
    });
    const target = sessionEntry(page, first[2]);
    const box = (await target.boundingBox())!;
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(x, y);
    const badge = page.getByText(/^\d+ Active$/);
    const before = Number((await badge.textContent())!.split(" ")[0]);

    // Elsewhere: three sign-ins, and two sessions above the pointed row end.
    const later = await createSessions(page, key, ["n1", "n2", "n3"]);
    await endSession(page, key, first[4]);
    await endSession(page, key, first[3]);
    await expect(page.getByRole("button", { name: "3 new sessions — show" })).toBeVisible({ timeout: 3_000 });
    await expect(badge).toHaveText(`${before + 1} Active`);
    for (let sample = 0; sample < 5; sample++) {
      expect(await idAt(page, x, y)).toBe(first[2]);
      await page.waitForTimeout(200);
    }
    // The ended rows stay in place, marked, until the pointer leaves.
    await expect(sessionEntry(page, first[4])).toHaveClass(/ended/);
    expect(listRequests).toEqual([]);

    await page.mouse.move(0, 0);
    await expect(sessionEntry(page, first[4])).toHaveCount(0);
    await expect(sessionEntry(page, first[3])).toHaveCount(0);
    for (const id of later) await expect(sessionEntry(page, id)).toBeVisible();
    expect(listRequests).toEqual([]);
  });

  test("a keyboard-focused Kill keeps its session and its place while others come and go", async ({ page }) => {
    await signIn(page, "admin");
    const key = await newApplication(page, unique("focus"));
    const first = await createSessions(page, key, ["f1", "f2", "f3", "f4", "f5"]);
    for (const id of first) await expect(sessionEntry(page, id)).toBeVisible({ timeout: 3_000 });

    // The pointer is off the list (signIn leaves it in the corner); only focus holds it.
    const kill = killButton(sessionEntry(page, first[2]));
    await kill.focus();
    const y = (await kill.boundingBox())!.y;
    const focusedRow = () =>
      page.evaluate(() => document.activeElement?.closest("[data-session-id]")?.getAttribute("data-session-id") ?? null);

    const later = await createSessions(page, key, ["g1", "g2", "g3"]);
    await endSession(page, key, first[4]);
    await endSession(page, key, first[3]);
    await expect(page.getByRole("button", { name: "3 new sessions — show" })).toBeVisible({ timeout: 3_000 });
    await expect(sessionEntry(page, first[4])).toHaveClass(/ended/);
    for (let sample = 0; sample < 5; sample++) {
      expect(await focusedRow()).toBe(first[2]);
      expect((await kill.boundingBox())!.y).toBe(y);
      await page.waitForTimeout(200);
    }

    // Focus leaves the list: the waiting changes are applied.
    await page.getByRole("searchbox", { name: "Search" }).focus();
    await expect(sessionEntry(page, first[4])).toHaveCount(0);
    await expect(sessionEntry(page, first[3])).toHaveCount(0);
    for (const id of later) await expect(sessionEntry(page, id)).toBeVisible();
  });

  test("when the live channel drops and comes back, the console reloads once and keeps working", async ({ page }) => {
    const failures: string[] = [];
    page.on("pageerror", (error) => failures.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && /panicked/.test(message.text())) failures.push(message.text());
    });
    // A handle on the page's sockets, so that the test can drop the live channel as a
    // server restart or a network change would.
    await page.addInitScript(() => {
      const Native = window.WebSocket;
      const sockets: WebSocket[] = [];
      (window as unknown as { liveSockets: WebSocket[] }).liveSockets = sockets;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          sockets.push(this);
        }
      };
    });
    await signIn(page, "admin");
    const key = await newApplication(page, unique("resync"));
    const [before] = await createSessions(page, key, ["r1"]);
    await expect(sessionEntry(page, before)).toBeVisible({ timeout: 3_000 });

    const resync = page.waitForResponse((response) => response.url().includes("/rpc/list_sessions"));
    await page.evaluate(() => (window as unknown as { liveSockets: WebSocket[] }).liveSockets.at(-1)!.close());
    await resync;
    // Past a tick of the page clock, which re-renders every row's times.
    await page.waitForTimeout(1_500);
    const [after] = await createSessions(page, key, ["r2"]);
    await expect(sessionEntry(page, after)).toBeVisible({ timeout: 3_000 });
    await expect(sessionEntry(page, before)).toBeVisible();
    expect(failures).toEqual([]);
  });

  test("keyboard only: Kill opens a dialog naming the target, Escape cancels and focus returns", async ({ page }) => {
    await signIn(page, "admin");
    const key = await newApplication(page, unique("keys"));
    const [id] = await createSessions(page, key, ["Elsa Lindqvist"]);
    const kill = killButton(sessionEntry(page, id));
    await expect(kill).toHaveAccessibleName(/^Kill session of Elsa Lindqvist, keys-/);
    await kill.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole("heading")).toHaveText(/^Kill Elsa Lindqvist's keys-\S+ session — Firefox 125 on Windows/);
    await expect(dialog.getByRole("button", { name: "Confirm" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(kill).toBeFocused();
    // The page behind the open dialog is inert: Shift+Tab and Tab move between its buttons.
    await page.keyboard.press("Enter");
    await expect(dialog).toBeVisible();
    await page.keyboard.press("Shift+Tab");
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(dialog.getByRole("button", { name: "Confirm" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("status").filter({ hasText: "1 session ended." })).toBeVisible();
    await expect(sessionEntry(page, id)).toHaveCount(0);
  });

  test("Kill all names how many it ends", async ({ page }) => {
    await signIn(page, "admin");
    await page.getByRole("button", { name: "Kill all", exact: true }).click();
    await expect(page.getByRole("dialog").getByRole("heading")).toHaveText(/^Kill all \d+ sessions? except yours\?$/);
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog")).toBeHidden();
  });

  test("search, filters and sort live in the URL: reload and back keep them", async ({ page }) => {
    await signIn(page, "admin");
    const mine = await currentSessionId(page);
    const adminChip = page.getByRole("group", { name: "Role" }).getByRole("button", { name: /^admin \d+$/ });
    await openFilters(page);
    await adminChip.click();
    await expect(page).toHaveURL(/[?&]role=admin/);
    // An id prefix matches only this session, however many admin sessions earlier
    // tests left live (a phone page holds 10).
    const prefix = mine.slice(0, 12);
    await page.getByLabel("Search").pressSequentially(prefix);
    await expect(page).toHaveURL(new RegExp(`[?&]q=${prefix}`));
    await page.getByLabel("Sort by").selectOption({ label: "User A–Z" });
    await expect(page).toHaveURL(/[?&]sort=user/);
    await page.reload();
    await hydrated(page);
    await openFilters(page);
    await expect(adminChip).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByLabel("Search")).toHaveValue(prefix);
    await expect(page.getByLabel("Sort by")).toHaveValue("user:asc");
    await expect(sessionEntry(page, mine)).toBeVisible();
    await page.goBack();
    await expect(page).not.toHaveURL(/sort=user/);
    await expect(page.getByLabel("Sort by")).toHaveValue("created:desc");
  });

  test("'/' focuses the search box", async ({ page }) => {
    await signIn(page, "admin");
    await page.keyboard.press("/");
    await expect(page.getByLabel("Search")).toBeFocused();
  });

  for (const width of [1440, 1280, 1024]) {
    test(`at ${width} px nothing scrolls sideways and every Kill is on screen`, async ({ page }, info) => {
      test.skip(info.project.name === "phone", "desktop widths");
      await page.setViewportSize({ width, height: 900 });
      await signIn(page, "admin");
      const key = await newApplication(page, unique("wide"));
      await createSessions(page, key, ["Maximilian Alexander Wolfeschlegelstein", "Bo"]);
      await createGuest(page, key);
      await expectEveryKillOnScreen(page, width);
      await expectTableClear(page);
    });
  }

  test("on a phone the first card is visible without scrolling and every Kill is on screen", async ({ page }, info) => {
    test.skip(info.project.name !== "phone", "phone width");
    await signIn(page, "admin");
    const first = page.locator("[data-session-id]").first();
    await expect(first).toBeInViewport();
    await expectEveryKillOnScreen(page, 390);
    const check = first.getByRole("checkbox");
    const size = (await check.boundingBox())!;
    expect(size.width).toBeGreaterThanOrEqual(24);
    expect(size.height).toBeGreaterThanOrEqual(24);
  });

  test("a phone-sized touch screen gets cards whatever its browser says it is", async ({ browser }, info) => {
    test.skip(info.project.name === "phone", "makes its own phone-sized context");
    // A desktop user agent (no server hint) on a 390 px touch screen: the table the server
    // sends first must give way to cards once the page runs.
    const desktopAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      userAgent: desktopAgent,
    });
    try {
      const page = await context.newPage();
      await signIn(page, "admin");
      await expect(page.locator("[data-layout]")).toHaveAttribute("data-layout", "cards");
      await expectEveryKillOnScreen(page, 390);
    } finally {
      await context.close();
    }
  });
});

async function expectEveryKillOnScreen(page: Page, width: number): Promise<void> {
  await expect(page.locator("[data-session-id]").first()).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const kills = page.getByRole("button", { name: /^Kill session of / });
  const count = await kills.count();
  expect(count).toBeGreaterThan(0);
  const rightEdges = new Set<number>();
  for (let i = 0; i < count; i++) {
    const box = (await kills.nth(i).boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(width);
    rightEdges.add(Math.round(box.x + box.width));
  }
  // One column of Kill buttons: a guest's row (no "⋯" menu) lines up with the others.
  expect([...rightEdges], "Kill buttons out of line").toHaveLength(1);
}

/** The desktop table: every column clear of the sticky actions, menus clear of Kill. */
async function expectTableClear(page: Page): Promise<void> {
  // The table fits its box: no column slides under the sticky actions column.
  const hidden = await page.evaluate(() => {
    const wrap = document.querySelector(".table-wrap")!;
    return wrap.scrollWidth - wrap.clientWidth;
  });
  expect(hidden, "columns hidden under the actions column").toBeLessThanOrEqual(0);
  // An open row menu leaves its row's Kill uncovered.
  const row = page.locator("tr[data-session-id]", { has: page.getByRole("button", { name: /^More actions/ }) }).first();
  await row.getByRole("button", { name: /^More actions/ }).click();
  await expect(row.getByRole("menuitem")).toBeVisible();
  const kill = (await killButton(row).boundingBox())!;
  const onTop = await page.evaluate(
    ([x, y]) => document.elementFromPoint(x, y)?.closest("button")?.getAttribute("aria-label") ?? null,
    [kill.x + kill.width / 2, kill.y + kill.height / 2],
  );
  expect(onTop).toMatch(/^Kill session of /);
}
