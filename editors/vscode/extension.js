// The VS Code client: starts `secpol lsp` (stdio) for .secpol files and passes it the secpol.* settings.
const { workspace, window } = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

async function activate(context) {
  const config = workspace.getConfiguration('secpol');
  const command = config.get('path') || 'secpol';
  const server = { command, args: ['lsp'], transport: TransportKind.stdio };
  client = new LanguageClient('secpol', 'secpol', { run: server, debug: server }, {
    documentSelector: [{ language: 'secpol', scheme: 'file' }, { language: 'secpol', scheme: 'untitled' }],
    initializationOptions: { targets: config.get('targets') ?? [] },
    synchronize: { configurationSection: 'secpol', fileEvents: workspace.createFileSystemWatcher('**/{*.secpol,secpol.json}') },
  });
  try {
    await client.start();
  } catch (e) {
    window.showErrorMessage(`secpol: could not start \`${command} lsp\` (${e.message}). Install secpol (npm install -g secpol) or set secpol.path.`);
  }
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
