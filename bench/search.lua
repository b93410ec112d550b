-- GET /v1/products?q=: one or two words drawn from the bench catalog's vocabulary
-- (lakoo-catalog-fill), common ones more often, a quarter of them within a category.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local nouns = { "kaos", "kemeja", "batik", "hijab", "tas", "sepatu", "dress", "celana", "jaket",
  "serum", "lipstik", "masker", "sabun", "parfum", "sambal", "kopi", "teh", "keripik", "madu",
  "lampu", "bantal", "rak", "mainan", "boneka", "buku", "headset", "casing", "botol", "dompet",
  "kalung", "topi", "sandal", "sneakers", "songket", "tenun", "rotan", "anyaman", "keramik" }
local adjectives = { "polos", "hitam", "putih", "merah", "premium", "original", "lokal",
  "handmade", "organik", "pedas", "wangi", "oversize", "motif", "vintage", "bali", "jogja",
  "sumba", "katun", "denim", "wireless", "jumbo", "hemat", "untuk", "bahan", "perfect" }
local categories = { "fashion", "kecantikan", "rumah_tangga", "makanan_minuman" }

function init(args)
  math.randomseed(os.time() + (tid or 0))
end

local function skewed(list)
  return list[math.floor(#list * math.random() ^ 2) + 1]
end

function request()
  local q = skewed(nouns)
  if math.random() < 0.6 then
    q = q .. "+" .. skewed(adjectives)
  end
  local path = "/v1/products?limit=20&q=" .. q
  if math.random() < 0.25 then
    path = path .. "&category=" .. categories[math.random(#categories)]
  end
  return wrk.format("GET", path)
end
