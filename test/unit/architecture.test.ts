// The code's boundaries hold by themselves: the import rules of .dependency-cruiser.cjs (checked on
// src/ by `npm test`) refuse a feature reaching into another's model, shared plumbing importing a
// feature, and run-time cycles — shown here on a small fixture tree — and no route handler grows
// past the style's 15 lines.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { routeHandlers } from '../support/route-handlers';

const root = path.resolve(__dirname, '../..');

function violationsIn(fixture: string): string[] {
  const cwd = path.join(root, 'test/fixtures', fixture);
  const bin = path.join(root, 'node_modules/.bin/depcruise');
  let output: string;
  try {
    output = execFileSync(
      bin,
      ['src', '--config', path.join(root, '.dependency-cruiser.cjs'), '--output-type', 'json'],
      {
        cwd,
        encoding: 'utf8',
      },
    );
  } catch (error) {
    output = (error as { stdout: string }).stdout; // depcruise exits non-zero when it finds violations
  }
  const result = JSON.parse(output) as {
    summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> };
  };
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

describe('the import boundaries', () => {
  it('refuse a foreign model, a feature in shared plumbing and a run-time cycle, but not a type-only one', () => {
    expect(violationsIn('architecture')).toEqual([
      'features-through-index: src/beta/beta.service.ts -> src/alpha/alpha.model.ts',
      'features-through-index: src/web/plumbing.ts -> src/beta/beta.service.ts',
      'no-cycles: src/delta/index.ts -> src/gamma/index.ts',
      'no-foreign-model: src/beta/beta.service.ts -> src/alpha/alpha.model.ts',
      'web-imports-no-feature: src/web/plumbing.ts -> src/beta/beta.service.ts',
    ]);
  });
});

describe('route handlers', () => {
  it('fit in 15 lines each (parse, call the service, respond)', () => {
    const handlers = routeHandlers(path.join(root, 'src'));
    expect(handlers.length).toBeGreaterThan(40);
    expect(
      handlers.filter((h) => h.lines > 15).map((h) => `${h.route} ${h.file}:${h.line} (${h.lines})`),
    ).toEqual([]);
  });
});
