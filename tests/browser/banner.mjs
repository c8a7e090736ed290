// banner.mjs BASE PATH OTHER_PATH: a dismissible banner (data-banner-id="legacy-note")
// shows with a close button once JavaScript runs; dismissing it hides it, moves focus
// to <main>, and it stays hidden after a reload and on another page carrying the same
// banner; a banner that is not dismissible has no visible button and stays.
import { run, confine, check } from './lib.mjs';

run(async (browser, base, [path = '/docs/alpha/', other = '/docs/beta/']) => {
	const context = await browser.newContext();
	await confine(context, base);
	const page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));

	await page.goto(base + path);
	const banner = page.locator('.banner[data-banner-id="legacy-note"]');
	const fixed = page.locator('.banner[data-banner-id="fixed-note"]');
	check(await banner.isVisible(), 'dismissible banner not visible on first load');
	check(await fixed.isVisible(), 'fixed banner not visible on first load');
	check(await banner.getAttribute('class') === 'banner banner-deprecation', 'classes: ' + await banner.getAttribute('class'));
	check(['region', 'alert'].includes(await banner.getAttribute('role')), 'banner has no landmark role');
	check((await banner.getAttribute('aria-label') || '') !== '', 'banner has no aria-label');
	const close = banner.locator('button.banner-close');
	check(await close.isVisible(), 'close button not revealed by banner.js');
	check(await close.getAttribute('aria-label') === 'Dismiss', 'close button has no accessible name');
	check(await fixed.locator('button.banner-close').count() === 0 ||
		!(await fixed.locator('button.banner-close').isVisible()), 'fixed banner shows a close button');

	await close.click();
	check(!(await banner.isVisible()), 'banner still visible after dismissing');
	check(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'main',
		'focus did not move to main after dismissing');
	const stored = await page.evaluate(() => localStorage.getItem('nfsite.dismissed-banners'));
	check(stored && JSON.parse(stored).includes('legacy-note'), 'dismissal not stored: ' + stored);

	await page.reload();
	check(await banner.count() === 1, 'banner missing from the reloaded HTML');
	check(!(await banner.isVisible()), 'dismissed banner visible again after reload');
	check(await fixed.isVisible(), 'fixed banner hidden after reload');

	await page.goto(base + other);
	check(!(await page.locator('.banner[data-banner-id="legacy-note"]').isVisible()),
		'dismissed banner visible on another page');

	/* Forgetting the dismissal brings it back. */
	await page.evaluate(() => localStorage.clear());
	await page.reload();
	check(await page.locator('.banner[data-banner-id="legacy-note"]').isVisible(),
		'banner not back after clearing storage');
	check(errors.length === 0, 'page errors: ' + errors.join('; '));
	await context.close();
});
