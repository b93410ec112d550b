-- Shared by patch.lua and cart.lua (loaded with dofile): the access tokens of the bench writers,
-- one per line in the file bench/run.sh prepares, and a per-thread round-robin over them.
tokens = {}
local counter = 0

function load_tokens(path)
  for line in io.lines(path) do
    if #line > 0 then
      table.insert(tokens, line)
    end
  end
  counter = (tid or 0) * 7919 -- threads start at different users
end

-- The next token and a running request number.
function next_token()
  counter = counter + 1
  return tokens[(counter % #tokens) + 1], counter
end
