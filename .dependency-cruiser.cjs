// Import boundaries and cycles, checked by `npm test` (npm run lint:deps).
// A feature is a folder of src/ (users, auth, institutions, ...). The rules:
// - no import cycles, type-only imports aside;
// - a feature reaches another only through that feature's index.ts (never its model, routes,
//   service file or helpers); routers are mounted by src/routes.ts alone;
// - src/web/ (shared plumbing) and src/core/ (deps, roles, shared types) import no feature;
// - the embedded engine imports nothing of the app.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Import cycles (type-only imports do not count: they vanish at run time).',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-foreign-model',
      severity: 'error',
      comment: "A feature changes another feature's data through its index.ts, never its model.",
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/.+[.]model[.]ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'routers-mounted-by-routes-only',
      severity: 'error',
      comment: 'Routers are imported by src/routes.ts only.',
      from: { path: '^src/', pathNot: ['^src/routes[.]ts$'] },
      to: { path: '^src/([^/]+)/.+[.]routes[.]ts$' },
    },
    {
      name: 'features-through-index',
      severity: 'error',
      comment: "A feature uses another feature through that feature's index.ts only.",
      from: { path: '^src/([^/]+)/', pathNot: '^src/(cli|db)/' },
      to: {
        path: '^src/(?!web/|core/|db/|locales/|config[.]ts)([^/]+)/',
        pathNot: ['^src/$1/', '^src/[^/]+/index[.]ts$'],
      },
    },
    {
      name: 'web-imports-no-feature',
      severity: 'error',
      comment: 'Shared web plumbing knows no feature.',
      from: { path: '^src/(web|core)/' },
      to: { path: '^src/', pathNot: ['^src/(web|core|db|locales)/', '^src/config[.]ts$'] },
    },
    {
      name: 'engine-imports-no-app',
      severity: 'error',
      from: { path: '^src/db/embedded/' },
      to: { path: '^src/', pathNot: '^src/db/embedded/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    includeOnly: '^src/',
  },
};
