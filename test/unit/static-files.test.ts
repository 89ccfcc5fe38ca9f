// Static files are served only for paths under public/'s top-level entries; other paths never
// reach express.static (no stat, no error object per page request).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { staticFiles } from '../../src/web/static-files';

describe('static files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-static-'));
  fs.mkdirSync(path.join(dir, 'css'));
  fs.writeFileSync(path.join(dir, 'css', 'app.css'), 'body{color:#111}');
  fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  const app = express();
  app.use(staticFiles(dir, { index: false }));
  app.use((req, res) => res.status(404).type('text').send(`app: ${req.method} ${req.path}`));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves files in the folder and its subfolders', async () => {
    const css = await request(app).get('/css/app.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.text).toBe('body{color:#111}');
    const icon = await request(app).head('/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
  });

  it('passes every other path, and missing files under a known folder, on to the app', async () => {
    for (const p of ['/', '/login', '/data-saya', '/css/missing.css', '/favicon.svg/x']) {
      const res = await request(app).get(p);
      expect([res.status, res.text]).toEqual([404, `app: GET ${p}`]);
    }
    const post = await request(app).post('/css/app.css');
    expect([post.status, post.text]).toEqual([404, 'app: POST /css/app.css']);
  });

  it('is listed by the route inventory as the static handler', () => {
    expect(staticFiles(dir, {}).name).toBe('serveStatic');
  });
});
