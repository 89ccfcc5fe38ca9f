// DBRefs as MongoDB sees them: plain documents `{ $ref, $id, $db, … }`. The bson package turns
// every such document it parses into a DBRef object (fields `collection`, `oid`, `db`), so a filter
// on `members.$id`, an `$elemMatch` on `$id` or an equality with a DBRef would compare different
// shapes, and a `$ref` holding a dot ('fs.files') would even be split into `db` and `collection`.
import { BSON, DBRef, Document } from 'bson';
import { rawElements } from './raw';

type DeserializeOptions = Parameters<typeof BSON.deserialize>[1];

/** A string element named `$ref` (its type byte, then its name): DBRefs need one. */
const DBREF_KEY = Buffer.from('\x02$ref\x00', 'latin1');

/**
 * BSON.deserialize, with each DBRef left as the document it is in BSON (its fields in their stored
 * order). Documents without a `$ref` string (nearly all) cost one byte search more.
 */
export function deserializeDocument(raw: Buffer, options?: DeserializeOptions): Document {
  const doc = BSON.deserialize(raw, options);
  return raw.includes(DBREF_KEY) ? (withPlainDBRefs(doc, raw) as Document) : doc;
}

const isContainer = (v: unknown): v is Record<string, unknown> =>
  Array.isArray(v) ||
  (typeof v === 'object' && v !== null && [Object.prototype, null].includes(Object.getPrototypeOf(v)));

/** `value` (parsed from `raw`) with its DBRef objects replaced, read again from the bytes where the parse lost them. */
function withPlainDBRefs(value: unknown, raw: Buffer): unknown {
  let out: Record<string, unknown>;
  if (value instanceof DBRef) {
    out = {};
    for (const e of rawElements(raw)) {
      // `$ref` and `$db` are strings (or the bson package would not have made a DBRef).
      if (e.name === '$ref' || e.name === '$db') out[e.name] = raw.toString('utf8', e.start + 4, e.end - 1);
      else out[e.name] = e.name === '$id' ? value.oid : (value.fields as Document)[e.name];
    }
  } else if (isContainer(value)) out = value;
  else return value;
  let index = 0;
  for (const e of rawElements(raw)) {
    // Array elements are parsed in order whatever their names.
    const key = Array.isArray(out) ? String(index++) : e.name;
    if (e.type !== 0x03 && e.type !== 0x04) continue;
    const sub = out[key];
    const next = withPlainDBRefs(sub, raw.subarray(e.start, e.end));
    if (next !== sub) out[key] = next;
  }
  return out;
}
