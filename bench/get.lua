-- GET the URL given to wrk (headers such as Authorization come from wrk -H). Used by the
-- floor, health and me scenarios of bench/run.sh.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")
