// Dependencies: package-lock.json against the known-bad version list (npm audit does not work on
// these machines), lockfile-lint wired into `npm test`, and no dynamic code execution under src/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareVersions, satisfies } from './support/version-ranges';

const ROOT = path.join(__dirname, '..', '..');
const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as T;

interface KnownBad {
  packages: Record<string, { range: string; advisory: string }[]>;
}
interface Lockfile {
  packages: Record<string, { version?: string; link?: boolean }>;
}

/** Every (name, version) installed according to the lockfile. */
export function installedPackages(lock: Lockfile): { name: string; version: string; where: string }[] {
  return Object.entries(lock.packages)
    .filter(([where, entry]) => where.includes('node_modules/') && entry.version && !entry.link)
    .map(([where, entry]) => ({
      name: where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length),
      version: entry.version!,
      where,
    }));
}

/** The installed packages that fall in a known-bad range, one line each. */
export function vulnerableInstalls(lock: Lockfile, knownBad: KnownBad): string[] {
  const found: string[] = [];
  for (const { name, version, where } of installedPackages(lock)) {
    for (const { range, advisory } of knownBad.packages[name] ?? []) {
      if (satisfies(version, range)) found.push(`${name}@${version} (${where}) is in ${range}: ${advisory}`);
    }
  }
  return found;
}

describe('version ranges', () => {
  it('compare releases and pre-releases as semver does', () => {
    expect(compareVersions('8.9.4', '8.9.5')).toBe(-1);
    expect(compareVersions('8.10.0', '8.9.5')).toBe(1);
    expect(compareVersions('5.0.0-beta.3', '5.0.0')).toBe(-1);
    expect(compareVersions('5.0.0-beta.10', '5.0.0-beta.3')).toBe(1);
    expect(satisfies('8.9.4', '<8.9.5')).toBe(true);
    expect(satisfies('8.9.5', '<8.9.5')).toBe(false);
    expect(satisfies('6.5.0', '<5.13.20 || >=6.0.0 <6.11.3 || >=7.0.0 <7.3.4')).toBe(true);
    expect(satisfies('6.12.0', '<5.13.20 || >=6.0.0 <6.11.3 || >=7.0.0 <7.3.4')).toBe(false);
    expect(satisfies('0.18.5', '*')).toBe(true);
  });
});

describe('known-bad dependency versions', () => {
  const knownBad = readJson<KnownBad>('test/security/known-bad-versions.json');
  const lock = readJson<Lockfile>('package-lock.json');

  it('lists the advisories SECURITY.md names, each with a range and a note', () => {
    for (const name of [
      'mongoose',
      'ejs',
      'passport',
      'express',
      'multer',
      'xlsx',
      'sanitize-html',
      'markdown-it',
      'pdfkit',
    ])
      expect(knownBad.packages[name]?.length).toBeGreaterThan(0);
    for (const entries of Object.values(knownBad.packages)) {
      for (const e of entries) {
        expect(e.advisory.length).toBeGreaterThan(10);
        expect(() => satisfies('1.0.0', e.range)).not.toThrow();
      }
    }
  });

  it('finds no installed package in a known-bad range', () => {
    expect(installedPackages(lock).length).toBeGreaterThan(100);
    expect(vulnerableInstalls(lock, knownBad)).toEqual([]);
  });

  it('would catch a vulnerable version in the lockfile (the check itself works)', () => {
    const bad: Lockfile = {
      packages: {
        '': {},
        'node_modules/mongoose': { version: '8.9.4' },
        'node_modules/xlsx': { version: '0.18.5' },
        'node_modules/express/node_modules/path-to-regexp': { version: '0.1.7' },
        'node_modules/ejs': { version: '3.1.10' },
      },
    };
    const found = vulnerableInstalls(bad, knownBad);
    expect(found.map((f) => f.split(' ')[0])).toEqual([
      'mongoose@8.9.4',
      'xlsx@0.18.5',
      'path-to-regexp@0.1.7',
      'path-to-regexp@0.1.7',
    ]);
  });

  it('never installs the xlsx package', () => {
    expect(installedPackages(lock).filter((p) => p.name === 'xlsx')).toEqual([]);
  });

  it('runs lockfile-lint (npm registry, https, sha512 integrity) as part of npm test', () => {
    const { scripts } = readJson<{ scripts: Record<string, string> }>('package.json');
    expect(scripts.test).toContain('npm run lint:lockfile');
    expect(scripts['lint:lockfile']).toMatch(
      /lockfile-lint --path package-lock\.json --type npm --allowed-hosts npm --validate-https --validate-integrity/,
    );
  });
});

describe('dynamic code execution', () => {
  const FORBIDDEN: [RegExp, string][] = [
    [/(^|[^\w.])eval\s*\(/, 'eval('],
    [/new\s+Function\s*\(/, 'new Function'],
    [/(?<!new\s+)\bFunction\s*\(\s*['"`]/, 'Function("...")'],
    [/require\(\s*['"](node:)?vm['"]\s*\)|from\s+['"](node:)?vm['"]/, 'the vm module'],
    [/child_process/, 'child_process'],
    [/setTimeout\(\s*['"`]|setInterval\(\s*['"`]/, 'a timer with a code string'],
  ];

  function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return sourceFiles(full);
      return /\.(ts|js|mjs|cjs|ejs)$/.test(e.name) ? [full] : [];
    });
  }

  /** Lines of the files that use a forbidden construct (comments included: say it differently). */
  function offences(files: string[]): string[] {
    return files.flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          FORBIDDEN.filter(([re]) => re.test(line)).map(
            ([, what]) => `${path.relative(ROOT, file)}:${i + 1} uses ${what}`,
          ),
        ),
    );
  }

  it('is absent from src/ and views/: no eval, new Function, vm or child_process', () => {
    const files = [...sourceFiles(path.join(ROOT, 'src')), ...sourceFiles(path.join(ROOT, 'views'))];
    expect(files.length).toBeGreaterThan(20);
    expect(offences(files)).toEqual([]);
  });

  it('would be found if it were there', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-scan-'));
    const file = path.join(dir, 'bad.ts');
    fs.writeFileSync(
      file,
      "const r = eval('1+1');\nimport { exec } from 'node:child_process';\nconst f = new Function('return 1');\nimport vm from 'node:vm';\n",
    );
    try {
      expect(offences([file]).map((o) => o.split(' uses ')[1])).toEqual([
        'eval(',
        'child_process',
        'new Function',
        'the vm module',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
