// Structured, levelled logging for the engine (no console.log in engine code).
// Lines go to stderr as `LEVEL [component] message {json fields}`; the level comes from
// PS_LOG_LEVEL (debug|info|warn|error, default info), like the Python workers' `-l info`.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(component: string): Logger;
}

function configuredLevel(): LogLevel {
  const level = process.env.PS_LOG_LEVEL as LogLevel | undefined;
  return level && level in ORDER ? level : 'info';
}

export function createLogger(
  component: string,
  sink: (line: string) => void = (line) => process.stderr.write(line + '\n'),
): Logger {
  const threshold = ORDER[configuredLevel()];
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < threshold) return;
    const extra = fields && Object.keys(fields).length > 0 ? ' ' + JSON.stringify(fields) : '';
    sink(`${new Date().toISOString()} ${level.toUpperCase()} [${component}] ${message}${extra}`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (sub) => createLogger(`${component}.${sub}`, sink),
  };
}
