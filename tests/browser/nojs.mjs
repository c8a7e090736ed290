// nojs.mjs BASE PATH: with JavaScript disabled the page is complete: banners show
// (their close buttons stay hidden), the content, navigation and skip link work, and the
// search form is a plain GET form.
import { run, confine, check } from './lib.mjs';

run(async (browser, base, [path = '/docs/alpha/']) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	await confine(context, base);
	const page = await context.newPage();
	const res = await page.goto(base + path);
	check(res && res.ok(), `${path}: HTTP ${res && res.status()}`);

	const banners = page.locator('.banner');
	check(await banners.count() > 0, 'no banner on ' + path);
	for (let i = 0; i < await banners.count(); i++) {
		const b = banners.nth(i);
		check(await b.isVisible(), `banner ${i} not visible without JavaScript`);
		const close = b.locator('.banner-close');
		if (await close.count())
			check(!(await close.isVisible()), `banner ${i} shows a close button that cannot work`);
	}
	check(await page.locator('main#main h1').isVisible(), 'no visible h1 in main');
	check(await page.locator('main#main .content').first().isVisible(), 'content not visible');

	/* Keyboard: the first Tab reaches the skip link, which leads to main. */
	await page.keyboard.press('Tab');
	const first = await page.evaluate(() => document.activeElement && document.activeElement.className);
	check(first === 'skip-link', 'first tab stop is not the skip link: ' + first);
	check(await page.locator('.skip-link').isVisible(), 'skip link not visible when focused');

	const form = page.locator('header form[role="search"]');
	check(await form.count() === 1, 'no search form in the header');
	check((await form.getAttribute('method') || 'get').toLowerCase() === 'get', 'search form is not GET');
	check(await form.locator('input[name="q"]').count() === 1, 'search form has no q input');
	check(await form.locator('button[type="submit"]').isVisible(), 'search button hidden without JavaScript');

	/* Navigation by plain links. */
	const nav = page.locator('nav.site-nav a').first();
	const href = await nav.getAttribute('href');
	await Promise.all([page.waitForURL((u) => u.pathname === new URL(href, base + path).pathname), nav.click()]);
	check(await page.locator('main#main h1, main#main .home').first().isVisible(), 'menu target has no content');
	await context.close();
});
