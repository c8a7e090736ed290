// console.mjs BASE PATH...: no console errors, page errors, failed or 4xx/5xx requests
// while each page loads and while its search box fetches the index.
import { run, confine, check } from './lib.mjs';

run(async (browser, base, paths) => {
	check(paths.length, 'usage: console.mjs BASE PATH...');
	const context = await browser.newContext();
	const blocked = await confine(context, base);
	const page = await context.newPage();
	const problems = [];
	page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
	page.on('pageerror', (e) => problems.push('page error: ' + e.message));
	page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure() && r.failure().errorText}`));
	page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
	for (const p of paths) {
		const res = await page.goto(base + p, { waitUntil: 'load' });
		check(res && res.ok(), `${p}: HTTP ${res && res.status()}`);
		const box = page.locator('header .search-input');
		if (await box.count()) {
			const idx = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/search-index/meta.json'), { timeout: 10000 });
			await box.focus();
			await idx;
		}
		/* images: every <img> decoded */
		const broken = await page.evaluate(() => Array.from(document.images)
			.filter((i) => i.complete && i.naturalWidth === 0).map((i) => i.getAttribute('src')));
		for (const b of broken)
			problems.push(`${p}: broken image ${b}`);
	}
	for (const b of blocked)
		problems.push('request outside the site: ' + b);
	check(problems.length === 0, problems.join('\n'));
	await context.close();
});
