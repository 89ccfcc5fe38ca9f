// zod schemas of the outbox pages.
import { z } from 'zod';
import { pageNumber } from '../web/validation';

export const outboxQuery = z.object({ page: pageNumber.optional() }).strict();
