/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { axeViolations, expectNoAxeViolations, launchChromium } from './browser.ts';
import { startE2eServer } from './server.ts';

describe('home page in a real browser', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startE2eServer>>;

  beforeAll(async () => {
    server = await startE2eServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
    await server.stop();
  });

  it('UX-2 has no WCAG 2.1 AA violations and is in Italian', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('it');
    await expectNoAxeViolations(page);
  });

  it('UX-2 the accessibility check itself catches a violation', async () => {
    const page = await browser.newPage();
    await page.setContent(
      '<html lang="it"><head><title>t</title></head><body><main><img src="x.png"></main></body></html>',
    );
    const violations = await axeViolations(page);
    expect(violations.join('\n')).toMatch(/^image-alt/m);
  });

  it('UX-3 fits a 360 px phone screen without horizontal scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await page.goto(`${server.url}/`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('UX-2 reaches the API explorer by keyboard alone', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.keyboard.press('Tab');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toContain('Esplora le API');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/docs/);
    await page.waitForSelector('.swagger-ui .opblock', { timeout: 15_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(5);
  });
});
