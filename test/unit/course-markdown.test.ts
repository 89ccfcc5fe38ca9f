// Lesson Markdown: what an author may write survives (headings, tables, callouts, course images,
// allow-listed video embeds); what could run in a learner's browser does not.
import { referencedFileNames, renderMarkdown } from '../../src/courses/markdown';
import { toEmbedUrl } from '../../src/core/video-embeds';

const files = (name: string) => (name === 'alur.svg' ? '/kursus/c/berkas/f' : undefined);

describe('lesson Markdown', () => {
  it('keeps headings, tables, callouts and course images', () => {
    const html = renderMarkdown(
      '## Alur\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n> **Penting:** simpan bukti.\n\n> [!INFO]\n> Catatan.\n\n![Alur](files/alur.svg)',
      files,
    );
    expect(html).toContain('<h2>Alur</h2>');
    expect(html).toContain('<table>');
    expect(html).toContain('<blockquote class="callout callout-important">');
    expect(html).toContain('<blockquote class="callout callout-info">');
    expect(html).not.toContain('[!INFO]');
    expect(html).toContain('<img alt="Alur" src="/kursus/c/berkas/f"');
  });

  it('drops scripts, handlers, javascript: and data: links, foreign iframes and images', () => {
    const html = renderMarkdown(
      [
        '<script>alert(1)</script>',
        '<a href="javascript:alert(1)">x</a> <a href="data:text/html,<script>alert(1)</script>">y</a>',
        '<img src="https://pelacak.example/p.gif"> <img src=x onerror=alert(1)> ![z](files/tidak-ada.svg)',
        '<iframe src="https://evil.example/"></iframe><iframe src="http://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"></iframe>',
        '<p style="position:fixed" onclick="alert(1)">teks</p><form action="/logout"><button>x</button></form>',
      ].join('\n\n'),
      files,
    );
    expect(html).not.toMatch(
      /<script|onerror|onclick|javascript:|data:|pelacak|evil|<iframe|<img|style=|<form|<button/i,
    );
    expect(html).toContain('teks');
  });

  it('lists the course files a text names', () => {
    expect(
      referencedFileNames('![a](files/a.svg) [b](./files/b.pdf) <img src="files/c.png">').sort(),
    ).toEqual(['a.svg', 'b.pdf', 'c.png']);
  });
});

describe('video embeds', () => {
  it.each([
    ['https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ'],
    ['https://youtu.be/dQw4w9WgXcQ', 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ'],
    ['https://vimeo.com/76979871', 'https://player.vimeo.com/video/76979871'],
  ])('turns %s into an embed on an allow-listed host', (input, embed) =>
    expect(toEmbedUrl(input)).toBe(embed),
  );

  it.each([
    'http://www.youtube.com/watch?v=dQw4w9WgXcQ',
    'https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ',
    'https://www.youtube.com/watch?v=<script>',
    'javascript:alert(1)',
    'https://user@www.youtube.com/watch?v=dQw4w9WgXcQ',
  ])('refuses %s', (input) => expect(toEmbedUrl(input)).toBeUndefined());
});
