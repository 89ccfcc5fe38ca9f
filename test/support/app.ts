// A fresh app on a fresh database per test file, through the app's own code path (openDatabase:
// the embedded engine in memory, or MONGODB_URI with a unique database name when that is set).
import crypto from 'node:crypto';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import type { AppDeps } from '../../src/core/deps';
import { loadConfig, type Config } from '../../src/config';
import { openDatabase, type Database } from '../../src/db';

export interface TestApp {
  app: Express;
  db: Database;
  config: Config;
  /** The movable clock the app reads (advance it to test timeouts). */
  clock: TestClock;
  close(): Promise<void>;
}

export interface TestClock {
  (): Date;
  now: Date;
  advance(ms: number): void;
}

export function createTestClock(start = new Date()): TestClock {
  const clock = (() => clock.now) as TestClock;
  clock.now = start;
  clock.advance = (ms: number) => {
    clock.now = new Date(clock.now.getTime() + ms);
  };
  return clock;
}

export interface TestAppOverrides {
  /** Environment variables on top of the test defaults. */
  env?: Record<string, string>;
  config?: Partial<Config>;
  clock?: TestClock;
  extraRoutes?: AppDeps['extraRoutes'];
}

export async function createTestApp(overrides: TestAppOverrides = {}): Promise<TestApp> {
  const dbName = `binaasn_test_${crypto.randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DB_NAME: dbName,
    SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...(process.env.MONGODB_URI ? { MONGODB_URI: process.env.MONGODB_URI } : {}),
    ...overrides.env,
  };
  const config = { ...loadConfig(env), ...overrides.config };
  const db = await openDatabase(config);
  const clock = overrides.clock ?? createTestClock();
  const app = createApp({ config, db, clock, extraRoutes: overrides.extraRoutes });
  return {
    app,
    db,
    config,
    clock,
    async close() {
      if (process.env.MONGODB_URI) await db.connection.dropDatabase().catch(() => undefined);
      await db.close();
    },
  };
}
