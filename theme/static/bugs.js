/* bugs.js: the filter above the bug archive's list (/bugs/). The list is complete
 * without it; the form stays hidden unless this script runs. No markup is built from
 * data: rows are only shown or hidden. */
(function () {
	"use strict";
	var form = document.querySelector("form.bug-filter");
	var table = document.querySelector("table.bug-list");
	if (!form || !table) return;
	var rows = Array.prototype.slice.call(table.tBodies[0].rows);
	var text = rows.map(function (r) { return r.textContent.toLowerCase(); });
	var out = form.querySelector("output");
	function apply() {
		var q = form.elements.q.value.trim().toLowerCase();
		var product = form.elements.product.value;
		var state = form.elements.state.value;
		var shown = 0;
		rows.forEach(function (r, i) {
			var ok = (!q || text[i].indexOf(q) >= 0) &&
				(!product || r.getAttribute("data-product") === product) &&
				(!state || r.getAttribute("data-open") === state);
			r.hidden = !ok;
			if (ok) shown++;
		});
		if (out) out.textContent = shown + " of " + rows.length + " bugs";
		var p = new URLSearchParams();
		if (q) p.set("q", q);
		if (product) p.set("product", product);
		if (state) p.set("state", state);
		var s = p.toString();
		history.replaceState(null, "", s ? "?" + s : location.pathname);
	}
	var init = new URLSearchParams(location.search);
	["q", "product", "state"].forEach(function (k) {
		if (init.has(k) && form.elements[k]) form.elements[k].value = init.get(k);
	});
	form.addEventListener("input", apply);
	form.addEventListener("change", apply);
	form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
	form.hidden = false;
	apply();
})();
