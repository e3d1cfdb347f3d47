import { ErrorBody } from '@flock/shared';

/** The error responses a route documents, all in the one error shape. */
export const errorResponses = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [code, ErrorBody])) as Record<number, typeof ErrorBody>;
