// contrast.mjs BASE ARTIFACTS PATH...: each page in light and dark mode, screenshotted to
// ARTIFACTS/NAME-light.png and -dark.png; every element of the page content that shows
// text and has an inline background or colour (on itself or an ancestor) must reach
// WCAG's 4.5:1 between its text colour and the background it is drawn on.
import { run, confine, check } from './lib.mjs';
import { mkdirSync } from 'node:fs';

function audit() {
	// rgb()/rgba(), or color(srgb r g b / a) with 0..1 channels (what color-mix() gives)
	const rgba = (s) => {
		const v = (s.match(/[\d.]+/g) || []).map(Number);
		return s.startsWith('color(srgb') ? v.map((x, i) => (i < 3 ? x * 255 : x)) : v;
	};
	const lum = ([r, g, b]) => {
		const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
		return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
	};
	const bgOf = (el) => {
		for (let e = el; e; e = e.parentElement) {
			const c = rgba(getComputedStyle(e).backgroundColor);
			if (c.length >= 3 && (c.length < 4 || c[3] > 0.5))
				return c;
		}
		return rgba(getComputedStyle(document.documentElement).backgroundColor || 'rgb(255,255,255)');
	};
	const inline = (e) => e.closest('.content [style*="background"], .content [style*="color"], .content [bgcolor], .content font[color]');
	const out = [];
	for (const el of document.querySelectorAll('.content *')) {
		if (!inline(el) || el.getClientRects().length === 0)
			continue;
		const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
		if (!text)
			continue;
		const fg = lum(rgba(getComputedStyle(el).color)), bg = lum(bgOf(el));
		const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
		out.push({ text: text.slice(0, 40), tag: el.tagName, ratio: Math.round(ratio * 100) / 100 });
	}
	return out;
}

run(async (browser, base, [artifacts, ...paths]) => {
	mkdirSync(artifacts, { recursive: true });
	let checked = 0;
	for (const scheme of ['light', 'dark']) {
		const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1200, height: 900 } });
		const blocked = await confine(context, base);
		const page = await context.newPage();
		for (const p of paths) {
			const r = await page.goto(base + p);
			check(r && r.ok(), `${p}: HTTP ${r && r.status()}`);
			const name = p.replace(/^\/|\/$/g, '').replace(/\//g, '-') || 'home';
			await page.screenshot({ path: `${artifacts}/${name}-${scheme}.png`, fullPage: true });
			const found = await page.evaluate(audit);
			for (const f of found)
				check(f.ratio >= 4.5, `${p} (${scheme}): <${f.tag}> "${f.text}" has contrast ${f.ratio}:1, under 4.5:1`);
			checked += found.length;
			console.log(`${p} ${scheme}: ${found.length} text elements with inline colours, all >= 4.5:1`);
		}
		check(blocked.length === 0, `requests outside the site: ${blocked.join(', ')}`);
		await context.close();
	}
	check(checked > 0, 'no text with inline colours found: the pages or the selectors are wrong');
});
