// Packages the extension into secpol-<version>.vsix with @vscode/vsce: `npm install && npm run package` here.
// vsce puts the production dependencies (vscode-languageclient) from node_modules into the .vsix. The project's
// licence is Apache-2.0 (package.json); the repository has no LICENSE file for vsce to copy, hence --skip-license.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const vsce = fileURLToPath(new URL('node_modules/@vscode/vsce/vsce', import.meta.url));
execFileSync(process.execPath, [vsce, 'package', '--skip-license', '--out', here], { cwd: here, stdio: 'inherit' });
