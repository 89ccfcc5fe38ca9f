// Logging: pino with a request id per request (echoed as X-Request-Id), secrets and NIPs redacted,
// and security events (sign-in, lockout, access denied, CSRF) logged with request id, user, IP, route.
import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import pino, { type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { maskNipsInText, maskNipsInUrl } from './nip-masking';

export type { Logger };

const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'password',
  'currentPassword',
  'newPassword',
  'passwordHash',
  'token',
  'secret',
  'nip',
  'identifier',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.secret',
  '*.nip',
  '*.identifier',
];

/** The app's logger; `destination` lets tests read what would be written. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { app: 'binaasn' },
    serializers: { err: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Errors may quote a NIP (a duplicate-key message names the value): masked like URLs. */
function serializeError(err: Error): Record<string, unknown> {
  const plain = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const key of ['message', 'stack'])
    if (typeof plain[key] === 'string') plain[key] = maskNipsInText(plain[key]);
  return plain;
}

// The single-use links that set a password carry their token in the path (/atur-sandi/<token>).
const LINK_TOKEN_IN_PATH = /(\/atur-sandi\/)[^/?#]+/g;

/** A request URL as logged: NIPs masked, link tokens removed. */
function loggedUrl(url: string): string {
  return maskNipsInUrl(url).replace(LINK_TOKEN_IN_PATH, '$1[redacted]');
}

export function httpLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id =
        typeof incoming === 'string' && /^[\w.-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customProps: (req) => ({ userId: (req as Request).user?.id }),
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: loggedUrl(req.url),
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: serializeError,
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  }) as unknown as RequestHandler;
}

/** Security-relevant events, in one shape, at `warn` (failures) or `info` (successes). */
export function securityEvent(
  req: Request,
  event: string,
  extra: Record<string, unknown> = {},
  level: 'info' | 'warn' = 'warn',
): void {
  const log = (req as Request & { log?: Logger }).log;
  if (!log) return;
  log[level](
    {
      security: event,
      requestId: String((req as Request & { id?: unknown }).id ?? ''),
      userId: req.user?.id,
      ip: req.ip,
      route: loggedUrl(req.originalUrl),
      ...extra,
    },
    `security: ${event}`,
  );
}
