// The README's screenshots, taken from a running dashboard with Playwright's node driver (the one the browser tests' build
// downloads) and Debian's Chromium. Start the dashboard on the simulated lab first (README, "The two commands"), then:
//
//   NHV_PASSWORD_FILE=/path/to/pw <node> tests/NestedHvDashboard.Browser.Tests/readme-screenshots.mjs
//
// where <node> is tests/NestedHvDashboard.Browser.Tests/bin/Release/net10.0/.playwright/node/linux-x64/node. Settings (environment):
//   NHV_URL            the dashboard (default http://127.0.0.1:5080)
//   NHV_USER           who signs in (default admin); NHV_PASSWORD or NHV_PASSWORD_FILE: their password
//   NHV_VM_HOST/NHV_VM the VM page shown (default HV-WS2019-01 / exchange-01: Saved, a checkpoint, readiness fixes)
//   NHV_CHANGES        none: never change anything (by default, when Activity is empty, the script takes a checkpoint of the
//                      VM and deletes it again, so Activity has two entries to show and the lab is left as it was)
//   NHV_CHROMIUM       the browser (default /usr/bin/chromium); PLAYWRIGHT_PACKAGE the driver's package folder
// Each PNG is the viewport only, at device scale 1, saved in ReadmeScreenshots/ next to this script. The script waits for what
// each page must show (every host Connected, the grid's rows, the VM's cards), never for a fixed time.
import { createRequire } from 'node:module';
import { readFileSync, statSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_PACKAGE ?? join(here, 'bin/Release/net10.0/.playwright/package'));

const base = (process.env.NHV_URL ?? 'http://127.0.0.1:5080').replace(/\/$/, '');
const user = process.env.NHV_USER ?? 'admin';
const password = process.env.NHV_PASSWORD ?? (process.env.NHV_PASSWORD_FILE ? readFileSync(process.env.NHV_PASSWORD_FILE, 'utf8').trim() : null);
const vmHost = process.env.NHV_VM_HOST ?? 'HV-WS2019-01';
const vmName = process.env.NHV_VM ?? 'exchange-01';
const out = join(here, 'ReadmeScreenshots');
const timeout = 60_000;
const maxBytes = 400 * 1024;

if (!password) {
  console.error('Set NHV_PASSWORD_FILE (or NHV_PASSWORD) to the password of ' + user + '.');
  process.exit(2);
}

mkdirSync(out, { recursive: true });
// The switches of the tests' HeadlessChromium (TestSupport): no preloaded address-bar popup nor spare renderer in each new context, and
// nothing but loopback reached (the rest goes to a closed port on 127.0.0.1).
const browser = await chromium.launch({
  executablePath: process.env.NHV_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup,SpareRendererForSitePerProcess',
    '--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=127.0.0.1;localhost;[::1]'],
});
const saved = [];
let signedIn;
try {
  signedIn = await signIn();
  await shoot('overview.png', 1920, 1080, 'light', '/', allConnected);
  await shoot('overview-dark.png', 1920, 1080, 'dark', '/', allConnected);
  await shoot('all-vms-1366.png', 1366, 768, 'light', '/vms', async page => {
    // The grid is virtualized: its first rows are spacers, so wait for a VM's link and a live state.
    await page.locator('[data-testid=vm-grid] [data-testid=vm-link]').first().waitFor({ timeout });
    await page.locator('[data-testid=vm-grid] tbody tr', { hasText: 'Running' }).first().waitFor({ timeout });
  });
  // Taller than a screen, so the checkpoints card (below the charts) is in the picture with the power bar and readiness.
  await shoot('vm-page.png', 1920, 1440, 'light', `/hosts/${encodeURIComponent(vmHost)}/vms`, async page => {
    await page.getByTestId('vm-link').getByText(vmName, { exact: true }).click({ timeout });
    await page.getByTestId('vm-name').filter({ hasText: vmName }).waitFor({ timeout });
    await page.locator('[data-testid=checkpoints], [data-testid=checkpoints-none]').first().waitFor({ timeout });
    await page.getByTestId('check-status').first().waitFor({ timeout });
  });
  if (process.env.NHV_CHANGES !== 'none') {
    await giveActivitySomethingToShow();
  }
  await shoot('activity.png', 1920, 1080, 'light', '/activity', async page => {
    await page.locator('[data-testid=activity-entry], [data-testid=activity-none]').first().waitFor({ timeout });
  });
  await shoot('wall.png', 1920, 1080, 'dark', '/wall', allConnected);
} finally {
  await browser.close();
}

for (const { name, bytes } of saved) {
  console.log(`${name}\t${Math.round(bytes / 1024)} KB`);
}

const tooBig = saved.filter(s => s.bytes > maxBytes);
if (tooBig.length > 0) {
  console.error(`Over ${maxBytes / 1024} KB: ${tooBig.map(s => s.name).join(', ')}`);
  process.exit(1);
}

// Signs in once; every picture's context starts from that cookie (sign-ins are rate-limited per address).
async function signIn() {
  const context = await browser.newContext({ baseURL: base });
  try {
    const page = await context.newPage();
    await page.goto('/account/login');
    await page.fill('input[autocomplete="username"]', user);
    await page.fill('input[type="password"]', password);
    await page.click('button[type="submit"]');
    await page.waitForURL(url => !url.pathname.startsWith('/account/login') && !url.pathname.startsWith('/account/sign-in'), { timeout });
    if (new URL(page.url()).pathname === '/account/password') {
      throw new Error(`${user} must change the initial password first: sign in once in a browser and choose one.`);
    }

    // Only the cookie: a theme kept in localStorage would override each picture's system light or dark.
    return { cookies: (await context.storageState()).cookies, origins: [] };
  } catch (error) {
    throw new Error(`Signing in to ${base} as ${user} failed: ${error.message}`);
  } finally {
    await context.close();
  }
}

// Opens the page in a context of its size and theme, waits for it to be live and ready, and saves the viewport.
async function shoot(name, width, height, colorScheme, path, ready) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, colorScheme, baseURL: base, storageState: signedIn });
  try {
    const page = await context.newPage();
    await page.goto(path);
    await page.getByTestId('feed-state').filter({ hasText: 'live' }).first().waitFor({ timeout });
    await ready(page);
    // Web fonts and the last live batch drawn before the picture.
    await page.evaluate(() => document.fonts.ready);
    await page.evaluate(() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const file = join(out, name);
    await page.screenshot({ path: file });
    saved.push({ name, bytes: statSync(file).size });
  } finally {
    await context.close();
  }
}

// A fresh lab has nothing in Activity: take a checkpoint of the VM and delete it again (two audited changes, the lab as it was).
async function giveActivitySomethingToShow() {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1440 }, baseURL: base, storageState: signedIn });
  try {
    const page = await context.newPage();
    await page.goto('/activity');
    await page.getByTestId('feed-state').filter({ hasText: 'live' }).first().waitFor({ timeout });
    await page.locator('[data-testid=activity-entry], [data-testid=activity-none]').first().waitFor({ timeout });
    if (await page.getByTestId('activity-entry').count() > 0) {
      return;
    }

    const name = 'README screenshot';
    await page.goto(`/hosts/${encodeURIComponent(vmHost)}/vms`);
    await page.getByTestId('vm-link').getByText(vmName, { exact: true }).click({ timeout });
    const card = page.getByTestId('checkpoints-card');
    await card.locator('[data-testid=checkpoints], [data-testid=checkpoints-none]').first().waitFor({ timeout });
    await card.getByTestId('checkpoint-new').click({ timeout });
    await card.locator('input[data-testid=checkpoint-name], [data-testid=checkpoint-name] input').fill(name);
    await card.getByTestId('checkpoint-create').click();
    const row = card.locator(`[data-checkpoint="${name}"]`);
    await row.waitFor({ timeout });
    await row.getByTestId('checkpoint-delete').click({ timeout });
    await card.getByTestId('checkpoint-delete-confirm').click({ timeout });
    await row.waitFor({ state: 'detached', timeout });
  } finally {
    await context.close();
  }
}

// Every host tile (overview) or wall tile says Connected.
async function allConnected(page) {
  const status = page.locator('[data-testid=host-status]');
  await status.first().waitFor({ timeout });
  await page.waitForFunction(() => {
    const all = [...document.querySelectorAll('[data-testid=host-status]')];
    return all.length > 0 && all.every(s => s.textContent.includes('Connected'));
  }, null, { timeout });
}
