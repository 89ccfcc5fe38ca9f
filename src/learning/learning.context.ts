// What the learning services need from the app beyond the database: the mail seam's settings (the
// site's address for links in mail). Set once when the learning router is created; the command-line
// reminders set it too.
import type { Config } from '../config';

export type LearningConfig = Pick<Config, 'baseUrl' | 'mail'>;

let current: LearningConfig | undefined;

export function configureLearning(config: LearningConfig): void {
  current = config;
}

/** The settings, or undefined before the app or the CLI configured them (mail is then not queued). */
export function learningConfig(): LearningConfig | undefined {
  return current;
}
