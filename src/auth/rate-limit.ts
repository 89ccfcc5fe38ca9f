// Per-IP rate limiting of the sign-in and password forms (express-rate-limit), with its counters
// in MongoDB through the throttle service so several app instances share them.
import type { Request, RequestHandler } from 'express';
import {
  rateLimit,
  ipKeyGenerator,
  type Options,
  type Store,
  type ClientRateLimitInfo,
} from 'express-rate-limit';
import type { Clock } from '../core/deps';
import * as throttle from './throttle.service';

class MongoRateLimitStore implements Store {
  private windowMs = 60_000;
  readonly localKeys = false;
  readonly prefix = 'ip:';

  constructor(private readonly clock: Clock) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const rule = { max: Number.MAX_SAFE_INTEGER, windowMs: this.windowMs, lockMs: 0 };
    const state = await throttle.countEvent(this.prefix + key, this.clock(), rule);
    return { totalHits: state.count, resetTime: new Date(state.windowStart.getTime() + this.windowMs) };
  }

  async decrement(key: string): Promise<void> {
    await throttle.uncount(this.prefix + key);
  }

  async resetKey(key: string): Promise<void> {
    await throttle.reset(this.prefix + key);
  }
}

/** Limits attempts per client IP; over the limit the handler answers (429 page in the person's language). */
export function ipRateLimit(options: {
  max: number;
  windowMinutes: number;
  clock: Clock;
  onLimit: RequestHandler;
}): RequestHandler {
  return rateLimit({
    windowMs: options.windowMinutes * 60_000,
    limit: options.max,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: new MongoRateLimitStore(options.clock),
    keyGenerator: (req: Request) => ipKeyGenerator(req.ip ?? 'unknown'),
    handler: (req, res, next) => options.onLimit(req, res, next),
  });
}
