// Certificate pages: a learner's own (/sertifikat), HR's list with download, ZIP and CSV within
// their people's scope and an admin's revocation (/admin/sertifikat), and the public verification
// (/verifikasi, no sign-in, rate-limited, no referrer). parse with zod → service → render or send.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { RouteDeps } from '../core/deps';
import { ipRateLimit, requireAuth, requireRole } from '../auth';
import multer from 'multer';
import { Conflict, NotFound } from '../web/errors';
import { acceptUploadsAt, verifyCsrf } from '../web/csrf';
import { receiveUpload } from '../web/uploads';
import { registerNavItem } from '../web/navigation';
import { requestContext } from '../web/request-context';
import { filterValues, idParam, parseInput, parseQuery } from '../web/validation';
import {
  CERTIFICATE_FILTER_KEYS,
  certificateQuery,
  codeLookup,
  nipCheckForm,
  revokeForm,
  verificationCode,
} from './certificates.schemas';
import * as certificates from './certificates.service';
import { sendCertificate, sendOpenBadge, sendOpenBadgeJwt, sendZip } from './certificates.web';
import { JWT_KEYS_PATH } from './openbadge-jwt';
import { exportCsv, exportXlsx } from './certificates.export';
import { formatNip, users } from '../users';
import { configureCertificates } from './settings';
import { retireOldIndexes } from './storage';
import * as verification from './verification';

export const MY_PATH = '/sertifikat';
export const HR_PATH = '/admin/sertifikat';
export const VERIFY_PATH = '/verifikasi';

/** The learner's own certificates and their downloads (also HR's single download by id). */
export function myCertificatesRouter(deps: RouteDeps): Router {
  configureCertificates(deps.config, deps.logger, deps.clock());
  retireOldIndexes();
  registerNavItem({ href: MY_PATH, labelKey: 'certificates.nav.mine', roles: [], order: 30 });
  const router = Router();
  router.use(requireAuth);
  router.get('/', async (req, res) => {
    const items = await certificates.mine(req.user!);
    res.render('certificates/mine', { title: req.t('certificates.mine.title'), items });
  });
  router.get('/:id/unduh', (req, res) => sendCertificate(req, res, idParam(req, 'certificate')));
  router.get('/:id/openbadge.json', (req, res) => sendOpenBadge(req, res, idParam(req, 'certificate')));
  router.get('/:id/openbadge.jwt', (req, res) => sendOpenBadgeJwt(req, res, idParam(req, 'certificate')));
  return router;
}

async function renderList(req: Request, res: Response) {
  const query = parseQuery(certificateQuery, req.query);
  const [result, courses, opds] = await Promise.all([
    certificates.list(req.user!, query),
    certificates.courseChoices(req.user!),
    users.opdChoices(req.user!),
  ]);
  const filters = filterValues(query, CERTIFICATE_FILTER_KEYS);
  const queryString = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== '')).toString();
  res.render('certificates/list', {
    title: req.t('certificates.list.title'),
    basePath: HR_PATH,
    result,
    courses,
    opds,
    query: filters,
    queryString,
    canRevoke: certificates.canManage(req.user!),
    formatNip,
  });
}

/**
 * A curator's action on one certificate with a reason (revoke, reissue): a missing or foreign id is
 * 404 before the form is read; a bad reason or a certificate no longer current comes back as a
 * message on the list.
 */
async function withReason(req: Request, res: Response, act: (id: string, reason: string) => Promise<void>) {
  const id = idParam(req, 'certificate');
  await certificates.downloadable(req.user!, id);
  const input = parseInput(revokeForm, req.body);
  if (!input.ok) {
    req.flash('error', req.t(Object.values(input.errors)[0]));
    return res.redirect(303, HR_PATH);
  }
  try {
    await act(id, input.data.reason);
  } catch (error) {
    if (!(error instanceof Conflict)) throw error;
    req.flash('error', req.t(error.messageKey));
  }
  res.redirect(303, HR_PATH);
}

/** HR (and admins): the certificates of the people in their scope; curators: every certificate, to revoke or reissue. */
export function hrCertificatesRouter(deps: RouteDeps): Router {
  registerNavItem({
    href: HR_PATH,
    labelKey: 'certificates.nav.hr',
    roles: ['hr', 'admin', 'curator'],
    order: 45,
  });
  const router = Router();
  router.use(requireRole('hr', 'admin', 'curator'));
  router.get('/', renderList);
  router.get('/unduh.zip', (req, res) =>
    sendZip(req, res, req.user!, parseQuery(certificateQuery, req.query)),
  );
  router.get('/ekspor.csv', (req, res) => exportCsv(req, res, parseQuery(certificateQuery, req.query)));
  router.get('/ekspor.xlsx', (req, res) => exportXlsx(req, res, parseQuery(certificateQuery, req.query)));
  router.get('/:id/unduh', (req, res) => sendCertificate(req, res, idParam(req, 'certificate')));
  router.post('/:id/cabut', requireRole('admin', 'curator'), (req, res) =>
    withReason(req, res, async (id, reason) => {
      await certificates.revoke(req.user!, id, reason, deps.clock(), requestContext(req));
      req.flash('success', req.t('certificates.flash.revoked'));
    }),
  );
  router.post('/:id/terbitkan-ulang', requireRole('admin', 'curator'), (req, res) =>
    withReason(req, res, async (id, reason) => {
      const created = await certificates.reissue(req.user!, id, reason, deps.clock(), requestContext(req));
      req.flash('success', req.t('certificates.flash.reissued', { number: created.number }));
    }),
  );
  return router;
}

function codeOf(req: Request): string {
  const parsed = verificationCode.safeParse(req.params.code);
  if (!parsed.success) throw new NotFound('certificate');
  return parsed.data;
}

interface Checked extends verification.UploadCheck {
  nipResult?: boolean;
  nipError?: string;
  /** A pasted VC-JWT, shown again in its field when it was refused. */
  token?: string;
}

async function renderVerification(req: Request, res: Response, code: string, checked: Checked = {}) {
  const view = await verification.verify(code);
  if (!view) throw new NotFound('certificate');
  const status = checked.nipError || checked.fileError ? 422 : 200;
  res
    .status(status)
    .render('certificates/verify', { title: req.t('certificates.verify.title'), view, code, ...checked });
}

/**
 * The PDF (or Open Badges credential, JSON or VC-JWT) a verifier uploads to compare with the issued
 * one: one file, at most 5 MB, in memory; or a VC-JWT pasted in the `token` field (1 MB at most).
 */
const pdfUpload = receiveUpload(
  multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 4, fieldSize: 1024 * 1024 },
  }).single('file'),
);

/** The pasted token, when no file was uploaded; undefined when it is empty. */
function pastedToken(req: Request): string | undefined {
  if (req.file?.size) return undefined;
  const token = (req.body as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' && token.trim() ? token : undefined;
}

function checkFile(deps: RouteDeps) {
  return async (req: Request, res: Response) => {
    const parsed = verificationCode.safeParse((req.body as { code?: unknown } | undefined)?.code);
    if (!parsed.success) throw new NotFound('certificate');
    const token = pastedToken(req);
    const bytes = req.file?.size ? req.file.buffer : token && Buffer.from(token, 'utf8');
    if (!bytes)
      return renderVerification(req, res, parsed.data, {
        fileError: req.t('certificates.verify.fileMissing'),
      });
    const checked = await verification.checkUpload(parsed.data, bytes, deps.clock());
    if (!checked) throw new NotFound('certificate');
    if (!checked.fileError) return renderVerification(req, res, parsed.data, checked);
    await renderVerification(req, res, parsed.data, { fileError: req.t(checked.fileError), token });
  };
}

/** Public keys for VC-JWT verifiers, readable from any origin (wallets in a browser); never stale after a rotation. */
function sendKeys(res: Response, type: string, body: unknown) {
  res.setHeader('Content-Type', `${type}; charset=utf-8`);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.send(JSON.stringify(body));
}

/** The public verification page: no sign-in, rate-limited per IP, sends no referrer. */
export function verificationRouter(deps: RouteDeps): Router {
  const router = Router();
  const tooMany: RequestHandler = (req, res) =>
    res.status(429).render('certificates/verify-form', {
      title: req.t('certificates.verify.title'),
      error: req.t('certificates.verify.tooMany'),
    });
  const max = deps.config.certificates.verifyMaxPerMinute;
  // Looking a code up counts in this process's memory (a GET writes nothing); a typed NIP is a guess
  // and counts with sign-in attempts in the shared per-IP store (SECURITY.md).
  const perIp = () =>
    rateLimit({
      windowMs: 60_000,
      limit: max,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
      handler: tooMany,
    });
  const views = perIp();
  const guesses = ipRateLimit({ max, windowMinutes: 1, clock: deps.clock, onLimit: tooMany });
  router.use(VERIFY_PATH, (req, res, next) => {
    res.setHeader('Referrer-Policy', 'no-referrer');
    // An upload counts once its CSRF token was checked (below): a forged form must change nothing.
    (req.method === 'POST' && req.path !== '/berkas' ? guesses : views)(req, res, next);
  });
  router.get(VERIFY_PATH, (req, res) => {
    const { kode } = parseQuery(codeLookup, req.query);
    const code = kode?.trim().replace(/[\s-]/g, '');
    if (code && verificationCode.safeParse(code).success)
      return res.redirect(303, `${VERIFY_PATH}/${code.toUpperCase()}`);
    res.status(code ? 404 : 200).render('certificates/verify-form', {
      title: req.t('certificates.verify.title'),
      error: code ? req.t('certificates.verify.unknown') : undefined,
    });
  });
  router.get(`${VERIFY_PATH}/:code`, (req, res) => renderVerification(req, res, codeOf(req)));
  acceptUploadsAt(`${VERIFY_PATH}/berkas`);
  router.post(`${VERIFY_PATH}/berkas`, pdfUpload, verifyCsrf, guesses, checkFile(deps));
  // The public keys of the Open Badges VC-JWT export: the JWK Set, and each key at its `kid` URL.
  router.use(JWT_KEYS_PATH, perIp()); // counted apart: fetching keys spends no verifications
  router.get(`${JWT_KEYS_PATH}/kunci`, async (_req, res) =>
    sendKeys(res, 'application/jwk-set+json', await verification.jwks()),
  );
  router.get(`${JWT_KEYS_PATH}/kunci/:kid`, async (req, res) => {
    const kid = /^[A-Za-z0-9_-]{43}$/.exec(String(req.params.kid))?.[0];
    const key = kid ? await verification.jwk(kid) : undefined;
    if (!key) throw new NotFound('key');
    sendKeys(res, 'application/jwk+json', key);
  });
  router.post(`${VERIFY_PATH}/:code`, async (req, res) => {
    const code = codeOf(req);
    const input = parseInput(nipCheckForm, req.body);
    if (!input.ok)
      return renderVerification(req, res, code, { nipError: req.t(input.errors.nip ?? 'errors.badRequest') });
    const matches = await verification.nipMatches(code, input.data.nip);
    if (matches === undefined) throw new NotFound('certificate');
    await renderVerification(req, res, code, { nipResult: matches });
  });
  return router;
}
