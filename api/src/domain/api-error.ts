/** An error a client caused or must know about; anything else becomes a generic 500. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: { field: string; message: string }[] | undefined;

  constructor(status: number, code: string, message: string, details?: { field: string; message: string }[]) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const notFound = (what: string) => new ApiError(404, 'NOT_FOUND', `${what} not found`);
/** The token's account was deleted while the request ran (before it, the token check answers the same). */
export const accountGone = () => new ApiError(401, 'UNAUTHORIZED', 'The account no longer exists');
export const badField = (field: string, message: string) =>
  new ApiError(400, 'VALIDATION_FAILED', `${field} ${message}`, [{ field, message }]);
