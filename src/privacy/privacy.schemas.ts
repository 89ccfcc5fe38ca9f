// zod schema of the privacy notice's confirmation form.
import { z } from 'zod';

export const acknowledgeForm = z.object({ returnTo: z.string().max(1000).optional() }).strict();
