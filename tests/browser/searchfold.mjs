// searchfold.mjs BASE QUERY=PATH...: for each pair, types QUERY in the header search box
// and expects the first result to be PATH. The words are picked so that search.js must
// fold them (case, diacritics, final sigma) and choose their shard exactly as search.c
// did when it wrote the index; a difference means no result or another page first.
import { run, confine, check, settle } from './lib.mjs';

run(async (browser, base, pairs) => {
	check(pairs.length > 0, 'usage: searchfold.mjs BASE QUERY=PATH...');
	const context = await browser.newContext();
	const blocked = await confine(context, base);
	const page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	await page.goto(base + '/');
	const input = page.locator('header input.search-input');
	const first = page.locator('header [role="listbox"] [role="option"].search-hit').first();
	for (const pair of pairs) {
		const at = pair.lastIndexOf('=');
		const query = pair.slice(0, at), want = pair.slice(at + 1);
		await input.fill('');
		await input.fill(query);
		await first.waitFor({ timeout: 10000 });
		await settle(page, first, base + '/', want);
		const got = new URL(await first.getAttribute('href'), base + '/').pathname;
		check(got === want, `query ${JSON.stringify(query)}: first result ${got}, want ${want}`);
	}
	check(blocked.length === 0, 'requests outside the site: ' + blocked.join(', '));
	check(errors.length === 0, 'page errors: ' + errors.join('; '));
	await context.close();
});
