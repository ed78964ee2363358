import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Field paths whose values are replaced before a line is written, so that no
 * token, key or secret reaches the log, whatever object carries it.
 */
export const redactedPaths = [
  'token',
  'launchToken',
  'jwt',
  'key',
  'privateKey',
  'secret',
  'webhookSecret',
  'encodedJitConfig',
  'authorization',
  'headers.authorization',
  'headers["x-slurm-user-token"]',
  'headers["x-hub-signature-256"]',
  '*.token',
  '*.privateKey',
  '*.secret',
  '*.webhookSecret',
  '*.encodedJitConfig',
  '*.launchTokenSecret',
];

/** Creates the root JSON logger; areas take `logger.child({ area })`. */
export function createLogger(level: LoggerOptions['level'] = 'info', destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'gha-slurm' },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Creates a logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
