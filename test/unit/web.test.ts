import { z } from 'zod';
import { parseInput } from '../../src/web/validation';
import { safeReturnTo } from '../../src/web/return-to';
import {
  BadRequest,
  Conflict,
  Forbidden,
  NotFound,
  PayloadTooLarge,
  TooManyRequests,
  ValidationFailed,
} from '../../src/web/errors';
import { readCatalogs } from '../../src/web/i18n';

describe('parsing form input', () => {
  const schema = z
    .object({
      name: z.string().trim().min(1),
      email: z.email(),
      age: z.coerce.number().max(99, 'people.ageTooHigh'),
    })
    .strict();

  it('returns typed data when the input is valid', () => {
    expect(parseInput(schema, { name: ' Budi ', email: 'budi@medan.go.id', age: '40' })).toEqual({
      ok: true,
      data: { name: 'Budi', email: 'budi@medan.go.id', age: 40 },
    });
  });

  it('returns one message key per field, the schema’s own key first', () => {
    expect(parseInput(schema, { name: '', email: 'nope', age: '120' })).toEqual({
      ok: false,
      errors: {
        name: 'common.validation.required',
        email: 'common.validation.email',
        age: 'people.ageTooHigh',
      },
    });
  });

  it('rejects fields the form does not have', () => {
    expect(
      parseInput(schema, { name: 'Budi', email: 'budi@medan.go.id', age: '40', roles: 'admin' }),
    ).toEqual({ ok: false, errors: { _form: 'common.validation.unexpectedField' } });
  });
});

describe('return-to targets', () => {
  it.each([
    ['/admin/users?page=2', '/admin/users?page=2'],
    ['https://evil.example/', '/'],
    ['//evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['/ok\r\nSet-Cookie: x=1', '/'],
    [undefined, '/'],
    [['/a'], '/'],
  ])('keeps %p as %p', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });
});

describe('errors with a meaning', () => {
  it('carry their HTTP status', () => {
    expect(
      [
        new BadRequest(),
        new Forbidden(),
        new NotFound('course'),
        new Conflict(),
        new PayloadTooLarge(),
        new ValidationFailed({ a: 'b' }),
        new TooManyRequests(),
      ].map((e) => e.status),
    ).toEqual([400, 403, 404, 409, 413, 422, 429]);
    expect(new ValidationFailed({ email: 'users.emailTaken' }).fieldErrors).toEqual({
      email: 'users.emailTaken',
    });
  });
});

describe('message catalogs', () => {
  const keysOf = (value: unknown, prefix = ''): string[] =>
    value && typeof value === 'object'
      ? Object.entries(value).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k))
      : [prefix];

  it('have the same keys in Bahasa Indonesia and English', () => {
    const catalogs = readCatalogs();
    expect(keysOf(catalogs.en).sort()).toEqual(keysOf(catalogs.id).sort());
  });
});

describe('every literal translation key in the code and views', () => {
  it('exists in both languages', () => {
    const fs = require('node:fs') as typeof import('node:fs');
    const path = require('node:path') as typeof import('node:path');
    const root = path.join(__dirname, '../..');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory() && entry.name !== 'embedded') walk(full);
        else if (/\.(ts|ejs)$/.test(entry.name)) files.push(full);
      }
    };
    walk(path.join(root, 'src'));
    walk(path.join(root, 'views'));
    const catalogs = readCatalogs();
    const lookup = (lang: 'id' | 'en', key: string) =>
      key
        .split('.')
        .reduce<unknown>(
          (node, part) =>
            node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined,
          catalogs[lang],
        );
    // Plural keys exist as key_one / key_other.
    const has = (lang: 'id' | 'en', key: string) =>
      lookup(lang, key) !== undefined || lookup(lang, `${key}_other`) !== undefined;
    const missing: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bt\('([\w.-]+)'/g)) {
        if (!match[1].includes('.') || match[1].endsWith('.')) continue; // 'x.kinds.' + kind is dynamic
        for (const lang of ['id', 'en'] as const)
          if (!has(lang, match[1])) missing.push(`${path.relative(root, file)}: ${lang} ${match[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('the shared partials', () => {
  const ejs = require('ejs') as typeof import('ejs');
  const path = require('node:path') as typeof import('node:path');
  const render = (partial: string, data: Record<string, unknown>) =>
    ejs.renderFile(path.join(__dirname, '../../views/partials', `${partial}.ejs`), {
      t: (key: string, o?: Record<string, unknown>) => (o ? `${key} ${JSON.stringify(o)}` : key),
      ...data,
    });

  it('pagination keeps the filters, escaped, and links the neighbours', async () => {
    const html = await render('pagination', {
      page: 2,
      pages: 3,
      baseUrl: '/admin/users',
      query: { q: '"><script>', role: 'hr', empty: '' },
    });
    expect(html).toContain('href="/admin/users?q=%22%3E%3Cscript%3E&amp;role=hr&amp;page=1" rel="prev"');
    expect(html).toContain('href="/admin/users?q=%22%3E%3Cscript%3E&amp;role=hr&amp;page=3" rel="next"');
    expect(html).not.toContain('<script>');
    expect(await render('pagination', { page: 1, pages: 1, baseUrl: '/x' })).not.toContain('<nav');
  });

  it('a field shows its translated error, tied to the input, and escapes the value', async () => {
    const html = await render('field', {
      name: 'email',
      label: 'Email',
      value: '"><img src=x>',
      error: 'common.validation.email',
      required: true,
    });
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('aria-describedby="field-email-error"');
    expect(html).toContain('<p class="field-error" id="field-email-error">common.validation.email</p>');
    expect(html).toContain('value="&#34;&gt;&lt;img src=x&gt;"');
  });

  it('a password field never echoes what was typed', async () => {
    const html = await render('field', {
      name: 'password',
      label: 'Kata sandi',
      type: 'password',
      value: 'Rahasia#123',
    });
    expect(html).not.toContain('Rahasia#123');
  });
});
