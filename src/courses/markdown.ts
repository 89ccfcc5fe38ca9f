// Lesson text: Markdown rendered by markdown-it, then sanitised by sanitize-html with an allow-list,
// so what an author types (or a package brings) can never run in a learner's browser: no script,
// no event handler, no javascript:/data: link, no iframe but from the video hosts of the allow-list,
// no image but the course's own (`files/<name>` in the text, served from the course's file route).
// Callouts: a quote that starts with [!INFO], [!TIP], [!PENTING] or [!PERINGATAN] (or the English
// NOTE, IMPORTANT, WARNING), or with a bold label such as **Catatan:**, **Penting:** or **Tips:**,
// becomes a coloured box.
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { VIDEO_EMBED_HOSTS } from '../core/video-embeds';

const CALLOUTS: Record<string, 'info' | 'tip' | 'important' | 'warning'> = {
  INFO: 'info',
  NOTE: 'info',
  CATATAN: 'info',
  TIP: 'tip',
  TIPS: 'tip',
  KIAT: 'tip',
  PENTING: 'important',
  IMPORTANT: 'important',
  PERINGATAN: 'warning',
  WARNING: 'warning',
};

const md = new MarkdownIt({ html: true, linkify: true, typographer: false });

/** Marks `> [!KIND]` quotes as callouts (class on the blockquote) and drops the marker. */
md.core.ruler.push('callouts', (state) => {
  const tokens: Token[] = state.tokens;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].type !== 'blockquote_open') continue;
    const inline = tokens[i + 2];
    if (tokens[i + 1]?.type !== 'paragraph_open' || inline?.type !== 'inline') continue;
    // A quote that opens with a bold label ("> **Penting:** …") is a callout too; its label stays.
    const label = /^\*\*([A-Za-z]+):\*\*/.exec(inline.content);
    const labelled = label ? CALLOUTS[label[1].toUpperCase()] : undefined;
    if (labelled) {
      tokens[i].attrJoin('class', `callout callout-${labelled}`);
      continue;
    }
    const match = /^\[!([A-Za-z]+)\][ \t]*\n?/.exec(inline.content);
    const kind = match ? CALLOUTS[match[1].toUpperCase()] : undefined;
    if (!match || !kind) continue;
    tokens[i].attrJoin('class', `callout callout-${kind}`);
    inline.content = inline.content.slice(match[0].length);
    const first = inline.children?.[0];
    if (first?.type === 'text') {
      first.content = first.content.replace(/^\[![A-Za-z]+\][ \t]*/, '');
      if (first.content === '' && inline.children?.[1]?.type === 'softbreak') inline.children.splice(0, 2);
    }
  }
  return true;
});

/** A course file name as Markdown refers to it: `files/<name>` (also `./files/<name>`). */
const FILE_REF = /^(?:\.\/)?files\/([A-Za-z0-9._-]{1,120})$/;

export type FileUrlOf = (name: string) => string | undefined;

function sanitiserOptions(fileUrlOf: FileUrlOf): sanitizeHtml.IOptions {
  return {
    allowedTags: [
      'h1',
      'h2',
      'h3',
      'h4',
      'h5',
      'h6',
      'p',
      'br',
      'hr',
      'blockquote',
      'ul',
      'ol',
      'li',
      'strong',
      'em',
      'b',
      'i',
      's',
      'del',
      'sub',
      'sup',
      'code',
      'pre',
      'a',
      'img',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
      'caption',
      'figure',
      'figcaption',
      'abbr',
      'kbd',
      'mark',
      'iframe',
    ],
    allowedAttributes: {
      a: ['href', 'title'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      th: ['align', 'scope'],
      td: ['align'],
      abbr: ['title'],
      ol: ['start'],
      blockquote: ['class'],
      iframe: ['src', 'title', 'allowfullscreen'],
    },
    allowedClasses: {
      blockquote: ['callout', 'callout-info', 'callout-tip', 'callout-important', 'callout-warning'],
    },
    allowedSchemes: ['https', 'http', 'mailto'],
    allowedSchemesByTag: { img: [], iframe: ['https'] },
    allowProtocolRelative: false,
    allowedIframeHostnames: [...VIDEO_EMBED_HOSTS],
    allowIframeRelativeUrls: false,
    disallowedTagsMode: 'discard',
    transformTags: {
      // Images: only the course's own files, by name; anything else loses its source.
      img: (tagName, attribs) => {
        const name = FILE_REF.exec(attribs.src ?? '')?.[1];
        const url = name ? fileUrlOf(name) : undefined;
        const { src: _src, ...rest } = attribs;
        return { tagName, attribs: url ? { ...rest, src: url, loading: 'lazy' } : rest };
      },
      a: (tagName, attribs) => {
        const name = FILE_REF.exec(attribs.href ?? '')?.[1];
        const url = name ? fileUrlOf(name) : undefined;
        if (url) return { tagName, attribs: { ...attribs, href: url } };
        const external = /^https?:/i.test(attribs.href ?? '');
        return {
          tagName,
          attribs: external ? { ...attribs, rel: 'noopener noreferrer', target: '_blank' } : attribs,
        };
      },
      iframe: (tagName, attribs) => ({
        tagName,
        attribs: {
          ...attribs,
          title: attribs.title || 'Video',
          sandbox: 'allow-scripts allow-same-origin allow-presentation',
        },
      }),
      table: (tagName, attribs) => ({ tagName, attribs }),
    },
    // An image or an iframe whose source was refused goes altogether.
    exclusiveFilter: (frame) => (frame.tag === 'img' || frame.tag === 'iframe') && !frame.attribs.src,
  };
}

/** Extra attributes the transforms add (sanitize-html keeps only allowed ones; these are ours). */
const ADDED: Record<string, string[]> = {
  img: ['loading'],
  a: ['rel', 'target'],
  iframe: ['sandbox'],
};

/**
 * Markdown → safe HTML. `fileUrlOf(name)` gives the address of the course's file of that name (or
 * undefined: the reference is dropped).
 */
export function renderMarkdown(markdown: string, fileUrlOf: FileUrlOf = () => undefined): string {
  const html = md.render(markdown);
  const options = sanitiserOptions(fileUrlOf);
  const attrs = options.allowedAttributes as Record<string, string[]>;
  for (const [tag, extra] of Object.entries(ADDED)) attrs[tag] = [...(attrs[tag] ?? []), ...extra];
  return sanitizeHtml(html, options);
}

/** The names of course files a Markdown text refers to (`files/<name>` in images and links). */
export function referencedFileNames(markdown: string): string[] {
  const names = new Set<string>();
  for (const match of markdown.matchAll(
    /(?:\]\(|src=["']|href=["'])\s*(?:\.\/)?files\/([A-Za-z0-9._-]{1,120})/g,
  ))
    names.add(match[1]);
  return [...names];
}
