// Stage commands in real shells: order, output streaming + log file, failure stops the list, env, and cancel
// killing the whole process tree (a grandchild included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempWorkspace } from '../../../helpers/workspace';
import { runStageCommands, stageEnv } from '../../../../src/engine/pipeline/stageProcess';

/** Alive and not a zombie. */
function processAlive(pid: number): boolean {
  try { process.kill(pid, 0); } catch { return false; }
  try { return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return true; }
}

const node = (js: string) => `node -e ${JSON.stringify(js)}`;

test('commands run in order in the working folder; output reaches the callback and the log file', async () => {
  const dir = tempWorkspace();
  fs.mkdirSync(path.join(dir, 'sub'));
  const log = path.join(dir, 'logs', 'stage.log');
  const seen: { stream: string; text: string }[] = [];
  const r = await runStageCommands({
    cmds: ['echo one > a.txt', node("process.stdout.write('two\\n'); process.stderr.write('warn\\n')"), 'cat a.txt'],
    cwd: path.join(dir, 'sub'), logFile: log, onOutput: (stream, text) => seen.push({ stream, text }),
  });
  assert.deepEqual(r, { exitCode: 0, signal: null, killed: false });
  assert.equal(fs.readFileSync(path.join(dir, 'sub', 'a.txt'), 'utf8'), 'one\n');
  const out = seen.filter(s => s.stream === 'stdout').map(s => s.text).join('');
  assert.equal(out, 'two\none\n');
  assert.equal(seen.filter(s => s.stream === 'stderr').map(s => s.text).join(''), 'warn\n');
  const text = fs.readFileSync(log, 'utf8');
  assert.match(text, /^\$ echo one > a\.txt\n\$ node -e .*\n(two\nwarn\n|warn\ntwo\n)\$ cat a\.txt\none\n$/);
});

test('a failing command stops the list and reports its exit code and command', async () => {
  const dir = tempWorkspace();
  const r = await runStageCommands({ cmds: ['echo first', 'exit 3', 'echo never > never.txt'], cwd: dir });
  assert.equal(r.exitCode, 3);
  assert.equal(r.killed, false);
  assert.equal(r.failedCmd, 'exit 3');
  assert.equal(fs.existsSync(path.join(dir, 'never.txt')), false);
});

test('a missing working folder is an error, not a crash', async () => {
  const r = await runStageCommands({ cmds: ['echo hi'], cwd: path.join(tempWorkspace(), 'nope') });
  assert.equal(r.exitCode, null);
  assert.match(r.error!, /working directory does not exist/);
});

test('env: extra variables are set and PATH starts with this Node', async () => {
  const dir = tempWorkspace();
  let out = '';
  const r = await runStageCommands({
    cmds: [node("console.log(JSON.stringify({uri: process.env.MLFLOW_TRACKING_URI, run: process.env.MLFLOW_RUN_ID, v: process.version}))")],
    cwd: dir, env: { MLFLOW_TRACKING_URI: 'http://127.0.0.1:1', MLFLOW_RUN_ID: 'abc' }, onOutput: (_s, t) => (out += t),
  });
  assert.equal(r.exitCode, 0);
  assert.deepEqual(JSON.parse(out), { uri: 'http://127.0.0.1:1', run: 'abc', v: process.version });
  const env = stageEnv({}, '/opt/node/bin/node');
  assert.equal(env.PATH!.split(path.delimiter)[0], '/opt/node/bin');
  assert.equal(stageEnv({}, '/usr/share/code/code').PATH, process.env.PATH, 'not a node binary: PATH untouched');
});

test('cancel kills the shell, its child and a background grandchild (SIGTERM to the group)', async () => {
  const dir = tempWorkspace();
  const ac = new AbortController();
  let shell = 0;
  const started = Date.now();
  const p = runStageCommands({
    cmds: ['sleep 30 & echo $! > bg.pid; sleep 30', 'echo never > never.txt'], cwd: dir, signal: ac.signal,
    onSpawn: pid => (shell = pid),
  });
  const pidFile = path.join(dir, 'bg.pid');
  while (!fs.existsSync(pidFile) || !fs.readFileSync(pidFile, 'utf8').trim()) await new Promise(r => setTimeout(r, 20));
  const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
  assert.ok(processAlive(grandchild));
  ac.abort();
  const r = await p;
  assert.equal(r.killed, true);
  assert.ok(Date.now() - started < 10_000, 'did not wait for sleep 30');
  assert.equal(processAlive(shell), false, 'shell gone');
  assert.equal(processAlive(grandchild), false, 'grandchild gone');
  assert.equal(fs.existsSync(path.join(dir, 'never.txt')), false, 'no later command ran');
});

test('cancel escalates to SIGKILL for a tree that ignores SIGTERM', async () => {
  const dir = tempWorkspace();
  const ac = new AbortController();
  const p = runStageCommands({
    cmds: [`trap '' TERM; ${node("process.on('SIGTERM', () => {}); require('fs').writeFileSync('child.pid', String(process.pid)); setInterval(() => {}, 1000)")}`],
    cwd: dir, signal: ac.signal, graceMs: 300,
  });
  const pidFile = path.join(dir, 'child.pid');
  while (!fs.existsSync(pidFile)) await new Promise(r => setTimeout(r, 20));
  const child = Number(fs.readFileSync(pidFile, 'utf8'));
  const t0 = Date.now();
  ac.abort();
  const r = await p;
  assert.equal(r.killed, true);
  assert.ok(Date.now() - t0 < 5000);
  assert.equal(processAlive(child), false);
});
