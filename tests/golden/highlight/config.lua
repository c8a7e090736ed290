-- site.lua: a comment
--[[ a long
comment ]]
--[==[ level two ]] still comment ]==]
local site = {
	title = "Netfilter \"project\"",
	base_url = 'https://netfilter.org/',
	weight = 0x10, ratio = 1.5e-2, n = 10,
	body = [[long
string]], other = [=[with ]] inside]=],
}
function site.init(self)
	if not self.title then return nil end
	for k, v in pairs(self) do print(k, tostring(v)) end
	return self.n // 2 .. "x"
end
local bad = "unterminated
local long = [[never closed
