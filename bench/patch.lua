-- PATCH /v1/me for many users in turn: every request is a durable write (the user actor commits
-- a new snapshot version and answers once PostgreSQL has it).
-- Script argument (after wrk's `--`): <file with one access token per line>.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local tokens = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      table.insert(tokens, line)
    end
  end
  counter = (tid or 0) * 7919 -- threads start at different users
end

function request()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  local body = string.format('{"bio":"bench write %d"}', counter)
  return wrk.format("PATCH", "/v1/me", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end
