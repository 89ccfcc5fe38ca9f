// One layout for every page: `res.render('users/index', { title, ... })` renders the page view,
// then views/layouts/main.ejs around it (the page's HTML arrives there as `body`).
// Pass `layout: false` for a view that is a whole document by itself.
import type { NextFunction, Request, Response } from 'express';

type RenderCallback = (err: Error | null, html?: string) => void;
type PlainRender = (view: string, options: object, callback: RenderCallback) => void;

/** Renders `view` inside the layout and calls back with the whole page. */
export function renderInLayout(
  render: PlainRender,
  view: string,
  locals: Record<string, unknown>,
  callback: RenderCallback,
): void {
  render(view, locals, (err, body) => {
    if (err) return callback(err);
    render('layouts/main', { ...locals, body }, callback);
  });
}

export function layoutMiddleware(_req: Request, res: Response, next: NextFunction): void {
  const render = res.render.bind(res) as PlainRender;
  res.render = ((view: string, options?: object | RenderCallback, callback?: RenderCallback) => {
    if (typeof options === 'function') {
      callback = options as RenderCallback;
      options = {};
    }
    const locals = (options ?? {}) as Record<string, unknown>;
    if (callback || locals.layout === false) return render(view, locals, callback ?? (() => undefined));
    renderInLayout(render, view, locals, (err, html) => {
      if (err) return next(err);
      res.type('html').send(html);
    });
  }) as Response['render'];
  next();
}
