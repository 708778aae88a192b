// The same extension-host suite under desktop VS Code via @vscode/test-electron (downloads VS Code: needs
// internet, so it is not part of `npm test` here; run it with `npm run test:electron` where you have a network).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ROOT, seedWorkspace } from './codeServer.mjs';

const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-electron-'));
seedWorkspace(ws);
await runTests({
  extensionDevelopmentPath: ROOT,
  extensionTestsPath: path.join(ROOT, 'test/vscode/suite/index.js'),
  launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust'],
});
