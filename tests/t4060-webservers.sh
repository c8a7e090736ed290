#!/bin/sh
# Real nginx and Apache (Debian's packages, on 127.0.0.1) serve a built site holding the
# fixture wiki (its old index.php/T, index.php?title=T and short /wiki/T URLs), the bug
# archive (with hostile attachment names) and pages with aliases, the build's redirect
# files included exactly as docs/CONFIG.md shows. Every old URL form answers
# one 301 to the right page, which answers 200; attachments off the allow list are
# downloads with nosniff and an inert type. A 10,000-page wiki passes nginx -t and
# apachectl configtest.
. "$(dirname "$0")/lib.sh"

missing=""
for tool in nginx apache2ctl curl python3; do
	command -v $tool >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	test_skip 'nginx and Apache serve the site' "missing:$missing (scripts/install-deps.sh test)"
	test_done
	exit
fi
# Workers drop root for www-data, which must reach the files.
chmod 755 "$TRASH"
if [ "$(id -u)" = 0 ]; then NGINX_USER="user www-data;" APACHE_USER="User www-data
Group www-data"; else NGINX_USER="" APACHE_USER=""; fi

# The hostile attachments: name, the type the uploader claimed.
hostile="evil.xhtm:application/xhtml+xml evil.xhtml:application/xhtml+xml evil.html:text/html
evil.svg:image/svg+xml evil.phtml:text/html evil.phar:application/octet-stream
evil.php5:text/plain evil.aspx:text/html evil.shtml:text/html noextension:text/html
x.txt.php:text/x-php x.php.txt:text/plain EVIL.HTM:text/javascript"

cp "$FIX/bugzilla/bugzilla.sqlite" bz.sqlite
chmod u+w bz.sqlite
n=100
for h in $hostile; do
	sqlite3 bz.sqlite "INSERT INTO attachments VALUES ($n, 3, '2013-01-01 00:00:00', '2013-01-01 00:00:00',
		'hostile', '${h#*:}', 0, '${h%%:*}', 9, 0, 0);
		INSERT INTO attach_data VALUES ($n, '#!/bin/sh
echo Content-Type: text/html; echo; echo RAN
<script>alert(document.domain)</script>');"
	n=$((n + 1))
done
# A product name with a space, which forms send as "+" and links as "%20".
python3 -c "import sqlite3; c = sqlite3.connect(\"bz.sqlite\")
c.create_collation(\"bugzilla\", lambda a, b: (a > b) - (a < b))
c.execute(\"UPDATE products SET name = 'ipset tools' WHERE name = 'ipset'\"); c.commit()"

# docs_block LANG: the first ```LANG block of docs/CONFIG.md, with the example paths
# replaced by this test's.
docs_block() {
	sed -n "/^\`\`\`$1\$/,/^\`\`\`\$/p" "$ROOT/docs/CONFIG.md" | sed '1d;$d' |
		sed "s|/srv/www|$TRASH/site/public|g; s|/srv/site|$TRASH/site|g"
}
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# nginx.conf for the site in $1 (the docs' http {} block, a test-only frame) on port $2.
nginx_conf() {
	mkdir -p "$TRASH/nginx-tmp"
	{
		echo "$NGINX_USER"
		echo "pid $TRASH/nginx.pid; error_log $TRASH/nginx-error.log; worker_processes 1;"
		echo "events { worker_connections 64; }"
		docs_block nginx | sed "s|^http {|http {\n access_log $TRASH/nginx-access.log;\
 client_body_temp_path $TRASH/nginx-tmp/body; proxy_temp_path $TRASH/nginx-tmp/proxy;\
 fastcgi_temp_path $TRASH/nginx-tmp/fastcgi; uwsgi_temp_path $TRASH/nginx-tmp/uwsgi;\
 scgi_temp_path $TRASH/nginx-tmp/scgi;|; s|listen 80;|listen 127.0.0.1:$2;|;\
 s|$TRASH/site|$1|g"
	}
}
# apache2.conf: a minimal server with Debian's modules and the docs' <VirtualHost>. The
# <Directory> hands .php and friends to CGI, as PHP set-ups do: an attachment must
# never run even so.
apache_conf() {
	mkdir -p "$TRASH/apache-run"
	cat <<-EOF
	ServerRoot /usr/lib/apache2
	ServerName 127.0.0.1
	DefaultRuntimeDir $TRASH/apache-run
	PidFile $TRASH/apache.pid
	ErrorLog $TRASH/apache-error.log
	Mutex file:$TRASH/apache-run
	$APACHE_USER
	Listen 127.0.0.1:$2
	LoadModule mpm_prefork_module modules/mod_mpm_prefork.so
	LoadModule authz_core_module modules/mod_authz_core.so
	LoadModule dir_module modules/mod_dir.so
	LoadModule mime_module modules/mod_mime.so
	LoadModule cgi_module modules/mod_cgi.so
	LoadModule rewrite_module modules/mod_rewrite.so
	LoadModule headers_module modules/mod_headers.so
	TypesConfig /etc/mime.types
	DirectoryIndex index.html
	StartServers 1
	<Directory $1/public>
		Options +ExecCGI
		AddHandler cgi-script .php .php5 .phtml .phar
	</Directory>
	EOF
	docs_block apache | sed "s|<VirtualHost \*:80>|<VirtualHost 127.0.0.1:$2>|; s|$TRASH/site|$1|g"
}

mkdir -p site/content/docs site/content/notes
site_page site/content/_index.md 'title: Home' 'See [the move](/docs/moved/).'
site_page site/content/docs/moved.md 'title: Moved
aliases: ["/old/place/", "/old/page.html", "/old/deep/path/to/it/"]' 'Moved here.'
site_page site/content/notes/unicode.md 'title: Ünïcode
aliases: ["/alt/über/", "/alt/naïve-page/"]' 'Text.'

test_expect_success 'import the fixture wiki and bug tracker, then build' '
	(cd site && nfsite import mediawiki --db "$FIX/mediawiki/db/nfwiki.sqlite" \
		--old-url-prefix http://127.0.0.1/wiki --article-path "/wiki/\$1" --report report.json 2>../import.err &&
	 nfsite import bugzilla -q --db ../bz.sqlite --timezone America/New_York) &&
	nfsite build --source site --dest site/public 2>build.err &&
	test -f site/public/_nfsite/redirects/aliases.nginx.conf &&
	test -f site/public/_nfsite/redirects/aliases.apache.conf &&
	test -f site/public/_nfsite/redirects/bugs-server.nginx.conf && test -f site/data/redirects/wiki.txt &&
	! test -e site/wiki-redirects.nginx.conf && ! test -e site/wiki-redirects.apache.conf
'
test_expect_success 'attachments off the allow list are stored as .bin' '
	for d in site/public/bugs/attachments/1[0-9][0-9]; do ls $d; done >names &&
	cat >want <<-\EOF &&
	evil_xhtm.bin
	evil_xhtml.bin
	evil_html.bin
	evil_svg.bin
	evil_phtml.bin
	evil_phar.bin
	evil_php5.bin
	evil_aspx.bin
	evil_shtml.bin
	noextension.bin
	x_txt_php.bin
	x_php.txt
	EVIL_HTM.bin
	EOF
	test_cmp want names
'
test_expect_success 'the list of old URLs covers every form' '
	python3 "$ROOT/tests/webserver-urls.py" site "/wiki/\$1" >urls &&
	for form in "index.php/Conntrack-tools	" "index.php?title=Conntrack-tools&action=history" \
		"index.php/Netfilter%20queue	" "title=Netfilter+wiki:Formatting+reference	" \
		"title=Netfilter%20wiki:Formatting%20reference	" "index.php/%C3%9Cbersetzungen" \
		"#History	" "/show_bug.cgi?id=4	" "/show_bug.cgi?id=4#c1	" "?id=nft-roundtrip	" \
		"/attachment.cgi?id=3	" "/attachment.cgi?id=7	" "/buglist.cgi?product=nftables	" \
		"/buglist.cgi?product=ipset+tools	" "/buglist.cgi?product=ipset%20tools	" \
		"/old/place/	" "/old/page.html	" "/alt/%C3%BCber/	" "/wiki/conntrack/	" \
		"/wiki/Conntrack-tools	" "/wiki/Netfilter%20queue	" "/wiki/Conntrackd	"; do
		grep_q "$form" urls
	done &&
	grep -q "	/wiki/conntrack-tools/#conntrackd\$" urls &&
	wc -l <urls
'

# Netlify and Cloudflare Pages: _redirects holds every old URL of the aliases, the wiki
# and the bug archive (each once, whatever spelling a client uses) with its page.
test_expect_success '_redirects holds every alias, wiki and bug redirect' '
	python3 - <<-\PY
	from urllib.parse import unquote
	have = {}
	for line in open("site/public/_redirects", encoding="utf-8"):
	    if line.startswith("#"):
	        continue
	    f = line.split()
	    assert f[-1] == "301", line
	    key = (unquote(f[0]), unquote(f[1]) if len(f) == 4 else "")
	    assert key not in have, line
	    have[key] = unquote(f[-2])
	n = 0
	for line in open("urls", encoding="utf-8"):
	    req, want = line.rstrip("\n").split("\t")
	    if "&action=" in req or "#" in req:
	        continue
	    path, _, query = req.partition("?")
	    key = (unquote(path), unquote(query.replace("+", " ")))
	    assert have.get(key) == want, (req, have.get(key), want)
	    n += 1
	print("%d old URLs in _redirects" % n)
	PY
'

# check_server NAME BASE: every URL gets exactly one redirect (no -L) to the expected
# page, the page answers 200; the hostile attachments come as nosniff downloads.
check_server() {
	: >"$1.cfg"
	while IFS="	" read -r req want; do
		printf 'url = "%s%s"\noutput = /dev/null\n' "$2" "$req" >>"$1.cfg"
	done <urls
	curl -s -g --path-as-is -K "$1.cfg" -w "%{http_code}\t%header{location}\n" >"$1.got" &&
	python3 - "$1" "$2" <<-\PY
	import sys, urllib.parse
	name, base = sys.argv[1], sys.argv[2]
	urls = [l.rstrip("\n").split("\t") for l in open("urls", encoding="utf-8")]
	got = [l.rstrip("\n").split("\t") for l in open(name + ".got", encoding="utf-8", errors="replace")]
	assert len(got) == len(urls), (len(got), len(urls))
	bad, pages = [], set()
	for (req, want), (code, loc) in zip(urls, got):
	    if base and loc.startswith(base):
	        loc = loc[len(base):]
	    if code != "301" or not loc.isascii() or urllib.parse.unquote(loc) != want:
	        bad.append("%s -> %s %s (want %s)" % (req, code, loc, want))
	    pages.add(loc.split("#")[0])
	print("\n".join(bad))
	assert not bad, "%d of %d wrong" % (len(bad), len(urls))
	with open(name + ".pages", "w") as f:
	    f.write("".join('url = "%s%s"\noutput = /dev/null\n' % (base, p) for p in sorted(pages)))
	print("%s: %d old URLs, one 301 each to %d pages" % (name, len(urls), len(pages)))
	PY
	curl -s -g -K "$1.pages" -w "%{http_code} %{url_effective}\n" >"$1.pages.got" &&
	grep_not -v "^200 " "$1.pages.got" &&
	code=$(curl -s -o /dev/null -w "%{http_code}" "$2/_nfsite/redirects/aliases.nginx.conf") &&
	case $code in 403|404) ;; *) echo "_nfsite/ served: $code"; false ;; esac &&
	for d in site/public/bugs/attachments/1[0-9][0-9]; do
		f=$(ls $d) &&
		curl -s -D "$1.h" -o "$1.body" "$2/bugs/attachments/${d##*/}/$f" &&
		tr -d "\r" <"$1.h" >"$1.hdr" &&
		grep -qi "^HTTP/1.1 200" "$1.hdr" &&
		grep -qix "x-content-type-options: nosniff" "$1.hdr" &&
		grep -qi "^content-type: " "$1.hdr" &&
		grep_not -Ei "^content-type: .*(html|xml|svg|script)" "$1.hdr" &&
		grep_q "<script>alert(document.domain)</script>" "$1.body" &&
		grep_not -x RAN "$1.body" &&
		case $f in
		*.bin) grep -qix "content-disposition: attachment" "$1.hdr" ;;
		*) grep -qi "^content-type: text/plain" "$1.hdr" ;;
		esac || { echo "$f:"; cat "$1.hdr"; return 1; }
	done
}
stop() { stop_pid=$(cat "$1") && kill "$stop_pid" && poll 50 "! kill -0 $stop_pid 2>/dev/null"; }

NPORT=$(free_port)
test_expect_success 'nginx -t accepts the generated files as the docs include them' '
	nginx_conf "$TRASH/site" "$NPORT" >nginx.conf &&
	nginx -t -c "$TRASH/nginx.conf" -p "$TRASH" -e "$TRASH/nginx-error.log" 2>nginx-t.out ||
		{ cat nginx-t.out; exit 1; }
	cat nginx-t.out; grep_not -i "warn" nginx-t.out
'
test_expect_success 'nginx: every old URL redirects once to a page that answers 200' '
	nginx -c "$TRASH/nginx.conf" -p "$TRASH" -e "$TRASH/nginx-error.log" &&
	poll 50 "test -s nginx.pid" &&
	check_server nginx "http://127.0.0.1:$NPORT"
'
[ -s nginx.pid ] && stop nginx.pid

APORT=$(free_port)
test_expect_success 'apachectl configtest accepts the generated files as the docs include them' '
	apache_conf "$TRASH/site" "$APORT" >apache2.conf &&
	APACHE_ARGUMENTS="-f $TRASH/apache2.conf" apache2ctl configtest
'
test_expect_success 'Apache: every old URL redirects once to a page that answers 200' '
	apache2 -f "$TRASH/apache2.conf" -k start &&
	poll 50 "test -s apache.pid" &&
	check_server apache "http://127.0.0.1:$APORT" || { tail apache-error.log; exit 1; }
'
# Executable attachments under a set-up that runs .php as CGI: a file outside the archive
# runs (the set-up works), x.php.txt (stored as x_php.txt) does not.
test_expect_success 'Apache runs no attachment, even executable, even x.php.txt' '
	cp site/public/bugs/attachments/111/x_php.txt site/public/probe.php &&
	chmod +x site/public/probe.php site/public/bugs/attachments/1[0-9][0-9]/* &&
	curl -s "http://127.0.0.1:$APORT/probe.php" >probe.out && grep -qx RAN probe.out &&
	curl -s "http://127.0.0.1:$APORT/bugs/attachments/111/x_php.txt" >x.out &&
	grep_q "<script>alert(document.domain)</script>" x.out && grep_not -x RAN x.out
'
[ -s apache.pid ] && stop apache.pid

# A wiki of 10,000 pages: long titles (past nginx's default bucket), non-ASCII, spaces,
# redirects; nginx and Apache must load its files as generated.
test_expect_success 'a generated 10,000-page wiki imports and builds' '
	python3 - <<-\PY &&
	import random
	from xml.sax.saxutils import escape
	random.seed(7)
	words = ["Netfilter", "conntrack", "Übersicht", "tables", "queue", "ipset", "NAT",
	         "Fluß", "hook", "chain", "set", "map", "verdict", "C++", "a/b", "(x)", "ñandú"]
	with open("big.xml", "w", encoding="utf-8") as f:
	    f.write("<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.11/\" version=\"0.11\">\n"
	            "<siteinfo><sitename>big</sitename><base>http://127.0.0.1/wiki/index.php/Main_Page</base>"
	            "<generator>MediaWiki 1.39</generator><case>first-letter</case><namespaces>"
	            "<namespace key=\"0\" case=\"first-letter\" /></namespaces></siteinfo>\n")
	    for i in range(10000):
	        n = random.randint(1, 12)
	        title = " ".join(random.choice(words) for _ in range(n)) + " %d" % i
	        title = title[0].upper() + title[1:]
	        text = "#REDIRECT [[Page %d]]" % (i - 1) if i % 10 == 9 else "Text of page %d. See [[Page %d]]." % (i, i - 1)
	        if i % 10 == 8:
	            title = "Page %d" % i
	        f.write("<page><title>%s</title><ns>0</ns><id>%d</id><revision><id>%d</id>"
	                "<timestamp>2020-01-01T00:00:00Z</timestamp><contributor><username>U</username>"
	                "<id>1</id></contributor><model>wikitext</model><format>text/x-wiki</format>"
	                "<text xml:space=\"preserve\">%s</text></revision></page>\n"
	                % (escape(title), i + 1, i + 1, escape(text)))
	    f.write("</mediawiki>\n")
	PY
	mkdir -p big/content &&
	(cd big && nfsite import mediawiki --xml ../big.xml --old-url-prefix http://127.0.0.1/wiki \
		--report report.json 2>../big-import.err) &&
	nfsite build --source big --dest big/public 2>big-build.err &&
	sqlite3 :memory: "SELECT json_extract(readfile(\"big/report.json\"), \"\$.read.pages\")" >n &&
	test "$(cat n)" = 10000 &&
	awk "length > 200" big/public/_nfsite/redirects/aliases.nginx.conf | grep -q . &&
	wc -l big/data/redirects/wiki.txt big/public/_nfsite/redirects/aliases.*
'
# No bug archive there: the docs say to leave out its lines.
test_expect_success 'nginx -t and apachectl configtest pass on the 10,000-page wiki' '
	nginx_conf "$TRASH/big" "$NPORT" | grep -v redirects/bugs >big-nginx.conf &&
	nginx -t -c "$TRASH/big-nginx.conf" -p "$TRASH" -e "$TRASH/nginx-error.log" 2>big-nginx-t.out ||
		{ cat big-nginx-t.out; exit 1; }
	grep_not -i "warn" big-nginx-t.out &&
	apache_conf "$TRASH/big" "$APORT" | grep -v redirects/bugs >big-apache2.conf &&
	APACHE_ARGUMENTS="-f $TRASH/big-apache2.conf" apache2ctl configtest
'
test_done
