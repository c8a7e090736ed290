// serve-reload.mjs: live reload in a real browser against `nfsite serve`.
// usage: node serve-reload.mjs BASE_URL SOURCE_DIR
// Opens /about/, edits content/about.md and waits for the new text; changes
// static/style.css and waits for the new colour without a page load; breaks
// templates/page.html and waits for the error page with file:line; fixes it and waits
// for the page to come back. No manual reload anywhere.
import { writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { run, confine, check } from './lib.mjs';

const WAIT = { timeout: 20000, polling: 100 };

run(async (browser, base, args) => {
	const src = args[0];
	check(src, 'usage: serve-reload.mjs BASE_URL SOURCE_DIR');
	const context = await browser.newContext();
	const blocked = await confine(context, base);
	const page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(String(e)));

	// 1. the page, with the live-reload client connected
	await page.goto(base + '/about/');
	await page.waitForFunction(() => document.documentElement.hasAttribute('data-nfsite-live'), null, WAIT);
	check((await page.textContent('body')).includes('First version'), 'the first version is not shown');

	// 2. edit the Markdown: the new text appears by itself
	writeFileSync(join(src, 'content/about.md'), '---\ntitle: About\n---\nSecond version, typed in an editor.\n');
	await page.waitForFunction(() => document.body.innerText.includes('Second version, typed in an editor.'), null, WAIT);
	await page.waitForFunction(() => document.documentElement.hasAttribute('data-nfsite-live'), null, WAIT);

	// 3. a stylesheet change is swapped in without reloading the page
	await page.evaluate(() => { window.__nfsiteStay = 'still here'; });
	const before = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
	writeFileSync(join(src, 'static/style.css'), 'body { background-color: rgb(10, 20, 30); }\n');
	await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor === 'rgb(10, 20, 30)', null, WAIT);
	check(before !== 'rgb(10, 20, 30)', 'the colour was already set');
	check(await page.evaluate(() => window.__nfsiteStay) === 'still here', 'the CSS change reloaded the page');

	// 4. a broken template: the error page names the file and line
	mkdirSync(join(src, 'templates'), { recursive: true });
	writeFileSync(join(src, 'templates/page.html'), '<html><body>{% if %}</body></html>\n');
	await page.waitForFunction(() => document.body && document.body.innerText.includes('Build failed'), null, WAIT);
	const text = await page.textContent('body');
	check(/templates\/page\.html:1: error/.test(text), 'the error page lacks file:line: ' + text.slice(0, 300));

	// 5. the fix: the page comes back by itself
	rmSync(join(src, 'templates/page.html'));
	await page.waitForFunction(() => document.body && document.body.innerText.includes('Second version, typed in an editor.') &&
		!document.body.innerText.includes('Build failed'), null, WAIT);

	check(errors.length === 0, 'page errors: ' + errors.join('; '));
	check(blocked.length === 0, 'requests left the site: ' + blocked.join(', '));
	await context.close();
});
