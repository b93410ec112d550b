-- GET /v1/products pages: half the plain newest-first listing, a third filtered by category, the
-- rest by one of the bench catalog's sellers (lakoo-catalog-fill ids); a tenth of each asks
-- for a second page through a cursor taken from an earlier answer.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local categories = { "fashion", "kecantikan", "rumah_tangga", "makanan_minuman", "ibu_bayi", "elektronik", "hobi", "olahraga" }
local cursors = {}

local function seller(n)
  local digits = tostring(n)
  return "sel_bench" .. string.rep("0", 21 - #digits) .. digits
end

function init(args)
  math.randomseed(os.time() + (tid or 0))
end

function request()
  local r = math.random()
  local path
  if r < 0.5 then
    path = "/v1/products?limit=20"
  elseif r < 0.83 then
    path = "/v1/products?limit=20&category=" .. categories[math.random(#categories)]
  else
    path = "/v1/products?limit=20&seller_id=" .. seller(math.floor(500 * math.random() ^ 2))
  end
  if #cursors > 0 and math.random() < 0.1 then
    path = cursors[math.random(#cursors)]
  end
  return wrk.format("GET", path)
end

local report_response = response
function response(status, headers, body)
  report_response(status, headers, body)
  if #cursors < 200 and status == 200 then
    local c = body:match('"next_cursor":"([^"]+)"')
    if c then
      table.insert(cursors, "/v1/products?limit=20&cursor=" .. c)
    end
  end
end
