// wiki-translate.mjs BASE PATH OTHER: a page imported from a MediaWiki export (PATH) shows
// the banner saying its iptables and ipset examples come with their nftables translation,
// and each example (<syntaxhighlight lang="bash">, <pre>, the ipset block) with its nft pane
// visible beside it, with and without JavaScript; OTHER, an imported page without such
// examples, has neither.
import { run, confine, check } from './lib.mjs';

const expected = [
	'add rule ip nat POSTROUTING oifname "eth0" counter masquerade',
	'add rule ip nat PREROUTING iifname "eth0" tcp dport 8080 counter dnat to 192.168.1.10:80',
	'add element inet global scanners { 198.51.100.0/24 }',
];

run(async (browser, base, [path = '/wiki/simple-gateway/', other = '/wiki/conntrack-notes/']) => {
	for (const javaScriptEnabled of [true, false]) {
		const what = `JavaScript ${javaScriptEnabled ? 'on' : 'off'}`;
		const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
		const blocked = await confine(context, base);
		const page = await context.newPage();
		const errors = [];
		page.on('pageerror', (e) => errors.push(e.message));
		page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

		const res = await page.goto(base + path, { waitUntil: 'load' });
		check(res && res.ok(), `${what}: ${path}: HTTP ${res && res.status()}`);
		const banner = page.locator('.banner[data-banner-id="wiki-nft-translations"]');
		check(await banner.isVisible(), `${what}: no visible translations banner`);
		check((await banner.innerText()).includes('nftables translation'), `${what}: banner says ${await banner.innerText()}`);

		const groups = page.locator('.xlate');
		check(await groups.count() === 3, `${what}: ${await groups.count()} translated blocks, expected 3`);
		for (let i = 0; i < 3; i++) {
			const g = groups.nth(i);
			await g.scrollIntoViewIfNeeded();
			const src = g.locator('.xlate-pane-s'), nft = g.locator('.xlate-pane-n');
			check(await src.isVisible() && await nft.isVisible(), `${what}: block ${i + 1}: both panes should show`);
			const text = await nft.innerText();
			check(text.includes(expected[i]), `${what}: block ${i + 1}: nft pane lacks "${expected[i]}":\n${text}`);
		}

		await page.goto(base + other, { waitUntil: 'load' });
		check(await page.locator('.banner[data-banner-id="wiki-migrated"]').count() === 1, `${what}: ${other} is not an imported page`);
		check(await page.locator('.banner[data-banner-id="wiki-nft-translations"]').count() === 0,
			`${what}: ${other} has the translations banner`);
		check(await page.locator('.xlate').count() === 0, `${what}: ${other} shows a translation`);

		check(blocked.length === 0, `${what}: requests outside the site: ${blocked.join(' ')}`);
		check(errors.length === 0, `${what}: errors: ${errors.join('; ')}`);
		await context.close();
	}
});
