// wiki-categories.mjs BASE: the categories of the imported fixture wiki. A page's
// categories are links: one with a category page leads there, and that page lists its
// members as MediaWiki does ("Pages in category ...", by first letter); a category
// without a page leads to its tag page, which lists the category pages under it as
// "Subcategories"; every member link leads to its page.
import { run, confine, check } from './lib.mjs';

run(async (browser, base) => {
	const context = await browser.newContext();
	const blocked = await confine(context, base);
	const page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	const at = () => decodeURIComponent(new URL(page.url()).pathname);

	await page.goto(base + '/wiki/conntrack-tools/');
	const tags = await page.locator('.page-meta a.tag').allInnerTexts();
	check(tags.join('|') === 'Connection tracking|Userspace tools', 'tag links: ' + tags.join('|'));

	await page.locator('.page-meta a.tag', { hasText: 'Connection tracking' }).click();
	await page.waitForLoadState();
	check(at() === '/wiki/category-connection-tracking/', 'category link led to ' + at());
	check(await page.locator('.content p', { hasText: 'Pages about the connection tracking' }).isVisible(),
		'the category page lost its own text');
	const list = page.locator('#mw-pages');
	check(await list.locator('h2').innerText() === 'Pages in category "Connection tracking"',
		'heading: ' + await list.locator('h2').innerText());
	const members = list.locator('.mw-category-group li a');
	check(await members.count() === 6, 'members: ' + await members.count());
	const letters = await list.locator('.mw-category-group h3').allInnerTexts();
	check(letters.join('') === 'ACFUV', 'letter groups: ' + letters.join(''));
	for (const m of await members.all())
		check(await m.isVisible(), 'a member is not visible: ' + await m.innerText());
	await list.locator('a', { hasText: 'Flowtable hardware offload' }).click();
	await page.waitForLoadState();
	check(at() === '/wiki/flowtable-hardware-offload/', 'member link led to ' + at());

	await page.goto(base + '/wiki/conntrack-tools/');
	await page.locator('.page-meta a.tag', { hasText: 'Userspace tools' }).click();
	await page.waitForLoadState();
	check(at() === '/tags/userspace-tools/', 'category without a page led to ' + at());
	const subs = await page.locator('#mw-subcategories li a').allInnerTexts();
	check(subs.join('|') === 'Connection tracking|Logging', 'subcategories: ' + subs.join('|'));
	await page.locator('#mw-subcategories a', { hasText: 'Logging' }).click();
	await page.waitForLoadState();
	check(at() === '/wiki/category-logging/', 'subcategory led to ' + at());
	check(await page.locator('#mw-pages li a').count() === 3, 'Logging members');

	await page.goto(base + '/tags/');
	const index = await page.locator('.tag-index li').allInnerTexts();
	check(index.some((t) => /^Connection tracking\s+6 pages$/.test(t)), 'tag index: ' + index.join(' / '));
	check(blocked.length === 0, 'requests outside the site: ' + blocked.join(' '));
	check(errors.length === 0, 'page errors: ' + errors.join('; '));
	await context.close();
});
