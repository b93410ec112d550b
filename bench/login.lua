-- POST /v1/auth/login with one user's credentials, over and over.
-- Script arguments (after wrk's `--`): <email> <password>.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local req

function init(args)
  local email = args[1] or "bench-user@bench.lakoo.local"
  local password = args[2] or "bench-password-1"
  local body = string.format('{"email":"%s","password":"%s"}', email, password)
  req = wrk.format("POST", "/v1/auth/login", { ["Content-Type"] = "application/json" }, body)
end

function request()
  return req
end
