// wiki-images.mjs BASE: the imported fixture wiki's images in chromium: the thumbnail on
// Conntrack-tools loads, is drawn at the size the wikitext asks for (300x120) floated
// right in a bordered box with its caption under it; the gallery of the formatting
// reference shows both images; the File: page shows the original and its upload history.
import { run, confine, check } from './lib.mjs';

run(async (browser, base) => {
	const context = await browser.newContext();
	const blocked = await confine(context, base);
	const page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));

	await page.goto(base + '/wiki/conntrack-tools/');
	const fig = page.locator('figure.wiki-thumb').first();
	check(await fig.isVisible(), 'no visible thumbnail figure');
	const img = fig.locator('img');
	await img.scrollIntoViewIfNeeded();
	await page.waitForFunction((el) => el.complete, await img.elementHandle());
	const got = await img.evaluate((el) => ({ natural: el.naturalWidth, w: el.width, h: el.height,
		float: getComputedStyle(el.closest('figure')).cssFloat }));
	check(got.natural === 400, 'the original did not load: naturalWidth ' + got.natural);
	check(got.w === 300 && got.h === 120, 'drawn at ' + got.w + 'x' + got.h);
	check(got.float === 'right', 'not floated right: ' + got.float);
	const cap = fig.locator('figcaption');
	check((await cap.innerText()).startsWith('Two firewalls replicate'), 'caption: ' + await cap.innerText());
	const ib = await img.boundingBox(), cb = await cap.boundingBox();
	check(cb.y >= ib.y + ib.height - 1, 'the caption is not under the image');

	await page.goto(base + '/wiki/netfilter-wiki-formatting-reference/');
	const boxes = page.locator('ul.wiki-gallery img');
	check(await boxes.count() === 2, 'gallery images: ' + await boxes.count());
	for (let i = 0; i < 2; i++) {
		await boxes.nth(i).scrollIntoViewIfNeeded();
		const n = await boxes.nth(i).evaluate(async (el) => { await el.decode().catch(() => {}); return el.naturalWidth; });
		check(n > 0, 'gallery image ' + i + ' did not load');
	}

	await page.goto(base + '/wiki/file-netfilter-logo.png/');
	const orig = page.locator('figure.wiki-file-page img');
	const n = await orig.evaluate(async (el) => { await el.decode().catch(() => {}); return el.naturalWidth; });
	check(n === 64, 'File: page image naturalWidth ' + n);
	check(await page.locator('table.wiki-file-history tbody tr').count() === 1, 'no upload history row');

	check(blocked.length === 0, 'requests outside the site: ' + blocked.join(' '));
	check(errors.length === 0, 'page errors: ' + errors.join('; '));
	await context.close();
});
