-- POST /v1/cart/items for many users in turn: each request checks the sku and its product, then
-- durably writes the user's cart, then prices it. Script arguments (after wrk's `--`):
-- <file with one access token per line> <sku>.
--
-- A cart holds at most 1000 of one sku, so each user's cart is emptied (DELETE /v1/cart, 204)
-- on the second round over the users and then once every `clear_every` rounds: 1 request in 300
-- is a clear, and even three wrk processes at once (cart-3) stay under the limit. (Not the first
-- round: wrk drops the very first request a script generates.)
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

dofile(here .. "tokens.lua")

local body
local clear_every = 300
local sent = 0

function init(args)
  load_tokens(args[1])
  body = string.format('{"sku":"%s","quantity":1}', args[2])
end

function request()
  local round = math.floor(sent / #tokens)
  sent = sent + 1
  local headers = { ["Authorization"] = "Bearer " .. next_token() }
  if round % clear_every == 1 then
    return wrk.format("DELETE", "/v1/cart", headers)
  end
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", "/v1/cart/items", headers, body)
end
