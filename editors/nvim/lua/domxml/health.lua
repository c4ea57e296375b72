-- :checkhealth domxml — the server binary, its version and the schema it uses.
local M = {}

local health = vim.health

local function configured_cmd()
  local config = vim.lsp.config and vim.lsp.config.domxml
  if type(config) == 'table' and type(config.cmd) == 'table' then
    return config.cmd, config
  end
  local clients = vim.lsp.get_clients({ name = 'domxml' })
  if clients[1] and type(clients[1].config.cmd) == 'table' then
    return clients[1].config.cmd, clients[1].config
  end
  local default = require('domxml').config()
  return default.cmd, default
end

--- Starts `cmd` once, initializes it and asks for `domxml/status`; returns server info, status, error.
local function probe(cmd, settings)
  local done, info, status, problem = false, nil, nil, nil
  local ok, rpc = pcall(vim.lsp.rpc.start, cmd, {
    notification = function(method, params)
      if method == 'domxml/status' and type(params) == 'table' then
        status = params
      end
    end,
    server_request = function(method)
      if method == 'workspace/configuration' then
        return { settings or vim.NIL }, nil
      end
      return vim.NIL, nil
    end,
    on_exit = function(code)
      if not done then
        problem = ('the server exited with code %d'):format(code)
        done = true
      end
    end,
    on_error = function(code, err)
      problem = ('rpc error %s: %s'):format(tostring(code), vim.inspect(err))
    end,
  })
  if not ok then
    return nil, nil, tostring(rpc)
  end
  rpc.request('initialize', {
    processId = vim.fn.getpid(),
    rootUri = vim.NIL,
    capabilities = vim.empty_dict(),
    initializationOptions = settings or vim.NIL,
    clientInfo = { name = 'Neovim :checkhealth domxml' },
  }, function(err, result)
    if err then
      problem = 'initialize failed: ' .. vim.inspect(err)
      done = true
      return
    end
    info = result and result.serverInfo or {}
    rpc.notify('initialized', vim.empty_dict())
    rpc.request('domxml/status', vim.empty_dict(), function(err2, result2)
      if not err2 and type(result2) == 'table' then
        status = result2
      end
      done = true
    end)
  end)
  vim.wait(5000, function()
    return done
  end, 20)
  if not done then
    problem = problem or 'no answer to initialize within 5 s'
  end
  pcall(rpc.request, 'shutdown', vim.NIL, function()
    pcall(rpc.notify, 'exit', vim.NIL)
  end)
  vim.wait(500, function()
    return rpc.is_closing()
  end, 20)
  pcall(rpc.terminate)
  return info, status, problem
end

function M.check()
  local domxml = require('domxml')
  health.start('domxml: Neovim')
  if vim.fn.has('nvim-0.11') == 1 then
    health.ok('Neovim ' .. tostring(vim.version()) .. ': use vim.lsp.enable("domxml")')
  elseif vim.fn.has('nvim-0.10') == 1 then
    health.ok('Neovim ' .. tostring(vim.version()) .. ': use require("domxml").setup()')
  else
    health.error('Neovim ' .. tostring(vim.version()) .. ' is too old', { 'domxml needs Neovim 0.10 or newer' })
  end

  health.start('domxml: server binary')
  local cmd, config = configured_cmd()
  local exe = vim.fn.exepath(cmd[1])
  if exe == '' then
    health.error(('`%s` not found (cmd = %s)'):format(cmd[1], vim.inspect(cmd)), {
      'Install it: `cargo install --path crates/domxml` from the domxml repository, or put a release binary on PATH',
      'or set the command: vim.lsp.config("domxml", { cmd = { "/path/to/domxml", "lsp" } })',
    })
    return
  end
  health.ok(('binary: %s (cmd = %s)'):format(exe, vim.inspect(cmd)))
  local result = vim.system({ exe, '--version' }, { text = true }):wait(5000)
  if result.code == 0 then
    health.ok('version: ' .. vim.trim(result.stdout))
  else
    health.warn(('`%s --version` failed (exit %s): %s'):format(exe, tostring(result.code), vim.trim(result.stderr or '')))
  end

  health.start('domxml: schema')
  local settings = config.settings and config.settings.domxml or nil
  local path = type(settings) == 'table' and type(settings.schema) == 'table' and settings.schema.path
  if type(path) == 'string' and path ~= '' and path ~= 'builtin' then
    local expanded = vim.fn.expand(path)
    if vim.fn.filereadable(expanded) == 0 and vim.fn.isdirectory(expanded) == 0 then
      health.warn('settings.domxml.schema.path = ' .. path .. ' does not exist', { 'point it at a libvirt schema directory (e.g. /usr/share/libvirt/schemas) or its domain.rng, or use "builtin"' })
    end
    health.info('settings.domxml.schema.path = ' .. settings.schema.path)
  else
    health.info('settings.domxml.schema.path is unset: DOMXML_SCHEMA_PATH, else the host\'s libvirt schemas, else the builtin schema')
  end
  local reported = false
  for _, client in ipairs(vim.lsp.get_clients({ name = 'domxml' })) do
    local status = domxml.request_status(client, 2000)
    local text = domxml.describe_status(status)
    if text then
      health.ok(('in use by client %d: %s'):format(client.id, text))
      reported = true
    end
  end
  if not reported then
    local info, status, problem = probe(cmd, settings)
    if problem then
      health.error('could not run the server: ' .. problem, { ('check that `%s` works'):format(table.concat(cmd, ' ')) })
    else
      local text = domxml.describe_status(status)
      if text then
        health.ok(('in use (%s %s): %s'):format(info.name or 'domxml', info.version or '', text))
      else
        health.warn(('%s %s started, but does not report its schema (no domxml/status)'):format(info.name or 'domxml', info.version or ''))
      end
    end
  end

  health.start('domxml: buffers')
  local attached = 0
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].filetype == 'xml' then
      local has = #vim.lsp.get_clients({ bufnr = bufnr, name = 'domxml' }) > 0
      local name = vim.api.nvim_buf_get_name(bufnr)
      if has then
        attached = attached + 1
        health.ok('attached: ' .. name)
      elseif domxml.is_libvirt_buffer(bufnr) then
        health.warn('libvirt XML but not attached: ' .. name, { 'enable the server: vim.lsp.enable("domxml") (0.11) or require("domxml").setup() (0.10)' })
      else
        health.info(('not libvirt XML (root <%s>): %s'):format(domxml.root_element(bufnr) or '?', name))
      end
    end
  end
  if attached == 0 then
    health.info('no XML buffer attached')
  end
end

return M
