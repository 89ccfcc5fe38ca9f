// The yardstick for page benchmarks: a bare Express 5 + EJS page of similar shape to ours
// (layout, nav, a list), with no database, session or security middleware.
import express from 'express';
import ejs from 'ejs';

const template = `<!doctype html><html lang="id"><head><meta charset="utf-8"><title><%= title %></title>
<link rel="stylesheet" href="/css/app.css"></head><body><header><nav><ul>
<% for (const item of nav) { %><li><a href="<%= item.href %>"><%= item.label %></a></li><% } %></ul></nav></header>
<main><h1><%= title %></h1><ul><% for (const row of rows) { %><li><%= row.name %> — <%= row.unit %></li><% } %></ul></main>
</body></html>`;
const render = ejs.compile(template);
const rows = Array.from({ length: 20 }, (_, i) => ({ name: `Peserta ${i}`, unit: `Unit ${i}` }));
const nav = ['Beranda', 'Katalog', 'Kursus saya', 'Sertifikat'].map((label, i) => ({
  label,
  href: `/p${i}`,
}));

const app = express();
app.get('/', (_req, res) => {
  res.type('html').send(render({ title: 'Beranda', rows, nav }));
});
const server = app.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`READY ${typeof address === 'object' && address ? address.port : ''}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
