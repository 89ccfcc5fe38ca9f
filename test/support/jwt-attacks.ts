// Forged and hostile VC-JWTs made from a genuine one, for the unit test of openbadge-jwt.ts and the
// hostile-input corpus of the public verification page. `unreadable` tokens cannot be a compact JWS
// at all (the page answers 422 with a message); the others parse and must be judged not genuine.
import crypto from 'node:crypto';

export interface ForgedToken {
  what: string;
  token: string;
  unreadable: boolean;
}

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export function decodeParts(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}

/** The attacks every VC-JWT verifier must refuse, each built from the genuine token. */
export function forgedTokens(genuine: string, publicKeyPem: string): ForgedToken[] {
  const { header, payload } = decodeParts(genuine);
  const [h, p, s] = genuine.split('.');
  const changed = { ...payload, name: 'Sertifikat Palsu' };
  const hmac = (secret: string | Buffer, head: unknown, body: unknown) => {
    const input = `${b64(head)}.${b64(body)}`;
    return `${input}.${crypto.createHmac('sha256', secret).update(input).digest('base64url')}`;
  };
  const attacker = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const attackerJwk = attacker.publicKey.export({ format: 'jwk' });
  const rsa = (head: unknown, body: unknown) => {
    const input = `${b64(head)}.${b64(body)}`;
    return `${input}.${crypto.sign('sha256', Buffer.from(input), attacker.privateKey).toString('base64url')}`;
  };
  const publicJwkText = JSON.stringify(header.jwk);
  const deep = `{"alg":"RS256","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  const deepPayload = `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
  return [
    {
      what: 'alg none, no signature',
      token: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(changed)}.`,
      unreadable: false,
    },
    {
      what: 'alg none, genuine signature',
      token: `${b64({ ...header, alg: 'none' })}.${p}.${s}`,
      unreadable: false,
    },
    {
      what: 'HS256 with the public key PEM as secret',
      token: hmac(publicKeyPem, { ...header, alg: 'HS256' }, changed),
      unreadable: false,
    },
    {
      what: 'HS256 with the public JWK as secret',
      token: hmac(publicJwkText, { ...header, alg: 'HS256' }, changed),
      unreadable: false,
    },
    {
      what: 'a jwk header carrying an attacker key',
      token: rsa(
        { alg: 'RS256', typ: 'JWT', jwk: { kty: 'RSA', n: attackerJwk.n, e: attackerJwk.e } },
        changed,
      ),
      unreadable: false,
    },
    {
      what: "the installation's kid with an attacker jwk",
      token: rsa({ ...header, jwk: { kty: 'RSA', n: attackerJwk.n, e: attackerJwk.e } }, changed),
      unreadable: false,
    },
    {
      what: "the installation's kid, signed by an attacker",
      token: rsa({ alg: 'RS256', kid: header.kid }, changed),
      unreadable: false,
    },
    {
      what: 'a jwk with private members',
      token: `${b64({ ...header, jwk: { ...(header.jwk as object), d: 'AQAB' } })}.${p}.${s}`,
      unreadable: false,
    },
    {
      what: 'a header member OB 3.0 does not allow',
      token: `${b64({ ...header, crit: ['exp'] })}.${p}.${s}`,
      unreadable: false,
    },
    { what: 'RS512 named', token: `${b64({ ...header, alg: 'RS512' })}.${p}.${s}`, unreadable: false },
    { what: 'the payload changed, signature kept', token: `${h}.${b64(changed)}.${s}`, unreadable: false },
    {
      what: 'the signature truncated',
      token: `${h}.${p}.${Buffer.from(s, 'base64url').subarray(0, -3).toString('base64url')}`,
      unreadable: false,
    },
    {
      what: 'a huge header',
      token: `${b64({ ...header, x: 'A'.repeat(100_000) })}.${p}.${s}`,
      unreadable: true,
    },
    {
      what: 'a header over the limit but a valid shape',
      token: `${b64({ ...header, kid: `${String(header.kid)}${'/a'.repeat(3000)}` })}.${p}.${s}`,
      unreadable: true,
    },
    { what: 'bad base64url (padding)', token: `${h}==.${p}.${s}`, unreadable: true },
    {
      what: 'bad base64url (standard alphabet)',
      token: `${h}.${p.replace(/-/g, '+').replace(/_/g, '/')}+/.${s}`,
      unreadable: true,
    },
    {
      what: 'bad base64url (stray characters)',
      token: `${h}.${p}.${s.slice(0, 10)}*${s.slice(10)}`,
      unreadable: true,
    },
    { what: 'four parts', token: `${genuine}.${s}`, unreadable: true },
    { what: 'a nested JSON bomb in the header', token: `${b64(deep)}.${p}.${s}`, unreadable: true },
    { what: 'a nested JSON bomb in the payload', token: `${h}.${b64(deepPayload)}.${s}`, unreadable: true },
    { what: 'a header that is not JSON', token: `${b64('{"alg":"RS256"')}.${p}.${s}`, unreadable: true },
    { what: 'a payload that is an array', token: `${h}.${b64([payload])}.${s}`, unreadable: true },
    {
      what: 'invalid UTF-8 in the payload',
      token: `${h}.${Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url')}.${s}`,
      unreadable: true,
    },
  ];
}
