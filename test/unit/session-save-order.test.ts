// A changed session is stored before any byte of the response leaves: a browser that acts on the
// page (or follows the redirect) at once must find the change, e.g. a flash message already shown.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import { saveSessionBeforeResponding } from '../../src/auth/session';

/** A store whose writes take 150 ms, as a busy database might; it records when each write finished. */
class SlowStore extends session.MemoryStore {
  readonly savedAt: number[] = [];
  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    setTimeout(() => {
      super.set(sid, data, (err?: unknown) => {
        this.savedAt.push(Date.now());
        callback?.(err);
      });
    }, 150);
  }
}

async function firstByteAt(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ port, path, host: '127.0.0.1' }, (res) => {
      res.once('data', () => resolve(Date.now()));
      res.resume();
    });
    req.on('error', reject);
  });
}

async function serve(withSave: boolean): Promise<{ store: SlowStore; server: http.Server; port: number }> {
  const store = new SlowStore();
  const app = express();
  app.use(
    session({ secret: 'a test secret of enough length', store, resave: false, saveUninitialized: false }),
  );
  if (withSave) app.use(saveSessionBeforeResponding);
  app.get('/flash', (req, res) => {
    (req.session as session.SessionData & { note?: string }).note = 'shown once';
    res.send('<p>a page long enough to be written before the session is saved</p>');
  });
  app.get('/plain', (_req, res) => {
    res.send('<p>nothing in the session changed</p>');
  });
  const server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  return { store, server, port: (server.address() as AddressInfo).port };
}

describe('saving a changed session', () => {
  it('finishes before the first byte of the response is sent', async () => {
    const { store, server, port } = await serve(true);
    try {
      const firstByte = await firstByteAt(port, '/flash');
      expect(store.savedAt).toHaveLength(1);
      expect(store.savedAt[0]).toBeLessThanOrEqual(firstByte);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('is needed: express-session alone sends the page before the write ends', async () => {
    const { store, server, port } = await serve(false);
    try {
      const firstByte = await firstByteAt(port, '/flash');
      expect(store.savedAt).toHaveLength(0); // the page arrived while the write was still running
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(store.savedAt[0]).toBeGreaterThan(firstByte);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('writes nothing for a request that changed nothing', async () => {
    const { store, server, port } = await serve(true);
    try {
      await firstByteAt(port, '/plain');
      expect(store.savedAt).toHaveLength(0);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
