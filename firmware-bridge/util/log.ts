// Minimal leveled logger with a per-device prefix; the bridge writes one line per event to stdout/stderr.

export interface Logger {
  debug(msg: string, ...rest: unknown[]): void;
  info(msg: string, ...rest: unknown[]): void;
  warn(msg: string, ...rest: unknown[]): void;
  error(msg: string, ...rest: unknown[]): void;
  /** A logger whose lines start with `[scope]`. */
  child(scope: string): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/**
 * Console logger.
 * @example consoleLogger('info').child('printer-k1').warn('paper low')
 */
export function consoleLogger(level: LogLevel = 'info', scope = 'bridge'): Logger {
  const at = (l: LogLevel) => ORDER[l] >= ORDER[level];
  const line = (msg: string) => `${new Date().toISOString()} [${scope}] ${msg}`;
  return {
    debug: (msg, ...rest) => at('debug') && console.debug(line(msg), ...rest),
    info: (msg, ...rest) => at('info') && console.info(line(msg), ...rest),
    warn: (msg, ...rest) => at('warn') && console.warn(line(msg), ...rest),
    error: (msg, ...rest) => at('error') && console.error(line(msg), ...rest),
    child: (child) => consoleLogger(level, `${scope}/${child}`),
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = consoleLogger('silent');
