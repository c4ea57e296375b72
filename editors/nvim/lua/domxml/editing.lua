-- What the plugin turns on in a buffer once domxml attaches: completion as you type (with
-- snippets), inlay hints, and auto-closing tags. Each can be turned off with `vim.g.domxml`:
--
--   vim.g.domxml = {
--     completion = { enable = true, autotrigger = true, snippets = true, completeopt = 'menuone,noselect,popup' },
--     inlay_hints = true,
--     auto_close = true,
--   }
local M = {}

M.defaults = {
  completion = {
    enable = true,
    autotrigger = true,
    snippets = true,
    -- set for the buffer unless 'completeopt' has noselect or noinsert already: without either, the
    -- menu that opens by itself would insert its first item while you type (false: leave it alone)
    completeopt = 'menuone,noselect,popup',
  },
  inlay_hints = true,
  auto_close = true,
}

--- The options in force: vim.g.domxml merged over the defaults.
function M.options()
  local user = vim.g.domxml
  if type(user) ~= 'table' then
    user = {}
  end
  return vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), user)
end

--- JSON-RPC's "method not found": the server has no `domxml/autoClose`.
local METHOD_NOT_FOUND = -32601
M.AUTO_CLOSE_METHOD = 'domxml/autoClose'

--- Per client id: false once the server answered MethodNotFound to domxml/autoClose.
local server_closes = {}

--- The name of the element a `>` just closed the start tag of, when that tag is a start tag
--- (not `/>`, `</x>`, `<?`, `<!`) and its end tag does not follow already. `before` is the text of
--- the buffer up to and including the `>`; `after` the rest of the line.
function M.start_tag_before(before, after)
  if before:sub(-2) == '/>' then
    return nil
  end
  -- the last `<` before the `>`; quotes in attribute values may hold `>`, so walk the tag
  local lt
  for i = #before - 1, 1, -1 do
    if before:sub(i, i) == '<' then
      lt = i
      break
    end
  end
  if not lt then
    return nil
  end
  local tag = before:sub(lt, -1)
  local name = tag:match('^<([%a_][%w_%.%-]*:?[%w_%.%-]*)')
  if not name then
    return nil
  end
  -- an unbalanced quote means the `>` is inside an attribute value
  local rest = tag:sub(#name + 2, -2)
  local quote
  for ch in rest:gmatch('.') do
    if quote then
      if ch == quote then
        quote = nil
      end
    elseif ch == '"' or ch == "'" then
      quote = ch
    end
  end
  if quote then
    return nil
  end
  if after:match('^%s*</' .. vim.pesc(name) .. '%s*>') then
    return nil
  end
  return name
end

--- The innermost element still open at the end of `text` (a forward scan with a stack; comments,
--- CDATA, PIs and quoted attribute values are skipped), or nil.
function M.open_element(text)
  local stack = {}
  local i = 1
  local n = #text
  while i <= n do
    local lt = text:find('<', i, true)
    if not lt then
      break
    end
    if text:sub(lt, lt + 3) == '<!--' then
      local e = text:find('-->', lt + 4, true)
      if not e then
        return nil
      end
      i = e + 3
    elseif text:sub(lt, lt + 8) == '<![CDATA[' then
      local e = text:find(']]>', lt + 9, true)
      if not e then
        return nil
      end
      i = e + 3
    elseif text:sub(lt, lt + 1) == '<?' or text:sub(lt, lt + 1) == '<!' then
      local e = text:find('>', lt + 2, true)
      if not e then
        break
      end
      i = e + 1
    elseif text:sub(lt, lt + 1) == '</' then
      local name = text:match('^</([^%s>]+)', lt)
      -- pop to the matching start tag (tolerating unclosed children)
      for k = #stack, 1, -1 do
        if stack[k] == name then
          for _ = k, #stack do
            table.remove(stack)
          end
          break
        end
      end
      local e = text:find('>', lt + 2, true)
      if not e then
        break
      end
      i = e + 1
    else
      local name = text:match('^<([%a_][%w_%.%-]*:?[%w_%.%-]*)', lt)
      if not name then
        i = lt + 1
      else
        -- find the tag's `>` outside quotes
        local j = lt + 1 + #name
        local quote, close
        while j <= n do
          local ch = text:sub(j, j)
          if quote then
            if ch == quote then
              quote = nil
            end
          elseif ch == '"' or ch == "'" then
            quote = ch
          elseif ch == '>' then
            close = j
            break
          end
          j = j + 1
        end
        if not close then
          break
        end
        if text:sub(close - 1, close - 1) ~= '/' then
          stack[#stack + 1] = name
        end
        i = close + 1
      end
    end
  end
  return stack[#stack]
end

--- The buffer's text up to the cursor (row 0-based, col a byte index).
local function text_before(bufnr, row, col)
  local lines = vim.api.nvim_buf_get_text(bufnr, 0, 0, row, col, {})
  return table.concat(lines, '\n')
end

--- What to insert after `ch` at (row, col), computed from the buffer: `</name>` after a start
--- tag's `>` (the cursor stays before it), `name>` after `</`.
function M.local_close(bufnr, row, col, ch)
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
  local after = line:sub(col + 1)
  if ch == '>' then
    local name = M.start_tag_before(text_before(bufnr, row, col), after)
    if name then
      return { text = '</' .. name .. '>', cursor_stays = true }
    end
  elseif ch == '/' and line:sub(col - 1, col) == '</' then
    local name = M.open_element(text_before(bufnr, row, col - 2))
    if name and not after:match('^' .. vim.pesc(name) .. '%s*>') then
      return { text = name .. '>', cursor_stays = false }
    end
  end
  return nil
end

local function insert_plain(bufnr, row, col, edit)
  vim.api.nvim_buf_set_text(bufnr, row, col, row, col, { edit.text })
  if not edit.cursor_stays and vim.api.nvim_get_current_buf() == bufnr then
    vim.api.nvim_win_set_cursor(0, { row + 1, col + #edit.text })
  end
end

local function insert_snippet(snippet)
  -- a plain `$0`-only snippet still goes through vim.snippet so that the cursor lands on `$0`
  local ok = pcall(vim.snippet.expand, snippet)
  if not ok then
    local plain = snippet:gsub('%$%{?%d+%}?', '')
    vim.api.nvim_put({ plain }, 'c', false, false)
  end
end

--- Called (scheduled) after `ch` was typed in insert mode: asks the server, else closes locally.
function M.auto_close(bufnr, ch)
  if vim.api.nvim_get_current_buf() ~= bufnr or not vim.api.nvim_get_mode().mode:match('^i') then
    return
  end
  local cursor = vim.api.nvim_win_get_cursor(0)
  local row, col = cursor[1] - 1, cursor[2]
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
  if line:sub(col, col) ~= ch then
    return
  end
  local tick = vim.b[bufnr].changedtick
  local function still_here()
    if vim.b[bufnr].changedtick ~= tick or vim.api.nvim_get_current_buf() ~= bufnr then
      return false
    end
    local now = vim.api.nvim_win_get_cursor(0)
    return now[1] - 1 == row and now[2] == col
  end
  local function fallback()
    local edit = M.local_close(bufnr, row, col, ch)
    if edit then
      insert_plain(bufnr, row, col, edit)
    end
  end

  local client = vim.lsp.get_clients({ bufnr = bufnr, name = 'domxml' })[1]
  if not client or server_closes[client.id] == false then
    return fallback()
  end
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding or 'utf-16')
  params.ch = ch
  local ok = pcall(function()
    client:request(M.AUTO_CLOSE_METHOD, params, function(err, result)
      vim.schedule(function()
        if err then
          if err.code == METHOD_NOT_FOUND then
            server_closes[client.id] = false
          end
          if still_here() then
            fallback()
          end
          return
        end
        server_closes[client.id] = true
        if still_here() and type(result) == 'table' and type(result.snippet) == 'string' and result.snippet ~= '' then
          insert_snippet(result.snippet)
        end
      end)
    end, bufnr)
  end)
  if not ok then
    fallback()
  end
end

--- Whether the cursor sits between the quotes of an attribute value that is still empty, as
--- after accepting `model` (`model="$1"`).
local function in_empty_value(bufnr)
  local cursor = vim.api.nvim_win_get_cursor(0)
  local line = vim.api.nvim_buf_get_lines(bufnr, cursor[1] - 1, cursor[1], false)[1] or ''
  local col = cursor[2]
  local around = line:sub(col - 1, col + 1)
  return around == '=""' or around == "=''"
end

--- Opens the completion menu again (the value list after an attribute was accepted).
function M.retrigger(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if vim.api.nvim_get_current_buf() ~= bufnr or not vim.api.nvim_get_mode().mode:match('^i') then
    return
  end
  if vim.lsp.completion and vim.lsp.completion.get then
    pcall(vim.lsp.completion.get)
  end
end

local augroups = {}

--- Turns the editing features on for one buffer and the domxml client attached to it.
function M.attach(client, bufnr)
  local opts = M.options()
  if opts.inlay_hints and vim.lsp.inlay_hint and client:supports_method('textDocument/inlayHint') then
    pcall(vim.lsp.inlay_hint.enable, true, { bufnr = bufnr })
  end
  if opts.completion.enable then
    local cot = vim.o.completeopt
    if opts.completion.autotrigger and opts.completion.completeopt and not cot:find('noselect') and not cot:find('noinsert') then
      vim.bo[bufnr].completeopt = opts.completion.completeopt
    end
    if vim.lsp.completion and vim.lsp.completion.enable then
      vim.lsp.completion.enable(true, client.id, bufnr, { autotrigger = opts.completion.autotrigger })
    end
  end
  local group = vim.api.nvim_create_augroup('domxml_editing_' .. bufnr, { clear = true })
  augroups[bufnr] = group
  if opts.completion.enable then
    vim.api.nvim_create_autocmd('CompleteDone', {
      group = group,
      buffer = bufnr,
      callback = function()
        local item = vim.tbl_get(vim.v.completed_item or {}, 'user_data', 'nvim', 'lsp', 'completion_item')
        -- a server that asks for it (command) reopens the list itself, through M.retrigger
        if type(item) ~= 'table' or item.command then
          return
        end
        vim.schedule(function()
          if vim.api.nvim_get_current_buf() == bufnr and in_empty_value(bufnr) then
            M.retrigger(bufnr)
          end
        end)
      end,
    })
  end
  if opts.auto_close then
    vim.api.nvim_create_autocmd('InsertCharPre', {
      group = group,
      buffer = bufnr,
      callback = function()
        local ch = vim.v.char
        if ch == '>' or ch == '/' then
          vim.schedule(function()
            M.auto_close(bufnr, ch)
          end)
        end
      end,
    })
  end
end

function M.detach(bufnr)
  if augroups[bufnr] then
    pcall(vim.api.nvim_del_augroup_by_id, augroups[bufnr])
    augroups[bufnr] = nil
  end
end

--- Client-side commands a server may put on completion items.
M.commands = {
  ['editor.action.triggerSuggest'] = function(_, ctx)
    vim.schedule(function()
      M.retrigger(ctx and ctx.bufnr)
    end)
  end,
}

return M
