#!/bin/sh
# The FAQ: /faq/ grouped by category, a stable anchor and a permalink per question,
# valid FAQPage JSON-LD, and the checks on faq/ sources.
. "$(dirname "$0")/lib.sh"

build_bundled() {
	[ -d pub ] && return 0
	cp -r "$ROOT/content" "$ROOT/faq" "$ROOT/site.lua" "$ROOT/templates" "$ROOT/static" . &&
	nfsite build -q --source . --dest pub
}

test_expect_success 'the bundled FAQ has at least 30 questions, each with a permalink' '
	build_bundled &&
	n=$(ls faq/*.md | grep -v _index.md | wc -l) && test "$n" -ge 30 &&
	for f in faq/*.md; do
		s=$(basename "$f" .md); [ "$s" = _index ] && continue
		test -f "pub/faq/$s/index.html" || { echo "no permalink for $s"; exit 1; }
	done
'
test_expect_success 'JSON-LD parses as a FAQPage with every question and a non-empty answer' '
	build_bundled &&
	python3 - pub/faq/index.html faq <<-\PY
	import json, os, re, sys, html
	page = open(sys.argv[1], encoding="utf-8").read()
	blocks = re.findall(r"<script type=\"application/ld\+json\">(.*?)</script>", page, re.S)
	assert len(blocks) == 1, len(blocks)
	data = json.loads(blocks[0])
	assert data["@context"] == "https://schema.org" and data["@type"] == "FAQPage"
	qs = data["mainEntity"]
	files = [f for f in os.listdir(sys.argv[2]) if f.endswith(".md") and f != "_index.md"]
	assert len(qs) == len(files), (len(qs), len(files))
	for q in qs:
	    assert q["@type"] == "Question" and q["name"].strip()
	    a = q["acceptedAnswer"]
	    assert a["@type"] == "Answer" and len(re.sub("<[^>]+>", "", a["text"]).strip()) > 20, q["name"]
	    assert q["url"].startswith("https://www.netfilter.org/faq/#")
	PY
'
test_expect_success 'every question has one stable anchor on /faq/, named after its file' '
	build_bundled &&
	python3 - pub/faq/index.html faq <<-\PY
	import os, re, sys
	page = open(sys.argv[1], encoding="utf-8").read()
	ids = re.findall(r"\sid=\"([^\"]+)\"", page)
	dupes = {i for i in ids if ids.count(i) > 1}
	assert not dupes, dupes
	for f in os.listdir(sys.argv[2]):
	    if f.endswith(".md") and f != "_index.md":
	        assert f[:-3] in ids, f
	PY
'
test_expect_success 'questions are grouped under the categories of faq/_index.md, in order' '
	build_bundled &&
	python3 - pub/faq/index.html faq/_index.md <<-\PY
	import re, sys
	page = open(sys.argv[1], encoding="utf-8").read()
	fm = open(sys.argv[2], encoding="utf-8").read().split("---")[1]
	cats = re.findall(r"^\s*-\s*\"?(.+?)\"?\s*$", fm.split("categories:")[1], re.M)
	import html as h
	heads = re.findall(r"<h2 id=\"category-[^\"]*\">([^<]*)", page)
	assert [h.unescape(x) for x in heads] == cats, (heads, cats)
	pos = [0]
	assert all(p >= 0 for p in pos), list(zip(cats, pos))
	assert pos == sorted(pos), list(zip(cats, pos))
	PY
'
faq_site() {
	rm -rf site && mkdir -p site/content site/faq
	site_page site/content/_index.md 'title: Home' 'Home.'
	site_page site/faq/_index.md 'title: FAQ
categories: [General, Details]' 'Questions.'
	site_page site/faq/first.md 'question: "Is it <new>?"
category: General
order: 2
related: [second]' 'Yes, and here is </script> in an answer.'
	site_page site/faq/second.md 'question: Second?
category: Details
order: 1' 'Answer two, see [first](first.md).'
}
test_expect_success 'a small FAQ: anchors, related links, escaping in JSON-LD' '
	faq_site && nfsite build -q --source site --dest out &&
	grep_q "id=\"first\"" out/faq/index.html && grep_q "id=\"second\"" out/faq/index.html &&
	grep_q "href=\"/faq/first/\"" out/faq/second/index.html &&
	python3 -c "
import json,re
p=open(\"out/faq/index.html\").read()
b=re.search(r\"<script type=.application/ld.json.>(.*?)</script>\",p,re.S).group(1)
assert \"</script>\" not in b
d=json.loads(b)
assert [q[\"name\"] for q in d[\"mainEntity\"]]==[\"Is it <new>?\",\"Second?\"]
"
'
test_expect_success 'JSON-LD escapes < > &: a question with <!--<script> cannot swallow the page' '
	faq_site && site_page site/faq/third.md "question: \"Is <!--<script> & </script> safe?\"
category: General" "Answer <b>three</b>." &&
	nfsite build -q --source site --dest out &&
	python3 -c "
import json,re
p=open(\"out/faq/index.html\").read()
b=re.search(r\"<script type=.application/ld.json.>(.*?)</script>\",p,re.S).group(1)
assert not re.search(\"[<>&]\",b), b
d=json.loads(b)
assert \"Is <!--<script> & </script> safe?\" in [q[\"name\"] for q in d[\"mainEntity\"]], d
"
'
test_expect_success 'a question in an unknown category is an error' '
	faq_site && site_page site/faq/third.md "question: Third?
category: Nowhere" "Answer." &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -q "site/faq/third.md:3: error: category .Nowhere. is not in the categories list" err
'
test_expect_success 'an empty answer is an error' '
	faq_site && site_page site/faq/third.md "question: Third?
category: General" "" &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -q "site/faq/third.md:5: error: FAQ answer is empty" err
'
test_expect_success 'a related question that does not exist is an error' '
	faq_site && site_page site/faq/third.md "question: Third?
category: General
related: [nope]" "Answer." &&
	expect_exit 1 "$NFSITE" build -q --source site --dest out &&
	grep -q "site/faq/third.md:4: error: related question .nope. does not exist" err
'
test_done
