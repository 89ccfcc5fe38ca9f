// Security headers (helmet with a strict CSP, HSTS in production) and `Cache-Control: no-store`
// on every dynamic response (pages carry personal data; static files are mounted before this).
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { VIDEO_EMBED_HOSTS } from '../core/video-embeds';

export function securityHeaders(isProduction: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        mediaSrc: ["'self'"],
        // Lesson videos may be embedded from these hosts only (src/core/video-embeds.ts).
        frameSrc: [...VIDEO_EMBED_HOSTS.map((host) => `https://${host}`)],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(isProduction ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: isProduction ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
}

export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};
