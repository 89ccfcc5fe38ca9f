// explain for find, count, distinct, update, delete, findAndModify and aggregate: the winning
// plan names IDHACK/IXSCAN (with the index) or COLLSCAN, as the planner chose.
import { Document } from 'bson';
import { ErrorCodes, fail } from '../errors';
import { findDocs } from '../storage/query';
import { isPlainObject } from '../storage/values';
import { validateNamespace } from '../storage/engine';
import { aggregate } from './aggregate';
import { CommandContext } from './context';

export function explain(ctx: CommandContext): Document | Promise<Document> {
  if (!isPlainObject(ctx.body.explain))
    fail(ErrorCodes.TypeMismatch, 'explain command requires a nested object');
  const inner = ctx.body.explain as Document;
  const cmdName = Object.keys(inner)[0];
  const collName = inner[cmdName];
  if (cmdName === 'aggregate') {
    return aggregate({ ...ctx, name: 'aggregate', body: { ...inner, explain: true } }) as Document;
  }
  if (typeof collName !== 'string') fail(ErrorCodes.InvalidNamespace, 'explain: collection name required');
  validateNamespace(ctx.db, collName);
  let filter: Document | undefined;
  let sort: Document | undefined;
  switch (cmdName) {
    case 'find':
      filter = inner.filter;
      sort = inner.sort;
      break;
    case 'count':
    case 'distinct':
      filter = inner.query;
      break;
    case 'findAndModify':
      filter = inner.query;
      sort = inner.sort;
      break;
    case 'update':
      filter = inner.updates?.[0]?.q;
      break;
    case 'delete':
      filter = inner.deletes?.[0]?.q;
      break;
    default:
      fail(ErrorCodes.CommandNotFound, `Explain failed due to unknown command: ${cmdName}`);
  }
  const started = process.hrtime.bigint();
  const r = findDocs(ctx.scope.view(ctx.db, collName), {
    filter,
    sort,
    skip: inner.skip,
    limit: inner.limit,
  });
  const millis = Number(process.hrtime.bigint() - started) / 1e6;
  const p = r.plan;
  const leaf: Document =
    p.stage === 'COLLSCAN'
      ? { stage: 'COLLSCAN', direction: 'forward' }
      : {
          stage: p.stage === 'IDHACK' ? 'IDHACK' : 'IXSCAN',
          indexName: p.index?.spec.name,
          keyPattern: p.index?.spec.key,
          indexBounds: p.bounds,
        };
  const winningPlan =
    p.stage === 'COLLSCAN' || p.stage === 'IDHACK' ? leaf : { stage: 'FETCH', inputStage: leaf };
  return {
    explainVersion: '1',
    queryPlanner: {
      namespace: `${ctx.db}.${collName}`,
      parsedQuery: filter ?? {},
      winningPlan,
      rejectedPlans: [],
    },
    executionStats: {
      executionSuccess: true,
      nReturned: r.docs.length,
      executionTimeMillis: Math.round(millis),
      totalKeysExamined: r.keysExamined,
      totalDocsExamined: r.docsExamined,
      executionStages: winningPlan,
    },
    command: inner,
    serverInfo: { host: ctx.server.host, port: ctx.server.port, version: '7.0.0' },
    ok: 1,
  };
}
