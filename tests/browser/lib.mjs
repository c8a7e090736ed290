// lib.mjs: shared set-up for the browser tests. Drives Debian's chromium through
// playwright-core (no bundled browser download). Each test script takes the base URL of
// a site served on 127.0.0.1 as its first argument, exits 0 on success and 1 with a
// message on failure; tests/t6000-browser.sh runs one script per test.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export async function launch() {
	return chromium.launch({
		executablePath: CHROMIUM,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
}

// Only the site under test may be contacted: anything else is aborted and recorded.
export async function confine(context, base) {
	const origin = new URL(base).origin;
	const blocked = [];
	await context.route('**/*', (route) => {
		const u = route.request().url();
		if (u.startsWith(origin + '/') || u.startsWith('data:') || u.startsWith('blob:'))
			return route.continue();
		blocked.push(u);
		return route.abort();
	});
	return blocked;
}

export function fail(msg) {
	throw new Error(msg);
}

export function check(cond, msg) {
	if (!cond)
		fail(msg);
}

// Runs main(browser, base) and turns the outcome into an exit status.
export async function run(main) {
	const base = process.argv[2];
	if (!base) {
		console.error('usage: node SCRIPT.mjs BASE_URL [ARGS]');
		process.exit(2);
	}
	const browser = await launch();
	let code = 0;
	try {
		await main(browser, base.replace(/\/$/, ''), process.argv.slice(3));
	} catch (e) {
		console.error('FAIL: ' + (e && e.message ? e.message : e));
		code = 1;
	} finally {
		await browser.close();
	}
	process.exit(code);
}

/* Waits (at most 10 s) until option's href, resolved against base, has the path (and hash)
 * want: on a busy machine results for part of a typed query show while typing pauses. The
 * caller's own check then says which result came first. */
export async function settle(page, option, base, want) {
	for (let i = 0; i < 100; i++) {
		const h = await option.getAttribute('href').catch(() => null);
		if (h) {
			const u = new URL(h, base);
			if (u.pathname + u.hash === want || u.pathname === want) return;
		}
		await page.waitForTimeout(100);
	}
}
