-- PATCH /v1/me for many users in turn: every request is a durable write (the user actor commits
-- a new snapshot version and answers once PostgreSQL has it).
-- Script argument (after wrk's `--`): <file with one access token per line>.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

dofile(here .. "tokens.lua")

function init(args)
  load_tokens(args[1])
end

function request()
  local token, n = next_token()
  local body = string.format('{"bio":"bench write %d"}', n)
  return wrk.format("PATCH", "/v1/me", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end
