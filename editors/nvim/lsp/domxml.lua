-- Neovim 0.11+ configuration of the domxml language server (libvirt XML):
--   vim.opt.runtimepath:append('/path/to/domxml/editors/nvim')
--   vim.lsp.enable('domxml')
-- Override fields with vim.lsp.config('domxml', { settings = { domxml = { ... } } }).
-- It attaches to XML buffers whose root element is a libvirt kind (domain, network, pool,
-- volume, ...) and to `virsh edit` files ($TMPDIR/virshXXXXXX.xml).
return require('domxml').config()
