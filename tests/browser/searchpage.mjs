// searchpage.mjs BASE QUERY EXPECTED: the /search/ page. With JavaScript, /search/?q=QUERY
// lists ranked results (EXPECTED among them) and typing updates them and the address;
// without JavaScript the same page lists every page of the site, EXPECTED's page included.
import { run, confine, check } from './lib.mjs';

run(async (browser, base, [query, expected]) => {
	check(query && expected, 'usage: searchpage.mjs BASE QUERY EXPECTED');
	let context = await browser.newContext();
	await confine(context, base);
	let page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	await page.goto(base + '/search/?q=' + encodeURIComponent(query));
	const input = page.locator('#search-page-q');
	check(await input.inputValue() === query, 'query not copied into the box');
	const hits = page.locator('#search-results a.search-hit');
	await hits.first().waitFor({ timeout: 10000 });
	const hrefs = await hits.evaluateAll((as) => as.map((a) => new URL(a.href).pathname + new URL(a.href).hash));
	check(hrefs.includes(expected), `${expected} not among results: ${hrefs.join(' ')}`);
	check(await page.locator('#search-results mark').count() > 0, 'no <mark> in the results');

	await input.fill('zzzz-no-such-word');
	await page.locator('#search-results .search-count').filter({ hasText: 'No results' }).waitFor({ timeout: 5000 });
	check(new URL(page.url()).searchParams.get('q') === 'zzzz-no-such-word', 'address not updated: ' + page.url());
	check(errors.length === 0, 'page errors: ' + errors.join('; '));
	await context.close();

	context = await browser.newContext({ javaScriptEnabled: false });
	await confine(context, base);
	page = await context.newPage();
	const res = await page.goto(base + '/search/?q=' + encodeURIComponent(query));
	check(res && res.ok(), 'search page: HTTP ' + (res && res.status()));
	const listed = await page.locator('.site-index a').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
	const want = expected.split('#')[0];
	check(listed.length > 1, 'the site index lists no pages');
	check(listed.some((p) => p === want || p.startsWith(want)), `${want} not in the site index`);
	await context.close();
});
