import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createTestDatabase, repoRoot, type TestDatabase } from '#test-infra';
import { startPaymentsApp, type PaymentsTestApp } from './payments-app.js';

/** Debian's chromium package; .ci/run installs it. Without it this file is reported as skipped. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;

describeWithBrowser('Swagger UI in headless Chromium', () => {
  let db: TestDatabase;
  let payments: PaymentsTestApp;
  let browser: Browser;

  beforeAll(async () => {
    db = await createTestDatabase('swagger-ui');
    payments = await startPaymentsApp(db.url, { RELAY_MODE: 'off', SETTLEMENT_ENABLED: 'false' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // This machine has no network but loopback: keep Chromium from calling home.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await payments?.close();
    await db?.drop();
  });

  it('renders both operations, and the screenshot shows them', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${payments.managementUrl}/docs`);
    const operations = page.locator('.opblock-summary-path');
    await operations.first().waitFor({ timeout: 30_000 });
    const paths = await operations.allInnerTexts();
    expect(paths.map((p) => p.replace(/\u200b/g, ''))).toEqual(
      expect.arrayContaining(['/transfers', '/transfers/{id}']),
    );

    const png = await page.screenshot({ fullPage: true });
    // A PNG of the rendered page, not an error page: signature, and at least the viewport's size.
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    expect(width).toBe(1280);
    expect(height).toBeGreaterThanOrEqual(900);
    const out = join(repoRoot(), 'test-output');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'swagger-ui.png'), png);
  });
});
