-- POST /v1/cart/items for many users in turn: each request checks the sku and its product, then
-- durably writes the user's cart, then prices it. Script arguments (after wrk's `--`):
-- <file with one access token per line> <sku>.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local tokens = {}
local body
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      table.insert(tokens, line)
    end
  end
  body = string.format('{"sku":"%s","quantity":1}', args[2])
  counter = (tid or 0) * 7919
end

function request()
  counter = counter + 1
  return wrk.format("POST", "/v1/cart/items", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1],
  }, body)
end
