// The mediator, in Debian's Chromium driven by playwright-core (no browser
// download): logs in to the hub's console, takes the waiting request, writes
// a message, points at the "Éclairage" tile, asks for control (the resident
// refuses: the console cannot act), asks again (granted), fills in the
// report up to the place (taps, then typing) through the console, sees the
// resident take back control, and ends the help. The resident then
// confirms alone; remote_help.sh reads the dossier at the hub. Run by tests/ui/remote_help.sh --browser,
// beside the kiosk playing the resident (tests/ui/scenarios/remote_help.scn).
//
// Usage: node mediator.mjs HUB_URL SCREENSHOT_DIR
// The hub's certificate is from the test's development CA: the browser
// context ignores certificate errors rather than installing that CA.
import { chromium } from 'playwright-core';

const [url, shots] = process.argv.slice(2);
const wait = 20_000;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic'],
});
const failures = [];
try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1600, height: 1000 },
    locale: 'fr-FR' });
  const page = await context.newPage();
  page.on('pageerror', (error) => failures.push('page error: ' + error.message));
  // Script errors fail the test. A failed request is logged by Chromium
  // too; those are expected where they happen (the 401 of /console/api/me
  // before the login) and checked by the flow itself otherwise.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      failures.push('console error: ' + message.text());
  });
  page.setDefaultTimeout(wait);

  await page.goto(url + '/console');
  await page.locator('#login-name').fill('marie');
  await page.locator('#login-password').fill('marie-password-123');
  await page.locator('#login-submit').click();
  await page.locator('#desk').waitFor({ state: 'visible' });
  await page.locator('#queue button.accept').first().click();
  await page.locator('#session').waitFor({ state: 'visible' });
  await page.screenshot({ path: shots + '/console-01-accepted.png' });

  await page.locator('#message').fill('Bonjour, je suis Marie. Je vais vous aider à signaler le problème.');
  await page.locator('#send-message').click();

  // The kiosk's screen, drawn from its streamed state.
  const tile = page.locator('#screen .widget', { hasText: 'Éclairage' });
  await tile.waitFor({ state: 'visible' });
  await tile.click();
  await page.locator('#point').click();
  await page.locator('#screen .widget.pointed', { hasText: 'Éclairage' }).waitFor({ state: 'visible' });
  await page.screenshot({ path: shots + '/console-02-pointed.png' });

  // Control: asked, refused by the resident; the console cannot act.
  await page.locator('#ask-control').click();
  await page.locator('#control-badge', { hasText: 'refusée' }).waitFor();
  await tile.click();
  if (!(await page.locator('#tap').isDisabled()) || !(await page.locator('#type').isDisabled()))
    failures.push('the console lets the mediator act without control');
  await page.screenshot({ path: shots + '/console-03-refused.png' });

  // Asked again, granted: her taps go through the kiosk's touch path.
  await page.locator('#ask-control').click();
  await page.locator('#control-badge', { hasText: 'accordée' }).waitFor();
  await tile.click();
  await page.locator('#tap').click();
  const next = page.locator('#screen .widget', { hasText: 'Continuer' });
  await next.click();
  await page.locator('#tap').click();
  // Each tap once the kiosk's screen shows the widget: the lamp that is
  // out, "Continuer", not dangerous, "Continuer", then the place, typed.
  const tapWhenShown = async (id) => {
    const widget = page.locator(`#screen .widget[data-widget="${id}"]`);
    await widget.waitFor({ state: 'visible' });
    await widget.click();
    await page.locator('#tap').click();
  };
  await page.locator('#screen .widget[data-widget="choice:eteint"]').waitFor({ state: 'visible' });
  await page.screenshot({ path: shots + '/console-04-next-step.png' });
  await tapWhenShown('choice:eteint');
  await tapWhenShown('next');
  await tapWhenShown('choice:non');
  await tapWhenShown('next');
  await page.locator('#screen .widget[data-widget="field:lieu"]').waitFor({ state: 'visible' });
  await page.locator('#type-text').fill('8 avenue Victor Hugo');
  await page.locator('#type').click();
  await page.locator('#screen .widget[data-widget="field:lieu"] .value', { hasText: '8 avenue Victor Hugo' })
    .waitFor({ state: 'visible' });
  await page.screenshot({ path: shots + '/console-05-typed.png' });

  // The resident takes back control; the mediator ends the help.
  await page.locator('#control-badge', { hasText: 'refusée' }).waitFor();
  await page.locator('#end').click();
  await page.locator('#ended', { hasText: 'Vous avez terminé' }).waitFor({ state: 'visible' });
  await page.screenshot({ path: shots + '/console-06-ended.png' });
} catch (error) {
  failures.push(error.message);
} finally {
  await browser.close();
}
if (failures.length > 0) {
  console.error('mediator (browser): ' + failures.join('\n'));
  process.exit(1);
}
console.log('mediator (browser): done');
