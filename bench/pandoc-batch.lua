-- pandoc Lua filter for `make bench`: converts every page listed in the file named by
-- $BENCH_LIST (one wikitext file per line) from MediaWiki to Markdown, each page on its
-- own (pandoc.read + pandoc.write, exactly what `pandoc -f mediawiki -t markdown FILE`
-- does), into $BENCH_OUT/<name>.md, in one pandoc process so that per-process start-up
-- is not counted against pandoc. Run as: pandoc -f markdown -t plain --lua-filter THIS /dev/null
function Pandoc(doc)
	local list = assert(io.open(os.getenv("BENCH_LIST")))
	local out = os.getenv("BENCH_OUT")
	for path in list:lines() do
		local f = assert(io.open(path, "rb"))
		local text = f:read("a")
		f:close()
		local md = pandoc.write(pandoc.read(text, "mediawiki"), "markdown")
		local name = path:match("([^/]+)$")
		local g = assert(io.open(out .. "/" .. name .. ".md", "wb"))
		g:write(md)
		g:close()
	end
	list:close()
	return doc
end
