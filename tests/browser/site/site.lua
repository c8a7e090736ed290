-- A small site for the browser tests: one dismissible and one fixed banner on /docs/.
return {
	title = "Browser fixture",
	base_url = "http://127.0.0.1/",
	language = "en",
	description = "A fixture site for the browser tests.",
	menus = {
		main = {
			{ name = "Docs", url = "/docs/", weight = 1 },
			{ name = "FAQ", url = "/faq/", weight = 2 },
		},
	},
	banners = {
		{
			id = "legacy-note",
			level = "deprecation",
			message = "This page is about **iptables**, a legacy tool.",
			link = "/faq/",
			link_text = "Read the FAQ",
			dismissible = true,
			match = { section = "/docs/" },
		},
		{
			id = "fixed-note",
			level = "info",
			message = "This notice cannot be dismissed.",
			dismissible = false,
			match = { section = "/docs/" },
		},
	},
}
