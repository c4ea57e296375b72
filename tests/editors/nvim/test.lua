-- End-to-end test of editors/nvim with a real Neovim (0.11) and the real `domxml lsp`:
--   PATH=/path/to/dir/with/domxml:$PATH nvim --headless --clean -l tests/editors/nvim/test.lua
-- Loads the plugin the way a user does (runtimepath + vim.lsp.enable('domxml')), opens the
-- fixtures and checks attach, diagnostics, hover, completion and :checkhealth through Neovim.
-- A feature the server does not advertise is reported SKIP with the reason; anything else that
-- does not work is a FAIL. Exit status: 0 when nothing failed.

local script = debug.getinfo(1, 'S').source:sub(2)
local repo = vim.fs.normalize(vim.fn.fnamemodify(script, ':p:h:h:h:h'))
local fixtures = repo .. '/tests/editors/fixtures'
local timeout = tonumber(vim.env.DOMXML_TEST_TIMEOUT_MS or '') or 10000

vim.opt.runtimepath:prepend(repo .. '/editors/nvim')
vim.cmd('filetype on')
vim.cmd('runtime! plugin/domxml.lua')
vim.o.swapfile = false
vim.o.shortmess = vim.o.shortmess .. 'F'

local results = { pass = 0, fail = 0, skip = 0 }
local function log(fmt, ...)
  io.stdout:write(fmt:format(...) .. '\n')
  io.stdout:flush()
end

local Skip = {}
local function skip(reason)
  error(setmetatable({ reason = reason }, Skip), 0)
end

local function test(name, fn)
  local ok, err = xpcall(fn, function(e)
    if getmetatable(e) == Skip then
      return e
    end
    return debug.traceback(tostring(e), 2)
  end)
  if ok then
    results.pass = results.pass + 1
    log('ok   - %s', name)
  elseif getmetatable(err) == Skip then
    results.skip = results.skip + 1
    log('SKIP - %s: %s', name, err.reason)
  else
    results.fail = results.fail + 1
    log('FAIL - %s\n       %s', name, tostring(err):gsub('\n', '\n       '))
  end
end

local function wait_for(what, cond, ms)
  local value
  local ok = vim.wait(ms or timeout, function()
    value = cond()
    return value ~= nil and value ~= false
  end, 20)
  if not ok then
    error(('timed out after %d ms waiting for %s'):format(ms or timeout, what), 2)
  end
  return value
end

local function copy_fixture(name, dest_name)
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  local dest = dir .. '/' .. (dest_name or name)
  vim.fn.writefile(vim.fn.readfile(fixtures .. '/' .. name), dest)
  return dest
end

local function domxml_client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = 'domxml' })[1]
end

local function open(path)
  vim.cmd.edit(vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

-- the plugin, as a user enables it; DOMXML_NVIM_SETUP=setup: require('domxml').setup() (0.11
-- path), =autocmd: setup()'s Neovim 0.10 path (FileType autocmd + vim.lsp.start) on this 0.11
local how = vim.env.DOMXML_NVIM_SETUP or 'enable'
if how == 'enable' then
  vim.lsp.enable('domxml')
elseif how == 'setup' then
  require('domxml').setup({})
elseif how == 'autocmd' then
  require('domxml').setup({ _use_autocmd = true })
else
  error('DOMXML_NVIM_SETUP: ' .. how)
end
log('# enabled with: %s', how)

log('# nvim %s, domxml %s', tostring(vim.version()), vim.fn.exepath('domxml'))
if vim.fn.exepath('domxml') == '' then
  log('FAIL - setup: no `domxml` on PATH')
  os.exit(1)
end

local function completion_labels(items)
  local labels = {}
  for _, item in ipairs(items) do
    labels[#labels + 1] = item.label
  end
  return labels
end

local function has_label(items, name)
  for _, item in ipairs(items) do
    for _, field in ipairs({ item.label, item.filterText, item.insertText, item.textEdit and item.textEdit.newText }) do
      if type(field) == 'string' and field:gsub('^<', ''):match('^' .. name .. '%f[^%w_-]') then
        return true
      end
    end
  end
  return false
end

local demo_path = copy_fixture('demo.xml')
local demo, client

test('attaches to a libvirt domain XML buffer', function()
  demo = open(demo_path)
  assert(vim.bo[demo].filetype == 'xml', 'filetype is ' .. vim.bo[demo].filetype)
  client = wait_for('domxml to attach to ' .. demo_path, function()
    return domxml_client(demo)
  end)
  wait_for('initialize', function()
    return client.initialized
  end)
  assert(client.config.cmd[1] == 'domxml' and client.config.cmd[2] == 'lsp', vim.inspect(client.config.cmd))
  log('#      server: %s %s', (client.server_info or {}).name or '?', (client.server_info or {}).version or '?')
end)

if not client then
  local logfile = vim.lsp.log.get_filename()
  local lines = vim.fn.filereadable(logfile) == 1 and vim.fn.readfile(logfile) or {}
  log('# cannot go on without a server; the end of %s:', logfile)
  for _, line in ipairs(vim.list_slice(lines, math.max(1, #lines - 10))) do
    log('#   %s', line:sub(1, 300))
  end
  log('# %d passed, %d failed, %d skipped', results.pass, results.fail + 1, results.skip)
  os.exit(1)
end

test('attaches to a virsh edit temporary file (/tmp/virshXXXXXX.xml)', function()
  local path = copy_fixture('demo.xml', 'virshAb12Cd.xml')
  local bufnr = open(path)
  wait_for('domxml to attach to ' .. path, function()
    return domxml_client(bufnr)
  end)
  assert(domxml_client(bufnr).id == client.id, 'a second server was started')
  vim.cmd.bwipeout({ bang = true })
end)

test('does not attach to other XML (root <project>)', function()
  local path = copy_fixture('not-libvirt.xml')
  local bufnr = open(path)
  vim.wait(500)
  assert(domxml_client(bufnr) == nil, 'domxml attached to ' .. path)
  vim.cmd.bwipeout({ bang = true })
end)

test('attaches to a new, empty .xml buffer, where "<" offers <domain>', function()
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  local bufnr = open(dir .. '/vm.xml')
  local c = wait_for('domxml to attach to an empty buffer', function()
    return domxml_client(bufnr)
  end)
  assert(c.id == client.id, 'a second server was started')
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, { '<' })
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/completion', {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    position = { line = 0, character = 1 },
    context = { triggerKind = 2, triggerCharacter = '<' },
  }, timeout)
  local response = responses and responses[client.id]
  assert(response and not response.err, 'completion failed: ' .. vim.inspect(response))
  local items = response.result and (response.result.items or response.result) or {}
  log('#      %d items: %s', #items, table.concat(vim.list_slice(completion_labels(items), 1, 8), ' '))
  assert(has_label(items, 'domain'), 'no <domain> offered in an empty document')
  vim.cmd.bwipeout({ bang = true })
end)

test('attaches once the root element of an XML buffer is typed', function()
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  local path = dir .. '/new-network.xml'
  vim.fn.writefile({ 'not yet xml' }, path)
  local bufnr = open(path)
  vim.wait(200)
  assert(domxml_client(bufnr) == nil, 'attached to a buffer that is neither empty nor libvirt XML')
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, { '<network>', '  <name>default</name>', '</network>' })
  vim.cmd('doautocmd InsertLeave')
  wait_for('domxml to attach after typing <network>', function()
    return domxml_client(bufnr)
  end)
  vim.cmd.bwipeout({ bang = true })
end)

vim.api.nvim_set_current_buf(demo)

local function diagnostics_on(line)
  return vim.tbl_filter(function(d)
    return d.lnum == line
  end, vim.diagnostic.get(demo))
end

test('diagnostics: a broken end tag is reported, and cleared when fixed', function()
  -- line 3: "  <vcpu placement='static'>2</vcpu>"
  local original = vim.api.nvim_buf_get_lines(demo, 3, 4, false)[1]
  assert(original:find('</vcpu>', 1, true), 'fixture changed: ' .. original)
  vim.api.nvim_buf_set_lines(demo, 3, 4, false, { (original:gsub('</vcpu>', '</vcpux>')) })
  local diags = wait_for('a diagnostic on line 4', function()
    local d = diagnostics_on(3)
    return #d > 0 and d or nil
  end)
  log('#      %s: %s', diags[1].source or '?', diags[1].message)
  assert(diags[1].severity == vim.diagnostic.severity.ERROR, 'severity ' .. tostring(diags[1].severity))
  vim.api.nvim_buf_set_lines(demo, 3, 4, false, { original })
  wait_for('the diagnostic on line 4 to go away', function()
    return #diagnostics_on(3) == 0
  end)
end)

test('diagnostics: an element the schema does not allow is reported', function()
  -- line 13 is the empty line inside <devices>
  vim.api.nvim_buf_set_lines(demo, 13, 14, false, { '    <bogus/>' })
  local ok, diags = pcall(wait_for, 'a schema diagnostic on <bogus/>', function()
    local d = diagnostics_on(13)
    return #d > 0 and d or nil
  end)
  vim.api.nvim_buf_set_lines(demo, 13, 14, false, { '' })
  if not ok then
    error(diags .. ' (the server reports syntax errors but no schema validation error for <bogus/> in <devices>)')
  end
  log('#      %s: %s', diags[1].source or '?', diags[1].message)
  wait_for('the schema diagnostic to go away', function()
    return #diagnostics_on(13) == 0
  end)
end)

test('hover over <memory> shows its documentation in a floating window', function()
  if not client:supports_method('textDocument/hover') then
    skip('the server does not advertise hoverProvider yet')
  end
  -- line 2: "  <memory unit='GiB'>4</memory>"
  vim.api.nvim_win_set_cursor(0, { 3, 4 })
  assert(vim.fn.expand('<cword>') == 'memory', 'cursor on ' .. vim.fn.expand('<cword>'))
  vim.lsp.buf.hover()
  local float = wait_for('the hover window', function()
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(win).relative ~= '' then
        return win
      end
    end
  end)
  local text = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(float), 0, -1, false), '\n')
  vim.api.nvim_win_close(float, true)
  log('#      hover: %s', (text:gsub('\n', ' '):sub(1, 120)))
  assert(text:lower():find('memory', 1, true), 'hover text does not mention memory:\n' .. text)
end)

test('completion after "<" inside <devices> offers device elements', function()
  if not client:supports_method('textDocument/completion') then
    skip('the server does not advertise completionProvider yet')
  end
  vim.api.nvim_buf_set_lines(demo, 13, 14, false, { '    <' })
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(demo),
    position = { line = 13, character = 5 },
    context = { triggerKind = 2, triggerCharacter = '<' },
  }
  local responses = vim.lsp.buf_request_sync(demo, 'textDocument/completion', params, timeout)
  vim.api.nvim_buf_set_lines(demo, 13, 14, false, { '' })
  local response = responses and responses[client.id]
  assert(response, 'no completion response')
  assert(not response.err, vim.inspect(response.err))
  local items = response.result and (response.result.items or response.result) or {}
  log('#      %d items: %s', #items, table.concat(vim.list_slice(completion_labels(items), 1, 12), ' '))
  for _, name in ipairs({ 'disk', 'interface', 'graphics' }) do
    assert(has_label(items, name), ('no completion item for <%s>'):format(name))
  end
  assert(not has_label(items, 'vcpu'), '<vcpu> offered inside <devices>')
end)

test('formatting (vim.lsp.buf.format) re-indents a badly indented element', function()
  if not client:supports_method('textDocument/formatting') then
    skip('the server does not advertise documentFormattingProvider yet')
  end
  local original = vim.api.nvim_buf_get_lines(demo, 0, -1, false)
  -- line 2: "  <memory unit='GiB'>4</memory>" pushed to column 0
  vim.api.nvim_buf_set_lines(demo, 2, 3, false, { "<memory unit='GiB'>4</memory>" })
  vim.lsp.buf.format({ bufnr = demo, timeout_ms = timeout, name = 'domxml' })
  local formatted = vim.api.nvim_buf_get_lines(demo, 0, -1, false)
  vim.api.nvim_buf_set_lines(demo, 0, -1, false, original)
  assert(formatted[3] == original[3], 'line 3 after formatting: ' .. vim.inspect(formatted[3]))
  assert(formatted[4] == original[4], 'line 4 after formatting: ' .. vim.inspect(formatted[4]))
end)

test(':checkhealth domxml reports the binary, its version and the schema', function()
  vim.cmd('checkhealth domxml')
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  local text = table.concat(lines, '\n')
  vim.cmd('bwipeout!')
  vim.api.nvim_set_current_buf(demo)
  for line in text:gmatch('[^\n]+') do
    if line:find('binary:') or line:find('version:') or line:find('schema') or line:find('ERROR') or line:find('WARNING') then
      log('#      %s', line)
    end
  end
  assert(text:find('binary: ' .. vim.fn.exepath('domxml'), 1, true), 'no binary line:\n' .. text)
  assert(text:find('version: domxml ', 1, true), 'no version line:\n' .. text)
  if not text:find('in use', 1, true) then
    if text:find('does not report its schema', 1, true) then
      skip('the server does not answer domxml/status (schema in use) yet')
    end
    error('no schema line:\n' .. text)
  end
end)

test('settings: schema.path switches to libvirt\'s own schema (domxml/status pushed), and back', function()
  local rng = vim.fs.normalize(repo .. '/../shared/libvirt-11.3.0/schemas/domain.rng')
  if vim.fn.filereadable(rng) == 0 then
    skip('no libvirt schemas at ' .. rng)
  end
  local domxml = require('domxml')
  local before = domxml.request_status(client, 5000)
  assert(before and before.schema, 'no domxml/status from the server')
  local function set_schema(path)
    client.settings = vim.tbl_deep_extend('force', client.settings or {}, { domxml = { schema = { path = path } } })
    client:notify('workspace/didChangeConfiguration', { settings = client.settings })
  end
  set_schema(rng)
  local status = wait_for('a domxml/status notification with the schema from ' .. rng, function()
    local s = domxml.status[client.id]
    return s and s.schema and s.schema.kind == 'path' and s
  end, 60000)
  log('#      %s', domxml.describe_status(status))
  assert(status.schema.libvirtVersion == '11.3.0', vim.inspect(status))
  assert(not status.schema.error, status.schema.error)
  -- still validating, now with libvirt's schema
  vim.api.nvim_buf_set_lines(demo, 13, 14, false, { '    <bogus/>' })
  wait_for('a diagnostic on <bogus/> from libvirt\'s schema', function()
    return #diagnostics_on(13) > 0
  end, 30000)
  vim.api.nvim_buf_set_lines(demo, 13, 14, false, { '' })
  set_schema('')
  wait_for('the first schema again (' .. tostring(domxml.describe_status(before)) .. ')', function()
    local s = domxml.status[client.id]
    return s and vim.deep_equal(s.schema, before.schema)
  end)
end)


-- Typing, as a person does: a second Neovim (`--embed`) set up the same way, driven by key input
-- (nvim_input), so that InsertCharPre, the completion menu and snippets run as in a terminal.
local typist
local function start_typist()
  local chan = vim.fn.jobstart({ vim.v.progpath, '--embed', '--headless', '--clean', '-n' }, { rpc = true })
  assert(chan > 0, 'cannot start ' .. vim.v.progpath .. ' --embed')
  local t = { chan = chan }
  function t.lua(code, ...)
    return vim.rpcrequest(chan, 'nvim_exec_lua', code, { ... })
  end
  -- one key chunk at a time, with a pause: completion triggers are debounced per chunk
  function t.type(keys, pause)
    vim.rpcrequest(chan, 'nvim_input', keys)
    vim.wait(pause or 300)
  end
  function t.line()
    return t.lua('return vim.api.nvim_get_current_line()')
  end
  function t.cursor()
    return t.lua('return vim.api.nvim_win_get_cursor(0)')
  end
  function t.menu()
    return t.lua([[
      local info = vim.fn.complete_info({ 'items', 'selected' })
      local words = {}
      for _, item in ipairs(info.items or {}) do words[#words + 1] = item.word end
      return { words = words, selected = info.selected, mode = vim.api.nvim_get_mode().mode }
    ]])
  end
  t.lua([[
    local repo, how = ...
    vim.opt.runtimepath:prepend(repo .. '/editors/nvim')
    vim.cmd('filetype on')
    vim.cmd('runtime! plugin/domxml.lua')
    vim.o.swapfile = false
    if how == 'enable' then
      vim.lsp.enable('domxml')
    elseif how == 'setup' then
      require('domxml').setup({})
    else
      require('domxml').setup({ _use_autocmd = true })
    end
  ]], repo, how)
  function t.open(path)
    t.lua('vim.cmd.edit(vim.fn.fnameescape(...))', path)
    wait_for('domxml to attach in the typing editor', function()
      return t.lua([[return #vim.lsp.get_clients({ bufnr = 0, name = 'domxml' }) > 0
        and vim.lsp.get_clients({ bufnr = 0, name = 'domxml' })[1].initialized]])
    end)
  end
  return t
end

local function menu_with(t, word)
  return wait_for(('the completion menu with %q'):format(word), function()
    local menu = t.menu()
    return vim.tbl_contains(menu.words, word) and menu or nil
  end)
end

test('typing: completion opens by itself after "<" and " ", snippets on, inlay hints on', function()
  typist = start_typist()
  local path = copy_fixture('demo.xml')
  typist.open(path)
  assert(typist.lua([[return vim.lsp.inlay_hint.is_enabled({ bufnr = 0 })]]), 'inlay hints are off')
  assert(typist.lua([[return vim.lsp.get_clients({ bufnr = 0, name = 'domxml' })[1]
    .capabilities.textDocument.completion.completionItem.snippetSupport]]), 'snippets are off')
  typist.type('14GS<lt>')
  local menu = menu_with(typist, 'interface')
  log('#      after "<": %s', table.concat(vim.list_slice(menu.words, 1, 8), ' '))
  typist.type('controller')
  typist.type(' ')
  menu = menu_with(typist, 'model')
  log('#      after "<controller ": %s', table.concat(vim.list_slice(menu.words, 1, 8), ' '))
end)

test('typing: accepting the attribute `model` inserts model="" and opens its value list', function()
  if not typist then
    skip('no typing editor')
  end
  typist.type('mod')
  -- select `model` in the (noselect) menu, then accept it with <C-y>
  for _ = 1, 10 do
    local menu = typist.menu()
    if menu.selected >= 0 and menu.words[menu.selected + 1] == 'model' then
      break
    end
    typist.type('<C-n>', 100)
  end
  typist.type('<C-y>')
  local line = typist.line()
  local col = typist.cursor()[2]
  log('#      line: %q, cursor at byte %d', line, col)
  assert(line:match([[<controller model=(['"])%1$]]), 'not model="": ' .. line)
  assert(col == #line - 1, 'the cursor is not between the quotes: ' .. col)
  local menu = menu_with(typist, 'lsilogic')
  log('#      values: %s', table.concat(vim.list_slice(menu.words, 1, 8), ' '))
  typist.type('<Esc>u')
end)

test('typing: ">" after a start tag inserts its end tag; "</" completes the open element', function()
  if not typist then
    skip('no typing editor')
  end
  typist.type('<Esc>14GS<lt>video')
  typist.type('>', 600)
  local line = wait_for('the end tag after ">"', function()
    local l = typist.line()
    return l:find('</video>', 1, true) and l or nil
  end)
  log('#      after ">": %q', line)
  assert(line == '    <video></video>', 'line: ' .. line)
  assert(typist.cursor()[2] == #'    <video>', 'the cursor moved past the end tag')
  -- an open element above: a new line and "</" closes <devices>
  typist.type('<Esc>S    <lt>')
  typist.type('/', 600)
  line = wait_for('the closing tag after "</"', function()
    local l = typist.line()
    return l:find('</devices>', 1, true) and l or nil
  end)
  log('#      after "</": %q', line)
  -- (the indentation is the XML indent script's business)
  assert(vim.trim(line) == '</devices>', 'line: ' .. line)
  -- no second end tag when it is there already, and none for an empty-element tag
  typist.type('<Esc>S<lt>model type="virtio"/')
  typist.type('>', 600)
  line = typist.line()
  assert(vim.trim(line) == '<model type="virtio"/>', 'after "/>": ' .. line)
  typist.type('<Esc>')
end)

test('typing: in a new, empty vm.xml, "<" offers <domain> and ">" closes it', function()
  if not typist then
    skip('no typing editor')
  end
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  typist.type('<Esc>')
  typist.open(dir .. '/vm.xml')
  typist.type('i<lt>')
  local menu = menu_with(typist, 'domain')
  log('#      after "<": %s', table.concat(vim.list_slice(menu.words, 1, 8), ' '))
  typist.type('domain type="kvm"')
  typist.type('>', 600)
  local line = wait_for('</domain>', function()
    local l = typist.line()
    return l:find('</domain>', 1, true) and l or nil
  end)
  assert(line == '<domain type="kvm"></domain>', 'line: ' .. line)
  typist.type('<Esc>')
end)

if typist then
  typist.lua('for _, c in ipairs(vim.lsp.get_clients()) do c:stop(true) end')
  vim.fn.jobstop(typist.chan)
end

log('# %d passed, %d failed, %d skipped', results.pass, results.fail, results.skip)
for _, c in ipairs(vim.lsp.get_clients()) do
  c:stop(true)
end
os.exit(results.fail == 0 and 0 or 1)
