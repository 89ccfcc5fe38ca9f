// Retention: each kind of record is kept only as long as configuration says (UU 27/2022 storage
// limitation), then deleted by `purge`, which the server runs every hour and `npm run purge` runs once.
// Records of other features are deleted through their own service where one exists (access log,
// audit log); session documents (connect-mongo) and import previews (users/import) are owned by
// libraries or models without a purge function, so they are addressed here by collection name.
/* eslint-disable security/detect-non-literal-fs-filename -- only files inside the configured uploads folder are touched */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config';
import type { Database } from '../db';
import { audit } from '../audit';
import { accessLog } from '../personal-data';
import { mail } from '../mail';
import { purgePasswordLinksOlderThan } from '../password-links';

/** Collections named by their owners: connect-mongo (src/auth/session.ts) and the import preview model. */
const SESSIONS_COLLECTION = 'sessions';
const IMPORT_PREVIEWS_COLLECTION = 'importPreviews';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface PurgeReport {
  stagingUploads: number;
  importPreviews: number;
  expiredSessions: number;
  accessLog: number;
  auditLog: number;
  mails: number;
  passwordLinks: number;
}

export interface PurgeDeps {
  config: Pick<Config, 'retention' | 'uploadsDir'>;
  db: Pick<Database, 'connection'>;
  now: Date;
}

/** The moment before which each kind of record is past retention. */
export function cutoffs(config: Pick<Config, 'retention'>, now: Date) {
  const r = config.retention;
  const before = (ms: number) => new Date(now.getTime() - ms);
  return {
    stagingUploads: before(r.stagingUploadsHours * HOUR_MS),
    importPreviews: before(r.importPreviewHours * HOUR_MS),
    accessLog: before(r.accessLogDays * DAY_MS),
    auditLog: before(r.auditLogDays * DAY_MS),
    mails: before(r.mailDays * DAY_MS),
  };
}

/** Deletes staging files (multer's uploads folder) last modified before `before`; dotfiles stay. */
async function purgeStagingUploads(uploadsDir: string, before: Date): Promise<number> {
  const dir = path.resolve(uploadsDir);
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let deleted = 0;
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.startsWith('.')) continue;
    const file = path.join(dir, entry.name);
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat || stat.mtime >= before) continue;
    await fs.rm(file, { force: true });
    deleted += 1;
  }
  return deleted;
}

/** Runs every purge once; each kind is independent, so one failing does not keep the others from running. */
export async function purge({ config, db, now }: PurgeDeps): Promise<PurgeReport> {
  const at = cutoffs(config, now);
  const collection = (name: string) => db.connection.db!.collection(name);
  const jobs: Record<keyof PurgeReport, () => Promise<number>> = {
    stagingUploads: () => purgeStagingUploads(config.uploadsDir, at.stagingUploads),
    importPreviews: async () =>
      (await collection(IMPORT_PREVIEWS_COLLECTION).deleteMany({ createdAt: { $lt: at.importPreviews } }))
        .deletedCount,
    expiredSessions: async () =>
      (await collection(SESSIONS_COLLECTION).deleteMany({ expires: { $lt: now } })).deletedCount,
    accessLog: () => accessLog.purgeOlderThan(at.accessLog),
    auditLog: () => audit.purgeOlderThan(at.auditLog),
    // The queue and outbox, and the records of the links those mails carried (long expired by then).
    mails: () => mail.purgeOlderThan(at.mails),
    passwordLinks: () => purgePasswordLinksOlderThan(at.mails),
  };
  const kinds = Object.keys(jobs) as (keyof PurgeReport)[];
  const results = await Promise.allSettled(kinds.map((kind) => jobs[kind]()));
  const failures = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${kinds[i]}: ${String(r.reason)}`] : [],
  );
  if (failures.length > 0) throw new Error(`retention purge failed for ${failures.join('; ')}`);
  return Object.fromEntries(
    kinds.map((kind, i) => [kind, (results[i] as PromiseFulfilledResult<number>).value]),
  ) as unknown as PurgeReport;
}
