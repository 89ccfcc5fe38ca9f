// Errors with a meaning, thrown by services and routes, turned into a status and a page by the one
// error handler in error-handler.ts. `messageKey` is an i18n key shown to the person.
export class HttpError extends Error {
  /** Values the message names (a lesson's title, …), filled into its translation. */
  messageParams?: Record<string, string | number>;

  constructor(
    public readonly status: number,
    public readonly messageKey: string,
    message?: string,
  ) {
    super(message ?? messageKey);
    this.name = new.target.name;
  }
}

export class BadRequest extends HttpError {
  constructor(messageKey = 'errors.badRequest') {
    super(400, messageKey);
  }
}

export class Unauthorized extends HttpError {
  constructor(messageKey = 'errors.unauthorized') {
    super(401, messageKey);
  }
}

export class Forbidden extends HttpError {
  constructor(messageKey = 'errors.forbidden') {
    super(403, messageKey);
  }
}

export class NotFound extends HttpError {
  /** `what` names the missing thing for logs only; the page never says whether it exists. */
  constructor(public readonly what = 'page') {
    super(404, 'errors.notFound', `${what} not found`);
  }
}

export class Conflict extends HttpError {
  constructor(messageKey = 'errors.conflict') {
    super(409, messageKey);
  }
}

/** A value that must be unique is taken (a NIP, an email, a code): 409 with a message next to its field. */
export class DuplicateKey extends Conflict {
  constructor(
    public readonly field: string,
    messageKey: string,
  ) {
    super(messageKey);
  }

  get fieldErrors(): Record<string, string> {
    return { [this.field]: this.messageKey };
  }
}

export class PayloadTooLarge extends HttpError {
  constructor(messageKey = 'errors.payloadTooLarge') {
    super(413, messageKey);
  }
}

export class ValidationFailed extends HttpError {
  constructor(
    public readonly fieldErrors: Record<string, string>,
    messageKey = 'errors.validation',
  ) {
    super(422, messageKey);
  }
}

export class TooManyRequests extends HttpError {
  constructor(messageKey = 'errors.tooManyRequests') {
    super(429, messageKey);
  }
}
