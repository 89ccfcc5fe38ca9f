// Crawling and inspecting pages from tests: links and forms of a page, elements injected by
// hostile data, and a snapshot of every collection to prove that a set of requests changed nothing.
import crypto from 'node:crypto';
import { parseDocument, DomUtils } from 'htmlparser2';
import type { Element } from 'domhandler';
import { EJSON } from 'bson';
import type { Database } from '../../src/db';
import type { Agent } from './auth';

const BASE = 'http://binaasn.test';

/** A same-origin path (with query) for an href, or undefined for other origins and non-http links. */
export function sameOriginPath(href: string, from = '/'): string | undefined {
  try {
    const url = new URL(href, new URL(from, BASE));
    if (url.origin !== BASE) return undefined;
    return url.pathname + url.search;
  } catch {
    return undefined;
  }
}

function elements(html: string): Element[] {
  return DomUtils.findAll(() => true, parseDocument(html).children);
}

/** Same-origin URLs that the page's GET forms (search, filters) request when submitted as they are. */
export function getFormTargets(html: string, from = '/'): string[] {
  const forms = elements(html).filter(
    (e) => e.name === 'form' && (e.attribs.method ?? 'get').toLowerCase() === 'get',
  );
  return forms
    .map((form) => {
      const action = sameOriginPath(form.attribs.action ?? from, from);
      if (!action) return undefined;
      const fields = DomUtils.findAll(
        (e) =>
          ['input', 'select', 'textarea'].includes(e.name) && !!e.attribs.name && e.attribs.type !== 'submit',
        form.children,
      );
      const params = new URLSearchParams();
      for (const field of fields) {
        const selected =
          field.name === 'select'
            ? DomUtils.findAll((o) => o.name === 'option' && 'selected' in o.attribs, field.children)[0]
            : undefined;
        const value =
          field.name === 'select'
            ? (selected?.attribs.value ?? '')
            : field.name === 'textarea'
              ? DomUtils.textContent(field)
              : (field.attribs.value ?? '');
        if (
          (field.attribs.type === 'checkbox' || field.attribs.type === 'radio') &&
          !('checked' in field.attribs)
        )
          continue;
        params.append(field.attribs.name, value);
      }
      const query = params.toString();
      return `${action.split('?')[0]}${query ? `?${query}` : ''}`;
    })
    .filter((p): p is string => p !== undefined);
}

export interface GetForm {
  action: string;
  /** Each named field with its type (`text` for a plain input, `select`, `date`, ...). */
  fields: { name: string; type: string }[];
}

/** The GET forms (search, filters) of a page with their fields, for pushing values into each. */
export function getFormsIn(html: string, from = '/'): GetForm[] {
  return elements(html)
    .filter((e) => e.name === 'form' && (e.attribs.method ?? 'get').toLowerCase() === 'get')
    .map((form) => ({
      action: (sameOriginPath(form.attribs.action ?? from, from) ?? '').split('?')[0],
      fields: DomUtils.findAll(
        (e) =>
          ['input', 'select', 'textarea'].includes(e.name) && !!e.attribs.name && e.attribs.type !== 'submit',
        form.children,
      ).map((e) => ({
        name: e.attribs.name,
        type: e.name === 'input' ? (e.attribs.type ?? 'text') : e.name,
      })),
    }))
    .filter((f) => f.action !== '');
}

/** The state-changing forms of a page that carry no CSRF token field (they could only fail, or be forged). */
export function formsWithoutCsrf(html: string, from = '/'): string[] {
  return elements(html)
    .filter((e) => e.name === 'form' && (e.attribs.method ?? 'get').toLowerCase() === 'post')
    .filter(
      (form) =>
        DomUtils.findAll(
          (e) => e.name === 'input' && e.attribs.name === '_csrf' && !!e.attribs.value,
          form.children,
        ).length === 0,
    )
    .map((form) => `POST ${sameOriginPath(form.attribs.action ?? from, from) ?? form.attribs.action}`);
}

/** Same-origin paths of the `<a href>` links on a page. */
export function linksIn(html: string, from = '/'): string[] {
  return elements(html)
    .filter((e) => e.name === 'a' && e.attribs.href)
    .map((e) => sameOriginPath(e.attribs.href, from))
    .filter((p): p is string => p !== undefined);
}

export interface FormInfo {
  method: string;
  action: string;
}

/** The forms of a page: method and same-origin action path. */
export function formsIn(html: string, from = '/'): FormInfo[] {
  return elements(html)
    .filter((e) => e.name === 'form')
    .map((e) => ({
      method: (e.attribs.method ?? 'get').toUpperCase(),
      action: sameOriginPath(e.attribs.action ?? from, from) ?? '(other origin)',
    }));
}

const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'srcdoc'];

/**
 * What hostile data managed to inject into a page: event-handler attributes, inline or foreign
 * scripts, `javascript:`/`data:` URLs, frames and objects, elements carrying the payload marker.
 * An empty list means the page is clean.
 */
export function injectedElements(html: string, marker = 'pwn'): string[] {
  const problems: string[] = [];
  for (const e of elements(html)) {
    const describe = `<${e.name} ${Object.entries(e.attribs)
      .map(([k, v]) => `${k}="${v.length > 80 ? `${v.slice(0, 80)}…` : v}"`)
      .join(' ')}>`;
    if (
      e.name === 'script' &&
      (!e.attribs.src || !e.attribs.src.startsWith('/') || e.attribs.src.startsWith('//'))
    )
      problems.push(`script: ${describe}`);
    // The monitoring charts are the app's own inline SVG (role img, labelled by their chart title and
    // description); any other <svg>, or one carrying a handler or the marker, is flagged as injected.
    const isAppChart =
      e.name === 'svg' &&
      e.attribs.role === 'img' &&
      /^chart-[a-z]+-title chart-[a-z]+-desc$/.test(e.attribs['aria-labelledby'] ?? '');
    if (
      ['iframe', 'object', 'embed', 'frame', 'base', 'svg', 'math', 'meta'].includes(e.name) &&
      (e.name !== 'meta' || e.attribs['http-equiv']) &&
      !isAppChart
    )
      problems.push(`element: ${describe}`);
    for (const [name, value] of Object.entries(e.attribs)) {
      if (/^on/i.test(name)) problems.push(`event handler: ${describe}`);
      if (
        name.toLowerCase().includes(marker) ||
        (name !== 'value' && name !== 'title' && name !== 'aria-label' && value.includes(`${marker}=`))
      )
        problems.push(`marker: ${describe}`);
      const url = value.replace(/[\u0000-\u0020]/g, '');
      // An image inlined by the app (the TOTP QR code) is the one data: URL allowed; <img> runs no script.
      const isInlineImage =
        e.name === 'img' && name === 'src' && /^data:image\/(png|jpeg|gif|webp|svg\+xml);/i.test(url);
      if (
        URL_ATTRIBUTES.includes(name.toLowerCase()) &&
        /^(javascript|vbscript|data):/i.test(url) &&
        !isInlineImage
      )
        problems.push(`url: ${describe}`);
      if (name === 'style') problems.push(`inline style: ${describe}`);
    }
    if (e.name === 'style') problems.push(`style element: ${describe}`);
  }
  return problems;
}

export interface CollectionState {
  count: number;
  hash: string;
}

/** Every collection's document count and a hash of its documents (in _id order). */
export async function snapshotDatabase(
  db: Database,
  ignore: RegExp,
): Promise<Record<string, CollectionState>> {
  const mongo = db.client.db(db.dbName);
  const names = (await mongo.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((n) => !ignore.test(n) && !n.startsWith('system.'));
  const out: Record<string, CollectionState> = {};
  for (const name of names.sort()) {
    const docs = await mongo.collection(name).find({}).sort({ _id: 1 }).toArray();
    const hash = crypto.createHash('sha256');
    for (const doc of docs) hash.update(EJSON.stringify(doc, { relaxed: false }));
    out[name] = { count: docs.length, hash: hash.digest('hex').slice(0, 16) };
  }
  return out;
}

export interface CrawlResult {
  /** path → status of every GET made. */
  visited: Map<string, number>;
  /** path → page that linked to it first. */
  referrers: Map<string, string>;
  /** HTML of each visited page answered with 200 HTML. */
  pages: Map<string, string>;
}

export interface CrawlOptions {
  /** Paths never requested (sign-out links, downloads that are checked elsewhere, ...). */
  skip?: (path: string) => boolean;
  maxPages?: number;
}

/** Breadth-first GET of `start` and of every same-origin link and GET form found on the pages, once each. */
export async function crawl(agent: Agent, start: string[], options: CrawlOptions = {}): Promise<CrawlResult> {
  const maxPages = options.maxPages ?? 200;
  const queue = [...new Set(start)];
  const visited = new Map<string, number>();
  const referrers = new Map<string, string>();
  const pages = new Map<string, string>();
  while (queue.length > 0 && visited.size < maxPages) {
    const path = queue.shift()!;
    if (visited.has(path) || options.skip?.(path)) continue;
    const res = await agent.get(path);
    visited.set(path, res.status);
    const isHtml = String(res.headers['content-type'] ?? '').startsWith('text/html');
    if (!isHtml) continue;
    if (res.status === 200) pages.set(path, res.text);
    for (const link of [...linksIn(res.text, path), ...getFormTargets(res.text, path)]) {
      if (
        link.startsWith('/css/') ||
        link.startsWith('/js/') ||
        /\.(svg|png|ico|css|js)$/.test(link.split('?')[0])
      )
        continue;
      if (!visited.has(link) && !queue.includes(link)) {
        queue.push(link);
        if (!referrers.has(link)) referrers.set(link, path);
      }
    }
  }
  return { visited, referrers, pages };
}
