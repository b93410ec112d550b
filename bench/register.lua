-- POST /v1/auth/register with a new email every request: run prefix + thread id + counter.
-- Script argument (after wrk's `--`): <run prefix>, unique per run and per wrk process
-- (bench/run.sh passes `<epoch>-<random>-p<process>`). Every request creates a real account.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local prefix
local counter = 0
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  math.randomseed(os.time() + (tid or 0))
  prefix = args[1] or string.format("%d-%06x", os.time(), math.random(0, 0xffffff))
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"email":"r-%s-t%d-%d@bench.lakoo.local","password":"bench-password-1","name":"Bench %d"}',
    prefix, tid or 0, counter, counter)
  return wrk.format("POST", "/v1/auth/register", headers, body)
end
