// The admin outbox: every mail with recipient, subject, kind and status; a kept (development) mail
// also shows its text body and links, so a newcomer follows an invitation without a mail server.
import { Router } from 'express';
import type { RouteDeps } from '../core/deps';
import { requireRole } from '../auth';
import { registerNavItem } from '../web/navigation';
import { idParam, parseQuery } from '../web/validation';
import { outboxQuery } from './mail.schemas';
import { listOutbox, outboxMail } from './mail.service';

const OUTBOX_PATH = '/admin/outbox';

export function outboxRouter({ config }: RouteDeps): Router {
  registerNavItem({ href: OUTBOX_PATH, labelKey: 'mail.outbox.nav', roles: ['admin'], order: 90 });
  const router = Router();
  router.use(requireRole('admin'));

  router.get('/', async (req, res) => {
    const query = parseQuery(outboxQuery, req.query);
    const result = await listOutbox(query.page ?? 1);
    res.render('mail/outbox', {
      title: req.t('mail.outbox.title'),
      basePath: OUTBOX_PATH,
      result,
      isSmtp: !!config.mail.smtpUrl,
    });
  });

  router.get('/:id', async (req, res) => {
    const mail = await outboxMail(idParam(req, 'mail'), config.baseUrl);
    res.render('mail/outbox-mail', { title: mail.subject, basePath: OUTBOX_PATH, mail });
  });

  return router;
}
