// translate.mjs BASE PATH [ARTIFACTS]: the nft translation beside an iptables block
// (site/translate.h) shows with it (below it in the site's text column, side by side in
// a wide block), and its tabs switch to the original alone and to nft alone, by CSS only: with and without JavaScript, in light and dark colour
// schemes, with no page or console error. Screenshots go to ARTIFACTS when given.
import { run, confine, check } from './lib.mjs';
import { mkdirSync } from 'node:fs';

/* Contrast ratio of two CSS rgb() colours (WCAG). */
function contrast(a, b) {
	const lum = (c) => {
		const v = c.match(/[\d.]+/g).slice(0, 3).map((x) => {
			const s = Number(x) / 255;
			return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
		});
		return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
	};
	const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
	return (x + 0.05) / (y + 0.05);
}

run(async (browser, base, [path = '/', artifacts]) => {
	for (const colorScheme of ['light', 'dark']) {
		for (const javaScriptEnabled of [true, false]) {
			const what = `${colorScheme}, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`;
			const context = await browser.newContext({ colorScheme, javaScriptEnabled, viewport: { width: 1280, height: 900 } });
			const blocked = await confine(context, base);
			const page = await context.newPage();
			const problems = [];
			page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
			page.on('pageerror', (e) => problems.push('page error: ' + e.message));
			const res = await page.goto(base + path, { waitUntil: 'load' });
			check(res && res.ok(), `${path}: HTTP ${res && res.status()}`);

			const x = page.locator('.xlate').first();
			/* Boxes are measured in the viewport: a block below the fold would move when a
			 * click on its tab scrolls it into view. */
			await x.scrollIntoViewIfNeeded();
			const src = x.locator('.xlate-pane-s');
			const nft = x.locator('.xlate-pane-n');
			check(await src.isVisible() && await nft.isVisible(), `${what}: both panes should show at first`);
			const [bs, bn] = [await src.boundingBox(), await nft.boundingBox()];
			/* the site's text column is narrow: one above the other */
			check(bn.y >= bs.y + bs.height - 1 && Math.abs(bn.x - bs.x) < 2, `${what}: nft is not below the source`);
			check((await nft.innerText()).includes('add rule'), `${what}: the nft pane holds no rule`);

			if (artifacts && javaScriptEnabled) {
				mkdirSync(artifacts, { recursive: true });
				await x.screenshot({ path: `${artifacts}/translate-${colorScheme}-both.png` });
			}
			const label = (k) => x.locator(`label[for$="-${k}"]`);
			await label('n').click();
			check(await nft.isVisible() && !(await src.isVisible()), `${what}: the nft tab does not show nft alone`);
			check(Math.abs((await nft.boundingBox()).y - bs.y) < 2, `${what}: nft alone should take the source's place`);
			if (artifacts && javaScriptEnabled)
				await x.screenshot({ path: `${artifacts}/translate-${colorScheme}-nft.png` });
			await label('s').click();
			check(await src.isVisible() && !(await nft.isVisible()), `${what}: the source tab does not show the source alone`);
			await label('b').click();
			check(await src.isVisible() && await nft.isVisible(), `${what}: side by side does not come back`);

			/* Readable tabs in both schemes: the checked one and the others. */
			for (const k of ['b', 's']) {
				const c = await label(k).evaluate((e) => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]);
				check(contrast(c[0], c[1]) >= 4.5, `${what}: tab ${k} has contrast ${contrast(c[0], c[1]).toFixed(2)} (${c})`);
			}
			/* Where the block is wide enough, both stand side by side. */
			if (javaScriptEnabled) {
				await page.addStyleTag({ content: '.content .xlate { width: 72rem; max-width: none; }' });
				const [ws, wn] = [await src.boundingBox(), await nft.boundingBox()];
				check(wn.x >= ws.x + ws.width - 1 && Math.abs(wn.y - ws.y) < 2, `${what}: a wide block is not side by side`);
			}
			/* The keyboard reaches the tabs: arrow keys move between radio buttons. */
			await x.locator('input.xlate-b').focus();
			await page.keyboard.press('ArrowRight');
			check(await x.locator('input.xlate-s').isChecked(), `${what}: ArrowRight does not select the next tab`);

			for (const b of blocked)
				problems.push('request outside the site: ' + b);
			check(problems.length === 0, `${what}: ${problems.join('\n')}`);
			await context.close();
		}
	}
});
