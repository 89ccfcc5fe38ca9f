// NIP (Nomor Induk Pegawai) and NI PPPK: 18 digits = birth date YYYYMMDD, TMT YYYYMM, sex digit, sequence.
// See shared/reference/asn.md. Validation checks that the date parts are real calendar dates.

export interface NipParts {
  birthDate: Date;
  tmtYear: number;
  tmtMonth: number;
  sex: 'male' | 'female';
  sequence: string;
}

const NIP_PATTERN = /^\d{18}$/;

function realDate(year: number, month: number, day: number): Date | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  const isSame =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return isSame ? date : null;
}

/** Splits a NIP into its parts, or returns null when it is not a well-formed NIP. */
export function parseNip(nip: string): NipParts | null {
  if (!NIP_PATTERN.test(nip)) return null;
  const year = Number(nip.slice(0, 4));
  const birthDate = realDate(year, Number(nip.slice(4, 6)), Number(nip.slice(6, 8)));
  const tmtYear = Number(nip.slice(8, 12));
  const tmtMonth = Number(nip.slice(12, 14));
  const sexDigit = nip[14];
  if (!birthDate || year < 1900 || tmtYear < 1950 || tmtMonth < 1 || tmtMonth > 12) return null;
  if (sexDigit !== '1' && sexDigit !== '2') return null;
  if (tmtYear < year + 15) return null; // nobody enters the civil service before 15
  return { birthDate, tmtYear, tmtMonth, sex: sexDigit === '1' ? 'male' : 'female', sequence: nip.slice(15) };
}

export function isValidNip(nip: string): boolean {
  return parseNip(nip) !== null;
}

/** Removes the spaces people type when copying a NIP from paper: "19900101 201503 1 001". */
export function normaliseNip(input: string): string {
  return input.replace(/[\s.-]/g, '');
}

/** Display form: `19900101 201503 1 001`. */
export function formatNip(nip: string): string {
  if (!NIP_PATTERN.test(nip)) return nip;
  return `${nip.slice(0, 8)} ${nip.slice(8, 14)} ${nip.slice(14, 15)} ${nip.slice(15)}`;
}

/** Public form that hides birth date and sex: keeps the first 8 and last 2 digits' shape as SECURITY.md shows. */
export function maskNip(nip: string): string {
  if (!NIP_PATTERN.test(nip)) return '******************';
  return `${nip.slice(0, 8)}********${nip.slice(16)}`;
}

/** The one spelling of a sign-in identifier: lower-case email, or a NIP without the spaces people type. */
export function canonicalIdentifier(identifier: string): string {
  const trimmed = identifier.trim();
  return trimmed.includes('@') ? trimmed.toLowerCase() : normaliseNip(trimmed);
}
