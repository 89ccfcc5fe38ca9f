// Jest transform: TypeScript → CommonJS with esbuild (already installed for tsx). Fast, and it
// keeps the lockfile free of per-platform native compiler packages that `npm ci` cannot resolve here.
const crypto = require('node:crypto');
const fs = require('node:fs');
const { transformSync, version } = require('esbuild');

const ownSource = fs.readFileSync(__filename, 'utf8');

module.exports = {
  getCacheKey(source, filename) {
    return crypto
      .createHash('sha256')
      .update(ownSource)
      .update(version)
      .update(filename)
      .update(source)
      .digest('hex');
  },
  process(source, filename) {
    const result = transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: filename,
      // Jest's module system has no ESM loader: turn import() into require().
      supported: { 'dynamic-import': false },
    });
    return { code: result.code };
  },
};
