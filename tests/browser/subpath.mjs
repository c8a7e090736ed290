// subpath.mjs BASE QUERY EXPECTED: on a site served under a sub-path (BASE ends in it,
// e.g. http://127.0.0.1:8080/sub), type QUERY in the header search box and click the
// first result: it must land on EXPECTED (a path under the sub-path, e.g.
// /sub/bugs/12/), answered 200 by the server.
import { run, confine, check, settle } from './lib.mjs';

run(async (browser, base, [query, expected]) => {
	check(query && expected, 'usage: subpath.mjs BASE QUERY EXPECTED');
	const context = await browser.newContext();
	const blocked = await confine(context, base);
	const page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	const home = await page.goto(base + '/');
	check(home && home.status() === 200, 'home page: HTTP ' + (home && home.status()));

	const input = page.locator('header input.search-input');
	await input.click();
	await input.pressSequentially(query, { delay: 10 });
	const first = page.locator('header [role="listbox"] [role="option"].search-hit').first();
	await first.waitFor({ timeout: 10000 });
	await settle(page, first, page.url(), expected);
	const href = new URL(await first.getAttribute('href'), page.url());
	check(href.pathname === expected, `first result is ${href.pathname}, want ${expected}`);

	const [landed] = await Promise.all([
		page.waitForNavigation({ timeout: 10000 }),
		first.click(),
	]);
	check(new URL(page.url()).pathname === expected, 'landed on ' + page.url());
	check(landed && landed.status() === 200, 'landing page: HTTP ' + (landed && landed.status()));
	check(await page.locator('h1').count() >= 1, 'landing page has no heading');
	check(blocked.length === 0, 'requests outside the site: ' + blocked.join(', '));
	check(errors.length === 0, 'page errors: ' + errors.join('; '));
	await context.close();
});
