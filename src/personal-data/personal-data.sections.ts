// The sections of "Data saya" that other features fill: each registers a loader of its records about
// one person (enrolments, attempts, JP, certificates, ...). Until a feature exists its section is an
// empty list, so the download's shape never changes.
/** A list of records about one person that another feature holds (enrolments, certificates, ...). */
export type SectionLoader = (userId: string) => Promise<unknown[]>;

// e.g. the enrolments feature: registerPersonalDataSection('enrolments', (userId) => enrolments.exportFor(userId)).
const SECTION_NAMES = [
  'enrolments',
  'attempts',
  'jp',
  'certificates',
  'evaluations',
  'events',
  'mails',
] as const;
export type SectionName = (typeof SECTION_NAMES)[number];
const loaders = new Map<SectionName, SectionLoader>();

export function registerPersonalDataSection(name: SectionName, loader: SectionLoader): void {
  loaders.set(name, loader);
}

export async function sectionsOf(userId: string): Promise<Record<SectionName, unknown[]>> {
  const entries = await Promise.all(
    SECTION_NAMES.map(async (name) => [name, (await loaders.get(name)?.(userId)) ?? []] as const),
  );
  return Object.fromEntries(entries) as Record<SectionName, unknown[]>;
}
