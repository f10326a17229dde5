-- Driven by neovim.test.ts: opens a policy in headless Neovim with its built-in LSP client on `secpol lsp`, waits
-- for the diagnostics, asks for a hover, and writes both as JSON to $SECPOL_OUT. Neovim 0.7 API (start_client).
local file, out = os.getenv('SECPOL_FILE'), os.getenv('SECPOL_OUT')
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local id = vim.lsp.start_client({
  name = 'secpol',
  cmd = { os.getenv('SECPOL_NODE'), os.getenv('SECPOL_BIN'), 'lsp', '--stdio', '--today', '2026-06-01' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
})
vim.lsp.buf_attach_client(0, id)
local got = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local result = { diagnostics = {}, hover = vim.NIL, timedOut = not got }
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(result.diagnostics, { line = d.lnum, col = d.col, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code), message = d.message })
end
local line = tonumber(os.getenv('SECPOL_HOVER_LINE'))
local col = tonumber(os.getenv('SECPOL_HOVER_COL'))
local params = { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = line, character = col } }
local responses = vim.lsp.buf_request_sync(0, 'textDocument/hover', params, 20000)
for _, r in pairs(responses or {}) do
  if r.result then result.hover = r.result.contents.value end
end
local f = io.open(out, 'w')
f:write(vim.fn.json_encode(result))
f:close()
vim.lsp.stop_client(id)
vim.cmd('qa!')
