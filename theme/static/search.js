/* search.js: instant site search over the index the build writes in pieces.
 *
 * Every <form class="search" data-index="URL"> is enhanced. Without JavaScript the form
 * submits to /search/, which lists every page. With it:
 *   - URL is the index's meta.json (generator/site/search.h has the format): a query
 *     fetches it once, then the shards of its words (t/K.json: the pages holding each
 *     word, and where) and the chunks (f/N.json: title, URL, kind, headings, text) of the
 *     best pages only, so a large site costs a visitor a few dozen kilobytes, not the
 *     whole index; every file is fetched once;
 *   - a word of the query matches the words it begins (one letter alone: that word);
 *     the pages holding every word are ranked from the shards, and the best of them
 *     ranked again on their full entries: every term must occur, title matches first;
 *   - results are shown as you type (after a short pause while files are fetched) in a
 *     listbox under the box (a combobox: Up/Down move, Enter opens the highlighted
 *     result, Escape closes, then clears);
 *   - a form with data-results="ID" (the /search/ page) renders its results into that
 *     element instead, and reads the query from ?q=.
 * Matches are wrapped in <mark>. Text from the index only ever reaches the page as text
 * nodes: no innerHTML. */
(function () {
	'use strict';

	var MAX_POPUP = 8;
	var MAX_PAGE = 50;
	/* pages ranked again on their full entries beyond those shown */
	var EXTRA = 2;
	/* quiet time after a keystroke before files are fetched */
	var PAUSE = 120;
	var WORD_MAX = 24; /* search.c's SEARCH_WORD_MAX */
	var KIND_NAMES = {
		question: 'FAQ', faq: 'FAQ', section: 'Section', home: 'Home', bug: 'Bug',
		'bug-index': 'Bugs', 'bug-product': 'Bugs', 'bug-component': 'Bugs'
	};

	/* Lower case without diacritics, so "Pipapo" and "pipapó" meet "pipapo"; final sigma
	 * as sigma, as base/utf8's utf8_words folds the index's words. */
	function fold(s) {
		return String(s).toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\u03c2/g, '\u03c3');
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

	function fetchJson(url, fresh) {
		return fetch(url, { credentials: 'same-origin', cache: fresh ? 'no-cache' : 'default' }).then(function (r) {
			if (!r.ok)
				throw new Error('search index: HTTP ' + r.status);
			return r.json();
		});
	}

	/* One index per meta.json URL: its metadata, and the shards and chunks fetched. */
	var indexes = {};

	function getIndex(url) {
		var abs = new URL(url, window.location.href).href;
		if (!indexes[abs])
			indexes[abs] = { url: abs, meta: null, metaP: null, shards: {}, chunks: {}, docs: {} };
		return indexes[abs];
	}

	/* Gap lists to ids. */
	function ungap(list) {
		var out = [];
		var id = 0;
		(Array.isArray(list) ? list : []).forEach(function (g, i) {
			id = i ? id + g : g;
			out.push(id);
		});
		return out;
	}

	/* Fetches path (relative to meta.json) once into cache[key]; a failure lets a later
	 * query try again. */
	function once(ix, cache, key, path, decode) {
		if (!cache[key]) {
			cache[key] = { v: null, p: null };
			cache[key].p = fetchJson(new URL(path + '?h=' + ix.meta.h, ix.url).href).then(function (data) {
				cache[key].v = decode(data);
				return cache[key].v;
			});
			cache[key].p.catch(function () { delete cache[key]; });
		}
		return cache[key];
	}

	function loadMeta(ix) {
		if (!ix.metaP) {
			ix.metaP = fetchJson(ix.url, true).then(function (m) {
				var n = m && typeof m.n === 'number' ? m.n : 0;
				var l = m && typeof m.l === 'string' ? m.l : '';
				/* the part of today's score that is the page's own: kind and title length */
				var bonus = new Float64Array(n);
				var tl = new Uint8Array(n);
				for (var i = 0; i < n; i++) {
					tl[i] = Math.min(Math.max(l.charCodeAt(i) - 32, 0) || 0, 80);
					bonus[i] = 2 * (1 - tl[i] / 80);
				}
				ungap(m.q).forEach(function (id) { if (id < n) bonus[id] += 2; });
				ungap(m.b).forEach(function (id) { if (id < n) bonus[id] -= 4; });
				ix.meta = { h: encodeURIComponent(String(m.h || '')), n: n, c: m.c > 0 ? m.c : 1, s: m.s > 0 ? m.s : 1, bonus: bonus, tl: tl };
				return ix.meta;
			});
			ix.metaP.catch(function () { ix.metaP = null; });
		}
		return ix.metaP;
	}

	function shardOf(meta, w) {
		var c1 = w.codePointAt(0);
		var c2 = w.length > String.fromCodePoint(c1).length ? w.codePointAt(String.fromCodePoint(c1).length) : 0;
		return (c1 * 65599 + c2) % meta.s; /* below 2^37: exact, as search.c's 64-bit sum */
	}

	var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

	/* One field's pages: a list of gaps, or a bitmap (bit i of character k: page 6k+i). */
	function fieldIds(v) {
		var ids = [];
		if (typeof v === 'string') {
			for (var k = 0; k < v.length; k++) {
				var bits = B64.indexOf(v.charAt(k));
				for (var i = 0; i < 6 && bits > 0; i++)
					if (bits & (1 << i))
						ids.push(k * 6 + i);
			}
		} else if (Array.isArray(v)) {
			var id = 0;
			for (var j = 0; j < v.length; j++) {
				id += v[j];
				ids.push(id);
			}
		}
		return ids;
	}

	/* A shard: each word's pages per field (1 title, 2 heading, 4 text). */
	function loadShard(ix, k) {
		return once(ix, ix.shards, k, 't/' + k + '.json', function (data) {
			var words = {};
			Object.keys(data || {}).forEach(function (w) {
				var fields = data[w];
				if (!Array.isArray(fields))
					return;
				words[w] = [1, 2, 4].map(function (f, i) { return { f: f, ids: fieldIds(fields[i]) }; });
			});
			return words;
		});
	}

	function loadChunk(ix, c) {
		return once(ix, ix.chunks, c, 'f/' + c + '.json', function (pages) {
			(Array.isArray(pages) ? pages : []).forEach(function (p, i) {
				/* site paths only: never a javascript: or other scheme from the index */
				if (!p || typeof p.u !== 'string' || !/^\/(?!\/)/.test(p.u))
					return;
				var t = typeof p.t === 'string' ? p.t : p.u;
				var h = Array.isArray(p.h) ? p.h : [];
				var x = typeof p.x === 'string' ? p.x : '';
				ix.docs[c * ix.meta.c + i] = {
					t: t, u: p.u, h: h, x: x, k: typeof p.k === 'string' ? p.k : '',
					ft: fold(t), fh: h.map(function (e) { return fold(headingText(e)); }), fx: fold(x)
				};
			});
			return true;
		});
	}

	function terms(query) {
		return fold(query).split(/\s+/).map(function (w) {
			return w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
		}).filter(function (w) { return w.length > 0; });
	}

	/* The words to look up: the terms' words as the build splits them, cut as it cuts
	 * them; a one-letter word matches only itself, so a last one after others is left
	 * out (its next letter is on its way). */
	function lookupWords(ts) {
		var all = [];
		ts.forEach(function (t) {
			t.split(/[^\p{L}\p{N}]+/u).forEach(function (w) {
				if (w)
					all.push(Array.from(w).slice(0, WORD_MAX).join(''));
			});
		});
		if (all.length > 1 && Array.from(all[all.length - 1]).length === 1)
			all.pop();
		return all.filter(function (w, i) { return all.indexOf(w) === i; });
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

	/* fieldScore at a word start, from a posting's fields (1 title, 2 heading, 4 text). */
	function postingScore(f) {
		var s = f & 1 ? 16 : 0;
		if (f & 2)
			s = s > 0 ? s + 3.2 : 6.4;
		if (f & 4)
			s += 1.6;
		return s;
	}

	/* A page's full score for the terms, or null when a term does not occur. */
	function scoreDoc(doc, ts, phrase) {
		var score = 0;
		var heading = -1;
		for (var k = 0; k < ts.length; k++) {
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
				return null;
			score += s;
		}
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
		return { doc: doc, score: score, heading: heading };
	}

	/* The pages holding every word, best first by what the shards tell, ids ascending
	 * (title order) among equals. The score is scoreDoc's at word starts; its phrase
	 * bonuses are guessed from where all the words are: the title (exact when as long
	 * as the query), every heading field, the text. */
	function candidates(ix, ws, shards, ts) {
		var meta = ix.meta;
		var acc = new Float64Array(meta.n);
		var found = new Uint8Array(meta.n);
		var fw = new Uint8Array(meta.n);
		var inT = new Uint8Array(meta.n), inH = new Uint8Array(meta.n), inX = new Uint8Array(meta.n);
		ws.forEach(function (w, wi) {
			fw.fill(0);
			var words = shards[wi];
			var one = Array.from(w).length === 1;
			Object.keys(words).forEach(function (word) {
				if (one ? word !== w : word.lastIndexOf(w, 0) !== 0)
					return;
				words[word].forEach(function (part) {
					for (var i = 0; i < part.ids.length; i++)
						if (part.ids[i] < meta.n)
							fw[part.ids[i]] |= part.f;
				});
			});
			for (var id = 0; id < meta.n; id++) {
				if (fw[id] && found[id] === wi) {
					found[id] = wi + 1;
					acc[id] += postingScore(fw[id]);
					inT[id] += fw[id] & 1;
					inH[id] += (fw[id] >> 1) & 1;
					inX[id] += (fw[id] >> 2) & 1;
				}
			}
		});
		var nw = ws.length, many = ts.length > 1, plen = ts.join(' ').length;
		var out = [];
		for (var id = 0; id < meta.n; id++) {
			if (found[id] !== nw)
				continue;
			if (inT[id] === nw)
				acc[id] += meta.tl[id] === plen ? 30 : many ? 15 : 0;
			if (many && inH[id] === nw)
				acc[id] += 6;
			if (many && inX[id] === nw)
				acc[id] += 3;
			out.push(id);
		}
		out.sort(function (a, b) {
			return (acc[b] + meta.bonus[b]) - (acc[a] + meta.bonus[a]) || a - b;
		});
		return out;
	}

	/* Ranks the pages for a query: a promise of at most limit hits. With now, returns
	 * the hits at once when every file they need is here, else null. */
	function search(url, query, limit, now) {
		var ts = terms(query);
		if (!ts.length)
			return now ? [] : Promise.resolve([]);
		var ix = getIndex(url);
		if (now && !ix.meta)
			return null;
		function ranked(ids) {
			var phrase = ts.join(' ');
			var out = [];
			ids.forEach(function (id) {
				var doc = ix.docs[id];
				var hit = doc ? scoreDoc(doc, ts, phrase) : null;
				if (hit)
					out.push(hit);
			});
			out.sort(function (a, b) {
				return b.score - a.score || (a.doc.t < b.doc.t ? -1 : a.doc.t > b.doc.t ? 1 : 0);
			});
			return out.slice(0, limit);
		}
		function withMeta(meta) {
			var ws = lookupWords(ts);
			/* with now, nothing is fetched: a query typed on is only fetched for once
			 * typing pauses */
			var sh = ws.map(function (w) {
				var k = shardOf(meta, w);
				return now ? ix.shards[k] || {} : loadShard(ix, k);
			});
			if (now && sh.some(function (e) { return !e.v; }))
				return null;
			/* A page the shards rank high can still fail scoreDoc (a term with punctuation,
			 * like 0.9.0, is matched in the text): while fewer than limit hits remain, the
			 * next candidates are tried, four times as many each round, three rounds at most. */
			function withShards(shards) {
				var all = candidates(ix, ws, shards, ts);
				function attempt(k, round) {
					var ids = all.slice(0, k);
					var ch = [];
					ids.forEach(function (id) {
						var c = Math.floor(id / meta.c);
						if (ch.indexOf(c) < 0)
							ch.push(c);
					});
					var cs = ch.map(function (c) { return now ? ix.chunks[c] || {} : loadChunk(ix, c); });
					function done() {
						var r = ranked(ids);
						return r.length < limit && k < all.length && round < 3 ? attempt(k * 4, round + 1) : r;
					}
					if (now)
						return cs.some(function (e) { return !e.v; }) ? null : done();
					return Promise.all(cs.map(function (e) { return e.p; })).then(done);
				}
				return attempt(limit + EXTRA, 0);
			}
			if (now)
				return withShards(sh.map(function (e) { return e.v; }));
			return Promise.all(sh.map(function (e) { return e.p; })).then(withShards);
		}
		return now ? withMeta(ix.meta) : loadMeta(ix).then(withMeta);
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

	/* Runs search for the query and hands the hits to done: at once when the files it
	 * needs are here, else once typing pauses (state.timer); fail on a fetch error. */
	function schedule(state, url, query, limit, done, fail) {
		clearTimeout(state.timer);
		var hits = search(url, query, limit, true);
		if (hits) {
			done(hits);
			return;
		}
		state.timer = setTimeout(function () {
			search(url, query, limit, false).then(done, fail);
		}, PAUSE);
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

		function show(query, hits) {
			var ts = terms(query);
			if (!ts.length) {
				close();
				popup.textContent = '';
				options = [];
				status.textContent = '';
				return;
			}
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

		var pending = {};

		function update() {
			var query = input.value;
			var my = ++seq;
			if (!terms(query).length) {
				clearTimeout(pending.timer);
				show(query, []);
				return;
			}
			if (popup.hidden || !options.length)
				message('Searching…');
			schedule(pending, form.getAttribute('data-index'), query, MAX_POPUP, function (hits) {
				if (my === seq)
					show(query, hits);
			}, function () {
				if (my === seq)
					message('Search is unavailable; press Enter for the list of pages.');
			});
		}

		input.addEventListener('input', update);
		input.addEventListener('focus', function () {
			loadMeta(getIndex(form.getAttribute('data-index'))).catch(function () {});
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

		function show(query, hits) {
			var ts = terms(query);
			results.textContent = '';
			if (!ts.length)
				return;
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

		var pending = {};

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
			schedule(pending, form.getAttribute('data-index'), query, MAX_PAGE, function (hits) {
				if (my === seq)
					show(query, hits);
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
