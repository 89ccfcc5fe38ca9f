// SCRAM (RFC 5802 / RFC 7677) as MongoDB speaks it: SCRAM-SHA-256 (the drivers' default) and
// SCRAM-SHA-1 (its password is MongoDB's md5 digest of "user:mongo:password"). Proofs are checked
// against salted keys; a conversation is saslStart (client-first) → saslContinue (client-final,
// answered with the server signature and done: true, the drivers' skipEmptyExchange).
import crypto from 'node:crypto';

export type ScramMechanism = 'SCRAM-SHA-1' | 'SCRAM-SHA-256';
export const MECHANISMS: ScramMechanism[] = ['SCRAM-SHA-1', 'SCRAM-SHA-256'];

type Hash = 'sha1' | 'sha256';
const HASH: Record<ScramMechanism, Hash> = { 'SCRAM-SHA-1': 'sha1', 'SCRAM-SHA-256': 'sha256' };
/** MongoDB's defaults (scramIterationCount, scramSHA256IterationCount). */
const ITERATIONS: Record<ScramMechanism, number> = { 'SCRAM-SHA-1': 10_000, 'SCRAM-SHA-256': 15_000 };

interface ScramKeys {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** A user as the server keeps it: the keys of each mechanism, never the password. */
export interface ScramUser {
  user: string;
  db: string;
  keys(mechanism: ScramMechanism): ScramKeys;
}

const hmac = (hash: Hash, key: Buffer, text: string | Buffer) =>
  crypto.createHmac(hash, key).update(text).digest();

function deriveKeys(mechanism: ScramMechanism, user: string, password: string): ScramKeys {
  const hash = HASH[mechanism];
  const secret =
    mechanism === 'SCRAM-SHA-1'
      ? crypto.createHash('md5').update(`${user}:mongo:${password}`, 'utf8').digest('hex')
      : password.normalize('NFKC'); // SASLprep, for the passwords this engine meets
  const salt = crypto.randomBytes(mechanism === 'SCRAM-SHA-1' ? 16 : 28);
  const iterations = ITERATIONS[mechanism];
  const salted = crypto.pbkdf2Sync(secret, salt, iterations, hash === 'sha1' ? 20 : 32, hash);
  const clientKey = hmac(hash, salted, 'Client Key');
  return {
    salt,
    iterations,
    storedKey: crypto.createHash(hash).update(clientKey).digest(),
    serverKey: hmac(hash, salted, 'Server Key'),
  };
}

export function createScramUser(user: string, db: string, password: string): ScramUser {
  // SCRAM-SHA-256 now; SCRAM-SHA-1 (rarely asked for) on first use, saving its PBKDF2 at start-up.
  const keys: Partial<Record<ScramMechanism, ScramKeys>> = {
    'SCRAM-SHA-256': deriveKeys('SCRAM-SHA-256', user, password),
  };
  return { user, db, keys: (mechanism) => (keys[mechanism] ??= deriveKeys(mechanism, user, password)) };
}

/** Parses "a=1,b=2" SCRAM attribute lists (values may contain '='). */
function attributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out.set(part[0], part.slice(2));
  }
  return out;
}

/** SCRAM escapes ',' and '=' in user names as =2C and =3D. */
const unescapeName = (name: string) => name.replace(/=2C/g, ',').replace(/=3D/g, '=');

const GS2_HEADERS = ['n,,', 'y,,'];

/** Why a conversation failed; the server answers every one of them as AuthenticationFailed. */
export class ScramFailure extends Error {}

/** One client's authentication in progress. */
export class ScramConversation {
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private user?: ScramUser;
  done = false;

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly findUser: (name: string) => ScramUser | undefined,
  ) {}

  /** client-first-message → server-first-message. */
  start(payload: Buffer): Buffer {
    const text = payload.toString('utf8');
    // gs2 header: no channel binding ("n,,"), or "y,," (client supports it, thinks we do not);
    // no authorization identity, as with every MongoDB driver.
    if (!GS2_HEADERS.includes(text.slice(0, 3))) throw new ScramFailure('unsupported gs2 header');
    this.clientFirstBare = text.slice(3);
    const attrs = attributes(this.clientFirstBare);
    const name = attrs.get('n');
    const clientNonce = attrs.get('r');
    if (!name || !clientNonce) throw new ScramFailure('client-first-message lacks n or r');
    this.user = this.findUser(unescapeName(name));
    if (!this.user) throw new ScramFailure(`unknown user ${name}`);
    const keys = this.user.keys(this.mechanism);
    this.nonce = clientNonce + crypto.randomBytes(24).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${keys.salt.toString('base64')},i=${keys.iterations}`;
    return Buffer.from(this.serverFirst);
  }

  /** client-final-message → server-final-message; the proof decides. */
  finish(payload: Buffer): { reply: Buffer; user: ScramUser } {
    if (!this.user || this.done) throw new ScramFailure('conversation not started');
    const text = payload.toString('utf8');
    const proofAt = text.lastIndexOf(',p=');
    if (proofAt < 0) throw new ScramFailure('client-final-message lacks a proof');
    const withoutProof = text.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    if (attrs.get('r') !== this.nonce) throw new ScramFailure('nonce mismatch');
    const channel = Buffer.from(attrs.get('c') ?? '', 'base64').toString('utf8');
    if (!GS2_HEADERS.includes(channel)) throw new ScramFailure('channel binding not supported');
    const hash = HASH[this.mechanism];
    const keys = this.user.keys(this.mechanism);
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const proof = Buffer.from(text.slice(proofAt + 3), 'base64');
    const signature = hmac(hash, keys.storedKey, authMessage);
    if (proof.length !== signature.length) throw new ScramFailure('bad proof');
    const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]));
    const storedKey = crypto.createHash(hash).update(clientKey).digest();
    if (!crypto.timingSafeEqual(storedKey, keys.storedKey)) throw new ScramFailure('bad proof');
    this.done = true;
    const serverSignature = hmac(hash, keys.serverKey, authMessage).toString('base64');
    return { reply: Buffer.from(`v=${serverSignature}`), user: this.user };
  }
}
