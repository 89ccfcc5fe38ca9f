// What the certificates feature needs of the app's configuration, set once when its router is built
// (issuance is called by the learning feature, which passes only the event and its session).
import type { Logger } from 'pino';
import type { CertificateSettings, Config } from '../config';
import { certificateKeys, type CertificateKeys } from './keys';
import { jwtSigningKey, rememberJwtKey } from './jwt-keys';

export interface CertificateRuntime {
  settings: CertificateSettings;
  /** BASE_URL, read when a PDF is made (tests that learn their address late set it on the config). */
  baseUrl(): string;
  keys: CertificateKeys;
  logger?: Logger;
}

let runtime: CertificateRuntime | undefined;
let warned = false;

/**
 * Sets the configuration issuance and rendering use; warns once about generated keys; records a
 * configured VC-JWT key in the database (in the background), so it stays published after a rotation.
 */
export function configureCertificates(
  config: Pick<Config, 'certificates' | 'baseUrl'>,
  logger?: Logger,
  now = new Date(),
): CertificateRuntime {
  const keys = certificateKeys(config.certificates);
  runtime = {
    settings: config.certificates,
    baseUrl: () => config.baseUrl,
    keys,
    logger: logger ?? runtime?.logger,
  };
  if (config.certificates.jwtKeyPem)
    void rememberJwtKey(jwtSigningKey(config.certificates), now).catch((error: unknown) =>
      runtime?.logger?.error({ err: error }, 'Could not record the Open Badges JWT key'),
    );
  if (keys.generated.length && !warned && logger) {
    warned = true;
    logger.warn(
      { generated: keys.generated, where: config.certificates.keyFolder ?? 'memory' },
      'Certificate keys were generated for development (not configured): set them before issuing real certificates',
    );
  }
  return runtime;
}

export function certificateRuntime(): CertificateRuntime {
  if (!runtime)
    throw new Error('certificates are not configured: build the app (or call configureCertificates) first');
  return runtime;
}
