// Belt and braces beside the hostile-input crawl: EJS's unescaped tag `<%-` appears in views only
// for includes, the layout's body, and conditions that print fixed attribute text. Printing data
// with `<%-` is how a name like `"><img onerror=…>` becomes markup.
import fs from 'node:fs';
import path from 'node:path';

const VIEWS = path.join(__dirname, '..', '..', 'views');

// Plain-text mail templates (`*.text.ejs`) are never read as HTML: escaping would turn a name's
// `&` into `&amp;` in the mail. Their HTML twins are checked like every page.
function viewFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? viewFiles(path.join(dir, e.name))
        : e.name.endsWith('.ejs') && !e.name.endsWith('.text.ejs')
          ? [path.join(dir, e.name)]
          : [],
    );
}

/** Allowed unescaped outputs: include(...), the layout's body, and `cond ? 'fixed text' : ''`. */
const ALLOWED = [
  /^include\(/,
  /^body$/,
  /^[^?]+\?\s*'[^'\\]*'\s*:\s*''$/,
  // The field partial's aria-describedby: ids built from the field name the view passes in.
  /^describedBy \? 'aria-describedby="' \+ describedBy \+ '"' : ''$/,
  // Lesson text: HTML that src/courses/markdown.ts rendered and passed through sanitize-html's allow-list.
  /^sanitizedHtml$/,
];

/** Every `<%- … %>` of a template that is not one of the allowed forms. */
export function unescapedOutputs(source: string): string[] {
  return [...source.matchAll(/<%-([\s\S]*?)-?%>/g)]
    .map((m) => m[1].trim())
    .filter((expr) => !ALLOWED.some((re) => re.test(expr)));
}

describe('unescaped output in views', () => {
  it('prints no data with <%-', () => {
    const files = viewFiles(VIEWS);
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((file) =>
      unescapedOutputs(fs.readFileSync(file, 'utf8')).map(
        (expr) => `${path.relative(VIEWS, file)}: <%- ${expr} %>`,
      ),
    );
    expect(found).toEqual([]);
  });

  it('notices data printed unescaped (the check can fail)', () => {
    expect(
      unescapedOutputs(
        "<h1><%- person.name %></h1><%- include('x') %><p <%- a ? 'hidden' : '' %>><%- a ? b : '' %>",
      ),
    ).toEqual(['person.name', "a ? b : ''"]);
  });
});
