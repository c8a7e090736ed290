// searchbytes.mjs BASE Q1 WANT1 Q2 MAX1_KB MAX2_KB: on a large site served gzipped, type
// Q1 in the header search box, wait for its results (the first must land on WANT1), then
// replace it with Q2 and wait for its results (8, the first with every word in its title). Counts what the server sent (headers and
// the encoded body of each response, as on the wire): search.js and every request under
// /search-index/ up to Q1's results, then every new request for Q2; each sum must stay
// under its limit. Prints "first KB later KB files" for bench/run.sh.
import { run, confine, check } from './lib.mjs';

run(async (browser, base, [q1, want1, q2, max1, max2]) => {
	check(q1 && want1 && q2 && max1 && max2, 'usage: searchbytes.mjs BASE Q1 WANT1 Q2 MAX1_KB MAX2_KB');
	const context = await browser.newContext();
	const blocked = await confine(context, base);
	const page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	const seen = [];
	page.on('requestfinished', (req) => seen.push(req));
	await page.goto(base + '/');

	const bytes = async (reqs) => {
		let sum = 0;
		for (const r of reqs) {
			const s = await r.sizes();
			sum += s.responseHeadersSize + s.responseBodySize;
		}
		return sum;
	};
	const searchReqs = (from) => seen.slice(from).filter((r) => /\/search-index\/|\/search\.js$/.test(new URL(r.url()).pathname));
	const input = page.locator('header input.search-input');
	const hits = page.locator('header [role="listbox"] [role="option"].search-hit');

	// results whose first hit is want, once no search file is still on its way
	const settle = async (wantFirst) => {
		await page.waitForFunction((w) => {
			const a = document.querySelector('header [role="listbox"] [role="option"].search-hit');
			return a && (!w || new URL(a.href).pathname === w);
		}, wantFirst, { timeout: 20000 });
		await page.waitForTimeout(500);
	};

	await input.click();
	await input.pressSequentially(q1, { delay: 30 });
	await settle(want1);
	const first = searchReqs(0);
	check(first.some((r) => /\/search\.js$/.test(r.url())), 'search.js not among the requests');
	for (const r of first) {
		const h = await (await r.response()).allHeaders();
		check(/\.js(on)?$/.test(new URL(r.url()).pathname) && h['content-encoding'] === 'gzip',
			`${r.url()} not sent gzipped (${h['content-encoding']})`);
	}
	const n1 = seen.length;
	check(await hits.first().locator('mark').count() >= 1, 'Q1: first result has no <mark>');

	await input.fill('');
	await input.pressSequentially(q2, { delay: 30 });
	await settle(null);
	const later = searchReqs(n1);
	check(await hits.count() === 8, 'Q2: ' + await hits.count() + ' results, want 8');
	const terms = q2.toLowerCase().split(/\s+/);
	const title = (await hits.first().locator('.hit-title').textContent()).toLowerCase();
	check(terms.every((t) => title.includes(t)), `Q2: first result "${title}" lacks a term in its title`);

	const kb1 = (await bytes(first)) / 1024, kb2 = (await bytes(later)) / 1024;
	console.log(`${kb1.toFixed(1)} ${kb2.toFixed(1)} ${first.length} ${later.length}`);
	check(kb1 <= Number(max1), `first query: ${kb1.toFixed(1)} KB in ${first.length} files, limit ${max1} KB`);
	check(kb2 <= Number(max2), `later query: ${kb2.toFixed(1)} KB in ${later.length} files, limit ${max2} KB`);
	check(blocked.length === 0, 'requests outside the site: ' + blocked.join(', '));
	check(errors.length === 0, 'page errors: ' + errors.join('; '));
	await context.close();
});
