// The engine logs through this interface; whoever hosts the engine (CLI, server process, tests)
// registers a sink. Default: nothing below "warn" is printed.
export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  log(level: Level, message: string): void;
}
const ORDER: Level[] = ['trace', 'debug', 'info', 'warn', 'error'];

const sinks: Logger[] = [];
let threshold: Level = 'info';

export function addLogSink(sink: Logger): () => void {
  sinks.push(sink);
  return () => sinks.splice(sinks.indexOf(sink), 1);
}
export function setLogLevel(level: Level): void {
  threshold = level;
}
function emit(level: Level, message: string): void {
  if (ORDER.indexOf(level) < ORDER.indexOf(threshold)) return;
  for (const s of sinks) s.log(level, message);
}
export const log = {
  debug: (m: string) => emit('debug', m),
  info: (m: string) => emit('info', m),
  warn: (m: string) => emit('warn', m),
  error: (m: string) => emit('error', m),
};

/** A sink that writes `LEVEL message` lines to stderr (the host reads the engine's stderr). */
export const stderrSink: Logger = {
  log: (level, message) => process.stderr.write(`${new Date().toISOString()} [${level}] ${message}\n`),
};
