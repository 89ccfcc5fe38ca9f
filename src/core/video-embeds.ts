// The video hosts whose players a lesson may embed, and how a pasted address becomes an embed
// address on one of them. The CSP (src/web/security.ts) names exactly these hosts in frame-src,
// and the Markdown sanitiser allows iframes from them only.
export const VIDEO_EMBED_HOSTS = ['www.youtube-nocookie.com', 'player.vimeo.com'] as const;

const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;
const VIMEO_ID = /^\d{1,12}$/;

function youtubeId(url: URL): string | undefined {
  const host = url.hostname.toLowerCase();
  if (host === 'youtu.be') return url.pathname.slice(1);
  if (!['www.youtube.com', 'youtube.com', 'm.youtube.com', 'www.youtube-nocookie.com'].includes(host))
    return undefined;
  if (url.pathname === '/watch') return url.searchParams.get('v') ?? undefined;
  const match = /^\/(?:embed|shorts|live)\/([^/]+)$/.exec(url.pathname);
  return match?.[1];
}

function vimeoId(url: URL): string | undefined {
  const host = url.hostname.toLowerCase();
  if (host === 'vimeo.com' || host === 'www.vimeo.com') return /^\/(\d+)$/.exec(url.pathname)?.[1];
  if (host === 'player.vimeo.com') return /^\/video\/(\d+)$/.exec(url.pathname)?.[1];
  return undefined;
}

/**
 * The embed address for a YouTube or Vimeo address as people paste it (watch page, short link,
 * embed address), on the allow-listed host; undefined for anything else (other hosts, http:,
 * javascript:, ids of the wrong shape).
 */
export function toEmbedUrl(input: string): string | undefined {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return undefined;
  const yt = youtubeId(url);
  if (yt !== undefined)
    return YOUTUBE_ID.test(yt) ? `https://www.youtube-nocookie.com/embed/${yt}` : undefined;
  const vimeo = vimeoId(url);
  if (vimeo !== undefined)
    return VIMEO_ID.test(vimeo) ? `https://player.vimeo.com/video/${vimeo}` : undefined;
  return undefined;
}
