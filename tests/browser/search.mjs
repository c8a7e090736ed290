// search.mjs BASE QUERY EXPECTED: type QUERY in the header search box, check the ranked
// results (a listbox with <mark>ed matches, arrow keys move the selection, Escape
// closes), then Enter on the first result must land on EXPECTED (e.g. /faq/#slug) with
// that element targeted and on screen.
import { run, confine, check, settle } from './lib.mjs';

run(async (browser, base, [query, expected]) => {
	check(query && expected, 'usage: search.mjs BASE QUERY EXPECTED');
	const context = await browser.newContext();
	const blocked = await confine(context, base);
	const page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	await page.goto(base + '/');

	const input = page.locator('header input.search-input');
	await input.click();
	await input.pressSequentially(query, { delay: 10 });
	const listbox = page.locator('header [role="listbox"]');
	await listbox.waitFor({ state: 'visible', timeout: 10000 });
	const options = listbox.locator('[role="option"].search-hit');
	await options.first().waitFor({ timeout: 10000 });
	await settle(page, options.first(), base + '/', expected);
	const n = await options.count();
	check(n >= 1, 'no results for ' + query);
	check(await input.getAttribute('aria-expanded') === 'true', 'combobox not expanded');
	check(await options.first().locator('mark').count() >= 1, 'first result has no <mark>');
	const firstHref = new URL(await options.first().getAttribute('href'), base + '/');
	check(firstHref.pathname + firstHref.hash === expected,
		`first result is ${firstHref.pathname + firstHref.hash}, want ${expected}`);

	/* Keyboard: down moves the selection, up comes back; escape closes. */
	const active = () => page.evaluate(() => {
		const i = document.querySelector('header input.search-input');
		return i.getAttribute('aria-activedescendant');
	});
	const a0 = await active();
	check(a0, 'no active option after typing');
	await page.keyboard.press('ArrowDown');
	const a1 = await active();
	check(a1 && a1 !== a0, 'ArrowDown did not move the selection');
	await page.keyboard.press('ArrowUp');
	check(await active() === a0, 'ArrowUp did not move the selection back');
	await page.keyboard.press('Escape');
	check(!(await listbox.isVisible()), 'Escape did not close the results');
	await page.keyboard.press('ArrowDown');
	await listbox.waitFor({ state: 'visible' });

	await Promise.all([
		page.waitForURL((u) => u.pathname + u.hash === expected, { timeout: 10000 }),
		page.keyboard.press('Enter'),
	]);
	const id = decodeURIComponent(expected.split('#')[1] || '');
	if (id) {
		const target = page.locator(':target');
		check(await target.count() === 1, 'no :target element after landing');
		check(await target.getAttribute('id') === id, 'target id is ' + await target.getAttribute('id'));
		const box = await target.boundingBox();
		const vh = page.viewportSize().height;
		check(box && box.y >= -1 && box.y < vh, 'target not scrolled into view');
	}
	check(blocked.length === 0, 'requests outside the site: ' + blocked.join(', '));
	check(errors.length === 0, 'page errors: ' + errors.join('; '));
	await context.close();
});
