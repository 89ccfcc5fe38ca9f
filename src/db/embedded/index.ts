// The embedded MongoDB-compatible engine: the database under `npm start` and `npm test` when
// MONGODB_URI is unset. See server.ts for startEmbeddedMongo().
export { startEmbeddedMongo } from './server';
export type { EmbeddedMongo, EmbeddedMongoOptions } from './server';
