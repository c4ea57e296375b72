-- domxml for Neovim: the libvirt XML language server (`domxml lsp`).
--
-- Neovim 0.11+: add this directory to 'runtimepath' and call `vim.lsp.enable('domxml')`
-- (lsp/domxml.lua holds the configuration; override it with `vim.lsp.config('domxml', {...})`).
-- Neovim 0.10: `require('domxml').setup(opts)`.
local M = {}

--- Root elements of libvirt's XML formats: the server's list (crates/libvirt/src/kinds.rs);
--- crates/libvirt/tests/editor_roots.rs fails when they differ.
M.roots = {
  'domain', 'network', 'networkport', 'pool', 'volume', 'secret', 'interface',
  'filter', 'filterbinding', 'nwfilter', 'nwfilterbinding', 'device', 'capabilities', 'domainCapabilities',
  'storagepoolCapabilities', 'domainsnapshot', 'domaincheckpoint', 'domainbackup',
}
local root_set = {}
for _, name in ipairs(M.roots) do
  root_set[name] = true
end

--- Settings sent to the server (workspace/configuration section `domxml`, and init_options).
--- schema.path: a libvirt schema directory or .rng file, or 'builtin'; '' = discovery
--- (DOMXML_SCHEMA_PATH, the host's libvirt schemas, else the builtin schema).
M.default_settings = {
  schema = { path = '' },
  diagnostics = { enable = true },
  format = { enable = true, indentWidth = 2, useTabs = false, keepBlankLines = true },
}

--- Last `domxml/status` per client id (pushed by the server, or asked for with a request).
M.status = {}

--- `virsh edit` edits a copy in $TMPDIR/virshXXXXXX.xml.
function M.is_virsh_temp_file(path)
  local name = vim.fs.basename(path or '')
  return name:match('^virsh%w%w%w%w%w%w%.xml$') ~= nil
end

--- The first element's name in a buffer (skipping the prolog, comments, PIs and doctype), or nil.
function M.root_element(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, math.min(200, vim.api.nvim_buf_line_count(bufnr)), false)
  local text = table.concat(lines, '\n')
  local i = 1
  while true do
    local lt = text:find('<', i, true)
    if not lt then
      return nil
    end
    local two, four = text:sub(lt, lt + 1), text:sub(lt, lt + 3)
    if two == '<?' then
      local e = text:find('?>', lt + 2, true)
      if not e then return nil end
      i = e + 2
    elseif four == '<!--' then
      local e = text:find('-->', lt + 4, true)
      if not e then return nil end
      i = e + 3
    elseif two == '<!' then
      local e = text:find('>', lt + 2, true)
      if not e then return nil end
      i = e + 1
    else
      return text:match('^<([%a_][%w_%.%-]*:?[%w_%.%-]*)', lt)
    end
  end
end

--- Whether a buffer is a libvirt document: its root is a libvirt kind, or it is a virsh edit file.
function M.is_libvirt_buffer(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if M.is_virsh_temp_file(vim.api.nvim_buf_get_name(bufnr)) then
    return true
  end
  local root = M.root_element(bufnr)
  return root ~= nil and root_set[root] == true
end

--- Whether a buffer has no element yet (empty, blank, or only a prolog/comments): a new file that
--- may become libvirt XML. The server gets it too, so that `<` offers `<domain>`.
function M.is_new_xml_buffer(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if M.root_element(bufnr) ~= nil then
    return false
  end
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, math.min(200, vim.api.nvim_buf_line_count(bufnr)), false)
  local text = table.concat(lines, '\n')
  -- text after the last complete prolog item that is not markup is not a new document
  local rest = text:gsub('<%?.-%?>', ''):gsub('<!%-%-.-%-%->', ''):gsub('<![^>]*>', '')
  return rest:match('^%s*<?[%w_:%.%-]*$') ~= nil
end

local function status_handler(err, result, ctx)
  if not err and type(result) == 'table' then
    M.status[ctx.client_id] = result
  end
  return vim.NIL
end

--- Human-readable description of a `domxml/status` result.
function M.describe_status(status)
  if type(status) ~= 'table' or type(status.schema) ~= 'table' then
    return nil
  end
  local schema = status.schema
  local libvirt = type(schema.libvirtVersion) == 'string' and ('libvirt ' .. schema.libvirtVersion) or nil
  local text
  if schema.kind == 'path' or (type(schema.path) == 'string' and schema.kind ~= 'builtin') then
    text = 'schema from ' .. tostring(schema.path or 'disk') .. (libvirt and (' (' .. libvirt .. ')') or '')
  else
    text = 'builtin schema' .. (libvirt and (' (' .. libvirt .. ')') or '')
  end
  if type(schema.error) == 'string' then
    text = text .. '; problem: ' .. schema.error
  end
  return text
end

--- Asks an attached client for `domxml/status` (synchronously, with a timeout); nil when the
--- server does not answer it.
function M.request_status(client, timeout_ms)
  local bufnr = next(client.attached_buffers or {})
  local ok, response = pcall(function()
    if vim.fn.has('nvim-0.11') == 1 then
      return client:request_sync('domxml/status', vim.empty_dict(), timeout_ms or 2000, bufnr)
    end
    return client.request_sync('domxml/status', vim.empty_dict(), timeout_ms or 2000, bufnr)
  end)
  if ok and response and not response.err and type(response.result) == 'table' then
    M.status[client.id] = response.result
    return response.result
  end
  return M.status[client.id]
end

--- root_dir in Neovim 0.11's form: start only for libvirt buffers; the workspace is the
--- enclosing git repository or the file's directory (virsh edit files: $TMPDIR).
function M.root_dir(bufnr, on_dir)
  if not (M.is_libvirt_buffer(bufnr) or M.is_new_xml_buffer(bufnr)) then
    return
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  local root = vim.fs.root(bufnr, { '.git' })
  if root == nil and name ~= '' then
    root = vim.fs.dirname(name)
  end
  on_dir(root)
end

function M.reuse_client(client, config)
  return client.name == config.name and vim.deep_equal(client.config.cmd, config.cmd)
end

--- The configuration for `vim.lsp.config` (0.11) / `vim.lsp.start` (0.10).
function M.config()
  local editing = require('domxml.editing')
  return {
    cmd = { 'domxml', 'lsp' },
    filetypes = { 'xml' },
    root_dir = M.root_dir,
    settings = { domxml = vim.deepcopy(M.default_settings) },
    handlers = { ['domxml/status'] = status_handler },
    -- commands the server puts on completion items (reopen the list for an attribute's value)
    commands = editing.commands,
    -- one server for every libvirt file (it needs no workspace), virsh edit files included
    reuse_client = M.reuse_client,
    -- initializationOptions mirror settings.domxml (as the VS Code extension sends them)
    before_init = function(params, config)
      local settings = config.settings and config.settings.domxml
      if type(settings) == 'table' and params.initializationOptions == nil then
        params.initializationOptions = settings
      end
      -- vim.g.domxml.completion.snippets = false: plain completions (`model=""`, `<disk>`)
      if editing.options().completion.snippets == false then
        local item = vim.tbl_get(params, 'capabilities', 'textDocument', 'completion', 'completionItem')
        if type(item) == 'table' then
          item.snippetSupport = false
        end
      end
    end,
  }
end

local augroup
--- Starts the server for libvirt XML buffers.
--- On 0.11+ this is `vim.lsp.config('domxml', opts)` + `vim.lsp.enable('domxml')`;
--- on 0.10 a FileType autocmd calls `vim.lsp.start`. opts: any vim.lsp.Config field
--- (cmd, settings = { domxml = {...} }, on_attach, capabilities, ...).
function M.setup(opts)
  opts = vim.deepcopy(opts or {})
  -- _use_autocmd: take the 0.10 path on 0.11 too (the tests use it to cover that path)
  local use_autocmd = opts._use_autocmd
  opts._use_autocmd = nil
  if not use_autocmd and vim.fn.has('nvim-0.11') == 1 and vim.lsp.config and vim.lsp.enable then
    -- merged over lsp/domxml.lua by vim.lsp.config itself
    vim.lsp.config('domxml', opts)
    vim.lsp.enable('domxml')
    return
  end
  local config = vim.tbl_deep_extend('force', M.config(), opts)
  config.name = 'domxml'
  local root_dir_fn = config.root_dir
  augroup = vim.api.nvim_create_augroup('domxml', { clear = true })
  local function start(bufnr)
    if not vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      return
    end
    root_dir_fn(bufnr, function(root)
      local c = vim.deepcopy(config)
      c.root_dir = root
      c.filetypes = nil
      vim.lsp.start(c, { bufnr = bufnr, reuse_client = c.reuse_client })
    end)
  end
  M._start_buffer = start
  vim.api.nvim_create_autocmd('FileType', {
    group = augroup,
    pattern = config.filetypes,
    callback = function(args)
      start(args.buf)
    end,
  })
  -- buffers already open when setup runs
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      start(bufnr)
    end
  end
end

--- Starts (or reuses) the server for one buffer if it is libvirt XML and domxml is enabled
--- (0.11: vim.lsp.enable('domxml'); 0.10: setup()). For buffers that were not libvirt XML when
--- their filetype was set (a new file): called on InsertLeave and BufWritePost (plugin/domxml.lua).
function M.attach_late(bufnr)
  if vim.bo[bufnr].filetype ~= 'xml' or vim.bo[bufnr].buftype ~= '' then
    return
  end
  if
    #vim.lsp.get_clients({ bufnr = bufnr, name = 'domxml' }) > 0
    or not (M.is_libvirt_buffer(bufnr) or M.is_new_xml_buffer(bufnr))
  then
    return
  end
  if M._start_buffer then
    M._start_buffer(bufnr)
  elseif vim.lsp.is_enabled and vim.lsp.is_enabled('domxml') then
    local config = vim.deepcopy(vim.lsp.config.domxml)
    local function start(root)
      config.root_dir = root
      vim.schedule(function()
        vim.lsp.start(config, { bufnr = bufnr, reuse_client = config.reuse_client })
      end)
    end
    if type(config.root_dir) == 'function' then
      config.root_dir(bufnr, start)
    else
      start(config.root_dir)
    end
  end
end

return M
