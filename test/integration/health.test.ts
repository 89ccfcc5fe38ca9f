// Health checks: the process answers, and the database answers.
import request from 'supertest';
import mongoose from 'mongoose';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('health checks', () => {
  it('/healthz answers while the process runs, with no session', async () => {
    const res = await request(t.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/^[\w-]{8,}$/);
  });

  it('/readyz answers 200 when the database answers a ping', async () => {
    const res = await request(t.app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', database: 'up', caches: expect.any(Object) });
  });

  it('/readyz answers 503 while shutting down', async () => {
    t.app.locals.isShuttingDown = true;
    const res = await request(t.app).get('/readyz');
    t.app.locals.isShuttingDown = false;
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'unavailable', database: 'closing' });
  });

  it('/readyz answers 503 when the database is gone', async () => {
    await mongoose.disconnect();
    const res = await request(t.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'unavailable', database: 'down' });
  });
});
