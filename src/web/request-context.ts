// Who made a request, as the audit log and the access log record it: the request id (also sent as
// X-Request-Id) and the client address (as trusted by TRUST_PROXY).
import type { Request } from 'express';

export interface RequestContext {
  requestId?: string;
  ip?: string;
}

export function requestContext(req: Request): RequestContext {
  return { requestId: String((req as Request & { id?: unknown }).id ?? ''), ip: req.ip };
}
