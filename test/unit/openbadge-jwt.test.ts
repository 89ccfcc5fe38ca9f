// The Open Badges 3.0 VC-JWT (openbadge-jwt.ts): a compact JWS that Node's crypto verifies with
// nothing but the published public JWK; its claims are the credential's (OB 3.0 §8.2); changing any
// character breaks it; and every forged or hostile token (alg none, HS256 keyed with the public key,
// an attacker's jwk, huge or nested headers, bad base64url) is refused.
import crypto from 'node:crypto';
import type { CertificateContent } from '../../src/certificates/content';
import { jwkThumbprint, publicJwk, thumbprintOf, type JwtSigningKey } from '../../src/certificates/jwt-keys';
import { multibaseKey, saltOf, unsignedCredential } from '../../src/certificates/openbadge';
import {
  jwtCredential,
  looksLikeJwt,
  parseJws,
  signJwt,
  subjectIdOf,
  verifyJwt,
} from '../../src/certificates/openbadge-jwt';
import { decodeParts, forgedTokens } from '../support/jwt-attacks';

const BASE = 'https://binaasn.pemkomedan.go.id';
const CONTENT: CertificateContent = {
  format: 'binaasn.certificate.v1',
  number: '800/17/BKPSDM/2026',
  code: 'ABCDEFGHJKLMNPQRSTUV',
  enrolmentId: 'e1',
  issuedAt: '2026-11-30T05:00:00.123Z',
  place: 'Medan',
  startedAt: '2026-11-02T03:00:00.000Z',
  completedAt: '2026-11-30T04:59:00.000Z',
  jp: 12,
  issuer: 'BKPSDM Kota Medan',
  person: {
    id: 'p1',
    name: "Nur'aini Hasibuan-Pérez, S.Sos.",
    nip: '199001012015032001',
    employeeType: 'pns',
    golongan: 'III/b',
    pangkat: 'Penata Muda Tingkat I',
    jabatan: 'Analis Kebijakan Ahli Pertama',
    unitKerja: 'Bidang Pengembangan Kompetensi',
    opd: { code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil' },
  },
  course: {
    id: 'c1',
    version: 2,
    code: 'LITDIG-01',
    title: 'Literasi Digital bagi ASN',
    competencyType: 'teknis',
    area: 'literasi_digital',
    jp: 12,
    partner: { code: 'USU', name: 'Universitas Sumatera Utara' },
    signatories: [],
    outline: [],
  },
};
const NOW = new Date('2026-12-01T00:00:00Z');

const signingKey = (bits = 2048): JwtSigningKey => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: bits });
  return { privateKey, publicKey, thumbprint: thumbprintOf(publicKey) };
};
const ed = crypto.generateKeyPairSync('ed25519');
const key = signingKey();
const salt = saltOf('signature-value');
const credential = jwtCredential(CONTENT, salt, BASE, ed.publicKey);
const token = signJwt(credential, key, BASE);
const keyOf = (keys: JwtSigningKey[]) => async (thumbprint: string) =>
  keys.find((k) => k.thumbprint === thumbprint)?.publicKey;
const verify = async (text: string, keys: JwtSigningKey[] = [key]) => {
  const jws = parseJws(text);
  return jws && verifyJwt(jws, keyOf(keys), NOW);
};

describe('the VC-JWT export', () => {
  it('verifies with Node crypto and only the public JWK, which carries no private member', () => {
    const [h, p, s] = token.split('.');
    const { header } = decodeParts(token);
    expect(header).toEqual({
      alg: 'RS256',
      typ: 'JWT',
      kid: `${BASE}/openbadges/kunci/${key.thumbprint}`,
      jwk: publicJwk(key.publicKey),
    });
    expect(Object.keys(header.jwk as object).sort()).toEqual(['e', 'kty', 'n']);
    const published = crypto.createPublicKey({ key: header.jwk as crypto.JsonWebKey, format: 'jwk' });
    expect(crypto.verify('sha256', Buffer.from(`${h}.${p}`), published, Buffer.from(s, 'base64url'))).toBe(
      true,
    );
    expect(jwkThumbprint(header.jwk as { n: string; e: string })).toBe(key.thumbprint);
    expect(signJwt(credential, key, BASE)).toBe(token); // deterministic: the same certificate, the same token
    expect(looksLikeJwt(Buffer.from(`\n${token}`))).toBe(true);
    expect(looksLikeJwt(Buffer.from('%PDF-1.7'))).toBe(false);
  });

  it('carries the credential itself with iss, jti, sub, nbf and iat from it, and no exp', () => {
    const { payload } = decodeParts(token);
    const { iss, jti, sub, nbf, iat, ...rest } = payload;
    expect(rest).toEqual(credential);
    expect(iss).toBe(`did:key:${multibaseKey(ed.publicKey)}`);
    expect(iss).toBe((credential.issuer as { id: string }).id);
    expect(jti).toBe(`${BASE}/verifikasi/${CONTENT.code}`);
    expect(sub).toBe((credential.credentialSubject as { id: string }).id);
    expect(sub).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sub).toBe(subjectIdOf(salt));
    expect(credential.validFrom).toBe('2026-11-30T05:00:00Z');
    expect(nbf).toBe(Date.parse('2026-11-30T05:00:00Z') / 1000);
    expect(iat).toBe(nbf);
    expect('exp' in payload).toBe(false);
    expect('vc' in payload).toBe(false);
    // Everything else is the JSON export's credential: the same issuer, achievement and identifiers.
    const { validFrom: _a, credentialSubject: subject, ...others } = credential;
    const json = unsignedCredential(CONTENT, salt, BASE, ed.publicKey);
    const { validFrom: _b, credentialSubject: jsonSubject, ...jsonOthers } = json;
    expect(others).toEqual(jsonOthers);
    expect({ ...(subject as object), id: undefined }).toEqual({ ...(jsonSubject as object), id: undefined });
    expect(JSON.stringify(payload)).not.toContain(CONTENT.person.nip);
  });

  it('verifies here, and fails when any one character of it changes', async () => {
    expect(await verify(token)).toEqual(credential);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const survivors: number[] = [];
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const other = alphabet[(alphabet.indexOf(token[i]) + 1 + (i % 63)) % 64];
      if (await verify(token.slice(0, i) + other + token.slice(i + 1))) survivors.push(i);
    }
    expect(survivors).toEqual([]);
  });

  it('refuses alg none, HS256 keyed with the public key, an attacker jwk, huge or nested headers and bad base64url', async () => {
    const pem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const problems: string[] = [];
    for (const forged of forgedTokens(token, pem)) {
      const jws = parseJws(forged.token);
      if (forged.unreadable !== !jws) problems.push(`${forged.what}: ${jws ? 'parsed' : 'unreadable'}`);
      if (jws && (await verifyJwt(jws, keyOf([key]), NOW))) problems.push(`${forged.what}: accepted`);
    }
    expect(problems).toEqual([]);
  });

  it('is refused by a key that is not the one named, and before its validFrom', async () => {
    expect(await verify(token, [signingKey()])).toBeUndefined();
    const jws = parseJws(token)!;
    expect(await verifyJwt(jws, keyOf([key]), new Date('2026-11-30T04:59:59Z'))).toBeUndefined();
  });

  it('keeps verifying after a rotation, with the old key among the published ones', async () => {
    const next = signingKey();
    const newer = signJwt(credential, next, BASE);
    expect(decodeParts(newer).header.kid).not.toBe(decodeParts(token).header.kid);
    expect(await verify(token, [next, key])).toEqual(credential);
    expect(await verify(newer, [next, key])).toEqual(credential);
    expect(await verify(token, [next])).toBeUndefined();
  });
});
