// The roles a person can hold and the interface languages: read by the web plumbing, the guards and
// every feature, so they live below all of them.
export const ROLES = ['learner', 'author', 'curator', 'hr', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const LANGUAGES = ['id', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
