-- site.lua: configuration of the netfilter.org site, read by nfsite (see docs/ARCHITECTURE.md).
-- Everything here is data, except the small Lua rules that decide which pages get a banner.

-- Templates of the legacy wiki mapped to Markdown for `nfsite import mediawiki`.
local ok, wiki_templates = pcall(require, "wiki_templates")

-- Pages about iptables: tagged so, under /projects/iptables/, or whose text shows
-- iptables commands that add rules.
local about_iptables = {
  any = {
    { tag = "iptables" },
    { path = "/projects/iptables/*" },
    { source = "(^|[[:space:]])(ip6?tables|ebtables|arptables)(-legacy)? +-[AIDNPR] " },
  },
}

return {
  title = "netfilter.org",
  description = "The netfilter project: nftables, the Linux packet classification framework, and its tools.",
  base_url = "https://www.netfilter.org/",
  language = "en",
  news_section = "/news/",
  bug_archive = "data/bugzilla.sqlite",

  menus = {
    main = {
      { name = "nftables", url = "/projects/nftables/", weight = 1 },
      { name = "Documentation", url = "/docs/", weight = 2 },
      { name = "FAQ", url = "/faq/", weight = 3 },
      { name = "Projects", url = "/projects/", weight = 4 },
      { name = "News", url = "/news/", weight = 5 },
      { name = "About", url = "/about/", weight = 6 },
    },
  },

  params = {
    tagline = "Packet filtering, NAT and connection tracking for Linux — with nftables.",
    repository = "https://git.netfilter.org/",
    mailing_lists = "https://www.netfilter.org/mailinglists.html",
    bug_report = "/about/",
  },

  banners = {
    {
      id = "iptables-legacy",
      level = "deprecation",
      message = "**iptables is legacy.** New rulesets should use nftables; "
        .. "`iptables-nft` and the translation tools help you move existing rules.",
      link = "/faq/",
      link_text = "Read the iptables deprecation FAQ",
      dismissible = true,
      order = 10,
      match = {
        all = {
          about_iptables,
          { ["not"] = { section = "/faq/" } },
          { ["not"] = { kind = { "faq", "question", "bug", "bug-index", "bug-product", "bug-component" } } },
        },
      },
    },
    {
      id = "bug-archive",
      level = "notice",
      message = "This is a **read-only archive** of the former netfilter Bugzilla. "
        .. "It cannot take new reports or comments.",
      link = "/about/",
      link_text = "How to report a bug today",
      dismissible = false,
      order = 1,
      match = { kind = { "bug", "bug-index", "bug-product", "bug-component" } },
    },
    {
      id = "wiki-migrated",
      level = "info",
      message = "This page was migrated from the legacy netfilter wiki; it is now edited here like any other page.",
      dismissible = true,
      order = 20,
      match = function(page) return page.params.original_url ~= nil and page.params.banner == nil end,
    },
    {
      -- The build puts the nft translation beside each such block (docs/CONFIG.md).
      id = "wiki-nft-translations",
      level = "info",
      message = "The iptables, ebtables and ipset examples on this page are shown with their nftables "
        .. "translation, made by `iptables-translate` and `ipset-translate` when the site was built.",
      link = "/faq/translate-single-rule/",
      link_text = "How the translation tools work",
      dismissible = true,
      order = 21,
      match = {
        all = {
          function(page) return page.params.original_url ~= nil end,
          { source = "^([$%#] )?(sudo )?(ip6?tables|ebtables|arptables)(-nft|-legacy)? +-|^([$%#] )?(sudo )?ipset +[a-z-]|^```(ip6?tables|ebtables|arptables)(-save)?$|^```ipset$|^\\*(filter|nat|mangle|raw)$" },
        },
      },
    },
  },

  -- Served by the web server beside the site (release tarballs): `nfsite check` skips them.
  check = { skip = { "/pub/" } },

  wiki_templates = ok and wiki_templates or nil,

  hooks = {
    -- Called with the page table before each page renders.
    page = function(page)
      if page.kind == "question" then page.description = page.question end
    end,
  },
}
