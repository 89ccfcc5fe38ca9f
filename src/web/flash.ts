// One-time messages shown by the layout on the next page (after a redirect). Kept in the session,
// so they are only used where a session exists or is wanted (forms of signed-in people).
import type { NextFunction, Request, Response } from 'express';

export type FlashType = 'success' | 'info' | 'warning' | 'error';
export interface FlashMessage {
  type: FlashType;
  message: string;
}

export function flashMiddleware(req: Request, res: Response, next: NextFunction): void {
  let hasFlashed = false;
  req.flash = (type, message) => {
    if (!req.session) return;
    req.session.flash = [...(req.session.flash ?? []), { type, message }];
    hasFlashed = true;
  };
  // express-session sends a response's head before its session is saved, so a browser following a
  // redirect at once could read the session without the message: save it before redirecting.
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    if (!hasFlashed || !req.session) return redirect(...args);
    req.session.save((error) => (error ? next(error) : redirect(...args)));
  }) as typeof res.redirect;
  // Read by the layout; reading consumes the messages so a redirect never loses them.
  res.locals.takeFlash = (): FlashMessage[] => {
    const messages = req.session?.flash ?? [];
    if (req.session?.flash) delete req.session.flash;
    return messages;
  };
  next();
}
