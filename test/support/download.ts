// supertest buffers text bodies only: a file download (PDF, XLSX, ZIP) is read as bytes with
// `.buffer(true).parse(collectBytes)`, after which `response.body` is a Buffer.
import type request from 'supertest';

/** A supertest parser that keeps the body's bytes as they came. */
export function collectBytes(res: request.Response, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}
