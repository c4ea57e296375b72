-- domxml: nothing starts until `vim.lsp.enable('domxml')` (0.11+) or
-- `require('domxml').setup()`; this only adds the :DomxmlStatus command.
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
