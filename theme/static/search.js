/* search.js: instant site search over the index the build writes.
 *
 * Every <form class="search" data-index="URL"> is enhanced. Without JavaScript the form
 * submits to /search/, which lists every page. With it:
 *   - the index (/search-index.json: {"pages":[{"t":title,"u":url,"h":[headings],
 *     "x":text,"k":kind}]}) is fetched once, on first use, and is the only request made;
 *   - results are ranked as you type and shown in a listbox under the box (a combobox:
 *     Up/Down move, Enter opens the highlighted result, Escape closes, then clears);
 *   - a form with data-results="ID" (the /search/ page) renders its results into that
 *     element instead, and reads the query from ?q=.
 * Matches are wrapped in <mark>. Text from the index only ever reaches the page as text
 * nodes: no innerHTML. */
(function () {
	'use strict';

	var MAX_POPUP = 8;
	var MAX_PAGE = 50;
	var KIND_NAMES = {
		question: 'FAQ', faq: 'FAQ', section: 'Section', home: 'Home', bug: 'Bug',
		'bug-index': 'Bugs', 'bug-product': 'Bugs', 'bug-component': 'Bugs'
	};

	var indexPromise = null;
	var docs = null;

	/* Lower case without diacritics, so "Pipapo" and "pipapó" meet "pipapo". */
	function fold(s) {
		return String(s).toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
	}

	/* fold(), remembering for each folded character the index it came from in s. */
	function foldMap(s) {
		var f = '';
		var map = [];
		for (var i = 0; i < s.length;) {
			var ch = String.fromCodePoint(s.codePointAt(i));
			var g = fold(ch);
			for (var j = 0; j < g.length; j++) {
				f += g[j];
				map.push(i);
			}
			i += ch.length;
		}
		map.push(s.length);
		return { f: f, map: map };
	}

	function headingText(h) {
		return typeof h === 'string' ? h : (h && typeof h.t === 'string' ? h.t : '');
	}

	function loadIndex(url) {
		if (indexPromise)
			return indexPromise;
		indexPromise = fetch(url, { credentials: 'same-origin' }).then(function (r) {
			if (!r.ok)
				throw new Error('search index: HTTP ' + r.status);
			return r.json();
		}).then(function (data) {
			var pages = data && Array.isArray(data.pages) ? data.pages : [];
			docs = [];
			pages.forEach(function (p) {
				/* site paths only: never a javascript: or other scheme from the index */
				if (!p || typeof p.u !== 'string' || !/^\/(?!\/)/.test(p.u))
					return;
				var t = typeof p.t === 'string' ? p.t : p.u;
				var h = Array.isArray(p.h) ? p.h : [];
				var x = typeof p.x === 'string' ? p.x : '';
				docs.push({
					t: t, u: p.u, h: h, x: x, k: typeof p.k === 'string' ? p.k : '',
					ft: fold(t), fh: h.map(function (e) { return fold(headingText(e)); }), fx: fold(x)
				});
			});
			return docs;
		});
		indexPromise.catch(function () {
			indexPromise = null; /* let a later keystroke try again */
		});
		return indexPromise;
	}

	function terms(query) {
		return fold(query).split(/\s+/).map(function (w) {
			return w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
		}).filter(function (w) { return w.length > 0; });
	}

	function wordStart(s, i) {
		return i === 0 || /[^\p{L}\p{N}]/u.test(s.charAt(i - 1));
	}

	/* Score of one field for one term: 0 when absent; more at a word start. */
	function fieldScore(s, term, weight) {
		var i = s.indexOf(term);
		if (i < 0)
			return 0;
		var best = weight;
		for (; i >= 0; i = s.indexOf(term, i + 1)) {
			if (wordStart(s, i)) {
				best = weight * 1.6;
				break;
			}
		}
		return best;
	}

	/* Ranks the documents for a query: every term must occur somewhere. */
	function rank(query, limit) {
		var ts = terms(query);
		if (!ts.length || !docs)
			return [];
		var phrase = ts.join(' ');
		var out = [];
		for (var d = 0; d < docs.length; d++) {
			var doc = docs[d];
			var score = 0;
			var heading = -1;
			var ok = true;
			for (var k = 0; k < ts.length && ok; k++) {
				var term = ts[k];
				var s = fieldScore(doc.ft, term, 10);
				for (var j = 0; j < doc.fh.length; j++) {
					var hs = fieldScore(doc.fh[j], term, 4);
					if (hs > 0) {
						if (heading < 0)
							heading = j;
						s = s > 0 ? s + hs / 2 : hs;
						break;
					}
				}
				s += fieldScore(doc.fx, term, 1);
				if (s === 0)
					ok = false;
				score += s;
			}
			if (!ok)
				continue;
			if (doc.ft === phrase)
				score += 30;
			else if (ts.length > 1 && doc.ft.indexOf(phrase) >= 0)
				score += 15;
			if (heading >= 0 && ts.length > 1 && doc.fh[heading].indexOf(phrase) >= 0)
				score += 6;
			if (ts.length > 1 && doc.fx.indexOf(phrase) >= 0)
				score += 3;
			if (doc.k === 'question' || doc.k === 'faq')
				score += 2;
			if (doc.k === 'bug')
				score -= 4;
			score += 2 * (1 - Math.min(doc.t.length, 80) / 80);
			out.push({ doc: doc, score: score, heading: heading });
		}
		out.sort(function (a, b) {
			return b.score - a.score || (a.doc.t < b.doc.t ? -1 : a.doc.t > b.doc.t ? 1 : 0);
		});
		return out.slice(0, limit);
	}

	/* Appends text to el with every occurrence of the terms wrapped in <mark>. */
	function appendMarked(el, text, ts) {
		var fm = foldMap(text);
		var ranges = [];
		ts.forEach(function (term) {
			for (var i = fm.f.indexOf(term); i >= 0; i = fm.f.indexOf(term, i + term.length))
				ranges.push([fm.map[i], fm.map[i + term.length]]);
		});
		ranges.sort(function (a, b) { return a[0] - b[0]; });
		var pos = 0;
		ranges.forEach(function (r) {
			if (r[1] <= pos)
				return;
			var from = Math.max(r[0], pos);
			if (from > pos)
				el.appendChild(document.createTextNode(text.slice(pos, from)));
			var m = document.createElement('mark');
			m.textContent = text.slice(from, r[1]);
			el.appendChild(m);
			pos = r[1];
		});
		if (pos < text.length)
			el.appendChild(document.createTextNode(text.slice(pos)));
	}

	/* About len characters of text around the first match, cut at spaces. */
	function snippet(doc, ts, len) {
		var x = doc.x;
		if (!x)
			return '';
		var at = -1;
		ts.forEach(function (t) {
			var i = doc.fx.indexOf(t);
			if (i >= 0 && (at < 0 || i < at))
				at = i;
		});
		/* fx and x have the same length unless folding changed it; then start at 0 */
		if (doc.fx.length !== x.length || at < 0)
			at = 0;
		var start = Math.max(0, at - Math.floor(len / 3));
		if (start > 0) {
			var sp = x.indexOf(' ', start);
			if (sp >= 0 && sp < at)
				start = sp + 1;
		}
		var end = Math.min(x.length, start + len);
		if (end < x.length) {
			var sp2 = x.lastIndexOf(' ', end);
			if (sp2 > start)
				end = sp2;
		}
		return (start > 0 ? '…' : '') + x.slice(start, end) + (end < x.length ? '…' : '');
	}

	function hitUrl(hit) {
		var h = hit.heading >= 0 ? hit.doc.h[hit.heading] : null;
		if (h && typeof h === 'object' && typeof h.i === 'string' && h.i && hit.doc.u.indexOf('#') < 0)
			return hit.doc.u + '#' + h.i;
		return hit.doc.u;
	}

	/* One result as DOM: title, kind, matching heading, snippet. */
	function renderHit(a, hit, ts) {
		a.href = hitUrl(hit);
		var title = document.createElement('span');
		title.className = 'hit-title';
		appendMarked(title, hit.doc.t, ts);
		a.appendChild(title);
		var kind = KIND_NAMES[hit.doc.k];
		if (kind) {
			var k = document.createElement('span');
			k.className = 'hit-kind';
			k.textContent = kind;
			a.appendChild(k);
		}
		if (hit.heading >= 0) {
			var h = document.createElement('span');
			h.className = 'hit-heading';
			appendMarked(h, headingText(hit.doc.h[hit.heading]), ts);
			a.appendChild(h);
		}
		var sn = snippet(hit.doc, ts, 140);
		if (sn) {
			var s = document.createElement('span');
			s.className = 'hit-snippet';
			appendMarked(s, sn, ts);
			a.appendChild(s);
		}
	}

	var uid = 0;

	/* The header box: a combobox with a popup listbox. */
	function enhancePopup(form, input) {
		var n = ++uid;
		var popup = document.createElement('div');
		popup.className = 'search-popup';
		popup.id = 'search-popup-' + n;
		popup.setAttribute('role', 'listbox');
		popup.setAttribute('aria-label', 'Search results');
		popup.hidden = true;
		form.appendChild(popup);
		var status = document.createElement('div');
		status.className = 'visually-hidden';
		status.setAttribute('role', 'status');
		form.appendChild(status);

		input.setAttribute('role', 'combobox');
		input.setAttribute('aria-autocomplete', 'list');
		input.setAttribute('aria-expanded', 'false');
		input.setAttribute('aria-controls', popup.id);

		var options = [];
		var active = -1;
		var seq = 0;

		function setActive(i) {
			if (active >= 0 && options[active]) {
				options[active].classList.remove('active');
				options[active].setAttribute('aria-selected', 'false');
			}
			active = i;
			if (active >= 0 && options[active]) {
				options[active].classList.add('active');
				options[active].setAttribute('aria-selected', 'true');
				input.setAttribute('aria-activedescendant', options[active].id);
				options[active].scrollIntoView({ block: 'nearest' });
			} else {
				input.removeAttribute('aria-activedescendant');
			}
		}

		function close() {
			popup.hidden = true;
			input.setAttribute('aria-expanded', 'false');
			setActive(-1);
		}

		function open() {
			popup.hidden = false;
			input.setAttribute('aria-expanded', 'true');
		}

		function message(text) {
			popup.textContent = '';
			options = [];
			active = -1;
			var p = document.createElement('p');
			p.className = 'search-empty';
			p.textContent = text;
			popup.appendChild(p);
			status.textContent = text;
			open();
		}

		function show(query) {
			var ts = terms(query);
			if (!ts.length) {
				close();
				popup.textContent = '';
				options = [];
				status.textContent = '';
				return;
			}
			var hits = rank(query, MAX_POPUP);
			popup.textContent = '';
			options = [];
			active = -1;
			if (!hits.length) {
				message('No results for “' + query.trim() + '”');
				return;
			}
			hits.forEach(function (hit, i) {
				var a = document.createElement('a');
				a.className = 'search-hit';
				a.id = popup.id + '-' + i;
				a.setAttribute('role', 'option');
				a.setAttribute('aria-selected', 'false');
				a.tabIndex = -1;
				renderHit(a, hit, ts);
				popup.appendChild(a);
				options.push(a);
			});
			var all = document.createElement('a');
			all.className = 'search-all';
			all.id = popup.id + '-all';
			all.setAttribute('role', 'option');
			all.setAttribute('aria-selected', 'false');
			all.tabIndex = -1;
			all.href = form.action + (form.action.indexOf('?') < 0 ? '?' : '&') + 'q=' + encodeURIComponent(query.trim());
			all.textContent = 'All results for “' + query.trim() + '”';
			popup.appendChild(all);
			options.push(all);
			status.textContent = hits.length + (hits.length === 1 ? ' result' : ' results');
			open();
			setActive(0);
		}

		function update() {
			var query = input.value;
			var my = ++seq;
			if (docs) {
				show(query);
				return;
			}
			if (!terms(query).length) {
				close();
				return;
			}
			message('Loading the search index…');
			loadIndex(form.getAttribute('data-index')).then(function () {
				if (my === seq)
					show(input.value);
			}, function () {
				if (my === seq)
					message('Search is unavailable; press Enter for the list of pages.');
			});
		}

		input.addEventListener('input', update);
		input.addEventListener('focus', function () {
			loadIndex(form.getAttribute('data-index')).catch(function () {});
			if (input.value && terms(input.value).length)
				update();
		});
		input.addEventListener('keydown', function (e) {
			if (e.key === 'ArrowDown' || e.key === 'Down') {
				if (popup.hidden) {
					update();
				} else if (options.length) {
					setActive(active < options.length - 1 ? active + 1 : 0);
				}
				e.preventDefault();
			} else if (e.key === 'ArrowUp' || e.key === 'Up') {
				if (!popup.hidden && options.length)
					setActive(active > 0 ? active - 1 : options.length - 1);
				e.preventDefault();
			} else if (e.key === 'Enter') {
				if (!popup.hidden && active >= 0 && options[active]) {
					e.preventDefault();
					var href = options[active].href;
					close();
					window.location.assign(href);
				}
				/* otherwise the form submits to the search page */
			} else if (e.key === 'Escape' || e.key === 'Esc') {
				if (!popup.hidden)
					close();
				else
					input.value = '';
				e.preventDefault();
			}
		});
		/* A click in the list must not blur the input before the link is followed. */
		popup.addEventListener('mousedown', function (e) { e.preventDefault(); });
		popup.addEventListener('mousemove', function (e) {
			var t = e.target.closest ? e.target.closest('[role="option"]') : null;
			var i = options.indexOf(t);
			if (i >= 0 && i !== active)
				setActive(i);
		});
		form.addEventListener('focusout', function (e) {
			if (!form.contains(e.relatedTarget))
				close();
		});
	}

	/* The /search/ page: results listed in place, the query kept in the address. */
	function enhancePage(form, input, results) {
		var seq = 0;

		function show(query) {
			var ts = terms(query);
			results.textContent = '';
			if (!ts.length)
				return;
			var hits = rank(query, MAX_PAGE);
			var p = document.createElement('p');
			p.className = 'search-count';
			p.textContent = hits.length ? (hits.length === MAX_PAGE ? 'The first ' + MAX_PAGE : String(hits.length)) +
				(hits.length === 1 ? ' result' : ' results') + ' for “' + query.trim() + '”' :
				'No results for “' + query.trim() + '”';
			results.appendChild(p);
			if (!hits.length)
				return;
			var ol = document.createElement('ol');
			ol.className = 'search-list';
			hits.forEach(function (hit) {
				var li = document.createElement('li');
				var a = document.createElement('a');
				a.className = 'search-hit';
				renderHit(a, hit, ts);
				li.appendChild(a);
				ol.appendChild(li);
			});
			results.appendChild(ol);
		}

		function update(push) {
			var query = input.value;
			var my = ++seq;
			if (push && window.history && history.replaceState) {
				var u = new URL(window.location.href);
				if (query.trim())
					u.searchParams.set('q', query.trim());
				else
					u.searchParams.delete('q');
				history.replaceState(null, '', u.toString());
			}
			loadIndex(form.getAttribute('data-index')).then(function () {
				if (my === seq)
					show(input.value);
			}, function () {
				if (my === seq) {
					results.textContent = '';
					var p = document.createElement('p');
					p.className = 'search-count';
					p.textContent = 'Search is unavailable; every page is listed below.';
					results.appendChild(p);
				}
			});
		}

		var q = new URLSearchParams(window.location.search).get('q');
		if (q) {
			input.value = q;
			update(false);
		}
		input.addEventListener('input', function () { update(true); });
		form.addEventListener('submit', function (e) {
			e.preventDefault();
			update(true);
		});
	}

	function init() {
		var forms = document.querySelectorAll('form.search[data-index]');
		Array.prototype.forEach.call(forms, function (form) {
			var input = form.querySelector('input[type="search"], input[name="q"]');
			if (!input)
				return;
			var rid = form.getAttribute('data-results');
			var results = rid ? document.getElementById(rid) : null;
			if (results)
				enhancePage(form, input, results);
			else
				enhancePopup(form, input);
			form.classList.add('search-enhanced');
		});
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', init);
	else
		init();
})();
