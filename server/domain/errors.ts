/** Refusals the domain gives, with the contract's code and HTTP status. */

export class DomainError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 429,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const refuse = {
  badInput: (code: string, message: string, details?: Record<string, unknown>) =>
    new DomainError(400, code, message, details),
  notFound: (code: string, message: string) => new DomainError(404, code, message),
  conflict: (code: string, message: string, details?: Record<string, unknown>) =>
    new DomainError(409, code, message, details),
  forbidden: (code: string, message: string) => new DomainError(403, code, message),
  limit: (code: string, message: string, details?: Record<string, unknown>) =>
    new DomainError(429, code, message, details),
};
