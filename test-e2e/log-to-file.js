// The extension host's console is not forwarded by code-server; mocha's reporter writes to the file the
// shim streams to stdout instead (VSCODE_TEST_LOG).
const fs = require('node:fs');
const util = require('node:util');
if (process.env.VSCODE_TEST_LOG) {
  const fd = fs.openSync(process.env.VSCODE_TEST_LOG, 'a');
  require('mocha').reporters.Base.consoleLog = (...a) => fs.writeSync(fd, util.format(...a) + '\n');
}
