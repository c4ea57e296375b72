-- domxml: nothing starts until `vim.lsp.enable('domxml')` (0.11+) or
-- `require('domxml').setup()` (0.10); this adds the :DomxmlStatus command and attaches the server
-- to an XML buffer that becomes libvirt XML while typed, and turns on completion as you type,
-- inlay hints and auto-closing tags where it is attached.
if vim.g.loaded_domxml then
  return
end
vim.g.loaded_domxml = true

vim.api.nvim_create_user_command('DomxmlStatus', function()
  local domxml = require('domxml')
  local clients = vim.lsp.get_clients({ name = 'domxml' })
  if #clients == 0 then
    vim.notify('domxml: no server running (open a libvirt XML file)', vim.log.levels.WARN)
    return
  end
  for _, client in ipairs(clients) do
    local info = client.server_info or {}
    local status = domxml.request_status(client, 2000)
    vim.notify(
      ('domxml %s (client %d, %s): %s'):format(
        info.version or '?',
        client.id,
        client.config.cmd and client.config.cmd[1] or '?',
        domxml.describe_status(status) or 'the server does not report its schema'
      )
    )
  end
end, { desc = 'Show the domxml server and the schema it uses' })

vim.api.nvim_create_autocmd({ 'InsertLeave', 'BufWritePost' }, {
  group = vim.api.nvim_create_augroup('domxml_late_attach', { clear = true }),
  pattern = '*.xml',
  callback = function(args)
    require('domxml').attach_late(args.buf)
  end,
})

-- completion as you type (snippets), inlay hints and auto-closing tags in domxml's buffers;
-- vim.g.domxml turns each off (lua/domxml/editing.lua)
vim.api.nvim_create_autocmd('LspAttach', {
  group = vim.api.nvim_create_augroup('domxml_editing', { clear = true }),
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if client and client.name == 'domxml' then
      require('domxml.editing').attach(client, args.buf)
    end
  end,
})
vim.api.nvim_create_autocmd('LspDetach', {
  group = 'domxml_editing',
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if client and client.name == 'domxml' then
      require('domxml.editing').detach(args.buf)
    end
  end,
})
