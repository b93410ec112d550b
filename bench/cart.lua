-- POST /v1/cart/items for many users in turn: each request checks the sku and its product, then
-- durably writes the user's cart, then prices it. Script arguments (after wrk's `--`):
-- <file with one access token per line> <sku>.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

dofile(here .. "tokens.lua")

local body

function init(args)
  load_tokens(args[1])
  body = string.format('{"sku":"%s","quantity":1}', args[2])
end

function request()
  return wrk.format("POST", "/v1/cart/items", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. next_token(),
  }, body)
end
