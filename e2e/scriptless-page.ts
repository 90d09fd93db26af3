/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { captureScreens, expectNoAxeViolations } from './browser.ts';

/** The narrowest phone the portal is made for (UX-3). */
export const PHONE = { width: 360, height: 740 };

type Viewport = { width: number; height: number };

/**
 * A browser with JavaScript off, where what the server sends is all there is (UX-3): a citizen's phone
 * unless another screen is given, and a page of a second, scripted context on the same screen, for
 * `checkScriptlessPage`.
 */
export async function browserWithoutScripts(
  browser: Browser,
  viewport: Viewport = PHONE,
): Promise<{ page: Page; checker: Page; close: () => Promise<void> }> {
  const phone = await browser.newContext({ javaScriptEnabled: false, viewport, locale: 'it-IT' });
  const scripted = await browser.newContext({ viewport, locale: 'it-IT' });
  return {
    page: await phone.newPage(),
    checker: await scripted.newPage(),
    async close() {
      await phone.close();
      await scripted.close();
    },
  };
}

/**
 * UX-2 and UX-3 on the very page the script-less browser shows: one h1; axe-core needs a script to run, so
 * the same HTML is served again, at the same address, to `checker`, which runs scripts and loads the same
 * styles; nothing wider than the screen (or than `narrowest`, as a desktop at 200 % zoom is). With
 * `screenshot`, the page's images for the README.
 */
export async function checkScriptlessPage(
  page: Page,
  checker: Page,
  { screenshot, narrowest }: { screenshot?: string; narrowest?: Viewport } = {},
): Promise<void> {
  expect(await page.locator('h1').count()).toBe(1);
  const address = page.url();
  const body = await page.content();
  const same = (url: URL) => url.href === address;
  await checker.route(same, (route) => route.fulfill({ body, contentType: 'text/html; charset=utf-8' }));
  await checker.goto(address);
  await checker.unroute(same);
  // The very page, not what the address would give a visitor without the citizen's session.
  expect(await checker.textContent('h1')).toBe(await page.textContent('h1'));
  await expectNoAxeViolations(checker);
  if (screenshot !== undefined) await captureScreens(checker, screenshot);
  const screen = checker.viewportSize();
  if (narrowest !== undefined) await checker.setViewportSize(narrowest);
  expect(
    await checker.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
  ).toBeLessThanOrEqual(0);
  if (narrowest !== undefined && screen !== null) await checker.setViewportSize(screen);
}

/** Signs `citizen` in at the portal's sign-in page with tax code and health card, as a person types them. */
export async function signInAtPortal(
  page: Page,
  serverUrl: string,
  citizen: { tax_code: string; health_card_number: string },
): Promise<void> {
  await page.goto(`${serverUrl}/portal/sign-in`);
  await page.fill('#taxCode', citizen.tax_code);
  await page.fill('#healthCardNumber', citizen.health_card_number);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.waitForURL(/\/portal\/start$/);
}
