// wiki-attribution.mjs BASE PATH: an imported wiki page (PATH, Conntrack-tools of the
// fixture wiki) shows its attribution: the last edit, the revision count and the
// contributors, most edits first; the banner's "Page history" leads to the history page
// on this site (not the old wiki, whose URL the redirect map sends back), whose table
// lists every revision, newest first, and leads back to the page.
import { run, confine, check } from './lib.mjs';

run(async (browser, base, [path = '/wiki/conntrack-tools/', revisions = '7', first = 'Ctdaemon']) => {
	const context = await browser.newContext();
	const blocked = await confine(context, base);
	const page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));

	await page.goto(base + path);
	const block = page.locator('aside.wiki-attribution');
	check(await block.isVisible(), 'no visible attribution block');
	const text = (await block.innerText()).replace(/\s+/g, ' ');
	check(text.includes(revisions + ' revisions'), 'revision count missing: ' + text);
	check(/Last edited \d+ \w+ \d{4} by \S+/.test(text), 'last edit missing: ' + text);
	const names = await block.locator('.wiki-contributors .wiki-user').allInnerTexts();
	check(names.length > 0 && names[0] === first, 'contributors: ' + names.join(', '));

	const link = page.locator('.banner a.banner-link');
	check(await link.innerText() === 'Page history', 'banner link: ' + await link.innerText());
	await link.click();
	await page.waitForLoadState();
	check(new URL(page.url()).pathname === path + 'history/', 'banner led to ' + page.url());
	const rows = page.locator('table.wiki-history-table tbody tr');
	check(await rows.count() === Number(revisions), 'history rows: ' + await rows.count());
	const dates = await page.locator('table.wiki-history-table tbody time').evaluateAll(
		(ts) => ts.map((t) => t.getAttribute('datetime')));
	check(dates.every((d, i) => i === 0 || dates[i - 1] >= d), 'not newest first: ' + dates.join(' '));
	check((await rows.first().locator('td').nth(1).innerText()) !== '', 'first row has no author');

	await page.locator('.page-header a', { hasText: 'Back to the page' }).click();
	await page.waitForLoadState();
	check(new URL(page.url()).pathname === path, 'back link led to ' + page.url());
	check(blocked.length === 0, 'requests outside the site: ' + blocked.join(' '));
	check(errors.length === 0, 'page errors: ' + errors.join('; '));
	await context.close();
});
