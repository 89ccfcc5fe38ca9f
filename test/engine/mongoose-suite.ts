// `npm run test:mongoose-suite -- <mongoose checkout's test dir> [file.test.js …]`: Mongoose's own
// test suite, run against the embedded engine, as the yardstick of its compatibility. Not part of
// `npm test` (the suite is not in this repository; see test/engine/README.md).
//
// It starts the engine as the app does (startEmbeddedMongo: authentication on, in memory, TTL
// monitor every second as Mongoose's CI configures MongoDB), copies the test directory into a
// temporary folder whose index.js, lib/ and package.json are links to the installed
// node_modules/mongoose (the tests require '../index' and '../lib/…'), points MONGOOSE_TEST_URI
// at the engine (test/common.js reads it) and runs mocha once per file, then prints passed,
// failed and pending per file. `--json FILE` also writes every test's outcome and failure message.
// `MONGOOSE_TEST_URI=… npm run test:mongoose-suite -- …` runs the same files against another
// server (a real MongoDB) for comparison.
//
// mocha (and sinon, which some files require) are looked up next to the checkout (its
// node_modules, or its parent's) and then in this repository; install them there
// (`npm install mocha sinon` in the checkout's parent) if missing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedMongo } from '../../src/db/embedded';

const root = path.resolve(__dirname, '../..');

interface Outcome {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  error?: string;
}

interface FileResult {
  file: string;
  passed: number;
  failed: number;
  pending: number;
  /** A hook failure, a crash or a timeout of the whole file. */
  aborted?: string;
  tests: Outcome[];
}

function usage(): never {
  console.error(
    'usage: npm run test:mongoose-suite -- <mongoose test dir> [file.test.js …] [--json out.json] [--timeout ms] [--verbose]',
  );
  process.exit(2);
}

function parseArgs(argv: string[]) {
  const rest: string[] = [];
  let json: string | undefined;
  let timeout = 20_000;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = argv[++i];
    else if (a === '--timeout') timeout = Number(argv[++i]);
    else if (a === '--verbose') verbose = true;
    else if (a.startsWith('--')) usage();
    else rest.push(a);
  }
  if (rest.length === 0) usage();
  const testDir = path.resolve(rest[0]);
  if (!fs.existsSync(path.join(testDir, 'common.js'))) {
    console.error(`${testDir} holds no common.js: give the test directory of a Mongoose checkout`);
    process.exit(2);
  }
  // A file is named relative to the test directory (`docs/transactions.test.js`, whose requires
  // climb one more level), or by a path that leads into it.
  const files = rest.slice(1).map((f) => {
    const rel = path.relative(testDir, path.resolve(f));
    return rel.startsWith('..') || path.isAbsolute(rel) ? f : rel;
  });
  return { testDir, files, json, timeout, verbose };
}

function findModule(name: string, searchFrom: string[]): string | undefined {
  try {
    return require.resolve(name, { paths: searchFrom });
  } catch {
    return undefined;
  }
}

/** A folder that looks like a Mongoose checkout whose code is the installed package. */
function prepareCheckout(testDir: string): string {
  const installed = path.dirname(require.resolve('mongoose/package.json', { paths: [root] }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mongoose-suite-'));
  for (const entry of ['index.js', 'lib', 'package.json', 'types']) {
    const target = path.join(installed, entry);
    if (fs.existsSync(target)) fs.symlinkSync(target, path.join(dir, entry));
  }
  fs.cpSync(testDir, path.join(dir, 'test'), { recursive: true });
  return dir;
}

/** mocha's spec reporter is for people; this one-line-per-test reporter is for the summary. */
const REPORTER = `'use strict';
const Mocha = require(process.env.MGS_MOCHA);
const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;
const fs = require('fs');
module.exports = function Reporter(runner) {
  const out = process.env.MGS_OUT;
  const write = (o) => fs.appendFileSync(out, JSON.stringify(o) + '\\n');
  runner.on(EVENT_TEST_PASS, (t) => write({ title: t.fullTitle(), state: 'passed' }));
  runner.on(EVENT_TEST_PENDING, (t) => write({ title: t.fullTitle(), state: 'pending' }));
  runner.on(EVENT_TEST_FAIL, (t, err) => write({
    title: t.fullTitle(), state: 'failed', hook: t.type === 'hook',
    error: String((err && (err.stack || err.message)) || err).split('\\n').slice(0, 6).join('\\n'),
  }));
  runner.on(EVENT_RUN_END, () => write({ end: true }));
};
`;

async function runFile(
  checkout: string,
  file: string,
  opts: { mocha: string; nodePath: string; uri: string; timeout: number },
): Promise<FileResult> {
  const out = path.join(checkout, `.${file.replace(/[\\/]/g, '_')}.ndjson`);
  const reporter = path.join(checkout, 'reporter.js');
  if (!fs.existsSync(reporter)) fs.writeFileSync(reporter, REPORTER);
  const args = [
    path.join(opts.mocha, 'bin', 'mocha.js'),
    '--no-config',
    '--no-package',
    '--exit',
    '--ui',
    'bdd',
    '--timeout',
    String(opts.timeout),
    '--reporter',
    reporter,
    path.join('test', file),
  ];
  const env = {
    ...process.env,
    MONGOOSE_TEST_URI: opts.uri,
    NODE_PATH: opts.nodePath,
    MGS_MOCHA: opts.mocha,
    MGS_OUT: out,
  };
  const result: FileResult = { file, passed: 0, failed: 0, pending: 0, tests: [] };
  let stderr = '';
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: checkout, env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    // A file whose run hangs (a hook waiting for ever) is stopped after 10 minutes.
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  let ended = false;
  const lines = fs.existsSync(out) ? fs.readFileSync(out, 'utf8').split('\n').filter(Boolean) : [];
  for (const line of lines) {
    const o = JSON.parse(line) as Outcome & { end?: boolean; hook?: boolean };
    if (o.end) {
      ended = true;
      continue;
    }
    if (o.hook) {
      result.aborted = `${o.title}: ${o.error}`;
      result.failed++;
    } else result[o.state]++;
    result.tests.push({ title: o.title, state: o.state, error: o.error });
  }
  if (!ended) result.aborted = `mocha exited with ${code} before the end: ${stderr.trim().slice(-1500)}`;
  return result;
}

async function main(): Promise<void> {
  const { testDir, files, json, timeout, verbose } = parseArgs(process.argv.slice(2));
  const searchFrom = [path.dirname(testDir), path.dirname(path.dirname(testDir)), root];
  const mochaPkg = findModule('mocha/package.json', searchFrom);
  const mocha = mochaPkg && path.dirname(mochaPkg);
  if (!mocha) {
    console.error(
      `mocha not found near ${testDir} nor in ${root}: npm install mocha sinon next to the checkout`,
    );
    process.exit(2);
  }
  const selected =
    files.length > 0
      ? files
      : fs
          .readdirSync(testDir)
          .filter((f) => f.endsWith('.test.js'))
          .sort();
  const checkout = prepareCheckout(testDir);
  // Mongoose and the tests must share one copy of the driver and bson: this repository's first.
  const nodePath = [
    path.join(root, 'node_modules'),
    ...searchFrom.map((d) => path.join(d, 'node_modules')),
  ].join(path.delimiter);

  const external = process.env.MONGOOSE_TEST_URI;
  const engine = external ? undefined : await startEmbeddedMongo({ ttlIntervalMs: 1000 });
  const uri = external ?? engine!.uri;
  console.log(
    `Mongoose ${(JSON.parse(fs.readFileSync(path.join(checkout, 'package.json'), 'utf8')) as { version: string }).version} against ${external ? uri : 'the embedded engine'}`,
  );

  const results: FileResult[] = [];
  try {
    for (const file of selected) {
      const started = Date.now();
      const r = await runFile(checkout, file, { mocha, nodePath, uri, timeout });
      results.push(r);
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        `${file.padEnd(40)} passed ${String(r.passed).padStart(4)}  failed ${String(r.failed).padStart(4)}  pending ${String(r.pending).padStart(4)}  (${secs} s)${r.aborted ? '  ABORTED' : ''}`,
      );
      if (verbose) {
        if (r.aborted) console.log(`    aborted: ${r.aborted}`);
        for (const t of r.tests.filter((t) => t.state === 'failed')) {
          console.log(`  ✗ ${t.title}\n      ${(t.error ?? '').split('\n').slice(0, 3).join('\n      ')}`);
        }
      }
    }
  } finally {
    await engine?.stop();
    fs.rmSync(checkout, { recursive: true, force: true });
  }
  const total = results.reduce(
    (s, r) => ({ passed: s.passed + r.passed, failed: s.failed + r.failed, pending: s.pending + r.pending }),
    { passed: 0, failed: 0, pending: 0 },
  );
  console.log(
    `${'total'.padEnd(40)} passed ${String(total.passed).padStart(4)}  failed ${String(total.failed).padStart(4)}  pending ${String(total.pending).padStart(4)}`,
  );
  if (json) fs.writeFileSync(json, JSON.stringify({ total, files: results }, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
