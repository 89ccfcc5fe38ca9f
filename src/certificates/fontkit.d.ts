// fontkit (pdfkit's font engine) ships no types; the certificates use only `create`.
declare module 'fontkit' {
  export interface Font {
    layout(text: string, features?: unknown): unknown;
    postscriptName: string;
  }
  export function create(buffer: Buffer, postscriptName?: string): Font;
}
