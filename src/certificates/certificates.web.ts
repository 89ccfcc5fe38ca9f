// Sending certificate files: the stored PDF with a sanitised attachment name, nosniff, a sandboxing
// CSP and no-store (it carries personal data); and the ZIP as a stream.
import type { Request, Response } from 'express';
import type { Actor } from '../core/actor';
import { requestContext } from '../web/request-context';
import type { CertificateQuery } from './certificates.schemas';
import * as certificates from './certificates.service';
import { writeZip } from './certificates.zip';
import { openFile } from './storage';

function attachment(res: Response, name: string, type: string) {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
}

export async function sendCertificate(req: Request, res: Response, id: string): Promise<void> {
  const { file, fileName } = await certificates.download(req.user!, id, requestContext(req));
  attachment(res, fileName, 'application/pdf');
  res.setHeader('Content-Length', String(file.size));
  res.setHeader('ETag', `"${file.sha256}"`);
  await new Promise<void>((resolve, reject) => {
    openFile(file.id).once('error', reject).pipe(res).once('finish', resolve).once('close', resolve);
  });
}

export async function sendZip(
  req: Request,
  res: Response,
  actor: Actor,
  query: CertificateQuery,
): Promise<void> {
  await certificates.scopedFilter(actor, query); // refuses before any header is sent
  const stamp = new Date().toISOString().slice(0, 10);
  attachment(res, `sertifikat-${stamp}.zip`, 'application/zip');
  await writeZip(actor, query, res, requestContext(req));
  await new Promise<void>((resolve) =>
    res.writableFinished ? resolve() : res.once('finish', resolve).once('close', resolve),
  );
}

/** The learner's certificate as a signed Open Badges 3.0 credential (JSON), as a download. */
export async function sendOpenBadge(req: Request, res: Response, id: string): Promise<void> {
  const { json, fileName } = await certificates.openBadge(req.user!, id);
  attachment(res, fileName, 'application/json; charset=utf-8');
  res.send(json);
}

/** The same credential as a VC-JWT (compact JWS, `application/jwt`), as a download. */
export async function sendOpenBadgeJwt(req: Request, res: Response, id: string): Promise<void> {
  const { jwt, fileName } = await certificates.openBadgeJwt(req.user!, id);
  attachment(res, fileName, 'application/jwt; charset=utf-8');
  res.send(jwt);
}
