#!/bin/sh
# The old Bugzilla and wiki URLs on a plain static server: python3 -m http.server and
# nginx with no nfsite configuration at all send show_bug.cgi?id=N, attachment.cgi?id=M,
# buglist.cgi?product=P and a redirect file's w/index.php?title=T (after their own slash
# redirect, which keeps the query string) to the stub as text/html, under a base path;
# the stub's script lands on the page.
. "$(dirname "$0")/lib.sh"

missing=""
for tool in nginx curl python3 node; do
	command -v $tool >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	test_skip 'static servers send the stubs as text/html' "missing:$missing (scripts/install-deps.sh test)"
	test_done
	exit
fi
chmod 755 "$TRASH"
if [ "$(id -u)" = 0 ]; then NGINX_USER="user www-data;"; else NGINX_USER=""; fi
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cp "$FIX/bugzilla/bugzilla.sqlite" bz.sqlite
mkdir -p site/content/wiki site/data/redirects www
site_page site/content/_index.md 'title: Home' 'Bugs: [archive](/bugs/).'
site_page site/content/wiki/main-page.md 'title: Main Page' 'The wiki.'
# a redirect file as nfsite import mediawiki writes one (or anyone by hand)
cat >site/data/redirects/wiki.txt <<\EOF
/w/index.php?title=Main_Page /wiki/main-page/
/w/index.php?title=Main%20Page /wiki/main-page/
/w/index.php?title=Netfilter_hooks /wiki/main-page/#hooks
/w/index.php/Main_Page /wiki/main-page/
EOF

test_expect_success 'a site with the bug archive built under /sub/' '
	(cd site && nfsite import bugzilla -q --db ../bz.sqlite --timezone America/New_York) &&
	nfsite build -q --base-url http://127.0.0.1/sub/ --source site --dest www/sub &&
	test -f www/sub/show_bug.cgi/index.html && test -f www/sub/w/index.php/index.html &&
	grep_q "url=/sub/wiki/main-page/" www/sub/w/index.php/Main_Page/index.html
'

# stubs NAME BASE: each old URL comes, after at most one redirect, as text/html from the
# stub folder with its query string, and the stub's script (run by node with the URL the
# browser would have) goes to the page.
stubs() {
	for req in "show_bug.cgi?id=4	/sub/bugs/4/" "show_bug.cgi?id=nft-roundtrip	/sub/bugs/4/" \
		"attachment.cgi?id=6	/sub/bugs/attachments/6/perf-report_txt.gz" \
		"buglist.cgi?product=nftables	/sub/bugs/product/nftables/" "show_bug.cgi?id=x	/sub/bugs/" \
		"w/index.php?title=Main_Page	/sub/wiki/main-page/" \
		"w/index.php?title=Main+Page&action=history	/sub/wiki/main-page/" \
		"w/index.php?title=Netfilter%5Fhooks	/sub/wiki/main-page/#hooks" "w/index.php?title=Nosuch	/sub/"; do
		url=${req%%	*} want=${req#*	}
		curl -s -L --max-redirs 1 -o "$1.body" -w "%{http_code} %{content_type} %{url_effective}\n" \
			"$2/sub/$url" >"$1.got" &&
		read -r code type eff <"$1.got" &&
		{ test "$code" = 200 && case $type in text/html*) true ;; *) false ;; esac &&
		  test "$eff" = "$2/sub/${url%%\?*}/?${url#*\?}"; } || { echo "$url: $(cat "$1.got")"; return 1; }
		sed -n "/^<script>$/,/^<\/script>$/p" "$1.body" | sed "1d;\$d" >"$1.js" &&
		path=${eff#"$2"} &&
		node -e "
			const u = new URL(process.argv[1], \"http://h\");
			globalThis.location = {pathname: u.pathname, search: u.search, hash: \"\",
				replace: (t) => console.log(t)};
			eval(require(\"fs\").readFileSync(process.argv[2], \"utf8\"));" "$path" "$1.js" >"$1.to" &&
		echo "$want" >"$1.want" && test_cmp "$1.want" "$1.to" || return 1
	done
}

test_expect_success 'a redirect file'"'"'s bad lines are errors at their line; the output stays' '
	cp -r site bad && cat >bad/data/redirects/more.txt <<-\EOF &&
	# a comment, then a blank line

	/w/index.php?title=Main_Page /wiki/main-page/
	/gone /nosuch/
	/one-field
	/x?a=1&b=2 /wiki/main-page/
	/bad%zz /wiki/main-page/
	EOF
	expect_exit 1 "$NFSITE" build -q --source bad --dest www/sub &&
	grep_q "bad/data/redirects/wiki.txt:1: error: old URL '\''/w/index.php?title=Main_Page'\'' is redirected twice (also at bad/data/redirects/more.txt:3)" err &&
	grep_q "more.txt:4: error: redirect target '\''/nosuch/'\'' is not a page of the site" err &&
	grep_q "more.txt:5: error: a redirect line is" err &&
	grep_q "more.txt:6: error: '\''/x?a=1&b=2'\'': the query must be one" err &&
	grep_q "more.txt:7: error: '\''/bad%zz /wiki/main-page/'\'' is not percent-encoded" err &&
	test -f www/sub/w/index.php/index.html
'

PPORT=$(free_port)
test_expect_success 'python3 -m http.server sends the stubs as text/html' '
	{ python3 -m http.server --bind 127.0.0.1 --directory www "$PPORT" >py.log 2>&1 & echo $! >py.pid; } &&
	poll 50 "curl -s -o /dev/null http://127.0.0.1:$PPORT/" &&
	stubs py "http://127.0.0.1:$PPORT"
'
[ -s py.pid ] && kill "$(cat py.pid)"

NPORT=$(free_port)
test_expect_success 'nginx with its defaults only sends the stubs as text/html' '
	mkdir -p nginx-tmp &&
	cat >nginx.conf <<-EOF &&
	$NGINX_USER
	pid $TRASH/nginx.pid; error_log $TRASH/nginx-error.log; worker_processes 1;
	events { worker_connections 64; }
	http {
		include /etc/nginx/mime.types;
		default_type application/octet-stream;
		access_log $TRASH/nginx-access.log;
		client_body_temp_path $TRASH/nginx-tmp/body; proxy_temp_path $TRASH/nginx-tmp/proxy;
		fastcgi_temp_path $TRASH/nginx-tmp/fastcgi; uwsgi_temp_path $TRASH/nginx-tmp/uwsgi;
		scgi_temp_path $TRASH/nginx-tmp/scgi;
		server { listen 127.0.0.1:$NPORT; root $TRASH/www; }
	}
	EOF
	nginx -c "$TRASH/nginx.conf" -p "$TRASH" -e "$TRASH/nginx-error.log" &&
	poll 50 "test -s nginx.pid" &&
	stubs nginx "http://127.0.0.1:$NPORT"
'
[ -s nginx.pid ] && kill "$(cat nginx.pid)"
test_done
