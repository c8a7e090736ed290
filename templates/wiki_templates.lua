-- wiki_templates.lua: Markdown for the legacy nftables wiki's own templates, used by
-- `nfsite import mediawiki` (site.lua: wiki_templates = require("wiki_templates")).
--
-- Each entry maps a template name to a function of its arguments: args[1], args[2]…
-- for positional ones, args.name for named ones (strings, possibly empty). It returns
-- Markdown, or nil to let the importer expand the wiki's own template source instead.
--
-- Arguments are raw wikitext from untrusted pages: everything is escaped for HTML
-- except the little inline markup the templates were used with (<code>, '' and ''',
-- [[links]] and [http://… labels]). `wiki_url(title)`, when the importer defines it,
-- gives the new URL of a wiki page (nil for a missing one).

local M = {}

local function escape_html(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

-- [[Target|label]] → a Markdown link when the importer knows the page (wiki_url is
-- provided by `nfsite import mediawiki`), else the label alone.
local function md_label(s)
  return (s:gsub("[%[%]\\]", "\\%0"))
end

local function url_of(target)
  if type(wiki_url) ~= "function" then return nil end
  return wiki_url((target:gsub("#.*$", "")))
end

local function links(s)
  s = s:gsub("%[%[([^%[%]|]+)|([^%[%]]*)%]%]", function(target, label)
    local url = url_of(target)
    if label == "" then label = target:gsub("^[^:]*:", "") end
    if url then return "[" .. md_label(label) .. "](" .. url .. ")" end
    return md_label(label)
  end)
  s = s:gsub("%[%[([^%[%]|]+)%]%]", function(target)
    local url = url_of(target)
    if url then return "[" .. md_label(target) .. "](" .. url .. ")" end
    return md_label(target)
  end)
  s = s:gsub("%[(https?://[^%s%]<>\"]+) ([^%]]+)%]", function(url, label)
    return "[" .. md_label(label) .. "](" .. url .. ")"
  end)
  return s
end

-- Inline wikitext → Markdown, escaping anything else that looks like HTML.
local function inline(s)
  s = s:gsub("^%s+", ""):gsub("%s+$", "")
  local parts = {}
  local pos = 1
  while true do
    local a, b, code = s:find("<code>(.-)</code>", pos)
    if not a then break end
    parts[#parts + 1] = links(escape_html(s:sub(pos, a - 1)))
    local fence = "`"
    while code:find(fence, 1, true) do fence = fence .. "`" end
    parts[#parts + 1] = fence .. " " .. code .. " " .. fence
    pos = b + 1
  end
  parts[#parts + 1] = links(escape_html(s:sub(pos)))
  s = table.concat(parts)
  s = s:gsub("'''(.-)'''", "**%1**"):gsub("''(.-)''", "*%1*")
  return s
end

local function arg(args, key, default)
  local v = args[key]
  if v == nil or v:match("^%s*$") then return default end
  return v
end

-- A label: bold text in a span the theme may style (class only, no inline style).
local function badge(text)
  return '<span class="wiki-badge">' .. escape_html(text) .. "</span>"
end

M["Badge"] = function(args)
  return badge(arg(args, 1, "?"))
end

M["Kernel"] = function(args)
  return badge("Linux " .. arg(args, 1, "?") .. "+")
end
M["Min kernel"] = M["Kernel"]

M["Version"] = function(args)
  local s = badge(arg(args, "tool", "nft") .. " " .. arg(args, 1, arg(args, "version", "?")))
  local kernel = arg(args, "kernel", nil)
  if kernel then s = s .. " " .. M["Kernel"]({ kernel }) end
  return s
end

M["Tip"] = function(args)
  local title = inline(arg(args, "title", "Tip"))
  local text = inline(arg(args, 1, "''(no tip text given)''"))
  return "\n\n> **" .. title .. ":** " .. text .. "\n\n"
end

-- The infobox becomes a small two-column table at the top of the page.
M["Infobox project"] = function(args)
  local rows = {
    { "Type", inline(arg(args, "type", "userspace tool")) },
    { "Maintainer", inline(arg(args, "maintainer", "netfilter core team")) },
    { "License", inline(arg(args, "license", "GPL-2.0-or-later")) },
  }
  local repo = arg(args, "repo", nil)
  if repo and repo:match("^https?://[%w%-%._~:/%?#@!%$&'%*%+,;=%%]+$") then
    rows[#rows + 1] = { "Repository", "<" .. repo .. ">" }
  else
    rows[#rows + 1] = { "Repository", "*not published*" }
  end
  rows[#rows + 1] = { "Requires", inline(arg(args, "requires", "—")) }
  local out = { "", "", "| " .. inline(arg(args, "name", "Project")) .. " | |", "|---|---|" }
  for _, r in ipairs(rows) do
    out[#out + 1] = "| " .. r[1] .. " | " .. r[2]:gsub("|", "\\|") .. " |"
  end
  out[#out + 1] = ""
  out[#out + 1] = ""
  return table.concat(out, "\n")
end

return M
