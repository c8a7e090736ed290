// screenshots.mjs BASE OUTDIR PATH...: full-page screenshots of each path, in light
// and dark colour schemes, at desktop width, plus a narrow (phone) one of the first.
// Used for the test artefacts (tests/artifacts/) and for looking at the theme.
import { run, confine, check } from './lib.mjs';
import { mkdirSync } from 'node:fs';

run(async (browser, base, args) => {
	const [outdir, ...paths] = args;
	check(outdir && paths.length, 'usage: screenshots.mjs BASE OUTDIR PATH...');
	mkdirSync(outdir, { recursive: true });
	const name = (p) => (p.replace(/^\/|\/$/g, '').replace(/[^a-z0-9]+/gi, '-') || 'home');
	const shots = [
		{ suffix: '', viewport: { width: 1280, height: 900 }, scheme: 'light', full: true },
		{ suffix: '-dark', viewport: { width: 1280, height: 900 }, scheme: 'dark', full: false },
		{ suffix: '-phone', viewport: { width: 390, height: 844 }, scheme: 'light', full: false },
	];
	for (const s of shots) {
		const context = await browser.newContext({ viewport: s.viewport, colorScheme: s.scheme });
		await confine(context, base);
		const page = await context.newPage();
		for (const p of paths) {
			const res = await page.goto(base + p, { waitUntil: 'load' });
			check(res && res.ok(), `${p}: HTTP ${res && res.status()}`);
			const file = `${outdir}/${name(p)}${s.suffix}.png`;
			// A full page of the long FAQ takes a while on a loaded 2-core machine.
			await page.screenshot({ path: file, fullPage: s.full, timeout: 120000 });
			console.log(file);
		}
		await context.close();
	}
});
