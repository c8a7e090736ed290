/* banner.js: lets a reader dismiss a banner and remembers it per banner id.
 *
 * The page works without this file: banners are plain HTML and their close buttons
 * ship with the `hidden` attribute. Loaded synchronously from <head>, the script first
 * hides banners dismissed earlier (a style rule, so they never flash), then, once the
 * document is parsed, reveals the close buttons and wires them. Dismissals are kept in
 * localStorage under one key as a JSON list of ids; when storage is unavailable a
 * dismissal lasts for the current page only. */
(function () {
	'use strict';

	var KEY = 'nfsite.dismissed-banners';
	var store = null;
	try {
		store = window.localStorage;
		store.getItem(KEY);
	} catch (e) {
		store = null;
	}

	function load() {
		if (!store)
			return [];
		try {
			var v = JSON.parse(store.getItem(KEY) || '[]');
			return Array.isArray(v) ? v.filter(function (x) { return typeof x === 'string'; }) : [];
		} catch (e) {
			return [];
		}
	}

	function save(ids) {
		if (!store)
			return;
		try {
			store.setItem(KEY, JSON.stringify(ids));
		} catch (e) {
			/* quota or privacy mode: the banner comes back on the next page */
		}
	}

	function selector(id) {
		var esc = window.CSS && CSS.escape ? CSS.escape(id) : id.replace(/["\\]/g, '\\$&');
		return '.banner[data-banner-id="' + esc + '"]';
	}

	var dismissed = load();

	/* Before the body is parsed: hide what was dismissed, without a flash. */
	if (dismissed.length && document.head) {
		var style = document.createElement('style');
		style.textContent = dismissed.map(selector).join(',\n') + ' { display: none !important; }';
		document.head.appendChild(style);
	}

	function wire() {
		var banners = document.querySelectorAll('.banner[data-banner-id]');
		Array.prototype.forEach.call(banners, function (banner) {
			var id = banner.getAttribute('data-banner-id');
			if (!id)
				return;
			if (dismissed.indexOf(id) >= 0) {
				banner.hidden = true;
				return;
			}
			var button = banner.querySelector('.banner-close');
			if (!button)
				return;
			button.hidden = false;
			button.addEventListener('click', function () {
				var ids = load();
				if (ids.indexOf(id) < 0)
					ids.push(id);
				save(ids);
				dismissed = ids;
				banner.hidden = true;
				/* Keep keyboard users in place: the next banner's button, else main. */
				var next = document.querySelector('.banner:not([hidden]) .banner-close:not([hidden])');
				var main = document.getElementById('main');
				if (next)
					next.focus();
				else if (main)
					main.focus();
			});
		});
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', wire);
	else
		wire();
})();
