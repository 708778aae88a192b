// Mocha inside the real extension host (loaded through code-server's extensionTestsPath).
const path = require('path');
const Mocha = require('mocha');
exports.run = function () {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60000, reporter: 'spec' });
  mocha.addFile(path.resolve(__dirname, 'extension.test.js'));
  return new Promise((resolve, reject) => {
    const runner = mocha.run(failures => {
      console.log(`MOCHA-RESULT passed=${runner.stats.passes} failed=${runner.stats.failures}`);
      failures > 0 ? reject(new Error(`${failures} tests failed.`)) : resolve();
    });
  });
};
